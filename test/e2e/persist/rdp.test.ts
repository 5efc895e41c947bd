/*
 * balance rdp-cookie and persist rdp-cookie behind `tcp-request content accept if RDP_COOKIE` against real HAProxy
 * 2.6 (fixtures/persist/rdp, see CMD): the same server answers each RDP client (same hash of the mstshash user, round
 * robin without a cookie, a cookie split over two packets waited for, the msts cookie's address honoured), and the
 * log names the same servers.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startSluice, stopSluice, freePort } from '../proxy-util.ts';
import type { Runtime } from '../../../proxy/runtime.ts';
import { closeLogSinks } from '../../../proxy/log/sender.ts';
import { countersLogs } from '../http/counters-scenario.ts';
import { rdpConfig, rdpOrigin, runRdpScenario } from './rdp-scenario.ts';

const golden = (f: string): string => readFileSync(new URL('../../../fixtures/persist/rdp/' + f, import.meta.url), 'latin1');
let rt: Runtime | null = null;
const stops: (() => void)[] = [];
let results: string[] = [];
let logLines: string[] = [];

before(async () => {
  const a = await rdpOrigin('s1'), b = await rdpOrigin('s2'), c = await rdpOrigin('s3');
  const logs = await countersLogs();
  stops.push(a.close, b.close, c.close, () => logs.sock.close());
  logLines = logs.lines;
  const p = { bal: await freePort(), prst: await freePort(), a: a.port, b: b.port, c: c.port, log: logs.port };
  rt = await startSluice(rdpConfig(p));
  results = await runRdpScenario(p);
});
after(async () => { if (rt !== null) await stopSluice(rt); closeLogSinks(); for (const f of stops) f(); });

test('each RDP client reaches the server HAProxy 2.6 sends it to', () => {
  assert.deepEqual(results, golden('results.txt').trimEnd().split('\n'));
});

test('log lines name the same proxy/server with the same bytes and termination state', async () => {
  const pick = (l: string): string => { const f = l.split(' '); return [2, 3, 5, 6].map((i) => f[i]).join(' '); };
  const want = golden('log.txt').trimEnd().split('\n').map(pick);
  const end = Date.now() + 3000;
  while (logLines.length < want.length && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(logLines.map(pick), want);
});
