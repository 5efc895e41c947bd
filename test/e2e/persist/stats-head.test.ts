/*
 * The stats page's log lines against real HAProxy 2.6 (fixtures/persist/stats-head, see CMD): GET and HEAD of the
 * HTML page and the CSV export are logged with the server <STATS> (HEAD used to give <NOSRV>), status 200, LR--, the
 * same byte counts; a denied HEAD beside them stays <NOSRV>.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startSluice, stopSluice, freePort } from '../proxy-util.ts';
import type { Runtime } from '../../../proxy/runtime.ts';
import { closeLogSinks } from '../../../proxy/log/sender.ts';
import { countersLogs } from '../http/counters-scenario.ts';
import { statsHeadConfig, runStatsHead } from './stats-head-scenario.ts';

const golden = (f: string): string => readFileSync(new URL('../../../fixtures/persist/stats-head/' + f, import.meta.url), 'latin1');
let rt: Runtime | null = null;
const stops: (() => void)[] = [];
let results: string[] = [];
let logLines: string[] = [];

before(async () => {
  const logs = await countersLogs();
  stops.push(() => logs.sock.close());
  logLines = logs.lines;
  const p = { fe: await freePort(), srv: await freePort(), log: logs.port };
  rt = await startSluice(statsHeadConfig(p));
  results = await runStatsHead(p.fe);
});
after(async () => { if (rt !== null) await stopSluice(rt); closeLogSinks(); for (const f of stops) f(); });

test('the stats page answers GET and HEAD as HAProxy 2.6', () => {
  assert.deepEqual(results, golden('results.txt').trimEnd().split('\n'));
});

test('log lines name <STATS> for GET and HEAD of the page and the CSV, with the same status and termination state', async () => {
  // byte counts of GET depend on the page's content (uptime, pid, ...): compared for HEAD and the denied request only
  const pick = (l: string): string => {
    const f = l.split(' ');
    const head = l.includes('"HEAD ') ? ' ' + f[6] : '';
    return [3, 5, 9].map((i) => f[i]).join(' ') + head + ' ' + f.slice(-3).join(' ');
  };
  const want = golden('log.txt').trimEnd().split('\n').map(pick);
  const end = Date.now() + 3000;
  while (logLines.length < want.length && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(logLines.map(pick), want);
});
