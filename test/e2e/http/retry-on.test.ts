/*
 * retry-on against real HAProxy 2.6 (fixtures/http/retry-on, see CMD): which failures are retried, on which server,
 * how many times (%rc, '+' after a redispatch), and the final answer when retries are spent.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startSluiceCfg } from './echo-golden.ts';
import { runRetryOn } from './retry-on-scenario.ts';

test('layer-7 retries and their log lines match HAProxy 2.6', async () => {
  const golden = (f: string): string => readFileSync(new URL('../../../fixtures/http/retry-on/' + f, import.meta.url), 'latin1');
  const got = await runRetryOn(startSluiceCfg);
  const want = golden('responses.txt').split('\n=====\n');
  for (let i = 0; i < want.length; i++) assert.equal(got.responses[i], want[i], 'response ' + i);
  assert.deepEqual(got.logs, golden('log.txt').trimEnd().split('\n'));
});
