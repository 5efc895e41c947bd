/*
 * SIGTERM stops Sluice at once, as haproxy 2.6.12 (checked side by side: it dies of the signal): a request waiting for
 * its response gets no reply (its connection just closes) and no log line. Sluice answered it 502 and logged `KH--`.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, connect, type Socket } from 'node:net';
import dgram from 'node:dgram';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { freePort, spawnSluice, defaultsSection, teardown } from '../stats/traffic.ts';

const dir = mkdtempSync(join(tmpdir(), 'sluice-hard-stop-'));
const held: Socket[] = [];
const hang = createServer((c) => { held.push(c); c.on('error', () => {}); });
const logSock = dgram.createSocket('udp4');
const lines: string[] = [];
logSock.on('message', (m) => lines.push(m.toString('latin1')));

after(() => { for (const c of held) c.destroy(); hang.close(); logSock.close(); teardown(null, [], dir); });

test('SIGTERM: a request waiting for its response gets no reply and no log line', async () => {
  await new Promise<void>((r) => hang.listen(0, '127.0.0.1', () => r()));
  await new Promise<void>((r) => logSock.bind(0, '127.0.0.1', () => r()));
  const fe = await freePort();
  const sock = join(dir, 'admin.sock');
  const cfg = join(dir, 'h.cfg');
  writeFileSync(cfg, `global\n  stats socket ${sock} level admin\n  log 127.0.0.1:${logSock.address().port} local0\n` +
    defaultsSection('http') + `  log global\n  option httplog\nfrontend fe\n  bind 127.0.0.1:${fe}\n  default_backend be\n` +
    `backend be\n  server s1 127.0.0.1:${(hang.address() as { port: number }).port}\n`);
  const p = await spawnSluice(cfg, sock);
  const c = connect(fe, '127.0.0.1');
  const got: Buffer[] = [];
  c.on('data', (d) => got.push(d));
  c.on('error', () => {});
  const closed = new Promise<void>((r) => c.on('close', () => r()));
  c.write('GET / HTTP/1.1\r\nHost: a\r\n\r\n');
  for (let i = 0; i < 100 && held.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
  assert.equal(held.length, 1, 'the request reached the server');
  const exited = new Promise<number | null>((r) => p.once('exit', (code) => r(code)));
  p.kill('SIGTERM');
  assert.equal(await exited, 0);
  await closed;
  await new Promise((r) => setTimeout(r, 200));     // a log datagram sent at exit would be in by now
  assert.equal(Buffer.concat(got).toString('latin1'), '');
  assert.deepEqual(lines, []);
});
