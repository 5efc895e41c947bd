/*
 * http-after-response against real HAProxy 2.6 (fixtures/http/after-response, see CMD): server responses and local
 * replies, backend then frontend lists, allow, set-status with and without reason, set-var, capture, conditions.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { afterResponseConfig, runAfterResponseScenario } from './after-response-scenario.ts';
import { echoGoldenSluice, type EchoRun } from './echo-golden.ts';

let run: EchoRun;
before(async () => { run = await echoGoldenSluice('after-response', afterResponseConfig, runAfterResponseScenario); });
after(async () => { if (run !== undefined) await run.close(); });

test('http-after-response rewrites server responses and local replies byte for byte as HAProxy 2.6', () => {
  const want = run.want().responses;
  for (let i = 0; i < want.length; i++) assert.equal(run.responses[i], want[i], 'response ' + i);
  assert.equal(run.responses.length, want.length);
});

/** A http-response deny's byte count varies from run to run in HAProxy itself (see differential.test.ts): masked. */
const maskDeny = (l: string): string => (l.includes('/resdeny') ? l.replace(/^(\d+) \d+/, '$1 *') : l);

test('the log lines (status after set-status, bytes, variables, captures) match HAProxy 2.6', async () => {
  assert.deepEqual((await run.logs()).map(maskDeny), run.want().logs.map(maskDeny));
});
