// -time in a zone with DST: halog's conversions depend on the DST flag its previous conversion left
// (timestamp.ts), so the first summer date of a winter run, or the first after a change, is an hour off.
// Every case of fixtures/halog/tz (CMD made by the real halog 2.6 in that TZ) must give the same bytes.
import { mock, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCase } from './run-case.ts';

/* halog's first hint is the DST flag of "now": the goldens were made on 2026-11-24 (winter in Europe) */
const MADE_AT = Date.UTC(2026, 10, 24, 12);
const ROOT = join(import.meta.dirname, '..', '..');
const TZ_DIR = join(ROOT, 'fixtures', 'halog', 'tz');

for (const name of readdirSync(TZ_DIR).filter((n) => !n.includes('.') && n !== 'README')) {
  const dir = join(TZ_DIR, name);
  const cmd = readFileSync(join(dir, 'CMD'), 'utf8').trim();
  const m = /^TZ=(\S+) \/usr\/sbin\/halog (.*) < (\S+)$/.exec(cmd)!;
  test(`${cmd} gives halog 2.6's output (${name})`, async () => {
    process.env.TZ = m[1];
    mock.timers.enable({ apis: ['Date'], now: MADE_AT });
    let r;
    try {
      r = await runCase(m[2].split(' '), join(ROOT, m[3]), false);
    } finally {
      mock.timers.reset();
    }
    assert.equal(r.status, Number(readFileSync(join(dir, 'status'), 'utf8').trim()));
    assert.equal(r.out.toString('latin1'), readFileSync(join(dir, 'stdout'), 'latin1'));
    assert.equal(r.err.toString('latin1'), readFileSync(join(dir, 'stderr'), 'latin1'));
  });
}
