/*
 * Variables against real HAProxy 2.6 (fixtures/http/vars, see CMD): set-var with a converter, set-var-fmt, a sess
 * variable kept across one connection's requests, unset-var, deny on var(), variables in request and response header
 * values and in the log-format.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startSluice, stopSluice, freePort } from '../proxy-util.ts';
import type { Runtime } from '../../../proxy/runtime.ts';
import { closeLogSinks } from '../../../proxy/log/sender.ts';
import { varsConfig, runVarsScenario } from './vars-scenario.ts';
import { cookieOrigin } from './cookie-scenario.ts';
import { countersLogs } from './counters-scenario.ts';

const golden = (f: string): string => readFileSync(new URL('../../../fixtures/http/vars/' + f, import.meta.url), 'latin1');
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
  rt = await startSluice(varsConfig({ fe, srv: o.port, log: logs.port }));
  responses = await runVarsScenario(fe);
});
after(async () => { if (rt !== null) await stopSluice(rt); closeLogSinks(); for (const f of stops) f(); });

test('variables reach headers, ACLs and the next request of the connection as in HAProxy 2.6', () => {
  assert.deepEqual(responses, golden('responses.txt').split('\n=====\n'));
});

test('the log-format shows the variables as HAProxy 2.6 does', async () => {
  const want = golden('log.txt').trimEnd().split('\n');
  const end = Date.now() + 3000;
  while (logLines.length < want.length && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(logLines, want);
});
