// hatop end to end against a real HAProxy 2.6 (Debian's /usr/sbin/haproxy, as in CI): two node
// backends on loopback, a unix stats socket, hatop in tmux disabling and enabling a server.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { disableEnableScenario, refusedActionScenario, statsQuery, until } from './scenario.ts';

const HAPROXY = '/usr/sbin/haproxy';
const dir = mkdtempSync(join(tmpdir(), 'hatop-e2e-'));
const sock = join(dir, 'admin.sock');
const userSock = join(dir, 'user.sock');
const backends: http.Server[] = [];
let proc: ChildProcess | null = null;

function backend(): Promise<number> {
  const s = http.createServer((_req, res) => res.end('ok\n'));
  backends.push(s);
  return new Promise((resolve) => s.listen(0, '127.0.0.1', () => resolve((s.address() as AddressInfo).port)));
}

before(async () => {
  const [p1, p2] = [await backend(), await backend()];
  writeFileSync(
    join(dir, 'haproxy.cfg'),
    [
      'global',
      `    stats socket ${sock} mode 600 level admin`,
      `    stats socket ${userSock} mode 600 level user`,
      '    stats timeout 30s',
      'defaults',
      '    mode http',
      '    timeout connect 2s',
      '    timeout client 10s',
      '    timeout server 10s',
      'frontend fe_main',
      `    bind unix@${join(dir, 'fe.sock')}`,
      '    default_backend bk',
      'backend bk',
      '    option httpchk GET /',
      `    server s1 127.0.0.1:${p1} check inter 300ms rise 1 fall 1`,
      `    server s2 127.0.0.1:${p2} check inter 300ms rise 1 fall 1`,
      '',
    ].join('\n'),
  );
  proc = spawn(HAPROXY, ['-db', '-f', join(dir, 'haproxy.cfg')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr!.on('data', (d) => (stderr += d));
  await until('the stats socket', () => (existsSync(sock) ? true : null), 10_000).catch((e: Error) => {
    throw new Error(e.message + '\n' + stderr);
  });
  // Both servers UP after their first check, so the scenario starts from a known state.
  await until('s1 and s2 UP', async () => {
    const csv = await statsQuery(sock, 'show stat');
    return /\nbk,s1,.*,UP,/.test(csv) && /\nbk,s2,.*,UP,/.test(csv) ? true : null;
  });
});

after(() => {
  proc?.kill('SIGTERM');
  for (const s of backends) s.close();
  rmSync(dir, { recursive: true, force: true });
});

test('hatop disables and enables a server of a running HAProxy 2.6 from its keys', { timeout: 90_000 }, async () => {
  assert.ok(proc && proc.exitCode === null, 'haproxy is running');
  await disableEnableScenario(sock, 'bk', 's1');
});

test('on a user-level socket hatop shows HAProxy\'s refusal and nothing changes', { timeout: 60_000 }, async () => {
  await refusedActionScenario(userSock, 'bk', 's2');
});
