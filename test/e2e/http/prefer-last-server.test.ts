/*
 * option prefer-last-server, as HAProxy 2.6.12 behaves (checked with two servers and sequential keep-alive requests):
 * under http-reuse never the session's requests stick to the server of its private connection (AAAA, then BBBB for
 * the next session); under the default http-reuse safe the option changes nothing (ABAB); without it, ABAB.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startSluice, stopSluice } from '../proxy-util.ts';
import { freeLoopbackPort } from './golden-util.ts';
import type { Runtime } from '../../../proxy/runtime.ts';

const servers: net.Server[] = [];
const socks = new Set<net.Socket>();
let rt: Runtime;
let fe = 0;

function named(name: string): Promise<number> {
  const s = net.createServer((c) => {
    socks.add(c);
    c.on('close', () => socks.delete(c));
    c.on('error', () => {});
    c.on('data', () => c.write(`HTTP/1.1 200 OK\r\ncontent-length: 1\r\n\r\n${name}`));
  });
  servers.push(s);
  return new Promise((r) => s.listen(0, '127.0.0.1', () => r((s.address() as net.AddressInfo).port)));
}

/** `n` requests one after the other on one connection; the servers' names, in order. */
function sequential(path: string, n: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = net.connect(fe, '127.0.0.1');
    let out = '', i = 0;
    const t = setTimeout(() => { c.destroy(); reject(new Error('timeout ' + out)); }, 3000);
    const send = (): void => {
      if (i++ < n) { c.write(`GET ${path} HTTP/1.1\r\nhost: x\r\n\r\n`); return; }
      clearTimeout(t); c.destroy(); resolve(out);
    };
    c.on('data', (d) => { out += d.toString('latin1').slice(-1); send(); });
    c.on('error', reject);
    c.on('connect', send);
  });
}

before(async () => {
  const a = await named('A'), b = await named('B');
  fe = await freeLoopbackPort();
  const srv = `    server a 127.0.0.1:${a}\n    server b 127.0.0.1:${b}\n`;
  rt = await startSluice(`defaults
    mode http
    timeout connect 1s
    timeout client 5s
    timeout server 5s
frontend fe
    bind 127.0.0.1:${fe}
    use_backend never if { path /never }
    use_backend safe if { path /safe }
    default_backend plain
backend never
    option prefer-last-server
    http-reuse never
${srv}backend safe
    option prefer-last-server
${srv}backend plain
    http-reuse never
${srv}`);
});
after(async () => {
  await stopSluice(rt);
  for (const c of socks) c.destroy();
  for (const s of servers) s.close();
});

test('under http-reuse never a session sticks to the server of its previous request', async () => {
  assert.equal(await sequential('/never', 4), 'AAAA');
  assert.equal(await sequential('/never', 4), 'BBBB');
});

test('under http-reuse safe the option has no effect, as in 2.6', async () => {
  assert.equal(await sequential('/safe', 4), 'ABAB');
});

test('without the option requests alternate', async () => {
  assert.equal(await sequential('/', 4), 'ABAB');
});
