/*
 * `http-check send-state` adds 2.6's X-Haproxy-Server-State header to each check request. Golden values from haproxy
 * 2.6.12 on the same backend (s1 weight 7, backup s2, rise 2 fall 3, captured by a header-dumping server):
 * "UP 1/3; address=...; port=...; name=be/s1; node=<host>; weight=7/7; scur=0/0; qcur=0", then "UP; ..." once at
 * full health; the backup gets "weight=1/7".
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { startSluice, stopSluice, freePort, waitFor } from '../proxy-util.ts';
import type { Runtime } from '../../../proxy/runtime.ts';

const seen = new Set<string>();
const srv = createServer((req, res) => { const v = req.headers['x-haproxy-server-state']; if (typeof v === 'string') seen.add(v); res.end('ok'); });
let rt: Runtime | null = null;
after(async () => { if (rt !== null) await stopSluice(rt); srv.close(); });

test('check requests carry X-Haproxy-Server-State as haproxy 2.6.12 sends it', async () => {
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as AddressInfo).port;
  rt = await startSluice(`defaults
  mode http
  timeout connect 1s
  timeout client 1s
  timeout server 1s
backend be
  option httpchk GET /h
  http-check send-state
  server s1 127.0.0.1:${port} check inter 100 weight 7
  server s2 127.0.0.1:${port} check inter 100 backup
frontend f
  bind 127.0.0.1:${await freePort()}
  default_backend be
`);
  const tail = (s: string, w: string): string => `; address=127.0.0.1; port=${port}; name=be/${s}; node=${hostname()}; weight=${w}; scur=0/0; qcur=0`;
  const want = ['UP 1/3' + tail('s1', '7/7'), 'UP' + tail('s1', '7/7'), 'UP 1/3' + tail('s2', '1/7'), 'UP' + tail('s2', '1/7')];
  await waitFor(() => want.every((w) => seen.has(w)), 3000);
  assert.deepEqual([...seen].sort(), want.sort());
});
