/*
 * http-request / http-response rules against real HAProxy 2.6 (fixtures/http/rules, see CMD): log-format values
 * (%[src], %[req.hdr(host)], %[path], %[url_param(q)] absent -> empty, %ci, %s/%b and %[res.hdr()] in response
 * rules), set-query/-uri/-method/-path, replace-header/-value (in place) and replace-path/-uri with back-references,
 * capture into %hr, tarpit (500 after `timeout tarpit`, PT--), set-status, a redirect with a log-format location:
 * same bytes to the client and to the server, same log lines.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rulesConfig, runRulesScenario } from './rules-scenario.ts';
import { echoGoldenSluice, type EchoRun } from './echo-golden.ts';

let run: EchoRun;
before(async () => { run = await echoGoldenSluice('rules', rulesConfig, runRulesScenario); });
after(async () => { if (run !== undefined) await run.close(); });

test('each rule case gives the bytes HAProxy 2.6 gave (client side and server side)', () => {
  const want = run.want().responses;
  assert.equal(run.responses.length, want.length);
  for (let i = 0; i < want.length; i++) assert.equal(run.responses[i], want[i], 'case ' + i);
});

test('the tarpit holds the request for timeout tarpit (200 ms)', () => {
  assert.ok(run.ms >= 200, 'scenario took ' + run.ms + ' ms');
});

test('log lines (captures, flags, servers) equal HAProxy 2.6', async () => {
  assert.deepEqual(await run.logs(), run.want().logs);
});
