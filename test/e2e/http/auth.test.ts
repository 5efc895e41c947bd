/*
 * `userlist` and `http-request auth` against real HAProxy 2.6 (fixtures/http/auth, see CMD): 401 with the realm (or
 * the proxy name) for missing or wrong credentials or a user outside the group, the request forwarded otherwise.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { authConfig, runAuthScenario } from './auth-scenario.ts';
import { echoGoldenSluice, type EchoRun } from './echo-golden.ts';

let run: EchoRun;
before(async () => { run = await echoGoldenSluice('auth', authConfig, runAuthScenario); });
after(async () => { if (run !== undefined) await run.close(); });

test('each request is answered 401 or forwarded as by HAProxy 2.6, with the same bytes', () => {
  assert.deepEqual(run.responses, run.want().responses);
});

test('log lines (LR-- for the 401s, bytes) equal HAProxy 2.6 but for dates, ports and timers', async () => {
  const mask = (l: string): string => l.replace(/:\d+ \[[^\]]+\]/, ':PORT [DATE]')
    .replace(/ (-?\d+)\/(-?\d+)\/(-?\d+)\/(-?\d+)\/(\d+) /, (_m, ...t: string[]) => ' ' + t.slice(0, 5).map((v) => (v === '-1' ? v : 'T')).join('/') + ' ');
  assert.deepEqual((await run.logs()).map(mask), run.want().logs.map(mask));
});
