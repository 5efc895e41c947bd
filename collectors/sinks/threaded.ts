/* Runs a DuckDB-backed sink (the DuckDB file sink or the Parquet sink) in a worker thread, so the receiving thread
 * keeps reading sockets while DuckDB appends (an 8192-row append takes 30-110 ms here; at 100 k datagrams/s that is
 * more than a socket buffer holds). write() copies the batch's columns (~1.4 MB per 8192 rows) plus the dictionary
 * values added since the last write, transfers them, and resolves when the worker has written them; the caller may
 * reuse the batch at once. Hot path: per batch.
 */
import type { Worker } from 'node:worker_threads';
import { startWorker } from '../worker-start.ts';
import { LOG_COLUMNS } from '../arrow/schema.ts';
import { CK_BOOL, CK_DICT, CK_I32, CK_I64, CK_STR, CK_TS } from '../arrow/types.ts';
import type { LogBatch, LogDicts, LogStrColumn } from '../arrow/batcher.ts';
import type { LogSink, WorkerBatchMessage, WorkerReply } from './types.ts';

export type ThreadedSinkKind = 'duckdb' | 'parquet';

export class ThreadedSink implements LogSink<LogBatch> {
  readonly name: string;
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  private readonly sent: number[];
  private closing: { resolve: () => void; reject: (e: Error) => void } | null = null;
  private dead: Error | null = null;

  private constructor(private readonly worker: Worker, private readonly dicts: LogDicts, kind: ThreadedSinkKind) {
    this.name = kind;
    // The DuckDB file's own dictionary was merged into `dicts` at open; a Parquet worker starts empty.
    this.sent = dicts.byColumn.map((d) => (d && kind === 'duckdb' ? d.size : 0));
    worker.on('message', (m: WorkerReply) => this.onReply(m));
    worker.on('error', (e) => this.die(e));
    worker.on('exit', () => this.die(new Error('sink worker exited')));
  }

  /**
   * Starts a worker with the DuckDB sink on `file` (its dictionary is loaded into `dicts`, which must then be fresh)
   * or the Parquet sink on directory `file` (rolled every `rollMs`). Rejects with the sink's open error.
   */
  static open(kind: ThreadedSinkKind, file: string, dicts: LogDicts, rollMs = 60000): Promise<ThreadedSink> {
    const worker = startWorker(import.meta.url, './sink-worker', { kind, path: file, rollMs });
    return new Promise((resolve, reject) => {
      const onMsg = (m: WorkerReply): void => {
        worker.off('message', onMsg);
        if (m.t === 'ready') {
          m.dicts.forEach((values, col) => { for (const v of values) dicts.byColumn[col]?.internString(v); });
          resolve(new ThreadedSink(worker, dicts, kind));
        } else {
          void worker.terminate();
          reject(new Error(m.t === 'error' ? m.message : kind + ' worker failed to start'));
        }
      };
      worker.on('message', onMsg);
      worker.once('error', reject);
    });
  }

  private onReply(m: WorkerReply): void {
    if (m.t === 'done') { this.pending.get(m.id)?.resolve(); this.pending.delete(m.id); }
    else if (m.t === 'closed') { this.closing?.resolve(); this.closing = null; }
    else if (m.t === 'error') {
      const e = new Error(m.message);
      if (m.id >= 0) { this.pending.get(m.id)?.reject(e); this.pending.delete(m.id); } else this.die(e);
    }
  }

  private die(e: Error): void {
    if (this.closing && !this.dead && e.message === 'sink worker exited') { this.closing.resolve(); this.closing = null; return; }
    this.dead ??= e;
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
    this.closing?.reject(e);
    this.closing = null;
  }

  write(b: LogBatch): Promise<void> {
    if (this.dead) return Promise.reject(this.dead);
    b.seal();
    const n = b.rows;
    const msg: WorkerBatchMessage = { t: 'batch', id: this.nextId++, table: b.table.name, rows: n, i32: [], f64: [], str: [], dict: [] };
    const transfer: ArrayBuffer[] = [];
    for (let col = 0; col < this.dicts.byColumn.length; col++) {
      const d = this.dicts.byColumn[col];
      if (d && d.size > this.sent[col]) { msg.dict.push([col, d.values.slice(this.sent[col] + 1)]); this.sent[col] = d.size; }
    }
    for (const id of b.table.columns) {
      const k = LOG_COLUMNS[id].kind;
      if (k === CK_I32 || k === CK_BOOL || k === CK_DICT) { const a = b.i32[id].slice(0, n); msg.i32.push([id, a]); transfer.push(a.buffer); }
      else if (k === CK_TS || k === CK_I64) { const a = b.f64[id].slice(0, n); msg.f64.push([id, a]); transfer.push(a.buffer); }
      else if (k === CK_STR) {
        const s = b.str[id] as LogStrColumn;
        const data = new Uint8Array(s.pos);
        data.set(s.data.subarray(0, s.pos));
        const end = s.end.slice(0, n);
        const valid = s.valid.slice(0, n);
        msg.str.push([id, data, end, valid]);
        transfer.push(data.buffer, end.buffer, valid.buffer);
      }
    }
    return new Promise((resolve, reject) => {
      this.pending.set(msg.id, { resolve, reject });
      this.worker.postMessage(msg, transfer);
    });
  }

  /** Forwards the bulk hint to the worker's sink; resolves when it has committed what it staged (bulk off). */
  bulk(on: boolean): Promise<void> {
    if (this.dead) return Promise.reject(this.dead);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ t: 'bulk', id, on });
    });
  }

  close(): Promise<void> {
    if (this.dead) return Promise.reject(this.dead);
    return new Promise((resolve, reject) => {
      this.closing = { resolve: () => { void this.worker.terminate(); resolve(); }, reject };
      this.worker.postMessage({ t: 'close' });
    });
  }
}
