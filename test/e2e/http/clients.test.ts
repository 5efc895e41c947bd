/*
 * Real HTTP clients (node:http with a keep-alive agent, undici's global fetch, raw sockets) through a running Sluice
 * to real node:http origins: keep-alive reuse on both sides, chunked bodies both ways, Expect: 100-continue,
 * a WebSocket-style Upgrade tunnel, redirects, header rules, ACL routing with use_backend, option forwardfor.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { startSluice, stopSluice, freePort } from '../proxy-util.ts';
import type { Runtime } from '../../../proxy/runtime.ts';

interface Origin { server: http.Server; port: number; conns: number; upgraded: net.Socket[] }

/** An origin answering JSON {name, method, url, headers, body}; /stream answers chunked; /ws upgrades and echoes. */
async function origin(name: string): Promise<Origin> {
  const o: Origin = { server: http.createServer(), port: 0, conns: 0, upgraded: [] };
  o.server.keepAliveTimeout = 5000;
  o.server.on('connection', () => { o.conns++; });
  o.server.on('request', (req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (d: Buffer) => parts.push(d));
    req.on('end', () => {
      if (req.url === '/stream') {
        res.writeHead(200, { 'content-type': 'text/plain' });   // no length: node sends it chunked
        res.write('part1-');
        setTimeout(() => { res.write('part2-'); res.end('end'); }, 20);
        return;
      }
      const body = JSON.stringify({ name, method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(parts).toString() });
      res.writeHead(200, { 'content-type': 'application/json', 'x-origin': name, 'x-secret': 'hide-me' });
      res.end(body);
    });
  });
  o.server.on('upgrade', (req, sock: net.Socket) => {
    o.upgraded.push(sock);
    sock.write('HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: Upgrade\r\nsec-websocket-accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n');
    sock.on('data', (d) => sock.write(Buffer.concat([Buffer.from(name + ':'), d])));
  });
  await new Promise<void>((r) => o.server.listen(0, '127.0.0.1', r));
  o.port = (o.server.address() as AddressInfo).port;
  return o;
}

let rt: Runtime | null = null;
let a: Origin, b: Origin;
let port = 0;
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

before(async () => {
  a = await origin('A');
  b = await origin('B');
  port = await freePort();
  rt = await startSluice(`defaults
  mode http
  timeout connect 2s
  timeout client 5s
  timeout server 5s
  timeout tunnel 5s
  timeout http-keep-alive 1s

frontend fe
  bind 127.0.0.1:${port}
  acl is_api path_beg /api
  acl host_b hdr(host) -i b.example
  http-request redirect location /new?from=%[path] code 302 if { path /old }
  http-request set-header x-req-tag tagged if is_api
  http-request del-header x-drop
  http-response del-header x-secret
  http-response add-header x-via sluice
  use_backend bk_b if host_b || is_api
  use_backend bk_ff if { path_beg /ff }
  default_backend bk_a

backend bk_a
  server a 127.0.0.1:${a.port}

backend bk_b
  server b 127.0.0.1:${b.port}

backend bk_ff
  option forwardfor
  server a 127.0.0.1:${a.port}
`);
});
after(async () => {
  agent.destroy();
  // fetch() keeps its connection: let `timeout http-keep-alive` close it before the runtime (and its timers) stop
  // (1 s: with 200 ms, a loaded machine's pause between two tests let the agent reuse a connection as it was closed)
  await new Promise((r) => setTimeout(r, 1100));
  if (rt !== null) await stopSluice(rt);
  for (const o of [a, b]) { o.server.closeAllConnections(); o.server.close(); for (const s of o.upgraded) s.destroy(); }
});

function request(path: string, opts: http.RequestOptions = {}, body?: string | Buffer[]): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, agent, ...opts }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (d: Buffer) => parts.push(d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts).toString() }));
    });
    req.setTimeout(3000, () => req.destroy(new Error('timeout ' + path)));
    req.on('error', reject);
    if (Array.isArray(body)) { for (const p of body) req.write(p); req.end(); } else req.end(body);
  });
}

test('keep-alive: several requests share one client connection and one server connection', async () => {
  const before = a.conns;
  const sockets = new Set<net.Socket>();
  for (let i = 0; i < 4; i++) {
    const r = await request('/ka/' + i);
    assert.equal(r.status, 200);
    assert.equal(JSON.parse(r.body).url, '/ka/' + i);
  }
  const free = (agent.freeSockets['127.0.0.1:' + port + ':'] ?? []) as net.Socket[];
  for (const s of free) sockets.add(s);
  assert.equal(sockets.size, 1, 'the agent kept one client connection');
  assert.equal(a.conns - before, 1, 'the origin saw one server connection');
});

