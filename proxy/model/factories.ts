/*
 * Factories for the runtime model: newGlobal, newProxy (with `defaults` inheritance), newServer (from a
 * `default-server` template), newStreamLog. Every field is set here with its final type so objects keep one shape.
 * Slots owned by other modules (log, http, stats counters, ...) start as empty placeholders and are filled by init
 * hooks those modules register through proxy/modules.ts (registerProxyInit/registerServerInit/registerGlobalInit), so
 * the model imports no feature implementation. Hot path: newStreamLog is per stream; the others run at load.
 */
import type { GlobalSettings, Proxy, Server, StreamLog, Timeouts, CookieCfg } from './types.ts';
import { PR_MODE_TCP, PR_STATE_READY, SRV_ST_RUNNING } from './types.ts';
import type { LogCfg } from '../log/types.ts';
import type { FeCounters, BeCounters, SrvCounters, StatsPageCfg } from '../stats/types.ts';
import type { HttpProxyCfg } from '../http/types.ts';
import type { BalanceCfg } from '../lb/types.ts';
import { LB_HASH_MAP_BASED, LB_HFN_SDBM } from '../lb/types.ts';
import type { CheckCfg, CheckState } from '../checks/types.ts';
import { CHK_TYPE_TCP, HCHK_STATUS_UNKNOWN } from '../checks/types.ts';
import type { TcpProxyCfg } from '../tcp/types.ts';
import { PR_CAP_DEF } from '../config/types.ts';

/** Called after the core fields of a new proxy are set; `def` is the defaults proxy it inherits from (or null). */
export type ProxyInitHook = (px: Proxy, def: Proxy | null) => void;
/** Called after the core fields of a new server are set; `tmpl` is the proxy's default-server (or null). */
export type ServerInitHook = (srv: Server, tmpl: Server | null) => void;
export type GlobalInitHook = (g: GlobalSettings) => void;

const proxyHooks: ProxyInitHook[] = [];
const serverHooks: ServerInitHook[] = [];
const globalHooks: GlobalInitHook[] = [];

/** Registration, for proxy/modules.ts only. Idempotent per function. */
export function registerProxyInit(fn: ProxyInitHook): void { if (!proxyHooks.includes(fn)) proxyHooks.push(fn); }
export function registerServerInit(fn: ServerInitHook): void { if (!serverHooks.includes(fn)) serverHooks.push(fn); }
export function registerGlobalInit(fn: GlobalInitHook): void { if (!globalHooks.includes(fn)) globalHooks.push(fn); }

/** Placeholder for a slot whose owner module has not registered an init hook (tests, early development). */
function emptySlot<T>(): T { return Object.create(null) as T; }

export function newGlobal(): GlobalSettings {
  const g: GlobalSettings = {
    maxconn: 0,              // 0 = not set; main.ts derives the default like HAProxy (from ulimit) when 0
    nbthread: 1,
    daemon: false,
    pidfile: '',
    node: '',
    description: '',
    tuneBufsize: 16384,
    tuneMaxrewrite: 1024,
    tuneHttpMaxhdr: 101,
    tuneHttpLogurilen: 0,
    statsTimeout: 10000,
    log: emptySlot<LogCfg>(),
    ext: new Map(),
  };
  for (const h of globalHooks) h(g);
  return g;
}

export function newTimeouts(): Timeouts {
  return {
    client: 0, server: 0, connect: 0, httpRequest: 0, httpKeepAlive: 0, queue: 0, tunnel: 0, clientFin: 0,
    serverFin: 0, check: 0, tarpit: 0,
  };
}

export function newCookieCfg(): CookieCfg {
  return {
    name: '', mode: '', indirect: false, nocache: false, postonly: false, preserve: false, httponly: false,
    secure: false, domain: [], maxidle: 0, maxlife: 0, dynamic: false, dynamicKey: '', attrs: [],
  };
}

