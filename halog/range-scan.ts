// Scans one line-aligned byte range of a regular file with its own HalogScanner and returns plain
// counters and accumulators for parallel.ts to merge (structured-clone safe, so a worker can post it).
// Used by worker.ts and, for the first range, by the main thread itself. Hot path: yes (the scan).
import type { HalogOptions } from './types.ts';
import { HalogScanner } from './scan/scanner.ts';
import { LineCount } from './scan/line-count.ts';
import { LineReader } from './scan/line-reader.ts';
import { OutBuf } from './output.ts';
import type { IntCounts } from './reports/int-counts.ts';

export interface RangeTask { opts: HalogOptions; fd: number; from: number; to: number; countOnly: boolean }

type IntTransfer = ReturnType<IntCounts['toTransfer']>;
export interface RangeResult {
  linenum: number;
  linesOut: number;
  parseErr: number;
  stopped: boolean;
  errRecords: (number | Uint8Array)[];
  ints: IntTransfer;
  timers: IntTransfer[];
  servers: { keys: Uint8Array[]; v: Float64Array };
  urls: { keys: Uint8Array[]; v: Float64Array };
}

export function scanRange(t: RangeTask): RangeResult {
  const out = new OutBuf(-1); out.chunks = [];
  const err = new OutBuf(-1); err.chunks = [];
  const sc = new HalogScanner(t.opts, out, err);
  sc.errRecords = [];
  let stopped: boolean;
  if (t.countOnly) {
    const counter = new LineCount(-1);
    stopped = !counter.readRange(t.fd, t.from, t.to);
    sc.linesOut = counter.count;
  } else {
    stopped = !new LineReader(sc).readRange(t.fd, t.from, t.to);
  }
  const keysOf = (k: { size: number; key(i: number): Buffer }): Uint8Array[] =>
    Array.from({ length: k.size }, (_, i) => new Uint8Array(k.key(i)));
  return {
    linenum: t.countOnly ? sc.linesOut : sc.linenum, linesOut: sc.linesOut, parseErr: sc.parseErr, stopped,
    errRecords: sc.errRecords, ints: sc.ints.toTransfer(), timers: sc.timers.slice(1).map((x) => x.toTransfer()),
    servers: { keys: keysOf(sc.servers.keys), v: sc.servers.v }, urls: { keys: keysOf(sc.urls.keys), v: sc.urls.v },
  };
}
