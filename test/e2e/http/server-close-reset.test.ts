/*
 * Server connections Sluice closes while the server still holds them open are reset, as haproxy 2.6 does (SO_LINGER 0
 * before close): the backend sees ECONNRESET, not a FIN, and no TIME_WAIT is left on the proxy's source port. A server
 * whose FIN the proxy has read gets the usual FIN exchange. (Between the two, e.g. a Content-Length response followed
 * by the server's FIN, it depends on which arrives first; haproxy 2.6.12 also resets some and not others.)
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, connect } from 'node:net';
import type { Socket } from 'node:net';
import { freePort, startSluice, stopSluice, waitFor } from '../proxy-util.ts';
import type { Runtime } from '../../../proxy/runtime.ts';

/** How each backend connection ended: 'fin' (the peer's FIN read) or the error code (ECONNRESET). */
const ends: string[] = [];
const RESP_KEEP = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok';
// no Content-Length: the body ends with the server's FIN, so the proxy has read that FIN when it closes
const RESP_CLOSE = 'HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nok';

const backend = createServer({ allowHalfOpen: true }, (s: Socket) => {
  let done = false;
  const end = (how: string): void => { if (!done) { done = true; ends.push(how); } };
  s.on('data', (d) => {
    // the server closes first when the request path says so
    if (d.toString('latin1').startsWith('GET /server-closes')) { s.end(RESP_CLOSE); return; }
    s.write(RESP_KEEP);
  });
  s.on('end', () => { end('fin'); s.end(); });
  s.on('error', (e: NodeJS.ErrnoException) => end(e.code ?? 'error'));
  s.on('close', () => end('closed'));
});

let rt: Runtime | null = null;
after(async () => { if (rt !== null) await stopSluice(rt); backend.close(); });

/** One request with `Connection: close` through the proxy; resolves with the response. */
function get(port: number, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = connect(port, '127.0.0.1', () => c.write(`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`));
    let got = '';
    c.on('data', (d) => { got += d.toString('latin1'); });
    c.on('close', () => resolve(got));
    c.on('error', reject);
    c.setTimeout(3000, () => { c.destroy(); reject(new Error('timeout')); });
  });
}

test('a server connection the proxy drops is reset; one the server closes ends with its FIN', async () => {
  await new Promise<void>((r) => backend.listen(0, '127.0.0.1', r));
  const bport = (backend.address() as { port: number }).port;
  const port = await freePort();
  rt = await startSluice(`
defaults
  mode http
  timeout connect 2s
  timeout client 2s
  timeout server 2s
frontend fe
  bind 127.0.0.1:${port}
  default_backend be
backend be
  http-reuse never
  server s1 127.0.0.1:${bport}
`);
  // http-reuse never: the session's idle server connection is closed when the client's session ends
  const r1 = await get(port, '/a');
  assert.match(r1, /^HTTP\/1\.1 200 OK\r\n/);
  await waitFor(() => ends.length >= 1);
  assert.deepEqual(ends, ['ECONNRESET']);

  const r2 = await get(port, '/server-closes');
  assert.match(r2, /^HTTP\/1\.1 200 OK\r\n/);
  await waitFor(() => ends.length >= 2);
  assert.equal(ends[1], 'fin', 'the server closed first: the proxy answers with its FIN, no reset');
});
