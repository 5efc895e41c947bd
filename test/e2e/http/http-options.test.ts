/*
 * option http-ignore-probes, option http-pretend-keepalive and option idle-close-on-response, with what HAProxy
 * 2.6.12 does (checked by hand with the same configuration): an empty connection closed or timed out on a frontend
 * with http-ignore-probes gets no answer and no log line (a partial request still gets its 408); in close modes
 * pretend-keepalive sends the server no `connection: close` (`connection: keep-alive` for an HTTP/1.0 request).
 * Also: a <BADREQ> line is dated from the connection, not 1970.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startSluice, stopSluice } from '../proxy-util.ts';
import { countersLogs } from './counters-scenario.ts';
import { freeLoopbackPort, rawRequest } from './golden-util.ts';
import { closeLogSinks } from '../../../proxy/log/sender.ts';
import type { Runtime } from '../../../proxy/runtime.ts';

let rt: Runtime;
let fe = 0, fe2 = 0;
let logs: Awaited<ReturnType<typeof countersLogs>>;
let echo: net.Server;

/** Connects, optionally writes `data`, ends after `endMs` (or not); everything received until close (2 s bound). */
function probe(port: number, data: string, endMs: number): Promise<string> {
  return new Promise((resolve) => {
    const c = net.connect(port, '127.0.0.1');
    let out = '';
    const t = setTimeout(() => { c.destroy(); resolve(out + '[open]'); }, 2000);
    c.on('data', (d) => { out += d.toString('latin1'); });
    c.on('error', () => {});
    c.on('close', () => { clearTimeout(t); resolve(out); });
    c.on('connect', () => { if (data !== '') c.write(data); if (endMs >= 0) setTimeout(() => c.end(), endMs); });
  });
}

before(async () => {
  echo = net.createServer((c) => {
    c.on('error', () => {});
    c.on('data', (d) => c.write(`HTTP/1.1 200 OK\r\ncontent-length: ${d.length}\r\n\r\n${d.toString('latin1')}`));
  });
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', () => r()));
  logs = await countersLogs();
  fe = await freeLoopbackPort();
  fe2 = await freeLoopbackPort();
  rt = await startSluice(`defaults
    mode http
    log 127.0.0.1:${logs.port} local0
    option httplog
    timeout connect 1s
    timeout client 5s
    timeout server 5s
    timeout http-request 200ms
frontend plain
    bind 127.0.0.1:${fe}
    default_backend be
frontend probes
    bind 127.0.0.1:${fe2}
    option http-ignore-probes
    option idle-close-on-response
    default_backend be
backend be
    option http-server-close
    option http-pretend-keepalive
    server s1 127.0.0.1:${(echo.address() as net.AddressInfo).port}
`);
});
after(async () => { await stopSluice(rt); closeLogSinks(); logs.sock.close(); echo.close(); });

test('http-ignore-probes: empty connections closed or timed out get nothing and are not logged', async () => {
  assert.equal(await probe(fe2, '', 30), '');
  assert.equal(await probe(fe2, '', -1), '');
  assert.match(await probe(fe2, 'GET / HT', -1), /^HTTP\/1\.1 408 Request Time-out\r\n/);
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(logs.lines.filter((l) => l.includes(' probes ')).length, 1);
});

test('without it the same empty connections get a 400 and a 408, logged with the date of the connection', async () => {
  logs.lines.length = 0;
  assert.match(await probe(fe, '', 30), /^HTTP\/1\.1 400 Bad request\r\n/);
  assert.match(await probe(fe, '', -1), /^HTTP\/1\.1 408 Request Time-out\r\n/);
  await new Promise((r) => setTimeout(r, 100));
  const lines = logs.lines.filter((l) => l.includes(' plain '));
  assert.equal(lines.length, 2);
  const year = String(new Date().getFullYear());
  for (const l of lines) assert.ok(l.includes('/' + year + ':'), l);
});

test('http-pretend-keepalive: no connection: close toward the server, keep-alive for HTTP/1.0', async () => {
  const r11 = await rawRequest(fe, 'GET /a HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n');
  assert.ok(r11.endsWith('\r\n\r\nGET /a HTTP/1.1\r\nhost: x\r\n\r\n'), r11);
  const r10 = await rawRequest(fe, 'GET /b HTTP/1.0\r\n\r\n');
  assert.ok(r10.endsWith('\r\n\r\nGET /b HTTP/1.0\r\nconnection: keep-alive\r\n\r\n'), r10);
});
