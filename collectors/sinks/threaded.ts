/* Runs a DuckDB-backed sink (the DuckDB file sink or the Parquet sink) in a worker thread, so the receiving thread
 * keeps reading sockets while DuckDB inserts (an 8192-row commit takes 30-110 ms here; at 100 k datagrams/s that is
 * more than a socket buffer holds). write() encodes the batch as a staged Parquet file (staged-parquet.ts) into a
 * private temp directory and sends its path plus the dictionary values added since the last write; it resolves when
 * the worker has taken the file (committed, or grouped in bulk mode). The caller may reuse the batch at once.
 * Writing the file here rather than transferring column copies avoids fresh multi-MB buffers per batch. Hot path: per batch.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Worker } from 'node:worker_threads';
import { startWorker } from '../worker-start.ts';
import { LogDicts as LogDictsCtor } from '../arrow/batcher.ts';
import type { LogBatch, LogDicts } from '../arrow/batcher.ts';
import { DICT_STAGED } from '../arrow/schema.ts';
import { sharedI32 } from '../arrow/shared-mem.ts';
import { encodeStagedParquet, makeStageDir, prepareIdsInto } from './staged-parquet.ts';
import type { PreparedIds } from './staged-parquet.ts';
import type { SharedBatchMemory, SharedStrColumn, StagedFileSink, WorkerBatchMessage, WorkerReply, WorkerStagedMessage } from './types.ts';

export type ThreadedSinkKind = 'duckdb' | 'parquet';

const ID_OWNER_UNSET = 0;
const ID_OWNER_MAIN = 1;
const ID_OWNER_WORKER = 2;

export class ThreadedSink implements StagedFileSink<LogBatch> {
  readonly name: string;
  private nextId = 0;
  private fileSeq = 0;
  private readonly pending = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  private readonly sent: number[];
  private closing: { resolve: () => void; reject: (e: Error) => void } | null = null;
  private dead: Error | null = null;
  private bulkOn = false;
  /**
   * Which thread interns the values of the dictionaries only the staged encoding uses (DICT_STAGED ids, ctx): fixed by
   * the first batch or staged file, since two owners would give one value two ids. ID_OWNER_WORKER (a bulk load came
   * first): every batch goes to the worker, which interns them into its dictionaries and persists them, so this
   * thread does not (bench:collect's 1 M rows: prepareStagedIds + prepareCtxIds 0.26 us/row cold, 0.11 warm). Else
   * this thread interns them as before (listeners, files staged by parse workers).
   */
  private idOwner = ID_OWNER_UNSET;
  /** Returned by stagedDicts once the worker owns ids: no longer `dicts`, so Ingest stages no files for this sink. */
  private readonly refuseStaged = new LogDictsCtor();
  /** Per batch object: the shared arrays its prepared dictionary ids go to (batches are pooled and reused). */
  private readonly idsOf = new WeakMap<LogBatch, PreparedIds>();
  /** Per batch object: the key its memory was sent to the worker under, and the string buffers sent then. */
  private readonly sentMemory = new WeakMap<LogBatch, { key: number; data: (Buffer | null)[]; end: (Int32Array | null)[] }>();
  private nextKey = 0;
  /** Staged files waiting for the worker; removed with the directory when the sink closes or dies. */
  readonly stageDir = makeStageDir();

  /**
   * Settles when the worker has opened its sink: at once for open(); for start(), rejects with the open error (every
   * call rejects with it then too).
   */
  readonly opened: Promise<void>;
  private openedNow: { resolve: () => void; reject: (e: Error) => void } | null = null;

  private constructor(private readonly worker: Worker, private readonly dicts: LogDicts, kind: ThreadedSinkKind, early: boolean) {
    this.name = kind;
    // The DuckDB file's own dictionary was merged into `dicts` at open; a Parquet worker, and a DuckDB worker started
    // early on a new file, start empty.
    this.sent = dicts.byColumn.map((d) => (d && kind === 'duckdb' && !early ? d.size : 0));
    this.opened = early ? new Promise((resolve, reject) => { this.openedNow = { resolve, reject }; }) : Promise.resolve();
    this.opened.catch(() => undefined);   // also rethrown by every call
    worker.on('message', (m: WorkerReply) => this.onReply(m));
    worker.on('error', (e) => this.die(e));
    worker.on('exit', () => this.die(new Error('sink worker exited')));
  }

  /** The dictionaries whose ids the batches and staged files given to this sink carry. */
  get stagedDicts(): LogDicts { return this.idOwner === ID_OWNER_WORKER ? this.refuseStaged : this.dicts; }

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
          resolve(new ThreadedSink(worker, dicts, kind, false));
        } else {
          void worker.terminate();
          reject(new Error(m.t === 'error' ? m.message : kind + ' worker failed to start'));
        }
      };
      worker.on('message', onMsg);
      worker.once('error', reject);
    });
  }

  /**
   * open() without waiting for the worker when its dictionary is known to start empty (a Parquet directory, or a
   * DuckDB file that does not exist yet, nor its WAL): the caller parses its first batches while the worker loads
   * DuckDB and opens the file (~250 ms of one core at every start), and they queue for the worker meanwhile (Ingest's
   * backpressure bounds them). Otherwise the same as open(). An open error rejects `opened` first, then every call.
   */
  static start(kind: ThreadedSinkKind, file: string, dicts: LogDicts, rollMs = 60000): Promise<ThreadedSink> {
    if (kind === 'duckdb' && (fs.existsSync(file) || fs.existsSync(file + '.wal'))) return ThreadedSink.open(kind, file, dicts, rollMs);
    const worker = startWorker(import.meta.url, './sink-worker', { kind, path: file, rollMs });
    return Promise.resolve(new ThreadedSink(worker, dicts, kind, true));
  }

  private onReply(m: WorkerReply): void {
    if (m.t === 'ready') {
      // start(): the file was made by someone else meanwhile; its ids would clash with the ones handed out since.
      if (m.dicts.some((v) => v.length > 0)) {
        this.die(new Error('the database file appeared while the sink was starting; not loading into it'));
        void this.worker.terminate();
      } else {
        this.openedNow?.resolve();
        this.openedNow = null;
      }
    } else if (m.t === 'done') { this.pending.get(m.id)?.resolve(); this.pending.delete(m.id); }
    else if (m.t === 'closed') { this.closing?.resolve(); this.closing = null; }
    else if (m.t === 'error') {
      const e = new Error(m.message);
      if (m.id >= 0) { this.pending.get(m.id)?.reject(e); this.pending.delete(m.id); } else this.die(e);
    }
  }

  private die(e: Error): void {
    // An open error (start()) goes to `opened` before any call's promise.
    this.openedNow?.reject(e);
    this.openedNow = null;
    fs.rmSync(this.stageDir, { recursive: true, force: true });
    if (this.closing && !this.dead && e.message === 'sink worker exited') { this.closing.resolve(); this.closing = null; return; }
    this.dead ??= e;
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
    this.closing?.reject(e);
    this.closing = null;
  }

  async write(b: LogBatch): Promise<void> {
    if (this.dead) throw this.dead;
    if (b.rows === 0) return;
    b.seal();
    if (this.idOwner === ID_OWNER_UNSET) this.idOwner = this.bulkOn ? ID_OWNER_WORKER : ID_OWNER_MAIN;
    if (this.idOwner === ID_OWNER_WORKER || this.bulkOn) return this.post(b);
    const file = path.join(this.stageDir, b.table.name + '-' + (this.fileSeq++) + '.parquet');
    // Written on libuv's pool while this thread parses on. Writes are sequential (LogSink contract), so the
    // encoder's reused buffer is not overwritten before the file is written.
    await fsp.writeFile(file, encodeStagedParquet(b));
    return this.writeStaged(b.table.name, file, b.rows);
  }

  /**
   * Bulk loads: hands sealed batch `b` to the worker, which encodes and stages it there (the parsing thread only
   * interns the ids the encoding needs), reading the batch's SharedArrayBuffer memory in place. Resolves like
   * writeStaged; b must stay untouched until then (Ingest reuses a batch only after its write resolved).
   */
  private post(b: LogBatch): Promise<void> {
    let ids: PreparedIds | null = null;
    if (this.idOwner !== ID_OWNER_WORKER) {
      ids = this.idsOf.get(b) ?? null;
      if (ids === null) {
        ids = { staged: DICT_STAGED.map(() => sharedI32(b.capacity)), ctx: sharedI32(b.capacity) };
        this.idsOf.set(b, ids);
      }
      prepareIdsInto(b, ids);
    }
    // The views go to the worker once per batch object (again when a string column's buffer was replaced by growth).
    let reg = this.sentMemory.get(b);
    let memory: SharedBatchMemory | null = null;
    let replaces = -1;
    if (reg === undefined || b.str.some((c, i) => c !== null && (c.data !== reg!.data[i] || c.end !== reg!.end[i]))) {
      if (reg !== undefined) replaces = reg.key;
      reg = { key: this.nextKey++, data: b.str.map((c) => (c === null ? null : c.data)), end: b.str.map((c) => (c === null ? null : c.end)) };
      this.sentMemory.set(b, reg);
      memory = {
        i32: b.i32.map((a) => (a.length > 0 ? a : null)), f64: b.f64.map((a) => (a.length > 0 ? a : null)),
        str: b.str.map((c): SharedStrColumn | null => (c === null ? null
          : { data: c.data, starts: c.starts, end: c.end, valid: c.valid, pos: c.pos, last: c.last, packed: c.packed })),
        ids: ids === null ? null : { staged: ids.staged as Int32Array[], ctx: ids.ctx },
      };
    }
    const id = this.nextId++;
    const msg: WorkerBatchMessage = {
      t: 'batch', id, key: reg.key, table: b.table.name, rows: b.rows, memory, replaces, dict: this.deltas(),
      file: path.join(this.stageDir, b.table.name + '-' + (this.fileSeq++) + '.parquet'),
      strFill: b.str.map((c) => (c === null ? null : [c.pos, c.last] as const)), rowsAfter: b.rowsAfter,
    };
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage(msg);
    });
  }

  /** Dictionary values added since the last message to the worker, per column. */
  private deltas(): [number, string[]][] {
    const out: [number, string[]][] = [];
    for (let col = 0; col < this.dicts.byColumn.length; col++) {
      const d = this.dicts.byColumn[col];
      if (d && d.size > this.sent[col]) { out.push([col, d.values.slice(this.sent[col] + 1)]); this.sent[col] = d.size; }
    }
    return out;
  }

  /**
   * Hands over a Parquet file staged elsewhere (a parse worker, parallel-ingest.ts) with `rows` rows of `table`,
   * whose dictionary ids are ids of this sink's `dicts`; the sink worker deletes it once loaded. Resolves like write().
   */
  writeStaged(table: string, file: string, rows: number): Promise<void> {
    if (this.dead) { fs.rmSync(file, { force: true }); return Promise.reject(this.dead); }
    if (this.idOwner === ID_OWNER_WORKER) {
      fs.rmSync(file, { force: true });
      return Promise.reject(new Error('threaded sink: staged file after batches whose ids the worker interns'));
    }
    this.idOwner = ID_OWNER_MAIN;
    const id = this.nextId++;
    const msg: WorkerStagedMessage = { t: 'staged', id, table, rows, file, dict: this.deltas() };
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage(msg);
    });
  }

  /** Forwards the bulk hint to the worker's sink; resolves when it has committed what it staged (bulk off). */
  bulk(on: boolean): Promise<void> {
    if (this.dead) return Promise.reject(this.dead);
    this.bulkOn = on;
    const id = this.nextId++;
    const p = new Promise<void>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ t: 'bulk', id, on });
    });
    // Before the worker has opened (start()), bulk mode goes on without waiting for it, or the caller's parsing would.
    if (on && this.openedNow !== null) { p.catch((e: Error) => this.die(e)); return Promise.resolve(); }
    return p;
  }

  close(): Promise<void> {
    if (this.dead) return Promise.reject(this.dead);
    return new Promise((resolve, reject) => {
      this.closing = {
        resolve: () => { fs.rmSync(this.stageDir, { recursive: true, force: true }); void this.worker.terminate(); resolve(); },
        reject,
      };
      this.worker.postMessage({ t: 'close' });
    });
  }
}
