/*
 * Variables against real HAProxy 2.6 (fixtures/http/vars, see CMD): set-var with a converter, set-var-fmt, a sess
 * variable kept across one connection's requests, unset-var, deny on var(), variables in request and response header
 * values and in the log-format.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { varsConfig, runVarsScenario } from './vars-scenario.ts';
import { echoGoldenSluice, type EchoRun } from './echo-golden.ts';

let run: EchoRun;
before(async () => { run = await echoGoldenSluice('vars', varsConfig, runVarsScenario); });
after(async () => { if (run !== undefined) await run.close(); });

test('variables reach headers, ACLs and the next request of the connection as in HAProxy 2.6', () => {
  assert.deepEqual(run.responses, run.want().responses);
});

test('the log-format shows the variables as HAProxy 2.6 does', async () => {
  assert.deepEqual(await run.logs(), run.want().logs);
});
