/*
 * Timers of TLS connections as haproxy 2.6.12 logs them (checked by hand with the same client on haproxy: "Th=207
 * Ti=151 TR=0 Ta=0 Tt=358 Tq=358" then "Th=0 Ti=101 ... Tt=101" for the second request): %Th is the time from the TCP
 * accept to the end of the handshake (first request of a connection only), %Ti the idle time after it, %Tt and %Tq
 * count from the accept.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import net from 'node:net';
import tls from 'node:tls';
import { startSluice, stopSluice, freePort, waitFor, sleep } from '../proxy-util.ts';
import type { Runtime } from '../../../proxy/runtime.ts';
import { closeLogSinks } from '../../../proxy/log/sender.ts';
import { SSL_FIXTURES as F, rawLogHead } from './log-scenario.ts';

const got: string[] = [];
let udp: dgram.Socket;
let rt: Runtime;
let port = 0;

before(async () => {
  udp = dgram.createSocket('udp4');
  udp.on('message', (m) => got.push(m.toString('latin1').replace(/\n$/, '')));
  await new Promise<void>((r) => udp.bind(0, '127.0.0.1', r));
  port = await freePort();
  rt = await startSluice(`${rawLogHead(udp.address().port)}frontend fe
  bind 127.0.0.1:${port} ssl crt ${F}certs/www.pem
  log-format "Th=%Th Ti=%Ti TR=%TR Tt=%Tt Tq=%Tq %HP"
  http-request return status 200 content-type text/plain string ok
`);
});

after(async () => {
  await stopSluice(rt);
  closeLogSinks();
  udp.close();
});

test('%Th counts the handshake from the TCP accept, %Ti the idle time after it; the next request has no %Th', async () => {
  const s = net.connect(port, '127.0.0.1');
  await new Promise((r) => s.once('connect', r));
  await sleep(200);                                    // connected, no handshake yet
  const t = tls.connect({ socket: s, rejectUnauthorized: false });
  await new Promise((r) => t.once('secureConnect', r));
  await sleep(150);                                    // handshaken, idle
  t.write('GET /first HTTP/1.1\r\nHost: x\r\n\r\n');
  await new Promise((r) => t.once('data', r));
  await sleep(100);
  t.write('GET /second HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  t.on('data', () => {});
  await new Promise((r) => t.once('close', r));
  await waitFor(() => got.length >= 2, 3000);
  const v = got.map((l) => Object.fromEntries(l.split(' ').filter((w) => w.includes('=')).map((w) => [w.split('=')[0], Number(w.split('=')[1])])));
  assert.ok(v[0].Th >= 190 && v[0].Th < 1000, got[0]);
  assert.ok(v[0].Ti >= 140 && v[0].Ti < v[0].Th, got[0]);
  assert.ok(v[0].Tt >= v[0].Th + v[0].Ti, got[0]);
  assert.equal(v[0].Tq, v[0].Th + v[0].Ti + v[0].TR, got[0]);
  assert.equal(v[1].Th, 0, got[1]);
  assert.ok(v[1].Ti >= 90 && v[1].Tt < 1000, got[1]);
  assert.match(got[1], /\/second$/);
});
