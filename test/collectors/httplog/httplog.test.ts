import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { newSyslogFrame, parseSyslogFrame } from '../../../collectors/syslog/frame.ts';
import { parseHttpLog } from '../../../collectors/httplog/httplog.ts';
import { parseTcpLog } from '../../../collectors/httplog/tcplog.ts';
import { LogBatch, LogDicts, batchRow } from '../../../collectors/arrow/batcher.ts';
import { HTTP_LOG_TABLE, TCP_LOG_TABLE } from '../../../collectors/arrow/schema.ts';
import {
  PARSE_OK, PARSE_ERR_DATE, PARSE_ERR_NOT_HTTP, PARSE_ERR_NUMBER, PARSE_ERR_SYNTAX, PARSE_ERR_TRUNCATED,
} from '../../../collectors/httplog/types.ts';
import { lf, nums, readInts } from '../../../collectors/httplog/fields.ts';
import type { LogLineParser } from '../../../collectors/httplog/types.ts';
import type { TableSpec } from '../../../collectors/arrow/types.ts';

const FIX = new URL('../../../fixtures/collectors/haproxy-2.6/', import.meta.url);
const FORMATS = ['local', 'rfc3164', 'rfc5424', 'raw', 'short', 'iso', 'timed', 'priority'];

function parseFile(name: string, table: TableSpec, parse: LogLineParser): { rows: Record<string, unknown>[]; bad: number[] } {
  const buf = fs.readFileSync(new URL(name, FIX));
  const b = new LogBatch(table, 64, new LogDicts());
  const f = newSyslogFrame();
  const bad: number[] = [];
  for (let s = 0; s < buf.length;) {
    const e = buf.indexOf(10, s);
    parseSyslogFrame(buf, s, e + 1, 2026, f);
    const r = parse(buf, f.msgStart, f.msgEnd, b);
    if (r === PARSE_OK) b.commitRow(); else { bad.push(r); b.rollbackRow(); }
    s = e + 1;
  }
  b.seal();
  const rows = [];
  for (let r = 0; r < b.rows; r++) rows.push(batchRow(b, r));
  return { rows, bad };
}

test('httplog lines from HAProxy 2.6 parse to the right field values', () => {
  const { rows, bad } = parseFile('http.raw.log', HTTP_LOG_TABLE, parseHttpLog);
  assert.deepEqual(bad, []);
  assert.equal(rows.length, 12);
  assert.deepEqual(rows[0], {
    ts: '2026-11-23T20:18:12.197Z', client_ip: '127.0.0.1', client_port: 55134, frontend: 'fe_http', transport: null,
    backend: 'be_app', server: 's1', tr: 0, tw: 0, tc: 0, tr_srv: 4, ta: 4, ta_plus: false, status: 200,
    bytes_read: 160, req_cookie: null, res_cookie: null, term_state: '----', actconn: 1, feconn: 1, beconn: 0,
    srv_conn: 0, retries: 0, redispatched: false, srv_queue: 0, backend_queue: 0,
    req_headers: '127.0.0.1:41080|curl/7.88.1', res_headers: 'text/plain', method: 'GET', uri: '/',
    http_version: 'HTTP/1.1', log_ts: null, host: null, program: null, pid: null, facility: null, severity: null,
    extra: null,
  });
  const down = rows[6];
  assert.equal(down.backend, 'be_down');
  assert.equal(down.server, 'dead');
  assert.deepEqual([down.tr, down.tw, down.tc, down.tr_srv, down.ta], [0, 0, -1, -1, 2002]);
  assert.equal(down.status, 503);
  assert.equal(down.term_state, 'SC--');
  assert.equal(down.retries, 2);
  assert.equal(down.req_headers, '127.0.0.1:41080|curl/7.88.1');
  assert.equal(down.res_headers, '');
  const odd = rows[7];
  assert.equal(odd.req_headers, 'Example.COM|Mozilla/5.0 (X11; Linux) #22q#22');
  assert.equal(odd.uri, '/a%20b?q=1&y=%22z%22');
  assert.equal(rows[8].http_version, 'HTTP/1.0');
  assert.equal(rows[5].method, 'HEAD');
  assert.equal(rows[2].method, 'POST');
  assert.equal(rows[2].uri, '/status/201?x=1');
  assert.equal(rows[3].bytes_read, 10157);
  const badreq = rows[10];
  assert.equal(badreq.server, '<NOSRV>');
  assert.equal(badreq.status, 400);
  assert.equal(badreq.term_state, 'CR--');
  assert.equal(badreq.tr, -1);
  assert.equal(badreq.req_headers, null);
  assert.equal(badreq.method, null);
  assert.equal(badreq.uri, '<BADREQ>');
});

