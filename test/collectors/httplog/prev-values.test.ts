import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LogBatch, LogDicts, batchRow } from '../../../collectors/arrow/batcher.ts';
import { HTTP_LOG_TABLE, TCP_LOG_TABLE } from '../../../collectors/arrow/schema.ts';
import { COL_BACKEND, COL_FRONTEND, COL_SERVER } from '../../../collectors/arrow/types.ts';
import { parseHttpLog } from '../../../collectors/httplog/httplog.ts';
import { parseTcpLog } from '../../../collectors/httplog/tcplog.ts';
import { PrevValues } from '../../../collectors/httplog/prev-values.ts';
import { PARSE_OK, PARSE_ERR_SYNTAX, PARSE_ERR_TRUNCATED } from '../../../collectors/httplog/types.ts';
import type { LogLineParser } from '../../../collectors/httplog/types.ts';

const http = (fe: string, bs: string, term: string, req: string): string =>
  '10.0.0.1:1 [23/Nov/2026:20:18:20.771] ' + fe + ' ' + bs + ' 0/0/0/1/1 200 5 - - ' + term + ' 1/1/0/0/0 0/0 "' + req + '"';
const tcp = (fe: string, bs: string, term: string): string =>
  '10.0.0.1:1 [23/Nov/2026:20:18:20.771] ' + fe + ' ' + bs + ' 1/0/3 8 ' + term + ' 1/1/0/0/0 0/0';

/** Parses each line into `b` (PARSE_OK expected unless `codes` says otherwise) and returns the committed rows. */
function rows(parse: LogLineParser, b: LogBatch, lines: string[], codes: number[] = []): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  lines.forEach((l, i) => {
    const x = Buffer.from('##' + l + '##', 'latin1');   // the message is not at offset 0 and not at the buffer's end
    const r = parse(x, 2, x.length - 2, b);
    assert.equal(r, codes[i] ?? PARSE_OK, l);
    if (r === PARSE_OK) b.commitRow(); else b.rollbackRow();
  });
  b.seal();
  for (let r = 0; r < b.rows; r++) out.push(batchRow(b, r));
  return out;
}

test('repeated and changing dictionary values of consecutive lines: each row gets its own values', () => {
  const lines = [
    http('fe', 'be/s1', '----', 'GET /a HTTP/1.1'), http('fe', 'be/s1', '----', 'GET /b HTTP/1.1'),
    http('fe', 'be/s2', 'CD--', 'POST /c HTTP/1.0'), http('fe~', 'be/s2', 'CD--', 'POST /d HTTP/1.0'),
    http('fe', 'be2/s2', '----', 'GET'), http('fe', 'be2/s2', '----', 'GET /e HTTP/1.1'),
    http('fe', 'b/e/s/x', '----', 'GETX /f HTTP/1.1'), http('fe', 'b/e/s/x', '----', 'GET /g'),
    http('a~~', 'be/', '-', 'GET /h HTTP/1.1'), http('a~', 'be/', '-', 'GET /i HTTP/1.1'),
    http('a', '/s', '', 'GET /j HTTP/1.1'), http('a~', '/s', '', 'GET /k HTTP/1.1'), http('~', 'be/s1', '----', 'GET /l HTTP/1.1'),
  ];
  const got = rows(parseHttpLog, new LogBatch(HTTP_LOG_TABLE, 32, new LogDicts()), lines)
    .map((r) => [r.frontend, r.transport, r.backend, r.server, r.term_state, r.method, r.uri, r.http_version].join(','));
  assert.deepEqual(got, [
    'fe,,be,s1,----,GET,/a,HTTP/1.1', 'fe,,be,s1,----,GET,/b,HTTP/1.1', 'fe,,be,s2,CD--,POST,/c,HTTP/1.0',
    'fe,~,be,s2,CD--,POST,/d,HTTP/1.0', 'fe,,be2,s2,----,,GET,', 'fe,,be2,s2,----,GET,/e,HTTP/1.1',
    'fe,,b,e/s/x,----,GETX,/f,HTTP/1.1', 'fe,,b,e/s/x,----,GET,/g,', 'a~,~,be,,-,GET,/h,HTTP/1.1',
    'a,~,be,,-,GET,/i,HTTP/1.1', 'a,,,s,,GET,/j,HTTP/1.1', 'a,~,,s,,GET,/k,HTTP/1.1', '~,,be,s1,----,GET,/l,HTTP/1.1',
  ]);
});

