import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { query } from '../duckdb-query.ts';
import { LogBatch, LogDicts, batchRow } from '../../../collectors/arrow/batcher.ts';
import {
  CTX_COLUMNS, DICT_STAGED, HTTP_LOG_TABLE, LOG_COLUMNS, PACKED, PACKED_MEMBERS, RAW_LOG_TABLE, SPARSE_COLUMNS, TCP_LOG_TABLE, baseColumns,
} from '../../../collectors/arrow/schema.ts';
import {
  CK_BOOL, CK_DICT, CK_I32, CK_I64, CK_STR, CK_TS, COL_BYTES_READ, COL_CLIENT_IP, COL_CLIENT_IP4, COL_CLIENT_PORT,
  COL_BACKEND, COL_CTX, COL_FRONTEND, COL_MESSAGE, COL_PID, COL_SERVER, COL_TA_PLUS, COL_REQ_COOKIE, COL_REQ_HEADERS, COL_REQ_HEADERS_ID, COL_RES_HEADERS, COL_STATUS, COL_TS, COL_URI, HEADERS_DICT_MAX, NULL_I32,
} from '../../../collectors/arrow/types.ts';
import type { TableSpec } from '../../../collectors/arrow/types.ts';
import { BULK_MIN_ROWS, DuckDbSink, ROW_GROUP_ROWS } from '../../../collectors/sinks/duckdb.ts';
import { canonicalIpv4, encodeStagedParquet, makeStageDir, stageRoot } from '../../../collectors/sinks/staged-parquet.ts';
import { DuckDBInstance } from '@duckdb/node-api';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-staged-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const ODD = [
  '', 'a', 'it\'s "quoted"', 'tab\there', 'new\nline\r\n', 'back\\slash', 'comma,semi;pipe|', 'é café ü',
  '日本語のテキスト', 'emoji 😀🚀', 'x'.repeat(12), 'y'.repeat(13), 'z'.repeat(33), 'w'.repeat(5000), '{"json": [1, 2]}',
  '\u0001\u001f control', '%00 #00',
];

/** A batch of `n` rows where every column cycles through NULL and edge values, deterministic. */
function edgeBatch(table: TableSpec, n: number, dicts: LogDicts): LogBatch {
  const b = new LogBatch(table, n, dicts);
  for (let r = 0; r < n; r++) {
    for (const id of table.columns) {
      const kind = LOG_COLUMNS[id].kind;
      const k = (r * 7 + id * 3) % 11;
      if (k === 0) continue;   // NULL
      if (kind === CK_I32) b.i32[id][r] = [0, -1, 1, 2147483647, -2147483647, 42, 65535, 7, -5, 100][k - 1];
      else if (kind === CK_BOOL) b.i32[id][r] = k & 1;
      else if (kind === CK_TS) b.f64[id][r] = [0, 1, -1000, 1763929092197, 4102444800000, 1e12 + 3, 86399999, 5, 1763929092204.255, 2][k - 1];
      else if (kind === CK_I64) b.f64[id][r] = [0, 1, 2 ** 40, 2 ** 53 - 1, 123456789012, -7, 5, 6, 9, 10][k - 1];
      else if (kind === CK_DICT) b.setDict(id, Buffer.from(ODD[(r + k) % ODD.length]), 0, Buffer.byteLength(ODD[(r + k) % ODD.length]));
      else if (kind === CK_STR) b.setStr(id, Buffer.from(ODD[(r + id) % ODD.length]), 0, Buffer.byteLength(ODD[(r + id) % ODD.length]));
    }
    b.commitRow();
  }
  b.seal();
  return b;
}

/** DuckDB's JSON form of a row from the batch (what getRowObjectsJson returns for the same values). */
function expected(b: LogBatch, r: number): Record<string, unknown> {
  const o = batchRow(b, r);
  for (const id of b.table.columns) {
    const c = LOG_COLUMNS[id];
    const v = o[c.name];
    if (v === null) continue;
    if (c.kind === CK_I64) o[c.name] = String(v);
    if (c.kind === CK_TS) {
      o[c.name] = String(Math.floor(b.f64[id][r] * 1000));   // microseconds, as epoch_us() returns them
    }
  }
  return o;
}

const selectSql = (t: TableSpec, from: string, cols: readonly number[] = t.columns): string => 'SELECT ' + cols.map((id) => {
  const c = LOG_COLUMNS[id];
  return c.kind === CK_TS ? 'epoch_us("' + c.name + '") AS "' + c.name + '"' : '"' + c.name + '"';
}).join(', ') + ' FROM ' + from;

