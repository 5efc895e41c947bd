// Splits one large regular file into line-aligned byte ranges scanned by worker threads, then merges
// their counters and accumulators in file order (reports whose result is a sum: -st, -srv, -pct, -gt,
// -tc, -cc, -u*, -ic, -ac/-ad and -c). stderr messages are renumbered to global line numbers.
// Not used with -m, line output or -hdr, which depend on order. Hot path: no (setup and merge).
import { availableParallelism, loadavg } from 'node:os';
import { readSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { HalogOptions } from './types.ts';
import {
  LINE_ACCEPT_HOLES, LINE_COOKIE_CODES, LINE_GRAPHS, LINE_IPS, LINE_NONE, LINE_SERVERS, LINE_STATUS,
  LINE_TERM_CODES, LINE_URLS, HALOG_LINE_MAX, HALOG_MIN_PARALLEL_BYTES,
} from './types.ts';
import type { HalogScanner } from './scan/scanner.ts';
import { IntCounts } from './reports/int-counts.ts';
import { ServerStats } from './reports/servers.ts';
import { UrlStats } from './reports/urls.ts';
import { scanRange } from './range-scan.ts';
import type { RangeResult, RangeTask } from './range-scan.ts';

const MERGEABLE = new Set([LINE_ACCEPT_HOLES, LINE_COOKIE_CODES, LINE_GRAPHS, LINE_IPS, LINE_NONE, LINE_SERVERS,
  LINE_STATUS, LINE_TERM_CODES, LINE_URLS]);

/** Number of threads to use for this run and input size, or 1 for a sequential scan. */
export function parallelThreads(o: HalogOptions, action: number, size: number): number {
  if (o.linesMax >= 0 || !MERGEABLE.has(action)) return 1;
  if (o.threads > 0) return o.threads;
  if (size < HALOG_MIN_PARALLEL_BYTES) return 1;
  /*
   * 2 threads (the main one + 1 worker) measured best on this 2-core machine when a core is free
   * (1 GB -c: 0.51 -> 0.41 s, -pct 1.17 -> 0.86 s); with the cores already busy (1-min load average
   * >= cores - 0.5) the worker only adds its start-up and contention (1 GB -st under load 5: 1.75 -> 2.5 s).
   */
  const cores = availableParallelism();
  if (cores < 2 || loadavg()[0] >= cores - 0.5) return 1;
  return 2;
}

/* the worker starts ~30 ms after the main thread (thread + module loading): give range 0 a little more */
const MAIN_RANGE_BIAS = 24 * 1024 * 1024;

/** First line start at or after `pos` (the byte after the LF that ends the line holding pos - 1). */
function lineStartAfter(fd: number, pos: number, size: number): number {
  if (pos <= 0) return 0;
  const win = Buffer.allocUnsafe(64 * 1024);
  let at = pos - 1;
  while (at < size) {
    const n = readSync(fd, win, 0, win.length, at);
    if (n <= 0) break;
    const lf = win.subarray(0, n).indexOf(10);
    if (lf >= 0) return at + lf + 1;
    at += n;
    if (at - pos > HALOG_LINE_MAX * 2) break;
  }
  return size;
}

/* Compiled: dist/halog/worker.js. From sources (tests via tsx): register tsx in the worker first. */
function startWorker(task: RangeTask): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./worker.js', import.meta.url), { workerData: task });
  const tsx = import.meta.resolve('tsx/esm/api');
  const src = new URL('./worker.ts', import.meta.url).href;
  const code = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(src)}); });`;
  return new Worker(code, { eval: true, workerData: task });
}

/**
 * Scans `fd` (a regular file of `size` bytes) with `threads` workers and merges into `sc`.
 * `countOnly` selects the -c fast path (lines counted, no parsing).
 */
export async function scanParallel(sc: HalogScanner, o: HalogOptions, fd: number, size: number, threads: number, countOnly: boolean): Promise<void> {
  const cuts: number[] = [0];
  const bias = Math.min(MAIN_RANGE_BIAS, Math.floor(size / 8));
  for (let i = 1; i < threads; i++) {
    const at = bias + Math.floor(((size - bias) * i) / threads);
    cuts.push(Math.max(cuts[i - 1], lineStartAfter(fd, at, size)));
  }
  cuts.push(size);
  /* ranges 1.. go to workers; the main thread scans range 0 meanwhile (one worker start-up less) */
  const pending = cuts.slice(1, -1).map((from, i) => new Promise<RangeResult>((resolve, reject) => {
    const task: RangeTask = { opts: o, fd, from, to: cuts[i + 2], countOnly };
    const w = startWorker(task);
    w.once('message', (r: RangeResult) => { resolve(r); void w.terminate(); });
    w.once('error', reject);
  }));
  const first = scanRange({ opts: o, fd, from: 0, to: cuts[1], countOnly });
  const results = [first, ...await Promise.all(pending)];
  let lineBase = 0;
  for (const r of results) {
    sc.parseErr += r.parseErr;
    sc.linesOut += r.linesOut;
    for (let i = 0; i < r.errRecords.length; i += 2) {
      const n = r.errRecords[i] as number;
      const b = r.errRecords[i + 1] as Uint8Array;
      if (n >= 0) {
        sc.err.str('Truncated line ' + (lineBase + n) + ': ');
        sc.err.bytes(b, 0, b.length);
        sc.err.byte(10);
      } else {
        sc.err.bytes(b, 0, b.length);
      }
    }
    lineBase += r.linenum;
    sc.ints.merge(IntCounts.fromTransfer(r.ints));
    for (let f = 1; f < sc.timers.length; f++) sc.timers[f].merge(IntCounts.fromTransfer(r.timers[f - 1]));
    if (r.servers.keys.length) {
      const st = new ServerStats();
      for (let i = 0; i < r.servers.keys.length; i++) st.slot(r.servers.keys[i], 0, r.servers.keys[i].length);
      st.v.set(r.servers.v.subarray(0, Math.min(st.v.length, r.servers.v.length)));
      sc.servers.merge(st);
    }
    if (r.urls.keys.length) {
      const us = new UrlStats();
      for (let i = 0; i < r.urls.keys.length; i++) us.keys.intern(r.urls.keys[i], 0, r.urls.keys[i].length);
      us.v = r.urls.v;
      sc.urls.merge(us);
    }
    if (r.stopped) break;
  }
  sc.linenum = lineBase;
}
