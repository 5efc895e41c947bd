/*
 * Same configuration, same traffic, same CLI commands as the real HAProxy 2.6 capture in
 * fixtures/stats/traffic-tcp/ (see its CMD): the real `sluice` process must give the same load-balancing order and
 * the same `show stat` / `show servers state`, values masked only where they must differ (ports, times, rates).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { freePort, replyServer, renderConfig, readTemplate, runScenario, spawnSluice, teardown } from './traffic.ts';
import type { Backend } from './traffic.ts';

const golden = (f: string): string => readFileSync(new URL('../../../fixtures/stats/traffic-tcp/' + f, import.meta.url), 'latin1');
const dir = mkdtempSync(join(tmpdir(), 'sluice-golden-tcp-'));
let proc: ChildProcess | null = null;
const servers: Backend[] = [];
after(() => teardown(proc, servers, dir));

// columns whose values depend on time, rates or the ports chosen
const MASKED = new Set(['lastchg', 'downtime', 'lastsess', 'rate', 'rate_max', 'conn_rate', 'conn_rate_max', 'req_rate',
  'req_rate_max', 'qtime', 'ctime', 'rtime', 'ttime', 'qtime_max', 'ctime_max', 'rtime_max', 'ttime_max', 'addr',
  'check_duration']);

function maskStat(text: string): string[] {
  const lines = text.split('\n');
  const cols = lines[0]!.slice(2).split(',');
  // a frontend's smax depends on how fast the previous connection was released (HAProxy showed 2 for sequential ones)
  const masked = (row: string[], i: number): boolean => MASKED.has(cols[i]!) || (row[1] === 'FRONTEND' && cols[i] === 'smax');
  return lines.map((l, n) => {
    if (n === 0 || l === '') return l;
    const row = l.split(',');
    return row.map((v, i) => (masked(row, i) ? '*' : v)).join(',');
  });
}

function maskState(text: string): string[] {
  // be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state srv_uweight srv_iweight srv_time_since_last_change ... srv_port
  return text.split('\n').map((l) => {
    if (l.startsWith('#') || !l.includes(' ')) return l;
    const f = l.split(' ');
    f[9] = '*';
    f[18] = '*';
    return f.join(' ');
  });
}

test('show stat and show servers state after the golden scenario match HAProxy 2.6', { timeout: 20000 }, async () => {
  const s1 = await replyServer('s1');
  const s2 = await replyServer('s2');
  servers.push(s1, s2);
  const sock = join(dir, 'admin.sock');
  const ports = { fe: await freePort(), ls: await freePort(), s1: s1.port, s2: s2.port, s3: await freePort() };
  const cfg = join(dir, 'sluice.cfg');
  writeFileSync(cfg, renderConfig(readTemplate(), sock, ports));
  proc = await spawnSluice(cfg, sock);
  const r = await runScenario(sock, ports);
  // same servers chosen (the order inside a weighted round-robin cycle is the LB's business, tested in test/e2e/balance)
  const sorted = (a: string[]): string[] => [a.slice(0, 6).sort(), a.slice(6)].flat();
  assert.deepEqual(sorted(r.bodies), sorted(golden('bodies.txt').slice(0, -1).split('|')));
  assert.deepEqual(maskStat(r.stat), maskStat(golden('show-stat.txt')));
  assert.deepEqual(maskState(r.state), maskState(golden('show-servers-state.txt')));
});
