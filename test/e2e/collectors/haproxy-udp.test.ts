// A real HAProxy 2.6 logs over UDP to sluice-collect, which writes DuckDB; the collector is stopped cleanly,
// restarted on the same port (dictionary ids must stay stable) and finally killed with SIGKILL: every row flushed
// before each stop is in the database, with the right values.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort, get, killAll, query, startCollector, statusBackend, startHaproxy, stop } from './helpers.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-collect-e2e-'));
let backend: http.Server | null = null;
after(() => { killAll(); backend?.close(); fs.rmSync(dir, { recursive: true, force: true }); });

test('HAProxy → UDP → sluice-collect → DuckDB: one row per request, nothing flushed is lost across restarts', { timeout: 90000 }, async () => {
  backend = await statusBackend();
  const bport = (backend.address() as net.AddressInfo).port;
  const db = path.join(dir, 'logs.duckdb');

  let c = await startCollector(['--listen', 'udp://127.0.0.1:0', '--duckdb', db, '--flush-ms', '100', '--stats', '60']);
  const logPort = Number(/listening on udp:\/\/127\.0\.0\.1:(\d+)/.exec(c.stderr())![1]);
  const fport = await freePort();
  const hap = await startHaproxy(dir, [
    'defaults', '  mode http', '  timeout connect 1s', '  timeout client 5s', '  timeout server 5s',
    'frontend fe_e2e', '  bind 127.0.0.1:' + fport, '  option httplog',
    '  log 127.0.0.1:' + logPort + ' format rfc5424 local0', '  default_backend be_e2e',
    'backend be_e2e', '  server app1 127.0.0.1:' + bport,
  ], fport);

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

test('HAProxy ring → TCP → sluice-collect: every request logged over a stream connection', { timeout: 60000 }, async () => {
  const db = path.join(dir, 'tcp.duckdb');
  const c = await startCollector(['--listen', 'tcp://127.0.0.1:0', '--duckdb', db, '--flush-ms', '100']);
  const logPort = Number(/listening on tcp:\/\/127\.0\.0\.1:(\d+)/.exec(c.stderr())![1]);
  const fport = await freePort();
  const hap = await startHaproxy(dir, [
    'ring logring', '  format rfc5424', '  maxlen 1500', '  size 65536', '  timeout connect 2s', '  timeout server 10s',
    '  server collector 127.0.0.1:' + logPort,
    'defaults', '  mode http', '  timeout connect 1s', '  timeout client 5s', '  timeout server 5s',
    'frontend fe_ring', '  bind 127.0.0.1:' + fport, '  option httplog', '  log ring@logring local0',
    '  http-request return status 204 if { path_beg /r/ }', '  http-request return status 200',
  ], fport);
  for (let i = 0; i < 30; i++) assert.equal(await get(fport, '/r/' + i), 204);
  const t0 = Date.now();
  let rows: Record<string, unknown>[] = [];
  while (Date.now() - t0 < 10000) {
    await new Promise((r) => setTimeout(r, 300));
    c.p.kill('SIGUSR1');
    if (/parsed=31 /.test(c.stderr())) break;
  }
  assert.equal(await stop(c.p, 'SIGTERM'), 0);
  hap.kill('SIGTERM');
  rows = await query(db, "SELECT uri, status, frontend, server, term_state FROM http_log WHERE uri LIKE '/r/%' ORDER BY ts, client_port");
  assert.equal(rows.length, 30);
  assert.deepEqual(rows[0], { uri: '/r/0', status: 204, frontend: 'fe_ring', server: '<NOSRV>', term_state: 'LR--' });
});
