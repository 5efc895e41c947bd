/* DuckDB sink: loads record batches into a DuckDB database file by staging each batch as a small Parquet file
 * (staged-parquet.ts) and running `INSERT INTO <table>_rows SELECT * FROM read_parquet(...)`: DuckDB's own C++
 * reader fills its vectors, which costs far less than filling the appender's data chunks from JS and committing them
 * through the WAL. Layout: base tables http_log_rows / tcp_log_rows / raw_log_rows with dictionary ids, IPv4
 * clients as numbers, the near-constant columns as one ctx id and the mostly-NULL strings as one sparse JSON
 * (schema.ts baseColumns), table
 * log_dict (col, id, value), and views http_log / tcp_log / raw_log with plain strings (schema.ts). Shared with
 * halog --duckdb and the Parquet sink. Hot path: per batch (encoding is one loop per column).
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { DuckDBAppender, DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import type { LogBatch, LogDicts } from '../arrow/batcher.ts';
import {
  CTX_COLUMNS, DICT_TABLE_SQL, LOG_COLUMNS, LOG_TABLES, PACKED, PACKED_MEMBERS, SPARSE_COLUMNS, baseColumnSql, baseColumns,
  createTableSql, createViewSql, ctxKeySql, packedSql, rowsTableName, sparseSql, sparseWithPackedSql,
} from '../arrow/schema.ts';
import { COL_CTX, COL_SPARSE } from '../arrow/types.ts';
import type { TableSpec } from '../arrow/types.ts';
import { duckDbApi } from './duckdb-api.ts';
import { encodeStagedParquet, makeStageDir } from './staged-parquet.ts';
import type { StagedSink } from './types.ts';

/** DuckDB's row group size (rows). */
export const ROW_GROUP_ROWS = 122880;
/**
 * Bulk mode inserts a table's staged rows once they make whole row groups: DuckDB writes such an INSERT straight
 * into the database file as full row groups, where a ragged one leaves a partial row group behind each time. 1 M
 * httplog lines through the threaded sink (/proc CPU time of the process, medians, load 6): 32768-row batches
 * inserted 262144 at a time 4.7-5.3 us/row and a 35.4 MB file; at row-group multiples 4.0-4.4 us/row and 24.4 MB.
 * One row group per INSERT overlaps parsing and DuckDB best (the first INSERT starts sooner, the last one is
 * shorter): at SCHED_FIFO priority, 40960-row batches, 0.48-0.50 M rows/s at 1 row group per INSERT, 0.42-0.46 M at
 * 2, 0.37-0.39 M for 32768-row batches (whole row groups only every 491520 rows). Batch sizes that divide 122880
 * (8192, 24576, 40960, 61440) reach it exactly; others insert at the first multiple of ROW_GROUP_ROWS or at
 * BULK_MAX_ROWS, whichever comes first.
 */
export const BULK_MIN_ROWS = ROW_GROUP_ROWS;
/** Staged rows that are inserted even when they do not make whole row groups (bounds the staged files on disk). */
export const BULK_MAX_ROWS = 1 << 20;

interface TableState {
  readonly spec: TableSpec;
  /** Staged files not yet inserted, and their rows. */
  files: string[];
  rows: number;
  /** Bulk INSERTs of this table in the current bulk session. */
  bulkInserts: number;
}

/**
 * Brings a base table made by an older version up to baseColumns(spec). Columns added at the end since (client_ip4,
 * the header ids) are appended with ALTER TABLE (old rows get NULL there, which the view reads as before). A table
 * that still stores CTX_COLUMNS, SPARSE_COLUMNS or PACKED members one by one (sluice before the ctx, sparse, conns
 * and queues columns) is rewritten once, in the caller's transaction: each row's ctx text goes into log_dict, its sparse columns
 * into one JSON, its PACKED members into their group's value (or that JSON), and the rows are copied in their order into the
 * new layout.
 * Rejects a table whose columns differ otherwise: staged files are inserted by position.
 */
