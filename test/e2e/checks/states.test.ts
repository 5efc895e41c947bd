/*
 * Health-check failures as haproxy 2.6.12 shows them (fixtures/proxy/check-states, CMD): the DOWN/maintenance messages
 * ("Running on backup." included), the "no server available" alerts, show stat check columns, show servers state.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { startSluice, stopSluice, freePort } from '../proxy-util.ts';
import { cliCommand } from '../stats/traffic.ts';
import { addEventSink, removeEventSink, eventPrefix } from '../../../proxy/events.ts';
import { statesServers, statesConfig, STATES_CLI, settledStat, statesLines, statesStats, statesServersState } from './states-scenario.ts';

test('check failures: state-change messages, show stat and show servers state as haproxy 2.6.12', async () => {
  let events = '';
  const sink = (level: number, text: string): void => { events += eventPrefix(level) + text + '\n'; };
  addEventSink(sink);
  const b = await statesServers();
  const sock = join(mkdtempSync(join(tmpdir(), 'sluice-states-')), 'stats.sock');
  const fe = await freePort();
  const closed = await freePort();
  const rt = await startSluice(statesConfig(fe, b.ports, closed, sock));
  after(async () => { removeEventSink(sink); await stopSluice(rt); b.close(); });
  await new Promise((r) => setTimeout(r, 2500));
  await cliCommand(sock, STATES_CLI);
  await new Promise((r) => setTimeout(r, 200));
  const csv = await settledStat((l) => cliCommand(sock, l));
  const state = await cliCommand(sock, 'show servers state');
  const want = readFileSync(new URL('../../../fixtures/proxy/check-states/expected.txt', import.meta.url), 'latin1').trimEnd().split('\n');
  assert.deepEqual([...statesLines(events), ...statesStats(csv), ...statesServersState(state)], want);
});
