/* Edge keywords through the loader: default-server inheritance of send-proxy / DNS settings, server-template names. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { loadConfig } from '../../../proxy/config/loader.ts';
import { buildRegistry } from '../../../proxy/modules.ts';
import { srvSendProxy } from '../../../proxy/backend/send-proxy.ts';
import { srvDns } from '../../../proxy/dns/server-keywords.ts';
import { resolversOf } from '../../../proxy/dns/resolvers-section.ts';
import { templateRange } from '../../../proxy/backend/server-template.ts';

function load(text: string) {
  const f = join(mkdtempSync(join(tmpdir(), 'sluice-edge-kw-')), 'c.cfg');
  writeFileSync(f, text);
  return loadConfig([f], buildRegistry());
}

test('default-server settings reach servers and templates; no-send-proxy undoes an inherited send-proxy', () => {
  const cfg = load(`
resolvers dns1
  nameserver a 127.0.0.1:5353
  hold valid 3s
  timeout resolve 250ms
backend be
  default-server send-proxy-v2 proxy-v2-options crc32c resolvers dns1 resolve-prefer ipv4 init-addr none
  server-template t 2-3 app.test:80
  server s1 127.0.0.1:80 no-send-proxy-v2 resolve-opts allow-dup-ip resolve-net 10.0.0.0/8
`);
  assert.equal(cfg.alerts, 0, cfg.messages.map((m) => m.text).join('\n'));
  const be = cfg.backends.get('be')!;
  assert.deepEqual(be.servers.map((s) => s.name), ['t2', 't3', 's1']);
  const [t2, , s1] = be.servers;
  assert.equal(srvSendProxy(t2)?.version, 2);
  assert.equal(srvSendProxy(t2)?.crc32c, true);
  assert.equal(srvSendProxy(s1), null);
  const d = srvDns(t2)!;
  assert.equal(d.resolvers?.name, 'dns1');
  assert.equal(d.preferV6, false);
  assert.equal(d.initAddr.length, 1);
  assert.deepEqual([srvDns(s1)!.allowDupIp, srvDns(s1)!.nets], [true, ['10.0.0.0/8']]);
  const r = resolversOf(cfg.global).get('dns1')!;
  assert.deepEqual([r.holdValid, r.timeoutResolve, r.nameservers[0].port, r.acceptedPayloadSize], [3000, 250, 5353, 512]);
});

test('server-template ranges as 2.6 reads them', () => {
  assert.deepEqual(templateRange('3'), [1, 3]);
  assert.deepEqual(templateRange('2-4'), [2, 4]);
  assert.deepEqual(templateRange('5-5'), [5, 5]);
  for (const bad of ['0', '3-1', 'x', '2-x', '-1', '', '1-', '0-2']) assert.equal(templateRange(bad), null, bad);
});

test('an SRV name (leading underscore) with resolvers loads without alert as an SRV record, not an A name', () => {
  const cfg = load(`
resolvers r
  nameserver n 127.0.0.1:53
backend b
  server-template s 2 _http._tcp.x.test resolvers r init-addr none
`);
  assert.deepEqual(cfg.messages.filter((m) => m.level === 0).map((m) => m.text), []);
  const srv = cfg.backends.get('b')!.servers.map((s) => srvDns(s)!.srvRecord);
  assert.deepEqual(srv, ['_http._tcp.x.test', '_http._tcp.x.test']);
});