test('every syslog format of the httplog capture gives identical rows', () => {
  const ref = parseFile('http.raw.log', HTTP_LOG_TABLE, parseHttpLog).rows;
  for (const fmt of FORMATS) {
    const { rows, bad } = parseFile('http.' + fmt + '.log', HTTP_LOG_TABLE, parseHttpLog);
    assert.deepEqual(bad, [], fmt);
    assert.deepEqual(rows, ref, fmt);
  }
});

test('tcplog lines parse, including a client that closed before the server connected', () => {
  for (const fmt of FORMATS) {
    const { rows, bad } = parseFile('tcp.' + fmt + '.log', TCP_LOG_TABLE, parseTcpLog);
    assert.deepEqual(bad, [], fmt);
    assert.equal(rows.length, 4);
    assert.deepEqual(rows[0], {
      ts: '2026-11-23T20:18:20.771Z', client_ip: '127.0.0.1', client_port: 35296, frontend: 'fe_tcp', transport: null,
      backend: 'be_tcp', server: 'echo', tw: 1, tc: 0, tt: 3, ta_plus: false, bytes_read: 8, term_state: '--',
      actconn: 1, feconn: 1, beconn: 0, srv_conn: 0, retries: 0, redispatched: false, srv_queue: 0, backend_queue: 0,
      log_ts: null, host: null, program: null, pid: null, facility: null, severity: null, extra: null,
    });
    assert.deepEqual([rows[3].tw, rows[3].tc, rows[3].tt, rows[3].term_state], [1, -1, 0, 'CC']);
  }
});

test('logasap and redispatch prefixes, TLS frontends and IPv6 clients', () => {
  const b = new LogBatch(HTTP_LOG_TABLE, 4, new LogDicts());
  const line = Buffer.from('::ffff:10.0.0.1:443 [01/Jan/2025:00:00:00.001] fe~ be/s 1/2/3/4/+5 200 +99 a=1 b=2 --NI 9/8/7/6/+1 3/4 "GET /x HTTP/2.0"');
  assert.equal(parseHttpLog(line, 0, line.length, b), PARSE_OK);
  b.commitRow();
  b.seal();
  const r = batchRow(b, 0);
  assert.equal(r.client_ip, '::ffff:10.0.0.1');
  assert.equal(r.client_port, 443);
  assert.equal(r.frontend, 'fe');
  assert.equal(r.transport, '~');
  assert.equal(r.ta, 5);
  assert.equal(r.ta_plus, true);
  assert.equal(r.bytes_read, 99);
  assert.equal(r.req_cookie, 'a=1');
  assert.equal(r.res_cookie, 'b=2');
  assert.equal(r.retries, 1);
  assert.equal(r.redispatched, true);
  assert.equal(r.req_headers, null);
  assert.equal(r.http_version, 'HTTP/2.0');
});

test('accept dates of consecutive lines: same second, next second, other day, bad milliseconds, back again', () => {
  const b = new LogBatch(HTTP_LOG_TABLE, 8, new LogDicts());
  const dates = [
    '23/Nov/2026:20:18:20.771', '23/Nov/2026:20:18:20.005', '23/Nov/2026:20:18:21.000', '01/Mar/2024:00:00:00.999',
    '01/Mar/2024:00:00:00.9x9', '01/Mar/2024:00:00:00,123', '23/Nov/2026:20:18:20.771',
  ];
  const got: (number | string)[] = [];
  for (const d of dates) {
    const line = Buffer.from('10.0.0.1:1 [' + d + '] fe be/s 0/0/0/1/1 200 5 - - ---- 1/1/0/0/0 0/0 "GET / HTTP/1.1"');
    const r = parseHttpLog(line, 0, line.length, b);
    if (r !== PARSE_OK) { got.push(r === PARSE_ERR_DATE ? 'date' : r); b.rollbackRow(); continue; }
    b.commitRow();
    got.push(b.f64[0][b.rows - 1]);
  }
  assert.deepEqual(got, [
    Date.UTC(2026, 10, 23, 20, 18, 20, 771), Date.UTC(2026, 10, 23, 20, 18, 20, 5), Date.UTC(2026, 10, 23, 20, 18, 21),
    Date.UTC(2024, 2, 1, 0, 0, 0, 999), 'date', 'date', Date.UTC(2026, 10, 23, 20, 18, 20, 771),
  ]);
});

