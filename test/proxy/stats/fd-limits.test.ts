/*
 * Maxconn / Maxsock as haproxy 2.6.12 derives them from the fd limit, threads, listeners and checks
 * (fixtures/stats/fd-limits: one config per case, measured.txt from `show info`, see CMD there).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../../proxy/config/loader.ts';
import { buildRegistry } from '../../../proxy/modules.ts';
import { fdReserve, derivedMaxconn, fdHardLimit } from '../../../proxy/stats/fd-limits.ts';

const D = new URL('../../../fixtures/stats/fd-limits/', import.meta.url);
const cases = readFileSync(new URL('cases.txt', D), 'latin1').split('\n').filter((l) => l !== '' && !l.startsWith('#')).map((l) => l.split(' '));
const measured = new Map(readFileSync(new URL('measured.txt', D), 'latin1').trim().split('\n').map((l) => {
  const m = /^(\S+) (\d+) Maxconn:(\d+) Maxsock:(\d+)/.exec(l)!;
  return [m[1]!, { hard: Number(m[2]), maxconn: Number(m[3]), maxsock: Number(m[4]) }];
}));

for (const [name, , , , , , mc] of cases) {
  test(`${name}: Maxconn and Maxsock are 2.6's`, () => {
    const want = measured.get(name!)!;
    const cfg = loadConfig([fileURLToPath(new URL(name + '.cfg', D))], buildRegistry(), {});
    assert.equal(cfg.alerts, 0);
    const reserve = fdReserve(cfg.global, cfg.proxies);
    const maxconn = mc === '-' ? derivedMaxconn(reserve, want.hard) : cfg.global.maxconn;
    assert.deepEqual({ maxconn, maxsock: maxconn * 2 + reserve }, { maxconn: want.maxconn, maxsock: want.maxsock });
  });
}

test('without a global maxconn the loader applies the derived one (this machine\'s fd limit)', () => {
  const cfg = loadConfig([fileURLToPath(new URL('t1-chk.cfg', D))], buildRegistry(), {});
  const expect = derivedMaxconn(fdReserve(cfg.global, cfg.proxies), fdHardLimit());
  assert.equal(cfg.global.maxconn, expect);
  const fixed = loadConfig([fileURLToPath(new URL('t1-mc.cfg', D))], buildRegistry(), {});
  assert.equal(fixed.global.maxconn, 4096);
});