test('a staged Parquet file reads back in DuckDB with every value, NULL and odd string of the batch', async () => {
  for (const table of [HTTP_LOG_TABLE, TCP_LOG_TABLE, RAW_LOG_TABLE]) {
    const dicts = new LogDicts();
    const b = edgeBatch(table, 300, dicts);
    const f = path.join(dir, table.name + '.parquet');
    fs.writeFileSync(f, encodeStagedParquet(b));
    const got = await query(':memory:', selectSql(table, "read_parquet('" + f + "')", baseColumns(table).filter((id) => id !== COL_CLIENT_IP4)));
    assert.equal(got.length, 300);
    // DuckDB's json_extract_string (what the views use) gives back every sparse value, escapes included.
    const members = SPARSE_COLUMNS.filter((id) => table.columns.includes(id) && !DICT_STAGED.some((d) => d.str === id) && id !== COL_CLIENT_IP);
    if (members.length > 0) {
      const js = await query(':memory:', 'SELECT ' + members.map((id) => "json_extract_string(sparse, '$." + LOG_COLUMNS[id].name + "') AS \"" +
        LOG_COLUMNS[id].name + '"').join(', ') + " FROM read_parquet('" + f + "')");
      for (let r = 0; r < b.rows; r++) {
        const want = expected(b, r);
        for (const id of members) assert.equal(js[r][LOG_COLUMNS[id].name], want[LOG_COLUMNS[id].name], table.name + ' row ' + r + ' ' + LOG_COLUMNS[id].name);
      }
    }
    for (let r = 0; r < b.rows; r++) {
      const want = expected(b, r);
      for (const id of table.columns) {
        const c = LOG_COLUMNS[id];
        // Dictionary columns are staged as their ids; so are captured headers, in columns of their own (their text
        // column keeps values without an id: none here).
        const staged = DICT_STAGED.find((d) => d.str === id);
        const w = c.kind === CK_DICT ? (b.i32[id][r] === 0 ? null : b.i32[id][r]) : staged ? null : want[c.name];
        // CTX_COLUMNS are one ctx id per row, whose text lists their values ('' = NULL, booleans as 0/1).
        const k = CTX_COLUMNS.indexOf(id);
        // SPARSE_COLUMNS are one JSON object per row of those not NULL (the column NULL when none is set).
        const sparse = got[r].sparse == null ? {} : JSON.parse(got[r].sparse as string) as Record<string, string>;
        if (SPARSE_COLUMNS.includes(id)) assert.equal(c.name in got[r], false);
        // PACKED members are bit fields of their group's column, or numbers in the sparse JSON when that is NULL.
        const group = PACKED.find((g) => g.members.some((m) => m.id === id));
        if (group !== undefined) {
          const pk = group.members.find((m) => m.id === id)!;
          assert.equal(c.name in got[r], false);
          const gv = got[r][LOG_COLUMNS[group.id].name];
          const pv = gv == null ? sparse[c.name] ?? null : Number((BigInt(String(gv)) >> BigInt(pk.shift)) & BigInt(2 ** pk.bits - 1));
          assert.deepEqual(pv, w, table.name + ' row ' + r + ' column ' + c.name);
          continue;
        }
        const v = SPARSE_COLUMNS.includes(id) ? sparse[c.name] ?? null : k < 0 ? got[r][c.name] : dicts.byColumn[COL_CTX]!.values[got[r].ctx as number].split(',')[k];
        const g = k < 0 || v === '' ? (k < 0 ? v : null) : c.kind === CK_BOOL ? v === '1' : Number(v);
        assert.deepEqual(g, w, table.name + ' row ' + r + ' column ' + c.name);
        if (staged) {
          const gid = got[r][LOG_COLUMNS[staged.id].name] as number | null;
          assert.equal(gid === null ? null : dicts.byColumn[staged.id]!.values[gid], want[c.name], table.name + ' row ' + r + ' id of ' + c.name);
        }
      }
    }
  }
});

