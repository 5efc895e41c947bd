/*
 * option originalto and http-send-name-header end to end, against what haproxy 2.6.12 sends: x-original-to with the
 * address the client reached (or the PROXY header's destination), `except` on that address, a custom header name;
 * the server name header replacing the client's own, and naming the server a redispatch finally reached.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSluice, stopSluice, freePort } from '../proxy-util.ts';
import type { Runtime } from '../../../proxy/runtime.ts';
import { recorder, rawExchange } from './edge-util.ts';
import type { Recorder } from './edge-util.ts';

let rt: Runtime;
let app: Recorder;
let p1 = 0, p2 = 0, p3 = 0, p4 = 0, p5 = 0, p6 = 0, dead = 0;

before(async () => {
  app = await recorder('app');
  [p1, p2, p3, p4, p5, p6, dead] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort(), freePort(), freePort()]);
  rt = await startSluice(`
defaults
  mode http
  timeout client 2s
  timeout server 2s
  timeout connect 500ms
frontend fe
  bind 127.0.0.1:${p1}
  option originalto
  default_backend be
frontend fe2
  bind 127.0.0.1:${p2}
  default_backend be2
frontend fe3
  bind 127.0.0.1:${p3}
  option originalto except 127.0.0.0/8 header X-Dst
  default_backend be
frontend fe4
  bind 127.0.0.1:${p4} accept-proxy
  option forwardfor
  option originalto
  default_backend be
frontend fe5
  bind 127.0.0.1:${p5}
  option originalto header X-FE
  option forwardfor header X-FF-FE
  default_backend be5
frontend fe6
  bind 127.0.0.1:${p6}
  option originalto header X-FE except 127.0.0.1
  default_backend be5
backend be5
  option originalto header X-BE
  option forwardfor header X-FF-BE
  server s1 127.0.0.1:${app.port}
backend be
  http-send-name-header X-Server
  server s1 127.0.0.1:${app.port}
backend be2
  option originalto header X-O
  http-send-name-header X-Name
  option redispatch
  retries 1
  balance roundrobin
  server bad 127.0.0.1:${dead}
  server s2 127.0.0.1:${app.port}
`);
});

after(async () => {
  await stopSluice(rt);
  app.server.close();
});

function lastHead(): string { return app.got.at(-1)!.toString('latin1'); }

test('x-original-to carries the address reached; the server name replaces the client\'s header', async () => {
  const r = await rawExchange(p1, 'GET / HTTP/1.1\r\nhost: a\r\nx-server: client\r\nX-Server: c2\r\n\r\n');
  assert.match(r.data, /^HTTP\/1\.1 200 OK/);
  const h = lastHead();
  assert.match(h, /^GET \/ HTTP\/1\.1\r\nhost: a\r\nx-original-to: 127\.0\.0\.1\r\n/);
  assert.match(h, /\r\nx-server: s1\r\n\r\n$/);
  assert.doesNotMatch(h, /client|c2/);
});

test('backend originalto with its header name; a redispatch names the server finally reached', async () => {
  for (let i = 0; i < 2; i++) {
    const r = await rawExchange(p2, 'GET / HTTP/1.1\r\nhost: a\r\nx-name: client\r\n\r\n');
    assert.match(r.data, /^HTTP\/1\.1 200 OK/);
    const h = lastHead();
    assert.match(h, /\r\nx-o: 127\.0\.0\.1\r\n/);
    assert.match(h, /\r\nx-name: s2\r\n\r\n$/);
    assert.doesNotMatch(h, /client|bad/);
  }
});

test('except on the destination network drops the header', async () => {
  await rawExchange(p3, 'GET / HTTP/1.1\r\nhost: a\r\n\r\n');
  const h = lastHead();
  assert.doesNotMatch(h, /x-dst|x-original-to/i);
  assert.match(h, /\r\nx-server: s1\r\n\r\n$/);
});

test('behind accept-proxy, x-forwarded-for and x-original-to come from the PROXY header', async () => {
  await rawExchange(p4, 'PROXY TCP4 1.2.3.4 10.9.8.7 1111 80\r\nGET / HTTP/1.1\r\nhost: a\r\n\r\n');
  const h = lastHead();
  assert.match(h, /\r\nx-forwarded-for: 1\.2\.3\.4\r\nx-original-to: 10\.9\.8\.7\r\n/);
});

test('frontend and backend both with originalto/forwardfor: the backend names the header, either except drops it (2.6.12)', async () => {
  await rawExchange(p5, 'GET / HTTP/1.1\r\nhost: a\r\n\r\n');
  assert.equal(lastHead(), 'GET / HTTP/1.1\r\nhost: a\r\nx-ff-be: 127.0.0.1\r\nx-be: 127.0.0.1\r\n\r\n');
  await rawExchange(p6, 'GET / HTTP/1.1\r\nhost: a\r\n\r\n');
  assert.equal(lastHead(), 'GET / HTTP/1.1\r\nhost: a\r\nx-ff-be: 127.0.0.1\r\n\r\n');
});
