/*
 * Debian's /usr/sbin/halog (HAProxy 2.6) reads Sluice's logs like HAProxy's: the golden traffic (fixtures/log/gen)
 * is replayed through Sluice, its `option httplog` datagrams are written as a syslog file (as rsyslog stores them),
 * and halog's -st, -srv and -pct reports on it are compared with the same reports on HAProxy 2.6.12's log of the
 * same traffic (fixtures/log/http). Counts must be equal; timer columns (averages, percentiles) within a tolerance,
 * since they are measured values. Needs /usr/sbin/halog (CI installs haproxy).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { replayGoldenTraffic, goldenLines } from './replay.ts';
import type { Replay } from './replay.ts';
import { closeLogSinks } from '../../../proxy/log/sender.ts';

const HALOG = '/usr/sbin/halog';
let run: Replay;
before(async () => { run = await replayGoldenTraffic(); }, { timeout: 15000 });
after(async () => { await run?.close(); closeLogSinks(); });

/** Datagrams → syslog file lines: PRI dropped, hostname inserted after the RFC 3164 date (rsyslog's file format). */
function syslogFile(datagrams: readonly string[]): string {
  return datagrams.map((d) => d.replace(/^<\d+>(\w{3} [ \d]\d \d\d:\d\d:\d\d) /, '$1 localhost ')).join('');
}

function halog(flag: string, input: string): string[] {
  return execFileSync(HALOG, [flag], { input, encoding: 'latin1', stdio: ['pipe', 'pipe', 'pipe'] })
    .split('\n').filter((l) => l !== '');
}

/** Timer values are measured: equal within 60 ms + 20 % (the golden traffic has 0-600 ms timers). */
function near(a: number, b: number): boolean {
  return Math.abs(a - b) <= 60 + 0.2 * Math.max(a, b);
}

const sluiceLog = (): string => syslogFile(run.got.http);
const haproxyLog = (): string => syslogFile(goldenLines('http'));

test('halog -st: the same status code table', () => {
  const ours = halog('-st', sluiceLog());
  const gold = halog('-st', haproxyLog());
  assert.ok(gold.length >= 5, 'the golden log has several status codes');
  assert.deepEqual(ours, gold);
});

test('halog -srv: the same per-server counts, average times within tolerance', () => {
  const ours = halog('-srv', sluiceLog());
  const gold = halog('-srv', haproxyLog());
  assert.equal(ours.length, gold.length, ours.join('\n'));
  for (let i = 0; i < gold.length; i++) {
    if (gold[i].startsWith('#')) { assert.equal(ours[i], gold[i]); continue; }
    const o = ours[i].split(' ');
    const g = gold[i].split(' ');
    // #srv_name 1xx 2xx 3xx 4xx 5xx other tot_req req_ok pct_ok | avg_ct avg_rt
    assert.deepEqual(o.slice(0, 10), g.slice(0, 10), 'sluice  ' + ours[i] + '\nhaproxy ' + gold[i]);
    for (let c = 10; c < g.length; c++) {
      assert.ok(near(Number(o[c]), Number(g[c])), `column ${c}: sluice ${ours[i]} / haproxy ${gold[i]}`);
    }
  }
});

test('halog -pct: the same percentile rows and request ranks, timers within tolerance', () => {
  const ours = halog('-pct', sluiceLog());
  const gold = halog('-pct', haproxyLog());
  assert.ok(gold.length > 20);
  assert.equal(ours.length, gold.length);
  for (let i = 0; i < gold.length; i++) {
    const o = ours[i].trim().split(' ');
    const g = gold[i].trim().split(' ');
    // percentile, rank | Tq Tc Tr Tt (ms)
    assert.deepEqual(o.slice(0, 2), g.slice(0, 2), 'sluice  ' + ours[i] + '\nhaproxy ' + gold[i]);
    for (let c = 2; c < g.length; c++) {
      assert.ok(near(Number(o[c]), Number(g[c])), `column ${c}: sluice ${ours[i]} / haproxy ${gold[i]}`);
    }
  }
});
