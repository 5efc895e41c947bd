// Runs one halog invocation: opens the inputs (files, `.gz` files, or stdin), feeds them through the
// line reader into the scanner (or the -c fast path), then prints the report halog's output precedence
// selects, and the "lines in/out, parsing errors" summary on stderr. Hot path: no (setup and reports).
import { closeSync, createReadStream, fstatSync, openSync } from 'node:fs';
import type { HalogInput, HalogOptions } from './types.ts';
import {
  FILT_ACC_COUNT, FILT_ACC_DELAY, FILT_ANY_INPUT, FILT_COUNT_COOK_CODES, FILT_COUNT_IP_COUNT, FILT_COUNT_ONLY,
  FILT_COUNT_SRV_STATUS, FILT_COUNT_STATUS, FILT_COUNT_TERM_CODES, FILT_COUNT_URL_ANY, FILT_GRAPH_TIMERS,
  FILT_PERCENTILE, FILT_QUIET, FILT2_TIMESTAMP, HALOG_MIN_PARALLEL_BYTES, HALOG_STATUS_SIGSEGV, LINE_CAPTURE,
  LINE_NONE,
} from './types.ts';
import { HalogScanner, lineAction } from './scan/scanner.ts';
import { LineReader } from './scan/line-reader.ts';
import { LineCount } from './scan/line-count.ts';
import { OutBuf } from './output.ts';
import { Progress, progressWanted } from './progress.ts';
import { statusJson, statusReport } from './reports/status-codes.ts';
import { serversJson, serversReport } from './reports/servers.ts';
import { codesJson, codesReport } from './reports/term-codes.ts';
import { percentilesJson, percentilesReport } from './reports/percentiles.ts';
import { timeGraphJson, timeGraphReport } from './reports/time-graph.ts';
import { urlsJson, urlsReport } from './reports/urls.ts';
import { acceptHolesJson, acceptHolesReport } from './reports/accept-holes.ts';
import { foreignNodesReport } from './reports/foreign-nodes.ts';

export interface HalogIo {
  out: OutBuf;
  err: OutBuf;
  stdinFd: number;
}

/** True when `-c` is asked with no input filter: lines are only counted (halog's fast path). */
export function isCountFastPath(o: HalogOptions, action: number): boolean {
  return action === LINE_NONE && !(o.filter & FILT_ANY_INPUT) && !(o.filter2 & FILT2_TIMESTAMP);
}

/**
 * True when halog 2.6 would print -pct over lines that -hdr handled (no timer recorded): it then crashes
 * if any line went out. main.ts buffers stdout exactly as C does for such runs, so the crash keeps what
 * halog had flushed.
 */
export function pctOverCaptures(o: HalogOptions): boolean {
  return (o.filter & (FILT_ACC_COUNT | FILT_ACC_DELAY | FILT_GRAPH_TIMERS | FILT_COUNT_ONLY)) === 0
    && (o.filter & FILT_PERCENTILE) !== 0 && !o.json && lineAction(o.filter, o.filter2) === LINE_CAPTURE;
}

/** Feeds every input to `reader` (a LineReader or the -c LineCount); stops early when it stops. */
export async function readInputs(o: HalogOptions, reader: HalogInput, stdinFd: number, progress: Progress | null): Promise<void> {
  const tick = progress ? (n: number): void => progress.update(n) : undefined;
  if (o.files.length === 0) {
    progress?.startFile(sizeOf(stdinFd), reader.bytesRead);
    /* halog's fgets() ends its input on a read error too (`halog < /some/dir`: EISDIR): 0 lines, exit 0 */
    try {
      reader.readFd(stdinFd, tick);
    } catch (e) {
      if (typeof (e as NodeJS.ErrnoException).code !== 'string') throw e;
      reader.finish();
    }
    return;
  }
  for (const file of o.files) {
    if (file.endsWith('.gz')) {
      /* loaded only for .gz inputs: importing zlib costs ~5 ms of start-up */
      const { createGunzip } = await import('node:zlib');
      const stream = createReadStream(file).pipe(createGunzip());
      for await (const chunk of stream) {
        if (!reader.push(chunk as Buffer)) { stream.destroy(); return; }
      }
      if (!reader.finish()) return;
      continue;
    }
    const fd = openSync(file, 'r');
    try {
      progress?.startFile(sizeOf(fd), reader.bytesRead);
      if (!reader.readFd(fd, tick)) return;
    } finally {
      closeSync(fd);
    }
  }
}

function sizeOf(fd: number): number {
  try {
    const st = fstatSync(fd);
    return st.isFile() ? st.size : 0;
  } catch {
    return 0;
  }
}

