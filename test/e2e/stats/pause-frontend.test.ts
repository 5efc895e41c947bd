/*
 * `disable frontend` closes the frontend's listening sockets: a new connection is refused at once (ECONNREFUSED), as
 * haproxy 2.6.12 does on Linux (checked with curl: refused in under a millisecond), where sluice used to leave it
 * waiting in the backlog; `enable frontend` serves again.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { startSluice, stopSluice, freePort, exchange } from '../proxy-util.ts';
import { frontendPause, frontendResume } from '../../../proxy/frontend.ts';
import type { Runtime } from '../../../proxy/runtime.ts';

let rt: Runtime | null = null;
after(async () => { if (rt !== null) await stopSluice(rt); });

function connectResult(port: number): Promise<string> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    const t = setTimeout(() => { s.destroy(); resolve('timeout'); }, 1500);
    s.on('connect', () => { clearTimeout(t); s.destroy(); resolve('connected'); });
    s.on('error', (e: NodeJS.ErrnoException) => { clearTimeout(t); resolve(e.code ?? 'error'); });
  });
}

test('disable frontend refuses new connections at once; enable frontend serves them again', async () => {
  const port = await freePort();
  rt = await startSluice(`defaults
  mode http
  timeout connect 1s
  timeout client 2s
  timeout server 2s
frontend fe
  bind 127.0.0.1:${port}
  http-request return status 200 content-type text/plain string ok
`);
  const fe = rt.cfg.frontends.get('fe')!;
  assert.match(await exchange(port, 'GET / HTTP/1.0\r\n\r\n'), /^HTTP\/1\.1 200/);
  assert.equal(frontendPause(fe), '');
  assert.equal(await connectResult(port), 'ECONNREFUSED');
  assert.equal(frontendResume(fe), '');
  // the socket listens again asynchronously: a few tries, bounded
  let r = '';
  for (let i = 0; i < 20 && r !== 'connected'; i++) r = await connectResult(port);
  assert.equal(r, 'connected');
  assert.match(await exchange(port, 'GET / HTTP/1.0\r\n\r\n'), /^HTTP\/1\.1 200/);
});
