/*
 * Debian 12's default /etc/haproxy/haproxy.cfg (copied unchanged in fixtures/configs/debian-default.cfg) loads with
 * `sluice -c`, and its `errorfile` lines (Debian's /etc/haproxy/errors/*.http, installed with the haproxy package as
 * in CI) replace the canned replies byte for byte.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import net from 'node:net';
import { startSluice, stopSluice, freePort } from '../proxy-util.ts';
import type { Runtime } from '../../../proxy/runtime.ts';

const root = resolve(import.meta.dirname, '../../..');
const cfgFile = join(root, 'fixtures/configs/debian-default.cfg');
let rt: Runtime | null = null;
after(async () => { if (rt !== null) await stopSluice(rt); });

test('sluice -c accepts the Debian default configuration unchanged', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'proxy/main.ts'), '-c', '-f', cfgFile], { cwd: root, encoding: 'utf8', timeout: 20000 });
  assert.equal(r.stderr, '');
  assert.equal(r.stdout, 'Configuration file is valid\n');
  assert.equal(r.status, 0);
});

function get(port: number, raw: string): Promise<Buffer> {
  return new Promise((res, rej) => {
    const c = net.connect(port, '127.0.0.1');
    const out: Buffer[] = [];
    const t = setTimeout(() => { c.destroy(); rej(new Error('timeout')); }, 3000);
    c.on('data', (d) => out.push(d));
    c.on('error', rej);
    c.on('close', () => { clearTimeout(t); res(Buffer.concat(out)); });
    c.on('connect', () => c.write(raw));
  });
}

test('the Debian defaults errorfiles answer 503 and 400 with the files bytes', async () => {
  const text = readFileSync(cfgFile, 'latin1');
  const defaults = text.slice(text.indexOf('\ndefaults') + 1).replace(/\tlog\tglobal\n/, '');
  const port = await freePort();
  rt = await startSluice(defaults + `\nfrontend fe\n  bind 127.0.0.1:${port}\n  default_backend none\nbackend none\n`);
  const r503 = await get(port, 'GET / HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n');
  assert.deepEqual(r503, readFileSync('/etc/haproxy/errors/503.http'));
  const r400 = await get(port, 'GET / HTTP/1.1\r\nbad header\r\n\r\n');
  assert.deepEqual(r400, readFileSync('/etc/haproxy/errors/400.http'));
});
