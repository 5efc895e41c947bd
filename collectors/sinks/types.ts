/* Sink contract: where sealed record batches go (DuckDB, Parquet, Arrow IPC, JSON lines).
 * Hot path: no (types only).
 */
import type { TableSpec } from '../arrow/types.ts';

/** The subset of LogBatch a sink reads (see collectors/arrow/batcher.ts). */
export interface SinkBatch {
  readonly table: TableSpec;
  readonly rows: number;
}

/** A destination for batches. `write` is called with one batch at a time, in arrival order, and may be async;
 * it must not keep the batch after it resolves (batches are reused). Errors reject: the collector stops loudly. */
export interface LogSink<B extends SinkBatch = SinkBatch> {
  readonly name: string;
  write(batch: B): Promise<void> | void;
  /** Flushes and closes files; called once at shutdown. */
  close(): Promise<void>;
}
