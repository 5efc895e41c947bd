/*
 * `set table` / `clear table` (by key, by data filter, whole) and `show table` on string, integer and ip tables, every
 * reply compared with haproxy 2.6.12's on the same configuration and commands (fixtures/stick/set-table-cli, CMD
 * there); entry addresses and expiry countdowns masked. An unset server_key shows '-' as in 2.6.
 */
import { test, after } from 'node:test';
import { readFileSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { freePort, startSluice, stopSluice } from '../proxy-util.ts';
import type { Runtime } from '../../../proxy/runtime.ts';
import { replayCli } from '../stats/cli-replay.ts';

const fx = (f: string): string => readFileSync(new URL('../../../fixtures/stick/set-table-cli/' + f, import.meta.url), 'latin1');
const mask = (t: string): string => t.replace(/^0x[0-9a-f]+:/gm, '0x?:').replace(/ exp=\d+/g, ' exp=?');

test('set/clear/show table replies as haproxy 2.6.12', async () => {
  const port = await freePort();
  const sock = join(mkdtempSync(join(tmpdir(), 'sluice-settable-')), 'stats.sock');
  let rt: Runtime | null = await startSluice(fx('haproxy.cfg').replace('127.0.0.1:18779', `127.0.0.1:${port}`).replace('/tmp/compat/h.sock', sock));
  after(async () => { if (rt !== null) { await stopSluice(rt); rt = null; } });
  await replayCli({ cmds: fx('cmds.txt'), gold: fx('replies.txt'), sock, port, send: (l) => l, norm: mask });
});
