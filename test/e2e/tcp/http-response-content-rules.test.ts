/*
 * `tcp-response content` rules in a mode http backend run once when the server connection is established (2.6
 * without an inspect delay): a reject closes the client connection without a response (`PD--`, status -1, Tr -1), a
 * close is a 502 `SH--`, a set-var is seen by http-response rules. Same outcomes, log lines and show stat counters as
 * haproxy 2.6.12 (fixtures/proxy/tcp-response-http). With an inspect delay they run on the response head
 * (fixtures/proxy/tcp-response-http-delay).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createSocket } from 'node:dgram';
import { waitFor, startSluice, stopSluice, freePort } from '../proxy-util.ts';
import { flushLogs } from '../../../proxy/log/sender.ts';
import { resDelayConfig, resDelayServer, runResDelay, maskResDelayLog } from './tcp-response-delay-scenario.ts';
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

test('with tcp-response inspect-delay the rules run on the response head (reject: PD--, Tr -1), as haproxy 2.6.12', async () => {
  const logs: string[] = [];
  const sink = createSocket('udp4');
  sink.on('message', (m) => logs.push(maskResDelayLog(m.toString('latin1').trimEnd())));
  await new Promise<void>((r) => sink.bind(0, '127.0.0.1', r));
  const o = await resDelayServer();
  const fe = await freePort();
  const rt = await startSluice(resDelayConfig(fe, o.port, sink.address().port));
  after(async () => { await stopSluice(rt); o.close(); sink.close(); });
  const want = readFileSync(new URL('../../../fixtures/proxy/tcp-response-http-delay/expected.txt', import.meta.url), 'latin1').split('\n').slice(0, -1);
  const out = await runResDelay(fe);
  await waitFor(() => { flushLogs(0); return logs.length >= 4; });
  assert.deepEqual([...out, ...logs], want);
});
