/*
 * Logging benchmarks (npm run bench:log). Loopback only, bounded (~1.5 min without wrk, plus ~1 min with it).
 *  1. emitter throughput: httplog lines/s, Sluice's compiled emitter vs a naive template-string formatter.
 *  2. event-loop cost per line of the ways to get a line out, paced at 10k and 100k lines/s to a collector process
 *     that sequence-checks %rt; per strategy: µs per line inside the calls, main-thread CPU µs per line (from
 *     /proc/self/task/<pid>/stat, minus a pacing-only baseline) and lines lost; interleaved rounds, medians.
 *     Strategies: `direct` (a Buffer per line, dgram.send without callback on the event loop), `direct+cb` (same with
 *     a send callback), `batched per turn` (lines queued, sent at the end of each loop turn), `sluice (batched)`
 *     (proxy/log/sender.ts: formatted into one batch buffer, write(2) per line on the socket's fd every <= 1 ms).
 *  3. zero loss at 100k lines/s: every line accounted for (Sluice drops / send errors, collector socket drops from
 *     /proc/net/udp, received with %rt sequence check).
 *  4. logging on/off: keep-alive req/s through `sluice` and through HAProxy 2.6 (reference) with and without a log
 *     target, and with the target's port closed (`log refused`: every send meets ECONNREFUSED / ICMP unreachable)
 *     (wrk, interleaved, medians; LOG_BENCH_CONNS, LOG_BENCH_ROUNDS, LOG_BENCH_WORKER=0, LOG_BENCH_REFUSED=0).
 */
import { spawn, execFileSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Proxy, StreamLog } from '../../proxy/model/types.ts';
import { PR_MODE_HTTP } from '../../proxy/model/types.ts';
import { newStreamLog } from '../../proxy/model/factories.ts';
import { PR_CAP_LISTEN } from '../../proxy/config/types.ts';
import { newLogCfg, newLogTarget } from '../../proxy/log/cfg.ts';
import { compileLogFormat } from '../../proxy/log/format.ts';
import { runLogEmitter, logStream } from '../../proxy/log/emit.ts';
import { putSyslogHeader } from '../../proxy/log/syslog.ts';
import { LOG_FORMAT_HTTPLOG } from '../../proxy/log/presets.ts';
import { LOG_FMT_LOCAL } from '../../proxy/log/types.ts';
import { logCounters, closeLogSinks, flushLogs, setLogUdpInWorker } from '../../proxy/log/sender.ts';
import { sluiceCmd } from '../edge/sluice-cmd.ts';

const fe = { name: 'fe_http', cap: PR_CAP_LISTEN, mode: PR_MODE_HTTP, options: 0, log: newLogCfg() } as unknown as Proxy;
const be = { name: 'be_app' } as unknown as Proxy;
const srv = { name: 's1', proxy: be } as unknown as StreamLog['server'];
const s: StreamLog = Object.assign(newStreamLog(fe), {
  acceptMs: Date.now(), acceptUs: 0, reqDateMs: Date.now(), tHandshake: 0, tIdle: 0, tRequest: 0, tQueue: 0,
  tConnect: 1, tResponse: 4, tData: 0, tTotal: 5, status: 200, bytesIn: 80, bytesOut: 160, errCause: 0, finishState: 0,
  cookieReq: '-', cookieRes: '-', cookieCapReq: '', cookieCapRes: '', actconn: 12, feconn: 11, beconn: 10, srvconn: 5,
  retries: 0, redispatched: false,
  srvQueue: 0, backendQueue: 0, clientIp: '127.0.0.1', clientPort: 55134, frontendIp: '127.0.0.1', frontendPort: 8080,
  backendSrcIp: '127.0.0.1', backendSrcPort: 40000, serverIp: '127.0.0.1', serverPort: 9000, frontend: fe, backend: be,
  server: srv, bindName: '', reqCaptures: ['www.example.com', 'curl/7.88.1'], resCaptures: ['text/plain'],
  declaredCaptures: [], method: 'GET', uri: '/api/items?id=42', httpVersion: 'HTTP/1.1',
  reqLine: 'GET /api/items?id=42 HTTP/1.1', uniqueId: '', reqCounter: 1, connCounter: 1,
});

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const p2 = (n: number): string => (n < 10 ? '0' + n : '' + n);
const p3 = (n: number): string => (n < 10 ? '00' + n : n < 100 ? '0' + n : '' + n);

