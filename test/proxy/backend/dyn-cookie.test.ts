import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { loadConfig } from '../../../proxy/config/loader.ts';
import { buildRegistry } from '../../../proxy/modules.ts';
import { initBackendServers, srvSetAddr } from '../../../proxy/backend/server.ts';
import { xxh64 } from '../../../proxy/backend/xxh64.ts';

test('xxh64 gives the reference values', () => {
  assert.equal(xxh64(Buffer.alloc(0)).toString(16), 'ef46db3751d8e999');
  assert.equal(xxh64(Buffer.from('a')).toString(16), 'd24ec4f1a98c6e5b');
  assert.equal(xxh64(Buffer.from('Nobody inspects the spammish repetition')).toString(16), 'fbcea83c8a378bf1');
});

test('dynamic cookies are 2.6.12\'s: key, address and port hashed; a server cookie wins; re-computed on a new address', () => {
  const d = mkdtempSync(join(tmpdir(), 'dyncookie-'));
  writeFileSync(join(d, 'c.cfg'), `defaults
  mode http
  timeout client 1s
  timeout server 1s
  timeout connect 1s
  dynamic-cookie-key cookie_key
backend be
  balance roundrobin
  cookie SRVID insert dynamic
  server a 127.0.0.1:8001
  server b 127.0.0.2:8002
  server c ::1:8003
  server d 127.0.0.1:8001 cookie fixed
backend plain
  cookie SRVID insert
  server a 127.0.0.1:8001
`);
  const cfg = loadConfig([join(d, 'c.cfg')], buildRegistry());
  assert.deepEqual(cfg.messages.filter((m) => m.level === 0), []);
  const be = cfg.proxies.find((p) => p.name === 'be')!;
  const plain = cfg.proxies.find((p) => p.name === 'plain')!;
  initBackendServers(be);
  initBackendServers(plain);
  // Set-Cookie values of haproxy 2.6.12 running this backend (curl, one request per server)
  assert.deepEqual(be.servers.map((s) => s.cookie), ['0cbc9a771071cb76', '44b7346a2c65c288', 'a9dc05c6ac98287f', 'fixed']);
  assert.equal(plain.servers[0].cookie, '');
  srvSetAddr(be.servers[0], '127.0.0.2', 8002);
  assert.equal(be.servers[0].cookie, '44b7346a2c65c288');
  srvSetAddr(be.servers[3], '127.0.0.2', 8002);
  assert.equal(be.servers[3].cookie, 'fixed');
});
