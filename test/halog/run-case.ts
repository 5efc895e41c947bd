// Test helper: runs halog in-process on a corpus file (as stdin or as a file argument) and returns the
// exact stdout and stderr bytes and the exit status.
import { closeSync, openSync } from 'node:fs';
import { parseHalogArgs } from '../../halog/flags.ts';
import { pctOverCaptures, runHalog } from '../../halog/run.ts';
import { HALOG_STATUS_SIGSEGV } from '../../halog/types.ts';
import { runColumnar } from '../../halog/columnar.ts';
import { OutBuf } from '../../halog/output.ts';

export async function runCase(args: string[], input: string, asFile: boolean): Promise<{ out: Buffer; err: Buffer; status: number }> {
  const parsed = parseHalogArgs(args);
  /* stdout as a 4 KiB-block file or pipe when the run ends in halog's crash, as main.ts does */
  const out = new OutBuf(-1, parsed.kind !== 'exit' && pctOverCaptures(parsed.opts) ? 4096 : 0); out.chunks = [];
  const err = new OutBuf(-1); err.chunks = [];
  let status: number;
  if (parsed.kind === 'exit') {
    out.str(parsed.stdout); err.str(parsed.stderr); status = parsed.status;
  } else if (asFile) {
    parsed.opts.files.push(input);
    parsed.opts.progress = false;
    const o = parsed.opts;
    status = o.duckdb !== null || o.parquet !== null || o.sql !== null
      ? await runColumnar(o, { out, err, stdinFd: -1 })
      : await runHalog(o, { out, err, stdinFd: -1 });
  } else {
    const fd = openSync(input, 'r');
    try {
      parsed.opts.progress = false;
      status = await runHalog(parsed.opts, { out, err, stdinFd: fd });
    } finally { closeSync(fd); }
  }
  if (status === HALOG_STATUS_SIGSEGV) { out.discard(); status = 128 + 11; }
  out.flush(); err.flush();
  return { out: Buffer.concat(out.chunks!), err: Buffer.concat(err.chunks!), status };
}
