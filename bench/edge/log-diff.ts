/*
 * Generative log-format differential against HAProxy 2.6 (/usr/sbin/haproxy): SEED/COUNT generate frontends
 * (bench/edge/log-diff-gen.ts), each is first checked alone with `haproxy -c` and with Sluice's loader (accept/reject,
 * and the file:line of each rejection), then the accepted ones run in one config per proxy, side by side, with the
 * same traffic; every datagram of each frontend (its own UDP port) is masked (dates, pids, ports, timer values) and
 * compared line by line. Prints a summary and one block per difference. Not a test; bounded (~1-2 min).
 * Run: node --import tsx bench/edge/log-diff.ts   env: SEED=1 COUNT=40 OUT=dir SLUICE="node --import tsx proxy/main.ts"
 *   (default: the sluice bin as users run it when built, see sluice-cmd.ts)
 *      GOLDEN=fixtures/log/diff  (write haproxy's lines and the corpus there, for test/e2e/log/log-diff.test.ts)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import dgram from 'node:dgram';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import {
  genFrontends, configHead, frontendText, HTTP_TRAFFIC, TCP_TRAFFIC, play, httpServer, echoServer, maskLine, HOSTS_MAP,
  type FeSpec, type RunValues,
} from './log-diff-gen.ts';
import { buildRegistry } from '../../proxy/modules.ts';
import { loadConfig } from '../../proxy/config/loader.ts';
import { keywords as httpKeywords } from '../../proxy/http/keywords.ts';
import { sluiceCmd } from './sluice-cmd.ts';

const SEED = Number(process.env.SEED ?? 1);
const COUNT = Number(process.env.COUNT ?? 40);
const OUT = process.env.OUT ?? fs.mkdtempSync(path.join(os.tmpdir(), 'log-diff-'));
const ROOT = new URL('../../', import.meta.url).pathname;
const SLUICE_CMD = process.env.SLUICE !== undefined ? { argv: process.env.SLUICE.split(' '), env: process.env, desc: process.env.SLUICE } : sluiceCmd(ROOT);
const SLUICE = SLUICE_CMD.argv;
const HAPROXY = process.env.HAPROXY ?? '/usr/sbin/haproxy';
const GOLDEN = process.env.GOLDEN ?? '';
fs.mkdirSync(OUT, { recursive: true });
const DIR = GOLDEN !== '' ? path.resolve(GOLDEN) : OUT;
fs.mkdirSync(DIR, { recursive: true });
fs.writeFileSync(path.join(DIR, 'hosts.map'), HOSTS_MAP);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** `file:line` references of a checker's output. */
function lineRefs(text: string): string[] {
  return [...new Set([...text.matchAll(/\[([^\]\s]+:\d+)\]/g)].map((m) => path.basename(m[1])))].sort();
}

function sluiceCheck(file: string): { ok: boolean; text: string } {
  const reg = buildRegistry();
  if (!reg.sections.get('frontend')?.get('http-request')) reg.register(httpKeywords);
  const cfg = loadConfig([file], reg);
  return { ok: cfg.alerts === 0, text: cfg.messages.map((m) => m.text).join('\n') };
}

/**
 * `n` distinct free ports below the kernel's ephemeral range (no outgoing connection of another program takes them
 * meanwhile); each stays held until all are chosen (two sides must never share one).
 */
async function freePorts(n: number): Promise<number[]> {
  const held: net.Server[] = [];
  const out: number[] = [];
  while (out.length < n) {
    const port = 20000 + Math.floor(Math.random() * 12000);
    if (out.includes(port)) continue;
    const s = net.createServer();
    const ok = await new Promise<boolean>((r) => { s.once('error', () => r(false)); s.listen(port, '127.0.0.1', () => r(true)); });
    if (!ok) continue;
    held.push(s);
    out.push(port);
  }
  await Promise.all(held.map((h) => new Promise((r) => h.close(r))));
  return out;
}

/** Resolves once 127.0.0.1:port is in LISTEN state (/proc/net/tcp), without connecting to it. */
async function waitListen(port: number, ms: number): Promise<void> {
  const key = '0100007F:' + port.toString(16).toUpperCase().padStart(4, '0');
  for (const until = Date.now() + ms; Date.now() < until; await sleep(50)) {
    const t = fs.readFileSync('/proc/net/tcp', 'latin1');
    for (const l of t.split('\n')) { const f = l.trim().split(/\s+/); if (f[1] === key && f[3] === '0A') return; }
  }
  throw new Error(`port ${port} not listening after ${ms} ms`);
}

