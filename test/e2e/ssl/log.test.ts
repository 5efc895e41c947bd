/*
 * TLS log lines against haproxy 2.6.12 (fixtures/ssl/logs, see CMD): handshake failures ("SSL handshake failure",
 * "Connection closed during SSL handshake") named <frontend>/<bind name or number>, option httpslog, %sslv/%sslc and
 * the ssl_* fetches in a log-format (client certificate DNs), '~' after the frontend name, tcplog on a TLS mode tcp
 * frontend, httpslog on a plain bind. Compared masked (addresses, dates, timers).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import net from 'node:net';
import { readFileSync } from 'node:fs';
import { startSluice, stopSluice, freePort, waitFor } from '../proxy-util.ts';
import type { Runtime } from '../../../proxy/runtime.ts';
import { closeLogSinks } from '../../../proxy/log/sender.ts';
import { sslLogConfig, runSslLogScenario, maskSslLog, SSL_FIXTURES } from './log-scenario.ts';

const want = readFileSync(SSL_FIXTURES + 'logs/haproxy.log', 'latin1').trimEnd().split('\n');
const got: string[] = [];
let udp: dgram.Socket;
let be: net.Server;
let rt: Runtime;

before(async () => {
  udp = dgram.createSocket('udp4');
  udp.on('message', (m) => got.push(m.toString('latin1').replace(/\n$/, '')));
  await new Promise<void>((r) => udp.bind(0, '127.0.0.1', r));
  be = net.createServer((s) => { s.on('error', () => {}); s.end('tcp-backend\n'); });
  await new Promise<void>((r) => be.listen(0, '127.0.0.1', r));
  const ports = {
    log: udp.address().port, https: await freePort(), fmt: await freePort(), tcp: await freePort(), plain: await freePort(),
    quiet: await freePort(), slow: await freePort(), mtls: await freePort(), pp: await freePort(),
    backend: (be.address() as net.AddressInfo).port,
  };
  rt = await startSluice(sslLogConfig(ports));
  await runSslLogScenario(ports);
  await waitFor(() => got.length >= want.length, 3000);
});

after(async () => {
  await stopSluice(rt);
  closeLogSinks();
  udp.close();
  be.close();
});

test('handshake failures are logged as haproxy 2.6 logs them', () => {
  assert.deepEqual(got.slice(0, 3).map(maskSslLog), want.slice(0, 3));
});

test('option httpslog lines (SNI, version, cipher, error fields) match haproxy 2.6', () => {
  assert.deepEqual(got.slice(3, 5).map(maskSslLog), want.slice(3, 5));
});

test('%sslv, %sslc and the ssl_fc/ssl_c/ssl_f fetches in a log-format match haproxy 2.6 (verify optional refusing a self-signed one)', () => {
  assert.deepEqual(got.slice(5, 8).map(maskSslLog), want.slice(5, 8));
});

test('tcplog on a TLS mode tcp frontend and httpslog on a plain bind match haproxy 2.6', () => {
  assert.deepEqual(got.slice(8, 10).map(maskSslLog), want.slice(8, 10));
});

test('dontlognull keeps only the bad handshake; a silent client times out after timeout client, as 2.6', () => {
  assert.deepEqual(got.slice(10, 12).map(maskSslLog), want.slice(10, 12));
});

test('verify required: no client certificate, an untrusted one (TLS 1.2 and 1.3), then a good one, as 2.6 logs them', () => {
  assert.deepEqual(got.slice(12, 17).map(maskSslLog), want.slice(12, 17));
});

test('accept-proxy ssl: the PROXY header (v1, v2) then TLS; the address from the header in the lines, as 2.6', () => {
  assert.deepEqual(got.slice(17).map(maskSslLog), want.slice(17));
  assert.equal(want.length, 20);
  assert.match(got[17], /^203\.0\.113\.7:40000 /);
});
