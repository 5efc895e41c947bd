/* Sink contract: where sealed record batches go (DuckDB, Parquet, Arrow IPC, JSON lines).
 * Hot path: no (types only).
 */
import type { TableSpec } from '../arrow/types.ts';
import type { LogDicts } from '../arrow/batcher.ts';

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
  /** Optional hint for bulk loads (files): on = the sink may group batches into larger commits; off = commit what
   * is grouped now and go back to one commit per batch. */
  bulk?(on: boolean): Promise<void> | void;
  /** Flushes and closes files; called once at shutdown. */
  close(): Promise<void>;
}

/** A DuckDB-backed sink that can also take a batch already staged as a Parquet file (staged-parquet.ts). */
export interface StagedSink<B extends SinkBatch = SinkBatch> extends LogSink<B> {
  /** Loads staged file `file` (`rows` rows of table `table`) and deletes it once inserted. Dictionary ids in it must
   * already be in the sink's dictionaries. Same commit rules as write(); `rowsAfter` as LogBatch.rowsAfter. */
  writeStaged(table: string, file: string, rows: number, rowsAfter?: number): Promise<void>;
}

/**
 * A StagedSink that takes files staged on other threads (the parse workers of parallel-ingest.ts): their dictionary
 * ids are ids of `stagedDicts`, which the sink reads when it forwards them (so they must be interned there first).
 */
export interface StagedFileSink<B extends SinkBatch = SinkBatch> extends StagedSink<B> {
  readonly stagedDicts: LogDicts;
  /** Where to stage files for it: the sink removes the directory, and what is left in it, when it closes. */
  readonly stageDir: string;
}

/** Main thread → sink worker: one batch staged as a Parquet file, plus the dictionary values added since the last. */
export interface WorkerStagedMessage {
  readonly t: 'staged';
  readonly id: number;
  readonly table: string;
  readonly rows: number;
  readonly file: string;
  readonly dict: [number, string[]][];
}

/**
 * A string column of a batch handed to the sink worker: LogStrColumn's fields, its arrays over SharedArrayBuffers
 * (arrow/shared-mem.ts), so the worker reads the parsing thread's memory in place.
 */
export interface SharedStrColumn {
  readonly data: Uint8Array;
  readonly starts: Int32Array;
  readonly end: Int32Array;
  readonly valid: Uint8Array;
  readonly pos: number;
  readonly last: number;
  readonly packed: boolean;
}

/**
 * The memory of one pooled batch object, sent to the sink worker once (and again when a string column grew into a new
 * buffer): its columns indexed by column id as in LogBatch (null = not in the table), and the arrays prepareIdsInto
 * fills for it on the main thread (null: the worker interns those ids itself, its dictionaries own them). Posting a
 * SharedArrayBuffer costs ~0.1 ms, so a batch's ~70 of them cost 6-7 ms per message when sent each time.
 */
export interface SharedBatchMemory {
  readonly i32: (Int32Array | null)[];
  readonly f64: (Float64Array | null)[];
  readonly str: (SharedStrColumn | null)[];
  readonly ids: { readonly staged: Int32Array[]; readonly ctx: Int32Array | null } | null;
}

/**
 * Main thread → sink worker: one sealed batch to encode there (bulk loads): the batch object `key`, its memory when it
 * is new or changed (else the worker's copy of the views is current), the fill state of its string columns ([pos,
 * last] per column id, null = none), and the dictionary values added since the last message. The batch stays
 * untouched until the reply `done` with this id.
 */
export interface WorkerBatchMessage {
  readonly t: 'batch';
  readonly id: number;
  readonly key: number;
  readonly table: string;
  readonly rows: number;
  /** Where to stage it (the sink's stage directory). */
  readonly file: string;
  readonly memory: SharedBatchMemory | null;
  /** With `memory`: the key this batch object had before (its views are dropped), or -1. */
  readonly replaces: number;
  readonly strFill: (readonly [number, number] | null)[];
  readonly dict: [number, string[]][];
  /** The batch's rowsAfter (LogBatch). */
  readonly rowsAfter: number;
}

/** Main thread → DuckDB worker: switch bulk mode (answered with `done` and the same id). */
export interface WorkerBulkMessage {
  readonly t: 'bulk';
  readonly id: number;
  readonly on: boolean;
}

/** DuckDB worker → main thread. `ready` carries the values already in the file's log_dict, per column. */
export type WorkerReply =
  | { readonly t: 'ready'; readonly dicts: string[][] }
  | { readonly t: 'done'; readonly id: number }
  | { readonly t: 'closed' }
  | { readonly t: 'error'; readonly id: number; readonly message: string };
