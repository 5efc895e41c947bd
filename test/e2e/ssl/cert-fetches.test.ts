/*
 * Certificate fetches (ssl/fetches-cert.ts): each expression of fixtures/proxy/ssl-cert-fetches/exprs answers, on
 * a TLS bind with a client certificate, as haproxy 2.6.12 did (golden, see make-golden.sh there).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { startSluice, stopSluice, freePort } from '../proxy-util.ts';
import type { Runtime } from '../../../proxy/runtime.ts';
import { testDefaults } from '../config/defaults.ts';

const dir = join(import.meta.dirname, '../../../fixtures/proxy/ssl-cert-fetches');
let rt: Runtime | null = null;
after(async () => { if (rt !== null) await stopSluice(rt); });

/** One GET over TLS with the client certificate; the response body. */
function get(port: number, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = connect({ port, host: '127.0.0.1', rejectUnauthorized: false, cert: readFileSync(join(dir, 'cli.crt')), key: readFileSync(join(dir, 'cli.key')) });
    const chunks: Buffer[] = [];
    const t = setTimeout(() => { c.destroy(); reject(new Error('timeout')); }, 5000);
    c.on('secureConnect', () => c.write(`GET ${path} HTTP/1.1\r\nhost: a\r\nconnection: close\r\n\r\n`));
    c.on('data', (d) => chunks.push(d));
    c.on('error', (e) => { clearTimeout(t); reject(e); });
    c.on('close', () => { clearTimeout(t); const r = Buffer.concat(chunks).toString('latin1'); resolve(r.slice(r.indexOf('\r\n\r\n') + 4)); });
  });
}

test('client and frontend certificate fetches give 2.6.12\'s values', async () => {
  const exprs = readFileSync(join(dir, 'exprs'), 'latin1').split('\n').filter((l) => l !== '');
  const port = await freePort();
  rt = await startSluice(`${testDefaults('http')}listen fe
 bind 127.0.0.1:${port} ssl crt ${join(dir, 'srv.pem')} ca-file ${join(dir, 'ca.pem')} verify optional
${exprs.map((e, i) => ` http-request return status 200 content-type text/plain lf-string "${e} => [%[${e}]]\\n" if { path /${i + 1} }`).join('\n')}
 server s1 127.0.0.1:9
`);
  let got = '';
  for (let i = 1; i <= exprs.length; i++) got += await get(port, '/' + i);
  assert.equal(got, readFileSync(join(dir, 'golden'), 'latin1'));
});
