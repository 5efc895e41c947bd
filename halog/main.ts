#!/usr/bin/env node
// halog command: HAProxy's halog 2.6, byte for byte, plus --json, --duckdb/--parquet and --sql.
// Parses argv, runs the scan (or a SQL/columnar mode), flushes output and exits with halog's status.
// stdout and stderr are buffered like C's stdio (see output.ts), so that `2>&1` interleaves as halog's.
// Hot path: no.
import { parseHalogArgs } from './flags.ts';
import { pctOverCaptures, runHalog } from './run.ts';
import { fstatSync } from 'node:fs';
import { isatty } from 'node:tty';
import { OUT_BLOCKS, OUT_LINE, OutBuf, dieOfSignal } from './output.ts';
import { HALOG_STATUS_SIGSEGV } from './types.ts';

/*
 * C's stdout is line-buffered on a TTY, else written in blocks of st_blksize bytes (glibc; BUFSIZ when
 * unknown). Only when stderr is the same file (2>&1), or when the run ends in halog's crash (`exact`:
 * only whole blocks were written), does that change what is seen; otherwise 256 KiB blocks: a 4 KiB
 * write costs Node ~3.6 us (-H on 256 MB: 65k writes, 0.24 s of 0.77 s).
 */
function stdoutMode(exact: boolean): number {
  if (isatty(1)) return OUT_LINE;
  try {
    const a = fstatSync(1), b = fstatSync(2);
    if (!exact && (a.dev !== b.dev || a.ino !== b.ino)) return OUT_BLOCKS;
    return a.blksize || 8192;
  } catch {
    return OUT_BLOCKS;
  }
}

/*
 * C's stderr is unbuffered (a write per message). That matters when it shares a file with stdout (2>&1) or
 * is a terminal; elsewhere 256 KiB blocks: 67k "Truncated line" writes cost Node 0.25 s (-tc on 256 MB).
 */
function stderrMode(): number {
  if (isatty(2)) return OUT_LINE;
  try {
    const a = fstatSync(1), b = fstatSync(2);
    return a.dev === b.dev && a.ino === b.ino ? OUT_LINE : OUT_BLOCKS;
  } catch {
    return OUT_LINE;
  }
}

async function main(): Promise<number> {
  const args = parseHalogArgs(process.argv.slice(2));
  /* a run that crashes like halog must have flushed exactly C's blocks of stdout */
  const out = new OutBuf(1, stdoutMode(args.kind !== 'exit' && pctOverCaptures(args.opts)));
  const err = new OutBuf(2, stderrMode());
  if (args.kind === 'exit') {
    out.str(args.stdout);
    err.str(args.stderr);
    out.flush();
    err.flush();
    return args.status;
  }
  const o = args.opts;
  let status: number;
  if (o.duckdb !== null || o.parquet !== null || o.sql !== null) {
    const { runColumnar } = await import('./columnar.ts');
    status = await runColumnar(o, { out, err, stdinFd: 0 });
  } else {
    status = await runHalog(o, { out, err, stdinFd: 0 });
  }
  if (status === HALOG_STATUS_SIGSEGV) {
    out.discard();
    err.flush();
    dieOfSignal('SIGSEGV');
  }
  out.flush();
  err.flush();
  return status;
}

main().then((status) => { process.exitCode = status; }, (e: unknown) => {
  process.stderr.write('halog: ' + (e instanceof Error ? e.message : String(e)) + '\n');
  process.exitCode = 1;
});
