/*
 * Sluice vs HAProxy 2.6 (nbthread 1), same config, same backend (a tight node server answering fixed responses),
 * wrk on loopback, interleaved rounds; logging on in both (UDP to a discarding sink). Scenarios: keep-alive 1 KiB,
 * Connection: close, 1 MiB objects, mode tcp; then KB per idle client connection at 9,000 idle connections.
 * Prints medians of req/s, p99, proxy CPU per request (/proc/<pid>/stat utime+stime), RSS, and ratios.
 * Run: npm run build && npm run bench:proxy   (ROUNDS=3 DURATION=5 by default)
 */
import net from 'node:net';
import dgram from 'node:dgram';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';

const ROUNDS = Number(process.env.ROUNDS ?? 3);
const DURATION = Number(process.env.DURATION ?? 5);
const IDLE = Number(process.env.IDLE ?? 9000);
const root = path.resolve(import.meta.dirname, '../..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-httpbench-'));

function freePort(): Promise<number> {
  return new Promise((r) => { const s = net.createServer(); s.listen(0, '127.0.0.1', () => { const p = (s.address() as net.AddressInfo).port; s.close(() => r(p)); }); });
}

function config(fePort: number, tcpPort: number, bePort: number, logPort: number, nbthread: boolean): string {
  return `global
  maxconn 9600
${nbthread ? '  nbthread 1\n' : ''}  log 127.0.0.1:${logPort} local0
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

async function start(name: string, cmd: string, args: string[], port: number, tcpPort: number): Promise<Proc> {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((r) => setTimeout(r, 800));
  return { name, child, pid: child.pid as number, port, tcpPort };
}

function cpuTicks(pid: number): number {
  const f = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
  const parts = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return Number(parts[11]) + Number(parts[12]);
}
function rssMB(pid: number): number {
  const m = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'latin1'));
  return m ? Number(m[1]) / 1024 : 0;
}
const HZ = 100;

interface Res { rps: number; p99: number; cpuUs: number; rss: number }
function wrk(p: Proc, url: string, conns: number, extra: string[]): Res {
  const c0 = cpuTicks(p.pid);
  const r = spawnSync('wrk', ['-t1', `-c${conns}`, `-d${DURATION}s`, '--latency', ...extra, url], { encoding: 'latin1', timeout: (DURATION + 20) * 1000 });
  const c1 = cpuTicks(p.pid);
  const out = r.stdout ?? '';
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 0);
  const m = /99%\s+([\d.]+)(us|ms|s)/.exec(out);
  const p99 = m ? Number(m[1]) * (m[2] === 'us' ? 0.001 : m[2] === 's' ? 1000 : 1) : NaN;
  const reqs = rps * DURATION;
  return { rps, p99, cpuUs: reqs > 0 ? ((c1 - c0) / HZ) * 1e6 / reqs : NaN, rss: rssMB(p.pid) };
}

async function idleKB(p: Proc, n: number): Promise<number> {
  const before = rssMB(p.pid);
  const socks: net.Socket[] = [];
  for (let i = 0; i < n; i++) {
    const s = net.connect(p.port, '127.0.0.1');
    s.on('error', () => {});
    socks.push(s);
    if (i % 500 === 499) await new Promise((r) => setTimeout(r, 50));
  }
  await new Promise((r) => setTimeout(r, 1500));
  const after = rssMB(p.pid);
  for (const s of socks) s.destroy();
  await new Promise((r) => setTimeout(r, 500));
  return ((after - before) * 1024) / n;
}

const median = (a: number[]): number => { const s = [...a].sort((x, y) => x - y); return s[Math.floor(s.length / 2)]; };

async function main(): Promise<void> {
  const beChild = spawn(process.execPath, [path.join(root, 'dist/bench/proxy/http-backend.js')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const bePort = await new Promise<number>((r) => beChild.stdout?.once('data', (d: Buffer) => r(Number(d.toString().trim()))));
  const sink = dgram.createSocket('udp4');
  sink.on('message', () => {});
  await new Promise<void>((r) => sink.bind(0, '127.0.0.1', () => r()));
  const logPort = sink.address().port;
  const ports = [await freePort(), await freePort(), await freePort(), await freePort()];
  fs.writeFileSync(path.join(dir, 'h.cfg'), config(ports[0], ports[1], bePort, logPort, true));
  fs.writeFileSync(path.join(dir, 's.cfg'), config(ports[2], ports[3], bePort, logPort, false));
  const launcher = path.join(root, 'dist/bench/proxy/sluice-http-launch.js');
  if (!fs.existsSync(launcher)) throw new Error('run `npm run build` first');
  const hap = await start('haproxy', '/usr/sbin/haproxy', ['-db', '-f', path.join(dir, 'h.cfg')], ports[0], ports[1]);
  const slu = await start('sluice', process.execPath, [launcher, path.join(dir, 's.cfg')], ports[2], ports[3]);
  const scen: [string, (p: Proc) => Res][] = [
    ['keep-alive 1 KiB', (p) => wrk(p, `http://127.0.0.1:${p.port}/k`, 50, [])],
    ['Connection: close', (p) => wrk(p, `http://127.0.0.1:${p.port}/k`, 50, ['-H', 'Connection: close'])],
    ['1 MiB objects', (p) => wrk(p, `http://127.0.0.1:${p.port}/m`, 10, [])],
    ['mode tcp (keep-alive 1 KiB)', (p) => wrk(p, `http://127.0.0.1:${p.tcpPort}/k`, 50, [])],
  ];
  const rows: string[] = [];
  for (const [name, fn] of scen) {
    const res: Record<string, Res[]> = { haproxy: [], sluice: [] };
    for (let r = 0; r < ROUNDS; r++) for (const p of r % 2 ? [slu, hap] : [hap, slu]) res[p.name].push(fn(p));
    const med = (k: string, f: keyof Res) => median(res[k].map((x) => x[f]));
    const line = `${name.padEnd(28)} haproxy ${med('haproxy', 'rps').toFixed(0).padStart(7)} req/s p99 ${med('haproxy', 'p99').toFixed(2)} ms ${med('haproxy', 'cpuUs').toFixed(1)} us/req ${med('haproxy', 'rss').toFixed(0)} MB | ` +
      `sluice ${med('sluice', 'rps').toFixed(0).padStart(7)} req/s p99 ${med('sluice', 'p99').toFixed(2)} ms ${med('sluice', 'cpuUs').toFixed(1)} us/req ${med('sluice', 'rss').toFixed(0)} MB | ratio ${(med('sluice', 'rps') / med('haproxy', 'rps')).toFixed(2)}`;
    console.log(line);
    rows.push(line);
  }
  const ih = await idleKB(hap, IDLE);
  const is = await idleKB(slu, IDLE);
  console.log(`idle connections (${IDLE})            haproxy ${ih.toFixed(2)} KB/conn | sluice ${is.toFixed(2)} KB/conn`);
  hap.child.kill('SIGTERM');
  beChild.kill('SIGTERM');
  slu.child.kill('SIGTERM');
  sink.close();
  process.exit(0);
}

main();
