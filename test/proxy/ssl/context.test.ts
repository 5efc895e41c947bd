/*
 * proxy/ssl/context.ts and keyword helpers: PEM loading (names from SAN / CN, key in <file>.key, errors), crt
 * directories and crt-list files, SNI lookup (exact, wildcard, default), version ranges from min/max/no-xxx/force-xxx,
 * option merging, `sni` expressions, and the `hex` log converter of option httpslog.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import {
  loadCertFile, loadCrt, loadCrtList, versionRange, newSslOptions, mergeSslOptions, sniContext, buildBindContexts,
} from '../../../proxy/ssl/context.ts';
import { compileSniExpr, globalSsl } from '../../../proxy/ssl/keywords.ts';
import { SSL_V_TLSV10, SSL_V_TLSV11, SSL_V_TLSV12, SSL_V_TLSV13 } from '../../../proxy/ssl/types.ts';
import type { SslBindCfg } from '../../../proxy/ssl/types.ts';
import { compileLogSample } from '../../../proxy/log/sample.ts';
import { newGlobal } from '../../../proxy/model/factories.ts';
import type { StreamLog } from '../../../proxy/model/types.ts';

const F = join(import.meta.dirname, '../../../fixtures/ssl');

test('a PEM bundle loads with its chain and key; names come from the SAN, else the CN', () => {
  const www = loadCertFile(join(F, 'certs/www.pem'));
  assert.ok(typeof www !== 'string');
  assert.deepEqual(www.names, ['www.example.com', 'example.com']);
  assert.equal((www.certPem.match(/BEGIN CERTIFICATE/g) ?? []).length, 2);
  const client = loadCertFile(join(F, 'client.pem'));
  assert.ok(typeof client !== 'string');
  assert.deepEqual(client.names, ['client1']);
});

test('a certificate without key takes <file>.key, else fails with 2.6 text', () => {
  const d = mkdtempSync(join(tmpdir(), 'ssl-ctx-'));
  try {
    copyFileSync(join(F, 'www.crt'), join(d, 'site.pem'));
    assert.equal(loadCertFile(join(d, 'site.pem')), `No Private Key found in '${join(d, 'site.pem')}.key'.`);
    copyFileSync(join(F, 'www.key'), join(d, 'site.pem.key'));
    const c = loadCertFile(join(d, 'site.pem'));
    assert.ok(typeof c !== 'string' && c.keyPem.includes('PRIVATE KEY'));
    assert.equal(loadCertFile(join(d, 'nope.pem')), `unable to stat SSL certificate from file '${join(d, 'nope.pem')}' : No such file or directory.`);
    writeFileSync(join(d, 'junk.pem'), 'not a pem\n');
    assert.match(String(loadCertFile(join(d, 'junk.pem'))), /unable to load SSL certificate/);
  } finally { rmSync(d, { recursive: true, force: true }); }
});

test('a crt directory loads every certificate file in name order, skipping .key/.ocsp/.issuer files', () => {
  const d = mkdtempSync(join(tmpdir(), 'ssl-dir-'));
  try {
    copyFileSync(join(F, 'certs/www.pem'), join(d, 'b-www.pem'));
    copyFileSync(join(F, 'certs/api.pem'), join(d, 'a-api.pem'));
    writeFileSync(join(d, 'a-api.pem.ocsp'), 'x');
    writeFileSync(join(d, 'x.issuer'), 'x');
    const certs = loadCrt(d);
    assert.ok(Array.isArray(certs));
    assert.deepEqual(certs.map((c) => c.names[0]), ['api.example.com', 'www.example.com']);
  } finally { rmSync(d, { recursive: true, force: true }); }
});

test('crt-list: paths under crt-base, bracketed options ignored, SNI filters kept (negative ones dropped)', () => {
  const d = mkdtempSync(join(tmpdir(), 'ssl-list-'));
  try {
    writeFileSync(join(d, 'l.txt'), '# comment\n\ncerts/www.pem\ncerts/api.pem [alpn h2 ssl-min-ver TLSv1.2] api.example.com !bad.example.com *.api.test\n');
    const certs = loadCrtList(join(d, 'l.txt'), F);
    assert.ok(Array.isArray(certs));
    assert.deepEqual(certs.map((c) => c.sniFilters), [[], ['api.example.com', '*.api.test']]);
    assert.match(String(loadCrtList(join(d, 'none.txt'), F)), /^'crt-list' : cannot open file '.*none\.txt' : No such file or directory$/);
  } finally { rmSync(d, { recursive: true, force: true }); }
});

test('crt-list: a line with options and no certificate is an error, not a throw', () => {
  const d = mkdtempSync(join(tmpdir(), 'ssl-list-'));
  try {
    writeFileSync(join(d, 'l.txt'), 'certs/www.pem\n[alpn h2] \n');
    assert.match(String(loadCrtList(join(d, 'l.txt'), F)), /^'crt-list' : .*l\.txt:2: missing certificate$/);
    writeFileSync(join(d, 'm.txt'), '# no crt-base\n[alpn h2]\n');
    assert.match(String(loadCrtList(join(d, 'm.txt'), '')), /^'crt-list' : .*m\.txt:2: missing certificate$/);
  } finally { rmSync(d, { recursive: true, force: true }); }
});

function bindWith(files: string[], filters: string[][] = []): SslBindCfg {
  const b: SslBindCfg = {
    enabled: true, certs: [], opts: newSslOptions(), caFile: '', caPem: '', crlFile: '', crlPem: '', verify: 0,
    strictSni: false, ignoreVerifyErr: false, file: '', line: 0, defaultCtx: null, exact: new Map(), wildcard: new Map(), subjects: new Map(), handshakeTimeout: 0,
  };
  files.forEach((f, i) => {
    const c = loadCertFile(join(F, f));
    assert.ok(typeof c !== 'string');
    c.sniFilters = filters[i] ?? [];
    b.certs.push(c);
  });
  assert.equal(buildBindContexts(b, globalSsl(newGlobal())), '');
  return b;
}

test('SNI lookup: exact names (case-insensitive), wildcard filters, null for unknown names', () => {
  const b = bindWith(['certs/www.pem', 'certs/api.pem'], [[], ['api.example.com', '*.svc.test']]);
  assert.equal(b.defaultCtx, b.certs[0].ctx);
  assert.equal(sniContext(b, 'WWW.example.com'), b.certs[0].ctx);
  assert.equal(sniContext(b, 'example.com'), b.certs[0].ctx);
  assert.equal(sniContext(b, 'api.example.com'), b.certs[1].ctx);
  assert.equal(sniContext(b, 'a.svc.test'), b.certs[1].ctx);
  assert.equal(sniContext(b, 'b.a.svc.test'), null);
  assert.equal(sniContext(b, 'nothere.test'), null);
});

test('version ranges: default TLSv1.2-1.3, min/max, no-xxx holes trimmed to one range, force-xxx, none left', () => {
  const o = newSslOptions();
  assert.deepEqual(versionRange(o), { min: 'TLSv1.2', max: 'TLSv1.3' });
  assert.deepEqual(versionRange({ ...o, minVer: SSL_V_TLSV10 }), { min: 'TLSv1', max: 'TLSv1.3' });
  assert.deepEqual(versionRange({ ...o, minVer: SSL_V_TLSV10, noVersions: 1 << SSL_V_TLSV10 }), { min: 'TLSv1.1', max: 'TLSv1.3' });
  assert.deepEqual(versionRange({ ...o, noVersions: 1 << SSL_V_TLSV13 }), { min: 'TLSv1.2', max: 'TLSv1.2' });
  assert.deepEqual(versionRange({ ...o, minVer: SSL_V_TLSV11, maxVer: SSL_V_TLSV11 }), { min: 'TLSv1.1', max: 'TLSv1.1' });
  assert.equal(versionRange({ ...o, noVersions: (1 << SSL_V_TLSV12) | (1 << SSL_V_TLSV13) }), null);
});

test('explicit options win over the ssl-default-* ones; no-xxx accumulate', () => {
  const d = { ...newSslOptions(), minVer: SSL_V_TLSV12, ciphers: 'A', noVersions: 1 << SSL_V_TLSV10, alpn: ['http/1.1'] };
  const m = mergeSslOptions({ ...newSslOptions(), minVer: SSL_V_TLSV13, noVersions: 1 << SSL_V_TLSV11 }, d);
  assert.equal(m.minVer, SSL_V_TLSV13);
  assert.equal(m.ciphers, 'A');
  assert.equal(m.noVersions, (1 << SSL_V_TLSV10) | (1 << SSL_V_TLSV11));
  assert.deepEqual(m.alpn, ['http/1.1']);
});

test('sni expressions: req.hdr(host) without port, str(), ssl_fc_sni; others refused', () => {
  const buf = Buffer.from('host: WWW.Example.com:8443\r\n', 'latin1');
  const client = {
    lbReq: { reqBuf: buf, findHeader(n: string, out: Int32Array) { if (n !== 'host') return false; out[0] = 6; out[1] = 26; return true; } },
    log: { tls: { sni: 'front.example' } },
  };
  assert.equal(compileSniExpr('req.hdr(host)')!(client), 'www.example.com');
  assert.equal(compileSniExpr('str(api.example.com)')!(client), 'api.example.com');
  assert.equal(compileSniExpr('ssl_fc_sni')!(client), 'front.example');
  assert.equal(compileSniExpr('req.hdr(x-none)')!(client), null);
  assert.equal(compileSniExpr('base64(x)'), null);
});

test('the hex converter writes an integer as 8 bytes and text as its bytes, upper case', () => {
  const f = compileLogSample('int(255),hex');
  assert.ok(typeof f === 'function');
  assert.equal(f({} as StreamLog), '00000000000000FF');
  const g = compileLogSample('str(ab),hex');
  assert.ok(typeof g === 'function');
  assert.equal(g({} as StreamLog), '6162');
});
