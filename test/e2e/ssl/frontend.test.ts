/*
 * TLS termination on `bind ... ssl`: requests through a TLS frontend to a plain backend, certificate choice by SNI
 * (crt directory, crt-list, strict-sni), the ssl_fc idioms (redirect scheme https, X-Forwarded-Proto, routing on
 * ssl_fc_sni), client certificates (verify required), ALPN (h2 listed, http/1.1 negotiated), version limits, mode tcp,
 * large bodies both ways (backpressure), and garbage on the ssl port not hurting the proxy.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import tls from 'node:tls';
import { readFileSync } from 'node:fs';
import { startSluice, stopSluice, freePort, waitFor, sleep } from '../proxy-util.ts';
import type { Runtime } from '../../../proxy/runtime.ts';
import { SSL_FIXTURES as F } from './log-scenario.ts';

let rt: Runtime;
let be: http.Server;
let beApi: http.Server;
let echo: net.Server;
const P = { main: 0, dir: 0, strict: 0, plain: 0, mtls: 0, list: 0, tcp: 0, v13: 0, count: 0, deny: 0, one: 0 };
const CA = readFileSync(F + 'ca.crt');
const CLIENT = { cert: readFileSync(F + 'client.crt'), key: readFileSync(F + 'client.key') };

function echoHeaders(tag: string): http.Server {
  return http.createServer((req, res) => {
    let n = 0;
    req.on('data', (d: Buffer) => { n += d.length; });
    req.on('end', () => {
      const big = req.url === '/big' ? 'x'.repeat(1 << 20) : '';
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ tag, url: req.url, h: req.headers, received: n }) + big);
    });
  });
}

async function listen(s: net.Server): Promise<number> {
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return (s.address() as net.AddressInfo).port;
}

before(async () => {
  be = echoHeaders('main');
  beApi = echoHeaders('api');
  echo = net.createServer({ allowHalfOpen: true }, (s) => { s.on('error', () => {}); s.pipe(s); });
  const [bp, ap, ep] = [await listen(be), await listen(beApi), await listen(echo)];
  for (const k of Object.keys(P) as (keyof typeof P)[]) P[k] = await freePort();
  rt = await startSluice(`global
  crt-base ${F}
  ca-base ${F}
  ssl-default-bind-options ssl-min-ver TLSv1.2
defaults
  mode http
  timeout client 5s
  timeout server 5s
  timeout connect 5s
frontend fe_main
  bind 127.0.0.1:${P.main} ssl crt certs/www.pem crt certs/api.pem alpn h2,http/1.1
  bind 127.0.0.1:${P.plain}
  http-request redirect scheme https unless { ssl_fc }
  http-request set-header X-Forwarded-Proto https if { ssl_fc }
  http-request set-header X-SNI %[ssl_fc_sni]
  http-request set-header X-TLS %[ssl_fc_protocol]
  acl is_api ssl_fc_sni -i api.example.com
  use_backend be_api if is_api
  default_backend be_main
frontend fe_dir
  bind 127.0.0.1:${P.dir} ssl crt certs
  default_backend be_main
frontend fe_strict
  bind 127.0.0.1:${P.strict} ssl crt certs strict-sni
  default_backend be_main
frontend fe_list
  bind 127.0.0.1:${P.list} ssl crt-list ${F}crt-list.txt
  default_backend be_main
frontend fe_mtls
  bind 127.0.0.1:${P.mtls} ssl crt certs/www.pem ca-file ca.crt verify required
  http-request set-header X-Client-DN %[ssl_c_s_dn]
  http-request set-header X-Client-Used %[ssl_c_used]
  default_backend be_main
frontend fe_v13
  bind 127.0.0.1:${P.v13} ssl crt certs/www.pem ssl-min-ver TLSv1.3
  default_backend be_main
frontend fe_count
  bind 127.0.0.1:${P.count} ssl crt certs/www.pem
  default_backend be_main
frontend fe_one
  maxconn 1
  bind 127.0.0.1:${P.one} ssl crt certs/www.pem
  default_backend be_main
frontend fe_deny
  bind 127.0.0.1:${P.deny} ssl crt certs/www.pem
  tcp-request connection reject if { dst_port ${P.deny} }
  default_backend be_main
frontend fe_tcp
  mode tcp
  bind 127.0.0.1:${P.tcp} ssl crt certs/www.pem
  default_backend be_echo
backend be_main
  server s1 127.0.0.1:${bp}
backend be_api
  server s1 127.0.0.1:${ap}
backend be_echo
  mode tcp
  server s1 127.0.0.1:${ep}
`);
});

after(async () => {
  await stopSluice(rt);
  be.closeAllConnections(); be.close();
  beApi.closeAllConnections(); beApi.close();
  echo.close();
});

interface Reply { status: number; headers: http.IncomingHttpHeaders; body: string; cert: tls.PeerCertificate | null; alpn: string | false }

/** One HTTPS request (Connection: close) to 127.0.0.1:port, with TLS options. */
function httpsReq(port: number, path: string, opts: tls.ConnectionOptions = {}, body: Buffer | null = null): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const s = tls.connect({ host: '127.0.0.1', port, ca: CA, rejectUnauthorized: false, ...opts }, () => {
      s.write(`${body === null ? 'GET' : 'POST'} ${path} HTTP/1.1\r\nHost: site.test\r\nConnection: close\r\n` +
        (body === null ? '\r\n' : `Content-Length: ${body.length}\r\n\r\n`));
      if (body !== null) s.write(body);
    });
    const chunks: Buffer[] = [];
    const guard = setTimeout(() => { s.destroy(); reject(new Error('timeout')); }, 5000);
    s.on('data', (d) => chunks.push(d));
    s.on('error', (e) => { clearTimeout(guard); reject(e); });
    s.on('close', () => {
      clearTimeout(guard);
      const text = Buffer.concat(chunks).toString('latin1');
      const he = text.indexOf('\r\n\r\n');
      if (he < 0) { reject(new Error('no response: ' + JSON.stringify(text))); return; }
      const lines = text.slice(0, he).split('\r\n');
      const headers: http.IncomingHttpHeaders = {};
      for (const l of lines.slice(1)) { const c = l.indexOf(':'); headers[l.slice(0, c).toLowerCase()] = l.slice(c + 1).trim(); }
      resolve({ status: Number(lines[0].split(' ')[1]), headers, body: text.slice(he + 4), cert: certOf(s), alpn: s.alpnProtocol ?? false });
    });
    let cert: tls.PeerCertificate | null = null;
    s.on('secureConnect', () => { cert = s.getPeerCertificate(); });
    function certOf(_s: tls.TLSSocket): tls.PeerCertificate | null { return cert; }
  });
}

