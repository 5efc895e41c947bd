/*
 * option log-health-checks against real HAProxy 2.6 (fixtures/http/log-health-checks, see CMD): the check result
 * lines, the server state changes and the no-server alert reach the backend's log targets in 2.6's words and order.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startSluiceCfg } from './echo-golden.ts';
import { runLogHealthChecks } from './log-health-checks-scenario.ts';

test('health check results and server state changes are logged as HAProxy 2.6 logs them', async () => {
  const want = readFileSync(new URL('../../../fixtures/http/log-health-checks/log.txt', import.meta.url), 'latin1').trimEnd().split('\n');
  const got = await runLogHealthChecks(startSluiceCfg, want.length);
  assert.deepEqual(got, want);
});