test('columns without NULLs, a single row and a batch of only NULLs encode correctly', async () => {
  const dicts = new LogDicts();
  const one = new LogBatch(HTTP_LOG_TABLE, 1, dicts);
  one.i32[COL_STATUS][0] = 200;
  one.f64[COL_TS][0] = 1763929092197;
  one.f64[COL_BYTES_READ][0] = 2 ** 53 - 1;
  one.setStr(COL_URI, Buffer.from('/only'), 0, 5);
  one.commitRow();
  one.seal();
  const empty = new LogBatch(HTTP_LOG_TABLE, 9, dicts);
  for (let r = 0; r < 9; r++) empty.commitRow();
  empty.seal();
  const f1 = path.join(dir, 'one.parquet');
  const f2 = path.join(dir, 'nulls.parquet');
  fs.writeFileSync(f1, encodeStagedParquet(one));
  fs.writeFileSync(f2, encodeStagedParquet(empty));
  const r1 = await query(':memory:', "SELECT status, epoch_ms(ts) AS ts, bytes_read, uri, sparse FROM read_parquet('" + f1 + "')");
  assert.deepEqual(r1, [{ status: 200, ts: '1763929092197', bytes_read: String(2 ** 53 - 1), uri: '/only', sparse: null }]);
  const r2 = await query(':memory:', "SELECT count(*)::INTEGER AS n, count(status)::INTEGER AS s, count(uri)::INTEGER AS u, count(ts)::INTEGER AS t, count(bytes_read)::INTEGER AS b, count(DISTINCT ctx)::INTEGER AS c FROM read_parquet('" + f2 + "')");
  assert.deepEqual(r2, [{ n: 9, s: 0, u: 0, t: 0, b: 0, c: 1 }]);
  assert.equal(dicts.byColumn[COL_CTX]!.values[1], ',,,,,,,,,,,,', 'the all-NULL ctx');
});

test('string lengths far apart (wide deltas) and runs of NULLs over several 128-value blocks read back', async () => {
  const dicts = new LogDicts();
  const n = 700;
  const b = new LogBatch(HTTP_LOG_TABLE, n, dicts);
  const big = Buffer.alloc(70000, 0x61);
  const want: (number | null)[] = [];
  for (let r = 0; r < n; r++) {
    const len = r % 13 === 0 || (r > 300 && r < 340) ? -1 : r % 3 === 0 ? 70000 : r % 3 === 1 ? 0 : r;
    if (len >= 0) b.setStr(COL_URI, big, 0, len);
    want.push(len >= 0 ? len : null);
    b.commitRow();
  }
  b.seal();
  const f = path.join(dir, 'wide.parquet');
  fs.writeFileSync(f, encodeStagedParquet(b));
  const got = await query(':memory:', "SELECT length(uri)::INTEGER AS l, count(*) OVER ()::INTEGER AS c FROM read_parquet('" + f + "')");
  assert.deepEqual(got.map((x) => x.l), want);
  assert.equal(got[0].c, n);
});

test('invalid UTF-8 in a string column is stored with U+FFFD instead of failing the load', async () => {
  const dicts = new LogDicts();
  const b = new LogBatch(RAW_LOG_TABLE, 3, dicts);
  const bad = Buffer.from([0x47, 0x45, 0x54, 0x20, 0xff, 0xfe, 0x2f]);
  b.setStr(COL_MESSAGE, Buffer.from('ok'), 0, 2);
  b.commitRow();
  b.setStr(COL_MESSAGE, bad, 0, bad.length);
  b.commitRow();
  b.commitRow();
  b.seal();
  const f = path.join(dir, 'bad.parquet');
  fs.writeFileSync(f, encodeStagedParquet(b));
  const got = await query(':memory:', "SELECT message FROM read_parquet('" + f + "')");
  assert.deepEqual(got.map((r) => r.message), ['ok', 'GET \ufffd\ufffd/', null]);
});

test('invalid UTF-8 in a value kept in the sparse JSON column is replaced in that row only', async () => {
  const dicts = new LogDicts();
  const b = new LogBatch(HTTP_LOG_TABLE, 4, dicts);
  const cookies = [Buffer.from('a=1'), null, Buffer.from([0x62, 0x3d, 0xff, 0x32]), Buffer.from('c=3')];
  for (const c of cookies) {
    if (c !== null) b.setStr(COL_REQ_COOKIE, c, 0, c.length);
    b.commitRow();
  }
  b.seal();
  const f = path.join(dir, 'bad-sparse.parquet');
  fs.writeFileSync(f, encodeStagedParquet(b));
  const got = await query(':memory:', "SELECT sparse FROM read_parquet('" + f + "')");
  assert.deepEqual(got.map((r) => r.sparse), ['{"req_cookie":"a=1"}', null, '{"req_cookie":"b=\ufffd2"}', '{"req_cookie":"c=3"}']);
});