/** The obvious implementation: a template string per line (date formatted per line), then a Buffer. */
function naiveHttplog(x: StreamLog): Buffer {
  const d = new Date(x.reqDateMs);
  const date = `${p2(d.getDate())}/${MONTHS[d.getMonth()]}/${d.getFullYear()}:${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())}.${p3(d.getMilliseconds())}`;
  const esc = (v: string | null): string => (v ?? '').replace(/[\x00-\x1f"#{|}\x7f-\xff]/g, (c) => '#' + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0'));
  const line = `${x.clientIp}:${x.clientPort} [${date}] ${x.frontend.name} ${x.backend?.name ?? x.frontend.name}/${x.server?.name ?? '<NOSRV>'} ` +
    `${x.tRequest}/${x.tQueue}/${x.tConnect}/${x.tResponse}/${x.tTotal - x.tHandshake - x.tIdle} ${x.status} ${x.bytesOut} - - ` +
    `${'-CSPRIDKUcsL'[x.errCause]}${'-RQCHDLT'[x.finishState]}-- ${x.actconn}/${x.feconn}/${x.beconn}/${x.srvconn}/${x.retries} ` +
    `${x.srvQueue}/${x.backendQueue} {${x.reqCaptures.map(esc).join('|')}} {${x.resCaptures.map(esc).join('|')}} "${x.reqLine.replace(/["#]/g, (c) => '#' + c.charCodeAt(0).toString(16).toUpperCase())}"`;
  return Buffer.from(line, 'latin1');
}

function median(a: number[]): number {
  const b = [...a].sort((x, y) => x - y);
  return b.length === 0 ? NaN : b.length % 2 === 1 ? b[b.length >> 1] : (b[b.length / 2 - 1] + b[b.length / 2]) / 2;
}

function rate(fn: () => void, ms: number): number {
  const end = performance.now() + ms;
  let n = 0;
  while (performance.now() < end) { for (let i = 0; i < 1000; i++) fn(); n += 1000; }
  return n / (ms / 1000);
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** CPU time (ms) of the main thread so far (utime + stime of task <pid>, clock ticks of 10 ms). */
function mainThreadCpuMs(): number {
  const st = fs.readFileSync(`/proc/self/task/${process.pid}/stat`, 'latin1');
  const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
}

// ---- 1. formatting ----------------------------------------------------------------------------------------------

function benchFormat(): void {
  const c = compileLogFormat(LOG_FORMAT_HTTPLOG);
  if (!c.ok) throw new Error(c.error);
  const em = c.emitter;
  const buf = Buffer.allocUnsafe(70000);
  const a = runLogEmitter(em, fe, s, buf, 65536);
  if (buf.toString('latin1', 0, a) !== naiveHttplog(s).toString('latin1')) throw new Error('formatters disagree');
  const sluice: number[] = [];
  const naive: number[] = [];
  let sink = 0;
  for (let r = 0; r < 5; r++) {
    sluice.push(rate(() => { s.reqCounter++; sink += runLogEmitter(em, fe, s, buf, 65536); }, 500));
    naive.push(rate(() => { s.reqCounter++; sink += naiveHttplog(s).length; }, 500));
  }
  console.log('1. httplog formatting (lines/s, median of 5)');
  console.log(`   sluice emitter : ${fmt(median(sluice))}  (${(1e6 / median(sluice)).toFixed(2)} µs/line)`);
  console.log(`   naive template : ${fmt(median(naive))}`);
  console.log(`   ratio          : ${(median(sluice) / median(naive)).toFixed(2)}x  (${sink > 0 ? 'ok' : ''})`);
}

// ---- 2./3. strategies against a collector process ------------------------------------------------------------

interface Collector { port: number; reset(): Promise<void>; count(): Promise<{ n: number; gaps: number }>; kill(): void }

/**
 * The collector process: read(2) on the socket's fd in a loop (no 'message' event per datagram, ~2 µs each) until
 * EAGAIN, then a 1 ms timer; 8 MiB receive buffer (4 MiB rmem_max, doubled). Sequence-checks the trailing %rt.
 */
async function startCollector(): Promise<Collector> {
  const child = spawn(process.execPath, ['-e', `
    const fs = require('node:fs');
    const s = require('node:dgram').createSocket({ type: 'udp4', recvBufferSize: 8 << 20 });
    let n = 0, gaps = 0, last = -1, fd = -1;
    const buf = Buffer.allocUnsafe(65536);
    function onLine(m, len) {
      n++; const i = m.lastIndexOf(32, len - 2); const v = +m.toString('latin1', i + 1, len - 1);
      if (last >= 0 && v !== last + 1) gaps++; last = v;
    }
    function drain() {
      if (fd < 0) return;
      for (;;) {
        let len;
        try { len = fs.readSync(fd, buf, 0, 65536, null); } catch (e) { break; }
        onLine(buf, len);
      }
    }
    function pump() { drain(); setTimeout(pump, 1); }
    s.bind(0, '127.0.0.1', () => {
      // libuv reads the socket from bind on (and drops what no 'message' listener takes): stop it, read the fd
      for (const k of Object.getOwnPropertySymbols(s)) { const v = s[k];
        if (v && typeof v === 'object' && v.handle && v.handle.fd >= 0) { v.handle.recvStop(); fd = v.handle.fd; } }
      if (fd < 0) s.on('message', (m) => onLine(m, m.length)); else pump();
      process.stdout.write(s.address().port + '\\n');
    });
    process.stdin.on('data', (d) => { drain(); if (d[0] === 0x72) { n = 0; gaps = 0; last = -1; }
      process.stdout.write(JSON.stringify({ n, gaps }) + '\\n'); });
  `], { stdio: ['pipe', 'pipe', 'inherit'] });
  const port = await new Promise<number>((res) => child.stdout.once('data', (d: Buffer) => res(Number(d.toString()))));
  const ask = (cmd: string): Promise<{ n: number; gaps: number }> => new Promise((res) => {
    child.stdout.once('data', (d: Buffer) => res(JSON.parse(d.toString())));
    child.stdin.write(cmd);
  });
  return { port, reset: async () => { await ask('r'); }, count: () => ask('?'), kill: () => child.kill() };
}

interface Strategy {
  name: string;
  setup(port: number): Promise<void>;
  line(): void;
  /** End of one loop turn (batched strategy sends here). */
  turn(): void;
  /** Waits until everything queued left the process (bounded). */
  drain(): Promise<void>;
  teardown(): Promise<void>;
}

const seqFormat = compileLogFormat(LOG_FORMAT_HTTPLOG + ' %rt');
if (!seqFormat.ok) throw new Error(seqFormat.error);
fe.log.emitter = seqFormat.emitter;
const oldMsg = Buffer.allocUnsafe(66000);
const oldHdr = Buffer.allocUnsafe(512);

/** The previous event-loop path: format, header, one Buffer per line (what the sender then owns). */
function oldLine(): Buffer {
  const n = runLogEmitter(fe.log.emitter!, fe, s, oldMsg, 65536);
  const us = Math.floor((performance.timeOrigin + performance.now()) * 1000);
  const h = putSyslogHeader(oldHdr, 0, LOG_FMT_LOCAL, 16, 6, us, 'haproxy', process.pid, '');
  const end = Math.min(h + n, 1024);
  const line = Buffer.allocUnsafe(end + 1);
  oldHdr.copy(line, 0, 0, h);
  oldMsg.copy(line, h, 0, end - h);
  line[end] = 0x0a;
  return line;
}

function noop(): void { /* send callback */ }

function directStrategy(name: string, withCb: boolean, batched: boolean): Strategy {
  let sock: dgram.Socket | null = null;
  const queue: Buffer[] = [];
  return {
    name,
    async setup(port) {
      const so = dgram.createSocket('udp4');
      sock = so;
      await new Promise<void>((res) => so.connect(port, '127.0.0.1', res));
    },
    line() {
      s.reqCounter++;
      const l = oldLine();
      if (batched) queue.push(l);
      else if (withCb) sock!.send(l, noop);
      else sock!.send(l);
    },
    turn() {
      if (!batched) return;
      for (let i = 0; i < queue.length; i++) sock!.send(queue[i]);
      queue.length = 0;
    },
    async drain() { for (let i = 0; i < 100 && sock!.getSendQueueCount() > 0; i++) await sleep(5); },
    async teardown() { sock!.close(); },
  };
}

/**
 * Sluice's path (proxy/log/emit.ts + sender.ts): formatted into the batch buffer, sent back to back every ~1 ms from
 * the event loop; or, `worker`, formatted into the ring and sent by the log worker thread (SLUICE_LOG_WORKER=1).
 */
function sluiceStrategy(name: string, worker = false): Strategy {
  return {
    name,
    async setup(port) {
      closeLogSinks();
      setLogUdpInWorker(worker);
      const t = newLogTarget('bench', 0);
      t.host = '127.0.0.1';
      t.port = port;
      fe.log.targets = [t];
      logStream(fe, s); // starts the worker (tsx loader) and connects the socket
      await sleep(400);
      flushLogs(2000);
    },
    line() { s.reqCounter++; logStream(fe, s); },
    turn() { /* nothing: the worker sends */ },
    async drain() { for (let i = 0; i < 200 && !flushLogs(0); i++) await sleep(5); },
    async teardown() { closeLogSinks(); setLogUdpInWorker(false); fe.log.targets = []; },
  };
}

const pacingOnly: Strategy = {
  name: 'pacing only', async setup() {}, line() { s.reqCounter++; }, turn() {}, async drain() {}, async teardown() {},
};

interface RunResult { inCallUs: number; cpuUs: number; lost: number; gaps: number; dropped: number; achieved: number }

/** Sends `lineRate` lines/s for `ms` through `st`, paced by 1 ms timers; measures time in calls and thread CPU. */
async function paced(st: Strategy, col: Collector, lineRate: number, ms: number): Promise<RunResult> {
  await col.reset();
  s.reqCounter = 0;
  const total = Math.round((lineRate * ms) / 1000);
  const dropped0 = logCounters.dropped;
  let sent = 0;
  let inCall = 0;
  const cpu0 = mainThreadCpuMs();
  const start = performance.now();
  await new Promise<void>((done) => {
    const timer = setInterval(() => {
      const t0 = performance.now();
      const due = Math.min(total, Math.floor(((t0 - start) * lineRate) / 1000));
      while (sent < due) { st.line(); sent++; }
      st.turn();
      inCall += performance.now() - t0;
      if (sent >= total) { clearInterval(timer); done(); }
    }, 1);
  });
  const took = performance.now() - start;
  const cpu = mainThreadCpuMs() - cpu0;
  await st.drain();
  // until the collector has read everything (it may be behind on a busy machine): the count stops growing
  let c = await col.count();
  for (let i = 0; i < 60; i++) {
    await sleep(50);
    const c2 = await col.count();
    if (c2.n === c.n && i >= 2) break;
    c = c2;
  }
  return {
    inCallUs: (inCall * 1000) / Math.max(sent, 1), cpuUs: (cpu * 1000) / Math.max(sent, 1),
    lost: st === pacingOnly ? 0 : sent - c.n, gaps: c.gaps, dropped: logCounters.dropped - dropped0,
    achieved: sent / (took / 1000),
  };
}

async function benchStrategies(col: Collector): Promise<void> {
  const strategies = [
    directStrategy('direct (old path)', false, false),
    directStrategy('direct+cb', true, false),
    directStrategy('batched per turn', false, true),
    sluiceStrategy('sluice (batched)'),
    sluiceStrategy('sluice via worker', true),
  ];
  const ROUNDS = 3;
  const RUN_MS = 1200;
  for (const lineRate of [10_000, 100_000]) {
    const res = new Map<string, RunResult[]>();
    for (let r = 0; r < ROUNDS; r++) {
      for (const st of [pacingOnly, ...strategies]) {
        await st.setup(col.port);
        const x = await paced(st, col, lineRate, RUN_MS);
        await st.teardown();
        if (!res.has(st.name)) res.set(st.name, []);
        res.get(st.name)!.push(x);
      }
    }
    const base = median(res.get(pacingOnly.name)!.map((x) => x.cpuUs));
    console.log(`2. ${fmt(lineRate)} lines/s for ${RUN_MS} ms, medians of ${ROUNDS} interleaved rounds ` +
      `(pacing baseline ${base.toFixed(2)} µs/line CPU subtracted)`);
    console.log('   strategy              in-call µs/line  main CPU µs/line  achieved/s   lost  dropped  gaps');
    for (const st of strategies) {
      const a = res.get(st.name)!;
      console.log('   ' + st.name.padEnd(22) + median(a.map((x) => x.inCallUs)).toFixed(2).padStart(15) +
        Math.max(0, median(a.map((x) => x.cpuUs)) - base).toFixed(2).padStart(18) +
        fmt(median(a.map((x) => x.achieved))).padStart(12) + fmt(median(a.map((x) => x.lost))).padStart(7) +
        fmt(median(a.map((x) => x.dropped))).padStart(9) + fmt(median(a.map((x) => x.gaps))).padStart(6));
    }
  }
}

/** Datagrams the kernel dropped at a loopback UDP socket bound to `port` (receive buffer full): /proc/net/udp. */
function udpSocketDrops(port: number): number {
  const hex = ':' + port.toString(16).toUpperCase().padStart(4, '0');
  let drops = 0;
  for (const line of fs.readFileSync('/proc/net/udp', 'latin1').split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length > 12 && f[1].endsWith(hex)) drops += Number(f[f.length - 1]);
  }
  return drops;
}

/**
 * 3. Zero loss at 100k lines/s: Sluice's sender paced at 100,000 httplog lines/s (unique %rt) for 2 s to the
 * collector process; every line is accounted for: counted as dropped / send errors by Sluice, dropped by the kernel
 * at the collector's socket (receive buffer full: the receiver fell behind), or missing without explanation.
 */
async function benchZeroLoss(col: Collector): Promise<void> {
  const RATE = 100_000;
  const MS = 2000;
  const ROUNDS = 3;
  const st = sluiceStrategy('sluice');
  console.log(`3. zero loss at ${fmt(RATE)} lines/s (${MS / 1000} s runs, ${ROUNDS} rounds; collector: read(2) loop, ` +
    'rcvbuf 8 MiB; %rt sequence-checked)');
  console.log('   round  achieved/s     sent  sluice dropped  send errors  collector rcvbuf drops  received  ' +
    'unexplained  gaps');
  const lost: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    s.reqCounter = 10_000_000;
    await st.setup(col.port);
    const drops0 = udpSocketDrops(col.port);
    const errors0 = logCounters.errors;
    const x = await paced(st, col, RATE, MS);
    await st.teardown();
    const kdrops = udpSocketDrops(col.port) - drops0;
    const sent = Math.round((RATE * MS) / 1000);
    const received = sent - x.lost;
    lost.push(x.lost);
    console.log('   ' + String(r + 1).padStart(5) + fmt(x.achieved).padStart(12) + fmt(sent).padStart(9) +
      fmt(x.dropped).padStart(16) + fmt(logCounters.errors - errors0).padStart(13) + fmt(kdrops).padStart(24) +
      fmt(received).padStart(10) + fmt(Math.max(0, x.lost - x.dropped - kdrops)).padStart(13) + fmt(x.gaps).padStart(6));
  }
  console.log(`   lines lost per round: ${lost.join(', ')}  (achieved < ${fmt(RATE)}/s: the paced loop fell behind on ` +
    'a busy machine and the run took longer; no line is skipped)');
}

// ---- 4. logging on/off through the proxy with wrk ----------------------------------------------------------------

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');

function freePort(): Promise<number> {
  return new Promise((res) => {
    const srvr = net.createServer();
    srvr.listen(0, '127.0.0.1', () => { const p = (srvr.address() as net.AddressInfo).port; srvr.close(() => res(p)); });
  });
}

/**
 * Runs Sluice on `cfg` in a child process as the `sluice` bin does (bench/edge/sluice-cmd.ts: dist/proxy/main.cjs
 * with its shebang's node flags and environment, plus SLUICE_NODE_FLAGS, when built and newer than the proxy/
 * sources, else proxy/main.ts under tsx).
 */
async function startSluice(cfg: string, worker = false): Promise<ChildProcess> {
  const cmd = sluiceCmd(ROOT, (process.env.SLUICE_NODE_FLAGS ?? '').split(' ').filter((a) => a !== ''));
  sluiceArgs = cmd.desc;
  const env = { ...cmd.env, SLUICE_LOG_WORKER: worker ? '1' : '0' };
  const child = spawn(cmd.argv[0], [...cmd.argv.slice(1), '-f', cfg, '-d'], { stdio: ['ignore', 'ignore', 'pipe'], cwd: ROOT, env });
  child.stderr!.resume();
  return child;
}

let sluiceArgs = '';

async function waitListening(port: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const ok = await new Promise<boolean>((res) => {
      const c = net.connect(port, '127.0.0.1', () => { c.destroy(); res(true); });
      c.on('error', () => res(false));
    });
    if (ok) return;
    await sleep(50);
  }
  throw new Error('proxy did not listen on ' + port);
}