async function upgradeBaseTable(connection: DuckDBConnection, spec: TableSpec): Promise<void> {
  const table = rowsTableName(spec);
  // pragma_table_info looks up the one table; duckdb_columns() lists every catalog's columns (3 tables at each open:
  // 18-20 -> 3-4 ms CPU, on the path of a load's start).
  const res = await connection.runAndReadAll("SELECT name FROM pragma_table_info('main." + table + "') ORDER BY cid");
  const have = res.getRows().map((r) => String(r[0]));
  const want = baseColumns(spec);
  const wantNames = want.map((id) => LOG_COLUMNS[id].name);
  const merged = [...CTX_COLUMNS, ...SPARSE_COLUMNS, ...PACKED_MEMBERS.map((m) => m.id)];
  if (have.some((n) => !wantNames.includes(n)) && have.some((n) => merged.some((id) => LOG_COLUMNS[id].name === n))) {
    const known = new Set(LOG_COLUMNS.map((c) => c.name));
    const odd = have.find((n) => !known.has(n));
    if (odd !== undefined) throw new Error(table + ': unknown column ' + odd + ' (not a sluice database?)');
    const key = have.includes('ctx') ? 'NULL' : ctxKeySql(spec, have);
    if (!have.includes('ctx')) {
      await connection.run('INSERT INTO log_dict SELECT ' + COL_CTX + ', (SELECT coalesce(max(id), 0) FROM log_dict WHERE col = ' +
        COL_CTX + ') + row_number() OVER (ORDER BY k), k FROM (SELECT DISTINCT ' + key + ' AS k FROM ' + table + ' r) ' +
        'WHERE k NOT IN (SELECT value FROM log_dict WHERE col = ' + COL_CTX + ')');
    }
    const sel = want.map((id) => {
      const name = LOG_COLUMNS[id].name;
      if (id === COL_CTX && !have.includes('ctx')) return 'd.id';
      // The PACKED members are columns of the old table (its layout predates every group).
      const unpacked = PACKED_MEMBERS.some((m) => have.includes(LOG_COLUMNS[m.id].name));
      const group = PACKED.find((g) => g.id === id);
      if (group !== undefined && !have.includes(name)) return unpacked ? packedSql(spec, group) : 'NULL';
      if (id === COL_SPARSE) {
        const sparse = have.includes('sparse') ? 'r.sparse' : sparseSql(spec, have);
        return unpacked ? sparseWithPackedSql(spec, sparse) : sparse;
      }
      return have.includes(name) ? 'r."' + name + '"' : 'NULL';
    });
    await connection.run(createTableSql(spec).replace(table, table + '_new'));
    await connection.run('INSERT INTO ' + table + '_new SELECT ' + sel.join(', ') + ' FROM ' + table + ' r LEFT JOIN ' +
      '(SELECT id, value FROM log_dict WHERE col = ' + COL_CTX + ') d ON d.value = ' + key + ' ORDER BY r.rowid');
    await connection.run('DROP VIEW IF EXISTS ' + spec.name);
    await connection.run('DROP TABLE ' + table);
    await connection.run('ALTER TABLE ' + table + '_new RENAME TO ' + table);
    return;
  }
  for (let i = 0; i < want.length; i++) {
    const name = LOG_COLUMNS[want[i]].name;
    if (i >= have.length) await connection.run('ALTER TABLE ' + table + ' ADD COLUMN ' + baseColumnSql(want[i]));
    else if (have[i] !== name) throw new Error(table + ': column ' + (i + 1) + ' is ' + have[i] + ', expected ' + name + ' (not a sluice database?)');
  }
  if (have.length > want.length) throw new Error(table + ': ' + have.length + ' columns, expected ' + want.length + ' (made by a newer sluice?)');
}

/**
 * Writes batches into a DuckDB file. open() creates missing tables. Outside bulk mode each write() is committed
 * before it resolves (one INSERT per batch); in bulk mode (file loads) a table's first batch is inserted (and
 * checkpointed) at once and later ones are staged until they make whole row groups (BULK_MIN_ROWS), then inserted
 * while later batches are staged, or batch by batch once the batches' rowsAfter says the input ends before the row
 * group fills; bulk(false) and close() insert what is staged and wait for it.
 */
export class DuckDbSink implements StagedSink<LogBatch> {
  readonly name = 'duckdb';
  private closed = false;
  private bulkOn = false;
  private seq = 0;
  /**
   * Bulk INSERTs started or queued, oldest first: one runs on a DuckDB thread while the next row group is staged and
   * queued behind it, so staging never waits for an INSERT to end (see writeStaged).
   */
  private inserts: Promise<void>[] = [];
  /** Where write() stages batches; made on first use (a worker's sink only receives files staged elsewhere). */
  private stageDir: string | null = null;
  /** Per column id: how many dictionary entries are already in log_dict. */
  private readonly persisted: number[];

