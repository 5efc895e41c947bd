/*
 * send-proxy-v2-ssl / -ssl-cn behind `bind ... ssl`: the v2 header carries the PP2_TYPE_SSL TLV as haproxy 2.6.12
 * fills it (client flags SSL|CERT_CONN|CERT_SESS, verify 0, TLS version, the client certificate's CN).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect as tlsConnect } from 'node:tls';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startSluice, stopSluice, freePort } from '../proxy-util.ts';
import type { Runtime } from '../../../proxy/runtime.ts';
import { EDGE_DEFAULTS, recorder } from './edge-util.ts';
import type { Recorder } from './edge-util.ts';
import { ppDecode, PpInfo } from '../../../proxy/net/proxy-protocol.ts';

const ssl = resolve(import.meta.dirname, '../../../fixtures/ssl');
let rt: Runtime;
let app: Recorder;
let fp = 0;

before(async () => {
  app = await recorder('app');
  fp = await freePort();
  rt = await startSluice(`
${EDGE_DEFAULTS}frontend fe
  bind 127.0.0.1:${fp} ssl crt ${join(ssl, 'certs/www.pem')} ca-file ${join(ssl, 'ca.crt')} verify optional
  default_backend be
backend be
  server s1 127.0.0.1:${app.port} send-proxy-v2-ssl-cn
`);
});

after(async () => {
  await stopSluice(rt);
  app.server.close();
});

function get(withCert: boolean): Promise<string> {
  return new Promise((res, rej) => {
    const c = tlsConnect({
      host: '127.0.0.1', port: fp, servername: 'www.example.com', rejectUnauthorized: false,
      ...(withCert ? { cert: readFileSync(join(ssl, 'client.crt')), key: readFileSync(join(ssl, 'client.key')) } : {}),
    });
    let out = '';
    const t = setTimeout(() => { c.destroy(); rej(new Error('timeout')); }, 3000);
    c.on('secureConnect', () => c.write('GET / HTTP/1.1\r\nhost: www.example.com\r\n\r\n'));
    c.on('data', (d) => { out += d.toString('latin1'); });
    c.on('error', rej);
    c.on('close', () => { clearTimeout(t); res(out); });
  });
}

/** The SSL TLV of the last header the server got: [client flags, verify, sub-TLVs as type=value]. */
function sslTlv(): [number, number, string[]] {
  const b = app.got.at(-1)!;
  const n = ppDecode(b, 0, b.length, new PpInfo());
  assert.ok(n > 0);
  let p = 16 + 12;
  while (p < n && b[p] !== 0x20) p += 3 + b.readUInt16BE(p + 1);
  assert.ok(p < n, 'no SSL TLV');
  const end = p + 3 + b.readUInt16BE(p + 1);
  const subs: string[] = [];
  for (let q = p + 8; q < end; q += 3 + b.readUInt16BE(q + 1)) subs.push(`${b[q].toString(16)}=${b.toString('latin1', q + 3, q + 3 + b.readUInt16BE(q + 1))}`);
  return [b[p + 3], b.readUInt32BE(p + 4), subs];
}

test('a client certificate: flags 7, verify 0, version and CN sub-TLVs', async () => {
  assert.match(await get(true), /^HTTP\/1\.1 200 OK/);
  const [client, verify, subs] = sslTlv();
  assert.equal(client, 7);
  assert.equal(verify, 0);
  assert.deepEqual(subs.map((x) => x.slice(0, 3)), ['21=', '22=']);
  assert.match(subs[0], /^21=TLSv1\.[23]$/);
  assert.equal(subs[1], '22=client1');
});

test('no client certificate: flags 1 and the version only', async () => {
  assert.match(await get(false), /^HTTP\/1\.1 200 OK/);
  const [client, verify, subs] = sslTlv();
  assert.deepEqual([client, verify, subs.length], [1, 0, 1]);
});
