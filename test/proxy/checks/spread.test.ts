/*
 * `spread-checks`: intervals varied by up to +/- the percentage (never outside), none without it; 2.6.12's messages
 * for a bad value (checked with haproxy -c).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { loadConfig, CFG_ALERT } from '../../../proxy/config/loader.ts';
import { buildRegistry } from '../../../proxy/modules.ts';
import { checkSpread } from '../../../proxy/checks/spread.ts';

const dir = mkdtempSync(join(tmpdir(), 'sluice-spread-'));
function load(v: string): string[] {
  const f = join(dir, 'sp.cfg');
  writeFileSync(f, `global\n spread-checks ${v}\n`);
  return loadConfig([f], buildRegistry()).messages.filter((m) => m.level === CFG_ALERT).map((m) => m.text.replace(f, 'sp.cfg'));
}

test('spread-checks varies each interval within +/- its percentage, and by nothing once a load has none', () => {
  assert.deepEqual(load('20'), []);
  const seen = new Set<number>();
  for (let i = 0; i < 2000; i++) {
    const v = checkSpread(1000);
    assert.ok(v >= 800 && v <= 1200, String(v));
    seen.add(v);
  }
  assert.ok(seen.size > 20 && Math.min(...seen) < 850 && Math.max(...seen) > 1150, `${seen.size} values`);
  const f = join(dir, 'none.cfg');
  writeFileSync(f, 'global\n maxconn 10\n');
  loadConfig([f], buildRegistry());
  for (let i = 0; i < 50; i++) assert.equal(checkSpread(1000), 1000);
});

test('spread-checks values 2.6.12 refuses, in its words', () => {
  assert.deepEqual(load(''), ["parsing [sp.cfg:2]: 'spread-checks' expects an integer argument (0..50)."]);
  assert.deepEqual(load('60'), ["parsing [sp.cfg:2]: 'spread-checks' needs a positive value in range 0..50."]);
  assert.deepEqual(load('-1'), ["parsing [sp.cfg:2]: 'spread-checks' needs a positive value in range 0..50."]);
  assert.deepEqual(load('5 6'), ["parsing [sp.cfg:2] : 'spread-checks' cannot handle unexpected argument '6'."]);
  assert.deepEqual(load('x'), []);
});
