/*
 * `tcp-request content` rules in a mode http backend run when the stream enters it, after the frontend's http-request
 * rules and before the backend's: a reject closes the connection without a response, logged with the request line,
 * `be/<NOSRV>`, TR -1, status -1, `PR--`; a backend's track-sc1 counts the requests it lets through. Same outcomes,
 * log lines, table and show stat counters as haproxy 2.6.12 on the same config (fixtures/proxy/tcp-content-http-backend).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { freePort, startSluice, stopSluice, waitFor, headServer } from '../proxy-util.ts';
import { cliCommand, parseStatCsv } from '../stats/traffic.ts';
import { flushLogs } from '../../../proxy/log/sender.ts';

const fx = (f: string): string => readFileSync(new URL('../../../fixtures/proxy/tcp-content-http-backend/' + f, import.meta.url), 'latin1');
const RSP = 'HTTP/1.1 200 OK\r\ncontent-length: 6\r\nx-srv: a\r\n\r\nhello\n';

/** Sends `reqs` on one connection; resolves with the status codes received before the proxy closed. */
function statuses(port: number, reqs: string[]): Promise<string[]> {
  return new Promise((resolve) => {
    const c = connect(port, '127.0.0.1', () => c.write(reqs.join('')));
    let got = '';
    const t = setTimeout(() => c.destroy(), 3000);
    c.on('data', (d) => { got += d.toString('latin1'); });
    c.on('error', () => {});
    c.on('close', () => { clearTimeout(t); resolve([...got.matchAll(/HTTP\/1\.1 (\d+)/g)].map((m) => m[1])); });
  });
}

/** The fields of a log line that do not depend on time or ports. */
const shape = (l: string): string => l.replace(/^\S+ \[[^\]]+\] /, '').replace(/ -?\d+\/-?\d+\/-?\d+\/(-?\d+)\/-?\d+ /, (_m, tr) => (tr === '-1' ? ' T-1 ' : ' T '));

// bin is left out: curl sent user-agent and accept headers
const COLS = ['stot', 'bout', 'dreq', 'dresp', 'hrsp_2xx', 'hrsp_other', 'req_tot'];

test('tcp-request content in an HTTP backend: same outcomes, log lines, table and counters as haproxy 2.6.12', async () => {
  const logs: string[] = [];
  const sink = createSocket('udp4');
  sink.on('message', (m) => logs.push(m.toString('latin1').replace(/^.*?: /, '').trimEnd()));
  await new Promise<void>((r) => sink.bind(0, '127.0.0.1', r));
  const origin = await headServer((c) => c.write(RSP));
  const port = await freePort();
  const sock = join(mkdtempSync(join(tmpdir(), 'sluice-becontent-')), 'stats.sock');
  const cfg = fx('haproxy.cfg').replace('127.0.0.1:18515', `127.0.0.1:${sink.address().port}`).replace('127.0.0.1:18779', `127.0.0.1:${port}`)
    .replaceAll('127.0.0.1:18801', `127.0.0.1:${origin.port}`).replace('/tmp/compat/h.sock', sock);
  const rt = await startSluice(cfg);
  after(async () => { await stopSluice(rt); sink.close(); origin.close(); });
  const get = (p: string, close = true): string => `GET ${p} HTTP/1.1\r\nhost: x\r\n${close ? 'connection: close\r\n' : ''}\r\n`;
  const got: string[][] = [];
  for (let i = 0; i < 5; i++) got.push(await statuses(port, [get('/')]));
  got.push(await statuses(port, [get('/two/ok', false), get('/two/deny2', false), get('/two/rewritten')]));
  got.push(await statuses(port, [get('/two/rewritten')]));     // curl's retry on a new connection
  assert.deepEqual(got, [['200'], ['200'], ['200'], [], [], ['200', '200'], []]);
  await waitFor(() => { flushLogs(0); return logs.length >= 9; });
  const gold = fx('haproxy-log.txt').split('\n').filter((l) => l !== '');
  assert.deepEqual(logs.map(shape), gold.map(shape));
  const table = (await cliCommand(sock, 'show table be')).replace(/0x[0-9a-f]+/, 'P').replace(/exp=\d+/, 'E');
  assert.equal(table, fx('show-table.txt').replace(/0x[0-9a-f]+/, 'P').replace(/exp=\d+/, 'E'));
  const mine = parseStatCsv(await cliCommand(sock, 'show stat')).rows;
  const ref = parseStatCsv(fx('show-stat.txt')).rows;
  for (const key of ['fe/FRONTEND', 'be/s1', 'be/BACKEND', 'be2/s1', 'be2/BACKEND']) {
    for (const c of COLS) assert.equal(mine.get(key)![c], ref.get(key)![c], `${key} ${c}`);
  }
});
