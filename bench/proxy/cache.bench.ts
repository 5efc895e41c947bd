/*
 * HTTP cache cost: Sluice vs HAProxy 2.6 (nbthread 1) on keep-alive HTTP with 1 KiB responses: "plain" (no cache),
 * "hit" (http-request cache-use / http-response cache-store; every request after the first is a hit) and "miss"
 * (the same rules on a response the cache refuses: cache-control no-store, so each request is looked up and goes to
 * the server). wrk on loopback, a node backend process; ROUNDS interleaved rounds, medians of req/s and proxy CPU per
 * request (utime+stime of /proc/<pid>/stat). SLUICE_ROOT=<other checkout> runs that tree's Sluice (before/after).
 * Run: node --import tsx bench/proxy/cache.bench.ts     env: ROUNDS=3 DURATION=4 CONNS=20 SCENARIOS=plain,hit,miss
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { freePort, median, spawnProxy, waitPort, wrkCpu } from '../_util/proxy-bench.ts';

const ROUNDS = Number(process.env.ROUNDS ?? 3);
const DURATION = Number(process.env.DURATION ?? 4);
const CONNS = Number(process.env.CONNS ?? 20);
const root = path.resolve(process.env.SLUICE_ROOT ?? path.resolve(import.meta.dirname, '../..'));
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-cachebench-'));
type Scenario = 'plain' | 'hit' | 'miss';

function config(fe: number, srv: number, sc: Scenario): string {
  return `global\n    nbthread 1\ndefaults\n    mode http\n    timeout client 10s\n    timeout server 10s\n    timeout connect 2s\n` +
    (sc === 'plain' ? '' : 'cache c\n    total-max-size 16\n    max-age 3600\n') +
    `frontend fe\n    bind 127.0.0.1:${fe}\n` +
    (sc === 'plain' ? '' : '    http-request cache-use c\n    http-response cache-store c\n') +
    `    default_backend be\nbackend be\n    server s1 127.0.0.1:${srv}\n`;
}

async function run(name: 'sluice' | 'haproxy', sc: Scenario, srv: number): Promise<{ rps: number; cpuUs: number }> {
  const fe = await freePort();
  const cfg = path.join(dir, `${name}-${sc}.cfg`);
  fs.writeFileSync(cfg, config(fe, srv, sc));
  const p = spawnProxy(name, cfg, root);
  const url = `http://127.0.0.1:${fe}/${sc === 'miss' ? 'nostore' : 'obj'}`;
  try {
    await waitPort(fe, 10000);
    return wrkCpu(p.pid as number, url, CONNS, DURATION);       // its warm-up also stores the cache entry
  } finally {
    p.kill('SIGTERM');
    await new Promise((r) => p.on('exit', r));
  }
}

// the backend runs in its own process (wrk runs synchronously in this one): 1 KiB, cacheable unless /nostore
const srv = await freePort();
const backend = spawn(process.execPath, ['-e', `const b = 'a'.repeat(1024); require('http').createServer((q, r) => { r.writeHead(200, { 'content-type': 'text/plain', 'cache-control': q.url === '/nostore' ? 'no-store' : 'max-age=3600', 'content-length': '1024' }); r.end(b); }).listen(${srv}, '127.0.0.1')`], { stdio: 'ignore' });
await waitPort(srv, 10000);
const res: Record<string, { rps: number[]; cpu: number[] }> = {};
const scenarios = (process.env.SCENARIOS ?? 'plain,hit,miss').split(',') as Scenario[];
for (let round = 0; round < ROUNDS; round++) {
  const order: ['sluice' | 'haproxy', Scenario][] = [];
  for (const sc of round % 2 === 0 ? scenarios : [...scenarios].reverse()) {
    for (const n of (round % 2 === 0 ? ['sluice', 'haproxy'] : ['haproxy', 'sluice']) as ('sluice' | 'haproxy')[]) order.push([n, sc]);
  }
  for (const [name, sc] of order) {
    const k = `${name} ${sc}`;
    const r = await run(name, sc, srv);
    (res[k] ??= { rps: [], cpu: [] }).rps.push(r.rps);
    res[k].cpu.push(r.cpuUs);
  }
}
backend.kill();
console.log(`sluice tree: ${root}`);
console.log(`| proxy / scenario | req/s (median of ${ROUNDS}) | CPU us/req |`);
console.log('|---|---|---|');
for (const [k, v] of Object.entries(res).sort()) console.log(`| ${k} | ${median(v.rps).toFixed(0)} | ${median(v.cpu).toFixed(1)} |`);
for (const sc of scenarios) {
  const ratio = median(res[`sluice ${sc}`].cpu) / median(res[`haproxy ${sc}`].cpu);
  console.log(`${sc}: CPU per request, sluice / haproxy: ${ratio.toFixed(2)}`);
}
