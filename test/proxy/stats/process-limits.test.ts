/*
 * `set maxconn global` and `set rate-limit ... global` show in `show info` as in haproxy 2.6.12: Maxconn follows the
 * CLI (0, a negative value or a word give the hard maxconn back), Hard_maxconn does not; the four rate limits are
 * reported (http-compression in bytes: 5 -> 5120). They stayed at their startup values.
 */
import { test, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { goldenSource } from './fixture-model.ts';
import { defaultCliRegistry } from '../../../proxy/stats/runtime.ts';
import { CliServer } from '../../../proxy/stats/cli-server.ts';
import { processRateLimits } from '../../../proxy/stats/info.ts';
import type { CliSession } from '../../../proxy/stats/types.ts';
import { ACCESS_LVL_ADMIN } from '../../../proxy/stats/types.ts';

const src = goldenSource();
src.global.maxconn = 500;
const cli = new CliServer(defaultCliRegistry(), src, 10000);
const s: CliSession = { id: 1, level: ACCESS_LVL_ADMIN, prompt: false, severityOutput: 0, timeoutMs: 10000, proto: 'unix_stream', peer: 'unix:1', acceptMs: Date.now(), closing: false };
const info = (name: string): string => /^(\S+): (.*)$/m.exec(cli.runLine('show info', s).split('\n').find((l) => l.startsWith(name + ': '))!)![2]!;

beforeEach(() => Object.assign(processRateLimits, { maxconn: 0, conn: 0, sess: 0, ssl: 0, compKb: 0 }));

test('set maxconn global changes Maxconn only; 0, negative or a word restore the hard maxconn', () => {
  assert.equal(cli.runLine('set maxconn global 400', s), '\n');
  assert.deepEqual([info('Maxconn'), info('Hard_maxconn')], ['400', '500']);
  for (const v of ['-5', '0', 'abc']) {
    cli.runLine('set maxconn global 300', s);
    assert.equal(cli.runLine('set maxconn global ' + v, s), '\n');
    assert.equal(info('Maxconn'), '500', v);
  }
  assert.equal(cli.runLine('set maxconn global 501', s), 'Value out of range.\n\n');
  assert.equal(info('Maxconn'), '500');
});

test('set rate-limit values are reported by show info', () => {
  for (const [w, v] of [['connections', '99'], ['sessions', '77'], ['ssl-sessions', '5'], ['http-compression', '5']]) {
    assert.equal(cli.runLine(`set rate-limit ${w} global ${v}`, s), '\n');
  }
  assert.deepEqual([info('ConnRateLimit'), info('SessRateLimit'), info('SslRateLimit'), info('CompressBpsRateLim')], ['99', '77', '5', '5120']);
  cli.runLine('set rate-limit connections global 0', s);
  assert.equal(info('ConnRateLimit'), '0');
});

test('a backend fullconn (slim) derived from its frontends keeps its startup value after set maxconn frontend', () => {
  const slim = (): string => cli.runLine('show stat -1 2 -1', s).split('\n').find((l) => l.startsWith('bk,BACKEND,'))!.split(',')[6]!;
  const before = slim();
  assert.equal(cli.runLine('set maxconn frontend fe_main 33', s), '\n');
  assert.equal(slim(), before);
});

test('clear counters all leaves the process totals of show info (CumConns, CumReq, TotalBytesOut) as 2.6 does', () => {
  const fe = src.proxies[0]!;
  fe.feCounters.cumConn += 40; fe.feCounters.cumReq += 30; fe.feCounters.bytesOut += 5000;
  const before = ['CumConns', 'CumReq', 'TotalBytesOut'].map((k) => Number(info(k)));
  assert.equal(cli.runLine('clear counters all', s), '\n');
  assert.equal(fe.feCounters.cumConn, 0);
  const after = ['CumConns', 'CumReq', 'TotalBytesOut'].map((k) => Number(info(k)));
  // the show info requests themselves add to the totals, nothing is lost
  after.forEach((v, i) => assert.ok(v >= before[i]!, `${v} < ${before[i]}`));
});
