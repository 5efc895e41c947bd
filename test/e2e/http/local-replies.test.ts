/*
 * Local replies against real HAProxy 2.6 (fixtures/http/local-replies, see CMD): HEAD gets the head only, a request
 * body received whole keeps the connection (pipelined request served), a pending body or a redirect closes it, the
 * monitor URI on absolute URIs; replies, who closes, and log lines (bytes in and out).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startSluiceCfg } from './echo-golden.ts';
import { runLocalReplies } from './local-replies-scenario.ts';

test('local replies to HEAD and to requests with a body behave as in HAProxy 2.6', async () => {
  const golden = (f: string): string => readFileSync(new URL('../../../fixtures/http/local-replies/' + f, import.meta.url), 'latin1');
  const got = await runLocalReplies(startSluiceCfg);
  const want = golden('results.txt').trimEnd().split('\n=====\n');
  for (let i = 0; i < want.length; i++) assert.equal(got.results[i], want[i], 'case ' + i);
  assert.deepEqual(got.logs, golden('log.txt').trimEnd().split('\n'));
});
