/*
 * retry-on against real HAProxy 2.6 (fixtures/http/retry-on, see CMD): which failures are retried, on which server,
 * how many times (%rc, '+' after a redispatch), and the final answer when retries are spent.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { runRetryOn } from './retry-on-scenario.ts';
import { startSluice, stopSluice } from '../proxy-util.ts';
import { closeLogSinks } from '../../../proxy/log/sender.ts';

test('layer-7 retries and their log lines match HAProxy 2.6', async () => {
  const golden = (f: string): string => readFileSync(new URL('../../../fixtures/http/retry-on/' + f, import.meta.url), 'latin1');
  const got = await runRetryOn(async (cfg) => {
    const rt = await startSluice(cfg);
    return async () => { await stopSluice(rt); closeLogSinks(); };
  });
  const want = golden('responses.txt').split('\n=====\n');
  for (let i = 0; i < want.length; i++) assert.equal(got.responses[i], want[i], 'response ' + i);
  assert.deepEqual(got.logs, golden('log.txt').trimEnd().split('\n'));
});
