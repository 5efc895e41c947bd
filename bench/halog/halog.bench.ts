// npm run bench:halog — Sluice's halog (dist/halog/main.js) against /usr/sbin/halog on the same file
// for -st, -srv, -pct, -u and -c: runs interleaved, prints the median wall time of each, GB/s and the
// ratio Sluice/C (lower is better), after checking both print the same report. Then DuckDB ingest
// speed (--duckdb) in lines/s on the same file. Env: HALOG_BENCH_MB (default 1024), HALOG_BENCH_RUNS
// (default 5), HALOG_BENCH_MODES (e.g. "-st,-u"), HALOG_BENCH_DUCKDB=0 to skip the DuckDB part,
// HALOG_BENCH_DUCKDB_MB (default HALOG_BENCH_MB). The 1-min load average is printed before and after:
// Sluice's halog uses a worker thread only when a core is free, so the machine's load changes its numbers.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, openSync, closeSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { makeBenchInput } from './make-input.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'dist', 'halog', 'main.js');
const C_HALOG = '/usr/sbin/halog';
const MB = Number(process.env.HALOG_BENCH_MB ?? 1024);
const RUNS = Number(process.env.HALOG_BENCH_RUNS ?? 5);
const MODES = (process.env.HALOG_BENCH_MODES ?? '-st,-srv,-pct,-u,-c').split(',');

if (!existsSync(BIN)) {
  console.error('dist/halog/main.js is missing: run `npm run build` first');
  process.exit(1);
}
if (!existsSync(C_HALOG)) {
  console.error(`${C_HALOG} is missing (apt-get install haproxy)`);
  process.exit(1);
}

const file = makeBenchInput(ROOT, MB);
const size = statSync(file).size;
const load = (): string => loadavg().map((x) => x.toFixed(2)).join(' ');
console.log(`input ${file}: ${(size / 1e9).toFixed(2)} GB, ${RUNS} interleaved runs per tool and mode, load average ${load()}`);

/*
 * NODE_EXTRA_CA_CERTS (set machine-wide here) makes every Node process parse the CA bundle at start-up:
 * ~33 ms of CPU that halog never needs (no TLS); both tools run without it, and the header says so.
 */
const env = { ...process.env };
const extraCerts = env.NODE_EXTRA_CA_CERTS !== undefined;
delete env.NODE_EXTRA_CA_CERTS;

interface Run { ms: number; digest: string }
function runOnce(cmd: string, args: string[]): Run {
  const fd = openSync(file, 'r');
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { stdio: [fd, 'pipe', 'pipe'], maxBuffer: 1 << 30, timeout: 600_000, env });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  closeSync(fd);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { ms, digest: createHash('sha256').update(r.stdout).digest('hex') };
}
const median = (a: number[]): number => { const s = [...a].sort((x, y) => x - y); return s[s.length >> 1]; };

/* warm the page cache so that both read from memory */
runOnce(C_HALOG, ['-c']);

if (extraCerts) console.log('NODE_EXTRA_CA_CERTS unset for the runs (Node would parse the CA bundle at start-up, ~33 ms here)');
const rows: string[][] = [];
for (const mode of MODES) {
  const c: number[] = [], s: number[] = [];
  let cd = '', sd = '';
  for (let i = 0; i < RUNS; i++) {
    const a = runOnce(C_HALOG, [mode]); c.push(a.ms); cd = a.digest;
    const b = runOnce(process.execPath, [BIN, mode]); s.push(b.ms); sd = b.digest;
  }
  const mc = median(c), ms = median(s);
  rows.push([mode, mc.toFixed(0), (size / 1e6 / mc).toFixed(2), ms.toFixed(0), (size / 1e6 / ms).toFixed(2),
    (ms / mc).toFixed(2), cd === sd ? 'same' : 'DIFFERENT']);
}
const head = ['mode', 'C ms', 'C GB/s', 'Sluice ms', 'Sluice GB/s', 'ratio', 'output'];
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const fmt = (r: string[]): string => r.map((x, i) => x.padStart(widths[i])).join('  ');
console.log(fmt(head));
for (const r of rows) console.log(fmt(r));
console.log(`load average after: ${load()}`);

