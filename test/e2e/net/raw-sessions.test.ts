// HTTP sessions over RawSocket (proxy/net) end to end: Connection: close sessions leave no descriptor behind, a
// refused server connection is a 503, a server reset mid-body and a client half-close after its request behave, a
// slow reader gets a big body intact (backpressure both ways).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect, createServer } from 'node:net';
import type { Socket, Server } from 'node:net';
import { readdirSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { freePort, startSluice, stopSluice, waitFor, sleep } from '../proxy-util.ts';
import { backendStats } from '../../../proxy/backend/connect.ts';
import type { Runtime } from '../../../proxy/runtime.ts';

const BIG = Buffer.alloc(3 << 20, 0x62);

/** A keep-alive HTTP/1.1 origin: /big sends 3 MiB, /reset sends half a body then resets, else 5 bytes. */
function origin(): Promise<{ server: Server; port: number }> {
  const server = createServer((s: Socket) => {
    s.on('error', () => {});
    let acc = '';
    s.on('data', (d) => {
      acc += d.toString('latin1');
      let i: number;
      while ((i = acc.indexOf('\r\n\r\n')) >= 0) {
        const head = acc.slice(0, i);
        acc = acc.slice(i + 4);
        const path = head.split(' ')[1];
        if (path === '/big') { s.write(`HTTP/1.1 200 OK\r\ncontent-length: ${BIG.length}\r\n\r\n`); s.write(BIG); }
        else if (path === '/reset') { s.write('HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n0123456789'); setTimeout(() => s.resetAndDestroy(), 20); }
        else s.write('HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nhello');
      }
    });
  });
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r({ server, port: (server.address() as { port: number }).port })));
}

const up = await origin();
const rts: Runtime[] = [];
after(async () => { for (const r of rts) await stopSluice(r); up.server.close(); });

async function proxy(serverPort: number | string, extra = '', bind = ''): Promise<number> {
  const p = await freePort();
  const addr = typeof serverPort === 'number' ? `127.0.0.1:${serverPort}` : serverPort;
  rts.push(await startSluice(`defaults\n  mode http\n  timeout connect 1s\n  timeout client 5s\n  timeout server 5s\n${extra}` +
    `frontend fe\n  bind ${bind !== '' ? bind : `127.0.0.1:${p}`}\n  default_backend be\nbackend be\n  server s ${addr}\n`));
  return p;
}

/** Sends `req`, optionally half-closes, and resolves with everything received until the proxy closes. */
function request(port: number | string, req: string, halfClose = false, slowMs = 0): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const c = typeof port === 'number' ? connect(port, '127.0.0.1') : connect(port);
    const chunks: Buffer[] = [];
    const t = setTimeout(() => { c.destroy(); reject(new Error('timeout: ' + Buffer.concat(chunks).toString('latin1').slice(0, 200))); }, 8000);
    c.on('connect', () => { c.write(req); if (halfClose) c.end(); });
    c.on('data', (d: Buffer) => {
      chunks.push(d);
      if (slowMs > 0 && chunks.length === 1) { c.pause(); setTimeout(() => c.resume(), slowMs); }
    });
    c.on('error', () => {});
    c.on('close', () => { clearTimeout(t); resolve(Buffer.concat(chunks)); });
  });
}

const fds = (): number => readdirSync('/proc/self/fd').length;

test('Connection: close sessions (http-server-close) are answered and leave no descriptor open', async () => {
  const p = await proxy(up.port, '  option http-server-close\n');
  await request(p, 'GET / HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n');
  await sleep(50);
  const before = fds();
  for (let i = 0; i < 150; i++) {
    const r = (await request(p, 'GET / HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n')).toString('latin1');
    assert.match(r, /^HTTP\/1\.1 200 OK\r\n/);
    assert.ok(r.endsWith('\r\n\r\nhello'), r);
  }
  await waitFor(() => fds() <= before + 2);
});

test('a refused server connection is answered 503 and counted as a connect error', async () => {
  const dead = await freePort();
  const p = await proxy(dead, '  retries 0\n');
  const errs = backendStats.connectErrors;
  const r = (await request(p, 'GET / HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n')).toString('latin1');
  assert.match(r, /^HTTP\/1\.1 503 /);
  assert.ok(backendStats.connectErrors > errs);
});

test('a server reset in the middle of the body closes the client without the rest', async () => {
  const p = await proxy(up.port);
  const r = (await request(p, 'GET /reset HTTP/1.1\r\nhost: x\r\n\r\n')).toString('latin1');
  assert.match(r, /^HTTP\/1\.1 200 OK\r\n/);
  assert.ok(r.endsWith('\r\n\r\n0123456789'), r);
});

test('a client that half-closes right after its request still gets the whole response', async () => {
  const p = await proxy(up.port);
  const r = (await request(p, 'GET / HTTP/1.1\r\nhost: x\r\n\r\n', true)).toString('latin1');
  assert.match(r, /^HTTP\/1\.1 200 OK\r\n/);
  assert.ok(r.endsWith('\r\n\r\nhello'), r);
});

test('a reader that pauses gets a 3 MiB body intact through the backpressure of both sockets', async () => {
  const p = await proxy(up.port);
  const r = await request(p, 'GET /big HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n', false, 200);
  const head = r.indexOf('\r\n\r\n') + 4;
  assert.equal(r.length - head, BIG.length);
  assert.ok(r.subarray(head).equals(BIG));
});

test('unix sockets on both sides (bind on a path, server on a path) and a server named by host name', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-rawsock-'));
  const upPath = join(dir, 'up.sock');
  const unixUp = createServer((s: Socket) => { s.on('error', () => {}); s.on('data', () => s.end('HTTP/1.1 200 OK\r\ncontent-length: 4\r\n\r\nunix')); });
  await new Promise<void>((r) => unixUp.listen(upPath, () => r()));
  try {
    const fePath = join(dir, 'fe.sock');
    await proxy(upPath, '', fePath);
    const r = (await request(fePath, 'GET / HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n')).toString('latin1');
    assert.match(r, /^HTTP\/1\.1 200 OK\r\n/);
    assert.ok(r.endsWith('\r\n\r\nunix'), r);
    const p = await proxy(`localhost:${up.port}`);
    const r2 = (await request(p, 'GET / HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n')).toString('latin1');
    assert.ok(r2.endsWith('\r\n\r\nhello'), r2);
  } finally { unixUp.close(); }
});
