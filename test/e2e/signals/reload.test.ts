import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { freePort, nameServer, exchange, waitFor, sleep } from '../proxy-util.ts';

const root = resolve(import.meta.dirname, '../../..');
const echo = await nameServer('echo', true);
const s2 = await nameServer('second');
const dir = mkdtempSync(join(tmpdir(), 'sluice-sig-'));
const cfgFile = join(dir, 'sluice.cfg');
const procs: ChildProcess[] = [];
after(() => { for (const p of procs) if (p.exitCode === null) p.kill('SIGKILL'); echo.server.close(); s2.server.close(); });

function cfg(port: number, srvPort: number): string {
  return `defaults\n  mode tcp\n  timeout connect 1s\n  timeout client 10s\n  timeout server 10s\nlisten l\n  bind 127.0.0.1:${port}\n  server s 127.0.0.1:${srvPort}\n`;
}

/** Resolves once something accepts connections on `port` (polls every 50 ms, 10 s bound). */
async function waitListening(port: number): Promise<void> {
  const end = Date.now() + 10000;
  for (;;) {
    const ok = await new Promise<boolean>((r) => {
      const c = connect(port, '127.0.0.1');
      c.on('connect', () => { c.destroy(); r(true); });
      c.on('error', () => r(false));
    });
    if (ok) return;
    if (Date.now() > end) throw new Error('proxy did not start');
    await sleep(50);
  }
}

function start(): { p: ChildProcess; err: string[] } {
  const p = spawn(process.execPath, ['--import', 'tsx', join(root, 'proxy/main.ts'), '-f', cfgFile], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  procs.push(p);
  const err: string[] = [];
  p.stderr!.on('data', (d) => err.push(d.toString()));
  return { p, err };
}

test('SIGHUP reloads the configuration without dropping an established connection; a bad config keeps the old one', async () => {
  const port = await freePort();
  writeFileSync(cfgFile, cfg(port, echo.port));
  const { p, err } = start();
  await waitListening(port);
  // an established connection through the old configuration
  const c = connect(port, '127.0.0.1');
  const got: Buffer[] = [];
  c.on('data', (d) => got.push(d));
  await new Promise<void>((r) => c.on('connect', () => r()));
  c.write('before ');
  await waitFor(() => Buffer.concat(got).toString() === 'before ');
  // reload to a config pointing at another server
  writeFileSync(cfgFile, cfg(port, s2.port));
  p.kill('SIGHUP');
  await waitFor(() => err.join('').includes('Reloaded configuration.'), 10000);
  assert.equal((await exchange(port)).trim(), 'second', 'new connections use the new configuration');
  c.write('after');
  await waitFor(() => Buffer.concat(got).toString() === 'before after');
  // a broken configuration is refused and the running one stays
  writeFileSync(cfgFile, 'frontend broken\n  bindd :1\n');
  p.kill('SIGHUP');
  await waitFor(() => err.join('').includes('Reload failed'), 10000);
  assert.equal((await exchange(port)).trim(), 'second');
  c.end();
  await sleep(50);
  // SIGUSR1: graceful stop
  p.kill('SIGUSR1');
  const code = await new Promise<number | null>((r) => p.on('exit', (c2) => r(c2)));
  assert.equal(code, 0);
});