  private constructor(
    private readonly instance: DuckDBInstance,
    readonly connection: DuckDBConnection,
    private readonly tables: Map<string, TableState>,
    private readonly dictAppender: DuckDBAppender,
    private readonly dicts: LogDicts,
    persisted: number[],
  ) {
    this.persisted = persisted;
  }

  /**
   * Opens (or creates) `path` (':memory:' for a scratch database) and loads its log_dict into `dicts`, so ids stay
   * stable across restarts: `dicts` must be fresh, or already hold the same values in the same order. Rejects with
   * DuckDB's error for an unwritable path or a locked file. Staged files go to a private directory under the OS
   * temp dir (staged-parquet.ts makeStageDir), removed at close.
   */
  static async open(path_: string, dicts: LogDicts): Promise<DuckDbSink> {
    // One DuckDB thread: on 2 cores the parser needs the other one (file -> DuckDB, 1 M httplog lines, appender
    // path: 5.37 -> 4.87 CPU us/row with threads=1).
    const instance = await duckDbApi().DuckDBInstance.create(path_, { threads: '1' });
    const connection = await instance.connect();
    const tables = new Map<string, TableState>();
    await connection.run('BEGIN TRANSACTION');
    try {
      await connection.run(DICT_TABLE_SQL);
      for (const spec of LOG_TABLES) {
        await connection.run(createTableSql(spec));
        await upgradeBaseTable(connection, spec);
        await connection.run(createViewSql(spec));
        tables.set(spec.name, { spec, files: [], rows: 0, bulkInserts: 0 });
      }
      await connection.run('COMMIT');
    } catch (e) {
      await connection.run('ROLLBACK');
      connection.closeSync();
      instance.closeSync();
      throw e;
    }
    const res = await connection.runAndReadAll('SELECT col, id, value FROM log_dict ORDER BY col, id');
    const persisted = dicts.byColumn.map(() => 0);
    for (const [col, id, value] of res.getRows() as [number, number, string][]) {
      const d = dicts.byColumn[col];
      if (!d || d.internString(value) !== id) throw new Error(path_ + ': log_dict is inconsistent at column ' + col + ' id ' + id);
      persisted[col] = id;
    }
    // The dictionary appender has its own connection: in bulk mode it flushes while an INSERT runs on the other.
    const dictAppender = await (await instance.connect()).createAppender('log_dict');
    return new DuckDbSink(instance, connection, tables, dictAppender, dicts, persisted);
  }

  /** Appends dictionary values interned since the last write, so every id in the next rows resolves. */
  private persistDicts(): void {
    let added = 0;
    for (let col = 0; col < this.dicts.byColumn.length; col++) {
      const d = this.dicts.byColumn[col];
      if (!d) continue;
      for (let id = this.persisted[col] + 1; id <= d.size; id++) {
        this.dictAppender.appendInteger(col);
        this.dictAppender.appendInteger(id);
        this.dictAppender.appendVarchar(d.values[id]);
        this.dictAppender.endRow();
        added++;
      }
      this.persisted[col] = d.size;
    }
    if (added > 0) this.dictAppender.flushSync();
  }

  /** Bulk mode on (file loads: large INSERTs) or off (committed per batch; staged rows are inserted first). */
  async bulk(on: boolean): Promise<void> {
    this.bulkOn = on;
    for (const t of this.tables.values()) t.bulkInserts = 0;
    if (!on) await this.insertAll();
  }

  /** Waits for the bulk INSERTs (rethrowing the first error), then inserts every table's staged files. */
  private async insertAll(): Promise<void> {
    const started = this.inserts;
    this.inserts = [];
    for (const p of started) await p;
    for (const t of this.tables.values()) await this.insertStaged(t);
  }

