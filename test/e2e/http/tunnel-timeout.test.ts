/*
 * `timeout tunnel` of an upgraded (WebSocket) connection is an inactivity timeout: data in either direction starts it
 * again, as in haproxy 2.6.12 (compared side by side: one side sending a byte every 300 ms with `timeout tunnel 2s`
 * keeps the tunnel up). Sluice armed it once at the 101 and cut busy tunnels when it expired.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { startSluice, stopSluice, freePort } from '../proxy-util.ts';
import type { Runtime } from '../../../proxy/runtime.ts';

const origin = http.createServer();
const upgraded: net.Socket[] = [];
let rt: Runtime | null = null;
let port = 0;

before(async () => {
  // /push: the server sends a byte every 100 ms for 1.2 s; /sink: it reads and never writes
  origin.on('upgrade', (req, sock: net.Socket) => {
    upgraded.push(sock);
    sock.on('error', () => {});
    sock.write('HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: Upgrade\r\nsec-websocket-accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n');
    if (req.url === '/push') {
      let n = 0;
      const iv = setInterval(() => { if (++n > 12 || sock.destroyed) clearInterval(iv); else sock.write('x'); }, 100);
    }
    sock.resume();
  });
  await new Promise<void>((r) => origin.listen(0, '127.0.0.1', r));
  port = await freePort();
  rt = await startSluice(`defaults
  mode http
  timeout connect 2s
  timeout client 5s
  timeout server 5s
  timeout tunnel 300ms
frontend fe
  bind 127.0.0.1:${port}
  default_backend be
backend be
  server o 127.0.0.1:${(origin.address() as AddressInfo).port}
`);
});

after(async () => {
  if (rt !== null) await stopSluice(rt);
  for (const s of upgraded) s.destroy();
  origin.close();
});

/** Upgrades on `path`; `clientSends`: the client writes a byte every 100 ms for 1.2 s. Resolves when it closes. */
function tunnel(path: string, clientSends: boolean): Promise<{ ms: number; got: number }> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const c = net.connect(port, '127.0.0.1');
    let got = 0;
    let head = '';
    let iv: NodeJS.Timeout | null = null;
    const t = setTimeout(() => { c.destroy(); reject(new Error('still open after 4 s')); }, 4000);
    c.on('data', (d) => {
      if (head.includes('\r\n\r\n')) { got += d.length; return; }
      head += d.toString('latin1');
      const e = head.indexOf('\r\n\r\n');
      if (e < 0) return;
      got += head.length - e - 4;
      if (clientSends) {
        let n = 0;
        iv = setInterval(() => { if (++n > 12) clearInterval(iv as NodeJS.Timeout); else c.write('y'); }, 100);
      }
    });
    c.on('error', () => {});
    c.on('close', () => { clearTimeout(t); if (iv !== null) clearInterval(iv); resolve({ ms: Date.now() - t0, got }); });
    c.write(`GET ${path} HTTP/1.1\r\nhost: x\r\nconnection: Upgrade\r\nupgrade: websocket\r\nsec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==\r\nsec-websocket-version: 13\r\n\r\n`);
  });
}

test('a tunnel the server keeps sending on outlives timeout tunnel, then times out once idle', async () => {
  const r = await tunnel('/push', false);
  assert.equal(r.got, 12);
  assert.ok(r.ms >= 1300 && r.ms < 2500, `closed after ${r.ms} ms`);
});

test('a tunnel the client keeps sending on outlives timeout tunnel, then times out once idle', async () => {
  const r = await tunnel('/sink', true);
  assert.ok(r.ms >= 1300 && r.ms < 2500, `closed after ${r.ms} ms`);
});
