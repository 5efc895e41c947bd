/*
 * `tcp-request content` rules in a mode http frontend run on each request head, before the request is counted: a
 * rate-limit reject closes the connection without a response and is logged `<BADREQ>` `PR--` status -1, as
 * haproxy 2.6.12 does on the same config (fixtures/proxy/tcp-content-http: its curl outcomes and log lines).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createSocket } from 'node:dgram';
import { freePort, startSluice, stopSluice, waitFor } from '../proxy-util.ts';
import { flushLogs } from '../../../proxy/log/sender.ts';
import { statuses } from './http-rules-util.ts';

const fx = (f: string): string => readFileSync(new URL('../../../fixtures/proxy/tcp-content-http/' + f, import.meta.url), 'latin1');

/** The fields of a log line that do not depend on time, ports or connection counts. */
const shape = (l: string): string => l.replace(/^\S+ \[[^\]]+\] /, '').replace(/\/(\d+) /, '/T ').replace(/ \d+\/\d+\/\d+\/\d+\/\d+ /, ' C ');

test('tcp-request content track-sc0/reject in an HTTP frontend: same outcomes and log lines as haproxy 2.6.12', async () => {
  const logs: string[] = [];
  const sink = createSocket('udp4');
  sink.on('message', (m) => logs.push(m.toString('latin1').replace(/^.*?: /, '').trimEnd()));
  await new Promise<void>((r) => sink.bind(0, '127.0.0.1', r));
  const port = await freePort();
  const cfg = fx('haproxy.cfg').replace('127.0.0.1:18515', `127.0.0.1:${sink.address().port}`).replace('127.0.0.1:18779', `127.0.0.1:${port}`);
  const rt = await startSluice(cfg);
  after(async () => { await stopSluice(rt); sink.close(); });
  const get = (p: string, close = true): string => `GET ${p} HTTP/1.1\r\nhost: x\r\n${close ? 'connection: close\r\n' : ''}\r\n`;
  const got: string[][] = [];
  for (let i = 0; i < 6; i++) got.push(await statuses(port, [get('/')]));
  got.push(await statuses(port, [get('/a', false), get('/b')]));
  assert.deepEqual(got, [['200'], ['200'], ['200'], ['200'], [], [], []]);
  await waitFor(() => { flushLogs(0); return logs.length >= 7; });
  const gold = fx('haproxy-log.txt').split('\n').filter((l) => l !== '');
  // haproxy logged both keep-alive requests (curl reconnected after the first reject); over one connection only one
  assert.deepEqual(logs.map(shape), gold.slice(0, 7).map(shape));
});
