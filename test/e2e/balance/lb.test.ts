/*
 * Every balance algorithm against real HAProxy 2.6.12 (fixtures/lb, see CMD): the same configuration and the same
 * request/CLI sequence through Sluice must reach the same server, request by request, case by case (lb-scenario.ts).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { startSluice, stopSluice, freePort } from '../proxy-util.ts';
import type { Runtime } from '../../../proxy/runtime.ts';
import { lbCases, lbConfig, lbOrigins, runLbScenario, runRandomTally, RANDOM_WEIGHTS, RANDOM_REQUESTS } from './lb-scenario.ts';

let rt: Runtime | null = null;
let close: (() => void) | null = null;
let got: string[] = [];
let rnd: Record<string, number> = {};
after(async () => { if (rt !== null) await stopSluice(rt); close?.(); });

before(async () => {
  const o = await lbOrigins();
  close = o.close;
  const fe = await freePort();
  const sock = join(mkdtempSync(join(tmpdir(), 'lb-e2e-')), 'cli.sock');
  rt = await startSluice(lbConfig(fe, o.ports, sock));
  got = await runLbScenario(fe, sock, o);
  rnd = await runRandomTally(fe);
});

// Shares only (random): Sluice's against HAProxy 2.6's (fixtures/lb/random.json), within 5 sigma of their difference;
// both follow the consistent-hash ring, where s2's points cover only ~0.185 of it (equal weights would give 0.25).
test('balance random over idle servers shares requests as HAProxy 2.6 does (by ring coverage)', () => {
  const hap = JSON.parse(readFileSync(new URL('../../../fixtures/lb/random.json', import.meta.url), 'latin1')) as Record<string, number>;
  const n = RANDOM_REQUESTS;
  RANDOM_WEIGHTS.forEach((_, i) => {
    const sv = 's' + (i + 1);
    const p = (hap[sv] ?? 0) / n;
    const tol = 5 * Math.sqrt(2 * n * p * (1 - p));
    assert.ok(Math.abs((rnd[sv] ?? 0) - (hap[sv] ?? 0)) <= tol, `${sv}: sluice ${rnd[sv]} vs haproxy ${hap[sv]} of ${n} (+- ${tol.toFixed(0)})`);
  });
  assert.ok((hap.s2 ?? 0) < 0.23 * n && (rnd.s2 ?? 0) < 0.23 * n, JSON.stringify({ hap, rnd }));
});

const want = readFileSync(new URL('../../../fixtures/lb/servers.txt', import.meta.url), 'latin1').trimEnd().split('\n');
const of = (lines: string[], name: string): string[] => lines.filter((l) => l.startsWith(name + ' ') && !l.startsWith(name + ' cli '));

for (const k of lbCases()) {
  test(`${k.name}: ${k.lines.replace(/\n\s*/g, ', ')} (weights ${k.weights.join(',')}) picks HAProxy 2.6's servers`, () => {
    const w = of(want, k.name);
    assert.ok(w.length > 0);
    assert.deepEqual(of(got, k.name), w);
  });
}
