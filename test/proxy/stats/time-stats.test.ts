// qtime/ctime/rtime/ttime: the exact mean until TIME_STATS_SAMPLES samples, then a sliding average; as shown by
// haproxy 2.6.12 (Tr 101, 0, 32, 51, 1, 41, 31 gave rtime 101, 51, 45, 46, 37, 38, 37).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addTimeStats, addHttpTimeStats, newBeCounters, newSrvCounters, swrateAvg, timeStatsWindow, TIME_STATS_SAMPLES } from '../../../proxy/stats/counters.ts';
import { newStreamLog } from '../../../proxy/model/factories.ts';
import type { Proxy, Server } from '../../../proxy/model/types.ts';

test('rtime is the rounded-up mean of the requests seen so far, as haproxy 2.6 shows it', () => {
  const c = newBeCounters();
  const got: number[] = [];
  [101, 0, 32, 51, 1, 41, 31].forEach((tr, i) => {
    addTimeStats(c, i + 1, 0, 0, tr, tr);
    got.push(swrateAvg(c.dTime, timeStatsWindow(i + 1)));
  });
  assert.deepEqual(got, [101, 51, 45, 46, 37, 38, 37]);
  assert.equal(c.dtimeMax, 101);
});

test('past TIME_STATS_SAMPLES requests the average slides instead of growing without bound', () => {
  const c = newBeCounters();
  for (let i = 1; i <= TIME_STATS_SAMPLES; i++) addTimeStats(c, i, 0, 0, 0, 10);
  assert.equal(swrateAvg(c.tTime, timeStatsWindow(TIME_STATS_SAMPLES)), 10);
  for (let i = TIME_STATS_SAMPLES + 1; i <= TIME_STATS_SAMPLES * 8; i++) addTimeStats(c, i, 0, 0, 0, 1000);
  const avg = swrateAvg(c.tTime, timeStatsWindow(TIME_STATS_SAMPLES * 8));
  assert.ok(avg > 990 && avg <= 1000, `sliding average ${avg}`);
});

test('an HTTP transaction counts on its backend and server only once the server answered', () => {
  const be = { beCounters: newBeCounters() } as unknown as Proxy;
  const srv = { counters: newSrvCounters() } as unknown as Server;
  const log = newStreamLog(be);
  be.beCounters.cumReq = 1; srv.counters.cumReq = 1;
  log.tQueue = -1; log.tConnect = 2; log.tResponse = -1; log.tTotal = 9;
  addHttpTimeStats(be, srv, log);                       // server closed before answering: not counted
  assert.equal(be.beCounters.tTime, 0);
  log.tQueue = 3; log.tResponse = 40; log.tTotal = 50;
  addHttpTimeStats(be, srv, log);
  for (const c of [be.beCounters, srv.counters]) {
    assert.deepEqual([c.qTime, c.cTime, c.dTime, c.tTime], [3, 2, 40, 50]);
    assert.deepEqual([c.qtimeMax, c.ctimeMax, c.dtimeMax, c.ttimeMax], [3, 2, 40, 50]);
  }
});
