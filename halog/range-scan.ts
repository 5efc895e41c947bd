// Scans line-aligned blocks of a regular file with one HalogScanner, taking the next block number from
// a shared counter until none is left (so a thread that starts late or gets less CPU simply takes fewer
// blocks), and returns plain counters, accumulators and a per-block table (index, lines, first local
// line number, slice of errRecords) for parallel.ts to merge in file order. Structured-clone safe.
// Used by worker.ts and by the main thread itself. Hot path: yes (the scan).
import type { HalogOptions } from './types.ts';
import { HalogScanner } from './scan/scanner.ts';
import { LineCount } from './scan/line-count.ts';
import { LineReader } from './scan/line-reader.ts';
import { OutBuf } from './output.ts';
import type { IntCounts } from './reports/int-counts.ts';

export interface BlockTask {
  opts: HalogOptions;
  fd: number;
  /* block i is bytes [cuts[i], cuts[i + 1]); every cut is a line start */
  cuts: number[];
  /* shared block counter (Int32Array over a SharedArrayBuffer) */
  next: Int32Array;
  countOnly: boolean;
  /* at most this many blocks for this call (tests use it to spread blocks over several results) */
  maxBlocks?: number;
}

type IntTransfer = ReturnType<IntCounts['toTransfer']>;
export interface BlockResult {
  /* per block scanned, 5 numbers: index, lines, local line number before it, errRecords from, to */
  blocks: number[];
  /* a block ended on a line of HALOG_LINE_MAX bytes or more: the caller must rescan sequentially */
  stopped: boolean;
  linesOut: number;
  parseErr: number;
  errRecords: (number | Uint8Array)[];
  ints: IntTransfer;
  timers: IntTransfer[];
  servers: { keys: Uint8Array[]; v: Float64Array };
  urls: { keys: Uint8Array[]; v: Float64Array };
}

export const BLOCK_FIELDS = 5;

export function scanBlocks(t: BlockTask): BlockResult {
  const out = new OutBuf(-1); out.chunks = [];
  const err = new OutBuf(-1); err.chunks = [];
  const sc = new HalogScanner(t.opts, out, err);
  const errRecords: (number | Uint8Array)[] = [];
  sc.errRecords = errRecords;
  const counter = t.countOnly ? new LineCount(-1) : null;
  const reader = t.countOnly ? null : new LineReader(sc);
  const blocks: number[] = [];
  const nBlocks = t.cuts.length - 1;
  let left = t.maxBlocks ?? Infinity;
  let stopped = false;
  while (left-- > 0) {
    const i = Atomics.add(t.next, 0, 1);
    if (i >= nBlocks) break;
    const lineFrom = counter ? counter.count : sc.linenum;
    const errFrom = errRecords.length;
    const ok = counter ? counter.readRange(t.fd, t.cuts[i], t.cuts[i + 1]) : reader!.readRange(t.fd, t.cuts[i], t.cuts[i + 1]);
    const lines = (counter ? counter.count : sc.linenum) - lineFrom;
    blocks.push(i, lines, lineFrom, errFrom, errRecords.length);
    if (!ok) { stopped = true; break; }
  }
  if (counter) sc.linesOut = counter.count;
  const keysOf = (k: { size: number; key(i: number): Buffer }): Uint8Array[] =>
    Array.from({ length: k.size }, (_, i) => new Uint8Array(k.key(i)));
  return {
    blocks, stopped, linesOut: sc.linesOut, parseErr: sc.parseErr, errRecords,
    ints: sc.ints.toTransfer(), timers: sc.timers.slice(1).map((x) => x.toTransfer()),
    servers: { keys: keysOf(sc.servers.keys), v: sc.servers.v }, urls: { keys: keysOf(sc.urls.keys), v: sc.urls.v },
  };
}
