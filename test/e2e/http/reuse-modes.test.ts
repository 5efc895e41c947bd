/*
 * `http-reuse never|safe|aggressive|always` decide whether a session's FIRST request may take another session's idle
 * server connection. Four client sessions in a row (2 requests, then 1, 1 and 3; or 1, 1, 1, 3) on a keep-alive
 * backend; the backend's connection count after each session is what HAProxy 2.6.12 gave on the same sequence
 * (measured with /usr/sbin/haproxy: safe 1,2,3,4 in both; aggressive 1,1,1,1 after a 2-request session (the
 * connection is then proven reusable) but 1,2,3,4 after single requests; always 1,1,1,1; never 1,2,3,4).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startSluice, freePort, keepAliveBackend, type KeepAliveBackend, type Running } from './harness.ts';

let be: KeepAliveBackend;
const running: Running[] = [];

before(async () => {
  be = await keepAliveBackend(() => 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
});

after(async () => {
  for (const r of running) await r.close();
  for (const s of be.open) s.destroy();   // the proxy runs in this process: its idle pooled connections end here
  be.server.close();
});

/** One client connection sending `n` requests one after the other; resolves once it is closed. Bounded. */
function session(port: number, n: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const c = net.connect(port, '127.0.0.1');
    let got = 0;
    let buf = '';
    const t = setTimeout(() => { c.destroy(); reject(new Error(`session of ${n} got ${got} replies in 3 s`)); }, 3000);
    const send = (): void => { c.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n'); };
    c.on('connect', send);
    c.on('data', (d) => {
      buf += d.toString('latin1');
      let i;
      while ((i = buf.indexOf('\r\n\r\nok')) >= 0) {
        buf = buf.slice(i + 6);
        if (++got < n) send();
        else c.end();
      }
    });
    c.on('close', () => { clearTimeout(t); setTimeout(resolve, 50); });
    c.on('error', () => {});
  });
}

async function connsAfterSessions(mode: string, sessions: number[]): Promise<number[]> {
  const port = await freePort();
  const px = await startSluice(`defaults
  mode http
  timeout client 5s
  timeout server 5s
  timeout connect 2s
frontend fe
  bind 127.0.0.1:${port}
  default_backend be
backend be
  http-reuse ${mode}
  server s1 127.0.0.1:${be.port}
`);
  running.push(px);
  const start = be.conns;
  const out: number[] = [];
  for (const n of sessions) {
    await session(px.port('fe'), n);
    out.push(be.conns - start);
  }
  return out;
}

test('http-reuse safe: the first request of every session gets a connection of its own', async () => {
  assert.deepEqual(await connsAfterSessions('safe', [2, 1, 1, 3]), [1, 2, 3, 4]);
});

test('http-reuse aggressive: a first request takes only a connection that already carried 2 requests', async () => {
  assert.deepEqual(await connsAfterSessions('aggressive', [2, 1, 1, 3]), [1, 1, 1, 1]);
  assert.deepEqual(await connsAfterSessions('aggressive', [1, 1, 1, 3]), [1, 2, 3, 4]);
});

test('http-reuse never: a session reuses only its own connection, closed when the session ends', async () => {
  const before = be.open.size;
  assert.deepEqual(await connsAfterSessions('never', [2, 1, 1, 3]), [1, 2, 3, 4]);
  for (let i = 0; i < 40 && be.open.size > before; i++) await new Promise((r) => setTimeout(r, 25));
  assert.equal(be.open.size, before, 'no private connection left open after its session');
});

test('http-reuse always: any idle connection serves a first request', async () => {
  assert.deepEqual(await connsAfterSessions('always', [1, 1, 1, 3]), [1, 1, 1, 1]);
});
