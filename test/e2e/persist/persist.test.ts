/*
 * use-server / force-persist / ignore-persist / option persist against real HAProxy 2.6 (fixtures/persist/http, see
 * CMD): the same servers answer (a server in maintenance reached only when forced, use-server before the cookie, a
 * dead persistent server redispatched, or not under force-persist), the same Set-Cookie insertion and stripping, and
 * the same log fields (server, status, %tsc cookie flags, retries with the redispatch '+').
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { goldenRun, assertGoldenLogs } from './golden-run.ts';
import { cookieOrigin } from '../http/cookie-scenario.ts';
import { persistConfig, runPersistScenario } from './persist-scenario.ts';

const g = goldenRun('http', async (log, port) => {
  const a = await cookieOrigin('s1'), b = await cookieOrigin('s2');
  const p = { fe: await port(), a: a.port, b: b.port, dead: await port(), log };
  return { cfg: persistConfig(p), run: () => runPersistScenario(p.fe), stops: [a.close, b.close] };
});

test('responses and what the servers received equal HAProxy 2.6 case by case', () => {
  const want = g.golden('responses.txt').split('\n=====\n');
  assert.equal(g.results.length, want.length);
  for (let i = 0; i < want.length; i++) assert.equal(g.results[i], want[i], 'case ' + i);
});

test('log lines name the same servers with the same status, cookie flags and retries', () =>
  assertGoldenLogs(g, (l) => { const f = l.split(' '); return [3, 5, 9, 10].map((i) => f[i]).join(' ') + ' ' + f.slice(-2).join(' '); }));