interface Side { name: string; child: ChildProcess; sinks: Map<string, string[]>; values: RunValues; fePorts: Map<string, number> }

async function startSide(name: string, argv: string[], fes: FeSpec[], pool: number[]): Promise<Side> {
  const ports = new Set<number>();
  const srv = await httpServer(ports);
  const echo = await echoServer(ports);
  const sp = (s: typeof srv): number => (s.address() as { port: number }).port;
  ports.add(sp(srv));
  ports.add(sp(echo));
  let cfg = configHead(SEED, sp(srv), sp(echo));
  const sinks = new Map<string, string[]>();
  const fePorts = new Map<string, number>();
  for (const fe of fes) {
    const lines: string[] = [];
    const sock = dgram.createSocket('udp4');
    sock.on('message', (m) => lines.push(m.toString('latin1')));
    await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
    sock.unref();
    sinks.set(fe.name, lines);
    const fp = pool.pop()!;
    fePorts.set(fe.name, fp);
    ports.add(fp);
    cfg += frontendText(fe, fp, sock.address().port, DIR);
  }
  const file = path.join(OUT, name + '.cfg');
  fs.writeFileSync(file, cfg);
  const child = spawn(argv[0], [...argv.slice(1), '-db', '-f', file], { stdio: ['ignore', 'ignore', 'pipe'], cwd: ROOT, env: argv === SLUICE ? SLUICE_CMD.env : process.env });
  process.on('exit', () => { if (child.exitCode === null) child.kill('SIGKILL'); });     // also when a side fails to start
  child.stderr!.on('data', (d) => fs.appendFileSync(path.join(OUT, name + '.stderr'), d));
  // listening sockets are looked up in /proc/net/tcp: a probe connection would be logged (late under load)
  for (const p of fePorts.values()) await waitListen(p, 30000);
  srv.unref();
  echo.unref();
  return { name, child, sinks, values: { pid: child.pid ?? 0, ports }, fePorts };
}

async function runFrontend(side: Side, fe: FeSpec): Promise<void> {
  const sink = side.sinks.get(fe.name)!;
  const port = side.fePorts.get(fe.name)!;
  for (const ex of fe.mode === 'http' ? HTTP_TRAFFIC : TCP_TRAFFIC) {
    await play(port, ex, side.values.ports, fe.mode === 'tcp');
    await sleep(15);
  }
  let n = -1;
  for (let i = 0; i < 40 && sink.length !== n; i++) { n = sink.length; await sleep(150); }
}

/** A short label for a difference: the first differing space-separated field, with its neighbours. */
function diffClass(a: string, b: string): string {
  const x = a.split(' ');
  const y = b.split(' ');
  let i = 0;
  while (i < x.length && i < y.length && x[i] === y[i]) i++;
  return `field ${i}: haproxy ${JSON.stringify(x[i] ?? '<none>')} sluice ${JSON.stringify(y[i] ?? '<none>')}`;
}

