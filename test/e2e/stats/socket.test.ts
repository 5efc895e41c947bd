/*
 * The real `sluice` process (node --import tsx proxy/main.ts) with stats sockets and HTTP traffic to two loopback
 * servers: `show stat` follows the traffic, `disable server`/`enable server` take a server out of rotation and back,
 * socket file modes are the configured ones, and a user-level socket is refused admin commands.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createServer, connect } from 'node:net';
import type { Server as NetServer } from 'node:net';
import { mkdtempSync, writeFileSync, statSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';

const root = resolve(import.meta.dirname, '../../..');
const dir = mkdtempSync(join(tmpdir(), 'sluice-stats-e2e-'));
const adminSock = join(dir, 'admin.sock');
const userSock = join(dir, 'user.sock');
let proc: ChildProcess | null = null;
let fePort = 0;
const backends: { server: NetServer; port: number; hits: number }[] = [];

function freePort(): Promise<number> {
  return new Promise((r) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => { const p = (s.address() as { port: number }).port; s.close(() => r(p)); });
  });
}

/** A minimal HTTP/1.1 server answering every request with its name (one request per connection). */
function httpBackend(name: string): Promise<{ server: NetServer; port: number; hits: number }> {
  const b = { server: createServer(), port: 0, hits: 0 };
  b.server.on('connection', (s) => {
    s.on('error', () => {});
    let buf = '';
    s.on('data', (d) => {
      buf += d.toString('latin1');
      if (!buf.includes('\r\n\r\n')) return;
      buf = '';
      b.hits++;
      s.end('HTTP/1.1 200 OK\r\ncontent-length: ' + (name.length + 1) + '\r\nconnection: close\r\n\r\n' + name + '\n');
    });
  });
  return new Promise((r) => b.server.listen(0, '127.0.0.1', () => { b.port = (b.server.address() as { port: number }).port; r(b); }));
}

/** One request through the proxy on a new connection; resolves with the response body. */
function get(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = connect(fePort, '127.0.0.1');
    const chunks: Buffer[] = [];
    const t = setTimeout(() => { c.destroy(); reject(new Error('request timeout')); }, 3000);
    c.on('data', (d) => chunks.push(d));
    c.on('error', (e) => { clearTimeout(t); reject(e); });
    c.on('close', () => {
      clearTimeout(t);
      const s = Buffer.concat(chunks).toString('latin1');
      resolve(s.slice(s.indexOf('\r\n\r\n') + 4));
    });
    c.on('connect', () => c.write('GET ' + path + ' HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n'));
  });
}

/** Sends one CLI line on `sock` and resolves with the whole reply (the server closes after it). */
function cli(sock: string, line: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = connect(sock);
    const chunks: Buffer[] = [];
    const t = setTimeout(() => { c.destroy(); reject(new Error('cli timeout')); }, 3000);
    c.on('data', (d) => chunks.push(d));
    c.on('error', (e) => { clearTimeout(t); reject(e); });
    c.on('close', () => { clearTimeout(t); resolve(Buffer.concat(chunks).toString('latin1')); });
    c.on('connect', () => c.write(line + '\n'));
  });
}

/** `show stat` as objects keyed by `pxname/svname`, values by column name. */
async function showStat(): Promise<Map<string, Record<string, string>>> {
  const text = await cli(adminSock, 'show stat');
  const lines = text.split('\n').filter((l) => l !== '');
  const cols = lines[0]!.slice(2).split(',');
  const m = new Map<string, Record<string, string>>();
  for (const l of lines.slice(1)) {
    const v = l.split(',');
    const row: Record<string, string> = {};
    cols.forEach((c, i) => { row[c] = v[i] ?? ''; });
    m.set(v[0] + '/' + v[1], row);
  }
  return m;
}

async function waitReady(): Promise<void> {
  const end = Date.now() + 15000;
  for (;;) {
    const ok = await cli(adminSock, 'show cli level').then((r) => r === 'admin\n\n', () => false);
    if (ok) return;
    if (Date.now() > end || (proc !== null && proc.exitCode !== null)) throw new Error('sluice did not start');
    await new Promise((r) => setTimeout(r, 50));
  }
}

before(async () => {
  backends.push(await httpBackend('s1'), await httpBackend('s2'));
  fePort = await freePort();
  const cfg = join(dir, 'sluice.cfg');
  writeFileSync(cfg, `global
  stats socket ${adminSock} mode 640 level admin
  stats socket ${userSock} mode 600 level user
  stats timeout 5s
defaults
  mode tcp
  timeout connect 1s
  timeout client 5s
  timeout server 5s
frontend fe
  bind 127.0.0.1:${fePort}
  default_backend bk
backend bk
  balance roundrobin
  server s1 127.0.0.1:${backends[0]!.port}
  server s2 127.0.0.1:${backends[1]!.port}
`);
  proc = spawn(process.execPath, ['--import', 'tsx', join(root, 'proxy/main.ts'), '-f', cfg], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
  proc.stderr!.resume();
  await waitReady();
});

after(() => {
  if (proc !== null && proc.exitCode === null) proc.kill('SIGKILL');
  for (const b of backends) b.server.close();
  rmSync(dir, { recursive: true, force: true });
});

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
  assert.ok(Number(fe['bin']) >= 6 * 40, 'bin counts request bytes');
  assert.ok(Number(fe['bout']) >= 6 * 40, 'bout counts response bytes');
  const be = st.get('bk/BACKEND')!;
  assert.equal(be['stot'], '6');
  assert.equal(st.get('bk/s1')!['stot'], '3');
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