/** CPU ms of process `pid`: [main thread, all other threads] (/proc, 10 ms ticks). */
function procCpuMs(pid: number): [number, number] {
  let main = 0;
  let other = 0;
  for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
    const st = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'latin1');
    const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
    const ms = (Number(f[11]) + Number(f[12])) * 10;
    if (Number(tid) === pid) main += ms; else other += ms;
  }
  return [main, other];
}

/** Runs wrk; returns [requests/s, requests completed]. */
function wrk(port: number, secs: number, conns: number): [number, number] {
  const out = execFileSync('/usr/bin/wrk', ['-t1', `-c${conns}`, `-d${secs}s`, `http://127.0.0.1:${port}/`], { encoding: 'latin1' });
  const r = /Requests\/sec:\s+([\d.]+)/.exec(out);
  const n = /(\d+) requests in/.exec(out);
  return [r === null ? NaN : Number(r[1]), n === null ? NaN : Number(n[1])];
}

/**
 * A light loopback collector for section 4 (the machine has 2 cores, so a Node collector's CPU would be charged to
 * logging): socat receiving datagrams into `wc -l`. Falls back to the Node collector without socat.
 */
async function lightCollector(col: Collector): Promise<{ port: number; count(): Promise<number> }> {
  if (!fs.existsSync('/usr/bin/socat')) return { port: col.port, count: async () => (await col.count()).n };
  const port = await freePort();
  const wc = spawn('/usr/bin/wc', ['-l'], { stdio: ['pipe', 'pipe', 'ignore'] });
  const socat = spawn('/usr/bin/socat', ['-u', `UDP4-RECV:${port},bind=127.0.0.1,rcvbuf=4194304`, '-'],
    { stdio: ['ignore', wc.stdin!, 'ignore'] });
  wc.stdin!.destroy();
  await sleep(200);
  return {
    port,
    count: () => new Promise((res) => {
      wc.stdout!.once('data', (d: Buffer) => res(Number(d.toString().trim())));
      socat.kill();
    }),
  };
}