test('a chunked request body reaches the server whole, a chunked response reaches the client whole', async () => {
  const up = await request('/upload', { method: 'POST', headers: { 'transfer-encoding': 'chunked' } }, [Buffer.from('hello '), Buffer.from('chunked '), Buffer.from('world')]);
  const j = JSON.parse(up.body);
  assert.equal(j.body, 'hello chunked world');
  assert.equal(j.headers['transfer-encoding'], 'chunked');
  const down = await request('/stream');
  assert.equal(down.headers['transfer-encoding'], 'chunked');
  assert.equal(down.body, 'part1-part2-end');
});

test('fetch() streams a request body of unknown length (chunked) and reads JSON back', async () => {
  const stream = new ReadableStream<Uint8Array>({
    start(c) { c.enqueue(new TextEncoder().encode('abc')); c.enqueue(new TextEncoder().encode('def')); c.close(); },
  });
  const res = await fetch(`http://127.0.0.1:${port}/fetch`, { method: 'PUT', body: stream, duplex: 'half' } as RequestInit & { duplex: 'half' });
  const j = await res.json() as { body: string; method: string };
  assert.equal(j.method, 'PUT');
  assert.equal(j.body, 'abcdef');
});

test('Expect: 100-continue: the client gets 100 Continue before sending its body', async () => {
  const got = await new Promise<{ cont: boolean; body: string }>((resolve, reject) => {
    let cont = false;
    const req = http.request({ host: '127.0.0.1', port, path: '/continue', method: 'POST', headers: { expect: '100-continue', 'content-length': '4' } }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (d: Buffer) => parts.push(d));
      res.on('end', () => resolve({ cont, body: Buffer.concat(parts).toString() }));
    });
    req.on('continue', () => { cont = true; req.end('data'); });
    req.on('error', reject);
    req.setTimeout(3000, () => req.destroy(new Error('timeout')));
  });
  assert.equal(got.cont, true);
  assert.equal(JSON.parse(got.body).body, 'data');
});

test('a WebSocket Upgrade request (with its key, answered with an accept) becomes a two-way tunnel after 101', async () => {
  const echoed = await new Promise<string>((resolve, reject) => {
    const c = net.connect(port, '127.0.0.1');
    let acc = '';
    const t = setTimeout(() => { c.destroy(); reject(new Error('timeout: ' + acc)); }, 3000);
    c.on('data', (d) => {
      acc += d.toString();
      if (acc.includes('\r\n\r\n') && !acc.includes('A:ping')) { if (!acc.includes('sent')) { acc += 'sent'; c.write('ping'); } }
      if (acc.includes('A:ping')) { clearTimeout(t); c.destroy(); resolve(acc); }
    });
    c.on('error', reject);
    c.write('GET /ws HTTP/1.1\r\nhost: x\r\nconnection: Upgrade\r\nupgrade: websocket\r\nsec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n');
  });
  assert.match(echoed, /^HTTP\/1\.1 101 Switching Protocols\r\n/);
  assert.ok(echoed.includes('A:ping'));
});

test('redirect rule: 302 with a log-format location; fetch follows it to the origin', async () => {
  const r = await fetch(`http://127.0.0.1:${port}/old`, { redirect: 'manual' });
  assert.equal(r.status, 302);
  assert.equal(r.headers.get('location'), '/new?from=/old');
  const f = await fetch(`http://127.0.0.1:${port}/old`);
  assert.equal(((await f.json()) as { url: string }).url, '/new?from=/old');
});

test('header rules: set-header on an ACL, del-header on the request, del/add-header on the response', async () => {
  const r = await request('/api/x', { headers: { 'x-drop': 'secret', 'x-keep': 'yes' } });
  const j = JSON.parse(r.body);
  assert.equal(j.headers['x-req-tag'], 'tagged');
  assert.equal(j.headers['x-drop'], undefined);
  assert.equal(j.headers['x-keep'], 'yes');
  assert.equal(r.headers['x-secret'], undefined);
  assert.equal(r.headers['x-via'], 'sluice');
  const plain = JSON.parse((await request('/plain')).body);
  assert.equal(plain.headers['x-req-tag'], undefined);
});

test('ACL routing: use_backend on path or Host (|| and -i), default_backend otherwise', async () => {
  assert.equal(JSON.parse((await request('/api/1')).body).name, 'B');
  assert.equal(JSON.parse((await request('/x', { headers: { host: 'B.EXAMPLE' } })).body).name, 'B');
  assert.equal(JSON.parse((await request('/x', { headers: { host: 'a.example' } })).body).name, 'A');
});

test('option forwardfor adds x-forwarded-for with the client address on that backend only', async () => {
  assert.equal(JSON.parse((await request('/ff')).body).headers['x-forwarded-for'], '127.0.0.1');
  assert.equal(JSON.parse((await request('/noff')).body).headers['x-forwarded-for'], undefined);
});
