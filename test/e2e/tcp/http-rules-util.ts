/*
 * Shared by the e2e tests of tcp-request/tcp-response content rules in mode http: a fixture config started with its
 * log going to a UDP sink, its server at a fixed-answer origin and its stats socket in a temp dir; raw requests on
 * one connection; log lines and show stat compared with the goldens of haproxy 2.6.12.
 */
import { after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { freePort, startSluice, stopSluice, headServer } from '../proxy-util.ts';
import { cliCommand, parseStatCsv } from '../stats/traffic.ts';

/** The fixed answer of the origin used by the fixtures (fixtures/proxy/tcp-*-http*\/CMD). */
export const ORIGIN_RSP = 'HTTP/1.1 200 OK\r\ncontent-length: 6\r\nx-srv: a\r\n\r\nhello\n';

/** A GET head, with `connection: close` unless `close` is false. */
export const get = (p: string, close = true): string => `GET ${p} HTTP/1.1\r\nhost: x\r\n${close ? 'connection: close\r\n' : ''}\r\n`;

/** Sends `reqs` on one connection; resolves with everything received before the proxy closed. */
export function exchangeAll(port: number, reqs: string[]): Promise<string> {
  return new Promise((resolve) => {
    const c = connect(port, '127.0.0.1', () => c.write(reqs.join('')));
    let got = '';
    const t = setTimeout(() => c.destroy(), 3000);
    c.on('data', (d) => { got += d.toString('latin1'); });
    c.on('error', () => {});
    c.on('close', () => { clearTimeout(t); resolve(got); });
  });
}

/** The status codes of the responses received on one connection. */
export async function statuses(port: number, reqs: string[]): Promise<string[]> {
  return [...(await exchangeAll(port, reqs)).matchAll(/HTTP\/1\.1 (\d+)/g)].map((m) => m[1]!);
}

/** The fields of a log line that depend on neither time nor ports (TR -1 kept apart). */
export const logShape = (l: string): string => l.replace(/^\S+ \[[^\]]+\] /, '')
  .replace(/ -?\d+\/-?\d+\/-?\d+\/(-?\d+)\/-?\d+ /, (_m, tr) => (tr === '-1' ? ' T-1 ' : ' T '));

/** Starts fixture `dir`'s haproxy.cfg on Sluice (log sink, origin, stats socket); stopped after the test. */
export async function startFixture(dir: string): Promise<{ port: number; sock: string; logs: string[]; fx: (f: string) => string }> {
  const fx = (f: string): string => readFileSync(new URL(`../../../fixtures/proxy/${dir}/${f}`, import.meta.url), 'latin1');
  const logs: string[] = [];
  const sink = createSocket('udp4');
  sink.on('message', (m) => logs.push(m.toString('latin1').replace(/^.*?: /, '').trimEnd()));
  await new Promise<void>((r) => sink.bind(0, '127.0.0.1', r));
  const origin = await headServer((c) => c.write(ORIGIN_RSP));
  const port = await freePort();
  const sock = join(mkdtempSync(join(tmpdir(), 'sluice-tcphttp-')), 'stats.sock');
  const cfg = fx('haproxy.cfg').replace('127.0.0.1:18515', `127.0.0.1:${sink.address().port}`).replace('127.0.0.1:18779', `127.0.0.1:${port}`)
    .replaceAll('127.0.0.1:18801', `127.0.0.1:${origin.port}`).replace('/tmp/compat/h.sock', sock);
  const rt = await startSluice(cfg);
  after(async () => { await stopSluice(rt); sink.close(); origin.close(); });
  return { port, sock, logs, fx };
}

/** `show stat` columns `cols` of rows `keys` (pxname/svname) equal to the fixture's show-stat.txt. */
export async function assertStats(sock: string, golden: string, keys: readonly string[], cols: readonly string[]): Promise<void> {
  const mine = parseStatCsv(await cliCommand(sock, 'show stat')).rows;
  const ref = parseStatCsv(golden).rows;
  for (const key of keys) for (const c of cols) assert.equal(mine.get(key)![c], ref.get(key)![c], `${key} ${c}`);
}
