/*
 * `option ldap-check` as haproxy 2.6.12 runs it: an anonymous LDAPv3 bind, then the bindResponse's resultCode
 * (0: "Success", else L7STS with that code), "Not LDAPv3 protocol" for anything else, the empty reply and a reply cut
 * short. Each backend of fixtures/proxy/ldap-check/checks.cfg is probed against servers answering as origin.cjs does
 * and must get the verdict and reason 2.6.12 logged (haproxy-health.txt).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server as NetServer } from 'node:net';
import { readFileSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import type { Proxy } from '../../../proxy/model/types.ts';
import { checkVerdicts, loadWithServers } from './probe-util.ts';

const fx = (f: string) => readFileSync(new URL('../../../fixtures/proxy/ldap-check/' + f, import.meta.url), 'latin1');
const dir = mkdtempSync(join(tmpdir(), 'sluice-ldapchk-'));
const servers: NetServer[] = [];
let backends: Map<string, Proxy>;
const sent: string[] = [];

before(async () => {
  // the replies only (requiring origin.cjs would listen on its fixed ports)
  const src = fx('origin.cjs').replace(/REPLIES\.forEach[^]*$/, 'module.exports = { REPLIES };');
  writeFileSync(join(dir, 'origin.cjs'), src);
  const { REPLIES } = createRequire(import.meta.url)(join(dir, 'origin.cjs')) as { REPLIES: [string, string | null][] };
  const list: [NetServer, number][] = REPLIES.map(([, hex], i) => [createServer((c) => {
    c.on('error', () => {});
    c.once('data', (d) => { sent.push(d.toString('hex')); if (hex === null) c.destroy(); else c.end(Buffer.from(hex, 'hex')); });
  }), 18951 + i]);
  servers.push(...list.map(([srv]) => srv));
  backends = await loadWithServers(fx('checks.cfg'), list, dir);
});

after(() => { for (const s of servers) s.close(); rmSync(dir, { recursive: true, force: true }); });

test('ldap-check: the verdict and reason of every backend as haproxy 2.6.12 logged them, after its bind request', async () => {
  const { want, got } = await checkVerdicts(fx('haproxy-health.txt'), backends, true);
  assert.equal(want.length, 7);
  assert.deepEqual(got, want);
  assert.deepEqual([...new Set(sent)], ['300c020101600702010304008000']);     // what 2.6.12 sent (captured)
});
