/*
 * User-space instructions per request of the proxy's event-loop thread, counted by valgrind's callgrind: a measure
 * that the load of other processes does not move (CPU time per request varies by +-10 % on a shared 2-core machine;
 * this by a few %), for before/after checks of data-path changes. The proxy (package.json's bin, as `sluice` runs
 * it, or BIN/BASE files) runs under callgrind with instrumentation off behind nginx, logging httplog over UDP to this
 * process; WARM requests warm the JIT up, then N requests (CONNS at a time, `Connection: close` or keep-alive) are
 * counted. Prints Ir per request in total and outside the compiler and GC (V8's background threads are left out,
 * as is the kernel), per run and as medians; BASE=<other bin> alternates two builds. TOP=n lists the n functions
 * costing most (JS names from --perf-basic-prof; the bundle's are minified, BIN=dist/proxy/main.js has the source's).
 * Hot path: no.
 * SCEN=tcp: keep-alive requests through a `mode tcp` listener (tcplog) in front of the same nginx.
 * Run: npm run build && node --import tsx bench/proxy/callgrind.ts   env: SCEN=close,ka,tcp RUNS=3 N=2000 (ka, tcp: 2.5x)
 *   WARM=5000 CONNS=8 BIN=dist/proxy/main.cjs BASE=/tmp/base/dist/proxy/main.cjs TOP=0   (~1 min per run)
 */
import net from 'node:net';
import dgram from 'node:dgram';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { freePort, waitPort, median, sluiceBin } from '../_util/proxy-bench.ts';

const SCEN = (process.env.SCEN ?? 'close,ka').split(',');
const RUNS = Number(process.env.RUNS ?? 3);
const N = Number(process.env.N ?? 2000);
const WARM = Number(process.env.WARM ?? 5000);
const CONNS = Number(process.env.CONNS ?? 8);
const TOP = Number(process.env.TOP ?? 0);
const root = path.resolve(import.meta.dirname, '../..');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Functions of V8's optimizing compiler and garbage collector (they run in bursts: left out of the second count). */
const COMPILER_GC = /compiler::|Turbofan|Maglev|Heap::|Scaveng|MarkCompact|Marking|Sweeper|GCTracer|MemoryAllocator|IterateObjectCache|RootVisitor|Evacuat|RememberedSet|SlotSet|v8::internal::Parser|Compiler::|interpreter::BytecodeGenerator|Zone::/;

/** Keeps `total` requests going on `conns` connections to 127.0.0.1:port; resolves with the count of bad ones. */
function load(port: number, ka: boolean, total: number, conns: number): Promise<number> {
  const req = Buffer.from(`GET /k HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n${ka ? '' : 'Connection: close\r\n'}\r\n`);
  return new Promise((resolve) => {
    let started = 0, done = 0, bad = 0;
    const end = () => { if (++done === total) resolve(bad); };
    const oneClose = (): void => {
      if (started >= total) return;
      started++;
      const s = net.connect(port, '127.0.0.1');
      let got = 0;
      s.on('connect', () => s.write(req));
      s.on('data', (d: Buffer) => { got += d.length; });
      s.on('error', () => { bad++; });
      s.on('close', () => { if (got < 1024) bad++; end(); oneClose(); });
    };
    const oneKa = (): void => {
      const s = net.connect(port, '127.0.0.1');
      let got = 0, want = 0, head = '';
      const next = () => { if (started >= total) { s.destroy(); return; } started++; got = 0; want = 0; head = ''; s.write(req); };
      s.on('connect', next);
      // the next request goes once the whole response is in (head + Content-Length; nginx's own head through mode tcp)
      s.on('data', (d: Buffer) => {
        got += d.length;
        if (want === 0) {
          head += d.toString('latin1');
          const e = head.indexOf('\r\n\r\n');
          if (e < 0) return;
          want = e + 4 + Number(/content-length: *(\d+)/i.exec(head)?.[1] ?? 0);
        }
        if (got >= want) { end(); next(); }
      });
      s.on('error', () => { bad++; });
    };
    for (let i = 0; i < conns; i++) (ka ? oneKa : oneClose)();
  });
}

interface Run { ir: number; irOut: number; top: string }