test('the DuckDB sink gives the same view rows in bulk mode (one INSERT) and per batch', async () => {
  const results: string[][] = [];
  for (const bulk of [false, true]) {
    const db = path.join(dir, 'sink-' + bulk + '.duckdb');
    const dicts = new LogDicts();
    const sink = await DuckDbSink.open(db, dicts);
    if (bulk) await sink.bulk(true);
    const batches = [edgeBatch(HTTP_LOG_TABLE, 200, dicts), edgeBatch(HTTP_LOG_TABLE, 150, dicts)];
    for (const b of batches) await sink.write(b);
    await sink.close();
    // The view's joins do not keep the insertion order: compare the rows as sorted JSON lines.
    const got = (await query(db, selectSql(HTTP_LOG_TABLE, 'http_log'))).map((r) => JSON.stringify(r)).sort();
    const want = batches.flatMap((b) => Array.from({ length: b.rows }, (_, r) => JSON.stringify(expected(b, r)))).sort();
    assert.equal(got.length, 350);
    assert.deepEqual(got, want, 'bulk=' + bulk);
    results.push(got);
  }
  assert.deepEqual(results[0], results[1]);
});

const CLIENTS = [
  '10.0.0.1', '0.0.0.0', '255.255.255.255', '192.168.1.10', '1.2.3.4', '010.0.0.1', '1.02.3.4', '256.1.1.1', '1.2.3',
  '1.2.3.4.5', '1..2.3', '.1.2.3', '1.2.3.', '1.2.3.4 ', '1234.1.1.1', '::1', '::ffff:10.0.0.1', '2001:db8::7', 'unix',
  'abns@x', '-', '1.2.3.x',
];

test('canonicalIpv4 takes dotted quads that print back the same, nothing else', () => {
  const got = CLIENTS.map((c) => canonicalIpv4(Buffer.from(' ' + c + ' '), 1, 1 + Buffer.byteLength(c)));
  assert.deepEqual(got, [167772161, 0, 4294967295, 3232235786, 16909060, ...Array(CLIENTS.length - 5).fill(-1)]);
});

test('canonicalIpv4 reads only its range: digits or dots right after it change nothing', () => {
  const at = (s: string, len: number): number => canonicalIpv4(Buffer.from(s, 'latin1'), 0, len);
  assert.equal(at('1.2.3.4.5', 7), 16909060);
  assert.equal(at('1.2.3.45', 7), 16909060);
  assert.equal(at('1.2.3.', 6), -1);
  assert.equal(at('1.2.3..4', 6), -1);
  assert.equal(at('10.20.30.4', 9), -1);   // '10.20.30.' ends on a dot
  assert.equal(at('255.255.255.2555', 15), 4294967295);
  assert.equal(at('255.255.255.256', 15), -1);
  assert.equal(at('1.02.3.4', 8), -1);
  assert.equal(at('0.0.0.0', 7), 0);
});

test('client_ip: dotted IPv4 stored as client_ip4 numbers, other addresses as text, the view gives back every value', async () => {
  const db = path.join(dir, 'ip.duckdb');
  const dicts = new LogDicts();
  const sink = await DuckDbSink.open(db, dicts);
  const b = new LogBatch(HTTP_LOG_TABLE, CLIENTS.length + 2, dicts);
  for (let r = 0; r < CLIENTS.length + 2; r++) {
    b.i32[COL_CLIENT_PORT][r] = r;
    if (r < CLIENTS.length) b.setStr(COL_CLIENT_IP, Buffer.from(CLIENTS[r]), 0, Buffer.byteLength(CLIENTS[r]));   // the last two: NULL
    b.commitRow();
  }
  b.seal();
  await sink.write(b);
  await sink.close();
  const got = await query(db, 'SELECT client_ip FROM http_log ORDER BY client_port');
  assert.deepEqual(got.map((r) => r.client_ip), [...CLIENTS, null, null]);
  const base = await query(db, "SELECT json_extract_string(sparse, '$.client_ip') AS client_ip, client_ip4::BIGINT AS n FROM http_log_rows ORDER BY client_port LIMIT 6");
  assert.deepEqual(base, [
    { client_ip: null, n: '167772161' }, { client_ip: null, n: '0' }, { client_ip: null, n: '4294967295' },
    { client_ip: null, n: '3232235786' }, { client_ip: null, n: '16909060' }, { client_ip: '010.0.0.1', n: null },
  ]);
});

