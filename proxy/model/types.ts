/*
 * The runtime model shared by every proxy module: global settings, proxies (frontend/backend/listen/defaults), servers
 * and the per-stream log fields. Types and numeric constants only (the -t.h of the proxy). Config keyword parsers fill
 * these objects at load; the data path, the LB algorithms, checks, stats and logging read and update them.
 * Feature modules own their own slot types in their own types.ts (log/, stats/, http/, acl/, lb/, checks/) and the
 * slots below reference them, so no module edits another's fields. Hot path: these objects are read per request, so
 * every field is set in the constructor/factory with its final type (no late-added or deleted fields).
 */
import type { LogCfg } from '../log/types.ts';
import type { FeCounters, BeCounters, SrvCounters, StatsPageCfg } from '../stats/types.ts';
import type { HttpProxyCfg, RuleFmt } from '../http/types.ts';
import type { AclCond, AclDef } from '../acl/types.ts';
import type { LbAlgo, BalanceCfg } from '../lb/types.ts';
import type { CheckCfg, CheckState } from '../checks/types.ts';
import type { TcpProxyCfg } from '../tcp/types.ts';
import type { TlsInfo } from '../ssl/types.ts';

export const PR_MODE_TCP = 0;
export const PR_MODE_HTTP = 1;

/** Proxy option flags (`option xxx`), bit mask in Proxy.options. */
export const PR_O_HTTPLOG = 1 << 0;
export const PR_O_HTTPLOG_CLF = 1 << 1;
export const PR_O_TCPLOG = 1 << 2;
export const PR_O_DONTLOGNULL = 1 << 3;
export const PR_O_LOGASAP = 1 << 4;
export const PR_O_LOG_SEPARATE_ERRORS = 1 << 5;
export const PR_O_FORWARDFOR = 1 << 6;
export const PR_O_HTTP_SERVER_CLOSE = 1 << 7;
export const PR_O_HTTPCLOSE = 1 << 8;
export const PR_O_HTTP_KEEP_ALIVE = 1 << 9;
export const PR_O_REDISPATCH = 1 << 10;
export const PR_O_ALLBACKUPS = 1 << 11;
export const PR_O_ABORTONCLOSE = 1 << 12;
export const PR_O_HTTPCHK = 1 << 13;
export const PR_O_DONTLOG_NORMAL = 1 << 14;
export const PR_O_SOCKET_STATS = 1 << 15;
export const PR_O_TCPKA = 1 << 16;
export const PR_O_CLKA = 1 << 17;
export const PR_O_SRVKA = 1 << 18;
export const PR_O_ORIGINALTO = 1 << 19;      // `option originalto` (http/originalto.ts holds its settings)
export const PR_O_SEND_NAME_HDR = 1 << 20;   // `http-send-name-header` (idem)
export const PR_O_ACCEPT_INV_REQ = 1 << 21;  // `option accept-invalid-http-request` (http/lenient-options.ts)
export const PR_O_ACCEPT_INV_RSP = 1 << 22;  // `option accept-invalid-http-response`
export const PR_O_RSTRICT_DEL = 1 << 23;     // `option http-restrict-req-hdr-names delete` (http/restrict-hdr-names.ts)
export const PR_O_RSTRICT_REJ = 1 << 24;     // `option http-restrict-req-hdr-names reject`
export const PR_O_H1_ADJ_CLI = 1 << 25;      // `option h1-case-adjust-bogus-client` (http/h1-case-adjust.ts)
export const PR_O_H1_ADJ_SRV = 1 << 26;      // `option h1-case-adjust-bogus-server`

/** Timeouts in milliseconds; 0 = not set (infinite, with the warnings HAProxy prints at load). */
export interface Timeouts {
  client: number;
  server: number;
  connect: number;
  httpRequest: number;
  httpKeepAlive: number;
  queue: number;
  tunnel: number;
  clientFin: number;
  serverFin: number;
  check: number;
  tarpit: number;
}

/** One `bind` line: `host:port`, `:port`, `ipv4@`, `ipv6@`, `unix@/path` or `/path`. */
export interface BindCfg {
  host: string;          // '' = all addresses
  port: number;          // 0 for unix sockets
  path: string;          // unix socket path, '' for TCP
  name: string;          // `name` option, else `sock-<n>`
  maxconn: number;       // 0 = inherit from the proxy
  acceptProxy: boolean;
  file: string;
  line: number;
}

