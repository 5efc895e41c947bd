import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { query } from '../duckdb-query.ts';
import { LogBatch, LogDicts, batchRow } from '../../../collectors/arrow/batcher.ts';
import { HTTP_LOG_TABLE } from '../../../collectors/arrow/schema.ts';
import { COL_REQ_HEADERS_ID } from '../../../collectors/arrow/types.ts';
import { parseHttpLog } from '../../../collectors/httplog/httplog.ts';
import { DuckDbSink } from '../../../collectors/sinks/duckdb.ts';
import { ParquetSink } from '../../../collectors/sinks/parquet.ts';
import { ArrowStreamSink, JsonLinesSink } from '../../../collectors/sinks/stdout.ts';

const FIX = new URL('../../../fixtures/collectors/haproxy-2.6/', import.meta.url);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-sinks-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

function batchOf(dicts: LogDicts, file = 'http.raw.log'): LogBatch {
  const buf = fs.readFileSync(new URL(file, FIX));
  const b = new LogBatch(HTTP_LOG_TABLE, 4096, dicts);
  for (let s = 0; s < buf.length;) {
    const e = buf.indexOf(10, s);
    assert.equal(parseHttpLog(buf, s, e, b), 0);
    b.commitRow();
    s = e + 1;
  }
  b.seal();
  return b;
}
const rowsOf = (b: LogBatch): Record<string, unknown>[] => Array.from({ length: b.rows }, (_, r) => batchRow(b, r));

test('DuckDB: rows read back through the http_log view equal the batch, across a reopen with new values', async () => {
  const db = path.join(dir, 'a.duckdb');
  let dicts = new LogDicts();
  let sink = await DuckDbSink.open(db, dicts);
  const b1 = batchOf(dicts);
  await sink.write(b1);
  await sink.close();
  // Reopen with fresh dictionaries: ids are reloaded, so old rows keep their strings and new values get new ids.
  dicts = new LogDicts();
  sink = await DuckDbSink.open(db, dicts);
  assert.equal(dicts.byColumn[5]!.values[1], 'be_app');
  const b2 = batchOf(dicts, 'http.raw.log');
  b2.rows = 1;
  const line = Buffer.from('10.9.9.9:1 [01/Jan/2026:00:00:00.000] fe_new be_new/s9 0/0/0/1/1 201 5 - - ---- 1/1/0/0/0 0/0 "PUT /n HTTP/1.1"');
  b2.reset();
  assert.equal(parseHttpLog(line, 0, line.length, b2), 0);
  b2.commitRow();
  await sink.write(b2);
  await sink.close();
  const got = await query(db, 'SELECT * EXCLUDE (ts, log_ts) FROM http_log ORDER BY ts, client_port');
  const want = rowsOf(b1).map((r) => { const { ts: _t, log_ts: _l, ...rest } = r; return rest; });
  const norm = (r: Record<string, unknown>): Record<string, unknown> => ({ ...r, bytes_read: r.bytes_read === null ? null : Number(r.bytes_read) });
  assert.deepEqual(got.slice(1).map(norm), want);
  assert.deepEqual([got[0].frontend, got[0].backend, got[0].server, got[0].method], ['fe_new', 'be_new', 's9', 'PUT']);
  const ts = await query(db, "SELECT strftime(min(ts), '%Y-%m-%d %H:%M:%S.%g') AS t FROM http_log WHERE frontend = 'fe_http'");
  assert.equal(ts[0].t, '2026-11-23 20:18:12.197');
});

test('DuckDB: an unwritable path is a clear error', async () => {
  await assert.rejects(DuckDbSink.open('/proc/sluice-no/x.duckdb', new LogDicts()));
});

test('Parquet: hour-partitioned Hive layout readable by DuckDB', async () => {
  const pq = path.join(dir, 'pq');
  const dicts = new LogDicts();
  const sink = await ParquetSink.open(pq, dicts);
  await sink.write(batchOf(dicts));
  await sink.close();
  const files = fs.readdirSync(path.join(pq, 'http_log', 'date=2026-11-23', 'hour=20'));
  assert.equal(files.length, 1);
  assert.match(files[0], /^part_.*\.parquet$/);
  const r = await query(':memory:', "SELECT date, hour, count(*)::INTEGER AS n, count(DISTINCT server)::INTEGER AS s FROM read_parquet('" + pq + "/http_log/*/*/*.parquet', hive_partitioning = true) GROUP BY ALL");
  assert.deepEqual(r, [{ date: '2026-11-23', hour: '20', n: 12, s: 4 }]);
});

