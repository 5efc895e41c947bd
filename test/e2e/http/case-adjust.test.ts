/*
 * h1-case-adjust against real HAProxy 2.6 (fixtures/http/case-adjust, see CMD): the header names a client and a
 * server receive with `option h1-case-adjust-bogus-client` / `-bogus-server`, case by case.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startSluiceCfg } from './echo-golden.ts';
import { runCaseAdjust } from './case-adjust-scenario.ts';

test('header names go out in the case h1-case-adjust gives them, on the sides its options select, as HAProxy 2.6', async () => {
  const want = readFileSync(new URL('../../../fixtures/http/case-adjust/results.txt', import.meta.url), 'latin1').trimEnd().split('\n=====\n');
  const got = await runCaseAdjust(startSluiceCfg);
  for (let i = 0; i < want.length; i++) assert.equal(got[i], want[i], 'case ' + i);
  assert.equal(got.length, want.length);
});
