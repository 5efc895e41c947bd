/*
 * monitor-uri / monitor fail, errorloc*, http-error and errorfiles with http-errors sections against real HAProxy 2.6
 * (fixtures/http/errors, see CMD): replies byte for byte, log lines (monitor requests are not logged).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { errorsConfig, runErrorsScenario } from './errors-scenario.ts';
import { echoGoldenSluice, type EchoRun } from './echo-golden.ts';

let run: EchoRun;
before(async () => { run = await echoGoldenSluice('errors', errorsConfig, runErrorsScenario); });
after(async () => { if (run !== undefined) await run.close(); });

test('monitor replies, errorloc redirects, http-error and errorfiles replies are byte for byte HAProxy 2.6\'s', () => {
  const want = run.want().responses;
  for (let i = 0; i < want.length; i++) assert.equal(run.responses[i], want[i], 'response ' + i);
  assert.equal(run.responses.length, want.length);
});

test('log lines match HAProxy 2.6 (original status behind an errorloc, no line for the monitor URI)', async () => {
  assert.deepEqual(await run.logs(), run.want().logs);
});
