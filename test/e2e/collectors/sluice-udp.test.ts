// Sluice's own proxy logs over UDP to sluice-collect, which writes DuckDB: the pipeline end to end, with
// Sluice (not HAProxy) as the sender. One row per request, with the values the proxy saw; a TCP session lands in
// tcp_log.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { freePort, get, killAll, query, startCollector, statusBackend, startSluice, stop } from './helpers.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-collect-sluice-'));
let backend: http.Server | null = null;
after(() => { killAll(); backend?.close(); fs.rmSync(dir, { recursive: true, force: true }); });

/** One TCP exchange through `port`: sends a line, resolves with what came back before the close. */
function tcpEcho(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = net.connect(port, '127.0.0.1', () => c.end('hello\n'));
    let got = '';
    const t = setTimeout(() => { c.destroy(); reject(new Error('tcp exchange timeout')); }, 3000);
    c.on('data', (d) => { got += d; });
    c.on('error', (e) => { clearTimeout(t); reject(e); });
    c.on('close', () => { clearTimeout(t); resolve(got); });
  });
}

test('Sluice → UDP syslog → sluice-collect → DuckDB: one row per request with the proxy\'s values', { timeout: 90000 }, async () => {
  backend = await statusBackend();
  const bport = (backend.address() as net.AddressInfo).port;
  const echo = net.createServer((s) => s.pipe(s)).listen(0, '127.0.0.1');
  await once(echo, 'listening');
  const eport = (echo.address() as net.AddressInfo).port;
  after(() => echo.close());
  const db = path.join(dir, 'logs.duckdb');

  const c = await startCollector(['--listen', 'udp://127.0.0.1:0', '--duckdb', db, '--flush-ms', '100']);
  const logPort = Number(/listening on udp:\/\/127\.0\.0\.1:(\d+)/.exec(c.stderr())![1]);
  const fport = await freePort();
  const tport = await freePort();
  await startSluice(dir, [
    'global', '  log 127.0.0.1:' + logPort + ' local0',
    'defaults', '  log global', '  timeout connect 1s', '  timeout client 5s', '  timeout server 5s',
    'frontend fe_sl', '  mode http', '  bind 127.0.0.1:' + fport, '  option httplog', '  default_backend be_sl',
    'backend be_sl', '  mode http', '  server app1 127.0.0.1:' + bport,
    'listen tcp_sl', '  mode tcp', '  option tcplog', '  bind 127.0.0.1:' + tport, '  server e1 127.0.0.1:' + eport,
  ], fport);

  for (let i = 0; i < 30; i++) assert.equal(await get(fport, '/status/' + (i % 3 === 0 ? 503 : 200) + '?i=' + i), i % 3 === 0 ? 503 : 200);
  assert.equal(await tcpEcho(tport), 'hello\n');
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(await stop(c.p, 'SIGTERM'), 0);

  const rows = await query(db, "SELECT uri, status, frontend, backend, server, method, http_version, term_state, facility FROM http_log WHERE uri LIKE '/status/%'");
  assert.equal(rows.length, 30);
  const seen = new Set<number>();
  for (const r of rows) {
    const i = Number(/i=(\d+)/.exec(String(r.uri))![1]);
    seen.add(i);
    assert.equal(r.status, i % 3 === 0 ? 503 : 200);
    assert.deepEqual([r.frontend, r.backend, r.server, r.method, r.http_version, r.term_state, r.facility],
      ['fe_sl', 'be_sl', 'app1', 'GET', 'HTTP/1.1', '----', 16]);
  }
  assert.equal(seen.size, 30);
  const tcp = await query(db, "SELECT frontend, backend, server, bytes_read FROM tcp_log WHERE frontend = 'tcp_sl'");
  assert.equal(tcp.length, 1);
  assert.deepEqual([tcp[0].backend, tcp[0].server, Number(tcp[0].bytes_read)], ['tcp_sl', 'e1', 6]);
});
