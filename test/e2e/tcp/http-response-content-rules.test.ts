/*
 * `tcp-response content` rules in a mode http backend run once when the server connection is established (2.6
 * without an inspect delay): a reject closes the client connection without a response (`PD--`, status -1, Tr -1), a
 * close is a 502 `SH--`, a set-var is seen by http-response rules. Same outcomes, log lines and show stat counters as
 * haproxy 2.6.12 (fixtures/proxy/tcp-response-http). An inspect delay with such rules is refused by file:line.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { waitFor } from '../proxy-util.ts';
import { flushLogs } from '../../../proxy/log/sender.ts';
import { loadConfig } from '../../../proxy/config/loader.ts';
import { buildRegistry } from '../../../proxy/modules.ts';
import { startFixture, exchangeAll, get, logShape, assertStats } from './http-rules-util.ts';

/** The response heads received on one connection. */
async function heads(port: number, reqs: string[]): Promise<string[]> {
  return [...(await exchangeAll(port, reqs)).matchAll(/HTTP\/1\.1 \d+[^]*?\r\n\r\n/g)].map((m) => m[0]);
}

test('tcp-response content in an HTTP backend: same outcomes, log lines and counters as haproxy 2.6.12', async () => {
  const { port, sock, logs, fx } = await startFixture('tcp-response-http');
  const two = await heads(port, [get('/two/ok', false), get('/two/rej')]);
  assert.deepEqual(two.map((h) => h.slice(0, 12)), ['HTTP/1.1 200']);
  assert.deepEqual(await heads(port, [get('/two/rej')]), []);          // curl's retry on a new connection
  const ok = await heads(port, [get('/three/ok')]);
  assert.match(ok[0]!, /\r\nx-x: yes\r\n/);
  const closed = await heads(port, [get('/three/close')]);
  assert.match(closed[0]!, /^HTTP\/1\.1 502 /);
  await waitFor(() => { flushLogs(0); return logs.length >= 5; });
  const gold = fx('haproxy-log.txt').split('\n').filter((l) => l !== '');
  assert.deepEqual(logs.map(logShape), gold.map(logShape));
  // bin is left out: curl sent user-agent and accept headers
  await assertStats(sock, fx('show-stat.txt'), ['fe/FRONTEND', 'be2/s1', 'be2/BACKEND', 'be3/s1', 'be3/BACKEND'],
    ['stot', 'bout', 'dreq', 'dresp', 'eresp', 'hrsp_2xx', 'hrsp_5xx', 'hrsp_other', 'req_tot']);
});

test('tcp-response inspect-delay with content rules in a mode http backend is refused, naming file:line', () => {
  const f = join(mkdtempSync(join(tmpdir(), 'sluice-rescontent-')), 'sluice.cfg');
  writeFileSync(f, 'defaults\n  mode http\nbackend be\n  tcp-response inspect-delay 2s\n  tcp-response content reject if { res.hdr(x) -m found }\n  server s1 127.0.0.1:1\n');
  const alerts = loadConfig([f], buildRegistry()).messages.filter((m) => m.level === 0).map((m) => m.text).join('\n');
  assert.match(alerts, /backend 'be' : 'tcp-response inspect-delay' \(.*sluice\.cfg:4\) with 'tcp-response content' rules \(.*sluice\.cfg:5\) in 'mode http' is not supported by sluice yet/);
});
