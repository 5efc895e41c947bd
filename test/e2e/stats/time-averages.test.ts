/*
 * The real sluice process: HTTP transactions and TCP connections feed the backend and server qtime/ctime/rtime/ttime
 * of `show stat` (they stayed 0 in HTTP mode), a slow server answer shows in rtime and rtime_max.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { freePort, oneRequest, rawExchange, cliCommand, parseStatCsv, spawnSluice, defaultsSection, teardown, headBackend } from './traffic.ts';
import type { Backend } from './traffic.ts';

const dir = mkdtempSync(join(tmpdir(), 'sluice-time-avg-'));
const sock = join(dir, 'admin.sock');
let proc: ChildProcess | null = null;
let fePort = 0, lsPort = 0;
const servers: Backend[] = [];

/* answers `GET /<ms>` after <ms> milliseconds, then closes */
function slowServer(): Promise<Backend> {
  return headBackend((s, head) => {
    const ms = Number(/^GET \/(\d+)/.exec(head)?.[1] ?? 0);
    setTimeout(() => s.end('HTTP/1.1 200 OK\r\ncontent-length: 3\r\nconnection: close\r\n\r\nok\n'), ms);
  });
}

before(async () => {
  servers.push(await slowServer());
  fePort = await freePort();
  lsPort = await freePort();
  const cfg = join(dir, 'sluice.cfg');
  writeFileSync(cfg, `global\n  stats socket ${sock} level admin\n${defaultsSection('http')}frontend fe
  bind 127.0.0.1:${fePort}
  default_backend bk
backend bk
  server s1 127.0.0.1:${servers[0]!.port}
listen ls
  mode tcp
  bind 127.0.0.1:${lsPort}
  server t1 127.0.0.1:${servers[0]!.port}
`);
  proc = await spawnSluice(cfg, sock);
});

after(() => teardown(proc, servers, dir));

const stat = async (): Promise<Map<string, Record<string, string>>> => parseStatCsv(await cliCommand(sock, 'show stat')).rows;

test('a slow HTTP answer shows in rtime/ttime and their maxima, then the mean of both requests', async () => {
  await oneRequest(fePort, '/150');
  let st = await stat();
  for (const k of ['bk/s1', 'bk/BACKEND']) {
    const r = st.get(k)!;
    assert.ok(Number(r['rtime']) >= 150, `${k} rtime ${r['rtime']}`);
    assert.ok(Number(r['ttime']) >= Number(r['rtime']), `${k} ttime ${r['ttime']}`);
    assert.equal(r['rtime_max'], r['rtime']);
    assert.equal(r['ttime_max'], r['ttime']);
  }
  const first = Number(st.get('bk/s1')!['rtime']);
  await oneRequest(fePort, '/0');
  st = await stat();
  const mean = Number(st.get('bk/s1')!['rtime']);
  // the mean of both; the second answer is quick, but not 0 under load
  assert.ok(mean >= Math.ceil(first / 2) && mean < first, `mean of ${first} and ~0: ${mean}`);
  assert.equal(st.get('bk/s1')!['rtime_max'], String(first));
});

test('TCP connections feed ttime but not rtime', async () => {
  await rawExchange(lsPort, 'GET /60 HTTP/1.0\r\n\r\n');
  const r = (await stat()).get('ls/t1')!;
  assert.ok(Number(r['ttime']) >= 60, `ttime ${r['ttime']}`);
  assert.equal(r['rtime'], '0');
});
