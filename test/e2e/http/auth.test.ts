/*
 * `userlist` and `http-request auth` against real HAProxy 2.6 (fixtures/http/auth, see CMD): 401 with the realm (or
 * the proxy name) for missing or wrong credentials or a user outside the group, the request forwarded otherwise.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startSluice, stopSluice, freePort } from '../proxy-util.ts';
import type { Runtime } from '../../../proxy/runtime.ts';
import { closeLogSinks } from '../../../proxy/log/sender.ts';
import { authConfig, runAuthScenario } from './auth-scenario.ts';
import { cookieOrigin } from './cookie-scenario.ts';
import { countersLogs } from './counters-scenario.ts';

const golden = (f: string): string => readFileSync(new URL('../../../fixtures/http/auth/' + f, import.meta.url), 'latin1');
let rt: Runtime | null = null;
const stops: (() => void)[] = [];
let responses: string[] = [];
let logLines: string[] = [];

before(async () => {
  const o = await cookieOrigin('s1');
  const logs = await countersLogs();
  stops.push(o.close, () => logs.sock.close());
  logLines = logs.lines;
  const fe = await freePort();
  rt = await startSluice(authConfig({ fe, srv: o.port, log: logs.port }));
  responses = await runAuthScenario(fe);
});
after(async () => { if (rt !== null) await stopSluice(rt); closeLogSinks(); for (const f of stops) f(); });

test('each request is answered 401 or forwarded as by HAProxy 2.6, with the same bytes', () => {
  assert.deepEqual(responses, golden('responses.txt').split('\n=====\n'));
});

test('log lines (LR-- for the 401s, bytes) equal HAProxy 2.6 but for dates and ports', async () => {
  const want = golden('log.txt').trimEnd().split('\n');
  const end = Date.now() + 3000;
  while (logLines.length < want.length && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  const mask = (l: string): string => l.replace(/:\d+ \[[^\]]+\]/, ':PORT [DATE]').replace(/ \d+\/\d+\/\d+\/(\d+)\/(\d+) /, ' T/T/T/T/T ').replace(/ -?\d+\/-1\/-1\/-1\/\d+ /, ' T/-1/-1/-1/T ');
  assert.deepEqual(logLines.map(mask), want.map(mask));
});
