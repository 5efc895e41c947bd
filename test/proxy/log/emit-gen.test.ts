/*
 * The generated log-format functions (proxy/log/emit-gen.ts): +X/+Q variants, logasap `+`, absent values, cuts at
 * `cap`, long literals, and literal text that looks like code (written as bytes, never as source). Expected lines
 * were produced by the op interpreter the generator replaced (checked identical on 93,600 random format runs).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Proxy, StreamLog } from '../../../proxy/model/types.ts';
import { PR_MODE_HTTP, PR_O_LOGASAP } from '../../../proxy/model/types.ts';
import { newStreamLog } from '../../../proxy/model/factories.ts';
import { newLogCfg } from '../../../proxy/log/cfg.ts';
import { compileLogFormat } from '../../../proxy/log/format.ts';
import { runLogEmitter } from '../../../proxy/log/emit.ts';
import { emitterSource } from '../../../proxy/log/emit-gen.ts';

const fe = { name: 'fe_http', mode: PR_MODE_HTTP, options: PR_O_LOGASAP, log: newLogCfg() } as unknown as Proxy;
const s: StreamLog = Object.assign(newStreamLog(fe), {
  acceptMs: 1795485123456, reqDateMs: 1795485123460, tHandshake: 1, tIdle: 2, tRequest: 3, tQueue: 0, tConnect: -1,
  tResponse: -1, tTotal: 30, status: 503, bytesIn: 80, bytesOut: 212, cookieReq: 'N', cookieRes: '', retries: 1,
  redispatched: true, errCause: 2, finishState: 3, clientIp: '127.0.0.1', clientPort: 55134, frontend: fe,
  backend: null, server: null, reqCaptures: [], resCaptures: [], method: 'GET', uri: 'http://h.example:81/p/q?x="1"',
  httpVersion: 'HTTP/1.1', reqLine: 'GET http://h.example:81/p/q?x="1" HTTP/1.1', reqCounter: 4660,
});

function run(fmt: string, cap: number): string {
  const c = compileLogFormat(fmt);
  assert.ok(c.ok, fmt);
  const buf = Buffer.alloc(1000);
  return buf.toString('latin1', 0, runLogEmitter(c.emitter, fe, s, buf, cap));
}

test('generated emitters: hex and quoted variants, logasap +, absent values, cuts at cap', () => {
  const fmt = '%{+X}Ts %{+X}ms %{+X}rt %{+X}ci:%{+X}cp %{+Q}HQ %HPO %HP %{+Q}HU %Ta %Tt %B %rc %tsc %b/%s %hr ' +
    '%{+Q}hs %[str(x)] %ST %{+X}ST';
  assert.equal(run(fmt, 1000), '6B04EDC3 1C8 1234 7F000001:D75E "?x=#221#22" /p/q http://h.example:81/p/q ' +
    '"http://h.example:81/p/q?x=#221#22" +27 +30 +212 +1 SCN- fe_http/<NOSRV> x 503 503');
  assert.equal(run(fmt, 30), '6B04EDC3 1C8 1234 7F000001:D75');
  assert.equal(run(fmt, 24), '6B04EDC3 1C8 1234 7F0000');
  const lit = '%ci:%cp a literal longer than sixteen bytes %r';
  assert.equal(run(lit, 1000), '127.0.0.1:55134 a literal longer than sixteen bytes GET http://h.example:81/p/q?x=#221#22 HTTP/1.1');
  // a field is cut exactly where the room ends, not before (a 300-byte method once lost the request's version)
  assert.equal(run(lit, 30), '127.0.0.1:55134 a literal long');
  assert.equal(run(lit, 24), '127.0.0.1:55134 a litera');
  assert.equal(run('%{+Q}r', 12), '"GET http:/"');
  assert.equal(run('%r', 60), 'GET http://h.example:81/p/q?x=#221#22 HTTP/1.1');
  assert.equal(run('%r', 42), 'GET http://h.example:81/p/q?x=#221#22 HTTP');
  assert.equal(run('%r', 37), 'GET http://h.example:81/p/q?x=#221#22');
  assert.equal(run('%r', 36), 'GET http://h.example:81/p/q?x=#221');
});

test('literal text is data, not code', () => {
  const evil = "x'); throw new Error('injected'); ('` ${1} */ \\u0041";
  assert.equal(run(evil.replace(/%/g, '%%') + '%ST', 1000), evil + '503');
  const c = compileLogFormat('hello%ST');
  assert.ok(c.ok);
  assert.ok(!emitterSource(c.emitter).includes('hello'), 'literals are written as byte values');
});
