/*
 * server-state-file / load-server-state-from-file at startup as haproxy 2.6.12 (fixtures/configs/real/server-state.*,
 * the `-c` answer is checked by test/proxy/config/real-world.test.ts): a saved forced maintenance, a runtime weight
 * and checked servers saved DOWN start so; `show stat` status and weight equal 2.6.12's (server-state.show-stat).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { startSluice, stopSluice, freePort } from '../proxy-util.ts';
import { cliCommand } from '../stats/traffic.ts';
import { loadConfig } from '../../../proxy/config/loader.ts';
import { buildRegistry } from '../../../proxy/modules.ts';

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

test("a state file without version 1 on its first line gets 2.6.12's warning and is not applied", () => {
  const d = mkdtempSync(join(tmpdir(), 'sluice-srvstate-bad-'));
  // haproxy 2.6.12 -c on the same files: "config: Can't get version of the global server state file '<f>'." and
  // "Proxy 'be': Can't get version of the server state file '<f>'."
  const cases: [string, string, string][] = [
    ['global', 'server-state-file STATE\n', "config: Can't get version of the global server state file 'STATE'."],
    ['local', `server-state-base ${d}\n`, "Proxy 'be': Can't get version of the server state file 'STATE'."],
  ];
  for (const [load, glob, want] of cases) {
    for (const [name, bytes] of [['empty', Buffer.alloc(0)], ['binary', Buffer.from([0x00, 0xff, 0x31, 0x0a, 0x80])], ['v2', Buffer.from('2\n')]] as const) {
      const state = join(d, `${load}-${name}.state`);
      writeFileSync(state, bytes);
      const f = join(d, 'h.cfg');
      writeFileSync(f, `global\n  ${glob.replace('STATE', state)}defaults\n  mode http\n  load-server-state-from-file ${load}\n` +
        `backend be\n${load === 'local' ? `  server-state-file-name ${state}\n` : ''}  server s1 127.0.0.1:1 check\n`);
      const cfg = loadConfig([f], buildRegistry());
      const warns = cfg.messages.filter((m) => m.level !== 0).map((m) => m.text);
      assert.ok(warns.includes(want.replace('STATE', state)), `${load} ${name}: ${JSON.stringify(warns)}`);
    }
  }
});
