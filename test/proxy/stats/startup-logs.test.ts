/*
 * `show startup-logs` answers what the process printed while loading its configuration (haproxy 2.6.12 keeps its
 * [WARNING]/[ALERT] lines in a startup ring; an empty ring is one empty line). Checked on 2.6.12's socket.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { goldenSource } from './fixture-model.ts';
import { defaultCliRegistry } from '../../../proxy/stats/runtime.ts';
import { CliServer } from '../../../proxy/stats/cli-server.ts';
import { startupLogAppend } from '../../../proxy/stats/startup-logs.ts';
import type { CliSession } from '../../../proxy/stats/types.ts';
import { ACCESS_LVL_ADMIN } from '../../../proxy/stats/types.ts';

const cli = new CliServer(defaultCliRegistry(), goldenSource(), 10000);
const session: CliSession = { id: 1, level: ACCESS_LVL_ADMIN, prompt: false, severityOutput: 0, timeoutMs: 10000, proto: 'unix_stream', peer: 'unix:1', acceptMs: Date.now(), closing: false };

test('show startup-logs: one empty line when nothing was printed, then the printed lines', () => {
  assert.equal(cli.runLine('show startup-logs', session), '\n\n');
  const w = "[WARNING]  (42) : config : log format ignored for frontend 'fe_main' since it has no log address.\n";
  startupLogAppend(w);
  assert.equal(cli.runLine('show startup-logs', session), w + '\n');
});