test('a database of an older layout (no ctx, client_ip4 or header ids) is converted on open; old and new rows read back', async () => {
  const db = path.join(dir, 'old-layout.duckdb');
  // The oldest layout: base tables with the tables' columns only (dictionary columns as ids), client_ip and headers
  // as text in every row.
  const inst = await DuckDBInstance.create(db);
  const c = await inst.connect();
  await c.run('CREATE TABLE log_dict (col INTEGER, id INTEGER, value VARCHAR)');
  for (const t of [HTTP_LOG_TABLE, TCP_LOG_TABLE, RAW_LOG_TABLE]) {
    await c.run('CREATE TABLE ' + t.name + '_rows (' + t.columns.map((id) =>
      '"' + LOG_COLUMNS[id].name + '" ' + (LOG_COLUMNS[id].kind === CK_DICT ? 'INTEGER' : LOG_COLUMNS[id].sql)).join(', ') + ')');
  }
  await c.run("INSERT INTO log_dict VALUES (3, 1, 'fe'), (5, 1, 'be'), (5, 2, 'be2'), (6, 1, 's1')");
  await c.run('INSERT INTO http_log_rows (client_ip, client_port, frontend, backend, server, pid, ta_plus, req_headers) VALUES ' +
    "('10.1.1.1', 1, 1, 1, 1, 4174, true, 'h|a'), ('::1', 2, 1, 2, NULL, NULL, false, NULL)");
  await c.run("INSERT INTO tcp_log_rows (client_port, frontend, redispatched) VALUES (9, 1, true)");
  c.closeSync();
  inst.closeSync();
  const dicts = new LogDicts();
  const sink = await DuckDbSink.open(db, dicts);
  const b = new LogBatch(HTTP_LOG_TABLE, 1, dicts);
  b.i32[COL_CLIENT_PORT][0] = 3;
  b.setStr(COL_CLIENT_IP, Buffer.from('10.2.2.2'), 0, 8);
  b.setStr(COL_REQ_HEADERS, Buffer.from('h|b'), 0, 3);
  for (const [id, v] of [[COL_FRONTEND, 'fe'], [COL_BACKEND, 'be'], [COL_SERVER, 's1']] as const) b.setDict(id, Buffer.from(v), 0, v.length);
  b.i32[COL_PID][0] = 4174;
  b.i32[COL_TA_PLUS][0] = 1;
  b.commitRow();
  b.seal();
  await sink.write(b);
  await sink.close();
  assert.deepEqual(await query(db, 'SELECT client_ip, client_port AS p, frontend AS f, backend AS b, server AS s, pid, ta_plus AS t, req_headers AS h FROM http_log'), [
    { client_ip: '10.1.1.1', p: 1, f: 'fe', b: 'be', s: 's1', pid: 4174, t: true, h: 'h|a' },
    { client_ip: '::1', p: 2, f: 'fe', b: 'be2', s: null, pid: null, t: false, h: null },
    { client_ip: '10.2.2.2', p: 3, f: 'fe', b: 'be', s: 's1', pid: 4174, t: true, h: 'h|b' },
  ]);
  // The new row's values were found as the converted first row's ctx.
  assert.deepEqual(await query(db, 'SELECT count(DISTINCT ctx)::INTEGER AS n FROM http_log_rows'), [{ n: 2 }]);
  assert.deepEqual(await query(db, 'SELECT client_port AS p, frontend AS f, redispatched AS r, backend AS b FROM tcp_log'), [{ p: 9, f: 'fe', r: true, b: null }]);
});