test('a cached value is never taken for a longer field or a field that ends elsewhere', () => {
  const lines = [
    http('fe', 'be/s1', '----', 'GET /a HTTP/1.1'), http('fe2', 'be/s10', '-----', 'GETS /b HTTP/1.1'),
    http('fe', 'bex/s1', '----', 'GE /c HTTP/1.1'), http('fe', 'be/s1', '----', 'GET /d HTTP/1.1'),
  ];
  const got = rows(parseHttpLog, new LogBatch(HTTP_LOG_TABLE, 8, new LogDicts()), lines)
    .map((r) => [r.frontend, r.backend, r.server, r.term_state, r.method].join(','));
  assert.deepEqual(got, ['fe,be,s1,----,GET', 'fe2,be,s10,-----,GETS', 'fe,bex,s1,----,GE', 'fe,be,s1,----,GET']);
});

test('errors after a cached field keep their codes: no space after the backend, no slash, truncated term state', () => {
  const b = new LogBatch(HTTP_LOG_TABLE, 8, new LogDicts());
  const ok = http('fe', 'be/s1', '----', 'GET / HTTP/1.1');
  const pre = '10.0.0.1:1 [23/Nov/2026:20:18:20.771] ';
  rows(parseHttpLog, b, [ok, pre + 'fe be/s1', pre + 'fe be', pre + 'fe bes1 0/0/0/1/1', pre + 'fe be/s1 0/0/0/1/1 200 5 - - ----', ok],
    [PARSE_OK, PARSE_ERR_TRUNCATED, PARSE_ERR_TRUNCATED, PARSE_ERR_SYNTAX, PARSE_ERR_TRUNCATED, PARSE_OK]);
  assert.equal(b.rows, 2);
});

test('ids cached for one collector are not used for another one\'s batches, nor across tables', () => {
  const d1 = new LogDicts();
  const d2 = new LogDicts();
  d2.byColumn[COL_FRONTEND]!.internString('other');   // the same value gets another id in d2
  const b1 = new LogBatch(HTTP_LOG_TABLE, 4, d1);
  const b2 = new LogBatch(HTTP_LOG_TABLE, 4, d2);
  const t1 = new LogBatch(TCP_LOG_TABLE, 4, d1);
  const l = http('fe', 'be/s', '----', 'GET / HTTP/1.1');
  for (const b of [b1, b2, b1, b2]) rows(parseHttpLog, b, [l]);
  rows(parseTcpLog, t1, [tcp('fe', 'be/s', '--'), tcp('fe', 'be/s', 'CD')]);
  for (const b of [b1, b2]) for (let r = 0; r < b.rows; r++) assert.equal(batchRow(b, r).frontend, 'fe');
  assert.deepEqual([b1.i32[COL_FRONTEND][0], b2.i32[COL_FRONTEND][0]], [1, 2]);
  assert.deepEqual([0, 1].map((r) => batchRow(t1, r).term_state), ['--', 'CD']);
});

test('PrevValues: hit only on the same bytes followed by the stop byte; long values are not cached', () => {
  const pv = new PrevValues();
  const b = new LogBatch(HTTP_LOG_TABLE, 4, new LogDicts());
  const x = Buffer.from('be_app/s1 be_app/ be_ap/ ' + 'x'.repeat(60) + ' ' + 'x'.repeat(60) + ' ');
  pv.bind(b);
  assert.equal(pv.hit(COL_BACKEND, b.i32[COL_BACKEND], 0, x, 0, x.length, 47), -1);   // nothing cached yet
  pv.set(b, COL_BACKEND, b.i32[COL_BACKEND], 0, x, 0, 6);
  const id = b.i32[COL_BACKEND][0];
  b.i32[COL_BACKEND][0] = 0;
  assert.equal(pv.hit(COL_BACKEND, b.i32[COL_BACKEND], 0, x, 10, x.length, 47), 16);
  assert.equal(b.i32[COL_BACKEND][0], id);
  assert.equal(pv.hit(COL_BACKEND, b.i32[COL_BACKEND], 0, x, 10, x.length, 32), -1);   // other stop byte
  assert.equal(pv.hit(COL_BACKEND, b.i32[COL_BACKEND], 0, x, 18, x.length, 47), -1);   // shorter
  assert.equal(pv.hit(COL_BACKEND, b.i32[COL_BACKEND], 0, x, 10, 16, 47), -1);          // the stop byte is past `end`
  assert.equal(pv.hit(COL_SERVER, b.i32[COL_SERVER], 0, x, 7, x.length, 32), -1);      // per column
  pv.set(b, COL_SERVER, b.i32[COL_SERVER], 0, x, 25, 85);
  assert.equal(pv.hit(COL_SERVER, b.i32[COL_SERVER], 0, x, 86, x.length, 32), -1);     // 60 bytes: not cached
  pv.set(b, COL_SERVER, b.i32[COL_SERVER], 0, x, 86, 146);
  assert.equal(b.i32[COL_SERVER][0], b.dicts.byColumn[COL_SERVER]!.internString('x'.repeat(60)));
});

