/*
 * balance rdp-cookie and persist rdp-cookie behind `tcp-request content accept if RDP_COOKIE` against real HAProxy
 * 2.6 (fixtures/persist/rdp, see CMD): the same server answers each RDP client (same hash of the mstshash user, round
 * robin without a cookie, a cookie split over two packets waited for, the msts cookie's address honoured), and the
 * log names the same servers.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { goldenRun, assertGoldenLogs } from './golden-run.ts';
import { rdpConfig, rdpOrigin, runRdpScenario } from './rdp-scenario.ts';

const g = goldenRun('rdp', async (log, port) => {
  const a = await rdpOrigin('s1'), b = await rdpOrigin('s2'), c = await rdpOrigin('s3');
  const p = { bal: await port(), prst: await port(), a: a.port, b: b.port, c: c.port, log };
  return { cfg: rdpConfig(p), run: () => runRdpScenario(p), stops: [a.close, b.close, c.close] };
});

test('each RDP client reaches the server HAProxy 2.6 sends it to', () => {
  assert.deepEqual(g.results, g.golden('results.txt').trimEnd().split('\n'));
});

test('log lines name the same proxy/server with the same bytes and termination state', () =>
  assertGoldenLogs(g, (l) => { const f = l.split(' '); return [2, 3, 5, 6].map((i) => f[i]).join(' '); }));
