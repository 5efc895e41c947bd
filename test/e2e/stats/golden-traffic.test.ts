/*
 * Same configuration, same traffic, same CLI commands as the real HAProxy 2.6 captures in fixtures/stats/traffic-tcp
 * and traffic-http (see their CMD): the real `sluice` process must pick the same servers and give the same
 * `show stat` / `show servers state` / `show info`, values masked only where they must differ (ports, times, rates).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir, availableParallelism } from 'node:os';
import { runGoldenCase, maskStat, maskState, maskInfo, teardown } from './traffic.ts';
import type { Backend } from './traffic.ts';

const dir = mkdtempSync(join(tmpdir(), 'sluice-golden-'));
const procs: ChildProcess[] = [];
const servers: Backend[] = [];
after(() => { for (const p of procs) teardown(p, [], dir); teardown(null, servers, dir); });

test('show stat, show servers state and show info after the golden tcp scenario match HAProxy 2.6', { timeout: 20000 }, async () => {
  const { actual, golden } = await runGoldenCase('traffic-tcp', false, dir, procs, servers);
  // same servers chosen (the order inside a weighted round-robin cycle is the LB's business, tested in test/e2e/balance)
  const sorted = (a: string[]): string[] => [a.slice(0, 6).sort(), a.slice(6)].flat();
  assert.deepEqual(sorted(actual.bodies), sorted(golden('bodies.txt').slice(0, -1).split('|')));
  assert.deepEqual(maskStat(actual.stat), maskStat(golden('show-stat.txt')));
  assert.deepEqual(maskState(actual.state), maskState(golden('show-servers-state.txt')));
  assert.deepEqual(maskInfo(actual.info), maskInfo(forThreadsHere(golden('show-info.txt'))));
});

/**
 * The capture's Ulimit-n/Maxsock as haproxy would show them on this machine: 2.6 reserves 3 sockets per thread and
 * runs one thread per CPU without `nbthread` (the capture names its count in Nbthread).
 */
function forThreadsHere(info: string): string {
  const captured = Number(/^Nbthread: (\d+)$/m.exec(info)![1]);
  const delta = 3 * (Math.min(64, availableParallelism()) - captured);
  return info.replace(/^(Ulimit-n|Maxsock): (\d+)$/gm, (_m, k: string, v: string) => k + ': ' + (Number(v) + delta));
}

test('after the golden http scenario the FRONTEND req_rate_max counts the requests (it stayed 0)', { timeout: 20000 }, async () => {
  const { actual, golden } = await runGoldenCase('traffic-http', true, dir, procs, servers);
  const col = (text: string, name: string): number => {
    const lines = text.split('\n');
    const i = lines[0]!.slice(2).split(',').indexOf(name);
    return Number(lines.find((l) => l.split(',')[1] === 'FRONTEND')!.split(',')[i]);
  };
  const tot = col(actual.stat, 'req_tot');
  assert.equal(tot, col(golden('show-stat.txt'), 'req_tot'));
  assert.ok(col(golden('show-stat.txt'), 'req_rate_max') > 0);
  const max = col(actual.stat, 'req_rate_max');
  assert.ok(max >= 1 && max <= tot, `req_rate_max ${max} of ${tot}`);
});
