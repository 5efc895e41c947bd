// npm run bench:collect — sluice-collect against a naive collector (regex per line + row-by-row DuckDB appender),
// same inputs, same run, medians and ratios:
//   1. file → DuckDB ingest rate (rsyslog-style httplog file, BENCH_FILE_ROWS lines, BENCH_RUNS runs each), CPU per
//      row, and the file path's stages measured apart (parse, dictionary interning, Parquet staging, DuckDB INSERT).
//      File part only: BENCH_RATES= BENCH_NAIVE=0 npm run bench:collect
//   2. UDP over loopback at fixed rates (BENCH_RATES, BENCH_SECONDS each, BENCH_UDP_RUNS runs): each datagram carries
//      a sequence number; lost = sent - distinct sequence numbers found in DuckDB at the end (plus the collector's
//      kernel and ring/queue drop counters, and CPU per datagram of sender and collector). The highest rate where
//      every run lost nothing is the headline. Target: 100,000 lines/s for 30 s:
//      BENCH_FILE_ROWS=0 BENCH_NAIVE=0 BENCH_RATES=100000 BENCH_SECONDS=30 BENCH_UDP_RUNS=3 npm run bench:collect
// Loopback only, bounded time. Hot path: no.
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { DuckDBInstance } from '@duckdb/node-api';
import { LogDicts } from '../../collectors/arrow/batcher.ts';
import { Ingest, defaultParseWorkers, ingestFile } from '../../collectors/ingest.ts';
import { ThreadedSink } from '../../collectors/sinks/threaded.ts';
import { makeLogFile } from './input.ts';
import { copyBatch } from './batch-copy.ts';
import type { LogBatch } from '../../collectors/arrow/batcher.ts';
import type { LogDict } from '../../collectors/arrow/batcher.ts';
import { HTTP_LOG_TABLE, LOG_COLUMNS, createTableSql } from '../../collectors/arrow/schema.ts';
import { CK_DICT } from '../../collectors/arrow/types.ts';
import { BULK_MIN_ROWS } from '../../collectors/sinks/duckdb.ts';
import { encodeStagedParquet, stageRoot } from '../../collectors/sinks/staged-parquet.ts';
import type { LogSink } from '../../collectors/sinks/types.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const FILE_ROWS = Number(process.env.BENCH_FILE_ROWS ?? 1_000_000);
const RATES = (process.env.BENCH_RATES ?? '25000,50000,100000,150000').split(',').filter((r) => r !== '').map(Number);   // BENCH_RATES= skips UDP
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
// Extra sluice-collect flags, e.g. BENCH_SLUICE_ARGS=--udp-peer (Node's per-datagram 'message' path).
const SLUICE_ARGS = (process.env.BENCH_SLUICE_ARGS ?? '').split(' ').filter((a) => a !== '');
const SENDER_NICE = Number(process.env.BENCH_SENDER_NICE ?? 5);
const UDP_RUNS = Number(process.env.BENCH_UDP_RUNS ?? 1);
// BENCH_NAIVE=0 leaves the naive collector out (file and UDP parts).
const COLLECTORS: ('sluice' | 'naive')[] = process.env.BENCH_NAIVE === '0' ? ['sluice'] : ['sluice', 'naive'];
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-collect-bench-'));
const median = (a: number[]): number => { const s = [...a].sort((x, y) => x - y); return s[s.length >> 1]; };
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