test('PrevValues: more servers than kept values rotate through the ways and every row gets its own server, also after a rebind', () => {
  const names = Array.from({ length: 12 }, (_, i) => 's' + i);
  const lines: string[] = [];
  for (let k = 0; k < 40; k++) lines.push(http('fe', 'be/' + names[(k * 5) % 12], '----', 'GET / HTTP/1.1'));
  for (const dicts of [new LogDicts(), new LogDicts()]) {
    const got = rows(parseHttpLog, new LogBatch(HTTP_LOG_TABLE, 64, dicts), lines);
    assert.deepEqual(got.map((r) => r.server), lines.map((_, k) => names[(k * 5) % 12]));
  }
});

test('kept `frontend backend/server ` routes: TLS transport kept with the route, more routes than ways, long routes, near misses', () => {
  const long = 'f'.repeat(40);
  const lines: string[] = [];
  const want: string[] = [];
  for (let k = 0; k < 3; k++) {
    for (let i = 0; i < 30; i++) {   // 5 routes in turn (kept), then 20 (more than the 16 ways)
      const s = i < 10 ? i % 5 : i - 10;
      const fe = s % 5 === 0 ? 'fe~' : 'fe';
      lines.push(http(fe, 'be/s' + s, '----', 'GET /' + s + ' HTTP/1.1'));
      want.push(['fe', s % 5 === 0 ? '~' : '', 'be', 's' + s].join(','));
    }
    lines.push(http(long, 'be_' + long + '/srv', '----', 'GET / HTTP/1.1'), http(long, 'be_' + long + '/srv', '----', 'GET / HTTP/1.1'));
    want.push([long, '', 'be_' + long, 'srv'].join(','), [long, '', 'be_' + long, 'srv'].join(','));
    // the same bytes up to a kept route's end, then more of the server name, or another frontend with its prefix
    lines.push(http('fe', 'be/s10x', '----', 'GET / HTTP/1.1'), http('fe~', 'be/s1', '----', 'GET / HTTP/1.1'), http('fe', 'be/s1', '----', 'GET / HTTP/1.1'));
    want.push('fe,,be,s10x', 'fe,~,be,s1', 'fe,,be,s1');
  }
  const got = rows(parseHttpLog, new LogBatch(HTTP_LOG_TABLE, 256, new LogDicts()), lines)
    .map((r) => [r.frontend, r.transport, r.backend, r.server].join(','));
  assert.deepEqual(got, want);
});

test('the last hit of a column is tried first: values of 1 to 8 bytes that share their first or last 4 bytes stay apart', () => {
  const reqs = ['GET /a HTTP/1.1', 'GET /b HTTP/1.0', 'GE /c HTTP/1.0', 'G /d HTTP/1.0', 'GET /e HTTP/1.0', 'GETX /f HTTP/1.1',
    'GETX /g HTTP/1.1', 'GETXY /h HTTP/1.1', 'GETZY /i HTTP/1.1', 'GETXY /j HTTP/1.1', 'GET /k HTTP/2.10', 'GET /l HTTP/1.10', 'GET /m HTTP/2.10'];
  const terms = ['----', 'CD--', 'CD-x', '-', 'CD', 'CD---', 'CDZ--', 'CD---', '--------', '-------', '--------', '---x----', '--------'];
  const lines = reqs.map((q, i) => http('fe', 'be/s', terms[i], q));
  const got = rows(parseHttpLog, new LogBatch(HTTP_LOG_TABLE, 32, new LogDicts()), lines)
    .map((r) => [r.term_state, r.method, r.uri, r.http_version].join(','));
  assert.deepEqual(got, reqs.map((q, i) => { const [m, u, v] = q.split(' '); return [terms[i], m, u, v].join(','); }));
});