function cn(r: Reply): string { return r.cert === null ? '' : String(r.cert.subject.CN); }
function json(r: Reply): { tag: string; url: string; h: Record<string, string>; received: number } {
  const end = r.body.lastIndexOf('}');
  return JSON.parse(r.body.slice(0, r.body.indexOf('x'.repeat(8)) > 0 ? r.body.indexOf('x'.repeat(8)) : end + 1));
}

/** A handshake that should fail: resolves with the error code (or 'closed'). */
function handshakeFails(port: number, opts: tls.ConnectionOptions): Promise<string> {
  return new Promise((resolve) => {
    const s = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false, ...opts }, () => {
      // TLS 1.3: the server's verdict may come after the client's handshake: a request must fail then
      s.write('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    });
    let data = '';
    const guard = setTimeout(() => { s.destroy(); resolve('timeout'); }, 4000);
    s.on('data', (d) => { data += d.toString('latin1'); });
    s.on('error', (e: NodeJS.ErrnoException) => { clearTimeout(guard); resolve(e.code ?? 'error'); });
    s.on('close', () => { clearTimeout(guard); resolve(data === '' ? 'closed' : 'answered: ' + data.slice(0, 12)); });
  });
}

test('a TLS request reaches the plain backend with X-Forwarded-Proto https set by { ssl_fc }', async () => {
  const r = await httpsReq(P.main, '/hello', { servername: 'www.example.com' });
  assert.equal(r.status, 200);
  const j = json(r);
  assert.equal(j.tag, 'main');
  assert.equal(j.url, '/hello');
  assert.equal(j.h['x-forwarded-proto'], 'https');
  assert.equal(j.h['x-sni'], 'www.example.com');
  assert.equal(j.h['x-tls'], 'TLSv1.3');
  assert.equal(cn(r), 'www.example.com');
});

test('the certificate is verified by a client trusting the test CA for the SNI name', async () => {
  const r = await httpsReq(P.main, '/v', { servername: 'www.example.com', rejectUnauthorized: true });
  assert.equal(r.status, 200);
});

test('acl ssl_fc_sni -i api.example.com routes to its backend with the api certificate', async () => {
  const r = await httpsReq(P.main, '/x', { servername: 'API.example.com' });
  assert.equal(json(r).tag, 'api');
  assert.equal(cn(r), 'api.example.com');
});

test('http-request redirect scheme https unless { ssl_fc } redirects plain requests only', async () => {
  const plain = await new Promise<{ status: number; location: string }>((resolve, reject) => {
    http.get({ host: '127.0.0.1', port: P.plain, path: '/p?q=1', headers: { host: 'site.test' }, agent: false }, (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, location: String(res.headers.location) });
    }).on('error', reject);
  });
  assert.equal(plain.status, 302);
  assert.equal(plain.location, 'https://site.test/p?q=1');
  const tlsr = await httpsReq(P.main, '/p?q=1', { servername: 'www.example.com' });
  assert.equal(tlsr.status, 200);
});

