/*
 * Request bodies on their way to the server, as haproxy 2.6.12 handles them (compared side by side): a server that
 * reads slower than the client sends holds the client back (Sluice buffered the whole upload in memory: 200 MiB
 * to a server not reading took 260 MB of RSS), and an upload that lasts longer than `timeout server` goes on while
 * the server is written to (Sluice answered 504 sH-- once `timeout server` had passed since the request head). The
 * same holds back a server whose chunked response the client does not read (it was buffered whole: 64 MiB chunked to
 * a client not reading took 128 MB of RSS), and such a client meets `timeout client`, not the server's.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, connect, type Socket } from 'node:net';
import { freePort, startSluice, stopSluice, sleep, waitFor } from '../proxy-util.ts';
import { logCollector } from './harness.ts';
import type { Runtime } from '../../../proxy/runtime.ts';

const held: Socket[] = [];
const rts: Runtime[] = [];
after(async () => { for (const c of held) c.destroy(); for (const r of rts) await stopSluice(r); });

/** Sluice in front of a server whose connections `onConn` handles; returns the frontend port. */
async function proxy(onConn: (c: Socket) => void, timeouts: string): Promise<number> {
  const srv = createServer((c) => { held.push(c); c.on('error', () => {}); onConn(c); });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  after(() => srv.close());
  const port = await freePort();
  rts.push(await startSluice(`
defaults
  mode http
  timeout connect 2s
  ${timeouts}
frontend fe
  bind 127.0.0.1:${port}
  default_backend be
backend be
  server s1 127.0.0.1:${(srv.address() as { port: number }).port}
`));
  return port;
}

test('a server that does not read holds the uploading client back (no unbounded buffering)', async () => {
  const port = await proxy((c) => c.pause(), 'timeout client 5s\n  timeout server 5s');
  const c = connect(port, '127.0.0.1');
  c.on('error', () => {});
  held.push(c);
  await new Promise<void>((r) => c.on('connect', () => r()));
  const total = 64 << 20;
  c.write(`POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: ${total}\r\n\r\n`);
  const mib = Buffer.alloc(1 << 20, 97);
  let sent = 0;
  // write while the socket takes it, for at most 1.5 s
  const end = Date.now() + 1500;
  while (sent < total && Date.now() < end) {
    if (c.writableLength === 0) { c.write(mib); sent += mib.length; } else await sleep(20);
  }
  const accepted = sent - c.writableLength;
  // kernel socket buffers on the way (client, proxy in, proxy out, server) hold a few MiB each; all 64 did pass
  assert.ok(accepted < 32 << 20, `${accepted >> 20} MiB of the upload were taken in while the server read nothing`);
});

test('an upload slower than timeout server goes on while the server is written to', async () => {
  const N = 10;
  const port = await proxy((c) => {
    let acc = '';
    c.on('data', (d) => {
      acc += d.toString('latin1');
      const i = acc.indexOf('\r\n\r\n');
      if (i >= 0 && acc.length - i - 4 >= N) c.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
    });
  }, 'timeout client 5s\n  timeout server 300ms');
  const c = connect(port, '127.0.0.1');
  c.on('error', () => {});
  held.push(c);
  let reply = '';
  c.on('data', (d) => { reply += d.toString('latin1'); });
  await new Promise<void>((r) => c.on('connect', () => r()));
  c.write(`POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: ${N}\r\n\r\n`);
  for (let i = 0; i < N; i++) { await sleep(100); c.write('y'); }
  const end = Date.now() + 2000;
  while (!reply.endsWith('ok') && Date.now() < end) await sleep(20);
  assert.match(reply, /^HTTP\/1\.1 200 OK\r\n[^]*ok$/);
});

test('a client that does not read holds back a server sending a chunked response (no unbounded buffering)', async () => {
  let accepted = -1;
  const port = await proxy((c) => {
    c.once('data', () => {
      c.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n');
      const mib = Buffer.alloc(1 << 20, 98);
      const end = Date.now() + 1500;
      const pump = (): void => {
        while (Date.now() < end && c.bytesWritten - c.writableLength < 64 << 20) {
          c.write('100000\r\n'); c.write(mib);
          if (!c.write('\r\n')) { setTimeout(pump, 20); return; }
        }
        accepted = c.bytesWritten - c.writableLength;
      };
      pump();
    });
  }, 'timeout client 5s\n  timeout server 5s');
  const c = connect(port, '127.0.0.1', () => { c.write('GET /big HTTP/1.1\r\nHost: x\r\n\r\n'); c.pause(); });
  c.on('error', () => {});
  held.push(c);
  const end = Date.now() + 4000;
  while (accepted < 0 && Date.now() < end) await sleep(50);
  assert.ok(accepted >= 0, 'the server stopped writing');
  assert.ok(accepted < 32 << 20, `${accepted >> 20} MiB of the response were taken in while the client read nothing`);
});

test('a client that does not read its response meets timeout client (cD--), timeout server waiting meanwhile', async () => {
  // haproxy 2.6.12 side by side (timeout server 1s, client 2s, 5 MB not read): `cD--`, Ta 2066-2133 ms; Sluice
  // ended it at timeout server (`sD--`, Ta ~1000) as the server, held back, sent nothing more
  const logs = await logCollector();
  after(() => logs.sock.close());
  const body = Buffer.alloc(8 << 20, 99);
  const port = await proxy((c) => {
    c.once('data', () => { c.write(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n`); c.write(body); });
  }, `timeout client 1200ms\n  timeout server 300ms\n  log 127.0.0.1:${logs.port} local0\n  option httplog`);
  const c = connect(port, '127.0.0.1', () => { c.write('GET /big HTTP/1.1\r\nHost: x\r\n\r\n'); c.pause(); });
  c.on('error', () => {});
  held.push(c);
  await waitFor(() => logs.lines.length > 0, 4000);
  const m = / \d+\/\d+\/\d+\/\d+\/(\d+) 200 \d+ - - (\S{4}) /.exec(logs.lines[0]);
  assert.ok(m !== null, logs.lines[0]);
  assert.equal(m[2], 'cD--');
  assert.ok(Number(m[1]) >= 1200, `Ta ${m[1]}`);
});
