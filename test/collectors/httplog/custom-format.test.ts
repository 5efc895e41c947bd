import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { newSyslogFrame, parseSyslogFrame } from '../../../collectors/syslog/frame.ts';
import { compileLogFormat, CLF_LOG_FORMAT } from '../../../collectors/httplog/custom-format.ts';
import type { CompiledLogFormat } from '../../../collectors/httplog/custom-format.ts';
import { parseHttpLog } from '../../../collectors/httplog/httplog.ts';
import { LogBatch, LogDicts, batchRow } from '../../../collectors/arrow/batcher.ts';
import { HTTP_LOG_TABLE, TCP_LOG_TABLE } from '../../../collectors/arrow/schema.ts';
import { PARSE_OK } from '../../../collectors/httplog/types.ts';
import type { LogLineParser } from '../../../collectors/httplog/types.ts';

const FIX = new URL('../../../fixtures/collectors/', import.meta.url);
const compile = (fmt: string, esc = false): CompiledLogFormat => {
  const c = compileLogFormat(fmt, esc);
  assert.ok(!('error' in c), JSON.stringify(c));
  return c as CompiledLogFormat;
};
function rowsOf(file: string, parse: LogLineParser, table = HTTP_LOG_TABLE): Record<string, unknown>[] {
  const buf = fs.readFileSync(new URL('haproxy-2.6/' + file, FIX));
  const b = new LogBatch(table, 64, new LogDicts());
  const f = newSyslogFrame();
  for (let s = 0; s < buf.length;) {
    const e = buf.indexOf(10, s);
    parseSyslogFrame(buf, s, e + 1, 2026, f);
    const r = parse(buf, f.msgStart, f.msgEnd, b);
    assert.equal(r, PARSE_OK, buf.toString('latin1', f.msgStart, f.msgEnd));
    b.commitRow();
    s = e + 1;
  }
  b.seal();
  return Array.from({ length: b.rows }, (_, r) => batchRow(b, r));
}

test('the httplog format string compiled into a parser agrees with the hand-written httplog parser', () => {
  const c = compile('%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %CC %CS %tsc %ac/%fc/%bc/%sc/%rc %sq/%bq %hr %hs %{+Q}r');
  assert.equal(c.table, 'http_log');
  assert.deepEqual(rowsOf('http.rfc5424.log', c.parse), rowsOf('http.rfc5424.log', parseHttpLog));
});

test('clf lines parse with the clf preset, including date, ms and quoted names', () => {
  const rows = rowsOf('clf.rfc3164.log', compile(CLF_LOG_FORMAT).parse);
  assert.equal(rows.length, 12);
  const r = rows[0];
  assert.equal(r.client_ip, '127.0.0.1');
  assert.equal(r.frontend, 'fe_clf');
  assert.equal(r.backend, 'be_app');
  assert.equal(r.method, 'GET');
  assert.equal(r.uri, '/');
  assert.equal(r.http_version, 'HTTP/1.1');
  assert.equal(r.status, 200);
  assert.equal(r.term_state, '----');
  assert.equal(r.req_cookie, null);
  assert.equal(r.req_headers, '127.0.0.1:41082|curl/7.88.1|text/plain');
  assert.match(String(r.ts), /^2026-11-23T20:18:1\d\.\d{3}Z$/);
  assert.notEqual(String(r.ts).slice(-4), '000Z');
  const bad = rows[10];
  assert.equal(bad.uri, '<BADREQ>');
  assert.equal(bad.server, '<NOSRV>');
  assert.equal(bad.tr, -1);
  assert.equal(bad.req_headers, null);
});

