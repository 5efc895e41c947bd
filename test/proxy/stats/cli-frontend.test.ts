// disable/enable/shutdown frontend on a frontend that was shut down answer haproxy 2.6.12's texts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { goldenSource } from './fixture-model.ts';
import { defaultCliRegistry } from '../../../proxy/stats/runtime.ts';
import { CliServer } from '../../../proxy/stats/cli-server.ts';
import type { CliSession } from '../../../proxy/stats/types.ts';
import { ACCESS_LVL_ADMIN } from '../../../proxy/stats/types.ts';

test('after shutdown frontend, disable and enable refuse with 2.6\'s texts and shutdown says it already was', () => {
  const cli = new CliServer(defaultCliRegistry(), goldenSource(), 10000);
  const s: CliSession = { id: 1, level: ACCESS_LVL_ADMIN, prompt: false, severityOutput: 0, timeoutMs: 10000, proto: 'unix_stream', peer: 'unix:1', acceptMs: Date.now(), closing: false };
  assert.equal(cli.runLine('shutdown frontend fe_main', s), '\n');
  assert.equal(cli.runLine('disable frontend fe_main', s), 'Frontend was previously shut down, cannot disable.\n\n');
  assert.equal(cli.runLine('enable frontend fe_main', s), 'Frontend was previously shut down, cannot enable.\n\n');
  assert.equal(cli.runLine('shutdown frontend fe_main', s), 'Frontend was already shut down.\n\n');
});
