// The same hatop end-to-end scenarios as actions.test.ts, against Sluice's own stats socket (the real
// `sluice` process, started the way the stats e2e tests start it).
import { test, before, after } from 'node:test';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { freePort, replyServer, spawnSluice, defaultsSection, roundRobinBackend, teardown } from '../stats/traffic.ts';
import type { Backend } from '../stats/traffic.ts';
import { disableEnableScenario, refusedActionScenario } from './scenario.ts';

const dir = mkdtempSync(join(tmpdir(), 'hatop-sluice-e2e-'));
const adminSock = join(dir, 'admin.sock');
const userSock = join(dir, 'user.sock');
const backends: Backend[] = [];
let proc: ChildProcess | null = null;

before(async () => {
  backends.push(await replyServer('s1'), await replyServer('s2'));
  const cfg = join(dir, 'sluice.cfg');
  writeFileSync(
    cfg,
    `global\n  stats socket ${adminSock} mode 600 level admin\n  stats socket ${userSock} mode 600 level user\n  stats timeout 30s\n` +
      `${defaultsSection('tcp')}frontend fe_main\n  bind 127.0.0.1:${await freePort()}\n  default_backend bk\n${roundRobinBackend(backends)}`,
  );
  proc = await spawnSluice(cfg, adminSock);
});

after(() => teardown(proc, backends, dir));

test('hatop disables and enables a server of a running Sluice from its keys', { timeout: 90_000 }, async () => {
  await disableEnableScenario(adminSock, 'bk', 's1');
});

test('on a user-level Sluice socket hatop shows the refusal and nothing changes', { timeout: 60_000 }, async () => {
  await refusedActionScenario(userSock, 'bk', 's2');
});
