/*
 * `tcp-response content` rules in a mode http backend run once when the server connection is established (2.6
 * without an inspect delay): a reject closes the client connection without a response (`PD--`, status -1, Tr -1), a
 * close is a 502 `SH--`, a set-var is seen by http-response rules. Same outcomes, log lines and show stat counters as
 * haproxy 2.6.12 (fixtures/proxy/tcp-response-http). An inspect delay with such rules is refused by file:line.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { freePort, startSluice, stopSluice, waitFor, headServer } from '../proxy-util.ts';
import { cliCommand, parseStatCsv } from '../stats/traffic.ts';
import { flushLogs } from '../../../proxy/log/sender.ts';
import { loadConfig } from '../../../proxy/config/loader.ts';
import { buildRegistry } from '../../../proxy/modules.ts';

const fx = (f: string): string => readFileSync(new URL('../../../fixtures/proxy/tcp-response-http/' + f, import.meta.url), 'latin1');
const RSP = 'HTTP/1.1 200 OK\r\ncontent-length: 6\r\nx-srv: a\r\n\r\nhello\n';

/** Sends `reqs` on one connection; resolves with the response heads received before the proxy closed. */
function heads(port: number, reqs: string[]): Promise<string[]> {
  return new Promise((resolve) => {
    const c = connect(port, '127.0.0.1', () => c.write(reqs.join('')));
    let got = '';
    const t = setTimeout(() => c.destroy(), 3000);
    c.on('data', (d) => { got += d.toString('latin1'); });
    c.on('error', () => {});
    c.on('close', () => { clearTimeout(t); resolve([...got.matchAll(/HTTP\/1\.1 \d+[^]*?\r\n\r\n/g)].map((m) => m[0])); });
  });
}

const shape = (l: string): string => l.replace(/^\S+ \[[^\]]+\] /, '').replace(/ -?\d+\/-?\d+\/-?\d+\/(-?\d+)\/-?\d+ /, (_m, tr) => (tr === '-1' ? ' T-1 ' : ' T '));
// bin is left out: curl sent user-agent and accept headers
const COLS = ['stot', 'bout', 'dreq', 'dresp', 'eresp', 'hrsp_2xx', 'hrsp_5xx', 'hrsp_other', 'req_tot'];

test('tcp-response content in an HTTP backend: same outcomes, log lines and counters as haproxy 2.6.12', async () => {
  const logs: string[] = [];
  const sink = createSocket('udp4');
  sink.on('message', (m) => logs.push(m.toString('latin1').replace(/^.*?: /, '').trimEnd()));
  await new Promise<void>((r) => sink.bind(0, '127.0.0.1', r));
  const origin = await headServer((c) => c.write(RSP));
  const port = await freePort();
  const sock = join(mkdtempSync(join(tmpdir(), 'sluice-rescontent-')), 'stats.sock');
  const cfg = fx('haproxy.cfg').replace('127.0.0.1:18515', `127.0.0.1:${sink.address().port}`).replace('127.0.0.1:18779', `127.0.0.1:${port}`)
    .replaceAll('127.0.0.1:18801', `127.0.0.1:${origin.port}`).replace('/tmp/compat/h.sock', sock);
  const rt = await startSluice(cfg);
  after(async () => { await stopSluice(rt); sink.close(); origin.close(); });
  const get = (p: string, close = true): string => `GET ${p} HTTP/1.1\r\nhost: x\r\n${close ? 'connection: close\r\n' : ''}\r\n`;
  const two = await heads(port, [get('/two/ok', false), get('/two/rej')]);
  assert.deepEqual(two.map((h) => h.slice(0, 12)), ['HTTP/1.1 200']);
  assert.deepEqual(await heads(port, [get('/two/rej')]), []);          // curl's retry on a new connection
  const ok = await heads(port, [get('/three/ok')]);
  assert.match(ok[0], /\r\nx-x: yes\r\n/);
  const closed = await heads(port, [get('/three/close')]);
  assert.match(closed[0], /^HTTP\/1\.1 502 /);
  await waitFor(() => { flushLogs(0); return logs.length >= 5; });
  const gold = fx('haproxy-log.txt').split('\n').filter((l) => l !== '');
  assert.deepEqual(logs.map(shape), gold.map(shape));
  const mine = parseStatCsv(await cliCommand(sock, 'show stat')).rows;
  const ref = parseStatCsv(fx('show-stat.txt')).rows;
  for (const key of ['fe/FRONTEND', 'be2/s1', 'be2/BACKEND', 'be3/s1', 'be3/BACKEND']) {
    for (const c of COLS) assert.equal(mine.get(key)![c], ref.get(key)![c], `${key} ${c}`);
  }
});

test('tcp-response inspect-delay with content rules in a mode http backend is refused, naming file:line', () => {
  const f = join(mkdtempSync(join(tmpdir(), 'sluice-rescontent-')), 'sluice.cfg');
  writeFileSync(f, 'defaults\n  mode http\nbackend be\n  tcp-response inspect-delay 2s\n  tcp-response content reject if { res.hdr(x) -m found }\n  server s1 127.0.0.1:1\n');
  const alerts = loadConfig([f], buildRegistry()).messages.filter((m) => m.level === 0).map((m) => m.text).join('\n');
  assert.match(alerts, /backend 'be' : 'tcp-response inspect-delay' \(.*sluice\.cfg:4\) with 'tcp-response content' rules \(.*sluice\.cfg:5\) in 'mode http' is not supported by sluice yet/);
});