/** `use_backend <name> [if|unless cond]`, resolved to a proxy at post-parse, or per request for a log-format name. */
export interface UseBackendRule {
  name: string;
  cond: AclCond | null;
  backend: Proxy | null;
  /** A name holding `%` (`be_%[req.hdr(host),lower]`): compiled, evaluated per request, looked up in `lookup`. */
  fmt: RuleFmt | null;
  lookup: ReadonlyMap<string, Proxy> | null;
}

export interface CookieCfg {
  name: string;          // '' = no cookie persistence
  mode: 'insert' | 'rewrite' | 'prefix' | '';
  indirect: boolean;
  nocache: boolean;
  postonly: boolean;
  preserve: boolean;
  httponly: boolean;
  secure: boolean;
  domain: string[];
  maxidle: number;
  maxlife: number;
  dynamic: boolean;
  dynamicKey: string;    // `dynamic-cookie-key`, '' = none
  attrs: string[];       // `attr <value>`: appended to the inserted cookie ("; SameSite=Strict")
}

export interface GlobalSettings {
  maxconn: number;
  nbthread: number;
  daemon: boolean;
  pidfile: string;
  node: string;
  description: string;
  tuneBufsize: number;       // tune.bufsize, default 16384
  tuneMaxrewrite: number;    // tune.maxrewrite, default 1024
  tuneHttpMaxhdr: number;    // tune.http.maxhdr, default 101
  tuneHttpLogurilen: number; // tune.http.logurilen, 0 when not set: the logged request line keeps that many bytes (1023 unset)
  statsTimeout: number;      // `stats timeout` (ms), default 10000
  log: LogCfg;               // `log` lines of the global section, used by `log global`
  /** Free-form slots for global keywords of feature modules (stats sockets, ...), keyed by module. */
  ext: Map<string, unknown>;
}

/** A proxy: frontend, backend, listen, or a defaults section (cap PR_CAP_DEF). Created by the section parser. */
export interface Proxy {
  name: string;
  id: number;                // iid in stats, from `id` or assigned in config order
  cap: number;               // PR_CAP_* from config/types.ts
  mode: number;              // PR_MODE_*
  file: string;
  line: number;
  disabled: boolean;         // `disabled` keyword
  options: number;           // PR_O_* bits
  timeouts: Timeouts;
  maxconn: number;           // frontend maxconn (0 = global default)
  fullconn: number;
  retries: number;           // default 3
  rateLimitSessions: number; // `rate-limit sessions`, 0 = none
  binds: BindCfg[];
  forwardForHeader: string;  // `option forwardfor header X`, default 'x-forwarded-for'
  forwardForIfNone: boolean; // `option forwardfor if-none`: add it only when the request has none
  forwardForExcept: string;  // network, '' = none
  // routing (frontend side)
  acls: AclDef[];
  defaultBackendName: string;
  defaultBackend: Proxy | null;
  useBackend: UseBackendRule[];
  // backend side
  servers: Server[];
  balance: BalanceCfg;
  lb: LbAlgo | null;
  lbState: unknown;          // owned by the LB algorithm (init/pick)
  cookie: CookieCfg;
  defaultServer: Server | null; // `default-server` template (its check/weight/maxconn/... fields), null = none
  httpCheck: CheckCfg;       // proxy-level check settings (`option httpchk`, `http-check ...`, `default-server`)
  // feature slots
  log: LogCfg;
  http: HttpProxyCfg;
  tcp: TcpProxyCfg;
  statsPage: StatsPageCfg;
  feCounters: FeCounters;
  beCounters: BeCounters;
  // runtime state
  feconn: number;            // current frontend connections
  beconn: number;            // current backend connections
  totalQueued: number;       // streams waiting in this backend's queue (not assigned to a server)
  state: number;             // PR_STATE_*
  srvActive: number;         // usable active servers
  srvBackup: number;         // usable backup servers
  totWeightAct: number;
  totWeightBck: number;
  lastChange: number;        // ms timestamp of last backend UP/DOWN change
  downTime: number;          // ms spent DOWN
  listeners: unknown;        // owned by frontend.ts (bound sockets, accept state)
  beQueue: unknown;          // owned by backend/queue.ts (streams waiting for any server)
}

