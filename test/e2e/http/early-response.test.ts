/*
 * Client inactivity around a response. A server that answers before the request body is all sent. haproxy 2.6.12 (fixtures/proxy/early-response: its log
 * lines and the clients that made them): when the server keeps its connection and the client then stalls, `timeout
 * client` ends the transaction, logged with the status and `cD--`; when the server closes after its answer, the
 * transaction is logged at once, `----`, and the client connection is closed. Sluice kept both kinds of connection
 * open forever (no timer armed, the client paused), never logging the second. A client that stops reading a
 * response is cut after `timeout client`, logged cD-- (Sluice waited for `timeout server` and logged sD--).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, connect, type Server, type Socket } from 'node:net';
import dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, startSluice, stopSluice, waitFor } from '../proxy-util.ts';
import { httpActiveSessions } from '../../../proxy/http/stream.ts';
import type { Runtime } from '../../../proxy/runtime.ts';

const GOLDEN = readFileSync(join(import.meta.dirname, '../../../fixtures/proxy/early-response/haproxy-2.6.12.log'), 'latin1')
  .split('\n').filter((l) => l !== '');
const held: Socket[] = [];
const lines: string[] = [];
const logSock = dgram.createSocket('udp4');
let backend: Server;
let rt: Runtime | null = null;
let port = 0;

before(async () => {
  // answers each request head at once: `/close` with 501 and its FIN, others 200 keeping the connection (and reading on)
  backend = createServer((c) => {
    held.push(c);
    c.on('error', () => {});
    let acc = '';
    let answered = false;
    c.on('data', (d) => {
      if (answered) return;
      acc += d.toString('latin1');
      if (!acc.includes('\r\n\r\n')) return;
      if (acc.includes(' /close ')) c.end('HTTP/1.1 501 Not Implemented\r\nContent-Length: 4\r\nConnection: close\r\n\r\nnope');
      else if (acc.includes(' /big ')) { c.write('HTTP/1.1 200 OK\r\nContent-Length: 16777216\r\n\r\n'); c.end(Buffer.alloc(16 << 20, 98)); }
      else c.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
      answered = true;
    });
  });
  await new Promise<void>((r) => backend.listen(0, '127.0.0.1', () => r()));
  await new Promise<void>((r) => logSock.bind(0, '127.0.0.1', () => r()));
  logSock.on('message', (m) => lines.push(m.toString('latin1')));
  port = await freePort();
  rt = await startSluice(`
global
  log 127.0.0.1:${logSock.address().port} local0
defaults
  mode http
  log global
  option httplog
  timeout connect 2s
  timeout client 600ms
  timeout server 5s
frontend fe
  bind 127.0.0.1:${port}
  default_backend be
backend be
  server s1 127.0.0.1:${(backend.address() as { port: number }).port}
`);
});

after(async () => {
  for (const c of held) c.destroy();
  backend.close();
  logSock.close();
  if (rt !== null) await stopSluice(rt);
});

/** Sends `head` then `body` (all of it, as fast as the proxy reads); resolves with the reply and when it closed. */
function upload(head: string, body: Buffer | null): Promise<{ reply: string; ms: number }> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const c = connect(port, '127.0.0.1', () => { c.write(head); if (body !== null) c.write(body); });
    let reply = '';
    c.on('data', (d) => { reply += d.toString('latin1'); });
    c.on('error', () => {});
    c.on('close', () => { clearTimeout(t); resolve({ reply, ms: Date.now() - t0 }); });
    const t = setTimeout(() => { c.destroy(); reject(new Error(`still open after 4 s; got ${JSON.stringify(reply.slice(0, 40))}`)); }, 4000);
  });
}

/** The part of a log line after the timers: status, bytes, cookies and termination state. */
function tail(line: string): string {
  const m = / (-?\d+ \d+ \S+ \S+ \S{4}) /.exec(line);
  assert.ok(m !== null, line);
  return m[1];
}

test('answered early, server keeps its connection, client stalls: timeout client, logged cD-- (as 2.6)', async () => {
  const n = lines.length;
  const r = await upload('POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n0123456789', null);
  assert.match(r.reply, /^HTTP\/1\.1 200 OK\r\n/);
  assert.ok(r.ms >= 500 && r.ms < 3000, `closed after ${r.ms} ms`);
  await waitFor(() => lines.length > n);
  assert.equal(tail(lines[n]), tail(GOLDEN[0]));
});

test('answered early and closed while a body is uploaded: logged ---- once the body is in, client connection closed', async () => {
  const body = Buffer.alloc(8 << 20, 97);
  for (const te of ['cl', 'chunked']) {
    const n = lines.length;
    const head = `PUT /close HTTP/1.1\r\nHost: x\r\n${te === 'cl' ? `Content-Length: ${body.length}` : 'Transfer-Encoding: chunked'}\r\n\r\n`;
    // (the whole body, last chunk included: 2.6 reads the rest of the body to its end before logging ----)
    const r = await upload(head, te === 'cl' ? body : Buffer.concat([Buffer.from(body.length.toString(16) + '\r\n'), body, Buffer.from('\r\n0\r\n\r\n')]));
    assert.match(r.reply, /^HTTP\/1\.1 501 Not Implemented\r\n[^]*\r\n\r\nnope$/, te);
    await waitFor(() => lines.length > n);
    assert.equal(tail(lines[n]), tail(GOLDEN[2]), te);
  }
  await waitFor(() => httpActiveSessions() === 0);
});

test('a client that stops reading a response: timeout client ends it, logged cD-- (as 2.6)', async () => {
  const n = lines.length;
  const t0 = Date.now();
  const c = connect(port, '127.0.0.1', () => { c.write('GET /big HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'); c.pause(); });
  c.on('error', () => {});
  await waitFor(() => lines.length > n, 4000);
  const ms = Date.now() - t0;
  c.destroy();
  assert.ok(ms >= 500 && ms < 3000, `logged after ${ms} ms`);
  const golden = GOLDEN.find((l) => l.includes('GET /big')) as string;
  assert.equal(tail(lines[n]).replace(/ \d+ - - /, ' B - - '), tail(golden).replace(/ \d+ - - /, ' B - - '));
});

test('the client timeouts above count as client aborts on the backend and its server (cli_abrt), as 2.6', () => {
  const be = (rt as Runtime).cfg.proxies.find((p) => p.name === 'be');
  assert.ok(be !== undefined);
  assert.equal(be.beCounters.cliAborts, 2);
  assert.equal(be.servers[0].counters.cliAborts, 2);
});
