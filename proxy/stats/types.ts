/*
 * Stats types (the -t.h of stats/): the counters each object kind maintains (frontend/listener, backend, server),
 * the per-second rate counter, the stats page settings and the CLI command descriptor contract. Types only.
 * Factories live in counters.ts. The data path increments counter fields directly (`fe.feCounters.bytesIn += n`);
 * rates and time averages go through the tiny helpers in counters.ts. Hot path: yes (fields are read/written per
 * request), so every field is set in the factory with its final type.
 */
import type { GlobalSettings, Proxy, Server } from '../model/types.ts';
import type { AclCond, SampleCtx } from '../acl/types.ts';

/**
 * A per-second event counter (HAProxy's freq_ctr with a 1 s period). `currSec` is the second (Date.now()/1000|0)
 * `curr` counts; `prev` is the count of the second before it. The rate read at time t is
 * `curr + prev * (1 - elapsed fraction of the current second)`, as HAProxy does.
 */
export interface FreqCtr {
  currSec: number;
  curr: number;
  prev: number;
}

/** HTTP response status classes: index into `rsp` (hrsp_1xx..hrsp_5xx, hrsp_other). */
export const HRSP_OTHER = 0;
export const HRSP_1XX = 1;
export const HRSP_2XX = 2;
export const HRSP_3XX = 3;
export const HRSP_4XX = 4;
export const HRSP_5XX = 5;
export const HRSP_COUNT = 6;

/**
 * Counters of a frontend (Proxy.feCounters), also used per listener when `option socket-stats` is set.
 * Current connections live on the model (`Proxy.feconn`); the max values here are updated by the data path
 * (`if (fe.feconn > c.connMax) c.connMax = fe.feconn`).
 */
export interface FeCounters {
  // connections (accepted sockets) and sessions (connections that passed tcp-request connection rules)
  cumConn: number;           // conn_tot
  connPerSec: FreqCtr;       // conn_rate
  cpsMax: number;            // conn_rate_max
  connMax: number;           // smax
  cumSess: number;           // stot
  sessPerSec: FreqCtr;       // rate
  spsMax: number;            // rate_max
  // bytes
  bytesIn: number;           // bin
  bytesOut: number;          // bout
  // denials and errors
  deniedReq: number;         // dreq
  deniedResp: number;        // dresp
  failedReq: number;         // ereq
  deniedConn: number;        // dcon
  deniedSess: number;        // dses
  failedRewrites: number;    // wrew
  internalErrors: number;    // eint
  cliAborts: number;         // (frontends: not shown in CSV, kept for Prometheus parity)
  srvAborts: number;
  // HTTP
  cumReq: number;            // req_tot
  reqPerSec: FreqCtr;        // req_rate
  rpsMax: number;            // req_rate_max
  rsp: number[];             // hrsp_other, hrsp_1xx..hrsp_5xx, indexed by HRSP_*
  interceptedReq: number;    // intercepted
  cacheLookups: number;
  cacheHits: number;
  compIn: number;
  compOut: number;
  compByp: number;
  compRsp: number;
  // current listener connections (listeners only; frontends use Proxy.feconn)
  curConn: number;
}

/** Counters of a backend (Proxy.beCounters) and, with the check fields, of a server (Server.counters). */
export interface BeCounters {
  cumConn: number;           // connections attempted to this backend (kept for parity; not a CSV column)
  cumSess: number;           // stot
  sessPerSec: FreqCtr;       // rate
  spsMax: number;            // rate_max
  connMax: number;           // smax
  nbpendMax: number;         // qmax
  cumLbconn: number;         // lbtot
  lastSess: number;          // ms timestamp of the last session (lastsess), 0 = never
  bytesIn: number;           // bin
  bytesOut: number;          // bout
  deniedReq: number;         // dreq (backends)
  deniedResp: number;        // dresp
  failedConns: number;       // econ
  failedResp: number;        // eresp
  retries: number;           // wretr
  redispatches: number;      // wredis
  failedRewrites: number;    // wrew
  internalErrors: number;    // eint
  cliAborts: number;         // cli_abrt
  srvAborts: number;         // srv_abrt
  connect: number;           // connect
  reuse: number;             // reuse
  failedChecks: number;      // chkfail
  failedHana: number;        // hanafail
  downTrans: number;         // chkdown
  // HTTP
  cumReq: number;            // req_tot
  rsp: number[];             // HRSP_* indexed
  cacheLookups: number;
  cacheHits: number;
  compIn: number;
  compOut: number;
  compByp: number;
  compRsp: number;
  // time stats: sliding sums over TIME_STATS_SAMPLES samples (see counters.ts addTimeStats) and maxima, ms
  qTime: number;
  cTime: number;
  dTime: number;             // response time (rtime)
  tTime: number;
  qtimeMax: number;
  ctimeMax: number;
  dtimeMax: number;
  ttimeMax: number;
}

