/*
 * Fills one stats row (a value per column of columns.ts) for a frontend, listener, backend or server, following
 * which fields HAProxy 2.6 leaves empty for each object kind and mode. Also the walk over all objects in 2.6 order
 * (per proxy: FRONTEND, listeners, servers, BACKEND) with the `show stat` filters. Output formats (csv.ts, typed.ts,
 * html.ts, prometheus.ts) consume the rows. Does not format anything itself. Hot path: no (dump time only).
 */
import type { Proxy, Server, BindCfg } from '../model/types.ts';
import {
  PR_MODE_HTTP, PR_O_SOCKET_STATS, PR_STATE_READY, PR_STATE_PAUSED, PR_STATE_STOPPED, SRV_ST_RUNNING, SRV_ST_STARTING, SRV_ST_STOPPING, SRV_ST_STOPPED,
  SRV_ADMF_FMAINT, SRV_ADMF_IMAINT, SRV_ADMF_CMAINT, SRV_ADMF_RMAINT, SRV_ADMF_FDRAIN, SRV_ADMF_IDRAIN, PR_O_ALLBACKUPS,
} from '../model/types.ts';
import { PR_CAP_FE, PR_CAP_BE } from '../config/types.ts';
import type { CheckState } from '../checks/types.ts';
import { HCHK_STATUS_NAMES, HCHK_STATUS_INI, HCHK_STATUS_L7TOUT, HCHK_STATUS_L7OK, HCHK_STATUS_L7STS } from '../checks/types.ts';
import type { StatsSource, StatDumpOpts, StatVal, FeCounters, BeCounters } from './types.ts';
import { ACCESS_LVL_OPER, STAT_TYPE_FE, STAT_TYPE_BE, STAT_TYPE_SRV, STAT_TYPE_LI } from './types.ts';
import * as F from './columns.ts';
import { DEFAULT_MAXCONN } from '../frontend.ts';
import { srvThrottle } from '../backend/server.ts';
import { readFreqCtr, swrateAvg, timeStatsWindow, listenerCounters } from './counters.ts';
import { srvObserves } from '../backend/observe.ts';

export const SRV_ADMF_MAINT = SRV_ADMF_FMAINT | SRV_ADMF_IMAINT | SRV_ADMF_CMAINT | SRV_ADMF_RMAINT;
export const SRV_ADMF_DRAIN = SRV_ADMF_FDRAIN | SRV_ADMF_IDRAIN;

/** Server display states (HAProxy's SRV_STATS_STATE_*), also used for HTML row classes and Prometheus. */
export const SRV_STATS_DOWN = 0;
export const SRV_STATS_DOWN_AGENT = 1;
export const SRV_STATS_GOING_UP = 2;
export const SRV_STATS_UP_GOING_DOWN = 3;
export const SRV_STATS_UP = 4;
export const SRV_STATS_NOLB_GOING_DOWN = 5;
export const SRV_STATS_NOLB = 6;
export const SRV_STATS_DRAIN_GOING_DOWN = 7;
export const SRV_STATS_DRAIN = 8;
export const SRV_STATS_DRAIN_AGENT = 9;
export const SRV_STATS_NO_CHECK = 10;
export const SRV_STATS_MAINT = 11;

/** Human text of each check status (check_desc), indexed like HCHK_STATUS_NAMES. */
const CHECK_DESC: Readonly<Record<string, string>> = {
  UNK: 'Unknown', INI: 'Initializing', SOCKERR: 'Socket error', L4OK: 'Layer4 check passed',
  L4TOUT: 'Layer4 timeout', L4CON: 'Layer4 connection problem', L6OK: 'Layer6 check passed',
  L6TOUT: 'Layer6 timeout', L6RSP: 'Layer6 invalid response', L7TOUT: 'Layer7 timeout',
  L7RSP: 'Layer7 invalid response', L7OKD: 'Layer7 check passed', L7OK: 'Layer7 check passed',
  L7OKC: 'Layer7 check conditionally passed', L7STS: 'Layer7 wrong status', HANA: 'Health analyze',
  PROCERR: 'External check error', PROCTOUT: 'External check timeout', PROCOK: 'External check passed',
  CHECKED: 'No status change',
};

export function checkStatusName(st: number): string {
  const n = HCHK_STATUS_NAMES[st] ?? 'UNK';
  return n === 'L7OKD' ? 'L7OK' : n;
}

export function checkStatusDesc(st: number): string {
  return CHECK_DESC[HCHK_STATUS_NAMES[st] ?? 'UNK'] ?? 'Unknown';
}

