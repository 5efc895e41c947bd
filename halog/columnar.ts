// --duckdb / --parquet / --sql modes (placeholder until the collectors' sinks are wired in).
// Hot path: no.
import type { HalogOptions } from './types.ts';
import type { HalogIo } from './run.ts';

export async function runColumnar(_o: HalogOptions, io: HalogIo): Promise<number> {
  io.err.str('halog: --duckdb/--parquet/--sql are not available yet\n');
  return 1;
}
