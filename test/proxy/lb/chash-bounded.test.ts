import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { loadConfig } from '../../../proxy/config/loader.ts';
import { buildRegistry } from '../../../proxy/modules.ts';
import { initBackendServers } from '../../../proxy/backend/server.ts';
import { setEventStderr } from '../../../proxy/events.ts';
import type { Proxy } from '../../../proxy/model/types.ts';
import { hashLookup } from '../../../proxy/lb/chash.ts';
import type { HashTable } from '../../../proxy/lb/chash.ts';

setEventStderr(false);

function backend(factor: number): Proxy {
  const d = mkdtempSync(join(tmpdir(), 'sluice-hbf-'));
  writeFileSync(join(d, 'c.cfg'), `backend bk\n  mode http\n  balance uri\n  hash-type consistent\n  hash-balance-factor ${factor}\n` +
    '  server s1 127.0.0.1:1\n  server s2 127.0.0.1:2\n  server s3 127.0.0.1:3 weight 2\n');
  const c = loadConfig([join(d, 'c.cfg')], buildRegistry());
  assert.deepEqual(c.messages.filter((m) => m.level === 0), []);
  const be = c.backends.get('bk')!;
  initBackendServers(be);
  return be;
}

test('hash-balance-factor: a key stays on its server until that one exceeds factor% of its weighted share', () => {
  const be = backend(150);
  const t = be.lbState as HashTable;
  assert.equal(t.balanceFactor, 150);
  const [s1, s2, s3] = be.servers;
  // a key whose own server is s1
  let h = 0;
  while (hashLookup(t, h, null) !== s1) h += 7919;
  // s1 holds 1: the next one makes 2, ceil(2 * 1.5) = 3 slots over weights 1+1+2 give s1 1 (at least one): full
  s1!.served = 1;
  assert.notEqual(hashLookup(t, h, null), s1);
  s1!.served = 0; s2!.served = 3; s3!.served = 3;
  // tot = ceil(7 * 1.5) = 11 slots: s1 2 (1 weight), s1 is free
  assert.equal(hashLookup(t, h, null), s1);
  s1!.served = 3;
  // tot = ceil(10 * 1.5) = 15 slots, per weight 3, s1 3: full; the walk goes on to a server under its bound
  const o = hashLookup(t, h, null)!;
  assert.notEqual(o, s1);
  assert.ok(o.served < (o === s3 ? 8 : 4));
  s1!.served = 0; s2!.served = 0; s3!.served = 0;
});

test('without hash-balance-factor the key keeps its server whatever the load', () => {
  const be = backend(0);
  const t = be.lbState as HashTable;
  const s1 = be.servers[0]!;
  let h = 0;
  while (hashLookup(t, h, null) !== s1) h += 7919;
  s1.served = 1000;
  assert.equal(hashLookup(t, h, null), s1);
  s1.served = 0;
});
