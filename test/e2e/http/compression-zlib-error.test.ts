/*
 * A zlib failure in the middle of a compressed response (simulated: the gzip stream errors on its second write)
 * aborts the response at once instead of leaving the client waiting for the server/client timeout: the client
 * connection is closed with the body unfinished, the log line says ID (internal error, data phase) and eint counts it.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import zlib from 'node:zlib';
import { startSluice, stopSluice, freePort } from '../proxy-util.ts';
import type { Runtime } from '../../../proxy/runtime.ts';
import { closeLogSinks } from '../../../proxy/log/sender.ts';
import { countersLogs } from './counters-scenario.ts';

// zlib's exports are read-only: the failure is injected through the Gzip prototype's write
const proto = zlib.Gzip.prototype as unknown as { write(this: zlib.Gzip, chunk: Buffer, ...rest: unknown[]): boolean };
const realWrite = proto.write;
const writes = new WeakMap<object, number>();
const cleanups: (() => void)[] = [];
after(async () => { proto.write = realWrite; closeLogSinks(); for (const f of cleanups) f(); });

test('a zlib error mid-body closes the client at once and logs ID with eint counted', async () => {
  proto.write = function (this: zlib.Gzip, chunk: Buffer, ...rest: unknown[]): boolean {
    const n = (writes.get(this) ?? 0) + 1;
    writes.set(this, n);
    if (n === 2) { setImmediate(() => this.destroy(new Error('simulated zlib failure'))); return true; }
    return realWrite.call(this, chunk, ...rest);
  };
  const socks = new Set<net.Socket>();
  const origin = net.createServer((c) => {
    socks.add(c);
    c.on('close', () => socks.delete(c));
    c.on('error', () => {});
    c.once('data', () => {
      c.write('HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 20000\r\n\r\n' + 'a'.repeat(10000));
      setTimeout(() => c.write('b'.repeat(10000)), 50);
    });
  });
  await new Promise<void>((r) => origin.listen(0, '127.0.0.1', () => r()));
  const logs = await countersLogs();
  cleanups.push(() => { origin.close(); for (const s of socks) s.destroy(); logs.sock.close(); });
  const fe = await freePort();
  const rt: Runtime = await startSluice(`defaults
  mode http
  log 127.0.0.1:${logs.port} local0
  option httplog
  timeout connect 2s
  timeout client 10s
  timeout server 10s
listen l
  bind 127.0.0.1:${fe}
  compression algo gzip
  compression type text/plain
  server s1 127.0.0.1:${(origin.address() as net.AddressInfo).port}
`);
  cleanups.push(() => { void stopSluice(rt); });
  const t0 = Date.now();
  const got = await new Promise<string>((resolve, reject) => {
    const c = net.connect(fe, '127.0.0.1');
    let acc = '';
    const t = setTimeout(() => { c.destroy(); reject(new Error('response still hanging after 3 s')); }, 3000);
    c.on('data', (d) => { acc += d.toString('latin1'); });
    c.on('error', () => {});
    c.on('close', () => { clearTimeout(t); resolve(acc); });
    c.write('GET / HTTP/1.1\r\nhost: x\r\naccept-encoding: gzip\r\n\r\n');
  });
  assert.ok(Date.now() - t0 < 2000, 'closed after ' + (Date.now() - t0) + ' ms');
  assert.match(got, /^HTTP\/1\.1 200 OK\r\n/);
  assert.match(got, /content-encoding: gzip/);
  assert.ok(!got.endsWith('\r\n0\r\n\r\n'), 'the chunked body must not look complete');
  const end = Date.now() + 2000;
  while (logs.lines.length < 1 && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  assert.equal(logs.lines.length, 1);
  assert.equal(logs.lines[0]!.split(' ')[9]!.slice(0, 2), 'ID', logs.lines[0]);
  const fe0 = rt.cfg.proxies.find((p) => p.name === 'l')!;
  assert.equal(fe0.feCounters.internalErrors, 1);
});