async function main(): Promise<void> {
  const all = genFrontends(SEED, COUNT);
  const head = configHead(SEED, 1, 2);
  // 1. checks: each frontend alone
  const run: FeSpec[] = [];
  const checkRows: string[] = [];
  let checkSame = 0;
  for (const fe of all) {
    const file = path.join(OUT, `check-${fe.name}.cfg`);
    fs.writeFileSync(file, head + frontendText(fe, 10000 + Number(fe.name.slice(1)), 514, DIR));
    const h = spawnSync(HAPROXY, ['-c', '-f', file], { encoding: 'latin1' });
    const hOk = h.status === 0;
    const s = sluiceCheck(file);
    const hRefs = lineRefs(h.stderr + h.stdout);
    const sRefs = lineRefs(s.text);
    const same = hOk === s.ok && (hOk || hRefs.join() === sRefs.join());
    if (same) checkSame++;
    checkRows.push(JSON.stringify({ fe: fe.name, haproxy: hOk, sluice: s.ok, hRefs, sRefs,
      hMsg: (h.stderr + h.stdout).split('\n').filter((l) => /ALERT/.test(l)).join('\n'), sMsg: s.ok ? '' : s.text }));
    if (!same) {
      console.log(`CHECK ${fe.name}: haproxy ${hOk ? 'accepts' : 'rejects ' + hRefs.join(',')}, sluice ${s.ok ? 'accepts' : 'rejects ' + sRefs.join(',')}`);
      console.log('  ' + fe.lines.join('\n  '));
      if (!hOk) console.log('  haproxy: ' + (h.stderr + h.stdout).split('\n').filter((l) => /ALERT/.test(l)).slice(0, 3).join('\n  '));
      if (!s.ok) console.log('  sluice: ' + s.text.split('\n').slice(0, 3).join('\n  '));
    }
    if (hOk && (s.ok || GOLDEN !== '')) run.push(fe);
  }
  fs.writeFileSync(path.join(OUT, 'checks.jsonl'), checkRows.join('\n') + '\n');
  console.log(`checks: ${checkSame}/${all.length} same verdict (and same file:line when rejected)`);
  // 2. traffic
  const pool = await freePorts(2 * run.length);
  const sides = await Promise.all(GOLDEN !== '' ? [startSide('haproxy', [HAPROXY], run, pool)]
    : [startSide('haproxy', [HAPROXY], run, pool), startSide('sluice', SLUICE, run, pool)]);
  await sleep(300);
  for (const fe of run) await Promise.all(sides.map((s) => (s.fePorts.has(fe.name) ? runFrontend(s, fe) : Promise.resolve())));
  for (const s of sides) s.child.kill('SIGTERM');
  const h = sides[0];
  for (const s of sides) {
    fs.writeFileSync(path.join(OUT, s.name + '.lines'), run.map((fe) => s.sinks.get(fe.name)!.map((l) => fe.name + '\t' + JSON.stringify(l)).join('\n')).join('\n') + '\n');
  }
  if (GOLDEN !== '') {
    fs.writeFileSync(path.join(DIR, 'corpus.json'), JSON.stringify({ seed: SEED, count: COUNT, frontends: run }, null, 1) + '\n');
    const raw: string[] = [];
    const masked: string[] = [];
    for (const fe of run) {
      for (const l of h.sinks.get(fe.name)!) {
        raw.push(fe.name + '\t' + JSON.stringify(l));
        masked.push(fe.name + '\t' + JSON.stringify(maskLine(l, h.values, fe.preset)));
      }
    }
    fs.writeFileSync(path.join(DIR, 'haproxy.raw'), raw.join('\n') + '\n', 'latin1');
    fs.writeFileSync(path.join(DIR, 'haproxy.masked'), masked.join('\n') + '\n', 'latin1');
    fs.writeFileSync(path.join(DIR, 'checks.jsonl'), checkRows.join('\n') + '\n');
    fs.writeFileSync(path.join(DIR, 'CMD'), '# haproxy 2.6.12 (/usr/sbin/haproxy) lines for the frontends generated by bench/edge/log-diff-gen.ts\n' +
      '# (corpus.json: the frontends haproxy -c accepts; haproxy.raw: every datagram per frontend; haproxy.masked: the same\n' +
      '# through maskLine; checks.jsonl: haproxy -c vs Sluice per generated frontend), replayed by test/e2e/log/log-diff.test.ts:\n' +
      `GOLDEN=fixtures/log/diff SEED=${SEED} COUNT=${COUNT} node --import tsx bench/edge/log-diff.ts\n`);
    console.log(`golden: ${raw.length} lines of ${run.length} frontends written to ${DIR}`);
    return;
  }
  const sl = sides[1]!;
  let total = 0;
  let same = 0;
  const classes = new Map<string, number>();
  for (const fe of run) {
    const a = h.sinks.get(fe.name)!.map((l) => maskLine(l, h.values, fe.preset));
    const b = sl.sinks.get(fe.name)!.map((l) => maskLine(l, sl.values, fe.preset));
    const n = Math.max(a.length, b.length);
    for (let i = 0; i < n; i++) {
      total++;
      if (a[i] === b[i]) { same++; continue; }
      const c = a[i] === undefined || b[i] === undefined ? 'line count' : diffClass(a[i], b[i]);
      classes.set(c, (classes.get(c) ?? 0) + 1);
      console.log(`DIFF ${fe.name} #${i} ${fe.fmt !== '' ? 'log-format "' + fe.fmt + '"' : fe.preset}\n  haproxy ${JSON.stringify(a[i] ?? null)}\n  sluice  ${JSON.stringify(b[i] ?? null)}`);
    }
  }
  console.log(`\nlines: ${same}/${total} identical after masking (${run.length} frontends, seed ${SEED})`);
  for (const [c, k] of [...classes].sort((x, y) => y[1] - x[1])) console.log(`  ${k}  ${c}`);
  console.log(`out: ${OUT}`);
}

await main();
process.exit(0);