/** A check counts as enabled (CHK_ST_ENABLED) when configured and not disabled from the CLI. */
export function checkEnabled(c: CheckState | null): boolean {
  return c !== null && c.enabled && !c.paused;
}

/** The server whose checks decide this server's state (the end of its `track` chain). */
export function trackRef(sv: Server): Server {
  let r = sv;
  for (let i = 0; i < 16 && r.tracked !== null; i++) r = r.tracked;
  return r;
}

/** HAProxy's display state of a server (MAINT first, then running/stopping/stopped with check progress). */
export function srvStatsState(sv: Server): number {
  if ((sv.adminState & SRV_ADMF_MAINT) !== 0) return SRV_STATS_MAINT;
  const ref = trackRef(sv);
  const chk = checkEnabled(ref.check);
  const agt = checkEnabled(ref.agent);
  const maxH = ref.check.rise + ref.check.fall - 1;
  if (sv.curState === SRV_ST_RUNNING || sv.curState === SRV_ST_STARTING) {
    let st = chk && ref.check.health < maxH ? SRV_STATS_UP_GOING_DOWN : SRV_STATS_UP;
    if ((sv.adminState & SRV_ADMF_DRAIN) !== 0) {
      if (agt) st = SRV_STATS_DRAIN_AGENT;
      else if (st === SRV_STATS_UP_GOING_DOWN) st = SRV_STATS_DRAIN_GOING_DOWN;
      else st = SRV_STATS_DRAIN;
    }
    if (st === SRV_STATS_UP && !chk) st = SRV_STATS_NO_CHECK;
    return st;
  }
  if (sv.curState === SRV_ST_STOPPING) {
    if ((!checkEnabled(sv.check) && sv.tracked === null) || ref.check.health === maxH) return SRV_STATS_NOLB;
    return SRV_STATS_NOLB_GOING_DOWN;
  }
  if (agt && ref.agent!.health === 0) return SRV_STATS_DOWN_AGENT;
  if (chk && ref.check.health === 0) return SRV_STATS_DOWN;
  if (agt || chk) return SRV_STATS_GOING_UP;
  return SRV_STATS_DOWN;
}

/** The `status` column text of a server. */
export function srvStatusText(sv: Server): string {
  const st = srvStatsState(sv);
  const ref = trackRef(sv);
  const c = ref.check;
  switch (st) {
    case SRV_STATS_MAINT: {
      if ((sv.adminState & (SRV_ADMF_FMAINT | SRV_ADMF_CMAINT)) === 0) {
        if ((sv.adminState & SRV_ADMF_RMAINT) !== 0) return 'MAINT (resolution)';
        if ((sv.adminState & SRV_ADMF_IMAINT) !== 0 && sv.tracked !== null) {
          return 'MAINT (via ' + sv.tracked.proxy.name + '/' + sv.tracked.name + ')';
        }
      }
      return 'MAINT';
    }
    case SRV_STATS_UP: return 'UP';
    case SRV_STATS_NO_CHECK: return 'no check';
    case SRV_STATS_UP_GOING_DOWN: return 'UP ' + (c.health - c.rise + 1) + '/' + c.fall;
    case SRV_STATS_DRAIN: return 'DRAIN';
    case SRV_STATS_DRAIN_AGENT: return 'DRAIN (agent)';
    case SRV_STATS_DRAIN_GOING_DOWN: return 'DRAIN ' + (c.health - c.rise + 1) + '/' + c.fall;
    case SRV_STATS_NOLB: return 'NOLB';
    case SRV_STATS_NOLB_GOING_DOWN: return 'NOLB ' + (c.health - c.rise + 1) + '/' + c.fall;
    case SRV_STATS_DOWN_AGENT: return 'DOWN (agent)';
    case SRV_STATS_GOING_UP: return 'DOWN ' + c.health + '/' + c.rise;
    default: return 'DOWN';
  }
}

/** Idle-connection purge period HAProxy uses to age `need_conn_est` (pool-purge-delay default). */
const PURGE_DELAY_MS = 5000;

/**
 * HAProxy's estimate of the connections a server needs: the most used at once since the last purge. The data path
 * does not track a per-purge maximum, so while the server saw a session within the purge delay the estimate is its
 * smax (or current use, if higher), and its current use afterwards.
 */
export function srvNeedConnEst(sv: Server, now: number): number {
  const c = sv.counters;
  const recent = sv.lastSess > 0 && now - sv.lastSess < PURGE_DELAY_MS;
  const used = srvUsedConnMax(sv);
  const base = used > sv.served ? used : sv.served;
  return recent && c.connMax > base ? c.connMax : base;
}

