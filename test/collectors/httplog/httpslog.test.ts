// httplog lines with text after the quoted request: `option httpslog` (real HAProxy 2.6.12 lines), custom formats
// adding fields after %{+Q}r, and the plain httplog shapes that must parse as before.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { newSyslogFrame, parseSyslogFrame } from '../../../collectors/syslog/frame.ts';
import { parseHttpLog } from '../../../collectors/httplog/httplog.ts';
import { compileLogFormat } from '../../../collectors/httplog/custom-format.ts';
import { LogBatch, LogDicts, batchRow } from '../../../collectors/arrow/batcher.ts';
import { HTTP_LOG_TABLE } from '../../../collectors/arrow/schema.ts';
import { PARSE_OK } from '../../../collectors/httplog/types.ts';
import type { LogLineParser } from '../../../collectors/httplog/types.ts';

const FIX = new URL('../../../fixtures/collectors/httpslog/httpslog.raw.log', import.meta.url);
/** HAProxy 2.6's `option httpslog` format (as `haproxy` 2.6.12 holds it). */
const HTTPSLOG = '%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %CC %CS %tsc %ac/%fc/%bc/%sc/%rc %sq/%bq %hr %hs %{+Q}r ' +
  '%[fc_err]/%[ssl_fc_err,hex]/%[ssl_c_err]/%[ssl_c_ca_err]/%[ssl_fc_is_resumed] %[ssl_fc_sni]/%sslv/%sslc';
const PREFIX = '127.0.0.1:1 [24/Nov/2026:09:31:51.169] fs fs/<NOSRV> 0/-1/-1/-1/0 200 73 - - LR-- 1/1/0/0/0 0/0 ';

function parseLines(lines: string[], parse: LogLineParser = parseHttpLog): { rows: Record<string, unknown>[]; codes: number[] } {
  const b = new LogBatch(HTTP_LOG_TABLE, 64, new LogDicts());
  const f = newSyslogFrame();
  const codes: number[] = [];
  for (const l of lines) {
    const buf = Buffer.from(l, 'latin1');
    parseSyslogFrame(buf, 0, buf.length, 2026, f);
    const r = parse(buf, f.msgStart, f.msgEnd, b);
    codes.push(r);
    if (r === PARSE_OK) b.commitRow(); else b.rollbackRow();
  }
  b.seal();
  const rows = [];
  for (let r = 0; r < b.rows; r++) rows.push(batchRow(b, r));
  return { rows, codes };
}

function req(r: Record<string, unknown>): [unknown, unknown, unknown, unknown] {
  return [r.method, r.uri, r.http_version, r.extra === null ? null : JSON.parse(r.extra as string)];
}

const TLS_EXTRA = {
  fc_err: '0', 'ssl_fc_err,hex': '0000000000000000', ssl_c_err: '0', ssl_c_ca_err: '0', ssl_fc_is_resumed: '0',
  ssl_fc_sni: '-', sslv: 'TLSv1.3', sslc: 'TLS_AES_256_GCM_SHA384',
};
const PLAIN_EXTRA = {
  fc_err: '0', 'ssl_fc_err,hex': '-', ssl_c_err: '-', ssl_c_ca_err: '-', ssl_fc_is_resumed: '0', ssl_fc_sni: '-', sslv: '-', sslc: '-',
};

test('option httpslog lines of HAProxy 2.6.12: request split at its closing quote, TLS fields in extra', () => {
  const lines = fs.readFileSync(FIX, 'latin1').split('\n').filter((l) => l.includes('"'));
  assert.equal(lines.length, 9);
  const { rows, codes } = parseLines(lines);
  assert.deepEqual(codes, new Array(9).fill(PARSE_OK));
  assert.deepEqual(rows.map(req), [
    ['GET', '/a?b=1', 'HTTP/1.1', PLAIN_EXTRA],
    ['GET', '/z', 'HTTP/1.1', null],                                      // option httplog: unchanged
    ['GET', '/h10', 'HTTP/1.0', PLAIN_EXTRA],
    [null, '<BADREQ>', null, PLAIN_EXTRA],
    ['GET', 'https://127.0.0.1:28784/ok/1', 'HTTP/2.0', TLS_EXTRA],
    ['GET', 'https://localhost:28784/ok/h2?x=1', 'HTTP/2.0', { ...TLS_EXTRA, ssl_fc_sni: 'localhost' }],
    ['GET', 'https://127.0.0.1:28784/down', 'HTTP/2.0', TLS_EXTRA],
    ['GET', '/ok/10', 'HTTP/1.0', TLS_EXTRA],
    [null, '<BADREQ>', null, { ...TLS_EXTRA, ssl_fc_sni: '127.0.0.1' }],
  ]);
  assert.equal(rows[4].transport, '~');
  assert.deepEqual([rows[6].status, rows[6].term_state, rows[6].retries, rows[6].req_headers], [503, 'SC--', 3, 'curl/7.88.1']);
});

