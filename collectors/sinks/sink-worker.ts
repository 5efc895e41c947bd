/* Worker-thread side of ThreadedSink: owns a DuckDB file sink or a Parquet sink, mirrors the main thread's
 * dictionaries from the deltas it receives, rebuilds each batch from the transferred column arrays and writes it.
 * Runs in a worker_threads Worker started by threaded.ts. Hot path: per batch.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { LogBatch, LogDicts, LogStrColumn } from '../arrow/batcher.ts';
import { LOG_TABLES } from '../arrow/schema.ts';
import { DuckDbSink } from './duckdb.ts';
import { ParquetSink } from './parquet.ts';
import type { LogSink } from './types.ts';
import type { WorkerBatchMessage, WorkerBulkMessage, WorkerReply } from './types.ts';

const port = parentPort;
if (!port) throw new Error('sink-worker must run in a worker thread');
const dicts = new LogDicts();
const reply = (m: WorkerReply): void => port.postMessage(m);

const cfg = workerData as { kind: 'duckdb' | 'parquet'; path: string; rollMs: number };
let sink: LogSink<LogBatch>;
try {
  sink = cfg.kind === 'parquet' ? await ParquetSink.open(cfg.path, dicts, cfg.rollMs) : await DuckDbSink.open(cfg.path, dicts);
  reply({ t: 'ready', dicts: dicts.byColumn.map((d) => (d ? d.values.slice(1) : [])) });
} catch (e) {
  reply({ t: 'error', id: -1, message: (e as Error).message });
  process.exit(0);
}

let chain: Promise<void> = Promise.resolve();
port.on('message', (m: WorkerBatchMessage | WorkerBulkMessage | { t: 'close' }) => { chain = chain.then(() => handle(m)); });

async function handle(m: WorkerBatchMessage | WorkerBulkMessage | { t: 'close' }): Promise<void> {
  if (m.t === 'close') {
    try { await sink.close(); reply({ t: 'closed' }); } catch (e) { reply({ t: 'error', id: -2, message: (e as Error).message }); }
    return;
  }
  if (m.t === 'bulk') {
    try { await sink.bulk?.(m.on); reply({ t: 'done', id: m.id }); } catch (e) { reply({ t: 'error', id: m.id, message: (e as Error).message }); }
    return;
  }
  try {
    for (const [col, values] of m.dict) for (const v of values) dicts.byColumn[col]!.internString(v);
    const table = LOG_TABLES.find((t) => t.name === m.table)!;
    // A one-row shell whose columns are replaced by the transferred arrays: no allocation or copy per column.
    const b = new LogBatch(table, 1, dicts);
    for (const [id, a] of m.i32) b.i32[id] = a;
    for (const [id, a] of m.f64) b.f64[id] = a;
    for (const [id, data, end, valid] of m.str) b.str[id] = LogStrColumn.wrap(Buffer.from(data.buffer, data.byteOffset, data.byteLength), end, valid, m.rows);
    b.rows = m.rows;
    await sink.write(b);
    reply({ t: 'done', id: m.id });
  } catch (e) {
    reply({ t: 'error', id: m.id, message: (e as Error).message });
  }
}