/**
 * The most connections a server had in use at once (`show servers conn` used_max). A health check's connection
 * counts: in 2.6 a checked server shows 1 after its first check even with no traffic, and a server without checks 0.
 */
export function srvUsedConnMax(sv: Server): number {
  const checked = (sv.check !== null && sv.check.status > HCHK_STATUS_INI) || (sv.agent !== null && sv.agent.status > HCHK_STATUS_INI);
  return checked && sv.counters.usedConnMax < 1 ? 1 : sv.counters.usedConnMax;
}

/** A server takes new traffic: running, not in maintenance nor drain, with a non-zero weight. */
export function srvUsable(sv: Server): boolean {
  return (sv.curState === SRV_ST_RUNNING || sv.curState === SRV_ST_STARTING) &&
    (sv.adminState & (SRV_ADMF_MAINT | SRV_ADMF_DRAIN)) === 0 && sv.uweight > 0;
}

/** Backend aggregates over its servers, computed in one pass before the BACKEND row. */
export interface BeAgg {
  act: number;
  bck: number;
  wAct: number;
  /** Weight of the backups in use when no active server is: the first usable one, all with `option allbackups`. */
  wBckUsed: number;
  uwAct: number;
  uwBck: number;
  nbup: number;
  nbsrv: number;
}

export function newBeAgg(): BeAgg {
  return { act: 0, bck: 0, wAct: 0, wBckUsed: 0, uwAct: 0, uwBck: 0, nbup: 0, nbsrv: 0 };
}

export function computeBeAgg(px: Proxy, a: BeAgg): BeAgg {
  a.act = 0; a.bck = 0; a.wAct = 0; a.wBckUsed = 0; a.uwAct = 0; a.uwBck = 0; a.nbup = 0; a.nbsrv = 0;
  const svs = px.servers;
  for (let i = 0; i < svs.length; i++) {
    const sv = svs[i]!;
    a.nbsrv++;
    if (sv.curState !== SRV_ST_STOPPED && (sv.adminState & SRV_ADMF_MAINT) === 0) a.nbup++;
    if (!srvUsable(sv)) continue;
    if (sv.backup) {
      if (a.bck === 0 || (px.options & PR_O_ALLBACKUPS) !== 0) a.wBckUsed += sv.eweight;
      a.bck++; a.uwBck += sv.uweight;
    } else { a.act++; a.wAct += sv.eweight; a.uwAct += sv.uweight; }
  }
  return a;
}

/** 2.6's backend weight: the LB's total, the first backup's alone when only backups serve (no `option allbackups`). */
function beWeight(a: BeAgg): number { return a.act > 0 ? a.wAct : a.wBckUsed; }
function beUweight(a: BeAgg): number { return a.act > 0 ? a.uwAct : a.uwBck; }

/**
 * The global maxconn of the configuration (HAProxy's hard maxconn): the configured one, else the default the
 * frontends enforce (frontend.ts). `set maxconn global` changes only feGlobal.maxconn (show info's Maxconn).
 */
export function globalMaxconn(src: StatsSource): number {
  return src.global.maxconn > 0 ? src.global.maxconn : DEFAULT_MAXCONN;
}

/** The frontend maxconn actually applied (`maxconn`, else the global one). */
export function feMaxconn(src: StatsSource, px: Proxy): number {
  return px.maxconn > 0 ? px.maxconn : globalMaxconn(src);
}

/* fullconn computed once per backend: 2.6 derives it at startup, `set maxconn frontend` does not change it */
const fullconnAtStart = new WeakMap<Proxy, number>();

/**
 * The backend's fullconn: configured, else 10% of the sum of the maxconn of frontends that can reach it, taken the
 * first time it is asked (startStats asks for every backend).
 */
export function beFullconn(src: StatsSource, be: Proxy): number {
  if (be.fullconn > 0) return be.fullconn;
  const known = fullconnAtStart.get(be);
  if (known !== undefined) return known;
  const v = fullconnNow(src, be);
  fullconnAtStart.set(be, v);
  return v;
}

function fullconnNow(src: StatsSource, be: Proxy): number {
  let sum = 0;
  for (const fe of src.proxies) {
    if ((fe.cap & PR_CAP_FE) === 0) continue;
    let reaches = fe === be || fe.defaultBackend === be;
    if (!reaches) for (const r of fe.useBackend) if (r.backend === be) { reaches = true; break; }
    if (reaches) sum += feMaxconn(src, fe);
  }
  return sum > 0 ? Math.ceil(sum / 10) : 1;
}

