// --duckdb / --parquet load the real corpus through the collectors' sinks, and --sql reports read them
// back: counts must agree with halog's own -srv report on the same lines.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCase } from './run-case.ts';

const CORPUS = join(import.meta.dirname, '..', '..', 'fixtures', 'halog', 'corpus', 'syslog.log');
const dir = mkdtempSync(join(tmpdir(), 'halog-sql-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const db = join(dir, 'logs.duckdb');
const pq = join(dir, 'pq');

test('--duckdb and --parquet load every line of the corpus and report it on stderr', { timeout: 60000 }, async () => {
  const r = await runCase(['--duckdb', db, '--parquet', pq], CORPUS, true);
  assert.equal(r.status, 0);
  assert.equal(r.err.toString(), '3000 lines in, 3000 rows loaded, 0 unparsed\n');
});

test('--sql servers counts the same requests per server as halog -srv', { timeout: 60000 }, async () => {
  const r = await runCase(['--json', '--sql', 'servers'], db, true);
  assert.equal(r.status, 0);
  const rows = JSON.parse(r.out.toString()).rows as { backend: string; server: string; requests: number }[];
  const srv = await runCase(['-srv'], CORPUS, false);
  for (const line of srv.out.toString().split('\n').slice(1).filter(Boolean)) {
    const [name, , , , , , , tot] = line.split(' ');
    const [backend, server] = name.split('/');
    if (backend === 'tcpapp') continue; /* TCP lines go to tcp_log; halog counts them with no request */
    const row = rows.find((x) => x.backend === backend && x.server === server);
    assert.ok(row, `row for ${name}`);
    assert.equal(row.requests, Number(tot), name);
  }
});

test('--sql status over a DuckDB file and a Parquet directory adds both stores', { timeout: 60000 }, async () => {
  const one = JSON.parse((await runCase(['--json', '--sql', 'status'], db, true)).out.toString()).rows;
  const parsed = await runCase(['--json', '--sql', 'status', db], pq, true);
  const both = JSON.parse(parsed.out.toString()).rows;
  assert.equal(both.length, one.length);
  for (let i = 0; i < one.length; i++) assert.equal(both[i].requests, 2 * one[i].requests);
});

test('--sql timers gives p50 <= p90 <= p99 <= p99.9 <= max for each timer', { timeout: 60000 }, async () => {
  const r = await runCase(['--json', '--sql', 'timers'], db, true);
  const rows = JSON.parse(r.out.toString()).rows as Record<string, number | string>[];
  assert.deepEqual(rows.map((x) => x.timer), ['TR', 'Tw', 'Tc', 'Tr', 'Ta']);
  for (const x of rows) {
    const v = [x.p50, x.p90, x.p99, x['p99.9'], x.max].map(Number);
    for (let i = 1; i < v.length; i++) assert.ok(v[i - 1] <= v[i], `${x.timer} ${v}`);
  }
});

test('an unknown --sql report name is refused with the list of reports', async () => {
  const r = await runCase(['--sql', 'nope'], db, true);
  assert.equal(r.status, 1);
  assert.match(r.err.toString(), /unknown --sql report "nope"; known: timers, status, servers/);
});

test('--duckdb with a file that cannot be read exits with its error instead of hanging on the sink worker', { timeout: 60000 }, () => {
  const missing = join(dir, 'missing.log');
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'halog/main.ts', '--duckdb', join(dir, 'err.duckdb'), missing],
    { cwd: join(import.meta.dirname, '..', '..'), timeout: 45000 });
  assert.equal(r.signal, null, 'halog did not exit by itself');
  assert.notEqual(r.status, 0);
  assert.match(r.stderr.toString(), /missing\.log.*ENOENT/);
});
