/* Messages between the parallel file reader (parallel-ingest.ts, main thread) and its parse workers
 * (parse-worker.ts), and the serialisable form of an ingest format. Types only. Hot path: no.
 */

/** An IngestFormat a worker can rebuild: custom parsers travel as compileLogFormat's arguments. */
export type WorkerFormat =
  | { readonly kind: 'httplog' | 'tcplog' }
  | { readonly kind: 'auto'; readonly clf: { readonly fmt: string; readonly configEscapes: boolean } | null }
  | { readonly kind: 'custom'; readonly fmt: string; readonly configEscapes: boolean; readonly table: 'http_log' | 'tcp_log' };

/** workerData of a parse worker. */
export interface ParseWorkerConfig {
  readonly format: WorkerFormat;
  readonly batchRows: number;
  readonly maxMessage: number;
  /** Directory the worker writes its staged Parquet files to (owned by the main thread). */
  readonly stageDir: string;
  /** Name prefix of this worker's staged files (unique per worker). */
  readonly tag: string;
}

/** Main → worker: parse the lines of bytes [start, end) of `path` (start and end are line boundaries). */
export interface ChunkMessage { readonly t: 'chunk'; readonly path: string; readonly start: number; readonly end: number }
/** Main → worker: global dictionary ids for the values the worker asked about (same order). */
export interface DictIdsMessage { readonly t: 'dict-ids'; readonly ids: [number, number[]][] }
/** Main → worker: flush the partial batches, then report counters and exit. */
export interface FinishMessage { readonly t: 'finish' }
export type ToParseWorker = ChunkMessage | DictIdsMessage | FinishMessage;

/** Worker → main. `dict`: values new to the worker's dictionaries, per column id, to be given global ids. */
export type FromParseWorker =
  | { readonly t: 'dict'; readonly values: [number, string[]][] }
  | { readonly t: 'staged'; readonly table: string; readonly file: string; readonly rows: number }
  | { readonly t: 'chunk-done' }
  | { readonly t: 'finished'; readonly counters: WorkerCounters }
  | { readonly t: 'error'; readonly message: string };

/** The CollectCounters fields a worker's Ingest counts, merged into the main thread's. */
export interface WorkerCounters {
  readonly received: number;
  readonly receivedBytes: number;
  readonly parsed: number;
  readonly unparsed: number[];
  readonly droppedQueue: number;
}
