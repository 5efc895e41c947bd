/*
 * The stats page served by the HTTP stream (`stats enable`/`stats uri` on a frontend): fixtures/stats/traffic-http
 * (real HAProxy 2.6, see its CMD) replayed through the real sluice; `show stat` must match but for the page's own
 * size on the frontend (its CSV holds ports and times) and the h1_bytes_* wire counters (stats side).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { runGoldenCase, maskStat, teardown } from '../stats/traffic.ts';
import type { Backend } from '../stats/traffic.ts';

const dir = mkdtempSync(join(tmpdir(), 'sluice-statspage-'));
const procs: ChildProcess[] = [];
const servers: Backend[] = [];
after(() => { for (const p of procs) teardown(p, [], dir); teardown(null, servers, dir); });

test('the stats page answers on its uri (CSV) and the counters match HAProxy 2.6 after the http scenario', { timeout: 30000 }, async () => {
  const { actual, golden } = await runGoldenCase('traffic-http', true, dir, procs, servers);
  assert.equal(actual.bodies[actual.bodies.length - 1], 'page:csv');
  const sorted = (a: string[]): string[] => [a.slice(0, 6).sort(), a.slice(6)].flat();
  assert.deepEqual(sorted(actual.bodies), sorted(golden('bodies.txt').slice(0, -1).split('|')));
  const mask = (t: string): string[] => maskStat(t, ['bout']).map((l) => {
    const cols = t.split('\n')[0]!.slice(2).split(',');
    return l.split(',').map((v, i) => (cols[i]!.startsWith('h1_bytes_') ? '*' : v)).join(',');
  });
  assert.deepEqual(mask(actual.stat), mask(golden('show-stat.txt')));
});
