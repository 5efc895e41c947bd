/*
 * Bytes of requests a listen answers itself (deny, redirect, its stats page) are counted on its BACKEND row too, as in
 * 2.6, where a stream's backend is its frontend until another one is chosen (fixtures/stats/listen-bytes, see CMD);
 * its stats page also sets that row's lastsess (not stot), as measured on 2.6.12.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { freePort, cliCommand, spawnSluice, teardown, rawExchange, parseStatCsv } from './traffic.ts';

const dir = mkdtempSync(join(tmpdir(), 'sluice-listen-bytes-'));
const sock = join(dir, 'admin.sock');
let proc: ChildProcess | null = null;
let port = 0;

before(async () => {
  port = await freePort();
  const cfg = readFileSync(new URL('../../../fixtures/stats/listen-bytes/haproxy.cfg', import.meta.url), 'latin1')
    .replace('/tmp/sluice-listen-bytes.sock', sock).replace('127.0.0.1:19380', '127.0.0.1:' + port)
    .replace('    server s', '    stats uri /st\n    server s');
  writeFileSync(join(dir, 'sluice.cfg'), cfg);
  proc = await spawnSluice(join(dir, 'sluice.cfg'), sock);
});

after(() => teardown(proc, [], dir));

const row = (csv: string, sv: string): Record<string, string> => parseStatCsv(csv).rows.get('l/' + sv)!;

test('deny and redirect bytes land on the listen\'s FRONTEND and BACKEND rows as in 2.6', async () => {
  for (const p of ['/deny', '/redir']) await rawExchange(port, `GET ${p} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n`);
  const want = readFileSync(new URL('../../../fixtures/stats/listen-bytes/show-stat.txt', import.meta.url), 'latin1');
  const got = await cliCommand(sock, 'show stat');
  for (const sv of ['FRONTEND', 'BACKEND', 's']) {
    for (const k of ['bin', 'bout']) assert.equal(row(got, sv)[k], row(want, sv)[k], `${sv} ${k}`);
  }
});

test('the stats page served by a listen is counted on its BACKEND row too', async () => {
  const before = await cliCommand(sock, 'show stat');
  const page = await rawExchange(port, 'GET /st HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n');
  assert.match(page, /^HTTP\/1\.1 200/);
  const got = await cliCommand(sock, 'show stat');
  const d = (csv: string, sv: string, k: string): number => Number(row(csv, sv)[k]);
  assert.ok(d(got, 'BACKEND', 'bout') - d(before, 'BACKEND', 'bout') > 1000);
  for (const k of ['bin', 'bout']) assert.equal(d(got, 'BACKEND', k), d(got, 'FRONTEND', k), k);
  // and, as in 2.6, it is the BACKEND row's last session (deny and redirect were not: -1 before the page)
  assert.equal(row(before, 'BACKEND').lastsess, '-1');
  assert.ok(d(got, 'BACKEND', 'lastsess') >= 0 && d(got, 'BACKEND', 'lastsess') <= 1, row(got, 'BACKEND').lastsess);
  assert.equal(d(got, 'BACKEND', 'stot'), 0);
});