interface OnOffCfg { proxy: 'sluice' | 'haproxy'; on: boolean; name: string; port: number; file: string; worker: boolean }

/**
 * 4. Logging on/off through the proxy: keep-alive req/s with and without `option httplog` to a UDP collector, for
 * Sluice (the dist bin with its shebang flags) and, as the reference, HAProxy 2.6 nbthread 1 on the same config;
 * interleaved rounds, medians. Also proxy CPU per request (main thread / other threads) and peak RSS.
 */
async function benchOnOff(col0: Collector): Promise<void> {
  if (!fs.existsSync('/usr/bin/wrk')) { console.log('4. skipped: /usr/bin/wrk not installed'); return; }
  // The backend must outrun the proxy, and run outside this process (wrk runs synchronously here): HAProxy answering
  // `http-request return` itself.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-logbench-'));
  const bport = await freePort();
  fs.writeFileSync(path.join(dir, 'backend.cfg'), ['defaults', '  mode http', '  timeout client 30s', '',
    'frontend be', `  bind 127.0.0.1:${bport}`, '  http-request return status 200 content-type text/plain string ok', ''].join('\n'));
  const backend = spawn('/usr/sbin/haproxy', ['-f', path.join(dir, 'backend.cfg'), '-db'], { stdio: 'ignore' });
  await waitListening(bport);
  const col = await lightCollector(col0);
  const cfgs: OnOffCfg[] = [];
  for (const proxy of ['sluice', 'haproxy'] as const) {
    for (const on of [false, true]) {
      const port = await freePort();
      const file = path.join(dir, `${proxy}-${on ? 'on' : 'off'}.cfg`);
      fs.writeFileSync(file, [
        'global', '  maxconn 1000', ...(proxy === 'haproxy' ? ['  nbthread 1'] : []),
        ...(on ? [`  log 127.0.0.1:${col.port} local0`] : []), '',
        'defaults', '  mode http', '  timeout connect 5s', '  timeout client 30s', '  timeout server 30s',
        ...(on ? ['  log global', '  option httplog'] : []), '',
        'frontend fe', `  bind 127.0.0.1:${port}`, '  default_backend be', '',
        'backend be', `  server s1 127.0.0.1:${bport}`, '',
      ].join('\n'));
      cfgs.push({ proxy, on, name: `${proxy} logging ${on ? 'on' : 'off'}`, port, file, worker: false });
      if (proxy === 'sluice' && on && process.env.LOG_BENCH_WORKER !== '0') {
        // the same config, UDP sent by the log worker thread (SLUICE_LOG_WORKER=1)
        const wport = await freePort();
        const wfile = path.join(dir, 'sluice-worker.cfg');
        fs.writeFileSync(wfile, fs.readFileSync(file, 'latin1').replace(`bind 127.0.0.1:${port}`, `bind 127.0.0.1:${wport}`));
        cfgs.push({ proxy, on, name: 'sluice log via worker', port: wport, file: wfile, worker: true });
      }
      if (on && process.env.LOG_BENCH_REFUSED !== '0') {
        // the same config logging to a port where nothing listens (ICMP port unreachable, ECONNREFUSED on sends)
        const rport = await freePort();
        const closed = await freePort();
        const rfile = path.join(dir, `${proxy}-refused.cfg`);
        fs.writeFileSync(rfile, fs.readFileSync(file, 'latin1').replace(`bind 127.0.0.1:${port}`, `bind 127.0.0.1:${rport}`)
          .replace(`log 127.0.0.1:${col.port} `, `log 127.0.0.1:${closed} `));
        cfgs.push({ proxy, on: false, name: `${proxy} log refused`, port: rport, file: rfile, worker: false });
      }
    }
  }
  const haproxy = fs.existsSync('/usr/sbin/haproxy');
  const used = haproxy ? cfgs : cfgs.filter((c) => c.proxy === 'sluice');
  const procs: ChildProcess[] = [];
  const conns = Number(process.env.LOG_BENCH_CONNS ?? 16);
  try {
    for (const c of used) {
      procs.push(c.proxy === 'sluice' ? await startSluice(c.file, c.worker)
        : spawn('/usr/sbin/haproxy', ['-f', c.file, '-db'], { stdio: 'ignore' }));
      await waitListening(c.port);
    }
    for (const c of used) wrk(c.port, 1, conns); // warm-up (JIT, pools); its lines are counted too, not compared
    const rps = new Map<string, number[]>(used.map((c) => [c.name, []]));
    const mainUs = new Map<string, number[]>(used.map((c) => [c.name, []]));
    const otherUs = new Map<string, number[]>(used.map((c) => [c.name, []]));
    const VARIANTS: [string, string, string][] = [['sluice', 'sluice logging on', 'sluice logging off'],
      ['sluice worker', 'sluice log via worker', 'sluice logging off'], ['haproxy', 'haproxy logging on', 'haproxy logging off'],
      ['sluice refused', 'sluice log refused', 'sluice logging off'], ['haproxy refused', 'haproxy log refused', 'haproxy logging off']];
    const ratios = new Map<string, number[]>(VARIANTS.map((v) => [v[0], []]));
    let logged = 0;
    const ROUNDS = Number(process.env.LOG_BENCH_ROUNDS ?? 6);
    const SECS = 2;
    for (let r = 0; r < ROUNDS; r++) {
      const order = r % 2 === 0 ? used : [...used].reverse();
      const got = new Map<string, number>();
      for (const c of order) {
        const pid = procs[used.indexOf(c)].pid!;
        const cpu0 = procCpuMs(pid);
        const [x, n] = wrk(c.port, SECS, conns);
        const cpu1 = procCpuMs(pid);
        mainUs.get(c.name)!.push(((cpu1[0] - cpu0[0]) * 1000) / n);
        otherUs.get(c.name)!.push(((cpu1[1] - cpu0[1]) * 1000) / n);
        rps.get(c.name)!.push(x);
        got.set(c.name, x);
        if (c.on) logged += n;
      }
      for (const [key, onName, offName] of VARIANTS) {
        const on = got.get(onName);
        const off = got.get(offName);
        if (on !== undefined && off !== undefined) ratios.get(key)!.push(on / off);
      }
    }
    await sleep(300);
    const peakRss = procs.map((p) => Math.round(Number(/VmHWM:\s+(\d+)/.exec(fs.readFileSync(`/proc/${p.pid}/status`, 'latin1'))![1]) / 1024));
    const got = await col.count();
    console.log(`4. keep-alive req/s, logging off vs on (wrk -t1 -c${conns}, ${ROUNDS} interleaved ${SECS} s rounds, ` +
      `medians; backend: haproxy \`http-request return\`; sluice: ${sluiceArgs}; haproxy 2.6 nbthread 1; target: ` +
      'sluice cost <= 10%)');
    for (const c of used) {
      console.log(`   ${c.name.padEnd(21)}: ${fmt(median(rps.get(c.name)!)).padStart(7)} req/s   CPU per request: main ` +
        `thread ${median(mainUs.get(c.name)!).toFixed(1)} µs, other threads ${median(otherUs.get(c.name)!).toFixed(1)} µs, ` +
        `peak RSS ${peakRss[used.indexOf(c)]} MB   [${rps.get(c.name)!.map(fmt).join(', ')}]`);
    }
    for (const [key, onName, offName] of VARIANTS) {
      const rs = ratios.get(key)!;
      if (rs.length === 0) continue;
      const on = median(rps.get(onName)!);
      const off = median(rps.get(offName)!);
      const dMain = median(mainUs.get(onName)!) - median(mainUs.get(offName)!);
      const dCpu = dMain + median(otherUs.get(onName)!) - median(otherUs.get(offName)!);
      console.log(`   ${(key + ' cost').padEnd(21)}: ${((1 - median(rs)) * 100).toFixed(1)}% median of per-round on/off ` +
        `ratios, ${((1 - on / off) * 100).toFixed(1)}% of medians; +${dCpu.toFixed(1)} µs CPU per request ` +
        `(main thread +${dMain.toFixed(1)})`);
    }
    // wrk counts completed requests; requests cut at the end of a run are logged too (up to `conns` per run)
    console.log(`   lines                : ${fmt(logged)} requests completed with logging on (+ warm-up), ${fmt(got)} lines ` +
      `received, missing ${fmt(Math.max(0, logged - got))}`);
  } finally {
    for (const p of procs) p.kill('SIGTERM');
    backend.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const only = process.argv[2] ?? 'all';
  if (only === 'all' || only === 'format') benchFormat();
  const col = await startCollector();
  try {
    if (only === 'all' || only === 'paths') await benchStrategies(col);
    if (only === 'all' || only === 'loss') await benchZeroLoss(col);
    if (only === 'all' || only === 'wrk') await benchOnOff(col);
  } finally {
    col.kill();
    closeLogSinks();
  }
}

await main();