export function newBalanceCfg(): BalanceCfg {
  return {
    algo: 'roundrobin', hashType: LB_HASH_MAP_BASED, hashFunc: LB_HFN_SDBM, hashAvalanche: false, uriLen: 0,
    uriDepth: 0, uriWhole: false, urlParam: '', hdrName: '', hdrDomainOnly: false, randomDraws: 2, rdpCookieName: 'mstshash', hashBalanceFactor: 0, file: '', line: 0,
  };
}

export function newCheckCfg(): CheckCfg {
  return {
    type: CHK_TYPE_TCP, method: 'OPTIONS', uri: '/', version: 'HTTP/1.0', headers: [], body: '', expect: null,
    disableOn404: false, sendState: false, logHealthChecks: false, tcpRules: [], tcpPreset: false,
  };
}

export function newCheckState(): CheckState {
  return {
    enabled: false, type: CHK_TYPE_TCP, inter: 2000, fastinter: 0, downinter: 0, rise: 2, fall: 3, port: 0, addr: '',
    timeout: 0, send: '', health: 0, status: HCHK_STATUS_UNKNOWN, code: 0, desc: '', duration: -1, lastStart: 0, paused: false,
    running: false, task: null,
  };
}

export function newTcpProxyCfg(): TcpProxyCfg {
  return { inspectDelay: 0, nolinger: false, connRules: [], sessRules: [], contentRules: [], resInspectDelay: 0, resRules: [] };
}

/**
 * A new proxy named `name` with capabilities `cap` (PR_CAP_*), inheriting every setting of `def` (a defaults
 * section) the way HAProxy copies its defaults proxy: mode, options, timeouts, retries, maxconn, balance, cookie,
 * checks, default-server and the feature slots (through the registered hooks). Runtime state starts empty.
 */
export function newProxy(name: string, cap: number, file: string, line: number, def: Proxy | null): Proxy {
  const px: Proxy = {
    name,
    id: 0,
    cap,
    mode: def ? def.mode : PR_MODE_TCP,
    file,
    line,
    disabled: false,
    options: def ? def.options : 0,
    timeouts: def ? { ...def.timeouts } : newTimeouts(),
    maxconn: def ? def.maxconn : 0,
    fullconn: def ? def.fullconn : 0,
    retries: def ? def.retries : 3,
    rateLimitSessions: def ? def.rateLimitSessions : 0,
    binds: [],
    forwardForHeader: def ? def.forwardForHeader : 'x-forwarded-for',
    forwardForIfNone: def ? def.forwardForIfNone : false,
    forwardForExcept: def ? def.forwardForExcept : '',
    acls: [],
    defaultBackendName: def ? def.defaultBackendName : '',
    defaultBackend: null,
    useBackend: [],
    servers: [],
    balance: def ? { ...def.balance } : newBalanceCfg(),
    lb: null,
    lbState: null,
    cookie: def ? { ...def.cookie, domain: def.cookie.domain.slice() } : newCookieCfg(),
    defaultServer: null,
    httpCheck: def ? { ...def.httpCheck, headers: def.httpCheck.headers.slice(), tcpRules: def.httpCheck.tcpRules.slice(), headerFmts: def.httpCheck.headerFmts?.slice(), varRules: def.httpCheck.varRules?.slice() } : newCheckCfg(),
    log: emptySlot<LogCfg>(),
    http: emptySlot<HttpProxyCfg>(),
    tcp: def ? { ...def.tcp, connRules: def.tcp.connRules.slice(), sessRules: def.tcp.sessRules.slice(), contentRules: def.tcp.contentRules.slice(), resRules: def.tcp.resRules.slice() } : newTcpProxyCfg(),
    statsPage: emptySlot<StatsPageCfg>(),
    feCounters: emptySlot<FeCounters>(),
    beCounters: emptySlot<BeCounters>(),
    feconn: 0,
    beconn: 0,
    totalQueued: 0,
    state: PR_STATE_READY,
    srvActive: 0,
    srvBackup: 0,
    totWeightAct: 0,
    totWeightBck: 0,
    lastChange: Date.now(),
    downTime: 0,
    listeners: null,
    beQueue: null,
  };
  if (def && def.defaultServer) px.defaultServer = newServer(def.defaultServer.name, px, file, line, def.defaultServer);
  for (const h of proxyHooks) h(px, def);
  return px;
}