export function feStatus(src: StatsSource, px: Proxy): string {
  if (px.state === PR_STATE_STOPPED || px.disabled) return 'STOP';
  if (px.state === PR_STATE_PAUSED) return 'PAUSED';
  const max = feMaxconn(src, px);
  return max > 0 && px.feconn >= max ? 'FULL' : 'OPEN';
}

function modeName(px: Proxy): string { return px.mode === PR_MODE_HTTP ? 'http' : 'tcp'; }

function clearRow(row: StatVal[]): void {
  for (let i = 0; i < F.ST_F_COUNT; i++) row[i] = undefined;
  row[F.ST_F_SEPARATOR] = '-';
}

function putHrsp(row: StatVal[], rsp: readonly number[]): void {
  row[F.ST_F_HRSP_1XX] = rsp[1]; row[F.ST_F_HRSP_2XX] = rsp[2]; row[F.ST_F_HRSP_3XX] = rsp[3];
  row[F.ST_F_HRSP_4XX] = rsp[4]; row[F.ST_F_HRSP_5XX] = rsp[5]; row[F.ST_F_HRSP_OTHER] = rsp[0];
}

function putSsl(row: StatVal[]): void {
  row[F.ST_F_SSL_SESS] = 0; row[F.ST_F_SSL_REUSED_SESS] = 0; row[F.ST_F_SSL_FAILED_HANDSHAKE] = 0;
}

/** H2 module columns are all zero (no H2); H1 module columns are derived from the proxy counters in HTTP mode. */
function putMux(row: StatVal[], http: boolean, openConns: number, totConns: number, totStreams: number,
  bytesIn: number, bytesOut: number): void {
  for (let i = F.ST_F_H2_HEADERS_RCVD; i <= F.ST_F_H2_BACKEND_TOTAL_STREAMS; i++) row[i] = 0;
  row[F.ST_F_H1_OPEN_CONNECTIONS] = http ? openConns : 0;
  row[F.ST_F_H1_OPEN_STREAMS] = 0;
  row[F.ST_F_H1_TOTAL_CONNECTIONS] = http ? totConns : 0;
  row[F.ST_F_H1_TOTAL_STREAMS] = http ? totStreams : 0;
  row[F.ST_F_H1_BYTES_IN] = http ? bytesIn : 0;
  row[F.ST_F_H1_BYTES_OUT] = http ? bytesOut : 0;
  row[F.ST_F_H1_SPLICED_BYTES_IN] = 0;
  row[F.ST_F_H1_SPLICED_BYTES_OUT] = 0;
}

/** Whole seconds between two dates as 2.6 counts them (it keeps both in seconds: 1.5 s may show 1 or 2). */
export function secondsSince(now: number, ms: number): number {
  const d = Math.floor(now / 1000) - Math.floor(ms / 1000);
  return d > 0 ? d : 0;
}

export function fillFrontend(src: StatsSource, px: Proxy, now: number, row: StatVal[]): void {
  clearRow(row);
  const c: FeCounters = px.feCounters;
  const http = px.mode === PR_MODE_HTTP;
  row[F.ST_F_PXNAME] = px.name;
  row[F.ST_F_SVNAME] = 'FRONTEND';
  row[F.ST_F_SCUR] = px.feconn;
  row[F.ST_F_SMAX] = c.connMax;
  row[F.ST_F_SLIM] = feMaxconn(src, px);
  row[F.ST_F_STOT] = c.cumSess;
  row[F.ST_F_BIN] = c.bytesIn;
  row[F.ST_F_BOUT] = c.bytesOut;
  row[F.ST_F_DREQ] = c.deniedReq;
  row[F.ST_F_DRESP] = c.deniedResp;
  row[F.ST_F_EREQ] = c.failedReq;
  row[F.ST_F_STATUS] = feStatus(src, px);
  row[F.ST_F_PID] = 1;
  row[F.ST_F_IID] = px.id;
  row[F.ST_F_SID] = 0;
  row[F.ST_F_TYPE] = 0;
  row[F.ST_F_RATE] = readFreqCtr(c.sessPerSec, now);
  row[F.ST_F_RATE_LIM] = px.rateLimitSessions;
  row[F.ST_F_RATE_MAX] = c.spsMax;
  if (http) putHrsp(row, c.rsp);
  row[F.ST_F_REQ_RATE] = readFreqCtr(c.reqPerSec, now);
  row[F.ST_F_REQ_RATE_MAX] = c.rpsMax;
  row[F.ST_F_REQ_TOT] = c.cumReq;
  row[F.ST_F_COMP_IN] = c.compIn;
  row[F.ST_F_COMP_OUT] = c.compOut;
  row[F.ST_F_COMP_BYP] = c.compByp;
  row[F.ST_F_COMP_RSP] = c.compRsp;
  row[F.ST_F_MODE] = modeName(px);
  row[F.ST_F_CONN_RATE] = readFreqCtr(c.connPerSec, now);
  row[F.ST_F_CONN_RATE_MAX] = c.cpsMax;
  row[F.ST_F_CONN_TOT] = c.cumConn;
  if (http) row[F.ST_F_INTERCEPTED] = c.interceptedReq;
  row[F.ST_F_DCON] = c.deniedConn;
  row[F.ST_F_DSES] = c.deniedSess;
  row[F.ST_F_WREW] = c.failedRewrites;
  if (http) { row[F.ST_F_CACHE_LOOKUPS] = c.cacheLookups; row[F.ST_F_CACHE_HITS] = c.cacheHits; }
  row[F.ST_F_EINT] = c.internalErrors;
  putSsl(row);
  putMux(row, http, px.feconn, c.cumConn, c.cumReq, c.bytesIn, c.bytesOut);
}

