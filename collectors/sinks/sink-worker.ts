/* Worker-thread side of ThreadedSink: owns a DuckDB file sink or a Parquet sink, mirrors the main thread's
 * dictionaries from the deltas it receives, and loads the batches the main thread staged as Parquet files; in bulk
 * loads it also encodes and stages the batches itself, reading them in the main thread's shared memory.
 * Runs in a worker_threads Worker started by threaded.ts. Hot path: per batch.
 */
import fs from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { LogBatch, LogDicts, LogStrColumn } from '../arrow/batcher.ts';
import { DICT_STAGED, LOG_TABLES } from '../arrow/schema.ts';
import { DuckDbSink } from './duckdb.ts';
import { ParquetSink } from './parquet.ts';
import { encodeStagedParquet, prepareIdsInto } from './staged-parquet.ts';
import type { PreparedIds } from './staged-parquet.ts';
import type { StagedSink } from './types.ts';
import type { SharedStrColumn, WorkerBatchMessage, WorkerBulkMessage, WorkerReply, WorkerStagedMessage } from './types.ts';

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

type Message = WorkerStagedMessage | WorkerBatchMessage | WorkerBulkMessage | { t: 'close' };
let chain: Promise<void> = Promise.resolve();
/**
 * Per column: ids the main thread has given so far (its values arrive in id order). A value this worker interned
 * itself (header ids, ctx: threaded.ts ID_OWNER_WORKER) may come again from the main thread when another sink there
 * interned the same batches; it must then have the same id, or the two would disagree on what the id means.
 */
const mirrored: number[] = dicts.byColumn.map((d) => (d ? d.size : 0));

/** Applies the main thread's new dictionary values; an Error when one would get another id than the main thread's. */
function applyDict(dict: [number, string[]][]): Error | null {
  for (const [col, values] of dict) {
    const d = dicts.byColumn[col]!;
    for (const v of values) {
      if (d.internString(v) !== ++mirrored[col]) return new Error('sink worker: dictionary of column ' + col + ' diverged from the main thread at id ' + mirrored[col]);
    }
  }
  return null;
}

port.on('message', (m: Message) => {
  // Dictionary values are applied in arrival order (the main thread's order), before any message that needs them.
  const dictErr = m.t === 'staged' || m.t === 'batch' ? applyDict(m.dict) : null;
  if (dictErr !== null) { reply({ t: 'error', id: (m as { id: number }).id, message: dictErr.message }); return; }
  // A batch is encoded at once, while the INSERT of earlier ones may still run on DuckDB's thread; its file joins the
  // sink's queue in order.
  if (m.t === 'batch') {
    let err: Error | null = null;
    try {
      const v = batchView(m);
      fs.writeFileSync(m.file, encodeStagedParquet(v.batch, v.ids ?? ownIds(v.batch)));
    } catch (e) { err = e as Error; }
    chain = chain.then(async () => {
      try {
        if (err !== null) throw err;
        await sink.writeStaged(m.table, m.file, m.rows, m.rowsAfter);
        reply({ t: 'done', id: m.id });
      } catch (e) {
        fs.rmSync(m.file, { force: true });
        reply({ t: 'error', id: m.id, message: (e as Error).message });
      }
    });
    return;
  }
  chain = chain.then(() => handle(m));
});

/** Ids interned here (message without ids): scratch reused per batch, encoded right after. */
let scratchIds: PreparedIds = { staged: DICT_STAGED.map(() => new Int32Array(0)), ctx: new Int32Array(0) };

/** Interns the DICT_STAGED and ctx values of view `b` into this worker's dictionaries (which persist them). */
function ownIds(b: LogBatch): PreparedIds {
  if (scratchIds.ctx!.length < b.rows) {
    const n = Math.max(b.rows, 1024);
    scratchIds = { staged: DICT_STAGED.map(() => new Int32Array(n)), ctx: new Int32Array(n) };
  }
  prepareIdsInto(b, scratchIds);
  return scratchIds;
}

interface BatchView { readonly batch: LogBatch; readonly ids: PreparedIds | null }
/** Per batch key (threaded.ts): a LogBatch over that batch object's shared memory, and its prepared-id arrays. */
const views = new Map<number, BatchView>();

/** Batch message `m` as a sealed LogBatch over the main thread's memory (read only, valid until it is answered). */
function batchView(m: WorkerBatchMessage): BatchView {
  let v = views.get(m.key);
  if (m.memory !== null) {
    const spec = LOG_TABLES.find((t) => t.name === m.table);
    if (spec === undefined) throw new Error('sink worker: no table ' + m.table);
    const b = new LogBatch(spec, 0, dicts);
    const mem = m.memory;
    for (let id = 0; id < mem.i32.length; id++) {
      const a = mem.i32[id];
      if (a !== null) b.i32[id] = a;
      const f = mem.f64[id];
      if (f !== null) b.f64[id] = f;
      const s = mem.str[id];
      b.str[id] = s === null ? null : strView(s);
    }
    views.delete(m.replaces);
    views.set(m.key, v = { batch: b, ids: mem.ids });
  }
  if (v === undefined) throw new Error('sink worker: unknown batch ' + m.key);
  const b = v.batch;
  for (let id = 0; id < m.strFill.length; id++) {
    const f = m.strFill[id];
    const c = b.str[id];
    if (f !== null && c !== null) { c.pos = f[0]; c.last = f[1]; }
  }
  b.rows = m.rows;
  return v;
}

function strView(s: SharedStrColumn): LogStrColumn {
  const c = new LogStrColumn(0, 0);
  c.data = Buffer.from(s.data.buffer, s.data.byteOffset, s.data.byteLength);
  c.starts = s.starts;
  c.end = s.end;
  c.valid = s.valid;
  c.pos = s.pos;
  c.last = s.last;
  (c as { packed: boolean }).packed = s.packed;
  return c;
}

async function handle(m: WorkerStagedMessage | WorkerBulkMessage | { t: 'close' }): Promise<void> {
  if (m.t === 'close') {
    try { await sink.close(); reply({ t: 'closed' }); } catch (e) { reply({ t: 'error', id: -2, message: (e as Error).message }); }
    return;
  }
  try {
    if (m.t === 'bulk') await sink.bulk?.(m.on);
    else await sink.writeStaged(m.table, m.file, m.rows);
    reply({ t: 'done', id: m.id });
  } catch (e) {
    reply({ t: 'error', id: m.id, message: (e as Error).message });
  }
}
