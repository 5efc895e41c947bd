#!/usr/bin/env node
// halog command: HAProxy's halog 2.6, byte for byte, plus --json, --duckdb/--parquet and --sql.
// Parses argv, runs the scan (or a SQL/columnar mode), flushes output and exits with halog's status.
// Hot path: no.
import { parseHalogArgs } from './flags.ts';
import { runHalog } from './run.ts';
import { OutBuf } from './output.ts';

async function main(): Promise<number> {
  const out = new OutBuf(1);
  const err = new OutBuf(2);
  const args = parseHalogArgs(process.argv.slice(2));
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
  out.flush();
  err.flush();
  return status;
}

main().then((status) => { process.exitCode = status; }, (e: unknown) => {
  process.stderr.write('halog: ' + (e instanceof Error ? e.message : String(e)) + '\n');
  process.exitCode = 1;
});
