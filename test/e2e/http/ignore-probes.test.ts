/*
 * option http-ignore-probes against real HAProxy 2.6 (fixtures/http/ignore-probes, see CMD): replies, closes and log
 * lines for empty, CRLF-only, partial and non-HTTP connections, and after a first request.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startSluiceCfg } from './echo-golden.ts';
import { runIgnoreProbes } from './ignore-probes-scenario.ts';

test('http-ignore-probes answers and logs the connections that bring no request as HAProxy 2.6', async () => {
  const want = readFileSync(new URL('../../../fixtures/http/ignore-probes/results.txt', import.meta.url), 'latin1').trimEnd().split('\n=====\n');
  const got = await runIgnoreProbes(startSluiceCfg);
  for (let i = 0; i < want.length; i++) assert.equal(got[i], want[i], 'case ' + i);
  assert.equal(got.length, want.length);
});
