/*
 * proxy/log/capture.ts on heads parsed by the HTTP parser: the captures of fixtures/log/gen/haproxy.cfg's fe_http
 * (Host len 20, User-Agent len 30; Content-Type len 20) for gen.sh's requests give the `{...} {...}` fields HAProxy
 * 2.6 logged (fixtures/log/http), %rt counts streams from 0, unique ids are built, <BADREQ> has no capture arrays.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { H1Msg, h1Parse } from '../../../proxy/http/h1-parser.ts';
import { addCaptureSlot, newLogTarget } from '../../../proxy/log/cfg.ts';
import { LOG_FMT_RFC5424 } from '../../../proxy/log/types.ts';
import { compileLogFormat } from '../../../proxy/log/format.ts';
import { runLogEmitter, buildUniqueId } from '../../../proxy/log/emit.ts';
import { logRequestHead, logResponseHead, logBadRequest, logNextStreamId } from '../../../proxy/log/capture.ts';
import { fakeProxy, fakeStream } from './helpers.ts';

function head(text: string, response: boolean): [Buffer, H1Msg] {
  const buf = Buffer.from(text, 'latin1');
  const m = new H1Msg(response, 101);
  assert.ok(h1Parse(m, buf, buf.length, buf.length) > 0, 'parsed: ' + text);
  return [buf, m];
}

const out = Buffer.alloc(1024);
function emit(fmt: string, fe: ReturnType<typeof fakeProxy>, s: ReturnType<typeof fakeStream>): string {
  const c = compileLogFormat(fmt);
  assert.ok(c.ok);
  return out.toString('latin1', 0, runLogEmitter(c.emitter, fe, s, out, 1000));
}

const RESP = 'HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\nset-cookie: SRV=s1; path=/\r\ntransfer-encoding: chunked\r\n\r\n';

test('request and response header captures print what haproxy 2.6 logged for the golden traffic', () => {
  const fe = fakeProxy('fe_http');
  addCaptureSlot(fe, 'request', 'Host', 20);
  addCaptureSlot(fe, 'request', 'User-Agent', 30);
  addCaptureSlot(fe, 'response', 'Content-Type', 20);
  const cases: [string, string | null, string][] = [
    ['GET / HTTP/1.1\r\nHost: 127.0.0.1:44080\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n', RESP,
      '{127.0.0.1:44080|curl/7.88.1} {text/plain}'],
    ['GET /a%20b?q=1&y=%22z%22 HTTP/1.1\r\nHost: Example.COM\r\nUser-Agent: Mozilla "x" {y}\r\nAccept: */*\r\n\r\n', RESP,
      '{Example.COM|Mozilla #22x#22 #7By#7D} {text/plain}'],
    // 503 without server: no response head, the response slot prints empty
    ['GET /nosrv/x HTTP/1.1\r\nHost: 127.0.0.1:44080\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n', null,
      '{127.0.0.1:44080|curl/7.88.1} {}'],
    // cut to the slot length, last occurrence wins, names case-insensitive
    ['GET / HTTP/1.1\r\nhost: a-very-long-host-name.example.com\r\nUSER-AGENT: one\r\nUser-Agent: two\r\n\r\n', null,
      '{a-very-long-host-nam|two} {}'],
  ];
  const s = fakeStream(fe);
  for (const [req, resp, want] of cases) {
    const [b, m] = head(req, false);
    logRequestHead(fe, s, b, m.hdr, m.nhdr);
    if (resp !== null) { const [rb, rm] = head(resp, true); logResponseHead(fe, s, rb, rm.hdr, rm.nhdr); }
    assert.equal(emit('%hr %hs', fe, s), want);
  }
  logBadRequest(s, true);
  assert.equal(emit('%hr %hs', fe, s), '', '<BADREQ>: no capture arrays, nothing printed');
});

test('%rt counts one id per transaction from 0; the unique id is cleared and the cookie capture rebuilt per request', () => {
  const fe = fakeProxy('fe_custom');
  fe.log.cookieName = 'SRV';
  fe.log.cookieLen = 12;
  const c = compileLogFormat('%{+X}o %ci:%cp_%fi:%fp_%Ts_%rt');
  assert.ok(c.ok);
  fe.log.uniqueId = c.emitter;
  const s = fakeStream(fe);
  Object.assign(s, { clientIp: '127.0.0.1', clientPort: 35910, frontendIp: '127.0.0.1', frontendPort: 44082,
    acceptMs: 0x6B04A231 * 1000 });
  const first = logNextStreamId() + 1;
  const [b, m] = head('GET / HTTP/1.1\r\nHost: h\r\nCookie: a=1; SRV=abc\r\n\r\n', false);
  logRequestHead(fe, s, b, m.hdr, m.nhdr);
  assert.equal(s.reqCounter, first);
  // built when needed (unique-id-header after the rules, else the log line), from the request's values
  assert.equal(s.uniqueId, '');
  buildUniqueId(fe, s);
  assert.equal(s.uniqueId, '7F000001:8C46_7F000001:AC32_6B04A231_' + first.toString(16).toUpperCase().padStart(4, '0'));
  const [rb, rm] = head(RESP, true);
  logResponseHead(fe, s, rb, rm.hdr, rm.nhdr);
  assert.equal(emit('%CC %CS', fe, s), 'SRV=abc SRV=s1');
  const [b2, m2] = head('GET /2 HTTP/1.1\r\nHost: h\r\n\r\n', false);
  logRequestHead(fe, s, b2, m2.hdr, m2.nhdr);
  assert.equal(s.reqCounter, first + 1);
  assert.equal(emit('%CC %CS %rt', fe, s), '- - ' + (first + 1));
});

test('a <BADREQ> skips one %rt id when the frontend logs to an RFC 5424 target (2.6.12 runs the SD format first)', () => {
  const plain = fakeProxy('fe_a');
  plain.log.targets.push(newLogTarget('t', 1));
  const s = fakeStream(plain);
  const first = logNextStreamId() + 1;
  logBadRequest(s, true);
  assert.equal(s.reqCounter, first);
  assert.equal(s.badReqData, true);
  const withSd = fakeProxy('fe_b');
  withSd.log.targets.push(newLogTarget('t', 1), newLogTarget('t', 2), newLogTarget('t', 3));
  withSd.log.targets[1].format = LOG_FMT_RFC5424;
  withSd.log.targets[2].format = LOG_FMT_RFC5424;
  const s2 = fakeStream(withSd);
  logBadRequest(s2, false);
  assert.equal(s2.reqCounter, first + 2, 'one id skipped, however many RFC 5424 targets');
  assert.equal(s2.badReqData, false);
  const [b, m] = head('GET / HTTP/1.1\r\nHost: h\r\n\r\n', false);
  logRequestHead(withSd, s2, b, m.hdr, m.nhdr);
  assert.equal(s2.reqCounter, first + 3, 'a parsed request takes one id only');
});
