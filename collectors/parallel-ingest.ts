/* Parallel file reads for bulk loads (sluice-collect --read, halog --duckdb): splits regular, uncompressed log files
 * into line-aligned byte ranges, parses them in worker threads (parse-worker.ts), and forwards the
 * Parquet files they stage to the one staged-file sink (the DuckDB or Parquet sink worker), so parsing runs on every
 * core while DuckDB inserts, instead of one parsing thread feeding one inserting thread. Rows keep the file's order
 * within each worker's stream of ranges; the streams of different workers interleave by batch.
 * Called by ingest.ts (ingestFiles). Hot path: no (per range and per batch).
 */
import fs from 'node:fs';
import type { Worker } from 'node:worker_threads';
import type { CollectCounters } from './counters.ts';
import type { LogBatch, LogDicts } from './arrow/batcher.ts';
import type { StagedFileSink } from './sinks/types.ts';
import type { FromParseWorker, ParseWorkerConfig, ToParseWorker, WorkerFormat } from './types.ts';
import { startWorker } from './worker-start.ts';

/** Bytes per range handed to a worker: ~37 k httplog lines, about one 40960-row batch. */
export const CHUNK_BYTES = 8 << 20;
/** Staged files the sink has not taken yet beyond which no new range is handed out (bounds the staged bytes). */
const MAX_PENDING = 6;

export interface ParallelReadOptions {
  readonly format: WorkerFormat;
  readonly sink: StagedFileSink<LogBatch>;
  /** The sink's dictionaries (global ids). */
  readonly dicts: LogDicts;
  readonly counters: CollectCounters;
  readonly workers: number;
  readonly batchRows: number;
  readonly maxMessage: number;
  readonly chunkBytes?: number;
  /** Called once when the sink fails (the read then stops and resolves, like a write error of Ingest). */
  readonly onSinkError: (e: Error) => void;
}

interface Chunk { readonly path: string; readonly start: number; readonly end: number }

/** Yields line-aligned ranges of each file in turn; a range ends after a '\n' (or at the end of the file). */
function* chunksOf(paths: readonly string[], size: number): Generator<Chunk> {
  const probe = Buffer.allocUnsafe(64 << 10);
  for (const path of paths) {
    let fd: number;
    try { fd = fs.openSync(path, 'r'); } catch (e) { throw new Error("'" + path + "': " + (e as Error).message); }
    try {
      const total = fs.fstatSync(fd).size;
      let pos = 0;
      while (pos < total) {
        let end = Math.min(total, pos + size);
        // Move the cut to just after the next '\n' at or after end-1.
        let at = end - 1;
        while (end < total) {
          const n = fs.readSync(fd, probe, 0, probe.length, at);
          if (n === 0) { end = total; break; }
          const nl = probe.indexOf(10);
          if (nl >= 0 && nl < n) { end = Math.min(total, at + nl + 1); break; }
          at += n;
          if (at >= total) end = total;
        }
        yield { path, start: pos, end };
        pos = end;
      }
    } finally {
      fs.closeSync(fd);
    }
  }
}

interface ParseWorkerState {
  readonly worker: Worker;
  /** The range it is parsing, or null. */
  chunk: Chunk | null;
  finishing: boolean;
  finished: boolean;
}

/**
 * Loads `paths` (regular files, not compressed) through `o.workers` parse workers into `o.sink`. Resolves when every
 * row is handed to the sink (in bulk mode: staged or inserted; the caller's bulk(false) commits). Rejects with
 * `'<path>': <error>` when a file cannot be read; a sink failure goes to o.onSinkError and resolves.
 */
export function readFilesParallel(paths: readonly string[], o: ParallelReadOptions): Promise<void> {
  const stageDir = o.sink.stageDir;
  const chunks = chunksOf(paths, o.chunkBytes ?? CHUNK_BYTES);
  const states: ParseWorkerState[] = [];
  let forwards: Promise<void> = Promise.resolve();
  let pending = 0;
  let stopped = false;
  let finishedCount = 0;

  return new Promise<void>((resolve, reject) => {
    const cleanup = (): void => {
      stopped = true;
      for (const s of states) void s.worker.terminate();
      try { chunks.return(undefined); } catch { /* closes the file being cut; an error here changes nothing */ }
    };
    const fail = (e: Error): void => {
      if (stopped) return;
      cleanup();
      reject(e);
    };
    const sinkFailed = (e: Error): void => {
      if (stopped) return;
      cleanup();
      o.onSinkError(e);
      resolve();
    };

    const dispatch = (): void => {
      if (stopped) return;
      for (const s of states) {
        if (s.chunk !== null || s.finishing) continue;
        if (pending >= MAX_PENDING) return;
        let next: IteratorResult<Chunk>;
        try { next = chunks.next(); } catch (e) { fail(e as Error); return; }
        if (next.done) {
          s.finishing = true;
          s.worker.postMessage({ t: 'finish' } satisfies ToParseWorker);
          continue;
        }
        s.chunk = next.value;
        s.worker.postMessage({ t: 'chunk', path: next.value.path, start: next.value.start, end: next.value.end } satisfies ToParseWorker);
      }
    };

    const onMessage = (s: ParseWorkerState, m: FromParseWorker): void => {
      if (stopped) { if (m.t === 'staged') fs.rmSync(m.file, { force: true }); return; }
      if (m.t === 'dict') {
        const ids: [number, number[]][] = m.values.map(([col, values]) => [col, values.map((v) => o.dicts.byColumn[col]!.internString(v))]);
        s.worker.postMessage({ t: 'dict-ids', ids } satisfies ToParseWorker);
      } else if (m.t === 'staged') {
        pending++;
        forwards = forwards.then(async () => {
          if (stopped) { fs.rmSync(m.file, { force: true }); return; }
          const t0 = performance.now();
          try {
            await o.sink.writeStaged(m.table, m.file, m.rows);
          } catch (e) {
            sinkFailed(e instanceof Error ? e : new Error(String(e)));
            return;
          }
          o.counters.recordWrite(performance.now() - t0, m.rows);
          pending--;
          dispatch();
        });
      } else if (m.t === 'chunk-done') {
        s.chunk = null;
        dispatch();
      } else if (m.t === 'finished') {
        const c = o.counters;
        c.received += m.counters.received;
        c.receivedBytes += m.counters.receivedBytes;
        c.parsed += m.counters.parsed;
        c.droppedQueue += m.counters.droppedQueue;
        for (let i = 0; i < m.counters.unparsed.length; i++) c.unparsed[i] += m.counters.unparsed[i];
        s.finished = true;
        if (++finishedCount === states.length) {
          void forwards.then(() => {
            if (stopped) return;
            cleanup();
            resolve();
          });
        }
      } else {
        fail(new Error(s.chunk !== null ? "'" + s.chunk.path + "': " + m.message : m.message));
      }
    };

    for (let i = 0; i < o.workers; i++) {
      const cfg: ParseWorkerConfig = { format: o.format, batchRows: o.batchRows, maxMessage: o.maxMessage, stageDir, tag: 'w' + i };
      const s: ParseWorkerState = { worker: startWorker(import.meta.url, './parse-worker', cfg), chunk: null, finishing: false, finished: false };
      states.push(s);
      s.worker.on('message', (m: FromParseWorker) => onMessage(s, m));
      s.worker.on('error', (e) => fail(e));
      s.worker.on('exit', () => { if (!s.finished) fail(new Error('parse worker exited')); });
    }
    dispatch();
  });
}
