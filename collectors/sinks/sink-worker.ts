/* Worker-thread side of ThreadedSink: owns a DuckDB file sink or a Parquet sink, mirrors the main thread's
 * dictionaries from the deltas it receives, and loads the batches the main thread staged as Parquet files.
 * Runs in a worker_threads Worker started by threaded.ts. Hot path: per batch.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { LogDicts } from '../arrow/batcher.ts';
import type { LogBatch } from '../arrow/batcher.ts';
import { DuckDbSink } from './duckdb.ts';
import { ParquetSink } from './parquet.ts';
import type { StagedSink } from './types.ts';
import type { WorkerBulkMessage, WorkerReply, WorkerStagedMessage } from './types.ts';

const port = parentPort;
if (!port) throw new Error('sink-worker must run in a worker thread');
const dicts = new LogDicts();
const reply = (m: WorkerReply): void => port.postMessage(m);

const cfg = workerData as { kind: 'duckdb' | 'parquet'; path: string; rollMs: number };
let sink: StagedSink<LogBatch>;
try {
  sink = cfg.kind === 'parquet' ? await ParquetSink.open(cfg.path, dicts, cfg.rollMs) : await DuckDbSink.open(cfg.path, dicts);
  reply({ t: 'ready', dicts: dicts.byColumn.map((d) => (d ? d.values.slice(1) : [])) });
} catch (e) {
  reply({ t: 'error', id: -1, message: (e as Error).message });
  process.exit(0);
}

type Message = WorkerStagedMessage | WorkerBulkMessage | { t: 'close' };
let chain: Promise<void> = Promise.resolve();
port.on('message', (m: Message) => { chain = chain.then(() => handle(m)); });

async function handle(m: Message): Promise<void> {
  if (m.t === 'close') {
    try { await sink.close(); reply({ t: 'closed' }); } catch (e) { reply({ t: 'error', id: -2, message: (e as Error).message }); }
    return;
  }
  try {
    if (m.t === 'bulk') await sink.bulk?.(m.on);
    else {
      for (const [col, values] of m.dict) for (const v of values) dicts.byColumn[col]!.internString(v);
      await sink.writeStaged(m.table, m.file, m.rows);
    }
    reply({ t: 'done', id: m.id });
  } catch (e) {
    reply({ t: 'error', id: m.id, message: (e as Error).message });
  }
}