/** True for a `defaults` section proxy. */
export function isDefaultsProxy(px: Proxy): boolean { return (px.cap & PR_CAP_DEF) !== 0; }

/**
 * A new server of `px`, starting from the `default-server` template `tmpl` (every server-line setting copied),
 * else HAProxy's defaults (weight 1, inter 2000, rise 2, fall 3). Address fields are left for the caller.
 */
export function newServer(name: string, px: Proxy, file: string, line: number, tmpl: Server | null): Server {
  const chk = newCheckState();
  if (tmpl) {
    const t = tmpl.check;
    chk.enabled = t.enabled; chk.inter = t.inter; chk.fastinter = t.fastinter; chk.downinter = t.downinter;
    chk.rise = t.rise; chk.fall = t.fall; chk.port = t.port; chk.addr = t.addr;
  }
  const srv: Server = {
    name,
    id: 0,
    proxy: px,
    file,
    line,
    host: '',
    port: tmpl ? tmpl.port : 0,
    path: '',
    iweight: tmpl ? tmpl.iweight : 1,
    uweight: tmpl ? tmpl.uweight : 1,
    eweight: tmpl ? tmpl.eweight : 1,
    backup: tmpl ? tmpl.backup : false,
    maxconn: tmpl ? tmpl.maxconn : 0,
    minconn: tmpl ? tmpl.minconn : 0,
    maxqueue: tmpl ? tmpl.maxqueue : 0,
    cookie: '',
    slowstart: tmpl ? tmpl.slowstart : 0,
    onMarkedDown: tmpl ? tmpl.onMarkedDown : 0,
    onMarkedUp: tmpl ? tmpl.onMarkedUp : 0,
    trackName: '',
    tracked: null,
    check: chk,
    agent: tmpl !== null && tmpl !== undefined && tmpl.agent !== null ? { ...tmpl.agent, task: null } : null,
    curState: SRV_ST_RUNNING,
    adminState: tmpl ? tmpl.adminState : 0,
    served: 0,
    queued: 0,
    lastChange: Date.now(),
    downTime: 0,
    lastSess: 0,
    counters: emptySlot<SrvCounters>(),
    lbNode: null,
    srvQueue: null,
    idlePool: null,
  };
  for (const h of serverHooks) h(srv, tmpl);
  return srv;
}

/** A fresh per-stream log record for frontend `fe`; the data path reuses it across HTTP transactions. */
export function newStreamLog(fe: Proxy): StreamLog {
  return {
    acceptMs: 0, acceptUs: 0, reqDateMs: 0, tHandshake: 0, tIdle: 0, tRequest: -1, tQueue: -1, tConnect: -1,
    tResponse: -1, tData: -1, tTotal: -1, status: -1, bytesIn: 0, bytesOut: 0, errCause: 0, finishState: 0,
    cookieReq: '-', cookieRes: '-', cookieCapReq: '', cookieCapRes: '', actconn: 0, feconn: 0, beconn: 0, srvconn: 0,
    retries: 0, redispatched: false,
    srvQueue: 0, backendQueue: 0, clientIp: '', clientPort: 0, frontendIp: '', frontendPort: 0, backendSrcIp: '',
    backendSrcPort: 0, serverIp: '', serverPort: 0, frontend: fe, backend: null, server: null, applet: '', bindName: '',
    reqCaptures: [], resCaptures: [], declaredCaptures: [], method: '', uri: '', httpVersion: '', resVer: 0, reqLine: '',
    uniqueId: '', reqCounter: 0, connCounter: 0, badReqData: false, logLevel: -1, tls: null,
  };
}