/** Listener row name: the bind's `name`, else `sock-<n>` (1-based position among the proxy's binds). */
export function listenerName(b: BindCfg, idx: number): string {
  return b.name !== '' ? b.name : 'sock-' + (idx + 1);
}

export function listenerAddr(b: BindCfg): string {
  if (b.path !== '') return 'unix@' + b.path;
  const h = b.host === '' ? '0.0.0.0' : b.host;
  return (h.indexOf(':') >= 0 ? '[' + h + ']' : h) + ':' + b.port;
}

export function fillListener(px: Proxy, b: BindCfg, idx: number, opts: StatDumpOpts, row: StatVal[]): void {
  clearRow(row);
  const c = listenerCounters(b);
  row[F.ST_F_PXNAME] = px.name;
  row[F.ST_F_SVNAME] = listenerName(b, idx);
  row[F.ST_F_SCUR] = c.curConn;
  row[F.ST_F_SMAX] = c.connMax;
  row[F.ST_F_SLIM] = b.maxconn;
  row[F.ST_F_STOT] = c.cumSess;
  row[F.ST_F_BIN] = c.bytesIn;
  row[F.ST_F_BOUT] = c.bytesOut;
  row[F.ST_F_DREQ] = c.deniedReq;
  row[F.ST_F_DRESP] = c.deniedResp;
  row[F.ST_F_EREQ] = c.failedReq;
  row[F.ST_F_STATUS] = px.state === PR_STATE_READY ? (b.maxconn > 0 && c.curConn >= b.maxconn ? 'FULL' : 'OPEN') : 'WAITING';
  row[F.ST_F_PID] = 1;
  row[F.ST_F_IID] = px.id;
  row[F.ST_F_SID] = idx + 1;
  row[F.ST_F_TYPE] = 3;
  if (opts.level >= ACCESS_LVL_OPER || opts.showLegends) row[F.ST_F_ADDR] = listenerAddr(b);
  row[F.ST_F_MODE] = modeName(px);
  row[F.ST_F_DCON] = c.deniedConn;
  row[F.ST_F_DSES] = c.deniedSess;
  row[F.ST_F_WREW] = c.failedRewrites;
  row[F.ST_F_EINT] = c.internalErrors;
  putSsl(row);
}

function putBeTimes(row: StatVal[], c: BeCounters, samples: number): void {
  const n = timeStatsWindow(samples);
  row[F.ST_F_QTIME] = swrateAvg(c.qTime, n);
  row[F.ST_F_CTIME] = swrateAvg(c.cTime, n);
  row[F.ST_F_RTIME] = swrateAvg(c.dTime, n);
  row[F.ST_F_TTIME] = swrateAvg(c.tTime, n);
  row[F.ST_F_QTIME_MAX] = c.qtimeMax;
  row[F.ST_F_CTIME_MAX] = c.ctimeMax;
  row[F.ST_F_RTIME_MAX] = c.dtimeMax;
  row[F.ST_F_TTIME_MAX] = c.ttimeMax;
}