/** One process under callgrind: warm-up, N counted requests, the dump of the event-loop thread. */
async function run(bin: ReturnType<typeof sluiceBin>, scen: string, bePort: number, logPort: number): Promise<Run> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-cg-'));
  const fe = await freePort();
  const tcp = await freePort();
  const ka = scen !== 'close';
  const port = scen === 'tcp' ? tcp : fe;
  const n = ka ? Math.round(N * 2.5) : N;
  fs.writeFileSync(path.join(dir, 's.cfg'), `global\n  maxconn 9600\n  log 127.0.0.1:${logPort} local0\ndefaults\n  mode http\n` +
    '  log global\n  option httplog\n  timeout client 30s\n  timeout server 30s\n  timeout connect 5s\n  timeout http-keep-alive 30s\n' +
    `frontend fe\n  bind 127.0.0.1:${fe}\n  default_backend be\nbackend be\n  http-reuse safe\n  server s1 127.0.0.1:${bePort} maxconn 1000\n` +
    `listen tcp\n  mode tcp\n  option tcplog\n  bind 127.0.0.1:${tcp}\n  server s1 127.0.0.1:${bePort}\n`);
  const vg = spawn('valgrind', ['--tool=callgrind', '--instr-atstart=no', '--separate-threads=yes', `--callgrind-out-file=${dir}/cg.out`,
    process.execPath, ...bin.flags, ...(TOP > 0 ? ['--perf-basic-prof'] : []), bin.file, '-db', '-f', path.join(dir, 's.cfg')],
  { stdio: ['ignore', 'ignore', 'ignore'], env: bin.env });
  const pid = String(vg.pid);
  try {
    await waitPort(port, 60000);
    await load(port, ka, ka ? Math.round(WARM * 2) : WARM, CONNS);
    spawnSync('callgrind_control', ['--instr=on', pid]);
    await sleep(300);
    spawnSync('callgrind_control', ['--zero', pid]);
    const bad = await load(port, ka, n, CONNS);
    if (bad > 0) throw new Error(`${bad} bad requests`);
    await sleep(300);
    spawnSync('callgrind_control', ['--dump', pid]);
  } finally {
    vg.kill('SIGTERM');
    await new Promise((r) => { vg.once('close', r); setTimeout(r, 10000); });
  }
  // the dump of thread 1 (the event loop); the other files are V8's workers and the exit dump
  let ir = 0, file = '';
  for (const f of fs.readdirSync(dir)) {
    if (!f.startsWith('cg.out')) continue;
    const txt = fs.readFileSync(path.join(dir, f), 'latin1');
    if (!/Trigger: dump/.test(txt) || !/^thread: 1$/m.test(txt)) continue;
    ir = Number(/^summary:\s+(\d+)/m.exec(txt)?.[1] ?? 0);
    file = path.join(dir, f);
  }
  const ann = spawnSync('callgrind_annotate', ['--threshold=100', '--inclusive=no', file], { encoding: 'latin1', maxBuffer: 1 << 28 }).stdout ?? '';
  let cgc = 0;
  const fns: [number, string][] = [];
  for (const l of ann.split('\n')) {
    const m = /^\s*([\d,]+)\s+\(\s*[\d.]+%\)\s+(.*)$/.exec(l);
    if (m === null || m[2].includes('PROGRAM TOTALS')) continue;
    const c = Number(m[1].replace(/,/g, ''));
    if (COMPILER_GC.test(m[2])) cgc += c; else fns.push([c, m[2]]);
  }
  let top = '';
  if (TOP > 0) {
    const names = perfMap(`/tmp/perf-${pid}.map`);
    top = fns.slice(0, TOP).map(([c, f]) => `    ${(c / n).toFixed(0).padStart(6)} ${names(f).slice(0, 140)}`).join('\n');
  }
  fs.rmSync(dir, { recursive: true, force: true });
  return { ir: ir / n, irOut: (ir - cgc) / n, top };
}

/** Replaces `???:0x...` JIT addresses in a callgrind function name by the JS function of node's perf map. */
function perfMap(file: string): (s: string) => string {
  const rows: [number, number, string][] = [];
  if (fs.existsSync(file)) {
    for (const l of fs.readFileSync(file, 'latin1').split('\n')) {
      const p = l.split(' ');
      if (p.length >= 3) rows.push([parseInt(p[0], 16), parseInt(p[1], 16), p.slice(2).join(' ')]);
    }
    fs.rmSync(file, { force: true });
  }
  return (s) => s.replace(/\?\?\?:0x([0-9a-f]+)/, (all, hex: string) => {
    const a = parseInt(hex, 16);
    const r = rows.find((x) => a >= x[0] && a < x[0] + x[1]);
    return r !== undefined ? r[2] : all;
  });
}

async function main(): Promise<void> {
  const bins = [sluiceBin(root, process.env.BIN)];
  if (process.env.BASE !== undefined) bins.push(sluiceBin(root, process.env.BASE));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-cg-ng-'));
  const bePort = await freePort();
  fs.mkdirSync(path.join(dir, 'www'));
  fs.writeFileSync(path.join(dir, 'www/k'), Buffer.alloc(1024, 97));
  fs.writeFileSync(path.join(dir, 'nginx.conf'), `daemon off; master_process off; worker_processes 1; pid ${dir}/nginx.pid;
error_log ${dir}/e.log crit; events { worker_connections 4000; }
http { access_log off; default_type text/plain; tcp_nodelay on; keepalive_requests 100000000; keepalive_timeout 300s;
  client_body_temp_path ${dir}/cbt; server { listen 127.0.0.1:${bePort} backlog=4096; root ${dir}/www; location / { } } }
`);
  const ng = spawn('/usr/sbin/nginx', ['-p', dir, '-e', `${dir}/e.log`, '-c', path.join(dir, 'nginx.conf')], { stdio: 'ignore' });
  const sink = dgram.createSocket('udp4');
  await new Promise<void>((r) => sink.bind(0, '127.0.0.1', () => r()));
  try {
    await waitPort(bePort, 5000);
    for (const scen of SCEN) {
      const res: Run[][] = bins.map(() => []);
      for (let i = 0; i < RUNS; i++) {
        for (let b = 0; b < bins.length; b++) {
          const r = await run(bins[b], scen, bePort, sink.address().port);
          res[b].push(r);
          console.log(`${scen.padEnd(5)} ${path.relative(root, bins[b].file).padEnd(30)} ${(r.ir / 1000).toFixed(1)}k Ir/req, ` +
            `outside compiler/GC ${(r.irOut / 1000).toFixed(1)}k` + (r.top !== '' ? '\n' + r.top : ''));
        }
      }
      for (let b = 0; b < bins.length; b++) {
        console.log(`${scen} median ${path.relative(root, bins[b].file)}: ${(median(res[b].map((x) => x.ir)) / 1000).toFixed(1)}k, ` +
          `outside compiler/GC ${(median(res[b].map((x) => x.irOut)) / 1000).toFixed(1)}k`);
      }
    }
  } finally {
    ng.kill('SIGTERM');
    sink.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => { console.error(e); process.exit(1); });