  async write(b: LogBatch): Promise<void> {
    if (b.dicts !== this.dicts) throw new Error('duckdb sink: batch uses other dictionaries');
    if (b.rows === 0) return;
    b.seal();
    this.stageDir ??= makeStageDir();
    const file = path.join(this.stageDir, b.table.name + '-' + (this.seq++) + '.parquet');
    await fsp.writeFile(file, encodeStagedParquet(b));   // writes are sequential: the reused buffer stays intact
    await this.writeStaged(b.table.name, file, b.rows, b.rowsAfter);
  }

  async writeStaged(table: string, file: string, rows: number, rowsAfter = -1): Promise<void> {
    const t = this.tables.get(table);
    if (!t) { fs.rmSync(file, { force: true }); throw new Error('duckdb sink: no table ' + table); }
    t.files.push(file);
    t.rows += rows;
    if (!this.bulkOn) { await this.insertStaged(t); return; }
    // The session's first batch goes in at once, so DuckDB starts while the parser fills the first row group (one
    // short row group per session; 1 M lines: 0.37-0.41 -> 0.39-0.46 M rows/s at SCHED_FIFO, load 4-8).
    const first = t.bulkInserts === 0;
    // A row group the input ends before filling goes in batch by batch: only the last batch's INSERT is left for
    // bulk(false) instead of the whole short row group's (see README, sluice-collect).
    const ending = rowsAfter >= 0 && t.rows + rowsAfter < BULK_MIN_ROWS;
    if (!first && !ending && (t.rows < BULK_MIN_ROWS || (t.rows % ROW_GROUP_ROWS !== 0 && t.rows < BULK_MAX_ROWS))) return;
    t.bulkInserts++;
    // Bulk: the INSERT runs on a DuckDB thread while the next batches are staged. It is queued behind the one running
    // and this call returns at once, unless two are queued already: then it waits for the oldest to end. Waiting for
    // the running INSERT (as before) held up the batch that completed a row group, and the parsing thread's batches
    // behind it (2 of bench:collect's 25 batches, 95-139 ms each at load ~10; no throughput change alone), and would
    // hold up every batch of an ending row group below.
    const files = t.files;
    t.files = [];
    t.rows = 0;
    // DuckDB writes an INSERT of a whole row group or more compressed, straight to the file; a shorter one into a
    // table that has rows is appended in memory and compressed by the next checkpoint (a 40960-row INSERT: ~35 ms more
    // in the checkpoint, at load ~5). The first INSERT is checkpointed at once, while the parser fills the next row
    // group, instead of in close()'s final checkpoint.
    const last = this.inserts.at(-1);
    const p = last === undefined ? this.insertFiles(t.spec, files, first)
      : last.then(() => this.insertFiles(t.spec, files, first), (e: unknown) => { removeFiles(files); throw e; });
    p.catch(() => undefined);   // its error is rethrown where it is awaited (a later write, bulk(false), close)
    this.inserts.push(p);
    if (this.inserts.length > 2) await this.inserts.shift();
  }

  /** Inserts (and commits) the staged files of table t, then deletes them. */
  private async insertStaged(t: TableState): Promise<void> {
    if (t.files.length === 0) return;
    const files = t.files;
    t.files = [];
    t.rows = 0;
    await this.insertFiles(t.spec, files, false);
  }

  /**
   * Persists the dictionary values interned so far, then inserts (and commits) staged files of table `spec` and
   * deletes them; with `checkpoint`, checkpoints after. Runs in the order of the INSERT queue, so that no dictionary
   * flush (a commit on the appender's connection) overlaps a checkpoint.
   */
  private async insertFiles(spec: TableSpec, files: string[], checkpoint: boolean): Promise<void> {
    const list = files.map((f) => "'" + f.replaceAll("'", "''") + "'").join(', ');
    try {
      this.persistDicts();
      await this.connection.run('INSERT INTO ' + rowsTableName(spec) + ' SELECT * FROM read_parquet([' + list + '])');
    } finally {
      removeFiles(files);
    }
    if (checkpoint) await this.connection.run('CHECKPOINT');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.insertAll();
      this.persistDicts();
      this.dictAppender.closeSync();
      await this.connection.run('CHECKPOINT');
    } finally {
      this.connection.closeSync();
      this.instance.closeSync();
      if (this.stageDir !== null) fs.rmSync(this.stageDir, { recursive: true, force: true });
    }
  }
}

function removeFiles(files: readonly string[]): void {
  for (const f of files) fs.rmSync(f, { force: true });
}