function run(cmd: string, args: string[], onErr?: (s: string) => void): { p: ChildProcess; out: () => string; err: () => string } {
  const p = spawn(cmd, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  p.stdout!.on('data', (d) => { out += d; });
  p.stderr!.on('data', (d) => { err += d; onErr?.(err); });
  return { p, out: () => out, err: () => err };
}

/** CPU time of this process (all threads) per row in microseconds: steadier than wall time on the shared cores. */
let lastCpuPerRow = 0;
/** The same for the main thread alone (it hands file ranges to the parse workers and their staged files to the sink worker). */
let lastMainCpuPerRow = 0;

async function sluiceFile(file: string): Promise<number> {
  const db = path.join(tmp, 'file-' + Math.random().toString(36).slice(2) + '.duckdb');
  const dicts = new LogDicts();
  const sink = await ThreadedSink.open('duckdb', db, dicts);
  // sluice-collect --read's defaults (--batch-rows 40960, maxQueued 4).
  const ing = new Ingest({ format: { kind: 'httplog' }, sinks: [sink], dicts, batchRows: 40960, maxQueued: 4 });
  const c0 = process.cpuUsage();
  const main0 = threadTicks(process.pid).get(String(process.pid)) ?? 0;
  const t0 = performance.now();
  await ingestFile(file, ing);
  await ing.close();   // includes DuckDB's final checkpoint
  const ms = performance.now() - t0;
  const cu = process.cpuUsage(c0);
  lastCpuPerRow = (cu.user + cu.system) / FILE_ROWS;
  lastMainCpuPerRow = ((threadTicks(process.pid).get(String(process.pid)) ?? 0) - main0) * 10000 / FILE_ROWS;
  if (ing.counters.rowsWritten !== FILE_ROWS) throw new Error('sluice wrote ' + ing.counters.rowsWritten + ' rows');
  fs.rmSync(db, { force: true });
  return FILE_ROWS / (ms / 1000);
}

interface Stages { parse: number; dict: number; encode: number; write: number; load: number }
const dictColumns = HTTP_LOG_TABLE.columns.filter((id) => LOG_COLUMNS[id].kind === CK_DICT).length;

/**
 * The file path's stages measured apart, each alone on one thread, as CPU us per row (process CPU time, steadier than
 * wall time on the shared cores): read + syslog frame + httplog parse into batches (dictionary interning included),
 * dictionary interning alone (every dictionary value of every row interned again, as the parser does it), Parquet
 * staging (encode) and writing the staged files, and DuckDB's INSERT of the staged files (one DuckDB thread,
 * whole row groups per INSERT, final CHECKPOINT).
 */
async function stages(file: string): Promise<Stages> {
  const cpu = (): number => { const c = process.cpuUsage(); return c.user + c.system; };
  let rows = 0;
  const count: LogSink<LogBatch> = { name: 'count', write: (b) => { rows += b.rows; }, close: async () => undefined };
  let ing = new Ingest({ format: { kind: 'httplog' }, sinks: [count], batchRows: 40960 });
  let c0 = cpu();
  await ingestFile(file, ing);
  await ing.close();
  const parse = cpu() - c0;
  if (rows !== FILE_ROWS) throw new Error('stages: parsed ' + rows + ' rows');
  // The same rows again, kept (Ingest reuses its batches once a sink has written them, so each is copied).
  const dicts = new LogDicts();
  const batches: LogBatch[] = [];
  const keep: LogSink<LogBatch> = { name: 'keep', write: (b) => { b.seal(); batches.push(copyBatch(b)); }, close: async () => undefined };
  ing = new Ingest({ format: { kind: 'httplog' }, sinks: [keep], dicts, batchRows: 40960 });
  await ingestFile(file, ing);
  await ing.close();
  const dictCols = HTTP_LOG_TABLE.columns.filter((id) => dicts.byColumn[id] !== null);
  c0 = cpu();
  let sum = 0;
  for (const b of batches) {
    for (const id of dictCols) {
      const d = dicts.byColumn[id] as LogDict;
      const ids = b.i32[id];
      for (let r = 0; r < b.rows; r++) {
        if (ids[r] === 0) continue;   // NULL: the parser interns nothing
        const k = d.keys[ids[r]];
        sum += d.intern(k, 0, k.length);
      }
    }
  }
  const dict = cpu() - c0;
  if (sum < 0) throw new Error('unreachable');
  const dir = fs.mkdtempSync(path.join(stageRoot(), 'sluice-bench-stages-'));   // where the sinks stage files
  const files: string[] = [];
  let encode = 0;
  let write = 0;
  for (const b of batches) {
    c0 = cpu();
    const buf = encodeStagedParquet(b);
    const c1 = cpu();
    const f = path.join(dir, 'b' + files.length + '.parquet');
    fs.writeFileSync(f, buf);
    write += cpu() - c1;
    encode += c1 - c0;
    files.push("'" + f + "'");
  }
  batches.length = 0;
  const loadDb = path.join(tmp, 'stages-load.duckdb');   // the database on disk, as users have it
  fs.rmSync(loadDb, { force: true });
  const inst = await DuckDBInstance.create(loadDb, { threads: '1' });
  const con = await inst.connect();
  await con.run(createTableSql(HTTP_LOG_TABLE));
  c0 = cpu();
  const per = BULK_MIN_ROWS / 40960;   // one row group per INSERT, as the sink does
  for (let i = 0; i < files.length; i += per) {
    await con.run('INSERT INTO http_log_rows SELECT * FROM read_parquet([' + files.slice(i, i + per).join(', ') + '])');
  }
  await con.run('CHECKPOINT');
  const load = cpu() - c0;
  con.closeSync();
  inst.closeSync();
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(loadDb, { force: true });
  return { parse: parse / rows, dict: dict / rows, encode: encode / rows, write: write / rows, load: load / rows };
}

/**
 * The staged-Parquet encode of `file`'s batches in a fresh process (encode-cold.ts): CPU us per row of its first pass
 * (cold, as in the sink worker of each file load) and of a warm pass.
 */
function encodeCold(file: string): { coldUs: number; warmUs: number } {
  const out = execFileSync(process.execPath, ['--import', 'tsx', 'bench/collectors/encode-cold.ts', file, '3'], { cwd: ROOT, encoding: 'utf8' });
  return JSON.parse(out) as { coldUs: number; warmUs: number };
}

async function naiveFile(file: string): Promise<number> {
  const db = path.join(tmp, 'naive-' + Math.random().toString(36).slice(2) + '.duckdb');
  const t0 = performance.now();
  const r = run(process.execPath, ['--import', 'tsx', 'bench/collectors/naive-collector.ts', 'file', file, db]);
  await once(r.p, 'exit');
  const m = /parsed=(\d+)/.exec(r.err());
  if (!m || Number(m[1]) !== FILE_ROWS) throw new Error('naive: ' + r.err());
  const tStart = Number(/startup_ms=(\d+)/.exec(r.err())?.[1] ?? 0);
  fs.rmSync(db, { force: true });
  return FILE_ROWS / ((performance.now() - t0 - tStart) / 1000);
}

/** utime+stime in clock ticks (1/100 s) per thread of process `pid`, from /proc/PID/task/TID/stat. */
function threadTicks(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  let tids: string[] = [];
  try { tids = fs.readdirSync('/proc/' + pid + '/task'); } catch { return out; }
  for (const t of tids) {
    try {
      const st = fs.readFileSync('/proc/' + pid + '/task/' + t + '/stat', 'latin1');
      const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
      out.set(t, Number(f[11]) + Number(f[12]));
    } catch { /* thread gone */ }
  }
  return out;
}

/** Rows in the collector's DuckDB http_log and distinct sequence numbers among them (the sender's `?seq=`). */
async function countRows(db: string): Promise<{ rows: number; distinct: number }> {
  const inst = await DuckDBInstance.create(db);
  const con = await inst.connect();
  const r = (await con.runAndReadAll("SELECT count(*)::INTEGER AS n, count(DISTINCT regexp_extract(uri, 'seq=(\\d+)', 1))::INTEGER AS d FROM http_log")).getRowObjectsJson()[0];
  con.closeSync();
  inst.closeSync();
  return { rows: Number(r.n), distinct: Number(r.d) };
}

interface UdpResult {
  sent: number; received: number; rows: number; distinct: number; sockDrops: number; otherDrops: number;
  achieved: number; senderCpu: number; collectorCpu: number; threadsCpu: number[];
}

async function udpRound(which: 'sluice' | 'naive', rate: number): Promise<UdpResult> {
  const db = path.join(tmp, which + '-udp-' + rate + '.duckdb');
  const c = which === 'sluice'
    ? run(process.execPath, ['--import', 'tsx', 'collectors/main.ts', '--listen', 'udp://127.0.0.1:0', '--duckdb', db, '--format', 'httplog', '--stats', '3600', ...SLUICE_ARGS])
    : run(process.execPath, ['--import', 'tsx', 'bench/collectors/naive-collector.ts', 'udp', '0', db]);
  const t0 = Date.now();
  while (!/ready/.test(c.err())) {
    if (Date.now() - t0 > 30000 || c.p.exitCode !== null) throw new Error(which + ' did not start: ' + c.err());
    await new Promise((r) => setTimeout(r, 50));
  }
  const port = Number(/listening on udp:\/\/127\.0\.0\.1:(\d+)/.exec(c.err())![1]);
  const pid = c.p.pid as number;
  const before = threadTicks(pid);
  // The sender runs at nice BENCH_SENDER_NICE (5) so that, on 2 shared cores, it yields to the collector under test;
  // it reports the rate it really achieved and its own CPU per datagram.
  const s = run('nice', ['-n', String(SENDER_NICE), process.execPath, '--import', 'tsx', 'bench/collectors/udp-sender.ts', String(port), String(rate), String(SECONDS)]);
  await once(s.p, 'exit');
  const sendInfo = JSON.parse(s.out()) as { sent: number; seconds: number; cpuUsPerDatagram: number };
  const sent = sendInfo.sent;
  await new Promise((r) => setTimeout(r, 2500));   // let the last batches flush (1 s flush interval)
  const after = threadTicks(pid);
  c.p.kill('SIGTERM');
  await once(c.p, 'exit');
  const threads: number[] = [];
  for (const [t, v] of after) threads.push(((v - (before.get(t) ?? 0)) * 10000) / sent);   // ticks (10 ms) → us per datagram
  threads.sort((x, y) => y - x);
  const received = Number(/received=(\d+)/.exec(c.err())?.[1] ?? 0);
  // The naive collector has no drop counters: whatever it did not receive the kernel dropped.
  const sockDrops = Number(/dropped_socket=(\d+)/.exec(c.err())?.[1] ?? sent - received);
  const otherDrops = Number(/dropped_ring=(\d+)/.exec(c.err())?.[1] ?? 0) + Number(/dropped_queue=(\d+)/.exec(c.err())?.[1] ?? 0);
  const fatal = /FATAL[^\n]*/.exec(c.err());
  if (fatal) console.log('collector: ' + fatal[0]);
  const n = await countRows(db);
  fs.rmSync(db, { force: true });
  return {
    sent, received, rows: n.rows, distinct: n.distinct, sockDrops, otherDrops, achieved: sent / sendInfo.seconds,
    senderCpu: sendInfo.cpuUsPerDatagram, collectorCpu: threads.reduce((a, b) => a + b, 0), threadsCpu: threads.slice(0, 3),
  };
}

async function main(): Promise<void> {
  console.log('sluice-collect benchmark: ' + os.cpus().length + ' cores, load ' + os.loadavg()[0].toFixed(2));
  if (FILE_ROWS > 0) await fileBench();   // BENCH_FILE_ROWS=0 skips the file → DuckDB part
  await udpBench();
  fs.rmSync(tmp, { recursive: true, force: true });
}

async function fileBench(): Promise<void> {
  const file = makeLogFile(FILE_ROWS);
  const load0 = os.loadavg()[0];
  console.log('\n## file → DuckDB (' + fmt(FILE_ROWS) + ' httplog lines, ' + RUNS + ' runs, median rows/s)');
  const s: number[] = [];
  const n: number[] = [];
  const cpu: number[] = [];
  const mainCpu: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    s.push(await sluiceFile(file));
    cpu.push(lastCpuPerRow);
    mainCpu.push(lastMainCpuPerRow);
    if (COLLECTORS.includes('naive')) n.push(await naiveFile(file));
  }
  console.log('| collector | rows/s (median) | runs |\n|---|---|---|');
  console.log('| sluice-collect | ' + fmt(median(s)) + ' | ' + s.map(fmt).join(', ') + ' |');
  if (n.length > 0) console.log('| naive regex + row appender | ' + fmt(median(n)) + ' | ' + n.map(fmt).join(', ') + ' |');
  console.log('sluice CPU per row (medians): ' + median(cpu).toFixed(2) + ' us over all threads, of which ' +
    median(mainCpu).toFixed(2) + ' us on the main thread (' + (defaultParseWorkers() > 0 ? 'parsing runs in ' + defaultParseWorkers() + ' parse workers' : 'read and parse; the sink worker encodes and DuckDB inserts') + '); 2 idle cores allow at most ' +
    fmt(2e6 / median(cpu)) + ' rows/s at that CPU cost');
  const st: Stages[] = [];
  const cold: { coldUs: number; warmUs: number }[] = [];
  for (let i = 0; i < RUNS; i++) {
    st.push(await stages(file));
    cold.push(encodeCold(file));
  }
  const m = (k: keyof Stages): number => median(st.map((x) => x[k]));
  const row = (name: string, us: number, note: string): string =>
    '| ' + name + ' | ' + us.toFixed(2) + ' | ' + fmt(1e6 / us) + ' | ' + note + ' |';
  console.log('\nstages of the same file, each alone on one thread (CPU us per row, medians of ' + RUNS + '; ceiling = one core doing only that stage):');
  console.log('| stage | CPU us/row | ceiling rows/s per core | |\n|---|---|---|---|');
  console.log(row('read + syslog frame + httplog parse into batches', m('parse'), (defaultParseWorkers() > 0 ? 'parse workers' : 'main thread') + '; includes the dictionary interning below'));
  console.log(row('dictionary interning (' + dictColumns + ' dictionary columns per row)', m('dict'), 'part of the parse'));
  console.log(row('Parquet staging: encode (with header and ctx id interning)', m('encode'), defaultParseWorkers() > 0 ? 'parse workers' : 'sink worker thread'));
  console.log(row('Parquet staging: encode as in a file load (ids prepared by the sink worker), cold', median(cold.map((c) => c.coldUs)),
    'first pass in a fresh process, as the sink worker of each load runs it (V8 compiler threads included); warm: ' +
    median(cold.map((c) => c.warmUs)).toFixed(2) + ' us/row'));
  console.log(row('Parquet staging: write the staged file', m('write'), (defaultParseWorkers() > 0 ? 'parse workers' : 'sink worker thread') + ', to ' + stageRoot()));
  console.log(row('DuckDB INSERT of staged files + CHECKPOINT', m('load'), 'one DuckDB thread'));
  const total = m('parse') + m('encode') + m('write') + m('load');
  console.log('sum of the stages ' + total.toFixed(2) + ' us/row: 2 idle cores can do at most ' + fmt(2e6 / total) +
    ' rows/s with perfect overlap (1,000,000 rows/s needs the sum under 2.00)');
  console.log('headline: file → DuckDB ' + fmt(median(s)) + ' rows/s (median of ' + s.length + ' runs: ' + s.map(fmt).join(', ') + '; target 1,000,000), ' + median(cpu).toFixed(2) +
    ' CPU us/row' + (n.length > 0 ? ', ' + (median(s) / median(n)).toFixed(2) + 'x the naive baseline' : '') +
    ', 1-min load ' + load0.toFixed(2) + ' before, ' + os.loadavg()[0].toFixed(2) + ' after');
}

