/*
 * `server ... ssl`: TLS to the servers with `verify none`, `verify required ca-file` (a server certificate from another
 * CA is a 503), the SNI from `sni str(...)` / `sni req.hdr(host)` and the host check it implies, `verifyhost`, a
 * client certificate (`crt`), `ssl-server-verify none`, session reuse (ssl-reuse), and 1 MiB bodies TLS to TLS.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import https from 'node:https';
import tls from 'node:tls';
import net from 'node:net';
import { readFileSync } from 'node:fs';
import { startSluice, stopSluice, freePort } from '../proxy-util.ts';
import type { Runtime } from '../../../proxy/runtime.ts';
import { SSL_FIXTURES as F } from './log-scenario.ts';

let rt: Runtime;
const servers: https.Server[] = [];
let fePort = 0;
let feTls = 0;

interface Seen { sni: string | false | null; reused: boolean; clientCn: string; received: number }
const seen: Seen[] = [];

function tlsBackend(cert: string, key: string, mtls: boolean): https.Server {
  const s = https.createServer({
    cert: readFileSync(F + cert), key: readFileSync(F + key),
    ...(mtls ? { ca: readFileSync(F + 'ca.crt'), requestCert: true, rejectUnauthorized: true } : {}),
  }, (req, res) => {
    let n = 0;
    req.on('data', (d: Buffer) => { n += d.length; });
    req.on('end', () => {
      const sock = req.socket as tls.TLSSocket;
      const peer = mtls ? sock.getPeerCertificate() : null;
      seen.push({ sni: sock.servername, reused: sock.isSessionReused(), clientCn: peer !== null ? String(peer.subject.CN) : '', received: n });
      res.end(req.url !== undefined && req.url.endsWith('/big') ? 'y'.repeat(1 << 20) : 'ok ' + cert + '\n');
    });
  });
  servers.push(s);
  return s;
}

async function listen(s: net.Server): Promise<number> {
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return (s.address() as net.AddressInfo).port;
}

/** A server that reads a PROXY v1 line in clear, then speaks TLS on the same connection (records the header). */
const ppSeen: string[] = [];
let ppSrv: net.Server;
function proxyThenTlsBackend(): net.Server {
  const ctx = tls.createSecureContext({ cert: readFileSync(F + 'certs/www.pem'), key: readFileSync(F + 'www.key') });
  return net.createServer((s) => {
    s.on('error', () => {});
    let acc = Buffer.alloc(0);
    const onData = (d: Buffer): void => {
      acc = Buffer.concat([acc, d]);
      const eol = acc.indexOf('\r\n');
      if (eol < 0) return;
      s.removeListener('data', onData);
      ppSeen.push(acc.toString('latin1', 0, eol));
      s.pause();
      s.unshift(acc.subarray(eol + 2));
      const t = new tls.TLSSocket(s, { isServer: true, secureContext: ctx });
      t.on('error', () => {});
      t.on('data', () => { t.end('HTTP/1.1 200 OK\r\ncontent-length: 3\r\nconnection: close\r\n\r\npp\n'); });
    };
    s.on('data', onData);
  });
}

before(async () => {
  ppSrv = proxyThenTlsBackend();
  const ppPort = await listen(ppSrv);
  const www = await listen(tlsBackend('certs/www.pem', 'www.key', false));
  const other = await listen(tlsBackend('other.crt', 'other.key', false));
  const mtls = await listen(tlsBackend('certs/www.pem', 'www.key', true));
  fePort = await freePort();
  feTls = await freePort();
  rt = await startSluice(`global
  ca-base ${F}
  crt-base ${F}
  ssl-server-verify none
defaults
  mode http
  timeout client 5s
  timeout server 5s
  timeout connect 2s
  retries 0
frontend fe
  bind 127.0.0.1:${fePort}
  bind 127.0.0.1:${feTls} ssl crt certs/www.pem
  use_backend %[path,field(2,/)]
backend none
  server s1 127.0.0.1:${other} ssl verify none
backend required
  server s1 127.0.0.1:${www} ssl verify required ca-file ca.crt sni str(www.example.com)
backend wrongca
  server s1 127.0.0.1:${other} ssl verify required ca-file ca.crt
backend byhost
  server s1 127.0.0.1:${www} ssl verify required ca-file ca.crt sni req.hdr(host)
backend vhost
  server s1 127.0.0.1:${www} ssl verify required ca-file ca.crt verifyhost example.com
backend vhostbad
  server s1 127.0.0.1:${www} ssl verify required ca-file ca.crt verifyhost nothere.example.com
backend withcrt
  server s1 127.0.0.1:${mtls} ssl verify required ca-file ca.crt crt client.pem
backend nocrt
  server s1 127.0.0.1:${mtls} ssl verify required ca-file ca.crt
backend dflt
  default-server ssl ca-file ca.crt
  server s1 127.0.0.1:${other}
backend reuse
  server s1 127.0.0.1:${www} ssl verify none
backend plainsrv
  server s1 127.0.0.1:${www} ssl verify none no-ssl
backend sendproxy
  server s1 127.0.0.1:${ppPort} ssl verify none send-proxy
`.replace('  use_backend %[path,field(2,/)]\n', ''
    + ['none', 'required', 'wrongca', 'byhost', 'vhost', 'vhostbad', 'withcrt', 'nocrt', 'dflt', 'reuse', 'plainsrv', 'sendproxy']
      .map((b) => `  use_backend ${b} if { path_beg /${b}/ }\n`).join('')));
});