test('custom log-formats from the golden config round-trip, unknown fields land in extra', () => {
  const f1 = fs.readFileSync(new URL('gen/custom1.fmt', FIX), 'utf8').trimEnd();
  const rows = rowsOf('custom1.raw.log', compile(f1).parse);
  assert.equal(rows.length, 12);
  assert.equal(rows[0].frontend, 'fe_custom1');
  assert.equal(rows[0].method, 'GET');
  assert.equal(rows[0].uri, '/');
  assert.equal(rows[0].http_version, 'HTTP/1.1');
  assert.equal(rows[0].status, 200);
  const ex = JSON.parse(String(rows[0].extra));
  assert.equal(ex['capture.req.hdr(0),lower'], '127.0.0.1:41083');
  assert.match(ex.ID, /^7F000001:[0-9A-F]{4}_7F000001:A07B_[0-9A-F]{8}_[0-9A-F]{4}$/);
  assert.equal(rows[10].uri, '<BADREQ>');
  assert.equal(rows[10].http_version, '<BADREQ>');

  const f2 = fs.readFileSync(new URL('gen/custom2.fmt', FIX), 'utf8').trimEnd();
  const json = rowsOf('custom2.rfc5424.log', compile(f2).parse);
  const direct = fs.readFileSync(new URL('haproxy-2.6/custom2.raw.log', FIX), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(json.length, direct.length);
  json.forEach((r, i) => {
    assert.equal(r.client_ip, direct[i].client);
    assert.equal(r.client_port, direct[i].port);
    assert.equal(r.server, direct[i].srv);
    assert.equal(r.status, direct[i].status);
    assert.equal(r.bytes_read, direct[i].bytes);
    assert.equal(r.term_state, direct[i].term);
    assert.equal(r.uri, direct[i].uri);
  });
});

test('a format without HTTP fields targets tcp_log and the tcplog capture parses with it', () => {
  const c = compile('%ci:%cp [%t] %ft %b/%s %Tw/%Tc/%Tt %B %ts %ac/%fc/%bc/%sc/%rc %sq/%bq');
  assert.equal(c.table, 'tcp_log');
  const rows = rowsOf('tcp.raw.log', c.parse, TCP_LOG_TABLE);
  assert.deepEqual([rows[3].tw, rows[3].tc, rows[3].tt, rows[3].term_state], [1, -1, 0, 'CC']);
});

test('config-escaped strings compile, and bad strings report the tokenizer error', () => {
  const c = compile('%ci\\ %ST\\ \\"%HU\\"', true);
  const b = new LogBatch(HTTP_LOG_TABLE, 4, new LogDicts());
  const line = Buffer.from('10.1.2.3 404 "/x y"');
  assert.equal(c.parse(line, 0, line.length, b), PARSE_OK);
  b.commitRow(); b.seal();
  assert.deepEqual([batchRow(b, 0).client_ip, batchRow(b, 0).status, batchRow(b, 0).uri], ['10.1.2.3', 404, '/x y']);
  const bad = compileLogFormat('%ci %nope');
  assert.ok('error' in bad);
  assert.match((bad as { error: string }).error, /no such format variable 'nope'/);
});

test('custom formats: %ci:%cp with an IPv6 client, %T/%Tl with their zone, %Ts.%ms (real HAProxy 2.6.12 lines)', () => {
  const iso = (...a: [number, number, number, number, number, number, number]): string => new Date(Date.UTC(...a)).toISOString();
  // These were raw_log bad_number (the address was cut at its first colon) and bad_date (%Tl got %T's "+0000").
  const cfg = fs.readFileSync(new URL('custom-ipv6-dates/haproxy.cfg', FIX), 'utf8');
  const [f1, f2] = [...cfg.matchAll(/log-format "(.*)"/g)].map((m) => m[1]);
  const a = rowsOf('../custom-ipv6-dates/ipv6.raw.log', compile(f1).parse);
  assert.deepEqual(a.map((r) => [r.client_ip, r.client_port, r.status, r.uri, r.req_headers]),
    [['127.0.0.1', 45434, 201, '/a?b=c', '127.0.0.1:24182'], ['::1', 34086, 201, '/v6', '[::1]:24182']]);
  assert.equal(a[1].ts, iso(2026, 10, 24, 2, 55, 35, 687));
  const [g] = rowsOf('../custom-ipv6-dates/dates.raw.log', compile(f2).parse);
  assert.equal(g.ts, iso(2026, 10, 24, 2, 55, 35, 694));
  assert.deepEqual([g.method, g.uri, g.http_version, g.status, g.client_ip, g.bytes_read], ['GET', '/g%20h', 'HTTP/1.1', 202, '127.0.0.1', 79]);
  assert.deepEqual(JSON.parse(g.extra as string), { U: '98', ID: '-', 'capture.req.hdr(0)': 'Mozilla/5.0 (X11; "q")' });
  // a zone other than +0000 is applied (stored as UTC); %Ts alone gives the time to the second
  const line = (s: string): Record<string, unknown> => {
    const b = new LogBatch(HTTP_LOG_TABLE, 4, new LogDicts());
    const buf = Buffer.from(s);
    assert.equal(compile('%Tl %ci:%cp %ST').parse(buf, 0, buf.length, b), PARSE_OK, s);
    b.commitRow();
    b.seal();
    return batchRow(b, 0);
  };
  assert.deepEqual([line('24/Nov/2026:03:55:35 +0100 2001:db8::7:443 200').ts, line('24/Nov/2026:03:55:35 +0100 2001:db8::7:443 200').client_ip],
    [iso(2026, 10, 24, 2, 55, 35, 0), '2001:db8::7']);
  const b = new LogBatch(HTTP_LOG_TABLE, 4, new LogDicts());
  const buf = Buffer.from('1795488935 fe 200');
  assert.equal(compile('%Ts %f %ST').parse(buf, 0, buf.length, b), PARSE_OK);
  b.commitRow();
  b.seal();
  assert.equal(batchRow(b, 0).ts, new Date(1795488935000).toISOString());
});
