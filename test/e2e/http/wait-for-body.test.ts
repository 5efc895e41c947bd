/*
 * `http-request wait-for-body`, `option http-buffer-request` (the body in before the proxy's rules) and req.body*
 * fetches as HAProxy 2.6.12: replies, what the servers get and the log lines (fixtures/proxy/wait-for-body, CMD).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createSocket } from 'node:dgram';
import { startSluice, stopSluice, freePort, waitFor } from '../proxy-util.ts';
import { flushLogs } from '../../../proxy/log/sender.ts';
import { waitBodyConfig, waitBodyOrigins, runWaitBody, maskWaitBodyLog } from './wait-for-body-scenario.ts';

const fx = (f: string): string[] =>
  readFileSync(new URL('../../../fixtures/proxy/wait-for-body/' + f, import.meta.url), 'latin1').split('\n').slice(0, -1);

test('body-based routing, at-least, 408 after the wait and 100-continue as haproxy 2.6.12', async () => {
  const logs: string[] = [];
  const sink = createSocket('udp4');
  sink.on('message', (m) => logs.push(maskWaitBodyLog(m.toString('latin1').trimEnd())));
  await new Promise<void>((r) => sink.bind(0, '127.0.0.1', r));
  const o = await waitBodyOrigins();
  const fe = [await freePort(), await freePort()];
  const rt = await startSluice(waitBodyConfig(fe[0], fe[1], o.ports, sink.address().port));
  after(async () => { await stopSluice(rt); sink.close(); o.close(); });
  assert.deepEqual(await runWaitBody(fe, o.got), fx('expected.txt'));
  const want = fx('logs.txt');
  await waitFor(() => { flushLogs(0); return logs.length >= want.length; }, 3000);
  assert.deepEqual(logs, want);
});