test('httpslog rows equal those of a --log-format holding the httpslog format', () => {
  const lines = fs.readFileSync(FIX, 'latin1').split('\n').filter((l) => l.includes('"') && !l.includes(' fh '));
  const c = compileLogFormat(HTTPSLOG);
  assert.ok(!('error' in c));
  const a = parseLines(lines).rows;
  const b = parseLines(lines, c.parse).rows;
  assert.equal(a.length, 8);
  assert.deepEqual(a, b);
});

test('text after the request of a custom format goes to extra as after_request, escaped', () => {
  const { rows, codes } = parseLines([
    PREFIX + '"GET /x HTTP/1.1" 0a1b2c3d:1234_5',                       // %{+Q}r %ID
    PREFIX + '"GET /x HTTP/1.1" "ua \\ x" "HTTP/1.1"',                  // quoted fields after the request
    PREFIX + '"POST /a#22b HTTP/1.1" x',                                // HAProxy's #22 for a '"' stays in the uri
    PREFIX + '"GET /x HTTP/1.1" a/b/c/d/e f/g',                         // not httpslog's shape
    PREFIX + '"GET /x HTTP/1.1" \x01',
  ]);
  assert.deepEqual(codes, [0, 0, 0, 0, 0]);
  assert.deepEqual(rows.map(req), [
    ['GET', '/x', 'HTTP/1.1', { after_request: '0a1b2c3d:1234_5' }],
    ['GET', '/x', 'HTTP/1.1', { after_request: '"ua \\ x" "HTTP/1.1"' }],
    ['POST', '/a#22b', 'HTTP/1.1', { after_request: 'x' }],
    ['GET', '/x', 'HTTP/1.1', { after_request: 'a/b/c/d/e f/g' }],
    ['GET', '/x', 'HTTP/1.1', { after_request: '\x01' }],
  ]);
});

test('plain httplog request shapes parse as before: truncated, no version, empty, bare quote', () => {
  const { rows, codes } = parseLines([
    PREFIX + '"GET /x HTTP/1.1"',
    PREFIX + '"GET /very/long/uri-cut-by-haproxy',                      // no closing quote: the line was cut
    PREFIX + '"GET /x HTTP/1.1',
    PREFIX + '"GET /x"',                                                // no version
    PREFIX + '"<BADREQ>"',
    PREFIX + '""',
    PREFIX + '"',
    PREFIX + '"GET HTTP/1.1"',
    PREFIX + '"GET /x HTTP/1.1" ',                                      // a trailing space: nothing to keep
  ]);
  assert.deepEqual(codes, new Array(9).fill(PARSE_OK));
  assert.deepEqual(rows.map(req), [
    ['GET', '/x', 'HTTP/1.1', null],
    ['GET', '/very/long/uri-cut-by-haproxy', null, null],
    ['GET', '/x', 'HTTP/1.1', null],
    ['GET', '/x', null, null],
    [null, '<BADREQ>', null, null],
    [null, '', null, null],
    [null, '', null, null],
    ['GET', 'HTTP/1.1', null, null],
    ['GET', '/x', 'HTTP/1.1', null],
  ]);
});

test('long requests: the closing quote found past 64 bytes, none in a cut line even with a quote after the message', () => {
  const uri = '/' + 'a'.repeat(300);
  const { rows } = parseLines([PREFIX + '"GET ' + uri + ' HTTP/1.1" 0/-/-/-/0 -/-/-', PREFIX + '"GET ' + uri]);
  assert.deepEqual(rows.map(req), [['GET', uri, 'HTTP/1.1', PLAIN_EXTRA], ['GET', uri, null, null]]);
  // the message ends before the buffer does (a file chunk): bytes past `end` are not read
  const buf = Buffer.from(PREFIX + '"GET ' + uri + '\n' + PREFIX + '"GET /b HTTP/1.1" x\n', 'latin1');
  const b = new LogBatch(HTTP_LOG_TABLE, 4, new LogDicts());
  assert.equal(parseHttpLog(buf, 0, buf.indexOf(10), b), PARSE_OK);
  b.commitRow();
  b.seal();
  assert.deepEqual(req(batchRow(b, 0)), ['GET', uri, null, null]);
});
