/*
 * server-state-file / load-server-state-from-file at startup as haproxy 2.6.12 (fixtures/configs/real/server-state.*,
 * the `-c` answer is checked by test/proxy/config/real-world.test.ts): a saved forced maintenance, a runtime weight
 * and checked servers saved DOWN start so; `show stat` status and weight equal 2.6.12's (server-state.show-stat).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { startSluice, stopSluice, freePort } from '../proxy-util.ts';
import { cliCommand } from '../stats/traffic.ts';

const dir = new URL('../../../fixtures/configs/real/', import.meta.url);

test('servers start in the states the state file saved: maintenance, weight, DOWN, as haproxy 2.6.12', async () => {
  const sock = join(mkdtempSync(join(tmpdir(), 'sluice-srvstate-')), 'stats.sock');
  const cfg = readFileSync(new URL('server-state.cfg', dir), 'latin1')
    .replace('server-state-file server-state.state', `server-state-file ${new URL('server-state.state', dir).pathname}`)
    .replace('/tmp/sluice-fixture-server-state.sock', sock).replace('127.0.0.1:18960', `127.0.0.1:${await freePort()}`);
  const rt = await startSluice(cfg);
  after(async () => { await stopSluice(rt); });
  const got = (await cliCommand(sock, 'show stat')).split('\n').filter((l) => l !== '')
    .map((l) => l.split(',').filter((_c, i) => i === 0 || i === 1 || i === 17 || i === 18).join(','));
  assert.deepEqual(got, readFileSync(new URL('server-state.show-stat', dir), 'latin1').trimEnd().split('\n'));
});