export const PR_STATE_READY = 0;
export const PR_STATE_PAUSED = 1;   // `disable frontend`
export const PR_STATE_STOPPED = 2;  // `shutdown frontend`, `disabled`

/** Server operational state (srv_op_state in `show servers state`). */
export const SRV_ST_STOPPED = 0;
export const SRV_ST_STARTING = 1;
export const SRV_ST_RUNNING = 2;
export const SRV_ST_STOPPING = 3;

/** `on-marked-down` / `on-marked-up` actions. */
export const SRV_ONDOWN_NONE = 0;
export const SRV_ONDOWN_SHUTDOWN_SESSIONS = 1;
export const SRV_ONUP_NONE = 0;
export const SRV_ONUP_SHUTDOWN_BACKUP_SESSIONS = 1;

/** Server admin state bits (srv_admin_state). */
export const SRV_ADMF_FMAINT = 0x01;   // forced maintenance (CLI / config `disabled` with CMAINT)
export const SRV_ADMF_IMAINT = 0x02;   // inherited from a tracked server
export const SRV_ADMF_CMAINT = 0x04;   // `disabled` in the configuration
export const SRV_ADMF_FDRAIN = 0x08;   // forced drain (CLI)
export const SRV_ADMF_IDRAIN = 0x10;
export const SRV_ADMF_RMAINT = 0x20;   // DNS resolution

export interface Server {
  name: string;
  id: number;                // sid in stats, from `id` or config order starting at 1
  proxy: Proxy;
  file: string;
  line: number;
  host: string;              // address as configured (IP or name resolved at load)
  port: number;
  path: string;              // unix socket path ('' for TCP)
  iweight: number;           // configured weight (initial)
  uweight: number;           // user weight (config or `set weight`)
  eweight: number;           // effective weight used by LB (0 while slowstart/drain)
  backup: boolean;
  maxconn: number;           // 0 = unlimited
  minconn: number;
  maxqueue: number;          // 0 = unlimited
  cookie: string;            // `cookie` value, '' = none
  slowstart: number;         // ms
  onMarkedDown: number;      // SRV_ONDOWN_*: `on-marked-down shutdown-sessions`
  onMarkedUp: number;        // SRV_ONUP_*: `on-marked-up shutdown-backup-sessions`
  trackName: string;         // `track [proxy/]server`
  tracked: Server | null;
  check: CheckState;         // owned by checks/ (inter, rise, fall, health, status, code, duration, ...)
  agent: CheckState | null;
  // runtime
  curState: number;          // SRV_ST_*
  adminState: number;        // SRV_ADMF_* bits
  served: number;            // current connections (scur)
  queued: number;            // streams waiting for this server (qcur)
  lastChange: number;        // ms timestamp of last state change
  downTime: number;          // ms spent DOWN
  lastSess: number;          // ms timestamp of the last session, 0 = never
  counters: SrvCounters;
  lbNode: unknown;           // owned by the LB algorithm
  srvQueue: unknown;         // owned by backend/queue.ts (streams waiting for this server)
  idlePool: unknown;         // owned by backend/pool.ts (idle server connections for http-reuse)
}

/** Termination state, first char (`%ts`[0]): who/what ended the session. */
export const SF_ERR_NONE = 0;      // '-'
export const SF_ERR_CLICL = 1;     // 'C' client closed or aborted
export const SF_ERR_SRVCL = 2;     // 'S' server closed or aborted / error
export const SF_ERR_PRXCOND = 3;   // 'P' proxy condition (deny, bad request, ...)
export const SF_ERR_RESOURCE = 4;  // 'R' resource exhausted
export const SF_ERR_INTERNAL = 5;  // 'I' internal error
export const SF_ERR_DOWN = 6;      // 'D' server went down (shutdown sessions)
export const SF_ERR_KILLED = 7;    // 'K' killed by admin
export const SF_ERR_UP = 8;        // 'U' killed because a backup server came up
export const SF_ERR_CLITO = 9;     // 'c' client-side timeout
export const SF_ERR_SRVTO = 10;    // 's' server-side timeout
export const SF_ERR_LOCAL = 11;    // 'L' response generated locally (redirect, return, stats, deny page)
export const SF_ERR_CHARS = '-CSPRIDKUcsL';

