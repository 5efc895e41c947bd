/*
 * Sample converters in http-request values and ACL criteria (lower, regsub, ipmask, field, word, base64, crc32,
 * djb2, length, add, http_date, url_dec, bytes, map, map_beg, sha1, hex, utime, upper, json, field(-1)), against the
 * headers haproxy 2.6.12 sent for the same configuration and request (fixtures/http/converters, CMD says how).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, startSluice, stopSluice } from '../proxy-util.ts';
import type { Runtime } from '../../../proxy/runtime.ts';

const FX = join(dirname(fileURLToPath(import.meta.url)), '../../../fixtures/http/converters');
let rt: Runtime;
let echo: http.Server;
let port = 0;

before(async () => {
  echo = http.createServer((q, r) => {
    const h = Object.entries(q.headers).filter(([k]) => k.startsWith('x-') && k !== 'x-forwarded-for' && k !== 'x-num')
      .map(([k, v]) => `${k}: ${String(v)}`).sort().join('\n');
    r.end(h + '\n');
  });
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', () => r()));
  port = await freePort();
  const cfg = readFileSync(join(FX, 'template.cfg'), 'latin1').replace('EPORT', String((echo.address() as { port: number }).port))
    .replace('PORT', String(port)).replaceAll('MAPDIR', FX);
  rt = await startSluice(cfg);
});

after(async () => { await stopSluice(rt); echo.close(); });

test('converters and ACLs with converters give the headers haproxy 2.6.12 gave', async () => {
  const body = await new Promise<string>((resolve, reject) => {
    const req = http.get({
      host: '127.0.0.1', port, path: '/API/v1/a%20b?x=1', agent: false,
      headers: { host: 'Foo.Example.com', 'x-forwarded-for': '1.2.3.4, 5.6.7.8', 'user-agent': 'ua', 'x-num': '41' },
    }, (res) => { let b = ''; res.setEncoding('latin1'); res.on('data', (d: string) => { b += d; }); res.on('end', () => resolve(b)); });
    req.setTimeout(3000, () => req.destroy(new Error('no response within 3 s')));
    req.on('error', reject);
  });
  assert.equal(body, readFileSync(join(FX, 'expected-headers.txt'), 'latin1'));
});
