/*
 * Live HTTP/1.1 differential run: Sluice (from source) and HAProxy 2.6 (/usr/sbin/haproxy) side by side with the same
 * configuration (fixtures/http/cases.mjs buildConfig: mode http, httplog to a UDP sink) and each its own set of
 * scripted raw-TCP upstreams. Every case's raw bytes go to both at once; compared: reply bytes (date-like values
 * masked), whether the proxy closed, the bytes the upstreams received, and the httplog lines (timers by shape).
 * Cases: the committed corpora (CANNED, CASES, CASES2, CASES3) and FUZZ seeded mutations of them. Not a test: prints
 * one line per difference and writes both sides of each to OUT. Loopback only, bounded (~0.5 s per case).
 * Run: node --import tsx bench/edge/http-diff.ts     env: ONLY=name,... SETS=canned,cases,cases2,cases3 FUZZ=200
 *      (request mutants) FUZZ_RSP=100 (mutants of the scripted upstream's replies) SEED=1 OUT=/tmp/http-diff
 *      HAPROXY=/usr/sbin/haproxy
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
// @ts-expect-error plain JS fixture modules shared with the capture script and the replay tests
import { CASES, CASES2, CANNED, SCRIPT, buildConfig, startUpstreams } from '../../fixtures/http/cases.mjs';
// @ts-expect-error plain JS fixture module
import { CASES3 } from '../../fixtures/proxy/http-diff/cases3.mjs';
// @ts-expect-error plain JS fixture module: the client the goldens were captured with
import { exchange } from '../../fixtures/http/capture.mjs';
import { mutateCase, mutateReplyCase } from './http-fuzz.ts';
import { freePort, waitPort, syslogSink } from '../_util/proxy-bench.ts';
import { sluiceCmd } from './sluice-cmd.ts';

interface Case { name: string; send: (string | number)[]; idleMs?: number; closeAfterSend?: boolean; fe?: number }
interface Upstreams { ports: Record<string, number>; reset(): void; received(): Buffer; close(): void }
interface Side { name: string; child: ChildProcess; logs: string[]; up: Upstreams; fe: number[] }

const root = path.resolve(import.meta.dirname, '../..');
const OUT = process.env.OUT ?? fs.mkdtempSync(path.join(os.tmpdir(), 'http-diff-'));
fs.mkdirSync(OUT, { recursive: true });
const SETS = new Set((process.env.SETS ?? 'canned,cases,cases2,cases3').split(','));
const ONLY = process.env.ONLY ? new Set(process.env.ONLY.split(',')) : null;
const FUZZ = Number(process.env.FUZZ ?? 0);
const FUZZ_RSP = Number(process.env.FUZZ_RSP ?? 0);
const SEED = Number(process.env.SEED ?? 1);

async function startSide(name: string, argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<Side> {
  const up = (await startUpstreams()) as Upstreams;
  const fe = [await freePort(), await freePort(), await freePort()];
  const sink = await syslogSink();
  const logs = sink.lines;
  const cfg = (buildConfig(fe[0], up.ports, fe[1], fe[2]) as string)
    .replace('log stdout format raw local0', `log 127.0.0.1:${sink.port} local0`);
  const file = path.join(OUT, `${name}.cfg`);
  fs.writeFileSync(file, cfg);
  const child = spawn(argv[0], [...argv.slice(1), '-db', '-f', file], { stdio: ['ignore', 'ignore', 'pipe'], cwd: root, env });
  child.stderr!.on('data', (d) => fs.appendFileSync(path.join(OUT, `${name}.stderr`), d));
  await waitPort(fe[0], 30000);   // Sluice compiles from source, slowly on a loaded machine
  await new Promise((r) => setTimeout(r, 300));
  logs.length = 0;
  child.on('exit', () => sink.sock.close());
  return { name, child, logs, up, fe };
}

/** Reply bytes with values that differ between runs masked: Date headers and cookie-date-like stamps. */
function maskReply(s: string): string {
  return s.replace(/\r\ndate: [^\r\n]*/gi, '\r\ndate: D');
}

/** An httplog line with client address, dates and timer values masked (timers keep their shape: -1, N, +N). */
function maskLog(l: string): string {
  return l.replace(/^[0-9.]+:[0-9]+ \[[^\]]+\]/, 'C [D]')
    .replace(/ (-?\d+\/-?\d+\/-?\d+\/-?\d+\/\+?-?\d+) /, (_m, t: string) =>
      ' ' + t.split('/').map((v) => (v === '-1' ? '-1' : v.startsWith('+') ? '+N' : 'N')).join('/') + ' ');
}