test('conns and queues: members in their bit fields, a group with one out of range or negative keeps its members in sparse; the previous layout converts', async () => {
  const db = path.join(dir, 'conns.duckdb');
  // The previous layout: the seven members as INTEGER columns next to ctx, sparse, client_ip4 and the header ids.
  const inst = await DuckDBInstance.create(db);
  const c = await inst.connect();
  await c.run('CREATE TABLE log_dict (col INTEGER, id INTEGER, value VARCHAR)');
  for (const t of [HTTP_LOG_TABLE, TCP_LOG_TABLE, RAW_LOG_TABLE]) {
    const cols = baseColumns(t).filter((id) => !PACKED.some((g) => g.id === id));
    const old = [...t.columns.filter((id) => !CTX_COLUMNS.includes(id) && !SPARSE_COLUMNS.includes(id)), ...cols.filter((id) => !t.columns.includes(id))];
    await c.run('CREATE TABLE ' + t.name + '_rows (' + old.map((id) => '"' + LOG_COLUMNS[id].name + '" ' +
      (LOG_COLUMNS[id].kind === CK_DICT ? 'INTEGER' : id === COL_CLIENT_IP4 ? 'UINTEGER' : LOG_COLUMNS[id].sql)).join(', ') + ')');
  }
  await c.run('INSERT INTO http_log_rows (client_port, actconn, feconn, beconn, srv_conn, retries, srv_queue, backend_queue, sparse) VALUES ' +
    "(1, 5, 4, 65535, 32767, 127, 0, 4095, NULL), (2, 70000, 1, 1, 1, 0, NULL, 0, '{\"req_cookie\":\"c=1\"}'), (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)");
  await c.run('INSERT INTO tcp_log_rows (client_port, actconn, feconn, beconn, srv_conn, retries, srv_queue, backend_queue) VALUES (9, 1, 2, 3, 4, -1, 0, 0)');
  c.closeSync();
  inst.closeSync();
  const dicts = new LogDicts();
  const sink = await DuckDbSink.open(db, dicts);
  const b = new LogBatch(HTTP_LOG_TABLE, 3, dicts);
  const rows = [[65535, 65535, 65535, 32767, 127, 4095, 4095], [65536, 0, 0, 0, 0, 0, 0], [1, 2, 3, 4, 5, 4096, NULL_I32]];
  for (let r = 0; r < 3; r++) {
    b.i32[COL_CLIENT_PORT][r] = 4 + r;
    PACKED_MEMBERS.forEach((m, k) => { b.i32[m.id][r] = rows[r][k]; });
    b.commitRow();
  }
  b.seal();
  await sink.write(b);
  await sink.close();
  const names = PACKED_MEMBERS.map((m) => LOG_COLUMNS[m.id].name);
  const got = await query(db, 'SELECT client_port AS p, ' + names.join(', ') + ', req_cookie FROM http_log ORDER BY client_port');
  const row = (p: number, v: (number | null)[], cookie: string | null = null): Record<string, unknown> =>
    ({ p, ...Object.fromEntries(names.map((n, k) => [n, v[k]])), req_cookie: cookie });
  assert.deepEqual(got, [
    row(1, [5, 4, 65535, 32767, 127, 0, 4095]), row(2, [70000, 1, 1, 1, 0, null, 0], 'c=1'), row(3, [null, null, null, null, null, null, null]),
    row(4, [65535, 65535, 65535, 32767, 127, 4095, 4095]), row(5, [65536, 0, 0, 0, 0, 0, 0]), row(6, [1, 2, 3, 4, 5, 4096, null]),
  ]);
  // A group whose members all fit has its value and nothing in sparse; the other is NULL, its members in sparse.
  assert.deepEqual((await query(db, 'SELECT conns IS NULL AS c, queues IS NULL AS q, sparse FROM http_log_rows ORDER BY client_port')).map((r) => [r.c, r.q, r.sparse]), [
    [false, false, null], [true, true, '{"req_cookie":"c=1","actconn":70000,"feconn":1,"beconn":1,"srv_conn":1,"retries":0,"backend_queue":0}'],
    [true, true, null], [false, false, null], [true, false, '{"actconn":65536,"feconn":0,"beconn":0,"srv_conn":0}'],
    [false, true, '{"retries":5,"srv_queue":4096}'],
  ]);
  assert.deepEqual(await query(db, 'SELECT actconn, feconn, beconn, srv_conn, retries, srv_queue FROM tcp_log'),
    [{ actconn: 1, feconn: 2, beconn: 3, srv_conn: 4, retries: -1, srv_queue: 0 }]);
  assert.deepEqual(await query(db, "SELECT column_name AS c FROM duckdb_columns() WHERE table_name = 'http_log_rows' AND column_name IN ('actconn', 'conns', 'queues', 'retries') ORDER BY 1"), [{ c: 'conns' }, { c: 'queues' }]);
});

