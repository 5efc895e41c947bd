// A real HAProxy 2.6 logs to a unix datagram socket (`log /path`, like /dev/log) that sluice-collect listens on
// (`--listen unix-dgram:///path`); every request is a row in DuckDB with the proxy's values.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { freePort, get, killAll, query, startCollector, startHaproxy, stop } from './helpers.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-collect-unix-'));
let backend: http.Server | null = null;
after(() => { killAll(); backend?.close(); fs.rmSync(dir, { recursive: true, force: true }); });

test('HAProxy → unix datagram socket → sluice-collect → DuckDB: one row per request', { timeout: 60000 }, async () => {
  backend = http.createServer((req, res) => res.writeHead(req.url?.startsWith('/missing') ? 404 : 200).end('ok'));
  backend.listen(0, '127.0.0.1');
  await once(backend, 'listening');
  const bport = (backend.address() as net.AddressInfo).port;
  const sock = path.join(dir, 'log.sock');
  const db = path.join(dir, 'logs.duckdb');
  const c = await startCollector(['--listen', 'unix-dgram://' + sock, '--duckdb', db, '--flush-ms', '100', '--stats', '60']);
  assert.match(c.stderr(), /listening on unix-dgram:\/\//);
  const fport = await freePort();
  const hap = await startHaproxy(dir, [
    'defaults', '  mode http', '  timeout connect 1s', '  timeout client 5s', '  timeout server 5s',
    'frontend fe_unix', '  bind 127.0.0.1:' + fport, '  option httplog', '  log ' + sock + ' local0',
    '  default_backend be_unix', 'backend be_unix', '  server s1 127.0.0.1:' + bport,
  ], fport);
  // 20 ms apart: the kernel queues only 10 datagrams per unix socket (net.unix.max_dgram_qlen), so back-to-back lines
  // could be dropped by HAProxy whenever the collector's main thread is descheduled on this shared machine.
  for (let i = 0; i < 30; i++) {
    assert.equal(await get(fport, (i % 3 ? '/ok' : '/missing') + '?i=' + i), i % 3 ? 200 : 404);
    await new Promise((r) => setTimeout(r, 20));
  }
  await new Promise((r) => setTimeout(r, 400));
  hap.kill('SIGTERM');
  assert.equal(await stop(c.p, 'SIGTERM'), 0);
  assert.equal(fs.existsSync(sock), false);
  const rows = await query(db, "SELECT uri, status, frontend, backend, server FROM http_log WHERE uri LIKE '%?i=%' ORDER BY ts, client_port");
  assert.equal(rows.length, 30);
  for (const r of rows) {
    const i = Number(/i=(\d+)/.exec(String(r.uri))![1]);
    assert.deepEqual([r.status, r.frontend, r.backend, r.server], [i % 3 ? 200 : 404, 'fe_unix', 'be_unix', 's1']);
  }
});
