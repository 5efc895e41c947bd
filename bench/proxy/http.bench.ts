/*
 * bench:proxy: Sluice (`node dist/proxy/main.js -f cfg`) vs HAProxy 2.6 (nbthread 1), same config and backend, logging
 * on in both (httplog/tcplog over UDP to a sink in this process that counts the lines). wrk with fixed threads and
 * connections on loopback; per scenario a warm-up run on each proxy, then ROUNDS interleaved rounds (the proxy order
 * alternates per round). Prints medians of req/s, p99, proxy CPU per request (utime+stime from /proc/<pid>/stat),
 * peak RSS during the run (/proc/<pid>/status VmRSS), the backend's CPU per request (to show it is not the bottleneck),
 * then KB per idle client connection, and a markdown ratio table. Backend: nginx when installed (static 1 KiB / 1 MiB
 * files), else bench/proxy/http-backend.ts. Sluice runs as the `sluice` bin does (package.json's bin file, node flags and
 * environment of its shebang line).
 * Defaults take ~3 minutes.
 * Run: npm run build && npm run bench:proxy     env: ROUNDS=3 DURATION=5 WARMUP=2 CONNS=50 IDLE=9000
 *   SCEN=ka,close,mib,tcp,idle (subset)  BACKEND=nginx|node  SLUICE_NODE_FLAGS="--max-semi-space-size=16"
 *   SYSCALLS=1: after the rounds, one 2 s run per scenario and proxy under `strace -c -f` (slows both a lot: only the
 *   counts are kept), printing system calls per request by name; a machine-independent measure of the kernel side
 *   (a few % high at low rates: the connections wrk leaves in flight at the end are not in its request count).
 */
import net from 'node:net';
import dgram from 'node:dgram';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { cpuTicks, cpuTicksSplit, freePort, HZ, median, sluiceBin, waitPort } from '../_util/proxy-bench.ts';

const ROUNDS = Number(process.env.ROUNDS ?? 3);
const DURATION = Number(process.env.DURATION ?? 5);
const WARMUP = Number(process.env.WARMUP ?? 2);
const CONNS = Number(process.env.CONNS ?? 50);
const IDLE = Number(process.env.IDLE ?? 9000);
const SCEN = (process.env.SCEN ?? 'ka,close,mib,tcp,idle').split(',');
const SYSCALLS = process.env.SYSCALLS === '1';
const NGINX = '/usr/sbin/nginx';
const BACKEND = process.env.BACKEND ?? (fs.existsSync(NGINX) ? 'nginx' : 'node');
const SLUICE_NODE_FLAGS = (process.env.SLUICE_NODE_FLAGS ?? '').split(' ').filter((s) => s !== '');
const root = path.resolve(import.meta.dirname, '../..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-httpbench-'));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function config(fePort: number, tcpPort: number, bePort: number, logPort: number, haproxy: boolean): string {
  return `global
  maxconn 9600
${haproxy ? '  nbthread 1\n' : ''}  log 127.0.0.1:${logPort} local0
defaults
  mode http
  log global
  option httplog
  timeout client 30s
  timeout server 30s
  timeout connect 5s
  timeout http-keep-alive 30s
  maxconn 9600
frontend fe
  bind 127.0.0.1:${fePort}
  default_backend be
backend be
  http-reuse safe
  server s1 127.0.0.1:${bePort} maxconn 1000
listen tcp
  mode tcp
  option tcplog
  bind 127.0.0.1:${tcpPort}
  server s1 127.0.0.1:${bePort}
`;
}

interface Proc { name: string; child: ChildProcess; pid: number; port: number; tcpPort: number }

function rssMB(pid: number): number {
  const m = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'latin1'));
  return m ? Number(m[1]) / 1024 : 0;
}

