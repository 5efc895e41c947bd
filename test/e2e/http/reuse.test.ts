/*
 * Server connection reuse and response forwarding shapes on the fast path: a server connection parked in the idle
 * pool from inside its own 'data' event serves the next requests (one backend connection for a keep-alive client,
 * also for pipelined requests), small responses (head + body in one write) and large ones (body streamed) arrive
 * byte for byte, also when the client reads slowly while other sessions read from their servers (shared read
 * buffer kept by queued writes).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startSluice, freePort, keepAliveBackend, type KeepAliveBackend, type Running } from './harness.ts';

const BIG = Buffer.alloc(200_000, 0x62);
/** 24 MB (more than the loopback socket buffers hold) that no buffer reuse can corrupt unnoticed: byte i is i % 251. */
const HUGE = Buffer.alloc(24_000_000);
for (let i = 0; i < HUGE.length; i++) HUGE[i] = i % 251;
let px: Running;
let be: KeepAliveBackend;

function reply(path: string): Buffer {
  const body = path === '/big' ? BIG : path === '/huge' ? HUGE : Buffer.from('hello');
  return Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\nConnection: keep-alive\r\nX-Path: ${path}\r\n\r\n`), body]);
}

/** The frontend fe -> backend be configuration of these tests; `backendLines` ends the backend section. */
async function reuseConfig(backendLines: string): Promise<string> {
  return `defaults
  mode http
  timeout client 5s
  timeout server 5s
  timeout connect 2s
frontend fe
  bind 127.0.0.1:${await freePort()}
  default_backend be
backend be
${backendLines}
`;
}

before(async () => {
  be = await keepAliveBackend(reply);
  px = await startSluice(await reuseConfig('  http-reuse safe\n  server s1 127.0.0.1:' + be.port));
});
after(async () => {
  await px.close();
  for (const s of be.open) s.destroy();      // the idle pooled connection
  await new Promise((r) => be.server.close(r));
});

/** Sends `req` on `sock` and resolves with the bytes received once `want` responses with bodies are complete. */
function roundTrip(sock: net.Socket, req: string, want: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let acc = Buffer.alloc(0);
    const timer = setTimeout(() => { sock.off('data', onData); reject(new Error('timeout: ' + acc.toString('latin1', 0, 300))); }, 4000);
    function complete(): number {
      let off = 0, n = 0;
      for (;;) {
        const e = acc.indexOf('\r\n\r\n', off);
        if (e < 0) return n;
        const m = /content-length: (\d+)/.exec(acc.toString('latin1', off, e));
        const end = e + 4 + (m ? Number(m[1]) : 0);
        if (end > acc.length) return n;
        n++; off = end;
      }
    }
    function onData(d: Buffer): void {
      acc = Buffer.concat([acc, d]);
      if (complete() >= want) { clearTimeout(timer); sock.off('data', onData); resolve(acc.toString('latin1')); }
    }
    sock.on('data', onData);
    sock.write(req);
  });
}

const expectSmall = (path: string) => `HTTP/1.1 200 OK\r\ncontent-length: 5\r\nx-path: ${path}\r\n\r\nhello`;

test('sequential keep-alive requests share one server connection and get the exact response bytes', async () => {
  be.conns = 0; be.requests = 0;
  const sock = net.connect(px.port('fe'), '127.0.0.1');
  await new Promise((r) => sock.once('connect', r));
  for (let i = 0; i < 5; i++) {
    const got = await roundTrip(sock, `GET /s${i} HTTP/1.1\r\nHost: x\r\n\r\n`, 1);
    assert.equal(got, expectSmall(`/s${i}`));
  }
  sock.destroy();
  assert.equal(be.requests, 5);
  assert.equal(be.conns, 1);
});

test('pipelined requests are answered in order over the reused server connection', async () => {
  be.conns = 0; be.requests = 0;
  const sock = net.connect(px.port('fe'), '127.0.0.1');
  await new Promise((r) => sock.once('connect', r));
  const got = await roundTrip(sock, 'GET /p1 HTTP/1.1\r\nHost: x\r\n\r\nGET /p2 HTTP/1.1\r\nHost: x\r\n\r\nGET /p3 HTTP/1.1\r\nHost: x\r\n\r\n', 3);
  assert.equal(got, expectSmall('/p1') + expectSmall('/p2') + expectSmall('/p3'));
  sock.destroy();
  assert.equal(be.requests, 3);
  assert.ok(be.conns <= 1, `server connections opened: ${be.conns}`);
});

test('a large response body is streamed whole, then the connection serves a small one', async () => {
  const sock = net.connect(px.port('fe'), '127.0.0.1');
  await new Promise((r) => sock.once('connect', r));
  const big = await roundTrip(sock, 'GET /big HTTP/1.1\r\nHost: x\r\n\r\n', 1);
  const head = `HTTP/1.1 200 OK\r\ncontent-length: ${BIG.length}\r\nx-path: /big\r\n\r\n`;
  assert.equal(big.length, head.length + BIG.length);
  assert.equal(big.slice(0, head.length), head);
  assert.ok(Buffer.from(big.slice(head.length), 'latin1').equals(BIG));
  assert.equal(await roundTrip(sock, 'GET /after HTTP/1.1\r\nHost: x\r\n\r\n', 1), expectSmall('/after'));
  sock.destroy();
});

test('a slow client gets a 24 MB body intact while other sessions keep reading from their servers', async () => {
  const slow = net.connect(px.port('fe'), '127.0.0.1');
  const busy = net.connect(px.port('fe'), '127.0.0.1');
  await Promise.all([new Promise((r) => slow.once('connect', r)), new Promise((r) => busy.once('connect', r))]);
  const head = `HTTP/1.1 200 OK\r\ncontent-length: ${HUGE.length}\r\nx-path: /huge\r\n\r\n`;
  const chunks: Buffer[] = [];
  let got = 0;
  const done = new Promise<void>((resolve) => {
    slow.on('data', (d: Buffer) => {
      chunks.push(d);
      got += d.length;
      if (chunks.length === 1) { slow.pause(); setTimeout(() => slow.resume(), 300); }
      if (got >= head.length + HUGE.length) resolve();
    });
  });
  slow.write('GET /huge HTTP/1.1\r\nHost: x\r\n\r\n');
  const bigHead = `HTTP/1.1 200 OK\r\ncontent-length: ${BIG.length}\r\nx-path: /big\r\n\r\n`;
  for (let i = 0; i < 20; i++) assert.equal(await roundTrip(busy, 'GET /big HTTP/1.1\r\nHost: x\r\n\r\n', 1), bigHead + BIG.toString('latin1'));
  let guard: NodeJS.Timeout | undefined;
  await Promise.race([done, new Promise((_, rej) => { guard = setTimeout(() => rej(new Error(`only ${got} bytes`)), 8000); })]);
  clearTimeout(guard);
  const all = Buffer.concat(chunks);
  assert.equal(all.toString('latin1', 0, head.length), head);
  assert.equal(all.length, head.length + HUGE.length);
  assert.ok(all.subarray(head.length).equals(HUGE), 'body bytes intact');
  slow.destroy();
  busy.destroy();
});

test('a unix socket server keeps its connection for the next requests (port 0 is no "connect to the destination")', async () => {
  const path = `/tmp/sluice-reuse-${process.pid}.sock`;
  let conns = 0;
  const srv = net.createServer((s) => {
    conns++;
    s.on('error', () => {});
    s.on('data', (d) => { for (const m of d.toString('latin1').matchAll(/GET (\S+)/g)) s.write(reply(m[1])); });
  });
  await new Promise<void>((r) => srv.listen(path, r));
  const ux = await startSluice(await reuseConfig('  server u ' + path));
  try {
    const sock = net.connect(ux.port('fe'), '127.0.0.1');
    await new Promise((r) => sock.once('connect', r));
    for (let i = 0; i < 3; i++) assert.equal(await roundTrip(sock, `GET /u${i} HTTP/1.1\r\nHost: x\r\n\r\n`, 1), expectSmall(`/u${i}`));
    sock.destroy();
    assert.equal(conns, 1);
  } finally {
    await ux.close();
    await new Promise((r) => srv.close(r));
  }
});