if (process.env.HALOG_BENCH_DUCKDB !== '0') {
  /*
   * halog --duckdb FILE: lines/s over the whole command, and without its start-up (node, the DuckDB worker, opening
   * and checkpointing the database), measured on an empty file in the same run. Median of 3 runs each.
   */
  const db = `/tmp/sluice-halog-bench-${process.pid}.duckdb`;
  const dfile = makeBenchInput(ROOT, Number(process.env.HALOG_BENCH_DUCKDB_MB ?? MB));
  const empty = `/tmp/sluice-halog-bench-${process.pid}.empty.log`;
  writeFileSync(empty, '');
  const dfd = openSync(dfile, 'r');
  const lines = Number(spawnSync(C_HALOG, ['-c'], { stdio: [dfd, 'pipe', 'pipe'] }).stdout.toString().trim());
  closeSync(dfd);
  /* CPU seconds (user + sys, all threads) of each run come from GNU time when it is installed. */
  const TIME = '/usr/bin/time';
  const hasTime = existsSync(TIME);
  let lastCpu = NaN;
  const load1 = (f: string): number => {
    rmSync(db, { force: true });
    rmSync(db + '.wal', { force: true });
    const args = [BIN, '--duckdb', db, f];
    const t0 = process.hrtime.bigint();
    const r = hasTime
      ? spawnSync(TIME, ['-f', 'cpu %U %S', process.execPath, ...args], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 900_000, env })
      : spawnSync(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: 900_000, env });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (r.status !== 0) throw new Error(`duckdb ingest failed (${r.status}): ${r.stderr.toString().slice(0, 400)}`);
    if (f === dfile && !r.stderr.toString().startsWith(`${lines} lines in, ${lines} rows loaded`)) throw new Error('duckdb ingest: ' + r.stderr);
    const m = /cpu ([\d.]+) ([\d.]+)\s*$/.exec(r.stderr.toString());
    lastCpu = m ? Number(m[1]) + Number(m[2]) : NaN;
    return ms;
  };
  const full: number[] = [], start: number[] = [], cpuFull: number[] = [], cpuStart: number[] = [];
  for (let i = 0; i < 3; i++) {
    full.push(load1(dfile)); cpuFull.push(lastCpu);
    start.push(load1(empty)); cpuStart.push(lastCpu);
  }
  rmSync(db, { force: true });
  rmSync(db + '.wal', { force: true });
  rmSync(empty, { force: true });
  const ms = median(full), st = median(start);
  const cpuUs = (median(cpuFull) - median(cpuStart)) * 1e6 / lines;
  console.log(`duckdb ingest (halog --duckdb, ${lines} lines, median of 3): ${(ms / 1000).toFixed(2)} s = ` +
    `${(lines / (ms / 1000) / 1e6).toFixed(2)} M lines/s; start-up ${(st / 1000).toFixed(2)} s (empty file), without it ` +
    `${(lines / ((ms - st) / 1000) / 1e6).toFixed(2)} M lines/s (target 1 M lines/s)` +
    (cpuUs === cpuUs ? `; CPU ${cpuUs.toFixed(2)} us/line over all threads without start-up (2 idle cores: at most ` +
      `${(2 / cpuUs).toFixed(2)} M lines/s)` : '') + `; load average ${load()}`);
  console.log(`headline: halog --duckdb ${(lines / (ms / 1000) / 1e6).toFixed(2)} M lines/s over the whole command ` +
    `(runs ${full.map((x) => (lines / x / 1000).toFixed(2)).join(', ')} M lines/s; target 1 M lines/s)`);
}
