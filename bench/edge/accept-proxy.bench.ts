/*
 * accept-proxy cost: Sluice vs HAProxy 2.6 (nbthread 1), each with a plain bind and an accept-proxy bind to the same
 * backend (nginx when installed, else a small node server), Connection: close requests from client loops in this
 * process (a PROXY v1 line first on the accept-proxy bind). Per scenario ROUNDS interleaved rounds; prints medians
 * of req/s and proxy CPU per request (utime+stime from /proc/<pid>/stat) and the Sluice/HAProxy ratio. Sluice runs
 * as the `sluice` bin (sluice-cmd.ts: the bundle with its shebang's flags and environment, from source if stale).
 * Loopback only, ~1 minute with the defaults.
 * Run: node --import tsx bench/edge/accept-proxy.bench.ts     env: ROUNDS=3 DURATION=4 CONNS=20
 */
import net from 'node:net';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { cpuTicks, freePort, HZ, median, waitPort } from '../_util/proxy-bench.ts';
import { sluiceCmd } from './sluice-cmd.ts';

const ROUNDS = Number(process.env.ROUNDS ?? 3);
const DURATION = Number(process.env.DURATION ?? 4);
const CONNS = Number(process.env.CONNS ?? 20);
const root = path.resolve(import.meta.dirname, '../..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-ppbench-'));

async function startBackend(): Promise<{ port: number; child: ChildProcess }> {
  const port = await freePort();
  let child: ChildProcess;
  if (fs.existsSync('/usr/sbin/nginx')) {
    fs.writeFileSync(path.join(dir, 'nginx.conf'), `daemon off;
master_process off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/nginx-error.log crit;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/cbt;
  server { listen 127.0.0.1:${port} backlog=4096; location / { return 200 "ok"; } }
}
`);
    child = spawn('/usr/sbin/nginx', ['-p', dir, '-e', `${dir}/nginx-error.log`, '-c', path.join(dir, 'nginx.conf')], { stdio: ['ignore', 'ignore', 'inherit'] });
  } else {
    child = spawn(process.execPath, ['-e', `require('http').createServer((q, r) => r.end('ok')).listen(${port}, '127.0.0.1')`], { stdio: 'ignore' });
  }
  await waitPort(port, 5000);
  return { port, child };
}

function config(plain: number, pp: number, be: number, haproxy: boolean): string {
  return `global
  maxconn 4000
${haproxy ? '  nbthread 1\n' : ''}defaults
  mode http
  timeout client 30s
  timeout server 30s
  timeout connect 5s
frontend plain
  bind 127.0.0.1:${plain}
  option forwardfor
  default_backend be
frontend pp
  bind 127.0.0.1:${pp} accept-proxy
  option forwardfor
  default_backend be
backend be
  server s1 127.0.0.1:${be}
`;
}

interface Proc { name: string; child: ChildProcess; pid: number; plain: number; pp: number }

async function startProxy(name: string, bePort: number): Promise<Proc> {
  const plain = await freePort();
  const pp = await freePort();
  const f = path.join(dir, `${name}.cfg`);
  fs.writeFileSync(f, config(plain, pp, bePort, name === 'haproxy'));
  let child: ChildProcess;
  if (name === 'haproxy') child = spawn('/usr/sbin/haproxy', ['-db', '-f', f], { stdio: ['ignore', 'ignore', 'inherit'] });
  else {
    const cmd = sluiceCmd(root);
    console.log(`sluice: ${cmd.desc}`);
    child = spawn(cmd.argv[0], [...cmd.argv.slice(1), '-db', '-f', f], { stdio: ['ignore', 'ignore', 'inherit'], cwd: root, env: cmd.env });
  }
  await waitPort(plain, 20000);
  await waitPort(pp, 5000);
  return { name, child, pid: child.pid as number, plain, pp };
}

const PP_LINE = 'PROXY TCP4 192.168.10.20 10.0.0.1 56324 80\r\n';
const REQ = 'GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n';

interface Res { rps: number; cpuUs: number }

/**
 * CONNS client loops for DURATION seconds, each: connect, send (the PROXY line and) a Connection: close request,
 * read to the close, again. wrk cannot send a PROXY line (it validates the request it is given). Returns responses.
 */
async function load(port: number, withPp: boolean): Promise<number> {
  const payload = Buffer.from((withPp ? PP_LINE : '') + REQ, 'latin1');
  const until = Date.now() + DURATION * 1000;
  let done = 0;
  const one = (): Promise<boolean> => new Promise((resolve) => {
    const c = net.connect(port, '127.0.0.1');
    let ok = false;
    c.on('connect', () => c.write(payload));
    c.on('data', (d) => { if (!ok && d.length >= 12 && d.toString('latin1', 9, 12) === '200') ok = true; });
    c.on('error', () => {});
    c.on('close', () => resolve(ok));
  });
  const loop = async (): Promise<void> => { while (Date.now() < until) if (await one()) done++; };
  await Promise.all(Array.from({ length: CONNS }, loop));
  return done;
}

async function measure(p: Proc, withPp: boolean): Promise<Res> {
  const c0 = cpuTicks(p.pid);
  const n = await load(withPp ? p.pp : p.plain, withPp);
  const ticks = cpuTicks(p.pid) - c0;
  return { rps: n / DURATION, cpuUs: n > 0 ? (ticks * 1e6 / HZ) / n : 0 };
}

const be = await startBackend();
const procs = [await startProxy('haproxy', be.port), await startProxy('sluice', be.port)];
try {
  for (const p of procs) { await measure(p, false); await measure(p, true); }      // warm-up
  const res = new Map<string, Res[]>();
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 === 0 ? procs : [...procs].reverse();
    for (const p of order) {
      for (const pp of [false, true]) {
        const k = `${p.name} ${pp ? 'accept-proxy' : 'plain'}`;
        const v = await measure(p, pp);
        (res.get(k) ?? res.set(k, []).get(k)!).push(v);
      }
    }
  }
  console.log(`Connection: close, ${CONNS} client loops (node, this process) x ${DURATION}s, medians of ${ROUNDS} rounds`);
  console.log('proxy    bind           req/s    CPU us/req');
  const med = new Map<string, Res>();
  for (const [k, v] of res) {
    const m = { rps: median(v.map((x) => x.rps)), cpuUs: median(v.map((x) => x.cpuUs)) };
    med.set(k, m);
    console.log(`${k.padEnd(22)} ${m.rps.toFixed(0).padStart(8)} ${m.cpuUs.toFixed(1).padStart(12)}`);
  }
  for (const b of ['plain', 'accept-proxy']) {
    const s = med.get(`sluice ${b}`)!, h = med.get(`haproxy ${b}`)!;
    console.log(`ratio sluice/haproxy ${b}: req/s ${(s.rps / h.rps).toFixed(2)}, CPU/req ${(s.cpuUs / h.cpuUs).toFixed(2)}`);
  }
  for (const n of ['sluice', 'haproxy']) {
    const a = med.get(`${n} plain`)!, b = med.get(`${n} accept-proxy`)!;
    console.log(`${n}: accept-proxy costs ${(b.cpuUs - a.cpuUs).toFixed(1)} us CPU per connection over a plain bind`);
  }
} finally {
  for (const p of procs) p.child.kill('SIGKILL');
  be.child.kill('SIGKILL');
}
