/*
 * The installed `sluice` command: package.json's bin is the esbuild bundle dist/proxy/main.cjs (proxy/bundle.mjs,
 * built by `npm run build`, which `npm test` runs first). Run as a command, through its shebang line: it checks a
 * configuration, proxies HTTP, logs to stdout through the log worker bundled next to it, and starts with the
 * shebang's environment (NODE_EXTRA_CA_CERTS removed, glibc's mmap threshold set).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, get } from 'node:http';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { freePort, waitFor } from '../proxy-util.ts';

const root = resolve(import.meta.dirname, '../../..');
const bin = join(root, (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { bin: Record<string, string> }).bin.sluice);
const dir = mkdtempSync(join(tmpdir(), 'sluice-bin-'));
const procs: ChildProcess[] = [];
const backend = createServer((_req, res) => { res.end('from-backend'); });
await new Promise<void>((r) => backend.listen(0, '127.0.0.1', () => r()));
const bePort = (backend.address() as { port: number }).port;
after(() => {
  for (const p of procs) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  backend.close();
});

function httpGet(port: number): Promise<string> {
  return new Promise((res, rej) => {
    const r = get({ host: '127.0.0.1', port, path: '/bin-test', agent: false, timeout: 3000 }, (m) => {
      let body = '';
      m.setEncoding('latin1');
      m.on('data', (d: string) => { body += d; });
      m.on('end', () => res(body));
    });
    r.on('timeout', () => r.destroy(new Error('timeout')));
    r.on('error', rej);
  });
}

test('the sluice bin is the bundle, executable, with the shebang of proxy/main.ts', () => {
  assert.match(bin, /dist\/proxy\/main\.cjs$/);
  accessSync(bin, constants.X_OK);
  const line = (f: string): string => readFileSync(f, 'latin1').split('\n', 1)[0];
  assert.equal(line(bin), line(join(root, 'proxy/main.ts')));
  accessSync(join(root, 'dist/proxy/log-worker.cjs'), constants.R_OK);
});

test('the bundled bin checks a configuration with -c', async () => {
  const cfg = join(dir, 'check.cfg');
  writeFileSync(cfg, `defaults\n  mode http\n  timeout connect 1s\n  timeout client 1s\n  timeout server 1s\nlisten l\n  bind 127.0.0.1:${await freePort()}\n  server s 127.0.0.1:1\n`);
  const r = spawnSync(bin, ['-c', '-f', cfg], { encoding: 'latin1', timeout: 20000 });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /Configuration file is valid/);
  writeFileSync(cfg, 'listen l\n  no-such-keyword 1\n');
  assert.notEqual(spawnSync(bin, ['-c', '-f', cfg], { encoding: 'latin1', timeout: 20000 }).status, 0);
});

test('the bundled bin proxies HTTP, logs to stdout through its worker, and runs with the shebang environment', async () => {
  const port = await freePort();
  const cfg = join(dir, 'run.cfg');
  writeFileSync(cfg, `global\n  log stdout format raw local0\ndefaults\n  mode http\n  log global\n  option httplog\n` +
    `  timeout connect 2s\n  timeout client 5s\n  timeout server 5s\nfrontend fe\n  bind 127.0.0.1:${port}\n` +
    `  default_backend be\nbackend be\n  server s1 127.0.0.1:${bePort}\n`);
  const p = spawn(bin, ['-db', '-f', cfg], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_EXTRA_CA_CERTS: '/nonexistent-ca.pem' } });
  procs.push(p);
  let out = '';
  let err = '';
  p.stdout!.setEncoding('latin1').on('data', (d: string) => { out += d; });
  p.stderr!.setEncoding('latin1').on('data', (d: string) => { err += d; });
  let body = '';
  for (let i = 0; i < 100 && body === '' && p.exitCode === null; i++) {     // up to ~10 s for the start-up
    body = await httpGet(port).catch(() => '');
    if (body === '') await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(body, 'from-backend', err);
  await waitFor(() => out.includes('GET /bin-test'), 5000);
  assert.match(out, /fe be\/s1 .* 200 .*"GET \/bin-test HTTP\/1\.1"/);
  // the shebang's `env -S -u NODE_EXTRA_CA_CERTS MALLOC_MMAP_THRESHOLD_=131072 node ...`: node is the command's
  // process itself (env execs it), so its environment is the one node started with
  const environ = readFileSync(`/proc/${p.pid}/environ`, 'latin1').split('\0');
  assert.ok(!environ.some((e) => e.startsWith('NODE_EXTRA_CA_CERTS=')), 'NODE_EXTRA_CA_CERTS removed');
  assert.ok(environ.includes('MALLOC_MMAP_THRESHOLD_=131072'));
  assert.equal(err, '');
});