async function runOne(side: Side, c: Case): Promise<{ reply: string; end: string; up: string; log: string[] }> {
  side.up.reset();
  side.logs.length = 0;
  const port = side.fe[c.fe === 2 ? 1 : c.fe === 3 ? 2 : 0];
  const r = await exchange(port, c.send, c.idleMs ?? 400, c.closeAfterSend ?? false) as { buf: Buffer; closed: boolean };
  await new Promise((res) => setTimeout(res, 150));
  return { reply: maskReply(r.buf.toString('latin1')), end: r.closed ? 'closed' : 'open', up: side.up.received().toString('latin1'), log: side.logs.map(maskLog) };
}

function short(s: string, n = 160): string {
  return JSON.stringify(s.length > n ? s.slice(0, n) + '...' : s);
}

async function main(): Promise<void> {
  const sets: Record<string, Case[]> = { canned: CANNED, cases: CASES, cases2: CASES2, cases3: CASES3 };
  let cases: Case[] = [];
  for (const [k, v] of Object.entries(sets)) if (SETS.has(k)) cases.push(...v);
  if (ONLY) cases = [...CANNED, ...CASES, ...CASES2, ...CASES3].filter((c: Case) => ONLY.has(c.name));
  // request mutants start from the one-write cases of the default frontend (the same list gives the same mutants)
  const reqSeeds = [...CASES, ...CASES2, ...CASES3].filter((c: Case) => c.send.length === 1 && typeof c.send[0] === 'string' && !c.fe && (c.send[0] as string).length < 4000);
  for (let i = 0; i < FUZZ; i++) cases.push(mutateCase(reqSeeds, SEED * 100003 + i));
  for (let i = 0; i < FUZZ_RSP; i++) cases.push(mutateReplyCase(SCRIPT, SEED * 200003 + i));
  // FUZZ_AT=400152 / FUZZ_RSP_AT=800090: the mutants printed as fuzz-<n>-... / fuzzrsp-<n>-... again
  for (const n of (process.env.FUZZ_AT ?? '').split(',').filter(Boolean)) cases.push(mutateCase(reqSeeds, Number(n)));
  for (const n of (process.env.FUZZ_RSP_AT ?? '').split(',').filter(Boolean)) cases.push(mutateReplyCase(SCRIPT, Number(n)));
  const hp = await startSide('haproxy', [process.env.HAPROXY ?? '/usr/sbin/haproxy']);
  let sl: Side | null = null;
  // the children end with this process, also when it fails
  process.on('exit', () => { hp.child.kill('SIGTERM'); sl?.child.kill('SIGTERM'); });
  const cmd = sluiceCmd(root);
  console.log(`sluice: ${cmd.desc}`);
  sl = await startSide('sluice', cmd.argv, cmd.env);
  let diffs = 0;
  for (const c of cases) {
    const [a, b] = await Promise.all([runOne(hp, c), runOne(sl as Side, c)]);
    const what: string[] = [];
    if (a.reply !== b.reply) what.push('reply');
    if (a.end !== b.end) what.push(`end ${a.end}/${b.end}`);
    if (a.up !== b.up) what.push('upstream');
    if (a.log.join('\n') !== b.log.join('\n')) what.push('log');
    if (what.length === 0) continue;
    diffs++;
    const d = path.join(OUT, c.name);
    fs.mkdirSync(d, { recursive: true });
    fs.writeFileSync(path.join(d, 'case.json'), JSON.stringify(c));
    for (const [n, v] of [['haproxy', a], ['sluice', b]] as const) {
      fs.writeFileSync(path.join(d, `${n}.reply`), v.reply, 'latin1');
      fs.writeFileSync(path.join(d, `${n}.up`), v.up, 'latin1');
      fs.writeFileSync(path.join(d, `${n}.log`), v.log.join('\n') + '\n');
      fs.writeFileSync(path.join(d, `${n}.end`), v.end + '\n');
    }
    process.stdout.write(`DIFF ${c.name} [${what.join(',')}] send=${short(c.send.filter((x) => typeof x === 'string').join(''), 80)}\n`);
    if (what.includes('reply')) process.stdout.write(`  haproxy ${short(a.reply)}\n  sluice  ${short(b.reply)}\n`);
    if (what.includes('log')) process.stdout.write(`  haproxy ${short(a.log.join(' | '), 300)}\n  sluice  ${short(b.log.join(' | '), 300)}\n`);
  }
  process.stdout.write(`${cases.length} cases, ${diffs} with differences (details in ${OUT})\n`);
  for (const s of [hp, sl as Side]) { s.child.kill('SIGTERM'); s.up.close(); }
}

main().catch((e) => { console.error(e); process.exit(1); });
