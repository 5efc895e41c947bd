// Splits one large regular file into line-aligned blocks (~16 MiB) that the main thread and worker
// threads take from a shared counter, then merges their counters and accumulators (reports whose result
// is a sum: -st, -srv, -pct, -gt, -tc, -cc, -u*, -ic, -ac/-ad and -c) and prints stderr messages in file
// order with global line numbers. Not used with -m, line output or -hdr, which depend on order; a line
// of HALOG_LINE_MAX bytes or more sends the caller back to the sequential scan. Hot path: no.
import { availableParallelism, loadavg } from 'node:os';
import { readdirSync, readFileSync, readSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { HalogOptions } from './types.ts';
import {
  LINE_ACCEPT_HOLES, LINE_COOKIE_CODES, LINE_GRAPHS, LINE_IPS, LINE_NONE, LINE_SERVERS, LINE_STATUS,
  LINE_TERM_CODES, LINE_URLS, HALOG_LINE_MAX, HALOG_MIN_PARALLEL_BYTES, FILT2_TIMESTAMP,
} from './types.ts';
import type { HalogScanner } from './scan/scanner.ts';
import { IntCounts } from './reports/int-counts.ts';
import { ServerStats } from './reports/servers.ts';
import { UrlStats } from './reports/urls.ts';
import { BLOCK_FIELDS, scanBlocks } from './range-scan.ts';
import type { BlockResult, BlockTask } from './range-scan.ts';

const MERGEABLE = new Set([LINE_ACCEPT_HOLES, LINE_COOKIE_CODES, LINE_GRAPHS, LINE_IPS, LINE_NONE, LINE_SERVERS,
  LINE_STATUS, LINE_TERM_CODES, LINE_URLS]);

/** Number of threads to use for this run and input size, or 1 for a sequential scan. */
export function parallelThreads(o: HalogOptions, action: number, size: number): number {
  /* -time: a date's conversion depends on the previous line's (timestamp.ts), so blocks cannot start cold */
  if (o.linesMax >= 0 || !MERGEABLE.has(action) || (o.filter2 & FILT2_TIMESTAMP)) return 1;
  if (o.threads > 0) return o.threads;
  if (size < HALOG_MIN_PARALLEL_BYTES) return 1;
  /*
   * The main thread + 1 worker when a core is free: measured on 1 GB at load ~2, -c 0.51 -> 0.41 s and
   * -pct 1.17 -> 0.86 s. On a busy machine (load 5-9 here, other sessions' benchmarks) a second thread
   * gets no more CPU and only adds its start-up and merge: -st 1.14 s with 1 thread vs 1.66 s with 2.
   * "Free" means at most `cores` other runnable tasks right now (a snapshot), not the 1-min average:
   * that average still holds our own previous runs, so back-to-back runs on an idle machine (npm run
   * bench:halog) pushed it over the limit and fell back to 1 thread (-srv 1.09 s vs 0.74 s with 2). With
   * one CPU-bound neighbour on 2 cores, 2 threads still win (-srv 0.99 s vs 1.13 s); the snapshot itself
   * reads 1-2 for one neighbour, hence the margin. Blocks are shared out dynamically, so a late or
   * starved worker only shifts blocks to the main thread.
   */
  const cores = availableParallelism();
  if (cores < 2 || runnableTasks() > cores) return 1;
  return 2;
}

/*
 * Runnable tasks of other processes right now: field 4 of /proc/loadavg ("running/total", all threads)
 * minus this process's own runnable threads (Node's compiler and GC helpers are often running at start-up:
 * 1-4 extra seen here). Where /proc is missing, the 1-min load average stands in for it.
 */
function runnableTasks(): number {
  try {
    const t = readFileSync('/proc/loadavg', 'latin1');
    let n = Number.parseInt(t.split(' ')[3], 10);
    for (const tid of readdirSync('/proc/self/task')) {
      const st = readFileSync('/proc/self/task/' + tid + '/stat', 'latin1');
      if (st.charCodeAt(st.lastIndexOf(')') + 2) === 82 /* R */) n--;
    }
    if (n >= 0) return n;
  } catch { /* not Linux */ }
  /* the earlier rule: a core counts as free while the 1-min average is below cores - 0.5 */
  return loadavg()[0] + 0.5;
}

/* block size: small enough to balance two threads, large enough that a block costs nothing extra */
const BLOCK_BYTES = 16 * 1024 * 1024;

/** First line start at or after `pos` (the byte after the LF that ends the line holding pos - 1). */
function lineStartAfter(fd: number, pos: number, size: number, win: Buffer): number {
  if (pos <= 0) return 0;
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

/** Line-aligned cuts of a `size`-byte file into about `blocks` blocks (first 0, last size). */
export function blockCuts(fd: number, size: number, blocks: number): number[] {
  const win = Buffer.allocUnsafe(64 * 1024);
  const cuts = [0];
  for (let i = 1; i < blocks; i++) cuts.push(Math.max(cuts[i - 1], lineStartAfter(fd, Math.floor((size * i) / blocks), size, win)));
  cuts.push(size);
  return cuts;
}

/* Compiled: dist/halog/worker.js. From sources (tests via tsx): register tsx in the worker first. */
function startWorker(task: BlockTask): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./worker.js', import.meta.url), { workerData: task });
  const tsx = import.meta.resolve('tsx/esm/api');
  const src = new URL('./worker.ts', import.meta.url).href;
  const code = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(src)}); });`;
  return new Worker(code, { eval: true, workerData: task });
}

/**
 * Merges block results into `sc` (accumulators summed; stderr records printed in block order with
 * global line numbers; linenum = all lines). Returns false, leaving `sc` untouched, if a block stopped.
 */
export function mergeBlocks(sc: HalogScanner, results: BlockResult[], nBlocks: number): boolean {
  if (results.some((r) => r.stopped)) return false;
  const owner = new Int32Array(nBlocks).fill(-1);
  const entry = new Int32Array(nBlocks);
  const lineBase = new Float64Array(nBlocks + 1);
  results.forEach((r, ri) => {
    for (let e = 0; e < r.blocks.length; e += BLOCK_FIELDS) {
      owner[r.blocks[e]] = ri;
      entry[r.blocks[e]] = e;
    }
  });
  for (let b = 0; b < nBlocks; b++) {
    const r = results[owner[b]];
    lineBase[b + 1] = lineBase[b] + (r ? r.blocks[entry[b] + 1] : 0);
    if (!r) continue;
    const [, , lineFrom, errFrom, errTo] = r.blocks.slice(entry[b], entry[b] + BLOCK_FIELDS);
    for (let i = errFrom; i < errTo; i += 2) {
      const n = r.errRecords[i] as number;
      const bytes = r.errRecords[i + 1] as Uint8Array;
      if (n >= 0) {
        sc.err.str('Truncated line ' + (lineBase[b] + n - lineFrom) + ': ');
        sc.err.bytes(bytes, 0, bytes.length);
        sc.err.byte(10);
      } else {
        sc.err.bytes(bytes, 0, bytes.length);
      }
    }
  }
  for (const r of results) {
    sc.parseErr += r.parseErr;
    sc.linesOut += r.linesOut;
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
  }
  sc.linenum = lineBase[nBlocks];
  return true;
}

/**
 * Scans `fd` (a regular file of `size` bytes) on the main thread plus `threads - 1` workers and merges
 * into `sc`. `countOnly` selects the -c fast path. Returns false (nothing merged) when the input must be
 * scanned sequentially instead (a line of HALOG_LINE_MAX bytes or more).
 */
export async function scanParallel(sc: HalogScanner, o: HalogOptions, fd: number, size: number, threads: number, countOnly: boolean): Promise<boolean> {
  const cuts = blockCuts(fd, size, Math.max(threads * 4, Math.ceil(size / BLOCK_BYTES)));
  const next = new Int32Array(new SharedArrayBuffer(4));
  const task: BlockTask = { opts: o, fd, cuts, next, countOnly };
  const pending: Promise<BlockResult>[] = [];
  for (let i = 1; i < threads; i++) {
    pending.push(new Promise<BlockResult>((resolve, reject) => {
      const w = startWorker(task);
      w.once('message', (r: BlockResult) => { resolve(r); void w.terminate(); });
      w.once('error', reject);
    }));
  }
  const mine = scanBlocks(task);
  return mergeBlocks(sc, [mine, ...await Promise.all(pending)], cuts.length - 1);
}
