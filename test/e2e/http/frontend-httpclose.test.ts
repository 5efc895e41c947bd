/*
 * A frontend's `option httpclose` covers the replies it makes itself (http-request return, deny, redirect, the 503
 * when no backend is chosen): 'connection: close' and the connection closed, as haproxy 2.6.12 answered the same
 * requests on the same configuration (curl --http1.1; heads below).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSluice, stopSluice, freePort, exchange } from '../proxy-util.ts';
import type { Runtime } from '../../../proxy/runtime.ts';

let rt: Runtime | null = null;
after(async () => { if (rt !== null) await stopSluice(rt); });

test('frontend httpclose: local replies say connection: close', async () => {
  const port = await freePort();
  rt = await startSluice(`defaults
  mode http
  timeout client 2s
  timeout server 2s
  timeout connect 2s
frontend f
  bind 127.0.0.1:${port}
  option httpclose
  http-request return status 200 content-type text/plain string ok if { path /r }
  http-request deny if { path /d }
  http-request redirect location /x if { path /redir }
  use_backend b if { path /b }
backend b
  server s 127.0.0.1:9
`);
  const head = async (p: string): Promise<string> => {
    const r = await exchange(port, `GET ${p} HTTP/1.1\r\nhost: x\r\n\r\n`);     // keep-alive asked: the proxy closes
    return r.slice(0, r.indexOf('\r\n\r\n'));
  };
  assert.equal(await head('/r'), 'HTTP/1.1 200 OK\r\ncontent-length: 2\r\ncontent-type: text/plain\r\nconnection: close');
  assert.equal(await head('/d'), 'HTTP/1.1 403 Forbidden\r\ncontent-length: 93\r\ncache-control: no-cache\r\ncontent-type: text/html\r\nconnection: close');
  assert.equal(await head('/redir'), 'HTTP/1.1 302 Found\r\ncontent-length: 0\r\nlocation: /x\r\ncache-control: no-cache\r\nconnection: close');
  assert.equal(await head('/none'), 'HTTP/1.1 503 Service Unavailable\r\ncontent-length: 107\r\ncache-control: no-cache\r\ncontent-type: text/html\r\nconnection: close');
});