function putCheck(row: StatVal[], c: CheckState, agent: boolean): void {
  const name = checkStatusName(c.status);
  const base = agent ? F.ST_F_AGENT_STATUS : F.ST_F_CHECK_STATUS;
  row[base] = (c.running ? '* ' : '') + name;
  // 2.6 shows the code of the statuses that carry one even when it is 0 (a tcp-check's L7OK / L7STS)
  if ((c.status >= HCHK_STATUS_L7TOUT && c.code > 0) || c.status === HCHK_STATUS_L7OK || c.status === HCHK_STATUS_L7STS) row[base + 1] = c.code;
  if (c.status > HCHK_STATUS_INI && c.duration >= 0) row[base + 2] = c.duration;
  if (agent) {
    row[F.ST_F_LAST_AGT] = c.desc;
    row[F.ST_F_AGENT_DESC] = checkStatusDesc(c.status);
    row[F.ST_F_AGENT_RISE] = c.rise; row[F.ST_F_AGENT_FALL] = c.fall; row[F.ST_F_AGENT_HEALTH] = c.health;
  } else {
    row[F.ST_F_LAST_CHK] = c.running ? '' : c.desc;   // 2.6 clears it when a check starts (seen with "* L7TOUT")
    row[F.ST_F_CHECK_DESC] = checkStatusDesc(c.status);
    row[F.ST_F_CHECK_RISE] = c.rise; row[F.ST_F_CHECK_FALL] = c.fall; row[F.ST_F_CHECK_HEALTH] = c.health;
  }
}

export function srvAddr(sv: Server): string {
  if (sv.path !== '') return 'unix@' + sv.path;
  if (sv.host === '') return '';      // no address yet (resolution maintenance): 2.6 leaves the field empty
  return (sv.host.indexOf(':') >= 0 ? '[' + sv.host + ']' : sv.host) + ':' + sv.port;
}

export function fillServer(src: StatsSource, px: Proxy, sv: Server, now: number, opts: StatDumpOpts,
  row: StatVal[]): void {
  clearRow(row);
  const c = sv.counters;
  const http = px.mode === PR_MODE_HTTP;
  const maint = (sv.adminState & SRV_ADMF_MAINT) !== 0;
  row[F.ST_F_PXNAME] = px.name;
  row[F.ST_F_SVNAME] = sv.name;
  row[F.ST_F_QCUR] = sv.queued;
  row[F.ST_F_QMAX] = c.nbpendMax;
  row[F.ST_F_SCUR] = sv.served;
  row[F.ST_F_SMAX] = c.connMax;
  if (sv.maxconn > 0) row[F.ST_F_SLIM] = sv.maxconn;
  row[F.ST_F_STOT] = c.cumSess;
  row[F.ST_F_BIN] = c.bytesIn;
  row[F.ST_F_BOUT] = c.bytesOut;
  row[F.ST_F_DRESP] = c.deniedResp;
  row[F.ST_F_ECON] = c.failedConns;
  row[F.ST_F_ERESP] = c.failedResp;
  row[F.ST_F_WRETR] = c.retries;
  row[F.ST_F_WREDIS] = c.redispatches;
  row[F.ST_F_STATUS] = srvStatusText(sv);
  row[F.ST_F_WEIGHT] = sv.eweight; // effective weight: ramps during slowstart (uweight is its own column)
  const thr = srvThrottle(sv);
  if (thr >= 0) row[F.ST_F_THROTTLE] = thr;
  row[F.ST_F_ACT] = sv.backup ? 0 : 1;
  row[F.ST_F_BCK] = sv.backup ? 1 : 0;
  if (checkEnabled(sv.check)) {
    row[F.ST_F_CHKFAIL] = c.failedChecks;
    row[F.ST_F_CHKDOWN] = c.downTrans;
    row[F.ST_F_DOWNTIME] = Math.floor(srvDowntime(sv, now) / 1000);
  }
  if (srvObserves(sv)) row[F.ST_F_HANAFAIL] = c.failedHana;
  row[F.ST_F_LASTCHG] = secondsSince(now, sv.lastChange);
  if (sv.maxqueue > 0) row[F.ST_F_QLIMIT] = sv.maxqueue;
  row[F.ST_F_PID] = 1;
  row[F.ST_F_IID] = px.id;
  row[F.ST_F_SID] = sv.id;
  row[F.ST_F_LBTOT] = c.cumLbconn;
  if (sv.tracked !== null) row[F.ST_F_TRACKED] = sv.tracked.proxy.name + '/' + sv.tracked.name;
  row[F.ST_F_TYPE] = 2;
  row[F.ST_F_RATE] = readFreqCtr(c.sessPerSec, now);
  row[F.ST_F_RATE_MAX] = c.spsMax;
  if (checkEnabled(sv.check) && !maint) putCheck(row, sv.check, false);
  // maintenance pauses the health check only: 2.6 keeps showing the agent's columns
  if (sv.agent !== null && checkEnabled(sv.agent)) putCheck(row, sv.agent, true);
  if (http) { putHrsp(row, c.rsp); row[F.ST_F_REQ_TOT] = c.cumReq; }
  row[F.ST_F_CLI_ABRT] = c.cliAborts;
  row[F.ST_F_SRV_ABRT] = c.srvAborts;
  row[F.ST_F_LASTSESS] = sv.lastSess > 0 ? secondsSince(now, sv.lastSess) : -1;
  putBeTimes(row, c, http ? c.cumReq : c.cumLbconn);
  const legends = opts.level >= ACCESS_LVL_OPER || opts.showLegends;
  if (legends) {
    row[F.ST_F_ADDR] = srvAddr(sv);
    if (sv.cookie !== '') row[F.ST_F_COOKIE] = sv.cookie;
  }
  row[F.ST_F_MODE] = modeName(px);
  row[F.ST_F_WREW] = c.failedRewrites;
  row[F.ST_F_CONNECT] = c.connect;
  row[F.ST_F_REUSE] = c.reuse;
  const idle = src.idleConns(sv);
  row[F.ST_F_SRV_ICUR] = idle;
  row[F.ST_F_EINT] = c.internalErrors;
  row[F.ST_F_IDLE_CONN_CUR] = idle;
  row[F.ST_F_SAFE_CONN_CUR] = 0;
  row[F.ST_F_USED_CONN_CUR] = sv.served;
  row[F.ST_F_NEED_CONN_EST] = srvNeedConnEst(sv, now);
  row[F.ST_F_UWEIGHT] = sv.uweight;
  putSsl(row);
}

