/*
 * The real `sluice` process in HTTP mode with a stats page configured (`stats uri`, `stats admin if LOCALHOST`) and an
 * admin stats socket: HTTP counters in `show stat`. (The page, admin POST and /metrics tests join once the HTTP
 * stream calls statsHttpReply/prometheusHttpReply.)
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { freePort, replyServer, cliCommand, parseStatCsv, spawnSluice, defaultsSection, roundRobinBackend, teardown } from './traffic.ts';
import type { Backend } from './traffic.ts';

const dir = mkdtempSync(join(tmpdir(), 'sluice-stats-page-'));
const adminSock = join(dir, 'admin.sock');
let proc: ChildProcess | null = null;
let fePort = 0;
const backends: Backend[] = [];

interface Resp { status: number; headers: Map<string, string>; body: string }

/** One HTTP/1.1 request on a new connection (`connection: close`); de-chunks the body. */
function request(method: string, path: string, body = ''): Promise<Resp> {
  return new Promise((resolve, reject) => {
    const c = connect(fePort, '127.0.0.1');
    const chunks: Buffer[] = [];
    const t = setTimeout(() => { c.destroy(); reject(new Error('request timeout')); }, 3000);
    c.on('data', (d) => chunks.push(d));
    c.on('error', (e) => { clearTimeout(t); reject(e); });
    c.on('close', () => {
      clearTimeout(t);
      const s = Buffer.concat(chunks).toString('latin1');
      const he = s.indexOf('\r\n\r\n');
      const lines = s.slice(0, he).split('\r\n');
      const headers = new Map<string, string>();
      for (const l of lines.slice(1)) { const i = l.indexOf(':'); headers.set(l.slice(0, i).toLowerCase(), l.slice(i + 1).trim()); }
      let b = s.slice(he + 4);
      if (headers.get('transfer-encoding') === 'chunked') {
        let out = '';
        for (;;) {
          const nl = b.indexOf('\r\n');
          const n = parseInt(b.slice(0, nl), 16);
          if (!(n > 0)) break;
          out += b.slice(nl + 2, nl + 2 + n);
          b = b.slice(nl + 2 + n + 2);
        }
        b = out;
      }
      resolve({ status: Number(lines[0]!.split(' ')[1]), headers, body: b });
    });
    c.on('connect', () => {
      let head = method + ' ' + path + ' HTTP/1.1\r\nhost: x\r\nconnection: close\r\n';
      if (body !== '') head += 'content-type: application/x-www-form-urlencoded\r\ncontent-length: ' + body.length + '\r\n';
      c.write(head + '\r\n' + body);
    });
  });
}

const cli = (line: string): Promise<string> => cliCommand(adminSock, line);
const parseCsv = parseStatCsv;

before(async () => {
  backends.push(await replyServer('s1'), await replyServer('s2'));
  fePort = await freePort();
  const cfg = join(dir, 'sluice.cfg');
  writeFileSync(cfg, `global
  stats socket ${adminSock} level admin
${defaultsSection('http')}frontend fe
  bind 127.0.0.1:${fePort}
  stats enable
  stats uri /stats
  stats refresh 10s
  stats admin if LOCALHOST
  default_backend bk
${roundRobinBackend(backends)}`);
  proc = await spawnSluice(cfg, adminSock);
});

after(() => teardown(proc, backends, dir));

test('HTTP traffic shows in show stat: req_tot, hrsp_2xx, per-server sessions', async () => {
  for (let i = 0; i < 4; i++) assert.equal((await request('GET', '/app')).status, 200);
  const { rows } = parseCsv(await cli('show stat'));
  const fe = rows.get('fe/FRONTEND')!;
  assert.equal(fe['req_tot'], '4');
  assert.equal(fe['hrsp_2xx'], '4');
  assert.ok(Number(fe['bout']) > 4 * 40);
  assert.equal(rows.get('bk/BACKEND')!['hrsp_2xx'], '4');
  assert.equal(rows.get('bk/s1')!['stot'], '2');
  assert.equal(rows.get('bk/s2')!['hrsp_2xx'], '2');
});
