/*
 * Helpers shared by the Sluice-vs-HAProxy macro benchmarks (bench/proxy, bench/edge): a free loopback port, waiting
 * for a listener, a process's CPU ticks (utime+stime of /proc/<pid>/stat), the median of a sample, starting either
 * proxy on a config file, how the `sluice` command runs (bin file, node flags, environment), one wrk measurement of
 * req/s and proxy CPU per request, and a loopback syslog sink for the
 * proxies' log lines. Configs, backends and report tables stay in each bench. Hot path: no.
 */
import net from 'node:net';
import dgram from 'node:dgram';
import fs from 'node:fs';
import path from 'node:path';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';

/** Clock ticks per second, the unit of cpuTicks(). */
export const HZ = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'latin1' }).stdout.trim()) || 100;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A loopback port that was free a moment ago (another bind may take it before the caller does). */
export function freePort(): Promise<number> {
  return new Promise((r) => { const s = net.createServer(); s.listen(0, '127.0.0.1', () => { const p = (s.address() as net.AddressInfo).port; s.close(() => r(p)); }); });
}

/** Resolves once 127.0.0.1:port accepts a connection; rejects after `ms`. */
export async function waitPort(port: number, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const ok = await new Promise<boolean>((r) => {
      const s = net.connect(port, '127.0.0.1', () => { s.destroy(); r(true); });
      s.on('error', () => r(false));
    });
    if (ok) return;
    await sleep(100);
  }
  throw new Error(`port ${port} not listening after ${ms} ms`);
}

/**
 * A syslog receiver on 127.0.0.1 (any port): each datagram's message, after the header's `]: `, is pushed to `lines`;
 * `raw`, when given, sees each datagram as received.
 */
export async function syslogSink(raw: ((datagram: string) => void) | null = null): Promise<{ sock: dgram.Socket; port: number; lines: string[] }> {
  const sock = dgram.createSocket('udp4');
  const lines: string[] = [];
  sock.on('message', (m) => {
    const s = m.toString('latin1');
    const i = s.indexOf(']: ');
    lines.push((i >= 0 ? s.slice(i + 3) : s).replace(/\n$/, ''));
    if (raw !== null) raw(s);
  });
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  return { sock, port: sock.address().port, lines };
}

/** utime + stime of a live process, in clock ticks (HZ per second). */
export function cpuTicks(pid: number): number {
  const [u, s] = cpuTicksSplit(pid);
  return u + s;
}

/** [utime, stime] of a live process, in clock ticks: user space and kernel apart. */
export function cpuTicksSplit(pid: number): [number, number] {
  const f = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
  const parts = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return [Number(parts[11]), Number(parts[12])];
}

/**
 * How the installed `sluice` command runs: package.json's bin file under `root` (or `file`) and its `#!/usr/bin/env -S
 * ...` line, i.e. node's flags and the environment once the line's `-u NAME` / `NAME=value` words are applied.
 */
export function sluiceBin(root: string, file?: string): { file: string; flags: string[]; env: NodeJS.ProcessEnv } {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { bin: Record<string, string> };
  const f = file !== undefined ? path.resolve(file) : path.join(root, pkg.bin.sluice);
  if (!fs.existsSync(f)) throw new Error(`${f} not found: run \`npm run build\` first`);
  const words = fs.readFileSync(f, 'latin1').split('\n', 1)[0].split(' ').slice(2);   // after "#!/usr/bin/env -S"
  const env = { ...process.env };
  const flags: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if (w === '-u') delete env[words[++i]];
    else if (w.startsWith('--')) flags.push(w);
    else if (w.includes('=')) env[w.slice(0, w.indexOf('='))] = w.slice(w.indexOf('=') + 1);
  }
  return { file: f, flags, env };
}

/** The middle value (upper middle for an even count); does not reorder `a`. */
export function median(a: number[]): number { const s = [...a].sort((x, y) => x - y); return s[Math.floor(s.length / 2)]; }

/** Starts `/usr/sbin/haproxy -db -f cfg`, or Sluice from source (tsx) in the checkout `root`; output ignored. */
export function spawnProxy(name: 'sluice' | 'haproxy', cfg: string, root: string): ChildProcess {
  return name === 'haproxy' ? spawn('/usr/sbin/haproxy', ['-db', '-f', cfg], { stdio: 'ignore' })
    : spawn(process.execPath, ['--import', 'tsx', path.join(root, 'proxy/main.ts'), '-f', cfg], { stdio: 'ignore', cwd: root });
}

/** A 1 s wrk warm-up, then `seconds` of wrk -t1 -c`conns` on `url`: req/s and CPU us per request of process `pid`. */
export function wrkCpu(pid: number, url: string, conns: number, seconds: number): { rps: number; cpuUs: number } {
  spawnSync('wrk', ['-t1', '-c' + conns, '-d1s', url]);          // warm-up (JIT, pools, caches)
  const t0 = cpuTicks(pid);
  const w = spawnSync('wrk', ['-t1', '-c' + conns, `-d${seconds}s`, url], { encoding: 'latin1' });
  const t1 = cpuTicks(pid);
  const m = /Requests\/sec:\s+([\d.]+)/.exec(w.stdout);
  const reqs = /(\d+) requests in/.exec(w.stdout);
  const n = reqs === null ? 0 : Number(reqs[1]);
  return { rps: m === null ? 0 : Number(m[1]), cpuUs: n === 0 ? 0 : ((t1 - t0) / HZ) * 1e6 / n };
}
