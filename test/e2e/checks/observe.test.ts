/*
 * `observe layer7`, `error-limit`, `on-error mark-down|fail-check` as haproxy 2.6.12 (fixtures/proxy/observe, CMD):
 * the same statuses, "Health analyze" DOWN messages and show stat status/hanafail.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { startSluice, stopSluice, freePort } from '../proxy-util.ts';
import { cliCommand } from '../stats/traffic.ts';
import { addEventSink, removeEventSink, eventPrefix } from '../../../proxy/events.ts';
import { observeConfig, observeServer, runObserve, observeDownLines, observeStats } from './observe-scenario.ts';

test('passive health checks: statuses, DOWN messages and hanafail as haproxy 2.6.12', async () => {
  let events = '';
  const sink = (level: number, text: string): void => { events += eventPrefix(level) + text + '\n'; };
  addEventSink(sink);
  const o = await observeServer();
  const sock = join(mkdtempSync(join(tmpdir(), 'sluice-observe-')), 'stats.sock');
  const fe = await freePort();
  const rt = await startSluice(observeConfig(fe, o.port, sock));
  after(async () => { removeEventSink(sink); await stopSluice(rt); o.close(); });
  const st = await runObserve(fe);
  const csv = await cliCommand(sock, 'show stat');
  const want = readFileSync(new URL('../../../fixtures/proxy/observe/expected.txt', import.meta.url), 'latin1').trimEnd().split('\n');
  assert.deepEqual([st, ...observeDownLines(events), ...observeStats(csv)], want);
});
