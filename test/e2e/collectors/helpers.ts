// Shared helpers of the sluice-collect end-to-end tests: start/stop the collector and HAProxy, HTTP GETs, DuckDB
// queries. Every wait is bounded.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { once } from 'node:events';

export const ROOT = new URL('../../../', import.meta.url).pathname;
export const procs = new Set<ChildProcess>();

export function killAll(): void {
  for (const p of procs) p.kill('SIGKILL');
}

export async function freePort(): Promise<number> {
  const s = net.createServer();
  s.listen(0, '127.0.0.1');
  await once(s, 'listening');
  const p = (s.address() as net.AddressInfo).port;
  s.close();
  return p;
}

export async function waitFor(cond: () => boolean, what: string, ms = 20000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error('timeout waiting for ' + what);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Starts sluice-collect with `args`; resolves once it printed "ready". */
export async function startCollector(args: string[]): Promise<{ p: ChildProcess; stderr: () => string }> {
  const p = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'collectors/main.ts'), ...args],
    { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  procs.add(p);
  p.on('exit', () => procs.delete(p));
  let err = '';
  p.stderr!.on('data', (d) => { err += d; });
  await waitFor(() => /ready/.test(err) || p.exitCode !== null, 'collector start');
  if (p.exitCode !== null) throw new Error('collector exited: ' + err);
  return { p, stderr: () => err };
}

export async function stop(p: ChildProcess, sig: NodeJS.Signals): Promise<number | null> {
  const done = once(p, 'exit');
  p.kill(sig);
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<[null]>((_, rej) => { timer = setTimeout(() => rej(new Error('no exit')), 15000); });
  try {
    const [code] = await Promise.race([done, limit]);
    return code as number | null;
  } finally {
    clearTimeout(timer);   // a pending 15 s timer kept every test file alive that long after its tests
  }
}

/** Writes `lines` as a HAProxy config in `dir`, starts `haproxy -db` and waits until `port` answers HTTP. */
export function startHaproxy(dir: string, lines: string[], port: number): Promise<ChildProcess> {
  return startProxy('haproxy', dir, lines, port);
}

/** The same as startHaproxy with Sluice's own proxy (sources through tsx, so no build is needed). */
export function startSluice(dir: string, lines: string[], port: number): Promise<ChildProcess> {
  return startProxy('sluice', dir, lines, port);
}

/** Writes `lines` as a config, starts the proxy on it and waits (bounded) until `port` answers HTTP. */
async function startProxy(which: 'haproxy' | 'sluice', dir: string, lines: string[], port: number): Promise<ChildProcess> {
  const cfg = path.join(dir, which + '-' + port + '.cfg');
  fs.writeFileSync(cfg, lines.join('\n') + '\n');
  const px = which === 'haproxy'
    ? spawn('haproxy', ['-f', cfg, '-db'], { stdio: 'ignore' })
    : spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'proxy/main.ts'), '-f', cfg], { cwd: ROOT, stdio: 'ignore' });
  procs.add(px);
  px.on('exit', () => procs.delete(px));
  for (let i = 0; ; i++) {
    try { await get(port, '/ping'); return px; } catch {
      if (i > 200) throw new Error(which + ' did not start');
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** An HTTP backend on loopback answering `ok` with the status a `/status/NNN` path names (200 otherwise). */
export async function statusBackend(): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const m = /^\/status\/(\d{3})/.exec(req.url ?? '');
    res.writeHead(m ? Number(m[1]) : 200, { 'content-type': 'text/plain' }).end('ok');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return server;
}

export function get(port: number, p: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: p, agent: false }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode ?? 0)); })
      .on('error', reject);
  });
}

export { query } from '../../collectors/duckdb-query.ts';
