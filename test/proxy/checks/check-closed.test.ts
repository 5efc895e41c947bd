/*
 * A server that accepts a check and closes or resets without reading, as haproxy 2.6.12 reports it: a reset with
 * nothing read is a socket error (SOCKERR "Connection reset by peer", with the waiting rule for plain tcp-check
 * rules), a clean close an empty response, a connect-only check passed. Each backend of
 * fixtures/proxy/check-closed/checks.cfg is probed against origin.cjs's servers and must get 2.6.12's verdict and reason.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server as NetServer, type Socket } from 'node:net';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import type { Proxy } from '../../../proxy/model/types.ts';
import { checkVerdicts, loadWithServers } from './probe-util.ts';

const fx = (f: string) => readFileSync(new URL('../../../fixtures/proxy/check-closed/' + f, import.meta.url), 'latin1');
const dir = mkdtempSync(join(tmpdir(), 'sluice-chkclosed-'));
const socks: Socket[] = [];
const timers: NodeJS.Timeout[] = [];
let servers: NetServer[] = [];
let backends: Map<string, Proxy>;

/** origin.cjs's servers: nothing read (the kernel keeps what came), closed (18901) or reset (18902) after 100 ms. */
function closer(reset: boolean): NetServer {
  return createServer({ pauseOnConnect: true }, (s) => {
    socks.push(s);
    s.on('error', () => {});
    timers.push(setTimeout(() => { if (reset) s.resetAndDestroy(); else s.destroy(); }, 100));
  });
}

before(async () => {
  servers = [closer(false), closer(true)];
  backends = await loadWithServers(fx('checks.cfg'), [[servers[0], 18901], [servers[1], 18902]], dir);
});

after(() => {
  for (const t of timers) clearTimeout(t);
  for (const s of socks) s.destroy();
  for (const s of servers) s.close();
  rmSync(dir, { recursive: true, force: true });
});

test('a server closing or resetting a check unread: verdict and reason of every backend as haproxy 2.6.12 logged them', async () => {
  const { want, got } = await checkVerdicts(fx('haproxy-health.txt'), backends, true);
  assert.equal(want.length, 17);
  assert.deepEqual(got, want);
});