async function udpBench(): Promise<void> {
  if (RATES.length === 0) return;
  let rmemMax = '?';
  try { rmemMax = fs.readFileSync('/proc/sys/net/core/rmem_max', 'latin1').trim(); } catch { /* not Linux */ }
  console.log('\nnet.core.rmem_max=' + rmemMax + ' (the collector\'s SO_RCVBUF is twice that at most); sluice-collect flags: ' +
    (SLUICE_ARGS.join(' ') || '(defaults)') + '; sender nice ' + SENDER_NICE);
  console.log('\n## UDP loopback, ' + SECONDS + ' s per rate (sender paced per ms, ' + RUNS + ' runs per rate)');
  console.log('lost = sent - distinct sequence numbers in DuckDB at the end; sock = kernel drops (/proc/net/udp), other = ring + queue drops;');
  console.log('CPU in us per datagram: sender, collector (all threads; busiest three threads)');
  console.log('| rate/s | collector | achieved/s | sent | received | rows (distinct seq) | lost | lost % | sock | other | CPU sender | CPU collector (top 3) |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
  const best: Record<string, number> = { sluice: 0, naive: 0 };
  for (const rate of RATES) {
    for (const which of COLLECTORS) {
      let clean = 0;
      const cpu: number[] = [];
      for (let i = 0; i < UDP_RUNS; i++) {
        const r = await udpRound(which, rate);
        const lost = r.sent - r.distinct;
        // Sustained: the sender reached 99 % of the rate and every datagram is in the database exactly once.
        if (lost === 0 && r.rows === r.sent && r.achieved >= 0.99 * rate) clean++;
        cpu.push(r.collectorCpu);
        console.log('| ' + fmt(rate) + ' | ' + which + ' | ' + fmt(r.achieved) + ' | ' + fmt(r.sent) + ' | ' + fmt(r.received) + ' | ' +
          fmt(r.rows) + ' (' + fmt(r.distinct) + ') | ' + fmt(lost) + ' | ' + (100 * lost / Math.max(1, r.sent)).toFixed(2) + ' | ' +
          fmt(r.sockDrops) + ' | ' + fmt(r.otherDrops) + ' | ' + r.senderCpu.toFixed(2) + ' | ' + r.collectorCpu.toFixed(2) +
          ' (' + r.threadsCpu.map((x) => x.toFixed(2)).join(', ') + ') |');
      }
      if (clean === UDP_RUNS) best[which] = Math.max(best[which], rate);
      console.log('| ' + fmt(rate) + ' | ' + which + ' | ' + clean + '/' + UDP_RUNS + ' runs without loss | | | | | | | | median collector CPU ' + median(cpu).toFixed(2) + ' us | |');
    }
  }
  console.log('highest zero-loss rate (every run): sluice ' + fmt(best.sluice) + '/s' + (COLLECTORS.includes('naive') ? ', naive ' + fmt(best.naive) + '/s' +
    (best.naive > 0 ? ', ratio ' + (best.sluice / best.naive).toFixed(2) + 'x' : '') : '') + ' (' + SECONDS + ' s each)');
}

main().catch((e) => { console.error(e); fs.rmSync(tmp, { recursive: true, force: true }); process.exit(1); });
