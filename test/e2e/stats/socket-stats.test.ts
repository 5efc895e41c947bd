/*
 * `option socket-stats` listener rows count bytes and bad/denied requests like their frontend, per listener, as
 * 2.6.12 does (HTTP and TCP); they stayed 0 (only sessions were counted).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { freePort, replyServer, oneRequest, rawExchange, cliCommand, parseStatCsv, spawnSluice, defaultsSection, teardown } from './traffic.ts';
import type { Backend } from './traffic.ts';

const dir = mkdtempSync(join(tmpdir(), 'sluice-sockstats-'));
const sock = join(dir, 'admin.sock');
let proc: ChildProcess | null = null;
let p1 = 0, p2 = 0, pt = 0;
const servers: Backend[] = [];

before(async () => {
  servers.push(await replyServer('s1'));
  [p1, p2, pt] = [await freePort(), await freePort(), await freePort()];
  const cfg = join(dir, 'sluice.cfg');
  writeFileSync(cfg, `global\n  stats socket ${sock} level admin\n${defaultsSection('http')}frontend fe
  option socket-stats
  bind 127.0.0.1:${p1} name one
  bind 127.0.0.1:${p2} name two
  http-request deny if { path /deny }
  default_backend bk
backend bk
  server s1 127.0.0.1:${servers[0]!.port}
listen lt
  mode tcp
  option socket-stats
  bind 127.0.0.1:${pt} name tcp1
  server t1 127.0.0.1:${servers[0]!.port}
`);
  proc = await spawnSluice(cfg, sock);
});

after(() => teardown(proc, servers, dir));

test('listener rows count bytes, denied and bad requests of their own connections', async () => {
  await oneRequest(p1, '/a');
  await oneRequest(p1, '/deny');
  await rawExchange(p1, 'GARBAGE\r\n\r\n');
  await oneRequest(p2, '/b');
  await rawExchange(pt, 'GET / HTTP/1.0\r\n\r\n');
  const rows = parseStatCsv(await cliCommand(sock, 'show stat')).rows;
  const pick = (k: string): number[] => ['bin', 'bout', 'dreq', 'ereq'].map((c) => Number(rows.get(k)![c]));
  const [one, two, fe] = [pick('fe/one'), pick('fe/two'), pick('fe/FRONTEND')];
  assert.deepEqual([one[2], one[3], two[2], two[3]], [1, 1, 0, 0]);
  assert.ok(one[0]! > 0 && one[1]! > 0 && two[0]! > 0 && two[1]! > 0, `one ${one} two ${two}`);
  assert.equal(one[0]! + two[0]!, fe[0]);
  assert.equal(one[1]! + two[1]!, fe[1]);
  const lt = pick('lt/tcp1');
  assert.deepEqual(lt.slice(0, 2), pick('lt/FRONTEND').slice(0, 2));
  assert.ok(lt[0]! > 0 && lt[1]! > 0);
});
