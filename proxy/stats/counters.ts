/*
 * Counter factories (every field set here with its final type) and the two tiny helpers the data path calls:
 * per-second rate counters (freq_ctr) and the sliding time averages behind qtime/ctime/rtime/ttime.
 * Plain counters are incremented directly by the data path (`c.bytesIn += n`); nothing here allocates per call.
 * Readers (CSV, HTML, Prometheus) use readFreqCtr/swrateAvg. Hot path: yes (freqCtrAdd, addTimeStats).
 */
import type { BindCfg, Proxy, Server, StreamLog } from '../model/types.ts';
import type { FreqCtr, FeCounters, BeCounters, SrvCounters, StatsPageCfg } from './types.ts';
import { HRSP_COUNT } from './types.ts';

/**
 * Process-wide sessions that are not accepted connections: 2.6 opens a session per health or agent check, which
 * counts in show info's CumConns (not in ConnRate). Incremented by checks/ per probe.
 */
export const processSessions = { checks: 0 };

/** Samples in the sliding time averages (HAProxy's TIME_STATS_SAMPLES). */
export const TIME_STATS_SAMPLES = 512;

export function newFreqCtr(): FreqCtr {
  return { currSec: 0, curr: 0, prev: 0 };
}

/**
 * Adds `n` events now and returns the updated current-second count (callers compare it to their max, like
 * `const r = freqCtrAdd(c.sessPerSec, 1); if (r > c.spsMax) c.spsMax = r;`). No allocation.
 */
export function freqCtrAdd(fc: FreqCtr, n: number, nowMs: number = Date.now()): number {
  const sec = (nowMs / 1000) | 0;
  if (sec !== fc.currSec) {
    fc.prev = sec === fc.currSec + 1 ? fc.curr : 0;
    fc.curr = 0;
    fc.currSec = sec;
  }
  fc.curr += n;
  return fc.curr;
}

/** Events over the last second: the current second's count plus the previous one weighted by what remains of it. */
export function readFreqCtr(fc: FreqCtr, nowMs: number = Date.now()): number {
  const sec = (nowMs / 1000) | 0;
  let curr = fc.curr;
  let prev = fc.prev;
  if (sec !== fc.currSec) {
    prev = sec === fc.currSec + 1 ? curr : 0;
    curr = 0;
  }
  if (prev === 0) return curr;
  const remain = 1000 - (nowMs - sec * 1000);
  return curr + Math.floor((prev * remain) / 1000);
}

/** Sliding-window sum update: drops one average sample and adds `v` (HAProxy swrate_add). Returns the new sum. */
export function swrateAdd(sum: number, n: number, v: number): number {
  return sum - Math.floor((sum + n - 1) / n) + v;
}

/** Average of a sliding sum over `n` samples (rounded up, as HAProxy's swrate_avg). */
export function swrateAvg(sum: number, n: number): number {
  return n > 0 ? Math.floor((sum + n - 1) / n) : 0;
}

/** The window used for an object that has seen `samples` requests so far (it grows until TIME_STATS_SAMPLES). */
export function timeStatsWindow(samples: number): number {
  return samples > 0 && samples < TIME_STATS_SAMPLES ? samples : TIME_STATS_SAMPLES;
}

/**
 * Records one finished request/connection's timings (ms; negative = phase not reached, counted as 0) on a backend
 * or server: the sums behind qtime/ctime/rtime/ttime and their maxima. `samples` is the object's request count
 * including this one (cumReq in HTTP mode, cumLbconn in TCP mode). Up to TIME_STATS_SAMPLES samples the sum is a
 * plain sum (2.6 shows the exact mean: Tr 101 then 0 gives rtime 51), then it slides.
 */
export function addTimeStats(c: BeCounters, samples: number, tq: number, tc: number, tr: number, tt: number): void {
  if (tq < 0) tq = 0;
  if (tc < 0) tc = 0;
  if (tr < 0) tr = 0;
  if (tt < 0) tt = 0;
  if (samples > TIME_STATS_SAMPLES) {
    const n = TIME_STATS_SAMPLES;
    c.qTime = swrateAdd(c.qTime, n, tq);
    c.cTime = swrateAdd(c.cTime, n, tc);
    c.dTime = swrateAdd(c.dTime, n, tr);
    c.tTime = swrateAdd(c.tTime, n, tt);
  } else {
    c.qTime += tq; c.cTime += tc; c.dTime += tr; c.tTime += tt;
  }
  if (tq > c.qtimeMax) c.qtimeMax = tq;
  if (tc > c.ctimeMax) c.ctimeMax = tc;
  if (tr > c.dtimeMax) c.dtimeMax = tr;
  if (tt > c.ttimeMax) c.ttimeMax = tt;
}

/**
 * An HTTP transaction's Tw/Tc/Tr/Tt on its backend and server, as 2.6 does at stream end: only when the server
 * was connected and its response headers arrived (Tc and Tr >= 0). Called once per transaction; no allocation.
 */
export function addHttpTimeStats(be: Proxy, srv: Server | null, log: StreamLog): void {
  if (log.tConnect < 0 || log.tResponse < 0) return;
  const bc = be.beCounters;
  addTimeStats(bc, bc.cumReq, log.tQueue, log.tConnect, log.tResponse, log.tTotal);
  if (srv !== null) addTimeStats(srv.counters, srv.counters.cumReq, log.tQueue, log.tConnect, log.tResponse, log.tTotal);
}

