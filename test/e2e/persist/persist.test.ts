/*
 * use-server / force-persist / ignore-persist / option persist against real HAProxy 2.6 (fixtures/persist/http, see
 * CMD): the same servers answer (a server in maintenance reached only when forced, use-server before the cookie, a
 * dead persistent server redispatched, or not under force-persist), the same Set-Cookie insertion and stripping, and
 * the same log fields (server, status, %tsc cookie flags, retries with the redispatch '+').
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startSluice, stopSluice, freePort } from '../proxy-util.ts';
import type { Runtime } from '../../../proxy/runtime.ts';
import { closeLogSinks } from '../../../proxy/log/sender.ts';
import { cookieOrigin } from '../http/cookie-scenario.ts';
import { countersLogs } from '../http/counters-scenario.ts';
import { persistConfig, runPersistScenario } from './persist-scenario.ts';

const golden = (f: string): string => readFileSync(new URL('../../../fixtures/persist/http/' + f, import.meta.url), 'latin1');
let rt: Runtime | null = null;
const stops: (() => void)[] = [];
let responses: string[] = [];
let logLines: string[] = [];

before(async () => {
  const a = await cookieOrigin('s1');
  const b = await cookieOrigin('s2');
  const logs = await countersLogs();
  stops.push(a.close, b.close, () => logs.sock.close());
  logLines = logs.lines;
  const fe = await freePort();
  rt = await startSluice(persistConfig({ fe, a: a.port, b: b.port, dead: await freePort(), log: logs.port }));
  responses = await runPersistScenario(fe);
});
after(async () => { if (rt !== null) await stopSluice(rt); closeLogSinks(); for (const f of stops) f(); });

test('responses and what the servers received equal HAProxy 2.6 case by case', () => {
  const want = golden('responses.txt').split('\n=====\n');
  assert.equal(responses.length, want.length);
  for (let i = 0; i < want.length; i++) assert.equal(responses[i], want[i], 'case ' + i);
});

test('log lines name the same servers with the same status, cookie flags and retries', async () => {
  const pick = (l: string): string => { const f = l.split(' '); return [3, 5, 9, 10].map((i) => f[i]).join(' ') + ' ' + f.slice(-2).join(' '); };
  const want = golden('log.txt').trimEnd().split('\n').map(pick);
  const end = Date.now() + 3000;
  while (logLines.length < want.length && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(logLines.map(pick), want);
});
