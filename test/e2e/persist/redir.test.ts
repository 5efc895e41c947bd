/*
 * Server `redir <prefix>` against real HAProxy 2.6 (fixtures/persist/redir, see CMD): GET and HEAD answered with a 302
 * to the prefix and the path (absolute URIs cut to their path), the connection closed after it, POST forwarded, and
 * the same log lines (server named, Tc -1, LC).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { goldenRun, assertGoldenLogs } from './golden-run.ts';
import { nameOrigin } from './dispatch-scenario.ts';
import { redirConfig, runRedir } from './redir-scenario.ts';

const g = goldenRun('redir', async (log, port) => {
  const o = await nameOrigin('s1');
  const p = { fe: await port(), srv: o.port, log };
  return { cfg: redirConfig(p), run: () => runRedir(p.fe), stops: [o.close] };
});

test('responses equal HAProxy 2.6 case by case', () => {
  assert.deepEqual(g.results, g.golden('results.txt').slice(0, -1).split('\n=====\n'));
});

// timers: only whether a connection was made (Tc, Tr -1 for a redirect), the durations vary
const tc = (t: string): string => t.split('/').slice(2, 4).map((x) => (x === '-1' ? '-1' : 'n')).join('/');
test('log lines: server, connection made or not, status, bytes, termination state and cookie flags', () =>
  assertGoldenLogs(g, (l) => { const f = l.split(' '); return [3, 5, 6, 9].map((i) => f[i]).join(' ') + ' ' + tc(f[4]!) + ' ' + l.slice(l.indexOf('"')); }));