test('a crt directory serves each name its certificate, the first file without SNI', async () => {
  assert.equal(cn(await httpsReq(P.dir, '/', { servername: 'www.example.com' })), 'www.example.com');
  assert.equal(cn(await httpsReq(P.dir, '/', { servername: 'example.com' })), 'www.example.com');
  assert.equal(cn(await httpsReq(P.dir, '/', { servername: 'api.example.com' })), 'api.example.com');
  assert.equal(cn(await httpsReq(P.dir, '/', {})), 'api.example.com');   // api.pem sorts first
  assert.equal(cn(await httpsReq(P.dir, '/', { servername: 'unknown.test' })), 'api.example.com');
});

test('strict-sni refuses a missing or unknown SNI and serves known names', async () => {
  assert.equal(cn(await httpsReq(P.strict, '/', { servername: 'www.example.com' })), 'www.example.com');
  const unknown = await handshakeFails(P.strict, { servername: 'unknown.test' });
  assert.ok(!unknown.startsWith('answered') && unknown !== 'timeout', unknown);
  const noSni = await handshakeFails(P.strict, {});
  assert.ok(!noSni.startsWith('answered') && noSni !== 'timeout', noSni);
});

test('crt-list: the listed certificates with their SNI filters', async () => {
  assert.equal(cn(await httpsReq(P.list, '/', { servername: 'api.example.com' })), 'api.example.com');
  assert.equal(cn(await httpsReq(P.list, '/', { servername: 'www.example.com' })), 'www.example.com');
  assert.equal(cn(await httpsReq(P.list, '/', {})), 'www.example.com');
});

test('verify required: a client without certificate is refused, one with a CA-signed certificate passes', async () => {
  const res = await handshakeFails(P.mtls, {});
  assert.ok(!res.startsWith('answered'), res);
  const other = await handshakeFails(P.mtls, { cert: readFileSync(F + 'other.crt'), key: readFileSync(F + 'other.key') });
  assert.ok(!other.startsWith('answered'), other);
  const r = await httpsReq(P.mtls, '/m', CLIENT);
  assert.equal(r.status, 200);
  assert.equal(json(r).h['x-client-dn'], '/C=FR/O=Sluice Test/CN=client1');
  assert.equal(json(r).h['x-client-used'], '1');
});

test('alpn h2,http/1.1 negotiates http/1.1 (Sluice speaks HTTP/1.1 only)', async () => {
  const r = await httpsReq(P.main, '/a', { servername: 'www.example.com', ALPNProtocols: ['h2', 'http/1.1'] });
  assert.equal(r.alpn, 'http/1.1');
  assert.equal(r.status, 200);
});

