// A real HAProxy 2.6 logs over UDP to sluice-collect, which writes DuckDB; the collector is stopped cleanly,
// restarted on the same port (dictionary ids must stay stable) and finally killed with SIGKILL: every row flushed
// before each stop is in the database, with the right values.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { DuckDBInstance } from '@duckdb/node-api';

const ROOT = new URL('../../../', import.meta.url).pathname;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-collect-e2e-'));
const procs = new Set<ChildProcess>();
let backend: http.Server | null = null;
after(() => {
  for (const p of procs) p.kill('SIGKILL');
  backend?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  const s = net.createServer();
  s.listen(0, '127.0.0.1');
  await once(s, 'listening');
  const p = (s.address() as net.AddressInfo).port;
  s.close();
  return p;
}

/** Starts the collector; resolves with its UDP port once it printed "ready". */
async function startCollector(args: string[]): Promise<{ p: ChildProcess; port: number; stderr: () => string }> {
  const p = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'collectors/main.ts'), ...args],
    { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  procs.add(p);
  p.on('exit', () => procs.delete(p));
  let err = '';
  p.stderr!.on('data', (d) => { err += d; });
  const deadline = Date.now() + 20000;
  while (!/ready/.test(err)) {
    if (Date.now() > deadline || p.exitCode !== null) throw new Error('collector did not start: ' + err);
    await new Promise((r) => setTimeout(r, 50));
  }
  const port = Number(/listening on udp:\/\/127\.0\.0\.1:(\d+)/.exec(err)![1]);
  return { p, port, stderr: () => err };
}

async function stop(p: ChildProcess, sig: NodeJS.Signals): Promise<number | null> {
  const done = once(p, 'exit');
  p.kill(sig);
  const [code] = await Promise.race([done, new Promise<[null]>((_, rej) => setTimeout(() => rej(new Error('no exit')), 15000))]);
  return code as number | null;
}

function get(port: number, p: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: p, agent: false }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode ?? 0)); })
      .on('error', reject);
  });
}

async function query(db: string, sql: string): Promise<Record<string, unknown>[]> {
  const inst = await DuckDBInstance.create(db);
  const c = await inst.connect();
  const rows = (await c.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[];
  c.closeSync();
  inst.closeSync();
  return rows;
}

test('HAProxy → UDP → sluice-collect → DuckDB: one row per request, nothing flushed is lost across restarts', { timeout: 90000 }, async () => {
  backend = http.createServer((req, res) => {
    const m = /^\/status\/(\d{3})/.exec(req.url ?? '');
    res.writeHead(m ? Number(m[1]) : 200, { 'content-type': 'text/plain' }).end('ok');
  });
  backend.listen(0, '127.0.0.1');
  await once(backend, 'listening');
  const bport = (backend.address() as net.AddressInfo).port;
  const db = path.join(dir, 'logs.duckdb');

  let c = await startCollector(['--listen', 'udp://127.0.0.1:0', '--duckdb', db, '--flush-ms', '100', '--stats', '60']);
  const logPort = c.port;
  const fport = await freePort();
  const cfg = path.join(dir, 'haproxy.cfg');
  fs.writeFileSync(cfg, [
    'defaults', '  mode http', '  timeout connect 1s', '  timeout client 5s', '  timeout server 5s',
    'frontend fe_e2e', '  bind 127.0.0.1:' + fport, '  option httplog',
    '  log 127.0.0.1:' + logPort + ' format rfc5424 local0', '  default_backend be_e2e',
    'backend be_e2e', '  server app1 127.0.0.1:' + bport, '',
  ].join('\n'));
  const hap = spawn('haproxy', ['-f', cfg, '-db'], { stdio: 'ignore' });
  procs.add(hap);
  hap.on('exit', () => procs.delete(hap));
  // Wait until HAProxy accepts connections.
  for (let i = 0; ; i++) {
    try { await get(fport, '/ping'); break; } catch { if (i > 100) throw new Error('haproxy did not start'); await new Promise((r) => setTimeout(r, 50)); }
  }

  const send = async (from: number, n: number): Promise<void> => {
    for (let i = from; i < from + n; i++) assert.equal(await get(fport, '/status/' + (i % 2 ? 404 : 200) + '?i=' + i), i % 2 ? 404 : 200);
  };
  await send(0, 40);
  await new Promise((r) => setTimeout(r, 400));
  assert.equal(await stop(c.p, 'SIGTERM'), 0);
  assert.match(c.stderr(), /parsed=41 /);   // 40 requests + the readiness probe

  c = await startCollector(['--listen', 'udp://127.0.0.1:' + logPort, '--duckdb', db, '--flush-ms', '100']);
  await send(40, 40);
  await new Promise((r) => setTimeout(r, 600));   // > flush interval: these rows are committed
  assert.equal(await stop(c.p, 'SIGKILL'), null);  // a crash: only unflushed rows may be lost
  hap.kill('SIGTERM');

  const rows = await query(db, "SELECT uri, status, frontend, backend, server, method, http_version, program, host, facility, severity FROM http_log WHERE uri LIKE '/status/%' ORDER BY ts, client_port");
  assert.equal(rows.length, 80);
  const seen = new Set(rows.map((r) => Number(/i=(\d+)/.exec(String(r.uri))![1])));
  assert.equal(seen.size, 80);
  for (const r of rows) {
    const i = Number(/i=(\d+)/.exec(String(r.uri))![1]);
    assert.equal(r.status, i % 2 ? 404 : 200);
    assert.deepEqual([r.frontend, r.backend, r.server, r.method, r.http_version, r.program, r.facility, r.severity],
      ['fe_e2e', 'be_e2e', 'app1', 'GET', 'HTTP/1.1', 'haproxy', 16, 6]);
  }
  const raw = await query(db, 'SELECT count(*)::INTEGER AS n FROM raw_log');
  assert.equal(raw[0].n, 0);
});
