/*
 * `source`: server connections leave from the configured local address (backend `source`, server `source` winning
 * over it, default-server's inherited), from the configured port, or from the ports of a range in turn; `usesrc` and
 * `interface` are refused with a message naming the line. Origins report the peer address they see.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { startSluice, stopSluice, exchange } from '../proxy-util.ts';
import { distinctPorts } from './golden-run.ts';
import type { Runtime } from '../../../proxy/runtime.ts';
import { loadConfig } from '../../../proxy/config/loader.ts';
import { buildRegistry } from '../../../proxy/modules.ts';

let rt: Runtime | null = null;
const servers: net.Server[] = [];
const ports = { be: 0, srv: 0, range: 0, dflt: 0, a: 0, chk: 0 };
const checkPeers: string[] = [];
let p1 = 0;

function peerOrigin(): Promise<number> {
  const s = net.createServer((c) => { c.on('error', () => {}); c.end(c.remoteAddress + ' ' + c.remotePort + '\n'); });
  servers.push(s);
  return new Promise((r) => s.listen(0, '127.0.0.1', () => r((s.address() as net.AddressInfo).port)));
}

before(async () => {
  ports.a = await peerOrigin();
  const chk = net.createServer((c) => { checkPeers.push(c.remoteAddress ?? ''); c.on('error', () => {}); c.end(); });
  servers.push(chk);
  ports.chk = await new Promise<number>((r) => chk.listen(0, '127.0.0.1', () => r((chk.address() as net.AddressInfo).port)));
  const port = distinctPorts();
  ports.be = await port(); ports.srv = await port(); ports.range = await port(); ports.dflt = await port();
  p1 = 20000 + Math.floor(Math.random() * 20000);
  rt = await startSluice(`defaults
  mode tcp
  timeout connect 2s
  timeout client 5s
  timeout server 5s
listen be
  bind 127.0.0.1:${ports.be}
  source 127.0.0.2
  server s1 127.0.0.1:${ports.a}
listen srv
  bind 127.0.0.1:${ports.srv}
  source 127.0.0.2
  server s1 127.0.0.1:${ports.a} source 127.0.0.3
listen range
  bind 127.0.0.1:${ports.range}
  server s1 127.0.0.1:${ports.a} source 127.0.0.4:${p1}-${p1 + 2}
listen dflt
  bind 127.0.0.1:${ports.dflt}
  default-server source 127.0.0.5
  server s1 127.0.0.1:${ports.a}
backend chk
  source 127.0.0.6
  server c1 127.0.0.1:${ports.chk} check inter 100
`);
});
after(async () => { if (rt !== null) await stopSluice(rt); for (const s of servers) s.close(); });

test('a backend source binds the local address of its server connections; a server source wins', async () => {
  assert.match(await exchange(ports.be, 'x'), /^127\.0\.0\.2 \d+\n$/);
  assert.match(await exchange(ports.srv, 'x'), /^127\.0\.0\.3 \d+\n$/);
  assert.match(await exchange(ports.dflt, 'x'), /^127\.0\.0\.5 \d+\n$/);
});

test('a server source port range is used port after port, wrapping at its end', async () => {
  const seen: string[] = [];
  for (let i = 0; i < 4; i++) seen.push(await exchange(ports.range, 'x'));
  assert.deepEqual(seen, [p1, p1 + 1, p1 + 2, p1].map((p) => '127.0.0.4 ' + p + '\n'));
});

test('health checks leave from the source address too', async () => {
  const end = Date.now() + 3000;
  while (checkPeers.length === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  assert.ok(checkPeers.length > 0, 'no check came');
  assert.equal(checkPeers[0], '127.0.0.6');
});

test('usesrc and interface are refused with an alert naming the line', () => {
  const d = mkdtempSync(join(tmpdir(), 'src-'));
  const f = join(d, 's.cfg');
  writeFileSync(f, 'backend b\n  source 127.0.0.1 usesrc clientip\n  server s1 127.0.0.1:1 source 127.0.0.1 interface eth0\n');
  const alerts = loadConfig([f], buildRegistry()).messages.filter((m) => m.level === 0).map((m) => m.text);
  assert.ok(alerts.some((a) => a.includes(`${f}:2`) && a.includes('usesrc') && a.includes('transparent')), alerts.join('\n'));
  assert.ok(alerts.some((a) => a.includes(`${f}:3`) && a.includes('interface eth0')), alerts.join('\n'));
});
