/*
 * Converters real configurations use that sluice lacked: digest, hmac, strcmp, secure_memcmp, ub64enc, ub64dec,
 * url_enc, cpl, host_only, port_only, iif. Each expression of fixtures/configs/real/converters-extra.exprs answers
 * as haproxy 2.6.12 did on the same configuration (converters-extra.golden, see the CMD file there).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSluice, stopSluice, freePort, exchange } from '../proxy-util.ts';
import type { Runtime } from '../../../proxy/runtime.ts';
import { testDefaults } from './defaults.ts';

const dir = join(import.meta.dirname, '../../../fixtures/configs/real');
let rt: Runtime | null = null;
after(async () => { if (rt !== null) await stopSluice(rt); });

test('digest, hmac, strcmp, ub64enc/dec, url_enc, cpl, host_only, port_only, iif answer as 2.6.12', async () => {
  const exprs = readFileSync(join(dir, 'converters-extra.exprs'), 'latin1').split('\n').filter((l) => l !== '');
  const golden = readFileSync(join(dir, 'converters-extra.golden'), 'latin1');
  const port = await freePort();
  rt = await startSluice(`${testDefaults('http')}frontend fe
 bind 127.0.0.1:${port}
 http-request set-var(txn.q) str(abc)
${exprs.map((e, i) => ` http-request return status 200 content-type text/plain lf-string "${e} => [%[${e}]]\\n" if { path /${i + 1} }`).join('\n')}
`);
  let got = '';
  for (let i = 1; i <= exprs.length; i++) {
    const r = await exchange(port, `GET /${i} HTTP/1.1\r\nhost: a\r\nconnection: close\r\n\r\n`);
    got += r.slice(r.indexOf('\r\n\r\n') + 4);
  }
  assert.equal(got, golden);
});