/** Total ms spent DOWN, including the current DOWN period (maintenance counts: 2.6 stops the op state). */
export function srvDowntime(sv: Server, now: number): number {
  if (sv.curState === SRV_ST_STOPPED || (sv.adminState & SRV_ADMF_MAINT) !== 0) return sv.downTime + (now - sv.lastChange);
  return sv.downTime;
}

export function fillBackend(src: StatsSource, px: Proxy, agg: BeAgg, now: number, opts: StatDumpOpts,
  row: StatVal[]): void {
  clearRow(row);
  const c = px.beCounters;
  const http = px.mode === PR_MODE_HTTP;
  const w = beWeight(agg);
  row[F.ST_F_PXNAME] = px.name;
  row[F.ST_F_SVNAME] = 'BACKEND';
  row[F.ST_F_QCUR] = px.totalQueued;
  row[F.ST_F_QMAX] = c.nbpendMax;
  row[F.ST_F_SCUR] = px.beconn;
  row[F.ST_F_SMAX] = c.connMax;
  row[F.ST_F_SLIM] = beFullconn(src, px);
  row[F.ST_F_STOT] = c.cumSess;
  row[F.ST_F_BIN] = c.bytesIn;
  row[F.ST_F_BOUT] = c.bytesOut;
  row[F.ST_F_DREQ] = c.deniedReq;
  row[F.ST_F_DRESP] = c.deniedResp;
  row[F.ST_F_ECON] = c.failedConns;
  row[F.ST_F_ERESP] = c.failedResp;
  row[F.ST_F_WRETR] = c.retries;
  row[F.ST_F_WREDIS] = c.redispatches;
  let st = w > 0 || px.servers.length === 0 ? 'UP' : 'DOWN';
  if (opts.hideDown || opts.hideMaint) st += ' (' + agg.nbup + '/' + agg.nbsrv + ')';
  row[F.ST_F_STATUS] = st;
  row[F.ST_F_WEIGHT] = w;
  row[F.ST_F_ACT] = agg.act;
  row[F.ST_F_BCK] = agg.bck;
  row[F.ST_F_CHKDOWN] = c.downTrans;
  row[F.ST_F_LASTCHG] = secondsSince(now, px.lastChange);
  // 2.6 leaves it empty for a backend without servers (a stats listen): Prometheus then says NaN
  row[F.ST_F_DOWNTIME] = px.servers.length === 0 ? undefined : Math.floor((px.downTime + (w > 0 ? 0 : now - px.lastChange)) / 1000);
  row[F.ST_F_PID] = 1;
  row[F.ST_F_IID] = px.id;
  row[F.ST_F_SID] = 0;
  row[F.ST_F_LBTOT] = c.cumLbconn;
  row[F.ST_F_TYPE] = 1;
  row[F.ST_F_RATE] = readFreqCtr(c.sessPerSec, now);
  row[F.ST_F_RATE_MAX] = c.spsMax;
  if (http) { putHrsp(row, c.rsp); row[F.ST_F_REQ_TOT] = c.cumReq; }
  row[F.ST_F_CLI_ABRT] = c.cliAborts;
  row[F.ST_F_SRV_ABRT] = c.srvAborts;
  row[F.ST_F_COMP_IN] = c.compIn;
  row[F.ST_F_COMP_OUT] = c.compOut;
  row[F.ST_F_COMP_BYP] = c.compByp;
  row[F.ST_F_COMP_RSP] = c.compRsp;
  row[F.ST_F_LASTSESS] = c.lastSess > 0 ? secondsSince(now, c.lastSess) : -1;
  putBeTimes(row, c, http ? c.cumReq : c.cumLbconn);
  const legends = opts.level >= ACCESS_LVL_OPER || opts.showLegends;
  if (legends) {
    if (px.cookie.name !== '') row[F.ST_F_COOKIE] = px.cookie.name;
    row[F.ST_F_ALGO] = px.balance.algo;
  }
  row[F.ST_F_MODE] = modeName(px);
  row[F.ST_F_WREW] = c.failedRewrites;
  row[F.ST_F_CONNECT] = c.connect;
  row[F.ST_F_REUSE] = c.reuse;
  if (http) { row[F.ST_F_CACHE_LOOKUPS] = c.cacheLookups; row[F.ST_F_CACHE_HITS] = c.cacheHits; }
  row[F.ST_F_EINT] = c.internalErrors;
  row[F.ST_F_UWEIGHT] = beUweight(agg);
  row[F.ST_F_AGG_SERVER_STATUS] = 0;
  row[F.ST_F_AGG_SERVER_CHECK_STATUS] = 0;
  row[F.ST_F_AGG_CHECK_STATUS] = 0;
  putSsl(row);
  let idle = 0;
  for (let i = 0; i < px.servers.length; i++) idle += src.idleConns(px.servers[i]!);
  putMux(row, http, px.beconn + idle, c.connect, c.cumReq, c.bytesOut, c.bytesIn);
}