/** Server counters: the backend set (HAProxy uses the same struct for both). */
export interface SrvCounters extends BeCounters {
  /** Max idle connections seen (kept for `show servers conn` used_max). */
  usedConnMax: number;
}

/** `stats auth user:pass` entries. */
export interface StatsAuthUser {
  user: string;
  pass: string;
}

/** One `stats http-request allow|deny|auth [realm <r>] [if|unless <cond>]` rule. */
export interface StatsHttpRule {
  action: 'allow' | 'deny' | 'auth';
  realm: string;             // auth only, '' = the proxy's realm or the default
  cond: AclCond | null;      // null = always
}

/** Per-proxy stats page settings (`stats enable|uri|refresh|auth|realm|admin|hide-version|show-legends|...`). */
export interface StatsPageCfg {
  enabled: boolean;          // `stats enable` or any other `stats` keyword
  uri: string;               // default '/haproxy?stats'
  refresh: number;           // seconds, 0 = none
  realm: string;             // '' = default realm 'HAProxy Statistics'
  auth: StatsAuthUser[];
  /** `stats http-request` rules, in order (2.6 refuses them together with `stats auth`/`stats realm`). */
  rules: StatsHttpRule[];
  /** `stats admin if|unless <cond>`, compiled at load (acl/compile.ts); null = no admin rule. */
  adminCond: AclCond | null;
  adminAlways: boolean;      // `stats admin if TRUE`
  hideVersion: boolean;
  showLegends: boolean;
  showNode: string | null;   // `stats show-node [name]` ('' = global node)
  showDesc: string | null;
  scope: string[];           // `stats scope <px>`; empty = all
  /** `http-request use-service prometheus-exporter` was seen on this proxy (its own condition is P2's rule). */
  prometheus: boolean;
}

/** Access levels of a stats socket or CLI session. */
export const ACCESS_LVL_USER = 1;
export const ACCESS_LVL_OPER = 2;
export const ACCESS_LVL_ADMIN = 3;

/** One `stats socket` line (GlobalSettings.ext.get('stats') holds StatsGlobalCfg). */
export interface StatsSocketCfg {
  host: string;              // TCP address, '' for unix
  port: number;
  path: string;              // unix path, '' for TCP
  mode: number;              // file mode for unix sockets, -1 = default (umask)
  level: number;             // ACCESS_LVL_*
  exposeFd: boolean;
}

export interface StatsGlobalCfg {
  sockets: StatsSocketCfg[];
  timeoutMs: number;         // `stats timeout`, default 10000
  maxconn: number;           // `stats maxconn`, default 10
}

/**
 * What the stats dumpers walk: the loaded configuration and process facts. Built by proxy/main.ts after the config
 * is loaded and handed to stats/runtime.ts startStats(); tests build one directly from the model factories.
 */
export interface StatsSource {
  /** Proxies in configuration order (frontends, backends, listen; no defaults sections). */
  proxies: Proxy[];
  global: GlobalSettings;
  startMs: number;           // process start, ms since epoch
  pid: number;
  /** Current global connections (actconn), maintained by the data path; read by `show info`. */
  actconn(): number;
  /** Idle server connections kept for reuse (backend/pool.ts); 0 when no pool. */
  idleConns(srv: Server): number;
}

/** Dump options shared by CSV, typed, JSON and HTML. */
export interface StatDumpOpts {
  level: number;             // ACCESS_LVL_*; addr/cookie/algo need >= operator unless showLegends
  showLegends: boolean;
  hideDown: boolean;         // `up`
  hideMaint: boolean;        // `no-maint`
  iid: number;               // -1 = all proxies
  type: number;              // bit mask: 1 FE, 2 BE, 4 SRV, 8 LI; -1 = all
  sid: number;               // -1 = all servers
  scope: string[] | null;    // stats page `stats scope`; null = all
  uriScope?: string;         // stats page `?scope=<text>`: proxies whose name holds it (lower case), as 2.6
}

export const STAT_TYPE_FE = 1;
export const STAT_TYPE_BE = 2;
export const STAT_TYPE_SRV = 4;
export const STAT_TYPE_LI = 8;

/** One stats row: a value per column, `undefined` = empty (not applicable). */
export type StatVal = string | number | undefined;

/** `set severity-output` modes. */
export const CLI_SEV_NONE = 0;
export const CLI_SEV_NUMBER = 1;
export const CLI_SEV_STRING = 2;

