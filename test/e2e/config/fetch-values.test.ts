/*
 * Sample fetches as values (acl/fetches-http-req.ts, acl/fetches-internal.ts, acl/fetch-value.ts): each expression
 * of fixtures/proxy/fetch-values/exprs answers, through `http-request return ... lf-string`, to the same two
 * requests (origin form, then absolute URI) as haproxy 2.6.12 did (golden, see make-golden.sh there).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSluice, stopSluice, freePort, exchange } from '../proxy-util.ts';
import type { Runtime } from '../../../proxy/runtime.ts';
import { testDefaults } from './defaults.ts';

const dir = join(import.meta.dirname, '../../../fixtures/proxy/fetch-values');
let rt: Runtime | null = null;
after(async () => { if (rt !== null) await stopSluice(rt); });

test('request, cookie, authorization and internal-state fetches give 2.6.12\'s values', async () => {
  const exprs = readFileSync(join(dir, 'exprs'), 'latin1').split('\n').filter((l) => l !== '');
  const golden = readFileSync(join(dir, 'golden'), 'latin1');
  const port = await freePort();
  rt = await startSluice(`${testDefaults('http')}listen fe
 bind 127.0.0.1:${port} name mysock
${exprs.map((e, i) => ` http-request return status 200 content-type text/plain lf-string "${e} => [%[${e}]]\\n" if { path /${i + 1} }`).join('\n')}
 server s1 127.0.0.1:9
`);
  let got = '';
  for (const req of ['request.txt', 'request-abs.txt']) {
    const raw = readFileSync(join(dir, req), 'latin1').replace(/\n/g, '\r\n');
    for (let i = 1; i <= exprs.length; i++) {
      const r = await exchange(port, raw.replace('/N', '/' + (i)));
      got += r.slice(r.indexOf('\r\n\r\n') + 4);
    }
  }
  assert.equal(got, golden);
});