/**
 * Walks every row `show stat` would print for `opts`, in HAProxy order, calling `emit(row, type, px, sv)` with the
 * same (reused) row array each time (`sv` is the server of a server row, else null). Returns false without emitting when `opts.iid` names no proxy (caller prints
 * "No such proxy."); resolving names to ids is the caller's job.
 */
export function walkStats(src: StatsSource, opts: StatDumpOpts,
  emit: (row: StatVal[], type: number, px: Proxy, sv: Server | null) => void,
  now: number = Date.now()): boolean {
  const row: StatVal[] = new Array<StatVal>(F.ST_F_COUNT);
  const agg = newBeAgg();
  const type = opts.type;
  let found = opts.iid < 0;
  for (const px of src.proxies) {
    if (opts.iid >= 0 && px.id !== opts.iid) continue;
    found = true;
    // a proxy `disabled` in the configuration is never started: 2.6 dumps nothing of it
    if (px.disabled) continue;
    if (opts.scope !== null && opts.scope.length > 0 && !opts.scope.includes(px.name)) continue;
    if (opts.uriScope !== undefined && opts.uriScope !== '' && !px.name.toLowerCase().includes(opts.uriScope)) continue;
    const isFe = (px.cap & PR_CAP_FE) !== 0;
    const isBe = (px.cap & PR_CAP_BE) !== 0;
    if (isFe && (type & STAT_TYPE_FE) !== 0) { fillFrontend(src, px, now, row); emit(row, 0, px, null); }
    if (isFe && (type & STAT_TYPE_LI) !== 0 && (px.options & PR_O_SOCKET_STATS) !== 0) {
      for (let i = 0; i < px.binds.length; i++) { fillListener(px, px.binds[i]!, i, opts, row); emit(row, 3, px, null); }
    }
    if (isBe && (type & STAT_TYPE_SRV) !== 0) {
      for (const sv of px.servers) {
        if (opts.sid >= 0 && sv.id !== opts.sid) continue;
        if (opts.hideMaint && (sv.adminState & SRV_ADMF_MAINT) !== 0) continue;
        if (opts.hideDown && !srvShownWhenUpOnly(sv)) continue;
        fillServer(src, px, sv, now, opts, row);
        emit(row, 2, px, sv);
      }
    }
    if (isBe && (type & STAT_TYPE_BE) !== 0) {
      computeBeAgg(px, agg);
      fillBackend(src, px, agg, now, opts, row);
      emit(row, 1, px, null);
    }
  }
  return found;
}

/** `up` keeps servers that are running (any UP/DRAIN/NOLB/no-check state), not MAINT or DOWN. */
function srvShownWhenUpOnly(sv: Server): boolean {
  if ((sv.adminState & SRV_ADMF_MAINT) !== 0) return false;
  return sv.curState !== SRV_ST_STOPPED;
}
