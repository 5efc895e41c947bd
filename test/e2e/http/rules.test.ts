/*
 * http-request / http-response rules against real HAProxy 2.6 (fixtures/http/rules, see CMD): log-format values
 * (%[src], %[req.hdr(host)], %[path], %[url_param(q)] absent -> empty, %ci, %s/%b in a response rule), set-query/-uri/
 * -method/-path, replace-header/-value (in place) and replace-path/-uri with back-references, capture into %hr,
 * tarpit (500 after `timeout tarpit`, PT--), a redirect with a log-format location: same bytes to the client and to
 * the server, same log lines.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startSluice, stopSluice, freePort } from '../proxy-util.ts';
import type { Runtime } from '../../../proxy/runtime.ts';
import { closeLogSinks } from '../../../proxy/log/sender.ts';
import { rulesConfig, runRulesScenario } from './rules-scenario.ts';
import { cookieOrigin } from './cookie-scenario.ts';
import { countersLogs } from './counters-scenario.ts';

const golden = (f: string): string => readFileSync(new URL('../../../fixtures/http/rules/' + f, import.meta.url), 'latin1');
let rt: Runtime | null = null;
const stops: (() => void)[] = [];
let responses: string[] = [];
let logLines: string[] = [];
let tarpitMs = 0;

before(async () => {
  const o = await cookieOrigin('s1');
  const logs = await countersLogs();
  stops.push(o.close, () => logs.sock.close());
  logLines = logs.lines;
  const fe = await freePort();
  rt = await startSluice(rulesConfig({ fe, srv: o.port, log: logs.port }));
  const t0 = Date.now();
  responses = await runRulesScenario(fe);
  tarpitMs = Date.now() - t0;
});
after(async () => { if (rt !== null) await stopSluice(rt); closeLogSinks(); for (const f of stops) f(); });

test('each rule case gives the bytes HAProxy 2.6 gave (client side and server side)', () => {
  const want = golden('responses.txt').split('\n=====\n');
  assert.equal(responses.length, want.length);
  for (let i = 0; i < want.length; i++) assert.equal(responses[i], want[i], 'case ' + i);
});

test('the tarpit holds the request for timeout tarpit (200 ms)', () => {
  assert.ok(tarpitMs >= 200, 'scenario took ' + tarpitMs + ' ms');
});

test('log lines (captures, flags, servers) equal HAProxy 2.6', async () => {
  const want = golden('log.txt').trimEnd().split('\n');
  const end = Date.now() + 3000;
  while (logLines.length < want.length && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(logLines, want);
});