async function startBackend(): Promise<{ port: number; child: ChildProcess }> {
  if (BACKEND === 'nginx') {
    const port = await freePort();
    const www = path.join(dir, 'www');
    fs.mkdirSync(www);
    fs.writeFileSync(path.join(www, 'k'), Buffer.alloc(1024, 97));
    fs.writeFileSync(path.join(www, 'm'), Buffer.alloc(1 << 20, 98));
    fs.writeFileSync(path.join(dir, 'nginx.conf'), `daemon off;
master_process off;
worker_processes 1;
worker_rlimit_nofile 20000;
pid ${dir}/nginx.pid;
error_log ${dir}/nginx-error.log crit;
events { worker_connections 16000; }
http {
  access_log off;
  default_type text/plain;
  sendfile on;
  tcp_nodelay on;
  keepalive_requests 100000000;
  keepalive_timeout 300s;
  open_file_cache max=10;
  client_body_temp_path ${dir}/cbt;
  server { listen 127.0.0.1:${port} backlog=4096; root ${www}; location / { } }
}
`);
    const child = spawn(NGINX, ['-p', dir, '-e', `${dir}/nginx-error.log`, '-c', path.join(dir, 'nginx.conf')], { stdio: ['ignore', 'inherit', 'inherit'] });
    await waitPort(port, 5000);
    return { port, child };
  }
  const child = spawn(process.execPath, [path.join(root, 'dist/bench/proxy/http-backend.js')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((r) => child.stdout?.once('data', (d: Buffer) => r(Number(d.toString().trim()))));
  return { port, child };
}

interface Res { reqs: number; rps: number; p99: number; cpuUs: number; usrUs: number; rss: number; beUs: number; logs: number; errors: string }
let logLines = 0;

function runWrk(args: string[]): Promise<string> {
  return new Promise((resolve) => {
    const c = spawn('wrk', args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    c.stdout.setEncoding('latin1');
    c.stdout.on('data', (d: string) => { out += d; });
    const kill = setTimeout(() => c.kill('SIGKILL'), (DURATION + WARMUP + 30) * 1000);
    c.on('close', () => { clearTimeout(kill); resolve(out); });
  });
}

async function wrk(p: Proc, bePid: number, url: string, conns: number, extra: string[], seconds: number): Promise<Res> {
  const c0 = cpuTicksSplit(p.pid);
  const b0 = cpuTicks(bePid);
  const l0 = logLines;
  let rss = 0;
  const sampler = setInterval(() => { const r = rssMB(p.pid); if (r > rss) rss = r; }, 250);
  const out = await runWrk(['-t1', `-c${conns}`, `-d${seconds}s`, '--latency', ...extra, url]);
  clearInterval(sampler);
  const c1 = cpuTicksSplit(p.pid);
  const b1 = cpuTicks(bePid);
  const r = rssMB(p.pid);
  if (r > rss) rss = r;
  await sleep(200);                            // late UDP log lines
  const reqs = Number(/(\d+) requests in/.exec(out)?.[1] ?? 0);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 0);
  const m = /99%\s+([\d.]+)(us|ms|s)/.exec(out);
  const p99 = m ? Number(m[1]) * (m[2] === 'us' ? 0.001 : m[2] === 's' ? 1000 : 1) : NaN;
  const sockErr = /Socket errors:([^\n]*)/.exec(out)?.[1]?.trim() ?? '';
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? '';
  const errors = (sockErr !== '' ? `socket errors:${sockErr} ` : '') + (non2xx !== '' ? `non-2xx: ${non2xx}` : '');
  return {
    reqs, rps, p99, rss,
    cpuUs: reqs > 0 ? ((c1[0] + c1[1] - c0[0] - c0[1]) / HZ) * 1e6 / reqs : NaN,
    usrUs: reqs > 0 ? ((c1[0] - c0[0]) / HZ) * 1e6 / reqs : NaN,
    beUs: reqs > 0 ? ((b1 - b0) / HZ) * 1e6 / reqs : NaN,
    logs: reqs > 0 ? (logLines - l0) / reqs : NaN,
    errors,
  };
}

async function idleKB(p: Proc, n: number): Promise<number> {
  const before = rssMB(p.pid);
  const socks: net.Socket[] = [];
  for (let i = 0; i < n; i++) {
    const s = net.connect(p.port, '127.0.0.1');
    s.on('error', () => {});
    socks.push(s);
    if (i % 500 === 499) await sleep(50);
  }
  await sleep(2000);
  const after = rssMB(p.pid);
  for (const s of socks) s.destroy();
  await sleep(1000);
  return ((after - before) * 1024) / n;
}

interface Scenario { key: string; name: string; target: string; run: (p: Proc, seconds: number) => Promise<Res> }

/**
 * System calls per request of `p` during one 2 s run of `s` under `strace -c -f` (every thread): "total 19.1: read 2.0
 * write 2.0 ..." (calls >= 0.05 per request), or '' when strace is missing or saw nothing.
 */
async function syscallsPerReq(p: Proc, s: Scenario): Promise<string> {
  const out = path.join(dir, `strace-${p.name}-${s.key}.txt`);
  const st = spawn('strace', ['-c', '-f', '-o', out, '-p', String(p.pid)], { stdio: 'ignore' });
  await sleep(500);                               // attached to every thread
  const r = await s.run(p, 2);
  st.kill('SIGINT');
  await new Promise((res) => { st.once('close', res); setTimeout(res, 5000); });
  if (!fs.existsSync(out) || !(r.reqs > 0)) return '';
  const reqs = r.reqs;
  const rows: [string, number][] = [];
  let total = 0;
  for (const l of fs.readFileSync(out, 'latin1').split('\n')) {
    const m = /^\s*[\d.]+\s+[\d.]+\s+\d+\s+(\d+)\s+(?:\d+\s+)?(\w+)$/.exec(l);
    if (m === null) continue;
    if (m[2] === 'total') { total = Number(m[1]); continue; }
    if (m[2] !== 'futex') rows.push([m[2], Number(m[1]) / reqs]);
  }
  rows.sort((a, b) => b[1] - a[1]);
  return `total ${(total / reqs).toFixed(1)}: ` + rows.filter((x) => x[1] >= 0.05).map((x) => `${x[0]} ${x[1].toFixed(2)}`).join(' ');
}

async function main(): Promise<void> {
  const bin = sluiceBin(root);
  const be = await startBackend();
  const bePid = be.child.pid as number;
  const sink = dgram.createSocket('udp4');
  sink.on('message', () => { logLines++; });
  await new Promise<void>((r) => sink.bind(0, '127.0.0.1', () => r()));
  const logPort = sink.address().port;
  const ports = [await freePort(), await freePort(), await freePort(), await freePort()];
  fs.writeFileSync(path.join(dir, 'h.cfg'), config(ports[0], ports[1], be.port, logPort, true));
  fs.writeFileSync(path.join(dir, 's.cfg'), config(ports[2], ports[3], be.port, logPort, false));
  const hapChild = spawn('/usr/sbin/haproxy', ['-db', '-f', path.join(dir, 'h.cfg')], { stdio: ['ignore', 'ignore', 'inherit'] });
  const shebang = bin.flags;
  const sluChild = spawn(process.execPath, [...shebang, ...SLUICE_NODE_FLAGS, bin.file, '-db', '-f', path.join(dir, 's.cfg')], { stdio: ['ignore', 'ignore', 'inherit'], env: bin.env });
  const hap: Proc = { name: 'haproxy', child: hapChild, pid: hapChild.pid as number, port: ports[0], tcpPort: ports[1] };
  const slu: Proc = { name: 'sluice', child: sluChild, pid: sluChild.pid as number, port: ports[2], tcpPort: ports[3] };
  await Promise.all([waitPort(hap.port, 5000), waitPort(slu.port, 5000), waitPort(hap.tcpPort, 5000), waitPort(slu.tcpPort, 5000)]);
  console.log(`backend ${BACKEND} (pid ${bePid}), wrk -t1 -c${CONNS}, ${ROUNDS} rounds x ${DURATION}s after ${WARMUP}s warm-up, CLK_TCK ${HZ}` +
    `, sluice node flags: ${[...shebang, ...SLUICE_NODE_FLAGS].join(' ') || '-'}`);

  const all: Scenario[] = [
    { key: 'ka', name: 'keep-alive 1 KiB', target: '>= 0.8', run: (p, d) => wrk(p, bePid, `http://127.0.0.1:${p.port}/k`, CONNS, [], d) },
    { key: 'close', name: 'Connection: close', target: '>= 0.9', run: (p, d) => wrk(p, bePid, `http://127.0.0.1:${p.port}/k`, CONNS, ['-H', 'Connection: close'], d) },
    { key: 'mib', name: '1 MiB objects', target: '>= 1.0', run: (p, d) => wrk(p, bePid, `http://127.0.0.1:${p.port}/m`, 10, [], d) },
    { key: 'tcp', name: 'mode tcp (keep-alive 1 KiB)', target: '-', run: (p, d) => wrk(p, bePid, `http://127.0.0.1:${p.tcpPort}/k`, CONNS, [], d) },
  ];
  const scen = all.filter((s) => SCEN.includes(s.key));
  const res = new Map<string, Record<string, Res[]>>();
  for (const s of scen) {
    res.set(s.key, { haproxy: [], sluice: [] });
    for (const p of [hap, slu]) await s.run(p, WARMUP);
  }
  for (let r = 0; r < ROUNDS; r++) {
    for (const s of scen) {
      for (const p of r % 2 ? [slu, hap] : [hap, slu]) {
        const x = await s.run(p, DURATION);
        res.get(s.key)![p.name].push(x);
        console.log(`  round ${r + 1} ${s.name.padEnd(28)} ${p.name.padEnd(8)} ${x.rps.toFixed(0).padStart(7)} req/s p99 ${x.p99.toFixed(2).padStart(7)} ms ` +
          `${x.cpuUs.toFixed(1).padStart(6)} us/req (user ${x.usrUs.toFixed(1)}) ${x.rss.toFixed(0).padStart(4)} MB  backend ${x.beUs.toFixed(1)} us/req  log lines/req ${x.logs.toFixed(2)} ${x.errors}`);
      }
    }
  }
  const rows: string[] = [];
  // CPU ratio = HAProxy's CPU per request / Sluice's: steadier than req/s when other work shares the cores
  rows.push('| scenario | HAProxy req/s · p99 · CPU/req · RSS | Sluice req/s · p99 · CPU/req · RSS | ratio (target) | CPU ratio |');
  rows.push('| --- | --- | --- | --- | --- |');
  for (const s of scen) {
    const rr = res.get(s.key)!;
    const med = (k: string, f: keyof Res) => median(rr[k].map((x) => x[f] as number));
    const cell = (k: string) => `${med(k, 'rps').toFixed(0)} · ${med(k, 'p99').toFixed(1)} ms · ${med(k, 'cpuUs').toFixed(1)} us · ${med(k, 'rss').toFixed(0)} MB`;
    rows.push(`| ${s.name} | ${cell('haproxy')} | ${cell('sluice')} | ${(med('sluice', 'rps') / med('haproxy', 'rps')).toFixed(2)} (${s.target}) | ` +
      `${(med('haproxy', 'cpuUs') / med('sluice', 'cpuUs')).toFixed(2)} |`);
  }
  if (SYSCALLS) {
    console.log('\nsystem calls per request (strace -c -f, one 2 s run each; futex left out of the list, not of the total):');
    for (const s of scen) for (const p of [hap, slu]) console.log(`  ${s.name.padEnd(28)} ${p.name.padEnd(8)} ${await syscallsPerReq(p, s)}`);
  }
  if (SCEN.includes('idle')) {
    const ih = await idleKB(hap, IDLE);
    const is = await idleKB(slu, IDLE);
    rows.push(`| idle conns (${IDLE}) | ${ih.toFixed(2)} KB/conn | ${is.toFixed(2)} KB/conn | target <= 5 KB | |`);
  }
  console.log(`\nmedians of ${ROUNDS} rounds (CPU/req = proxy utime+stime per request; RSS = peak VmRSS during the run)`);
  console.log(rows.join('\n'));
  hap.child.kill('SIGTERM');
  slu.child.kill('SIGTERM');
  be.child.kill('SIGTERM');
  sink.close();
  await sleep(300);
  fs.rmSync(dir, { recursive: true, force: true });
  process.exit(0);
}

main();
