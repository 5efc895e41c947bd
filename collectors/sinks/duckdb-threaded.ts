/* Stable entry point for the DuckDB sink in a worker thread (imported by halog/columnar.ts): the implementation is
 * the generic ThreadedSink of threaded.ts, which can also host the Parquet sink. Hot path: no.
 */
import type { LogDicts } from '../arrow/batcher.ts';
import { ThreadedSink } from './threaded.ts';

export const ThreadedDuckDbSink = {
  /** Starts the worker on DuckDB file `file`; loads its dictionary into `dicts` (which must be fresh). */
  open(file: string, dicts: LogDicts): Promise<ThreadedSink> {
    return ThreadedSink.open('duckdb', file, dicts);
  },
  /** open() that returns before the worker is ready when `file` does not exist yet (ThreadedSink.start). */
  start(file: string, dicts: LogDicts): Promise<ThreadedSink> {
    return ThreadedSink.start('duckdb', file, dicts);
  },
};