test('bulk mode holds rows until they make whole row groups or bulk(false), then commits them all', async () => {
  const db = path.join(dir, 'bulk.duckdb');
  const dicts = new LogDicts();
  const sink = await DuckDbSink.open(db, dicts);
  const count = async (): Promise<number> =>
    Number((await sink.connection.runAndReadAll('SELECT count(*)::INTEGER FROM http_log_rows')).getRows()[0][0]);
  await sink.bulk(true);
  for (let i = 0; i < 3; i++) await sink.write(edgeBatch(HTTP_LOG_TABLE, 1000, dicts));
  assert.equal(await count(), 1000);   // the session's first batch goes in at once, the others wait
  await sink.bulk(false);
  assert.equal(await count(), 3000);
  await sink.write(edgeBatch(HTTP_LOG_TABLE, 10, dicts));   // per batch again
  assert.equal(await count(), 3010);
  await sink.bulk(true);
  await sink.write(edgeBatch(HTTP_LOG_TABLE, 3, dicts));   // a new session's first batch: at once
  const half = edgeBatch(HTTP_LOG_TABLE, ROW_GROUP_ROWS / 2, dicts);
  await sink.write(half);
  assert.equal(await count(), 3013);   // half a row group: held
  await sink.write(half);              // a whole row group staged: inserted while the caller goes on
  await sink.write(edgeBatch(HTTP_LOG_TABLE, 7, dicts));
  assert.equal(await count(), 3013 + ROW_GROUP_ROWS);   // waits for the INSERT in flight on the same connection
  await sink.close();
  assert.deepEqual(await query(db, 'SELECT count(*)::INTEGER AS n FROM http_log'), [{ n: 3020 + ROW_GROUP_ROWS }]);
  assert.equal(BULK_MIN_ROWS, ROW_GROUP_ROWS);
});

test('a stage directory left by a dead process is removed when the next one is made, a live one is kept', () => {
  const dead = path.join(stageRoot(), 'sluice-stage-4194305-test');   // above Linux's pid_max: never a live pid
  const deadTmp = path.join(os.tmpdir(), 'sluice-stage-4194304-test');   // staged in the temp dir by an older run
  const live = path.join(stageRoot(), 'sluice-stage-' + process.pid + '-test');
  fs.mkdirSync(dead, { recursive: true });
  fs.writeFileSync(path.join(dead, 'http_log-0.parquet'), 'x');
  fs.mkdirSync(deadTmp, { recursive: true });
  fs.mkdirSync(live, { recursive: true });
  const d = makeStageDir();
  try {
    assert.equal(fs.existsSync(dead), false);
    assert.equal(fs.existsSync(deadTmp), false);
    assert.equal(fs.existsSync(live), true);
    assert.match(path.basename(d), new RegExp('^sluice-stage-' + process.pid + '-'));
  } finally {
    fs.rmSync(live, { recursive: true, force: true });
    fs.rmSync(d, { recursive: true, force: true });
  }
});

test('captured headers: ids while the dictionary has room, text after; the view gives back every value', async () => {
  const db = path.join(dir, 'headers.duckdb');
  const dicts = new LogDicts();
  const sink = await DuckDbSink.open(db, dicts);
  const n = HEADERS_DICT_MAX + 300;
  const b = new LogBatch(HTTP_LOG_TABLE, n + 2, dicts);
  const want: (string | null)[] = [];
  for (let r = 0; r < n + 2; r++) {
    b.i32[COL_CLIENT_PORT][r] = r;
    // Distinct values until past the cap, then a repeat (has an id), an empty value and a NULL.
    const v = r < n ? 'host' + r + '|agent ' + (r % 7) : r === n ? 'host5|agent 5' : null;
    if (v !== null) b.setStr(COL_REQ_HEADERS, Buffer.from(v), 0, v.length);
    b.setStr(COL_RES_HEADERS, Buffer.from(r % 2 ? '' : 'text/html'), 0, r % 2 ? 0 : 9);
    want.push(v);
    b.commitRow();
  }
  b.seal();
  await sink.write(b);
  await sink.close();
  const got = await query(db, 'SELECT req_headers, res_headers FROM http_log ORDER BY client_port');
  assert.deepEqual(got.map((r) => r.req_headers), want);
  assert.deepEqual(got.map((r) => r.res_headers), want.map((_, r) => (r % 2 ? '' : 'text/html')));
  const base = await query(db, "SELECT count(req_headers_id)::INTEGER AS ids, count(json_extract_string(sparse, '$.req_headers'))::INTEGER AS texts, " +
    "count(res_headers_id)::INTEGER AS rids, count(json_extract_string(sparse, '$.res_headers'))::INTEGER AS rtexts FROM http_log_rows");
  assert.deepEqual(base, [{ ids: HEADERS_DICT_MAX + 1, texts: 300, rids: n + 2, rtexts: 0 }]);
  assert.deepEqual(await query(db, 'SELECT count(*)::INTEGER AS n FROM log_dict WHERE col = ' + COL_REQ_HEADERS_ID), [{ n: HEADERS_DICT_MAX }]);
});

