/*
 * `sluice -c` on TLS configurations prints what haproxy 2.6.12 `-c` prints (fixtures/ssl/check, made by
 * make-goldens.sh there): missing certificate / CA / crt-list files, a PEM without key, a bind without crt, a server
 * verifying without CA, bad versions and verify methods, missing arguments, and a valid configuration using most
 * keywords (with 2.6's "no-sslv3/no-tlsv1x are ignored" warnings).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../../proxy/config/loader.ts';
import { buildRegistry } from '../../../proxy/modules.ts';
import { reportConfig } from '../../../proxy/main.ts';

const dir = join(import.meta.dirname, '../../../fixtures/ssl/check');
const cases = readdirSync(dir).filter((f) => f.endsWith('.cfg')).sort();

test('the TLS golden set is there', () => {
  assert.ok(cases.length >= 6, `${cases.length} cases`);
});

for (const f of cases) {
  const c = f.slice(0, -4);
  test(`sluice -c prints what haproxy -c prints: ssl ${c}`, () => {
    const prev = process.cwd();
    process.chdir(dir);     // the messages name files as written, relative to here
    try {
      const want = readFileSync(c + '.stderr', 'latin1');
      const status = Number(readFileSync(c + '.status', 'latin1'));
      const cfg = loadConfig([f], buildRegistry(), { HOME: '/root' });
      let got = '';
      const rc = reportConfig(cfg, false, (s) => { got += s; });
      assert.equal(got.replace(/^(\[[A-Z]+\] +)\(\d+\)/gm, '$1(PID)'), want);
      assert.equal(rc === 1, status === 1, `exit status: haproxy ${status}, sluice ${rc}`);
    } finally { process.chdir(prev); }
  });
}
