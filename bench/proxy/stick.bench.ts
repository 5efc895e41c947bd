/*
 * Stick-table cost: Sluice vs HAProxy 2.6 (nbthread 1) on keep-alive HTTP, without a table ("plain") and with the
 * usual rate-limit idiom ("track": stick-table + http-request track-sc0 src + a deny on sc_http_req_rate(0) that never
 * matches). wrk on loopback, a node backend process; per scenario ROUNDS interleaved rounds, medians of req/s
 * and proxy CPU per request (utime+stime of /proc/<pid>/stat). Prints the cost of tracking per request on each proxy.
 * Run: node --import tsx bench/proxy/stick.bench.ts     env: ROUNDS=3 DURATION=4 CONNS=20
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { freePort, median, spawnProxy, waitPort, wrkCpu } from '../_util/proxy-bench.ts';

const ROUNDS = Number(process.env.ROUNDS ?? 3);
const DURATION = Number(process.env.DURATION ?? 4);
const CONNS = Number(process.env.CONNS ?? 20);
const root = path.resolve(import.meta.dirname, '../..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-stickbench-'));

function config(fe: number, srv: number, track: boolean): string {
  return `global\n    nbthread 1\ndefaults\n    mode http\n    timeout client 10s\n    timeout server 10s\n    timeout connect 2s\n` +
    `frontend fe\n    bind 127.0.0.1:${fe}\n` +
    (track ? '    stick-table type ip size 100k expire 30s store http_req_rate(10s),conn_cur\n    http-request track-sc0 src\n' +
      '    http-request deny deny_status 429 if { sc_http_req_rate(0) gt 1000000000 }\n' : '') +
    `    default_backend be\nbackend be\n    server s1 127.0.0.1:${srv}\n`;
}

async function run(name: 'sluice' | 'haproxy', track: boolean, srv: number): Promise<{ rps: number; cpuUs: number }> {
  const fe = await freePort();
  const cfg = path.join(dir, `${name}-${track}.cfg`);
  fs.writeFileSync(cfg, config(fe, srv, track));
  const p = spawnProxy(name, cfg, root);
  try {
    await waitPort(fe, 10000);
    return wrkCpu(p.pid as number, `http://127.0.0.1:${fe}/`, CONNS, DURATION);
  } finally {
    p.kill('SIGTERM');
    await new Promise((r) => p.on('exit', r));
  }
}

// the backend runs in its own process: wrk runs synchronously in this one
const srv = await freePort();
const backend = spawn(process.execPath, ['-e', `require('http').createServer((q, r) => { r.writeHead(200, { 'content-type': 'text/plain', 'content-length': '2' }); r.end('ok'); }).listen(${srv}, '127.0.0.1')`], { stdio: 'ignore' });
await waitPort(srv, 10000);
const res: Record<string, { rps: number[]; cpu: number[] }> = {};
for (let round = 0; round < ROUNDS; round++) {
  const order: ['sluice' | 'haproxy', boolean][] = round % 2 === 0
    ? [['sluice', false], ['haproxy', false], ['sluice', true], ['haproxy', true]]
    : [['haproxy', true], ['sluice', true], ['haproxy', false], ['sluice', false]];
  for (const [name, track] of order) {
    const k = `${name} ${track ? 'track' : 'plain'}`;
    const r = await run(name, track, srv);
    (res[k] ??= { rps: [], cpu: [] }).rps.push(r.rps);
    res[k].cpu.push(r.cpuUs);
  }
}
backend.kill();
console.log(`| proxy / scenario | req/s (median of ${ROUNDS}) | CPU us/req |`);
console.log('|---|---|---|');
for (const [k, v] of Object.entries(res)) console.log(`| ${k} | ${median(v.rps).toFixed(0)} | ${median(v.cpu).toFixed(1)} |`);
for (const n of ['sluice', 'haproxy']) {
  const d = median(res[`${n} track`].cpu) - median(res[`${n} plain`].cpu);
  console.log(`${n}: tracking costs ${d.toFixed(1)} us CPU per request`);
}
const ratio = median(res['sluice track'].cpu) / median(res['haproxy track'].cpu);
console.log(`CPU per request with tracking, sluice / haproxy: ${ratio.toFixed(2)}`);