test('ctx ids: thousands of distinct tuples over two batches (cache and per-batch table growth) each decode to their row', async () => {
  const dicts = new LogDicts();
  const b = new LogBatch(HTTP_LOG_TABLE, 3000, dicts);
  for (const round of [0, 1]) {
    b.reset();
    for (let r = 0; r < 3000; r++) {
      const srv = 's' + ((r + round * 700) % 1500);
      b.setDict(COL_SERVER, Buffer.from(srv), 0, srv.length);
      b.setDict(COL_BACKEND, Buffer.from('be'), 0, 2);
      if (r % 5 !== 0) b.i32[COL_PID][r] = r % 3;
      b.i32[COL_CLIENT_PORT][r] = r;
      b.commitRow();
    }
    b.seal();
    const f = path.join(dir, 'ctx' + round + '.parquet');
    fs.writeFileSync(f, encodeStagedParquet(b));
    const got = await query(':memory:', "SELECT client_port AS p, ctx FROM read_parquet('" + f + "')");
    const pidAt = CTX_COLUMNS.indexOf(COL_PID);
    const srvAt = CTX_COLUMNS.indexOf(COL_SERVER);
    for (const { p, ctx } of got as { p: number; ctx: number }[]) {
      const parts = dicts.byColumn[COL_CTX]!.values[ctx].split(',');
      assert.equal(dicts.byColumn[COL_SERVER]!.values[Number(parts[srvAt])], 's' + ((p + round * 700) % 1500), 'row ' + p);
      assert.equal(parts[pidAt], p % 5 !== 0 ? String(p % 3) : '', 'row ' + p);
    }
  }
  const tuples = new Set<string>();
  for (const round of [0, 1]) for (let r = 0; r < 3000; r++) tuples.add(((r + round * 700) % 1500) + '|' + (r % 5 !== 0 ? r % 3 : ''));
  assert.equal(dicts.byColumn[COL_CTX]!.size, tuples.size, 'one ctx value per distinct tuple');
});

test('captured headers repeated on consecutive rows, around NULLs and empty values, keep their ids and read back', async () => {
  const db = path.join(dir, 'headers-runs.duckdb');
  const dicts = new LogDicts();
  const sink = await DuckDbSink.open(db, dicts);
  const vals = ['a', 'a', '', '', null, 'b', 'b', null, 'a', 'ab', 'ab', 'b'];
  const b = new LogBatch(HTTP_LOG_TABLE, vals.length, dicts);
  vals.forEach((v, r) => {
    b.i32[COL_CLIENT_PORT][r] = r;
    if (v !== null) b.setStr(COL_REQ_HEADERS, Buffer.from(v), 0, v.length);
    b.commitRow();
  });
  b.seal();
  await sink.write(b);
  await sink.close();
  assert.deepEqual((await query(db, 'SELECT req_headers FROM http_log ORDER BY client_port')).map((r) => r.req_headers), vals);
  assert.deepEqual((await query(db, 'SELECT req_headers_id AS i FROM http_log_rows ORDER BY client_port')).map((r) => r.i),
    [1, 1, 2, 2, null, 3, 3, null, 1, 4, 4, 3]);
});

test('string columns whose values point into one shared arena (not packed) encode to the same bytes as packed ones', () => {
  for (const table of [HTTP_LOG_TABLE, TCP_LOG_TABLE, RAW_LOG_TABLE]) {
    const dicts = new LogDicts();
    const b = edgeBatch(table, 700, dicts);
    b.seal();
    const want = Buffer.from(encodeStagedParquet(b));
    // Every string column's values copied into one arena, in reverse row order with a gap byte before each, the way
    // a parser pointing into the raw line leaves them (several columns, one buffer, not in row order).
    const arena = Buffer.alloc(1 << 22, 0x7e);
    let o = 0;
    for (const id of table.columns) {
      const s = b.str[id];
      if (s === null) continue;
      const starts = new Int32Array(s.end.length);
      const end = new Int32Array(s.end.length);
      for (let r = b.rows - 1; r >= 0; r--) {
        if (s.valid[r] === 0) continue;
        o++;
        starts[r] = o;
        o += s.data.copy(arena, o, s.start(r), s.end[r]);
        end[r] = o;
      }
      s.data = arena;
      s.starts = starts;
      s.end = end;
      (s as { packed: boolean }).packed = false;
    }
    assert.ok(o > 1000);
    assert.deepEqual(Buffer.from(encodeStagedParquet(b)), want, table.name);
  }
});