test('ssl-min-ver TLSv1.3 refuses a TLS 1.2 client; ssl-default-bind-options applies elsewhere', async () => {
  const e = await handshakeFails(P.v13, { maxVersion: 'TLSv1.2' });
  assert.ok(!e.startsWith('answered'), e);
  assert.equal((await httpsReq(P.v13, '/', { servername: 'www.example.com' })).status, 200);
  const old = await handshakeFails(P.main, { minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' });
  assert.ok(!old.startsWith('answered'), old);
});

test('1 MiB request and response bodies cross the TLS frontend intact', async () => {
  const body = Buffer.alloc(1 << 20, 0x61);
  const up = await httpsReq(P.main, '/up', { servername: 'www.example.com' }, body);
  assert.equal(json(up).received, 1 << 20);
  const down = await httpsReq(P.main, '/big', { servername: 'www.example.com' });
  assert.equal(down.body.length - down.body.indexOf('xxxxxxxx'), 1 << 20);
});

test('mode tcp with an ssl bind forwards the decrypted stream, half-close included', async () => {
  const out = await new Promise<string>((resolve, reject) => {
    const s = tls.connect({ host: '127.0.0.1', port: P.tcp, rejectUnauthorized: false, allowHalfOpen: true } as tls.ConnectionOptions, () => s.end('ping over tls\n'));
    let d = '';
    const guard = setTimeout(() => { s.destroy(); reject(new Error('timeout')); }, 3000);
    s.on('data', (c) => { d += c.toString(); });
    s.on('error', reject);
    s.on('close', () => { clearTimeout(guard); resolve(d); });
  });
  assert.equal(out, 'ping over tls\n');
});

test('connections are counted at accept (conn_tot), sessions once handshaken (stot), as 2.6', async () => {
  const fe = rt.cfg.frontends.get('fe_count')!;
  for (let i = 0; i < 3; i++) {
    await new Promise<void>((resolve) => {
      const s = net.connect(P.count, '127.0.0.1', () => s.end('GET / HTTP/1.0\r\n\r\n'));
      s.on('data', () => {});
      s.on('error', () => {});
      s.on('close', () => resolve());
    });
  }
  assert.equal((await httpsReq(P.count, '/', { servername: 'www.example.com' })).status, 200);
  assert.equal(fe.feCounters.cumConn, 4);
  assert.equal(fe.feCounters.cumSess, 1);
});

test('maxconn counts TLS connections: a second client waits unread (its ClientHello kept) until the first leaves', async () => {
  const first = tls.connect({ host: '127.0.0.1', port: P.one, rejectUnauthorized: false });
  first.on('error', () => {});
  await new Promise((r) => first.once('secureConnect', r));
  const fe = rt.cfg.frontends.get('fe_one')!;
  let done = false;
  const second = httpsReq(P.one, '/queued', { servername: 'www.example.com' }).then((r) => { done = true; return r; });
  await sleep(300);
  assert.equal(done, false, 'served while the first connection holds the only slot');
  assert.equal(fe.feconn, 1);
  first.destroy();
  const r = await second;
  assert.equal(r.status, 200);
  assert.equal(json(r).url, '/queued');
});

test('tcp-request connection reject runs before the handshake: no TLS answer, counted as denied', async () => {
  const fe = rt.cfg.frontends.get('fe_deny')!;
  const r = await handshakeFails(P.deny, { servername: 'www.example.com' });
  assert.ok(!r.startsWith('answered') && r !== 'timeout', r);
  assert.equal(fe.feCounters.deniedConn, 1);
  assert.equal(fe.feCounters.cumSess, 0);
});

test('garbage and plain HTTP on the ssl port are dropped and the proxy keeps serving', async () => {
  for (const junk of ['GET / HTTP/1.1\r\nHost: x\r\n\r\n', '\x16\x03\x01\xff\xff' + 'z'.repeat(300), '\x00'.repeat(100)]) {
    await new Promise<void>((resolve) => {
      const s = net.connect(P.main, '127.0.0.1', () => s.end(junk));
      const guard = setTimeout(() => s.destroy(), 2000);
      s.on('data', () => {});
      s.on('error', () => {});
      s.on('close', () => { clearTimeout(guard); resolve(); });
    });
  }
  assert.equal((await httpsReq(P.main, '/after', { servername: 'www.example.com' })).status, 200);
});

/** The first bytes a real TLS client sends (its ClientHello), captured from node's own client. */
function captureClientHello(): Promise<Buffer> {
  return new Promise((resolve) => {
    const srv = net.createServer((s) => {
      s.once('data', (d: Buffer) => { resolve(d); s.destroy(); srv.close(); });
    });
    srv.listen(0, '127.0.0.1', () => {
      const c = tls.connect({ host: '127.0.0.1', port: (srv.address() as net.AddressInfo).port, servername: 'www.example.com', rejectUnauthorized: false });
      c.on('error', () => {});
    });
  });
}

test('clients cut mid-handshake (ClientHello prefixes, then close or reset) leave no stream and no crash', async () => {
  const hello = await captureClientHello();
  assert.ok(hello.length > 100 && hello[0] === 0x16, 'a TLS handshake record');
  const runs: Promise<void>[] = [];
  for (let i = 0; i < 40; i++) {
    const cut = Math.floor((hello.length * i) / 40);
    runs.push(new Promise<void>((resolve) => {
      const s = net.connect(P.main, '127.0.0.1', () => {
        s.write(hello.subarray(0, cut), () => setTimeout(() => { if (i % 2 === 0) s.resetAndDestroy(); else s.end(); }, i % 5));
      });
      const guard = setTimeout(() => s.destroy(), 3000);
      s.on('data', () => {});
      s.on('error', () => {});
      s.on('close', () => { clearTimeout(guard); resolve(); });
    }));
  }
  await Promise.all(runs);
  assert.equal((await httpsReq(P.main, '/still', { servername: 'www.example.com' })).status, 200);
  const fes = [...rt.cfg.frontends.values()];
  await waitFor(() => fes.every((fe) => fe.feconn === 0), 3000).catch(() => { /* reported below */ });
  assert.deepEqual(fes.filter((fe) => fe.feconn !== 0).map((fe) => fe.name + ":" + fe.feconn), []);
});