/** Prints the selected report (halog's order of precedence) to sc.out; returns the JSON form if asked. */
export function printReport(sc: HalogScanner, json: boolean): unknown {
  const f = sc.filter;
  if (!json && foreignNodesReport(sc)) return undefined;
  if (f & (FILT_ACC_COUNT | FILT_ACC_DELAY)) return json ? acceptHolesJson(sc) : acceptHolesReport(sc);
  if (f & FILT_GRAPH_TIMERS) return json ? timeGraphJson(sc) : timeGraphReport(sc);
  if (f & FILT_PERCENTILE) return json ? percentilesJson(sc) : percentilesReport(sc);
  if (f & FILT_COUNT_STATUS) return json ? statusJson(sc) : statusReport(sc);
  if (f & FILT_COUNT_SRV_STATUS) return json ? serversJson(sc) : serversReport(sc);
  if (f & (FILT_COUNT_TERM_CODES | FILT_COUNT_COOK_CODES)) return json ? codesJson(sc) : codesReport(sc);
  if (f & (FILT_COUNT_URL_ANY | FILT_COUNT_IP_COUNT)) return json ? urlsJson(sc) : urlsReport(sc);
  return undefined;
}

/* A single regular-file input (a file argument or stdin redirected from a file), else null. */
function singleFile(o: HalogOptions, stdinFd: number): { fd: number; size: number; own: boolean } | null {
  if (o.files.length > 1 || (o.files.length === 1 && o.files[0].endsWith('.gz'))) return null;
  const own = o.files.length === 1;
  const fd = own ? openSync(o.files[0], 'r') : stdinFd;
  const size = sizeOf(fd);
  if (size > 0) return { fd, size, own };
  if (own) closeSync(fd);
  return null;
}

/** Runs halog over the inputs of `o`; returns the exit status. */
export async function runHalog(o: HalogOptions, io: HalogIo): Promise<number> {
  const sc = new HalogScanner(o, io.out, io.err);
  const fast = isCountFastPath(o, sc.action);
  const single = o.invert && fast ? null : singleFile(o, io.stdinFd);
  if (single) {
    try {
      /* parallel.ts (worker_threads, os: ~4 ms of start-up) is loaded only when it may be used */
      if (o.threads > 1 || (o.threads < 0 && single.size >= HALOG_MIN_PARALLEL_BYTES)) {
        const { parallelThreads, scanParallel } = await import('./parallel.ts');
        const threads = parallelThreads(o, sc.action, single.size);
        if (threads > 1 && await scanParallel(sc, o, single.fd, single.size, threads, fast)) {
          return finishHalog(sc, o, io);
        }
      }
    } finally {
      if (single.own) closeSync(single.fd);
    }
  }
  const progress = progressWanted(o, process.stderr.isTTY) ? new Progress(io.err) : null;
  if (fast) {
    const counter = new LineCount(o.linesMax);
    if (!o.invert && o.linesMax !== 0) await readInputs(o, counter, io.stdinFd, progress);
    progress?.clear();
    sc.linesOut = o.invert ? 0 : counter.count;
  } else {
    await readInputs(o, new LineReader(sc), io.stdinFd, progress);
    progress?.clear();
  }
  return finishHalog(sc, o, io);
}

/** Prints the count or report and the stderr summary of a finished scan; returns the exit status. */
export function finishHalog(sc: HalogScanner, o: HalogOptions, io: HalogIo): number {
  if (sc.filter & FILT_COUNT_ONLY) {
    if (o.json) io.out.str(JSON.stringify({ count: sc.linesOut }) + '\n');
    else io.out.str(sc.linesOut + '\n');
    return 0;
  }
  if (o.json) {
    const saved = sc.out;
    const sink = new OutBuf(-1);
    sink.chunks = [];
    sc.out = sink;
    const report = printReport(sc, true);
    sc.out = saved;
    const lines = sink.chunks;
    sink.flush();
    const body = report !== undefined ? report : Buffer.concat(lines).toString('latin1').split('\n').filter((l) => l.length > 0);
    io.out.str(JSON.stringify({ report: body, lines_in: sc.linenum, lines_out: sc.linesOut, parse_errors: sc.parseErr }) + '\n');
  } else if (sc.linesOut > 0 && pctOverCaptures(o)) {
    return HALOG_STATUS_SIGSEGV;
  } else {
    printReport(sc, false);
  }
  if (!(sc.filter & FILT_QUIET)) {
    io.err.str(sc.linenum + ' lines in, ' + sc.linesOut + ' lines out, ' + sc.parseErr + ' parsing errors\n');
  }
  return 0;
}
