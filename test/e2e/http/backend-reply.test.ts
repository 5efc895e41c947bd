/*
 * Replies of a backend's http-request rules are the backend's (be/<NOSRV>, its counters, its timeout tarpit) and a
 * tarpit logs TR -1 with the delay as Tw, as haproxy 2.6.12 (fixtures/proxy/backend-local-reply, CMD).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { createSocket } from 'node:dgram';
import { startSluice, stopSluice, freePort, waitFor } from '../proxy-util.ts';
import { flushLogs } from '../../../proxy/log/sender.ts';
import { cliCommand } from '../stats/traffic.ts';
import { backendReplyConfig, runBackendReply, maskBackendReplyLog, backendReplyStats } from './backend-reply-scenario.ts';

test('deny, return and tarpit of a backend\'s rules: log line, counters and tarpit timing as haproxy 2.6.12', async () => {
  const logs: string[] = [];
  const sink = createSocket('udp4');
  sink.on('message', (m) => logs.push(maskBackendReplyLog(m.toString('latin1').trimEnd())));
  await new Promise<void>((r) => sink.bind(0, '127.0.0.1', r));
  const sock = join(mkdtempSync(join(tmpdir(), 'sluice-bereply-')), 'stats.sock');
  const fe = await freePort();
  const rt = await startSluice(backendReplyConfig(fe, sock, sink.address().port));
  after(async () => { await stopSluice(rt); sink.close(); });
  const st = await runBackendReply(fe);
  await waitFor(() => { flushLogs(0); return logs.length >= 4; });
  const csv = await cliCommand(sock, 'show stat');
  const want = readFileSync(new URL('../../../fixtures/proxy/backend-local-reply/expected.txt', import.meta.url), 'latin1').trimEnd().split('\n');
  assert.deepEqual([st, ...logs, ...backendReplyStats(csv)], want);
});
