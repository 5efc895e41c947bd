/*
 * The first health and agent checks staggered as haproxy 2.6.12 starts them (fixtures/proxy/first-checks): over the
 * whole configuration, the Nth of all checks at N x max(smallest interval of 1 s or more, its own) / their count,
 * capped by max-spread-checks. Sluice's plan for the same configuration must give 2.6's order and, relative to the
 * second check (2.6's first one ran late at startup), its offsets within 40 ms.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { loadConfig, CFG_ALERT } from '../../../proxy/config/loader.ts';
import { buildRegistry } from '../../../proxy/modules.ts';
import { firstCheckPlan, firstCheckDelay } from '../../../proxy/checks/spread.ts';
import type { Proxy } from '../../../proxy/model/types.ts';

const fx = (f: string): string => readFileSync(new URL('../../../fixtures/proxy/first-checks/' + f, import.meta.url), 'latin1');
const dir = mkdtempSync(join(tmpdir(), 'sluice-firstchk-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** The planned first check of each port: checks on the server's port, agents on their agent port. */
function plan(text: string): Map<string, number> {
  writeFileSync(join(dir, 'c.cfg'), text);
  const c = loadConfig([join(dir, 'c.cfg')], buildRegistry());
  assert.deepEqual(c.messages.filter((m) => m.level === CFG_ALERT).map((m) => m.text), []);
  const proxies: Proxy[] = c.proxies;
  firstCheckPlan(proxies);
  const out = new Map<string, number>();
  for (const px of proxies) {
    for (const s of px.servers) {
      if (s.check.enabled) out.set(String(s.port), firstCheckDelay(s.check, -1));
      if (s.agent !== null && s.agent.enabled) out.set(String(s.agent.port), firstCheckDelay(s.agent, -1));
    }
  }
  return out;
}

test('first checks: 2.6.12\'s order and offsets over the configuration', () => {
  const want = fx('first-checks.txt').trimEnd().split('\n').map((l) => l.split(' ') as [string, string]);
  const got = plan(fx('haproxy.cfg'));
  const order = [...got.entries()].sort((a, b) => a[1] - b[1]).map(([p]) => p);
  assert.deepEqual(order, want.map(([p]) => p));
  const base = got.get(want[1][0])! - Number(want[1][1]);
  for (const [p, ms] of want.slice(1)) assert.ok(Math.abs(got.get(p)! - base - Number(ms)) <= 40, `${p}: ${got.get(p)! - base} vs ${ms}`);
});

test('max-spread-checks caps the spread: 9 checks over 900 ms at most', () => {
  const got = plan(fx('haproxy.cfg').replace('defaults', 'global\n    max-spread-checks 900ms\ndefaults'));
  assert.equal(Math.max(...got.values()), 800);
  assert.equal(got.get('18809'), 700);
});
