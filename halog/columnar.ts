// --duckdb FILE / --parquet DIR: load log files (or stdin) into the columnar store through the
// collectors' parser, batcher and sinks (the one HAProxy log parser of the code base); --sql REPORT:
// run a report over DuckDB files, Parquet directories and/or log files (loaded into a scratch DuckDB).
// Hot path: no (the collectors' ingest is).
import { existsSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HalogOptions } from './types.ts';
import { FILT_QUIET } from './types.ts';
import type { HalogIo } from './run.ts';
import { Ingest, ingestFiles } from '../collectors/ingest.ts';
import { LogDicts } from '../collectors/arrow/batcher.ts';
import type { LogBatch } from '../collectors/arrow/batcher.ts';
import type { LogSink } from '../collectors/sinks/types.ts';
import { ThreadedDuckDbSink } from '../collectors/sinks/duckdb-threaded.ts';
import { duckDbApi } from '../collectors/sinks/duckdb-api.ts';
import { SQL_REPORTS, findSqlReport } from './sql/reports.ts';

const isDuckDbFile = (f: string): boolean => /\.(duckdb|db)$/.test(f);
const isParquet = (f: string): boolean => f.endsWith('.parquet') || (existsSync(f) && statSync(f).isDirectory());
const sqlString = (s: string): string => "'" + s.replaceAll("'", "''") + "'";

/** Loads log files ('-' = stdin) into the given sinks; returns the stderr summary line. */
async function load(files: readonly string[], duckdb: string | null, parquet: string | null): Promise<string> {
  const dicts = new LogDicts();
  const sinks: LogSink<LogBatch>[] = [];
  if (duckdb !== null) sinks.push(await ThreadedDuckDbSink.start(duckdb, dicts));
  if (parquet !== null) {
    const { ParquetSink } = await import('../collectors/sinks/parquet.ts');   // loads DuckDB on this thread
    sinks.push(await ParquetSink.open(parquet, dicts, 3_600_000));
  }
  let fatal: Error | null = null;
  // 40960 rows: three batches make a DuckDB row group, so bulk INSERTs are whole row groups (collectors/sinks/duckdb.ts).
  const ingest = new Ingest({ format: { kind: 'auto' }, sinks, dicts, batchRows: 40960, onFatal: (e) => { fatal = e; } });
  try {
    await ingestFiles(files.length ? files : ['-'], ingest);
  } catch (e) {
    // A file that cannot be read: close anyway (commits the rows before it), or the sink worker keeps the process alive.
    await ingest.close().catch(() => undefined);
    throw e;
  }
  await ingest.close();
  if (fatal) throw fatal;
  const c = ingest.counters;
  return c.received + ' lines in, ' + c.parsed + ' rows loaded, ' + c.unparsedTotal + ' unparsed\n';
}

function printTable(io: HalogIo, columns: string[], rows: unknown[][]): void {
  const cells = rows.map((r) => r.map((v) => (v === null || v === undefined ? '-' : String(v))));
  const w = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i].length)));
  io.out.str('#' + columns.map((c, i) => (i === columns.length - 1 ? c : c.padEnd(w[i]))).join(' ') + '\n');
  for (const r of cells) io.out.str(r.map((v, i) => (i === r.length - 1 ? v : v.padEnd(w[i]))).join(' ') + '\n');
}

/** Runs the columnar modes; returns the exit status. */
export async function runColumnar(o: HalogOptions, io: HalogIo): Promise<number> {
  if (o.sql !== null && !findSqlReport(o.sql)) {
    io.err.str('halog: unknown --sql report "' + o.sql + '"; known: ' + SQL_REPORTS.map((r) => r.name).join(', ') + '\n');
    return 1;
  }
  const logs = o.files.filter((f) => !isDuckDbFile(f) && !isParquet(f));
  const stores = o.files.filter((f) => isDuckDbFile(f) || isParquet(f));
  let scratch: string | null = null;
  if (o.duckdb !== null || o.parquet !== null || (o.sql === null) || logs.length > 0 || stores.length === 0) {
    let target = o.duckdb;
    if (target === null && o.sql !== null) {
      scratch = join(tmpdir(), 'halog-' + process.pid + '-' + Date.now() + '.duckdb');
      target = scratch;
    }
    const summary = await load(logs, target, o.parquet);
    if (!(o.filter & FILT_QUIET)) io.err.str(summary);
    if (target !== null) stores.push(target);
  }
  try {
    if (o.sql === null) return 0;
    const report = findSqlReport(o.sql)!;
    // Loaded here, not at the top: a plain --duckdb load does not need DuckDB on this thread (~0.3 s of start-up).
    const { DuckDBInstance } = duckDbApi();
    const inst = await DuckDBInstance.create(':memory:');
    const conn = await inst.connect();
    const parts: string[] = [];
    const cols = 'backend, server, status, term_state, tr, tw, tc, tr_srv, ta';
    for (let i = 0; i < stores.length; i++) {
      const f = stores[i];
      if (isDuckDbFile(f) || f === scratch) {
        await conn.run(`ATTACH ${sqlString(f)} AS src${i} (READ_ONLY)`);
        parts.push(`SELECT ${cols} FROM src${i}.http_log`);
      } else {
        const glob = f.endsWith('.parquet') ? f : join(f, 'http_log', '**', '*.parquet');
        parts.push(`SELECT ${cols} FROM read_parquet(${sqlString(glob)}, hive_partitioning = true, union_by_name = true)`);
      }
    }
    const src = '(' + parts.join(' UNION ALL ') + ')';
    const res = await conn.runAndReadAll(report.sql(src));
    const columns = res.columnNames();
    const rows = res.getRowsJS() as unknown[][];
    if (o.json) {
      const objs = rows.map((r) => Object.fromEntries(r.map((v, i) => [columns[i], typeof v === 'bigint' ? Number(v) : v])));
      io.out.str(JSON.stringify({ report: report.name, rows: objs }) + '\n');
    } else {
      printTable(io, columns, rows);
    }
    conn.closeSync();
    return 0;
  } finally {
    if (scratch !== null) { rmSync(scratch, { force: true }); rmSync(scratch + '.wal', { force: true }); }
  }
}
