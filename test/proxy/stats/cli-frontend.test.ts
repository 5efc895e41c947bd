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

test('a frontend shut down no longer counts in show info Listeners (and Jobs), as 2.6', () => {
  const cli = new CliServer(defaultCliRegistry(), goldenSource(), 10000);
  const s: CliSession = { id: 1, level: ACCESS_LVL_ADMIN, prompt: false, severityOutput: 0, timeoutMs: 10000, proto: 'unix_stream', peer: 'unix:1', acceptMs: Date.now(), closing: false };
  const num = (k: string): number => Number(new RegExp('^' + k + ': (\\d+)$', 'm').exec(cli.runLine('show info', s))![1]);
  const [l0, j0] = [num('Listeners'), num('Jobs')];
  cli.runLine('shutdown frontend fe_main', s);
  assert.equal(num('Listeners'), l0 - 1);
  assert.equal(num('Jobs'), j0 - 1);
});

test('set table without a table name asks for the arguments, as 2.6 (not "No such table")', async () => {
  const { stkCliCommands } = await import('../../../proxy/stick/cli.ts');
  const setTable = stkCliCommands.find((c) => c.words.join(' ') === 'set table')!;
  const s: CliSession = { id: 1, level: ACCESS_LVL_ADMIN, prompt: false, severityOutput: 0, timeoutMs: 10000, proto: 'unix_stream', peer: 'unix:1', acceptMs: Date.now(), closing: false };
  const env = { src: goldenSource(), api: null, sessions: new Set<CliSession>(), killSession: () => false } as never;
  assert.equal(setTable.parse(['set', 'table'], s, env).text, 'Required arguments: <table> key <key> [data.<store_data_type> <value>]*\n');
  assert.equal(setTable.parse(['set', 'table', 'nope'], s, env).text, 'No such table\n');
});

test('with severity-output, the "already" notes of the frontend commands are notices and "Session not found." has none', () => {
  const cli = new CliServer(defaultCliRegistry(), goldenSource(), 10000);
  const s: CliSession = { id: 1, level: ACCESS_LVL_ADMIN, prompt: false, severityOutput: 0, timeoutMs: 10000, proto: 'unix_stream', peer: 'unix:1', acceptMs: Date.now(), closing: false };
  assert.equal(cli.runLine('set severity-output string', s), '\n');
  assert.equal(cli.runLine('enable frontend fe_main', s), '[notice]: All sockets are already enabled.\n\n');
  cli.runLine('disable frontend fe_main', s);
  assert.equal(cli.runLine('disable frontend fe_main', s), '[notice]: All sockets are already disabled.\n\n');
  cli.runLine('shutdown frontend fe_main', s);
  assert.equal(cli.runLine('shutdown frontend fe_main', s), '[notice]: Frontend was already shut down.\n\n');
  assert.equal(cli.runLine('show sess 0x1', s), 'Session not found.\n\n');
});
