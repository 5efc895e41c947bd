/*
 * The real `sluice` process (node --import tsx proxy/main.ts) with stats sockets and HTTP traffic to two loopback
 * servers: `show stat` follows the traffic, `disable server`/`enable server` take a server out of rotation and back,
 * socket file modes are the configured ones, and a user-level socket is refused admin commands.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { freePort, replyServer, oneRequest, cliCommand, parseStatCsv, spawnSluice, defaultsSection, roundRobinBackend, teardown } from './traffic.ts';
import type { Backend } from './traffic.ts';

const dir = mkdtempSync(join(tmpdir(), 'sluice-stats-e2e-'));
const adminSock = join(dir, 'admin.sock');
const userSock = join(dir, 'user.sock');
let proc: ChildProcess | null = null;
let fePort = 0;
const backends: Backend[] = [];

const get = (path: string): Promise<string> => oneRequest(fePort, path);
const cli = cliCommand;

async function showStat(): Promise<Map<string, Record<string, string>>> {
  return parseStatCsv(await cli(adminSock, 'show stat')).rows;
}

before(async () => {
  backends.push(await replyServer('s1'), await replyServer('s2'));
  fePort = await freePort();
  const cfg = join(dir, 'sluice.cfg');
  writeFileSync(cfg, `global
  stats socket ${adminSock} mode 640 level admin
  stats socket ${userSock} mode 600 level user
  stats timeout 5s
${defaultsSection('tcp')}frontend fe
  bind 127.0.0.1:${fePort}
  default_backend bk
${roundRobinBackend(backends)}`);
  proc = await spawnSluice(cfg, adminSock);
});

after(() => teardown(proc, backends, dir));

test('unix stats sockets get their configured file modes', () => {
  assert.equal(statSync(adminSock).mode & 0o777, 0o640);
  assert.equal(statSync(userSock).mode & 0o777, 0o600);
});

test('show stat reflects real traffic: sessions, bytes, load-balanced totals', async () => {
  const before = await showStat();
  assert.equal(before.get('bk/BACKEND')!['stot'], '0');
  const bodies: string[] = [];
  for (let i = 0; i < 6; i++) bodies.push(await get('/x'));
  assert.deepEqual(bodies.slice().sort(), ['s1\n', 's1\n', 's1\n', 's2\n', 's2\n', 's2\n']);
  const st = await showStat();
  const fe = st.get('fe/FRONTEND')!;
  assert.equal(fe['stot'], '6');
  // each request is 52 bytes (request line, host and connection headers), each response 60 bytes
  assert.equal(fe['bin'], String(6 * 52));
  assert.equal(fe['bout'], String(6 * 60));
  const be = st.get('bk/BACKEND')!;
  assert.equal(be['stot'], '6');
  assert.equal(be['bin'], String(6 * 52));
  assert.equal(st.get('bk/s1')!['stot'], '3');
  assert.equal(st.get('bk/s1')!['bout'], String(3 * 60));
  assert.equal(st.get('bk/s2')!['stot'], '3');
  assert.equal(st.get('bk/s1')!['lbtot'], '3');
  assert.equal(st.get('bk/s1')!['status'], 'no check');
  assert.equal(backends[0]!.hits + backends[1]!.hits, 6);
});

test('disable server takes it out of rotation; enable server brings it back', async () => {
  assert.equal(await cli(adminSock, 'disable server bk/s1'), '\n');
  assert.equal((await showStat()).get('bk/s1')!['status'], 'MAINT');
  const h1 = backends[0]!.hits;
  const h2 = backends[1]!.hits;
  for (let i = 0; i < 4; i++) assert.equal(await get('/y'), 's2\n');
  assert.equal(backends[0]!.hits, h1);
  assert.equal(backends[1]!.hits, h2 + 4);
  assert.equal(await cli(adminSock, 'enable server bk/s1'), '\n');
  assert.notEqual((await showStat()).get('bk/s1')!['status'], 'MAINT');
  const seen = new Set<string>();
  for (let i = 0; i < 4; i++) seen.add(await get('/z'));
  assert.ok(seen.has('s1\n'), 's1 receives traffic again');
  assert.ok(backends[0]!.hits > h1);
});

test('a user-level socket is refused every admin command and changes nothing', async () => {
  assert.equal(await cli(userSock, 'show cli level'), 'user\n\n');
  for (const c of ['disable server bk/s1', 'enable server bk/s1', 'set weight bk/s1 0', 'set server bk/s1 state maint',
    'shutdown sessions server bk/s1', 'clear counters all', 'clear counters', 'show sess', 'disable frontend fe',
    'set maxconn global 10']) {
    assert.equal(await cli(userSock, c), 'Permission denied\n\n', c);
  }
  const st = await showStat();
  assert.notEqual(st.get('bk/s1')!['status'], 'MAINT');
  assert.equal(st.get('bk/s1')!['weight'], '1');
  assert.equal(st.get('fe/FRONTEND')!['status'], 'OPEN');
  assert.notEqual(st.get('fe/FRONTEND')!['stot'], '0');
  assert.match(await cli(userSock, 'show stat'), /^# pxname,svname,/);
});
