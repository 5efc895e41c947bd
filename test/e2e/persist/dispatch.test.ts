/*
 * dispatch against real HAProxy 2.6 (fixtures/persist/dispatch, see CMD): requests go to the dispatch address
 * (logged <NOSRV>) unless a valid cookie names a server, and a backend with `balance` ignores it.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startSluice, stopSluice, freePort } from '../proxy-util.ts';
import type { Runtime } from '../../../proxy/runtime.ts';
import { closeLogSinks } from '../../../proxy/log/sender.ts';
import { countersLogs } from '../http/counters-scenario.ts';
import { dispatchConfig, nameOrigin, runDispatch } from './dispatch-scenario.ts';

const golden = (f: string): string => readFileSync(new URL('../../../fixtures/persist/dispatch/' + f, import.meta.url), 'latin1');
let rt: Runtime | null = null;
const stops: (() => void)[] = [];
let results: string[] = [];
let logLines: string[] = [];

before(async () => {
  const d = await nameOrigin('dispatch'), s = await nameOrigin('s1');
  const logs = await countersLogs();
  stops.push(d.close, s.close, () => logs.sock.close());
  logLines = logs.lines;
  const p = { only: await freePort(), both: await freePort(), bal: await freePort(), d: d.port, s: s.port, log: logs.port };
  rt = await startSluice(dispatchConfig(p));
  results = await runDispatch(p);
});
after(async () => { if (rt !== null) await stopSluice(rt); closeLogSinks(); for (const f of stops) f(); });

test('each request reaches the address HAProxy 2.6 sends it to', () => {
  assert.deepEqual(results, golden('results.txt').trimEnd().split('\n'));
});

test('log lines: <NOSRV> for the dispatch address, the same status, bytes and cookie flags', async () => {
  const pick = (l: string): string => { const f = l.split(' '); return [3, 5, 6, 9].map((i) => f[i]).join(' '); };
  const want = golden('log.txt').trimEnd().split('\n').map(pick);
  const end = Date.now() + 3000;
  while (logLines.length < want.length && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(logLines.map(pick), want);
});
