/*
 * Unknown commands and `help <words>` against HAProxy 2.6.12's replies (fixtures/stats/cli-unknown/N.in → N.out, see
 * fixtures/stats/CMD): the suggestions are the five closest commands, ties going to the one 2.6 registers first.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { goldenSource } from './fixture-model.ts';
import { defaultCliRegistry } from '../../../proxy/stats/runtime.ts';
import { CliServer } from '../../../proxy/stats/cli-server.ts';
import type { CliSession } from '../../../proxy/stats/types.ts';
import { ACCESS_LVL_ADMIN } from '../../../proxy/stats/types.ts';

const D = new URL('../../../fixtures/stats/cli-unknown/', import.meta.url);
const cases = readdirSync(D).filter((f) => f.endsWith('.in')).map((f) => f.slice(0, -3)).sort((a, b) => Number(a) - Number(b));

test('the unknown-command goldens are there', () => {
  assert.ok(cases.length >= 70, `${cases.length} cases`);
});

const cli = new CliServer(defaultCliRegistry(), goldenSource(), 10000);
const session: CliSession = { id: 1, level: ACCESS_LVL_ADMIN, prompt: false, severityOutput: 0, timeoutMs: 10000, proto: 'unix_stream', peer: 'unix:1', acceptMs: Date.now(), closing: false };

for (const c of cases) {
  const line = readFileSync(new URL(c + '.in', D), 'latin1').replace(/\n$/, '');
  test(`reply to ${JSON.stringify(line)} is 2.6's`, () => {
    assert.equal(cli.runLine(line, session), readFileSync(new URL(c + '.out', D), 'latin1'));
  });
}