/** Syslog severities used to tag CLI replies (`[3]: `, `[err]: `). -1 = a raw dump, never tagged. */
export const LOG_ERR = 3;
export const LOG_WARNING = 4;
export const LOG_NOTICE = 5;
export const LOG_INFO = 6;
export const CLI_RAW = -1;

/** One CLI connection's state (HAProxy's appctx for the CLI applet). */
export interface CliSession {
  id: number;
  level: number;             // ACCESS_LVL_*, lowered by `operator` / `user`
  prompt: boolean;
  severityOutput: number;    // CLI_SEV_*
  timeoutMs: number;         // idle timeout, `set timeout cli`
  /** Transport facts for `show sess` (`unix_stream` or `tcpv4`, peer text, accept time). */
  proto: string;
  peer: string;
  acceptMs: number;
  /** Set by `quit`: close after this reply. */
  closing: boolean;
}

/** A command's reply: text (without the CLI terminator) and its severity for `set severity-output`. */
export interface CliReply {
  text: string;
  severity: number;          // LOG_* or CLI_RAW
  /** 2.6 sends a few replies without the empty line (or "\n" before the prompt) that ends a reply. */
  noEnd?: boolean;
}

/**
 * Runtime server/frontend state changes the CLI performs. The default implementation (stats/srv-admin.ts) edits
 * the model fields; proxy/backend/server.ts may install its own (setServerStateApi) to add LB updates, queue
 * redistribution and the `Server x/y is DOWN` messages. Every method returns '' on success or an error text.
 */
export interface ServerStateApi {
  setMaint(sv: Server, on: boolean): string;
  setDrain(sv: Server, on: boolean): string;
  setReady(sv: Server): string;
  setWeight(sv: Server, w: number): string;
  setHealth(sv: Server, up: 'up' | 'stopping' | 'down'): string;
  setAgent(sv: Server, up: 'up' | 'down'): string;
  setCheckEnabled(sv: Server, agent: boolean, on: boolean): string;
  setAddr(sv: Server, addr: string, port: number): string;
  setMaxconn(sv: Server, n: number): string;
  pauseFrontend(px: Proxy): string;
  resumeFrontend(px: Proxy): string;
  stopFrontend(px: Proxy): string;
  /** Kills every stream on the server (`shutdown sessions server`); returns how many. */
  shutdownServerSessions(sv: Server): number;
  setGlobalMaxconn(n: number): string;
  setFrontendMaxconn(px: Proxy, n: number): string;
  setRateLimitSessions(n: number): string;
}

/** What commands can reach: the stats source, the state API and the live CLI sessions. */
export interface CliEnv {
  src: StatsSource;
  api: ServerStateApi;
  sessions: ReadonlySet<CliSession>;
  /** Closes a CLI session by id (`shutdown session`); false if unknown. */
  killSession(id: number): boolean;
}

/**
 * A CLI command descriptor (HAProxy's cli_kw): `words` select it, `usage` is its help line (null = hidden),
 * `level` the minimum session level (`Permission denied` below it), `parse` runs it and returns the reply.
 */
export interface CliCommand {
  readonly words: readonly string[];
  readonly usage: string | null;
  readonly level: number;
  parse(args: readonly string[], s: CliSession, env: CliEnv): CliReply;
}

/**
 * One stats page request as the HTTP side hands it to serveStats() (stats/html.ts). `path` is the request-target
 * (the stats uri prefix, then `;csv`, `;up`, `;norefresh`, `;st=...`, `?scope=...`); `authorization` the raw
 * Authorization header value ('' if absent); `body` the POST body (application/x-www-form-urlencoded) or '';
 * `ctx` the request for `stats admin if <cond>` (null = no ACL context: the condition is false).
 */
export interface StatsRequest {
  method: string;
  path: string;
  authorization: string;
  body: string;
  ctx: SampleCtx | null;
}

/** The reply to a stats page or exporter request; statsReplyBytes() (html.ts) serialises it. */
export interface StatsHttpReply {
  status: number;
  headers: [string, string][];
  body: string;
}

/** A reply whose body is already bytes (the Prometheus scrape: tens of MB at 10,000 servers). */
export interface StatsRawReply {
  status: number;
  headers: [string, string][];
  body: Buffer;
}

/**
 * One captured protocol error (`show errors`): the last invalid request of a frontend or invalid response of a
 * backend. The buffer is a private copy (at most tune.bufsize bytes).
 */
export interface ErrorSnapshot {
  whenMs: number;
  /** The proxy the error is stored on (frontend for requests, backend for responses) and the other side. */
  px: Proxy;
  isResp: boolean;
  otherPx: Proxy | null;
  srv: Server | null;
  eventId: number;
  src: string;
  buf: Buffer;
  errPos: number;
}
