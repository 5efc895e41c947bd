/*
 * A server that closes without answering: 2.6.12 counts eresp on the server and its backend, the 502 Sluice sends
 * in the backend's and frontend's hrsp_5xx only, and the server's req_tot/hrsp_* only for responses it sent
 * (same traffic on haproxy: server eresp 6, hrsp_5xx 6, req_tot 54; backend eresp 6, hrsp_5xx 12, req_tot 60).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { freePort, oneRequest, cliCommand, parseStatCsv, spawnSluice, defaultsSection, teardown, headBackend } from './traffic.ts';
import type { Backend } from './traffic.ts';

const dir = mkdtempSync(join(tmpdir(), 'sluice-srv-err-'));
const sock = join(dir, 'admin.sock');
let proc: ChildProcess | null = null;
let fePort = 0;
const servers: Backend[] = [];

/* `GET /close` gets the connection closed, `GET /e500` a 500, anything else a 200 */
function closingServer(): Promise<Backend> {
  return headBackend((s, head) => {
    if (head.startsWith('GET /close')) { s.destroy(); return; }
    const st = head.startsWith('GET /e500') ? '500 Internal Server Error' : '200 OK';
    s.end('HTTP/1.1 ' + st + '\r\ncontent-length: 3\r\nconnection: close\r\n\r\nok\n');
  });
}

before(async () => {
  servers.push(await closingServer());
  fePort = await freePort();
  const cfg = join(dir, 'sluice.cfg');
  writeFileSync(cfg, `global\n  stats socket ${sock} level admin\n${defaultsSection('http')}frontend fe
  bind 127.0.0.1:${fePort}
  default_backend bk
backend bk
  server s1 127.0.0.1:${servers[0]!.port}
`);
  proc = await spawnSluice(cfg, sock);
});

after(() => teardown(proc, servers, dir));

test('a server closing without a response: eresp on server and backend, the 502 only on backend and frontend', async () => {
  for (const p of ['/ok', '/close', '/e500', '/close']) await oneRequest(fePort, p);
  const rows = parseStatCsv(await cliCommand(sock, 'show stat')).rows;
  const pick = (k: string): string[] => ['eresp', 'hrsp_2xx', 'hrsp_5xx', 'req_tot'].map((c) => rows.get(k)![c]!);
  assert.deepEqual(pick('bk/s1'), ['2', '1', '1', '2']);
  assert.deepEqual(pick('bk/BACKEND'), ['2', '1', '3', '4']);
  assert.deepEqual(pick('fe/FRONTEND').slice(1), ['1', '3', '4']);
});
