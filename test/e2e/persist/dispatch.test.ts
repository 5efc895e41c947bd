/*
 * dispatch against real HAProxy 2.6 (fixtures/persist/dispatch, see CMD): requests go to the dispatch address
 * (logged <NOSRV>) unless a valid cookie names a server, and a backend with `balance` ignores it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { goldenRun, assertGoldenLogs } from './golden-run.ts';
import { dispatchConfig, nameOrigin, runDispatch } from './dispatch-scenario.ts';

const g = goldenRun('dispatch', async (log, port) => {
  const d = await nameOrigin('dispatch'), s = await nameOrigin('s1');
  const p = { only: await port(), both: await port(), bal: await port(), d: d.port, s: s.port, log };
  return { cfg: dispatchConfig(p), run: () => runDispatch(p), stops: [d.close, s.close] };
});

test('each request reaches the address HAProxy 2.6 sends it to', () => {
  assert.deepEqual(g.results, g.golden('results.txt').trimEnd().split('\n'));
});

test('log lines: <NOSRV> for the dispatch address, the same status, bytes and cookie flags', () =>
  assertGoldenLogs(g, (l) => { const f = l.split(' '); return [3, 5, 6, 9].map((i) => f[i]).join(' '); }));
