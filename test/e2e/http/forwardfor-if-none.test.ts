/*
 * `option forwardfor if-none` adds X-Forwarded-For only to requests that have none, as haproxy 2.6.12 (checked with
 * curl: a request carrying "X-Forwarded-For: 1.2.3.4" reaches the server with that value alone); without if-none the
 * client address is added as a second header.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startSluice, stopSluice, freePort, exchange } from '../proxy-util.ts';
import type { Runtime } from '../../../proxy/runtime.ts';

const srv = createServer((req, res) => { res.end(JSON.stringify(req.rawHeaders.filter((_v, i) => i % 2 === 0 && /^x-forwarded-for$/i.test(req.rawHeaders[i]!)).length) + ' ' + (req.headers['x-forwarded-for'] ?? '')); });
let rt: Runtime | null = null;
after(async () => { if (rt !== null) await stopSluice(rt); srv.close(); });

test('if-none keeps a client X-Forwarded-For alone and adds one when missing; plain forwardfor always adds', async () => {
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const sp = (srv.address() as AddressInfo).port;
  const p1 = await freePort();
  const p2 = await freePort();
  rt = await startSluice(`defaults
  mode http
  timeout connect 1s
  timeout client 2s
  timeout server 2s
frontend f1
  bind 127.0.0.1:${p1}
  option forwardfor if-none
  default_backend be
frontend f2
  bind 127.0.0.1:${p2}
  option forwardfor
  default_backend be
backend be
  server s 127.0.0.1:${sp}
`);
  const body = async (port: number, hdr: string): Promise<string> => {
    const r = await exchange(port, `GET / HTTP/1.1\r\nhost: a\r\n${hdr}connection: close\r\n\r\n`);
    return r.slice(r.indexOf('\r\n\r\n') + 4);
  };
  assert.equal(await body(p1, 'x-forwarded-for: 1.2.3.4\r\n'), '1 1.2.3.4');
  assert.equal(await body(p1, ''), '1 127.0.0.1');
  assert.equal(await body(p2, 'x-forwarded-for: 1.2.3.4\r\n'), '2 1.2.3.4, 127.0.0.1');
});
