/*
 * PROXY protocol end to end: `bind ... accept-proxy` with v1 and v2 clients in mode http and mode tcp (the header's
 * source in log lines and X-Forwarded-For), refused headers logged as haproxy 2.6.12 logs them, and servers with
 * send-proxy / send-proxy-v2 seen by a recording backend.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSluice, stopSluice, freePort, waitFor } from '../proxy-util.ts';
import type { Runtime } from '../../../proxy/runtime.ts';
import { logSink, recorder, rawExchange } from './edge-util.ts';
import type { LogSink, Recorder } from './edge-util.ts';
import { ppEncodeV2 } from '../../../proxy/net/proxy-protocol.ts';

let rt: Runtime;
let logs: LogSink;
let plain: Recorder, pp1: Recorder, pp2: Recorder;
let pHttp = 0, pTcp = 0, pNamed = 0, pExpect = 0, pSend1 = 0, pSend2 = 0, pAuth = 0, pNull = 0, pRules = 0;

before(async () => {
  logs = await logSink();
  plain = await recorder('plain');
  pp1 = await recorder('pp1');
  pp2 = await recorder('pp2');
  [pHttp, pTcp, pNamed, pExpect, pSend1, pSend2, pAuth, pNull, pRules] = await Promise.all(Array.from({ length: 9 }, freePort));
  rt = await startSluice(`
global
  log 127.0.0.1:${logs.port} local0
defaults
  mode http
  log global
  option httplog
  timeout client 1s
  timeout server 2s
  timeout connect 2s
frontend fe
  bind 127.0.0.1:${pHttp} accept-proxy
  bind 127.0.0.1:${pNamed} accept-proxy name foo
  option forwardfor
  default_backend be
frontend fet
  mode tcp
  option tcplog
  bind 127.0.0.1:${pTcp} accept-proxy
  default_backend bet
frontend fex
  bind 127.0.0.1:${pExpect}
  tcp-request connection expect-proxy layer4 if { src 127.0.0.1 }
  option forwardfor
  default_backend be
frontend ferules
  bind 127.0.0.1:${pRules} accept-proxy
  tcp-request connection reject if { src 1.2.3.4 }
  tcp-request session reject if { src 9.9.9.9 }
  default_backend be
frontend fenull
  bind 127.0.0.1:${pNull} accept-proxy
  option dontlognull
  default_backend be
frontend fea
  bind 127.0.0.1:${pAuth} accept-proxy
  http-request deny deny_status 403 if { fc_pp_authority example.com }
  http-request deny deny_status 401 if !{ fc_rcvd_proxy }
  default_backend be
frontend fes1
  bind 127.0.0.1:${pSend1} accept-proxy
  default_backend bes1
frontend fes2
  bind 127.0.0.1:${pSend2} accept-proxy
  default_backend bes2
backend be
  server s1 127.0.0.1:${plain.port}
backend bet
  mode tcp
  server s1 127.0.0.1:${plain.port}
backend bes1
  server s1 127.0.0.1:${pp1.port} send-proxy
backend bes2
  server s1 127.0.0.1:${pp2.port} send-proxy-v2
`);
});

after(async () => {
  await stopSluice(rt);
  logs.sock.close();
  for (const r of [plain, pp1, pp2]) r.server.close();
});

const REQ = 'GET /x HTTP/1.1\r\nhost: a\r\n\r\n';

async function lastLog(pred: (l: string) => boolean): Promise<string> {
  await waitFor(() => logs.lines.some(pred), 3000);
  return logs.lines.filter(pred).at(-1) as string;
}

test('a v1 header in mode http: the header source is the client in the log and X-Forwarded-For', async () => {
  const r = await rawExchange(pHttp, 'PROXY TCP4 1.2.3.4 5.6.7.8 1111 2222\r\n' + REQ);
  assert.match(r.data, /^HTTP\/1\.1 200 OK/);
  assert.match(plain.got.at(-1)!.toString(), /x-forwarded-for: 1\.2\.3\.4\r\n/);
  const l = await lastLog((s) => s.includes('GET /x') && s.startsWith('1.2.3.4:1111 '));
  assert.match(l, /^1\.2\.3\.4:1111 \[[^\]]+\] fe be\/s1 /);
});

test('a v2 header (IPv6, with TLVs) in mode http', async () => {
  const h = ppEncodeV2('2001:db8::7', 4242, '2001:db8::1', 80, false, { crc32c: true, authority: 'example.com', uniqueId: '', ssl: null });
  const r = await rawExchange(pHttp, Buffer.concat([h, Buffer.from(REQ)]));
  assert.match(r.data, /^HTTP\/1\.1 200 OK/);
  assert.match(plain.got.at(-1)!.toString(), /x-forwarded-for: 2001:db8::7\r\n/);
  await lastLog((s) => s.startsWith('2001:db8::7:4242 ') && s.includes('GET /x'));
});

test('PROXY UNKNOWN and a v2 LOCAL header keep the real address', async () => {
  const r = await rawExchange(pHttp, 'PROXY UNKNOWN\r\n' + REQ);
  assert.match(r.data, /^HTTP\/1\.1 200 OK/);
  assert.match(plain.got.at(-1)!.toString(), /x-forwarded-for: 127\.0\.0\.1\r\n/);
  const r2 = await rawExchange(pHttp, Buffer.concat([ppEncodeV2('', 0, '', 0, true, null), Buffer.from(REQ)]));
  assert.match(r2.data, /^HTTP\/1\.1 200 OK/);
  assert.match(plain.got.at(-1)!.toString(), /x-forwarded-for: 127\.0\.0\.1\r\n/);
});

test('v1 and v2 headers in mode tcp: the tcplog line carries the header source', async () => {
  await rawExchange(pTcp, 'PROXY TCP4 9.8.7.6 5.6.7.8 3333 2222\r\n' + REQ);
  await lastLog((s) => s.startsWith('9.8.7.6:3333 ') && s.includes(' fet bet/s1 '));
  const h = ppEncodeV2('10.0.0.5', 5555, '10.0.0.1', 443, false, null);
  await rawExchange(pTcp, Buffer.concat([h, Buffer.from(REQ)]));
  await lastLog((s) => s.startsWith('10.0.0.5:5555 ') && s.includes(' fet bet/s1 '));
});

test('refused headers are closed and logged with 2.6.12 words, the proxy goes on', async () => {
  const cases: [string | Buffer, boolean, string, number][] = [
    ['garbagegarbagegarbage\r\n', true, 'Received something which does not look like a PROXY protocol header', pHttp],
    ['garbage\r\n', false, 'Truncated PROXY protocol header received', pHttp],
    ['PROXY TCP4 1.2.3.4 5.6.7.8 1111\r\n', false, 'Received an invalid PROXY protocol header', pNamed],
    ['PROXY UDP4 1.2.3.4 5.6.7.8 1111 2222\r\n', false, 'Received an unhandled protocol in the PROXY protocol header', pHttp],
    ['', false, 'Connection closed while waiting for PROXY protocol header', pHttp],
    ['garbage\r\n', false, 'Truncated PROXY protocol header received', pTcp],
  ];
  for (const [data, hold, msg, port] of cases) {
    const before = logs.lines.length;
    const r = await rawExchange(port, data, hold);
    assert.equal(r.data, '');
    const bind = port === pNamed ? 'fe/foo' : port === pTcp ? 'fet/1' : 'fe/1';
    await waitFor(() => logs.lines.slice(before).some((s) => s.endsWith(`] ${bind}: ${msg}`)), 3000);
  }
  const r = await rawExchange(pHttp, 'PROXY TCP4 1.2.3.4 5.6.7.8 1111 2222\r\n' + REQ);
  assert.match(r.data, /^HTTP\/1\.1 200 OK/);
});

test('a client that sends nothing is closed after timeout client with the 2.6 timeout line', async () => {
  const t0 = Date.now();
  const r = await rawExchange(pHttp, '', true, 4000);
  assert.notEqual(r.error, 'TIMEOUT');
  assert.ok(Date.now() - t0 >= 900, 'closed after timeout client (1s)');
  await lastLog((s) => s.endsWith('] fe/1: Timeout while waiting for PROXY protocol header'));
});

test('tcp-request connection expect-proxy layer4 if { src ... } reads the header', async () => {
  const r = await rawExchange(pExpect, 'PROXY TCP4 4.4.4.4 5.6.7.8 1111 2222\r\n' + REQ);
  assert.match(r.data, /^HTTP\/1\.1 200 OK/);
  assert.match(plain.got.at(-1)!.toString(), /x-forwarded-for: 4\.4\.4\.4\r\n/);
});

test('send-proxy sends a v1 line with the client and the address it reached', async () => {
  const r = await rawExchange(pSend1, 'PROXY TCP4 1.2.3.4 5.6.7.8 1111 2222\r\n' + REQ);
  assert.match(r.data, /^HTTP\/1\.1 200 OK\r\n[\s\S]*pp1$/);
  const got = pp1.got.at(-1)!.toString('latin1');
  assert.ok(got.startsWith('PROXY TCP4 1.2.3.4 5.6.7.8 1111 2222\r\nGET /x HTTP/1.1\r\n'), got);
});

test('send-proxy-v2 sends the binary header first', async () => {
  const r = await rawExchange(pSend2, 'PROXY TCP6 ::1 2001:db8::1 1111 2222\r\n' + REQ);
  assert.match(r.data, /pp2$/);
  const got = pp2.got.at(-1)!;
  const want = ppEncodeV2('::1', 1111, '2001:db8::1', 2222, false, null);
  assert.deepEqual(got.subarray(0, want.length), want);
  assert.equal(got.subarray(want.length, want.length + 8).toString(), 'GET /x H');
});

test('fc_rcvd_proxy and fc_pp_authority in ACLs', async () => {
  const withAuth = ppEncodeV2('1.2.3.4', 1, '5.6.7.8', 2, false, { crc32c: false, authority: 'example.com', uniqueId: '', ssl: null });
  assert.match((await rawExchange(pAuth, Buffer.concat([withAuth, Buffer.from(REQ)]))).data, /^HTTP\/1\.1 403 /);
  const other = ppEncodeV2('1.2.3.4', 1, '5.6.7.8', 2, false, { crc32c: false, authority: 'other.org', uniqueId: '', ssl: null });
  assert.match((await rawExchange(pAuth, Buffer.concat([other, Buffer.from(REQ)]))).data, /^HTTP\/1\.1 200 /);
  assert.match((await rawExchange(pAuth, 'PROXY UNKNOWN\r\n' + REQ)).data, /^HTTP\/1\.1 200 /);
});

test('dontlognull: an empty connection is not logged, a bad header still is', async () => {
  const before = logs.lines.length;
  await rawExchange(pNull, '');
  await rawExchange(pNull, 'garbagegarbagegarbage\r\n');
  await waitFor(() => logs.lines.slice(before).some((s) => s.includes('fenull/1: Received something which does not look like')), 3000);
  assert.ok(!logs.lines.slice(before).some((s) => s.includes('fenull/1: Connection closed while waiting')));
});

test('tcp-request connection rules see the real peer, session rules the header source (2.6.12: reset)', async () => {
  assert.match((await rawExchange(pRules, 'PROXY TCP4 1.2.3.4 5.6.7.8 1 2\r\n' + REQ)).data, /^HTTP\/1\.1 200 OK/);
  const r = await rawExchange(pRules, 'PROXY TCP4 9.9.9.9 5.6.7.8 1 2\r\n' + REQ);
  assert.deepEqual([r.data, r.error], ['', 'ECONNRESET']);
  assert.match((await rawExchange(pRules, 'PROXY TCP4 8.8.8.8 5.6.7.8 1 2\r\n' + REQ)).data, /^HTTP\/1\.1 200 OK/);
});