after(async () => {
  await stopSluice(rt);
  for (const s of servers) { s.closeAllConnections(); s.close(); }
  ppSrv.close();
});

function get(path: string, host = 'site.test', port = fePort, body: Buffer | null = null): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const mod = port === feTls ? https : http;
    const req = mod.request({
      host: '127.0.0.1', port, path, method: body === null ? 'GET' : 'POST', headers: { host, connection: 'close' },
      rejectUnauthorized: false, agent: false,
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('latin1') }));
    });
    req.setTimeout(5000, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(body ?? undefined);
  });
}

test('verify none talks TLS to a server whose certificate nobody trusts', async () => {
  const r = await get('/none/a');
  assert.equal(r.status, 200);
  assert.equal(r.body, 'ok other.crt\n');
});

test('verify required ca-file with sni str(): the SNI is sent and the chain checked', async () => {
  seen.length = 0;
  const r = await get('/required/a');
  assert.equal(r.status, 200);
  assert.equal(seen[0].sni, 'www.example.com');
});

test('verify required with a certificate from another CA gives a 503', async () => {
  assert.equal((await get('/wrongca/a')).status, 503);
});

test('sni req.hdr(host): the client Host (port removed) is the SNI and must match the certificate', async () => {
  seen.length = 0;
  assert.equal((await get('/byhost/a', 'www.example.com:8443')).status, 200);
  assert.equal(seen[0].sni, 'www.example.com');
  assert.equal((await get('/byhost/a', 'api.example.com')).status, 503);
});

test('verifyhost checks the name without an SNI', async () => {
  seen.length = 0;
  assert.equal((await get('/vhost/a')).status, 200);
  assert.equal(seen[0].sni, false);
  assert.equal((await get('/vhostbad/a')).status, 503);
});

test('crt presents a client certificate; a server requiring one refuses a connection without', async () => {
  seen.length = 0;
  assert.equal((await get('/withcrt/a')).status, 200);
  assert.equal(seen[0].clientCn, 'client1');
  // TLS 1.3: the server's refusal arrives after our handshake completed, with the response (502, as a server error)
  assert.ok((await get('/nocrt/a')).status >= 502);
});

test('default-server ssl applies to servers; ssl-server-verify none makes verify none the default', async () => {
  const r = await get('/dflt/a');
  assert.equal(r.status, 200);
  assert.equal(r.body, 'ok other.crt\n');
});

test('no-ssl on the server line turns TLS off again (a TLS server then answers 400 or closes: no 200)', async () => {
  assert.notEqual((await get('/plainsrv/a')).status, 200);
});

test('ssl-reuse: a second connection to the same server resumes the TLS session', async () => {
  seen.length = 0;
  assert.equal((await get('/reuse/1')).status, 200);
  await new Promise((r) => setTimeout(r, 50));
  assert.equal((await get('/reuse/2')).status, 200);
  assert.equal(seen.length, 2);
  assert.equal(seen[0].reused, false);
  assert.equal(seen[1].reused, true);
});

test('send-proxy on an ssl server: the PROXY header in clear, then the TLS handshake', async () => {
  const r = await get('/sendproxy/a');
  assert.equal(r.status, 200);
  assert.equal(r.body, 'pp\n');
  assert.match(ppSeen[0], /^PROXY TCP4 127\.0\.0\.1 127\.0\.0\.1 \d+ \d+$/);
});

test('1 MiB bodies both ways from a TLS frontend to a TLS server', async () => {
  seen.length = 0;
  const up = await get('/required/up', 'site.test', feTls, Buffer.alloc(1 << 20, 0x62));
  assert.equal(up.status, 200);
  assert.equal(seen[0].received, 1 << 20);
  const down = await get('/required/big', 'site.test', feTls);
  assert.equal(down.body.length, 1 << 20);
});