/** Termination state, second char (`%ts`[1]): the stream's phase at that moment. */
export const SF_FINST_NONE = 0;    // '-' normal end
export const SF_FINST_R = 1;       // 'R' waiting for the full request (headers)
export const SF_FINST_Q = 2;       // 'Q' waiting in a queue
export const SF_FINST_C = 3;       // 'C' connecting to the server
export const SF_FINST_H = 4;       // 'H' waiting for / receiving response headers
export const SF_FINST_D = 5;       // 'D' data phase
export const SF_FINST_L = 6;       // 'L' transmitting the last data to the client
export const SF_FINST_T = 7;       // 'T' tarpitted
export const SF_FINST_CHARS = '-RQCHDLT';

/**
 * What a finished (or `logasap`) stream exposes to logging and stats: HAProxy's per-stream log fields. The data path
 * (tcp/forward.ts, http/) owns one instance per stream (reset per HTTP transaction) and fills it; log/emit.ts only
 * reads it. Durations are milliseconds, -1 = phase never reached (printed as -1, as HAProxy does).
 */
export interface StreamLog {
  acceptMs: number;          // accept date, ms since epoch (%t, %T, %Ts)
  acceptUs: number;          // microseconds part (0..999) of the accept date, for %ms / rfc5424
  reqDateMs: number;         // date the request started (%tr): acceptMs + Th + Ti
  tHandshake: number;        // %Th
  tIdle: number;             // %Ti (keep-alive idle before the request)
  tRequest: number;          // %TR time to receive the full request headers
  tQueue: number;            // %Tw
  tConnect: number;          // %Tc
  tResponse: number;         // %Tr server response headers
  tData: number;             // %Td
  tTotal: number;            // %Tt (%Ta = Tt - Th - Ti)
  status: number;            // %ST, -1 if none (tcp)
  bytesIn: number;           // %U bytes read from the client
  bytesOut: number;          // %B bytes sent to the client
  errCause: number;          // SF_ERR_*
  finishState: number;       // SF_FINST_*
  cookieReq: string;         // persistence cookie flag chars for %tsc (3rd/4th), '-' default
  cookieRes: string;
  cookieCapReq: string;      // `capture cookie` request value for %CC (log/cookie.ts), '' = none; reset per transaction
  cookieCapRes: string;      // `capture cookie` response value for %CS, '' = none
  actconn: number;           // %ac global current connections at log time
  feconn: number;            // %fc
  beconn: number;            // %bc
  srvconn: number;           // %sc
  retries: number;           // %rc (with the '+' prefix when redispatched)
  redispatched: boolean;
  srvQueue: number;          // %sq
  backendQueue: number;      // %bq
  clientIp: string;          // %ci
  clientPort: number;        // %cp
  frontendIp: string;        // %fi
  frontendPort: number;      // %fp
  backendSrcIp: string;      // %bi (our address toward the server)
  backendSrcPort: number;    // %bp
  serverIp: string;          // %si
  serverPort: number;        // %sp
  frontend: Proxy;
  backend: Proxy | null;     // null before a backend is chosen: logged as the frontend name
  server: Server | null;     // null = <NOSRV>, or `applet`
  applet: string;            // the applet that answered instead of a server ('<STATS>'), logged as %s; '' = none
  bindName: string;
  reqCaptures: (string | null)[];  // `capture request header` values in config order
  resCaptures: (string | null)[];
  declaredCaptures: (string | null)[]; // `declare capture` slots
  method: string;            // %HM
  uri: string;               // %HU
  httpVersion: string;       // %HV e.g. 'HTTP/1.1'
  resVer: number;            // the server response's version as major * 10 + minor (capture.res.ver), 0 = none
  reqLine: string;           // %r, '' = none ("<BADREQ>" when the request was invalid)
  uniqueId: string;          // %ID
  reqCounter: number;        // %rt, global request counter at request start
  connCounter: number;       // per-connection request counter (%rc is retries; this is txn count on the conn)
  badReqData: boolean;       // a rejected request (<BADREQ>) that carried bytes: %U stays 0 but dontlognull keeps it
  logLevel: number;          // `set-log-level`: syslog level of this transaction's line, -1 = default, -2 = silent
  tls: TlsInfo | null;       // the client connection's TLS (ssl_fc*, %sslv, %sslc, '~' after %ft), null = plain
}