/** Index into `rsp` for an HTTP status (HRSP_*). */
export function hrspIndex(status: number): number {
  return status >= 100 && status < 600 ? (status / 100) | 0 : 0;
}

function newRsp(): number[] {
  const a = new Array<number>(HRSP_COUNT);
  for (let i = 0; i < HRSP_COUNT; i++) a[i] = 0;
  return a;
}

export function newFeCounters(): FeCounters {
  return {
    cumConn: 0, connPerSec: newFreqCtr(), cpsMax: 0, connMax: 0,
    cumSess: 0, sessPerSec: newFreqCtr(), spsMax: 0,
    bytesIn: 0, bytesOut: 0,
    deniedReq: 0, deniedResp: 0, failedReq: 0, deniedConn: 0, deniedSess: 0,
    failedRewrites: 0, internalErrors: 0, cliAborts: 0, srvAborts: 0,
    cumReq: 0, reqPerSec: newFreqCtr(), rpsMax: 0, rsp: newRsp(), interceptedReq: 0,
    cacheLookups: 0, cacheHits: 0, compIn: 0, compOut: 0, compByp: 0, compRsp: 0,
    curConn: 0,
  };
}

function beFields(): BeCounters {
  return {
    cumConn: 0, cumSess: 0, sessPerSec: newFreqCtr(), spsMax: 0, connMax: 0, nbpendMax: 0,
    cumLbconn: 0, lastSess: 0, bytesIn: 0, bytesOut: 0,
    deniedReq: 0, deniedResp: 0, failedConns: 0, failedResp: 0, retries: 0, redispatches: 0,
    failedRewrites: 0, internalErrors: 0, cliAborts: 0, srvAborts: 0, connect: 0, reuse: 0,
    failedChecks: 0, failedHana: 0, downTrans: 0,
    cumReq: 0, rsp: newRsp(), cacheLookups: 0, cacheHits: 0, compIn: 0, compOut: 0, compByp: 0, compRsp: 0,
    qTime: 0, cTime: 0, dTime: 0, tTime: 0, qtimeMax: 0, ctimeMax: 0, dtimeMax: 0, ttimeMax: 0,
  };
}

export function newBeCounters(): BeCounters {
  return beFields();
}

export function newSrvCounters(): SrvCounters {
  const c = beFields() as SrvCounters;
  c.usedConnMax = 0;
  return c;
}

/**
 * `clear counters`: resets the max values (and the rate maxima) only. `clear counters all` (all = true) resets
 * every counter. In-place so references held by the data path stay valid.
 */
export function clearFeCounters(c: FeCounters, all: boolean): void {
  c.connMax = 0; c.cpsMax = 0; c.spsMax = 0; c.rpsMax = 0;
  if (!all) return;
  const fresh = newFeCounters();
  Object.assign(c, fresh);
}

export function clearBeCounters(c: BeCounters | SrvCounters, all: boolean): void {
  c.connMax = 0; c.spsMax = 0; c.nbpendMax = 0;
  c.qtimeMax = 0; c.ctimeMax = 0; c.dtimeMax = 0; c.ttimeMax = 0;
  if ('usedConnMax' in c) c.usedConnMax = 0;
  if (!all) return;
  Object.assign(c, beFields());
}

export function newStatsPageCfg(): StatsPageCfg {
  return {
    enabled: false, uri: '/haproxy?stats', refresh: 0, realm: '', auth: [], rules: [], adminCond: null, adminAlways: false,
    hideVersion: false, showLegends: false, showNode: null, showDesc: null, scope: [], prometheus: false,
  };
}

const liCounters = new WeakMap<BindCfg, FeCounters>();

/**
 * The counters of one listener (`bind` line), created on first use. With `option socket-stats` the data path
 * updates them alongside the frontend's (look them up once per bound socket, not per connection).
 */
export function listenerCounters(b: BindCfg): FeCounters {
  let c = liCounters.get(b);
  if (c === undefined) { c = newFeCounters(); liCounters.set(b, c); }
  return c;
}

/** Init hooks for model/factories.ts (registered by proxy/modules.ts): fill the stats slots of a new object. */
export function statsProxyInit(px: Proxy, def: Proxy | null): void {
  px.feCounters = newFeCounters();
  px.beCounters = newBeCounters();
  const sp = newStatsPageCfg();
  if (def !== null && def.statsPage !== undefined && 'uri' in def.statsPage) {
    const d = def.statsPage;
    sp.enabled = d.enabled; sp.uri = d.uri; sp.refresh = d.refresh; sp.realm = d.realm; sp.auth = d.auth.slice();
    sp.rules = d.rules.slice();
    sp.adminCond = d.adminCond; sp.adminAlways = d.adminAlways; sp.hideVersion = d.hideVersion;
    sp.showLegends = d.showLegends; sp.showNode = d.showNode; sp.showDesc = d.showDesc; sp.scope = d.scope.slice();
  }
  px.statsPage = sp;
}

export function statsServerInit(srv: Server): void {
  srv.counters = newSrvCounters();
}