test('integer lists: values, signs, the + flag, and each error code', () => {
  const read = (s: string, n = 5, spaces = 0): number => { const x = Buffer.from(s); return readInts(x, 0, x.length, n, spaces); };
  assert.equal(read('1/-1/0/22/+333 rest'), PARSE_OK);
  assert.deepEqual([...nums.subarray(0, 5)], [1, -1, 0, 22, 333]);
  assert.equal(lf.plus, 1 << 4);
  assert.equal(lf.pos, 15);
  assert.equal(read('1/2/3/4/5'), PARSE_OK);            // the last value may end the input
  assert.equal(lf.plus, 0);
  assert.equal(lf.pos, 9);
  assert.equal(read('+1/2 ', 2), PARSE_OK);             // a mask of the values with a '+'
  assert.equal(lf.plus, 1);
  assert.equal(read('1/1/0/+2/+3 4/-5 x', 7, 1 << 4), PARSE_OK);   // counts and queues in one list
  assert.deepEqual([...nums.subarray(0, 7)], [1, 1, 0, 2, 3, 4, -5]);
  assert.equal(lf.plus, (1 << 3) | (1 << 4));
  assert.equal(lf.pos, 17);
  assert.equal(read('1/1/0/0/0/0/0 ', 7, 1 << 4), PARSE_ERR_SYNTAX);
  assert.equal(read('1/1/0/0/0 0 0 ', 7, 1 << 4), PARSE_ERR_SYNTAX);
  assert.equal(read('1/1/0/0/0', 7, 1 << 4), PARSE_ERR_TRUNCATED);
  assert.equal(read('1/1/0/0/0 ', 7, 1 << 4), PARSE_ERR_TRUNCATED);
  assert.equal(read('1/2/x/4/5 '), PARSE_ERR_NUMBER);
  assert.equal(read('1/2/3/4/2147483648 '), PARSE_ERR_NUMBER);
  assert.equal(read('1/2/3/4/-'), PARSE_ERR_TRUNCATED);
  assert.equal(read('1/2/3'), PARSE_ERR_TRUNCATED);
  assert.equal(read('1/2/'), PARSE_ERR_TRUNCATED);
  assert.equal(read('1/2/3/4/5/6 '), PARSE_ERR_SYNTAX);
  assert.equal(read('1/2 3/4/5 '), PARSE_ERR_SYNTAX);
});

test('a tcplog line given to the httplog parser is reported as not httplog', () => {
  const b = new LogBatch(HTTP_LOG_TABLE, 4, new LogDicts());
  const line = Buffer.from('127.0.0.1:35296 [23/Nov/2026:20:18:20.771] fe_tcp be_tcp/echo 1/0/3 8 -- 1/1/0/0/0 0/0');
  assert.equal(parseHttpLog(line, 0, line.length, b), PARSE_ERR_NOT_HTTP);
});

test('every truncation of every golden line is an error code or a row, never an exception or a stray write', () => {
  const buf = fs.readFileSync(new URL('http.raw.log', FIX));
  const b = new LogBatch(HTTP_LOG_TABLE, 4, new LogDicts());
  const t = new LogBatch(TCP_LOG_TABLE, 4, new LogDicts());
  let errors = 0;
  for (let s = 0; s < buf.length;) {
    const e = buf.indexOf(10, s);
    for (let cut = s; cut < e - 1; cut++) {
      const r = parseHttpLog(buf, s, cut, b);
      if (r !== PARSE_OK) { errors++; b.rollbackRow(); } else b.rollbackRow();
      const r2 = parseTcpLog(buf, s, cut, t);
      if (r2 !== PARSE_OK) t.rollbackRow(); else t.rollbackRow();
    }
    s = e + 1;
  }
  assert.ok(errors > 1000);
  b.seal();
  assert.equal(b.rows, 0);
  assert.equal(b.str[1]!.pos, 0);
  const short = Buffer.from('127.0.0.1:1 [23/Nov/2026:20:18:20.771]');
  assert.equal(parseHttpLog(short, 0, short.length, b), PARSE_ERR_TRUNCATED);
});
