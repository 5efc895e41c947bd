/*
 * The stats page's log lines against real HAProxy 2.6 (fixtures/persist/stats-head, see CMD): GET and HEAD of the
 * HTML page and the CSV export are logged with the server <STATS> (HEAD used to give <NOSRV>), status 200, LR--, the
 * same byte counts and the applet's Tw/Tc/Tr as 0; a denied HEAD beside them stays <NOSRV>.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { goldenRun, assertGoldenLogs } from './golden-run.ts';
import { statsHeadConfig, runStatsHead } from './stats-head-scenario.ts';

const g = goldenRun('stats-head', async (log, port) => {
  const p = { fe: await port(), srv: await port(), log };
  return { cfg: statsHeadConfig(p), run: () => runStatsHead(p.fe), stops: [] };
});

test('the stats page answers GET and HEAD as HAProxy 2.6', () => {
  assert.deepEqual(g.results, g.golden('results.txt').trimEnd().split('\n'));
});

test('log lines name <STATS> for GET and HEAD of the page and the CSV, with the same status and termination state', () =>
  // byte counts of GET depend on the page's content (uptime, pid, ...): compared for HEAD and the denied request only;
  // timers by shape (-1 or a value: the applet's Tw/Tc/Tr are 0, Sluice logged them -1)
  assertGoldenLogs(g, (l) => {
    const f = l.split(' ');
    const head = l.includes('"HEAD ') ? ' ' + f[6] : '';
    const timers = f[4].split('/').map((t) => (t === '-1' ? '-1' : 'N')).join('/');
    return [3, 5, 9].map((i) => f[i]).join(' ') + ' ' + timers + head + ' ' + f.slice(-3).join(' ');
  }));
