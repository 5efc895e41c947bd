/*
 * `show stat` and a Prometheus scrape on 10,000 servers: Sluice vs HAProxy 2.6 (/usr/sbin/haproxy) with the same
 * configuration (one frontend, one backend of 10,000 servers on a closed port, no checks). `show stat`: RUNS requests
 * over each side's unix stats socket. Scrape: GET /metrics over loopback TCP (Sluice: a bare server around
 * prometheusHttpReply, HAProxy: `use-service prometheus-exporter`). Prints medians and ratios.
 * Target: Sluice `show stat` < 100 ms. Run: npm run bench:stats
 */
import * as net from 'node:net';
import { mkdtempSync, writeFileSync, rmSync, existsSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mkProxy, mkServer } from '../../test/proxy/stats/fixture-model.ts';
import { PR_MODE_HTTP } from '../../proxy/model/types.ts';
import { PR_CAP_FE, PR_CAP_BE } from '../../proxy/config/types.ts';
import type { GlobalSettings } from '../../proxy/model/types.ts';
import { startStats, stopStats } from '../../proxy/stats/runtime.ts';
import { statsGlobalCfg } from '../../proxy/stats/keywords.ts';
import { ACCESS_LVL_ADMIN } from '../../proxy/stats/types.ts';
import { prometheusHttpReply } from '../../proxy/stats/prometheus.ts';

const NSRV = 10000;
const RUNS = 9;
const dir = mkdtempSync(join(tmpdir(), 'sluice-statbench-'));

function query(path: string, cmd: string): Promise<{ ms: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    let bytes = 0;
    const s = path.startsWith('tcp:') ? net.connect(Number(path.slice(4)), '127.0.0.1') : net.connect(path);
    s.on('connect', () => s.write(cmd));
    s.on('data', (d: Buffer) => { bytes += d.length; });
    s.on('error', reject);
    s.on('close', () => resolve({ ms: Number(process.hrtime.bigint() - t0) / 1e6, bytes }));
  });
}

/** One GET /metrics on a new loopback connection; resolves when the server closes. */
function scrape(port: number): Promise<{ ms: number; bytes: number }> {
  return query('tcp:' + port, 'GET /metrics HTTP/1.1\r\nhost: b\r\nconnection: close\r\n\r\n');
}

async function measure(path: string, one: (p: string) => Promise<{ ms: number; bytes: number }> = (p) => query(p, 'show stat\n')):
  Promise<{ median: number; bytes: number }> {
  const ms: number[] = [];
  let bytes = 0;
  await one(path);
  for (let i = 0; i < RUNS; i++) { const r = await one(path); ms.push(r.ms); bytes = r.bytes; }
  ms.sort((a, b) => a - b);
  return { median: ms[RUNS >> 1]!, bytes };
}

// --- Sluice
const g = { maxconn: 20000, nbthread: 1, node: 'bench', description: '', ext: new Map() } as unknown as GlobalSettings;
const fe = mkProxy('fe', 2, PR_CAP_FE, PR_MODE_HTTP);
fe.binds.push({ host: '127.0.0.1', port: 1, path: '', name: '', maxconn: 0, acceptProxy: false, file: '', line: 0 });
const be = mkProxy('bk', 3, PR_CAP_BE, PR_MODE_HTTP);
fe.defaultBackend = be;
for (let i = 1; i <= NSRV; i++) mkServer(be, 's' + i, i, 1);
statsGlobalCfg(g).sockets.push({ host: '', port: 0, path: join(dir, 'sluice.sock'), mode: 0o600, level: ACCESS_LVL_ADMIN, exposeFd: false });
const cli = await startStats({ proxies: [fe, be], global: g, startMs: Date.now(), pid: process.pid, actconn: () => 0, idleConns: () => 0 });
const sl = await measure(join(dir, 'sluice.sock'));
const promSrv = net.createServer((c) => {
  c.on('error', () => {});
  c.once('data', () => { c.end(prometheusHttpReply('', false)); });
});
await new Promise<void>((r) => promSrv.listen(0, '127.0.0.1', r));
const slProm = await measure('tcp:' + (promSrv.address() as net.AddressInfo).port, (p) => scrape(Number(p.slice(4))));
promSrv.close();
await stopStats(cli);

// --- HAProxy
let hap: { median: number; bytes: number } | null = null;
let hapProm: { median: number; bytes: number } | null = null;
if (existsSync('/usr/sbin/haproxy')) {
  let cfg = 'global\n    stats socket ' + join(dir, 'hap.sock') + ' mode 600 level admin\n    maxconn 4000\n' +
    'defaults\n    mode http\n    timeout connect 1s\n    timeout client 1s\n    timeout server 1s\n' +
    'frontend fe\n    bind 127.0.0.1:39999\n    http-request use-service prometheus-exporter if { path /metrics }\n' +
    '    default_backend bk\nbackend bk\n';
  for (let i = 1; i <= NSRV; i++) cfg += '    server s' + i + ' 127.0.0.1:1\n';
  writeFileSync(join(dir, 'hap.cfg'), cfg);
  const r = spawnSync('/usr/sbin/haproxy', ['-f', join(dir, 'hap.cfg'), '-D', '-p', join(dir, 'hap.pid')], { stdio: 'inherit' });
  if (r.status === 0) {
    for (let i = 0; i < 50 && !existsSync(join(dir, 'hap.sock')); i++) await new Promise((res) => setTimeout(res, 50));
    try {
      hap = await measure(join(dir, 'hap.sock'));
      hapProm = await measure('tcp:39999', (p) => scrape(Number(p.slice(4))));
    } finally {
      process.kill(Number(readFileSync(join(dir, 'hap.pid'), 'utf8').trim()));
    }
  }
}
rmSync(dir, { recursive: true, force: true });

console.log(`show stat, ${NSRV} servers, median of ${RUNS}:`);
console.log(`  sluice : ${sl.median.toFixed(1)} ms  (${sl.bytes} bytes)  ${sl.median < 100 ? 'OK < 100 ms' : 'SLOW >= 100 ms'}`);
if (hap !== null) {
  console.log(`  haproxy: ${hap.median.toFixed(1)} ms  (${hap.bytes} bytes)`);
  console.log(`  ratio sluice/haproxy: ${(sl.median / hap.median).toFixed(2)}`);
} else console.log('  haproxy: not available');
console.log(`GET /metrics (Prometheus), ${NSRV} servers, median of ${RUNS}:`);
console.log(`  sluice : ${slProm.median.toFixed(1)} ms  (${slProm.bytes} bytes)`);
if (hapProm !== null) {
  console.log(`  haproxy: ${hapProm.median.toFixed(1)} ms  (${hapProm.bytes} bytes)`);
  console.log(`  ratio sluice/haproxy: ${(slProm.median / hapProm.median).toFixed(2)}`);
}
