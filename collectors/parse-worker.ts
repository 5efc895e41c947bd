/* Parse worker of the parallel file reader (parallel-ingest.ts): reads the byte ranges (whole lines) it is sent,
 * runs them through its own Ingest (same frame and line parsers as every other path), and stages each full batch
 * as a Parquet file whose dictionary ids are the main thread's (global) ids, then reports the file to the main
 * thread, which hands it to the DuckDB/Parquet sink worker. Started by parallel-ingest.ts. Hot path: per line
 * (through Ingest), per batch here.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { LogDicts } from './arrow/batcher.ts';
import type { LogBatch } from './arrow/batcher.ts';
import { LOG_COLUMNS } from './arrow/schema.ts';
import { CK_DICT, COL_CTX } from './arrow/types.ts';
import { compileLogFormat } from './httplog/custom-format.ts';
import type { CompiledLogFormat } from './httplog/custom-format.ts';
import { Ingest, ingestBufferLines, lineEnd } from './ingest.ts';
import type { IngestFormat } from './ingest.ts';
import { encodeStagedParquet, prepareCtxIds, prepareStagedIds } from './sinks/staged-parquet.ts';
import type { LogSink } from './sinks/types.ts';
import type { FromParseWorker, ParseWorkerConfig, ToParseWorker, WorkerFormat } from './types.ts';

const port = parentPort;
if (!port) throw new Error('parse-worker must run in a worker thread');
const cfg = workerData as ParseWorkerConfig;
const send = (m: FromParseWorker): void => port.postMessage(m);

function buildFormat(f: WorkerFormat): IngestFormat {
  const compile = (fmt: string, esc: boolean): CompiledLogFormat => compileLogFormat(fmt, esc) as CompiledLogFormat;
  if (f.kind === 'custom') return { kind: 'custom', parse: compile(f.fmt, f.configEscapes).parse, table: f.table };
  if (f.kind === 'auto') return f.clf ? { kind: 'auto', clf: compile(f.clf.fmt, f.clf.configEscapes).parse } : { kind: 'auto' };
  return { kind: f.kind };
}

const dicts = new LogDicts();
/** Per column id: local dictionary id → global id (index 0, null, maps to 0). */
const toGlobal: Int32Array[] = LOG_COLUMNS.map(() => new Int32Array(16));
/** Per column id: local ids below this have a global id. */
const mapped: number[] = LOG_COLUMNS.map(() => 1);
let dictReply: ((ids: [number, number[]][]) => void) | null = null;
let seq = 0;

/** Gets global ids for the dictionary values interned since the last batch (one round trip, only when there are some). */
async function syncDicts(): Promise<void> {
  const values: [number, string[]][] = [];
  for (let col = 0; col < dicts.byColumn.length; col++) {
    const d = dicts.byColumn[col];
    if (d && d.size >= mapped[col]) values.push([col, d.values.slice(mapped[col])]);
  }
  if (values.length === 0) return;
  const ids = await new Promise<[number, number[]][]>((resolve) => { dictReply = resolve; send({ t: 'dict', values }); });
  for (const [col, g] of ids) {
    let m = toGlobal[col];
    const need = mapped[col] + g.length;
    if (m.length < need) { const n = new Int32Array(Math.max(need, m.length * 2)); n.set(m); m = toGlobal[col] = n; }
    for (let k = 0; k < g.length; k++) m[mapped[col] + k] = g[k];
    mapped[col] = need;
  }
}

/** Stages each batch with global dictionary ids and reports the file; the batch may be reused once this resolves. */
const stageSink: LogSink<LogBatch> = {
  name: 'stage',
  async write(b: LogBatch): Promise<void> {
    if (b.rows === 0) return;
    b.seal();
    // Headers staged as dictionary ids are interned here first, so that the sync below maps them too.
    const staged = prepareStagedIds(b);
    await syncDicts();
    // The batch is reset after this write, so its dictionary columns are rewritten in place (~9 columns x n loads).
    for (const id of b.table.columns) {
      if (LOG_COLUMNS[id].kind !== CK_DICT) continue;
      const a = b.i32[id];
      const m = toGlobal[id];
      for (let r = 0; r < b.rows; r++) a[r] = m[a[r]];
    }
    for (const { col, ids } of staged) {
      const m = toGlobal[col];
      for (let r = 0; r < ids.length; r++) ids[r] = m[ids[r]];
    }
    // The ctx tuples are made of global ids, so they are interned after the rewrite, then get global ids themselves.
    const ctx = prepareCtxIds(b);
    await syncDicts();
    const m = toGlobal[COL_CTX];
    for (let r = 0; r < ctx.length; r++) ctx[r] = m[ctx[r]];
    const file = path.join(cfg.stageDir, cfg.tag + '-' + b.table.name + '-' + (seq++) + '.parquet');
    fs.writeFileSync(file, encodeStagedParquet(b));
    send({ t: 'staged', table: b.table.name, file, rows: b.rows });
  },
  close: async () => undefined,
};

// No time-based flushes: batches leave full (whole row groups downstream), or at 'finish'.
const ingest = new Ingest({
  format: buildFormat(cfg.format), sinks: [stageSink], dicts, batchRows: cfg.batchRows, maxMessage: cfg.maxMessage,
  flushMs: 3_600_000, maxQueued: 4, onFatal: (e) => send({ t: 'error', message: e.message }),
});
let buf = Buffer.allocUnsafeSlow(1 << 20);

/** Parses bytes [start, end) of `file` (whole lines; the last may lack its '\n' at the end of the file). */
async function parseChunk(file: string, start: number, end: number): Promise<void> {
  const fd = fs.openSync(file, 'r');
  try {
    let pos = start;
    let have = 0;
    while (pos < end) {
      if (have === buf.length) { const b = Buffer.allocUnsafeSlow(buf.length * 2); buf.copy(b, 0, 0, have); buf = b; }
      const n = fs.readSync(fd, buf, have, Math.min(buf.length - have, end - pos), pos);
      if (n === 0) break;
      pos += n;
      const stop = have + n;
      const s = ingestBufferLines(buf, stop, ingest);
      have = stop - s;
      if (have > 0) buf.copy(buf, 0, s, stop);
      await ingest.waitForRoom(2);
      if (ingest.failed) return;
    }
    const e = lineEnd(buf, 0, have);   // like the other readers: a last line without LF loses the CR of a CRLF too
    if (e > 0) ingest.onMessage(buf, 0, e, '', Date.now());
  } finally {
    fs.closeSync(fd);
  }
}

let work: Promise<void> = Promise.resolve();
port.on('message', (m: ToParseWorker) => {
  if (m.t === 'dict-ids') { const r = dictReply; dictReply = null; r?.(m.ids); return; }
  work = work.then(async () => {
    try {
      if (m.t === 'chunk') {
        await parseChunk(m.path, m.start, m.end);
        if (!ingest.failed) send({ t: 'chunk-done' });
      } else {
        await ingest.close();
        const c = ingest.counters;
        send({
          t: 'finished',
          counters: { received: c.received, receivedBytes: c.receivedBytes, parsed: c.parsed, unparsed: Array.from(c.unparsed), droppedQueue: c.droppedQueue },
        });
      }
    } catch (e) {
      send({ t: 'error', message: (e as Error).message });
    }
  });
});
