/*
 * Cookie persistence against real HAProxy 2.6 (fixtures/http/cookie, see CMD): insert indirect nocache, insert with
 * attributes, rewrite and prefix; the client gets the same responses (Set-Cookie inserted, deleted, rewritten or
 * prefixed; the server's view of the Cookie header in the body) and the log the same servers and %tsc cookie flags.
 */
import { test, before, after } from 'node:test';
import { readFileSync } from 'node:fs';
import { startSluice, stopSluice, freePort } from '../proxy-util.ts';
import type { Runtime } from '../../../proxy/runtime.ts';
import { assertCases, assertLogLines } from './golden-assert.ts';
import { closeLogSinks } from '../../../proxy/log/sender.ts';
import { cookieConfig, cookieOrigin, runCookieScenario } from './cookie-scenario.ts';
import { countersLogs } from './counters-scenario.ts';

const golden = (f: string): string => readFileSync(new URL('../../../fixtures/http/cookie/' + f, import.meta.url), 'latin1');
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
  rt = await startSluice(cookieConfig({ fe, a: a.port, b: b.port, log: logs.port }));
  responses = await runCookieScenario(fe);
});
after(async () => { if (rt !== null) await stopSluice(rt); closeLogSinks(); for (const f of stops) f(); });

test('responses and what the servers received equal HAProxy 2.6 case by case', () => {
  assertCases(responses, golden('responses.txt'));
});

test('log lines name the same servers with the same status, bytes, %tsc cookie flags and connection counts', async () => {
  const pick = (l: string): string => { const f = l.split(' '); return [3, 5, 6, 9, 10].map((i) => f[i]).join(' ') + ' ' + f.slice(-3).join(' '); };
  await assertLogLines(logLines, golden('log.txt'), pick);
});