test('Arrow IPC stream and JSON lines carry the same rows', async () => {
  const dicts = new LogDicts();
  const b = batchOf(dicts);
  const af = path.join(dir, 'x.arrow');
  const a = new ArrowStreamSink(af, HTTP_LOG_TABLE);
  a.write(b);
  a.write(b);
  await a.close();
  const t = tableFromIPC(fs.readFileSync(af));
  assert.equal(t.numRows, 24);
  assert.equal(t.schema.fields.length, HTTP_LOG_TABLE.columns.length);
  assert.equal(t.getChild('server')!.get(1), 's2');
  assert.equal(t.getChild('status')!.get(6), 503);
  assert.equal(t.getChild('uri')!.get(7), '/a%20b?q=1&y=%22z%22');
  assert.equal(t.getChild('method')!.get(10), null);
  assert.equal(t.getChild('ts')!.get(0), Date.UTC(2026, 10, 23, 20, 18, 12, 197));
  const jf = path.join(dir, 'x.json');
  const j = new JsonLinesSink(jf);
  await j.write(b);
  await j.close();
  const lines = fs.readFileSync(jf, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(lines.length, 12);
  assert.deepEqual(lines[6], { table: 'http_log', ...rowsOf(b)[6] });
});

test('Arrow IPC stream: a batch reset and refilled right after write() keeps the values it was written with', async () => {
  // The collector reuses its batches: the sink must not keep views of the typed arrays (it read -2147483648 and ''
  // for every int and dictionary column of a piped stream).
  const dicts = new LogDicts();
  const b = batchOf(dicts);
  const af = path.join(dir, 'reuse.arrow');
  const a = new ArrowStreamSink(af, HTTP_LOG_TABLE);
  a.write(b);
  b.reset();
  const line = Buffer.from('10.0.0.9:1 [23/Nov/2026:21:00:00.000] fe_other be_x/s9 1/2/3/4/10 418 9 - - ---- 1/1/0/0/0 0/0 "PUT /z HTTP/1.1"');
  assert.equal(parseHttpLog(line, 0, line.length, b), 0);
  b.commitRow();
  b.seal();
  a.write(b);
  await a.close();
  const t = tableFromIPC(fs.readFileSync(af));
  assert.equal(t.numRows, 13);
  assert.equal(t.getChild('client_port')!.get(0), 55134);
  assert.equal(t.getChild('status')!.get(1), 404);
  assert.equal(t.getChild('frontend')!.get(0), 'fe_http');
  assert.equal(t.getChild('server')!.get(1), 's2');
  assert.equal(t.getChild('uri')!.get(1), '/status/404');
  assert.equal(t.getChild('status')!.get(12), 418);
  assert.equal(t.getChild('frontend')!.get(12), 'fe_other');
});

test('Arrow IPC stream without rows is still a valid stream with the schema (was 0 bytes)', async () => {
  const af = path.join(dir, 'empty.arrow');
  const a = new ArrowStreamSink(af, HTTP_LOG_TABLE);
  await a.close();
  const t = tableFromIPC(fs.readFileSync(af));
  assert.equal(t.numRows, 0);
  assert.equal(t.schema.fields.length, HTTP_LOG_TABLE.columns.length);
  assert.equal(t.schema.metadata.get('table'), 'http_log');
});

test('Arrow IPC stream to a full disk (/dev/full): write() or close() throws ENOSPC, no unhandled rejection', async () => {
  const b = batchOf(new LogDicts());
  const a = new ArrowStreamSink('/dev/full', HTTP_LOG_TABLE);
  let err: unknown = null;
  try {
    for (let i = 0; i < 50; i++) { a.write(b); await new Promise((r) => setImmediate(r)); }
    await a.close();
  } catch (e) { err = e; }
  assert.match(String(err), /ENOSPC/);
  await assert.rejects(a.close(), /ENOSPC/);
});

test('threaded DuckDB and Parquet sinks write the same rows from workers and report open errors', async () => {
  const { ThreadedSink } = await import('../../../collectors/sinks/threaded.ts');
  const db = path.join(dir, 'threaded.duckdb');
  let dicts = new LogDicts();
  let sink = await ThreadedSink.open('duckdb', db, dicts);
  const b = batchOf(dicts);
  await sink.write(b);
  b.reset();
  await sink.close();
  dicts = new LogDicts();
  sink = await ThreadedSink.open('duckdb', db, dicts);
  assert.equal(dicts.byColumn[6]!.values.includes('dead'), true);
  await sink.write(batchOf(dicts));
  await sink.close();
  const r = await query(db, "SELECT count(*)::INTEGER AS n, count(DISTINCT server)::INTEGER AS s, sum(CASE WHEN server = 'dead' THEN 1 ELSE 0 END)::INTEGER AS dead FROM http_log");
  assert.deepEqual(r, [{ n: 24, s: 4, dead: 2 }]);
  // Captured headers (stored as dictionary ids, mirrored by the worker and reloaded on reopen) read back as text.
  const hdrs = rowsOf(batchOf(new LogDicts())).map((x) => String(x.req_headers) + '|' + String(x.res_headers));
  const got = await query(db, 'SELECT req_headers, res_headers FROM http_log');
  assert.deepEqual(got.map((x) => String(x.req_headers) + '|' + String(x.res_headers)).sort(), [...hdrs, ...hdrs].sort());
  assert.equal(hdrs.filter((h) => h !== 'null|null').length > 0, true);
  await assert.rejects(ThreadedSink.open('duckdb', '/proc/sluice-no/x.duckdb', new LogDicts()));
  // a directory that cannot be made is an error, not a hang (node's recursive mkdir loops on /proc)
  await assert.rejects(ThreadedSink.open('parquet', '/proc/sluice-no/pq', new LogDicts()), /ENOENT/);
  // A Parquet worker started after the DuckDB one receives every dictionary value it has not seen.
  const pq = path.join(dir, 'threaded-pq');
  const p = await ThreadedSink.open('parquet', pq, dicts);
  await p.write(batchOf(dicts));
  await p.close();
  const r2 = await query(':memory:', "SELECT count(DISTINCT server)::INTEGER AS s, min(frontend) AS f FROM read_parquet('" + pq + "/http_log/*/*/*.parquet')");
  assert.deepEqual(r2, [{ s: 4, f: 'fe_http' }]);
});

test('threaded DuckDB sink in bulk mode (batches encoded in the worker from shared memory) loads the same rows in the same order as the sink on this thread', async () => {
  const { ThreadedSink } = await import('../../../collectors/sinks/threaded.ts');
  const { Ingest, ingestFile } = await import('../../../collectors/ingest.ts');
  const lines: string[] = [];
  const http = fs.readFileSync(new URL('http.rfc3164.log', FIX), 'latin1').split('\n').filter(Boolean);
  const tcp = fs.readFileSync(new URL('tcp.rfc3164.log', FIX), 'latin1').split('\n').filter(Boolean);
  // Varied ports, URLs and headers, tcp lines in between, over several 1 MiB reads: batches of both tables, each pooled
  // batch refilled as soon as its write resolved.
  for (let i = 0; i < 20000; i++) {
    const l = http[i % http.length].replace(/:(\d+) \[/, ':' + (1024 + i) + ' [').replace(/ HTTP\/1\.1"/, '?i=' + i + ' HTTP/1.1"');
    // Longer captures late in the file: string buffers of batches already sent to the worker grow (sent again).
    const h = i > 15000 && i % 4 === 1 ? '{' + 'y'.repeat(100 + (i % 50)) + '}' : '{h' + (i % 3) + '}';
    lines.push(i % 5 === 0 || (i > 15000 && i % 4 === 1) ? l.replace(/\{[^}]*\}/, h) : l);
    if (i % 7 === 0) lines.push(tcp[i % tcp.length]);
  }
  const file = path.join(dir, 'bulk-order.log');
  fs.writeFileSync(file, lines.join('\n') + '\n');
  const load = async (db: string, threaded: boolean): Promise<void> => {
    const dicts = new LogDicts();
    // start(): the first load goes to a new file (batches queue while the worker opens it), the second opens it first.
    const sink = threaded ? await ThreadedSink.start('duckdb', db, dicts) : await DuckDbSink.open(db, dicts);
    const ing = new Ingest({ format: { kind: 'auto' }, sinks: [sink], dicts, batchRows: 1000, maxQueued: 8 });
    await ingestFile(file, ing);
    await ing.close();
  };
  const a = path.join(dir, 'bulk-direct.duckdb');
  const b = path.join(dir, 'bulk-threaded.duckdb');
  // Twice into each file: the second session reloads the header and ctx values the worker interned in the first.
  for (let i = 0; i < 2; i++) {
    await load(a, false);
    await load(b, true);
  }
  for (const t of ['http_log', 'tcp_log']) {
    const want = await query(a, 'SELECT * FROM ' + t);
    const got = await query(b, 'SELECT * FROM ' + t);
    assert.equal(want.length, t === 'http_log' ? 40000 : 5716);
    assert.equal(got.length, want.length);
    assert.deepEqual(got, want);
  }
});

test('threaded sink start(): a new file or Parquet directory opens while the caller goes on, an existing file as with open(), an open error rejects opened and then every call', async () => {
  const { ThreadedSink } = await import('../../../collectors/sinks/threaded.ts');
  const db = path.join(dir, 'start.duckdb');
  let dicts = new LogDicts();
  let sink = await ThreadedSink.start('duckdb', db, dicts);
  let opened = false;
  void sink.opened.then(() => { opened = true; });
  await sink.bulk(true);   // resolves without waiting for the worker, which has not opened the file yet
  assert.equal(opened, false);
  await sink.write(batchOf(dicts));
  assert.equal(opened, true);
  await sink.bulk(false);
  await sink.close();
  // The file exists now: its dictionary is loaded before start() resolves, as open() does.
  dicts = new LogDicts();
  sink = await ThreadedSink.start('duckdb', db, dicts);
  assert.equal(dicts.byColumn[6]!.values.includes('dead'), true);
  await sink.write(batchOf(dicts));
  await sink.close();
  assert.deepEqual(await query(db, "SELECT count(*)::INTEGER AS n, count(DISTINCT server)::INTEGER AS s FROM http_log"), [{ n: 24, s: 4 }]);
  const pq = path.join(dir, 'start-pq');
  const p = await ThreadedSink.start('parquet', pq, dicts);
  await p.write(batchOf(dicts));
  await p.close();
  assert.deepEqual(await query(':memory:', "SELECT count(*)::INTEGER AS n FROM read_parquet('" + pq + "/http_log/*/*/*.parquet')"), [{ n: 12 }]);
  for (const [kind, bad] of [['duckdb', '/proc/sluice-no/x.duckdb'], ['parquet', '/proc/sluice-no/pq']] as const) {
    const s = await ThreadedSink.start(kind, bad, new LogDicts());
    await assert.rejects(s.opened, /sluice-no/);
    await assert.rejects(s.write(batchOf(new LogDicts())), /sluice-no/);
    await assert.rejects(s.close(), /sluice-no/);
  }
});

test('threaded sink: once a bulk load had the worker intern header and ctx ids, files staged elsewhere are refused', async () => {
  const { ThreadedSink } = await import('../../../collectors/sinks/threaded.ts');
  const dicts = new LogDicts();
  const sink = await ThreadedSink.open('duckdb', path.join(dir, 'owner.duckdb'), dicts);
  try {
    assert.equal(sink.stagedDicts, dicts);
    await sink.bulk(true);
    await sink.write(batchOf(dicts));
    assert.notEqual(sink.stagedDicts, dicts);
    const f = path.join(sink.stageDir, 'elsewhere.parquet');
    fs.writeFileSync(f, 'x');
    await assert.rejects(sink.writeStaged('http_log', f, 1), /worker interns/);
    assert.equal(fs.existsSync(f), false);
    // A header value interned on this thread under another id than the worker gave it is refused, not stored.
    const b2 = batchOf(dicts);
    dicts.byColumn[COL_REQ_HEADERS_ID]!.internString('only-here');
    await assert.rejects(sink.write(b2), /diverged/);
    await sink.bulk(false);
  } finally {
    await sink.close();   // also when an assertion failed: the worker would keep the test process alive
  }
  const r = await query(path.join(dir, 'owner.duckdb'), 'SELECT count(*)::INTEGER AS n, count(req_headers)::INTEGER AS h FROM http_log');
  assert.deepEqual(r, [{ n: 12, h: 10 }]);
});
