/* Parquet sink: hour-partitioned Hive layout `DIR/<table>/date=YYYY-MM-DD/hour=HH/part_<roll>_<uuid>.parquet`, written by
 * DuckDB's COPY ... TO (built in, works offline) from a scratch in-memory DuckDB that buffers the batches.
 * Files are rolled every `rollMs` (default 60 s) and at close, so a crash can lose up to one roll interval of
 * Parquet data (the DuckDB sink's guarantee is the per-second one). Hot path: no (per batch / per roll).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { LogBatch, LogDicts } from '../arrow/batcher.ts';
import { LOG_TABLES } from '../arrow/schema.ts';
import { DuckDbSink } from './duckdb.ts';
import type { StagedSink } from './types.ts';

export class ParquetSink implements StagedSink<LogBatch> {
  readonly name = 'parquet';
  private rows = 0;
  private lastRoll = Date.now();
  filesWritten = 0;

  private constructor(private readonly dir: string, private readonly db: DuckDbSink, private readonly rollMs: number) {}

  /** Creates `dir` if needed; rejects if it cannot be created or written. */
  static async open(dir: string, dicts: LogDicts, rollMs = 60000): Promise<ParquetSink> {
    makeDirs(dir);
    fs.accessSync(dir, fs.constants.W_OK);
    return new ParquetSink(dir, await DuckDbSink.open(':memory:', dicts), rollMs);
  }

  async write(b: LogBatch): Promise<void> {
    await this.db.write(b);
    await this.added(b.rows);
  }

  async writeStaged(table: string, file: string, rows: number): Promise<void> {
    await this.db.writeStaged(table, file, rows);
    await this.added(rows);
  }

  private async added(rows: number): Promise<void> {
    this.rows += rows;
    if (Date.now() - this.lastRoll >= this.rollMs) await this.roll();
  }

  /** Writes every buffered row to Parquet files and empties the buffer. */
  async roll(): Promise<void> {
    this.lastRoll = Date.now();
    if (this.rows === 0) return;
    const c = this.db.connection;
    for (const t of LOG_TABLES) {
      const tsCol = t.name === 'raw_log' ? 'received' : 'ts';
      const n = await c.runAndReadAll('SELECT count(*)::INTEGER FROM ' + t.name + '_rows');
      if ((n.getRows()[0][0] as number) === 0) continue;
      const target = (this.dir + '/' + t.name).replaceAll("'", "''");
      const tag = 'part_' + Date.now().toString(36) + (this.filesWritten % 1296).toString(36).padStart(2, '0') + '_';
      try {
        await c.run('COPY (SELECT *, coalesce(strftime(' + tsCol + ", '%Y-%m-%d'), 'unknown') AS date, coalesce(strftime(" +
          tsCol + ", '%H'), 'unknown') AS hour FROM " + t.name + ") TO '" + target +
          "' (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (date, hour), APPEND, FILENAME_PATTERN '" + tag + "{uuid}')");
      } catch (e) {
        removeTagged(path.join(this.dir, t.name), tag);
        throw e;
      }
      await c.run('DELETE FROM ' + t.name + '_rows');
      this.filesWritten++;
    }
    this.rows = 0;
  }

  async close(): Promise<void> {
    await this.roll();
    await this.db.close();
  }
}

/**
 * `mkdir -p` one level at a time. Node's recursive mkdirSync never returns when a parent exists but refuses children
 * with ENOENT (/proc, /sys): the collector hung at 90 % CPU on `--parquet /proc/x` instead of failing.
 */
function makeDirs(dir: string): void {
  const missing: string[] = [];
  for (let d = path.resolve(dir); !fs.existsSync(d); d = path.dirname(d)) missing.push(d);
  for (let i = missing.length - 1; i >= 0; i--) fs.mkdirSync(missing[i]);
}

/**
 * Deletes the files of a failed COPY (names starting with `tag`) under the table's partitions. DuckDB leaves a cut
 * file behind on a full disk, and one unreadable file fails every read_parquet() of the whole directory tree.
 */
function removeTagged(tableDir: string, tag: string): void {
  let parts: string[];
  try { parts = fs.readdirSync(tableDir, { recursive: true }) as string[]; } catch { return; }
  for (const f of parts) {
    if (path.basename(f).startsWith(tag)) { try { fs.unlinkSync(path.join(tableDir, f)); } catch { /* already gone */ } }
  }
}
