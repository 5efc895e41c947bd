/*
 * Frontends: the `bind`, `maxconn` and `rate-limit sessions` keywords, the listening sockets, and accept. Each
 * accepted socket is counted (feconn, actconn) and handed to the session starter registered for the proxy's mode
 * (tcp/forward.ts for `mode tcp`, P2's http/stream.ts startHttpSession for `mode http`, wired in proxy/modules.ts).
 * At `maxconn` (frontend or global) or over `rate-limit sessions`, accepted sockets wait paused (unread) in a FIFO
 * until a slot frees, like connections left in HAProxy's listen backlog. Listening sockets are kept by address
 * across reloads so a new configuration takes them over without closing them. Hot path: yes (accept).
 */
import { createServer, isIP } from 'node:net';
import type { Server as NetServer } from 'node:net';
import { getSystemErrorName } from 'node:util';
import { unlinkSync } from 'node:fs';
import type { BindCfg, Proxy } from './model/types.ts';
import { PR_STATE_READY, PR_STATE_PAUSED, PR_STATE_STOPPED, PR_O_CLKA, PR_O_TCPKA } from './model/types.ts';
import type { CfgKeyword, KwCtx, BindKeyword } from './config/types.ts';
import { PR_CAP_FE, PR_CAP_DEF } from './config/types.ts';
import { parseAddr, parseUint, atol } from './config/values.ts';
import type { KeywordRegistry } from './config/registry.ts';
import { bestMatch } from './config/registry.ts';
import { emitEvent, EV_WARNING } from './events.ts';
import { acceptRateOn, acceptRateWait, acceptRateCount } from './accept-rate.ts';
import { Timer, timerArm, twTouch } from './timer-wheel.ts';
import { freqCtrAdd, listenerCounters } from './stats/counters.ts';
import { tcpRulesExec, L4AcceptCtx } from './tcp/rules.ts';
import { TCP_RULES_REJECT, TCP_RULES_DROP } from './tcp/types.ts';
import { rawFromAccepted } from './net/raw-socket.ts';
import { ppWaitStart } from './net/accept-proxy.ts';
import type { ProxySocket, SockError } from './net/types.ts';
import { unixSocketPerms } from './net/unix-perms.ts';
import { lookupHostSync } from './net/host-lookup.ts';

type Socket = ProxySocket;

/** Global maxconn when neither the config nor -n gives one (HAProxy derives it from ulimit -n). */
export const DEFAULT_MAXCONN = 10000;

/** Process-wide connection state (HAProxy's actconn, global maxconn, cumulated connections). */
export const feGlobal = { actconn: 0, maxconn: DEFAULT_MAXCONN, cumConns: 0, rateLimitSessions: 0 };

/** Starts a session for an accepted client socket. The stream must call frontendStreamEnd(fe, bind) exactly once. */
export type SessionStarter = (fe: Proxy, sock: Socket, bind: BindCfg) => void;
const starters: (SessionStarter | null)[] = [null, null];

/** HAProxy's "Connect from" line for frontends logging without a format; proxy/modules.ts wires P3's logConnect. */
type ConnectLogSink = (fe: Proxy, clientIp: string, clientPort: number, localIp: string, localPort: number) => void;
let connectLog: ConnectLogSink | null = null;
export function setConnectLogSink(fn: ConnectLogSink): void { connectLog = fn; }

/** Registration for proxy/modules.ts: `mode` is PR_MODE_TCP or PR_MODE_HTTP. */
export function registerSessionStarter(mode: number, fn: SessionStarter): void { starters[mode] = fn; }

/** One listening socket. */
export interface Listener {
  key: string;
  bind: BindCfg;
  fe: Proxy;
  server: NetServer;
  listening: boolean;
  /** `bind ... ssl`: wraps an accepted handle for its later TLS handshake (proxy/ssl/accept.ts); null for plain binds. */
  tlsAccept: TlsAcceptor | null;
  /** TCP_NODELAY is set on the listening socket, so every accepted socket has it already (hookAccept). */
  noDelayInherited: boolean;
}

/**
 * TLS listeners (proxy/ssl/accept.ts, wired by proxy/modules.ts): `tlsAcceptorOf(bind)` gives the wrapper of accepted
 * handles (a socket counted and filtered like any other, reading nothing) or null for a plain bind; `tlsHandshake`
 * runs the handshake once the connection is admitted (also after a PROXY header) and returns false for a plain bind.
 */
type TlsAcceptor = (handle: unknown) => Socket;
let tlsAcceptorOf: ((b: BindCfg) => TlsAcceptor | null) | null = null;
export function setTlsAcceptorLookup(fn: (b: BindCfg) => TlsAcceptor | null): void { tlsAcceptorOf = fn; }
// an accept-proxy bind reads the PROXY header first (plain socket), then its handshake runs over that socket
function tlsAcceptorFor(b: BindCfg): TlsAcceptor | null { return tlsAcceptorOf === null || b.acceptProxy ? null : tlsAcceptorOf(b); }

type TlsHandshake = (fe: Proxy, sock: Socket, bind: BindCfg, leftover: Buffer | null,
  done: (fe: Proxy, sock: Socket, bind: BindCfg, ok: boolean) => void) => boolean;
let tlsHandshake: TlsHandshake | null = null;
export function setTlsHandshake(fn: TlsHandshake): void { tlsHandshake = fn; }

/** Per-frontend runtime state (Proxy.listeners). */
export interface FeRuntime {
  list: Listener[];
  pending: Socket[];            // accepted, waiting for a slot (FIFO, head index)
  pendingBinds: BindCfg[];
  pendingHead: number;
  rateSec: number;              // current second for rate-limit sessions
  rateCount: number;
  rateTimer: Timer;
  cumConns: number;
}

const listenersByKey = new Map<string, Listener>();

function feRuntime(fe: Proxy): FeRuntime {
  let rt = fe.listeners as FeRuntime | null;
  if (rt === null) {
    rt = { list: [], pending: [], pendingBinds: [], pendingHead: 0, rateSec: 0, rateCount: 0, rateTimer: new Timer(fe, onRateTimer), cumConns: 0 };
    fe.listeners = rt;
  }
  return rt;
}

export function frontendMaxconn(fe: Proxy): number { return fe.maxconn > 0 ? fe.maxconn : feGlobal.maxconn; }

function canAccept(fe: Proxy, rt: FeRuntime): boolean {
  if (fe.feconn >= frontendMaxconn(fe) || feGlobal.actconn >= feGlobal.maxconn) return false;
  if (fe.rateLimitSessions > 0) {
    const sec = Math.floor(Date.now() / 1000);
    if (sec !== rt.rateSec) { rt.rateSec = sec; rt.rateCount = 0; }
    if (rt.rateCount >= fe.rateLimitSessions) {
      timerArm(rt.rateTimer, (sec + 1) * 1000 - Date.now() + 1);
      return false;
    }
  }
  // global maxconnrate / maxsessrate (accept-rate.ts): wait for the next second, as in the backlog
  if (acceptRateOn()) { const w = acceptRateWait(Date.now()); if (w > 0) { timerArm(rt.rateTimer, w); return false; } }
  return true;
}

function onRateTimer(fe: Proxy): void { drainPending(fe); }

function admit(fe: Proxy, rt: FeRuntime, sock: Socket, bind: BindCfg): void {
  fe.feconn++;
  feGlobal.actconn++;
  feGlobal.cumConns++;
  rt.cumConns++;
  rt.rateCount++;
  if (acceptRateOn()) acceptRateCount();
  const c = fe.feCounters;
  const now = twTouch();             // the accept's one clock read: the session starting below takes twNow()
  c.cumConn++;
  const r = freqCtrAdd(c.connPerSec, 1, now);
  if (r > c.cpsMax) c.cpsMax = r;
  if (fe.feconn > c.connMax) c.connMax = fe.feconn;
  const lc = listenerCounters(bind);
  lc.cumConn++; lc.curConn++;
  if (lc.curConn > lc.connMax) lc.connMax = lc.curConn;
  const tcp = fe.tcp;
  let expectProxy = bind.acceptProxy;
  if (tcp.connRules.length > 0) {
    const cr = connRulesAdmit(fe, sock, bind);
    if (cr < 0) return;
    if (cr > 0) expectProxy = true;
  }
  // `accept-proxy` / `expect-proxy layer4`: the session starts once the PROXY header is in (net/accept-proxy.ts)
  if (expectProxy) { ppWaitStart(fe, sock, bind, afterProxyHeader); return; }
  // `bind ... ssl`: counted and filtered like the others, the session starts once the handshake is done
  if (sock.tlsPending === true && tlsHandshake !== null && tlsHandshake(fe, sock, bind, null, afterTlsHandshake)) return;
  admitSession(fe, sock, bind, null, now);
}

function afterProxyHeader(fe: Proxy, sock: Socket, bind: BindCfg, ok: boolean, leftover: Buffer | null): void {
  if (!ok) { frontendStreamEnd(fe, bind); return; }
  if (tlsHandshake !== null && tlsHandshake(fe, sock, bind, leftover, afterTlsHandshake)) return;
  admitSession(fe, sock, bind, leftover, twTouch());
}

function afterTlsHandshake(fe: Proxy, sock: Socket, bind: BindCfg, ok: boolean): void {
  if (!ok) { frontendStreamEnd(fe, bind); return; }
  admitSession(fe, sock, bind, null, twTouch());
}

/**
 * `tcp-request session` rules, then the session; `leftover` = client bytes already read (after a PROXY header).
 * `now` comes from twTouch() (the session starters read twNow()).
 */
function admitSession(fe: Proxy, sock: Socket, bind: BindCfg, leftover: Buffer | null, now: number): void {
  if (fe.tcp.sessRules.length > 0 && !sessRulesAdmit(fe, sock, bind, leftover !== null)) return;
  const c = fe.feCounters;
  const lc = listenerCounters(bind);
  c.cumSess++;
  const r = freqCtrAdd(c.sessPerSec, 1, now);
  if (r > c.spsMax) c.spsMax = r;
  lc.cumSess++;
  const start = starters[fe.mode];
  if (start === null) { sock.destroy(); frontendStreamEnd(fe, bind); return; }
  if ((fe.options & (PR_O_CLKA | PR_O_TCPKA)) !== 0) sock.setKeepAlive(true);
  // only frontends logging without a format log connections: no getsockname/getpeername per connection otherwise
  if (connectLog !== null && fe.log.emitter === null && fe.log.targets.length !== 0) {
    connectLog(fe, sock.remoteAddress ?? '', sock.remotePort ?? 0, sock.localAddress ?? '', sock.localPort ?? 0);
  }
  start(fe, sock, bind);
  if (leftover !== null && !sock.destroyed) sock.ondata(leftover);
}

function noopErr(this: Socket, _e: SockError): void { /* a refused or waiting socket: its close is all that matters */ }

/**
 * `tcp-request connection` rules of `fe` for a just-admitted socket (on the real peer address, before any PROXY
 * header). A rejected connection is reset (dcon), neither logged nor counted as a session, as in HAProxy; a
 * silent-drop is the same reset counted in dreq (2.6.12 resets it too, with or without TCP_REPAIR).
 * Returns -1 when refused, 1 when an `expect-proxy layer4` action ran, 0 to go on.
 */
function connRulesAdmit(fe: Proxy, sock: Socket, bind: BindCfg): number {
  const ctx = new L4AcceptCtx(sock.remoteAddress ?? '', sock.localPort ?? 0, sock);
  const v = tcpRulesExec(fe.tcp.connRules, ctx);
  if (v === TCP_RULES_REJECT || v === TCP_RULES_DROP) {
    if (v === TCP_RULES_REJECT) { fe.feCounters.deniedConn++; listenerCounters(bind).deniedConn++; }
    else { fe.feCounters.deniedReq++; listenerCounters(bind).deniedReq++; }
    sock.onerror = noopErr;
    sock.resetAndDestroy();
    frontendStreamEnd(fe, bind);
    return -1;
  }
  return ctx.expectProxy ? 1 : 0;
}

/**
 * `tcp-request session` rules (addresses from the PROXY header if any): a rejected session is closed (dses), reset
 * when client bytes followed the PROXY header (`readAhead`), else closed unread as 2.6 closes it: the kernel sends a
 * RST when client bytes wait in the socket (2.6.12 resets a client that wrote at once: bench/edge/tcp-diff.ts
 * session-reject), a FIN otherwise. A silent-drop is a reset, counted in dreq (2.6.12: bench/edge/tcp-diff.ts drop-session).
 */
function sessRulesAdmit(fe: Proxy, sock: Socket, bind: BindCfg, readAhead: boolean): boolean {
  const ctx = new L4AcceptCtx(sock.remoteAddress ?? '', sock.localPort ?? 0, sock);
  const v = tcpRulesExec(fe.tcp.sessRules, ctx);
  if (v === TCP_RULES_REJECT || v === TCP_RULES_DROP) {
    if (v === TCP_RULES_REJECT) { fe.feCounters.deniedSess++; listenerCounters(bind).deniedSess++; }
    else { fe.feCounters.deniedReq++; listenerCounters(bind).deniedReq++; }
    // bytes read after a PROXY header are data 2.6 leaves unread: its close is then a reset
    sock.onerror = noopErr;
    if (readAhead || v === TCP_RULES_DROP) sock.resetAndDestroy(); else sock.destroy();
    frontendStreamEnd(fe, bind);
    return false;
  }
  return true;
}

/** How long a refused client may take to close after our FIN before it is reset. */
const LINGER_MS = 1000;
function onLingerTimeout(sock: Socket): void { sock.destroy(); }
function discardData(this: Socket, _chunk: Buffer): void { /* bytes of a refused connection */ }
function noop(this: Socket): void { /* the refused client's FIN: the socket closes once ours is out too */ }
function onGentleClose(this: Socket): void { clearTimeout(this.owner as NodeJS.Timeout); }

/**
 * Closes a client we refuse without a reset: sends our FIN, drops what it still sends, and destroys it if it has not
 * closed within LINGER_MS (a destroy with unread bytes would send a RST). Takes the socket over (its handlers and
 * owner are replaced). Callers must have done their accounting. Rare path: one node timer per socket.
 */
export function closeGently(sock: Socket): void {
  if (sock.destroyed) return;
  sock.ondata = discardData;
  sock.onerror = noopErr;
  sock.onend = noop;
  sock.ondrain = noop;
  sock.onclose = onGentleClose;
  sock.owner = setTimeout(onLingerTimeout, LINGER_MS, sock);
  sock.end();
  sock.resume();
}

/*
 * Accepted connections become RawSockets (proxy/net/raw-socket.ts), not net.Sockets: net.Server keeps the listening
 * socket (bind, backlog, takeover, close), but its handle's `onconnection` is replaced by acceptHooked(), which wraps
 * the accepted libuv handle directly. A RawSocket reads nothing until the session resumes it, so a socket waiting for
 * a slot stays unread like a connection left in the listen backlog. The net.Server does not count these connections
 * (server.close() does not wait for them: established streams go on, as in HAProxy).
 */
const kHookedListener = Symbol('sluice.hookedListener');
interface ListenHandle { onconnection: unknown; setNoDelay?: (on: boolean) => number; [kHookedListener]?: Listener }
const INHERIT_NODELAY = process.platform === 'linux';
type HandleServer = NetServer & { _handle: ListenHandle | null };

function hookAccept(l: Listener): void {
  const h = (l.server as HandleServer)._handle;
  if (h === null || typeof h !== 'object' || typeof h.onconnection !== 'function') throw new Error('sluice: listening handle not found');
  h[kHookedListener] = l;
  h.onconnection = acceptHooked;
  // Linux copies TCP_NODELAY from the listening socket to each socket accept() returns: set once here, it saves a
  // setsockopt per connection (Connection: close, paired A/B in the commit)
  l.noDelayInherited = INHERIT_NODELAY && l.bind.path === '' && typeof h.setNoDelay === 'function' && h.setNoDelay(true) === 0;
}

function acceptHooked(this: ListenHandle, err: number, clientHandle: unknown): void {
  const l = this[kHookedListener] as Listener;
  if (err !== 0) { l.server.emit('error', Object.assign(new Error(`accept ${getSystemErrorName(err)}`), { code: getSystemErrorName(err) })); return; }
  const ta = l.tlsAccept;
  const sock = ta === null ? rawFromAccepted(clientHandle) : ta(clientHandle);
  if (l.bind.path === '' && !l.noDelayInherited) sock.setNoDelay(true);
  const fe = l.fe;
  if (fe.state === PR_STATE_PAUSED) { queuePending(feRuntime(fe), sock, l.bind); return; }
  onConnection(l, sock);
}

function queuePending(rt: FeRuntime, sock: Socket, bind: BindCfg): void {
  rt.pending.push(sock);
  rt.pendingBinds.push(bind);
}

function onConnection(l: Listener, sock: Socket): void {
  const fe = l.fe;
  const rt = feRuntime(fe);
  if (fe.state !== PR_STATE_READY) { sock.destroy(); return; }
  if (rt.pendingHead < rt.pending.length || !canAccept(fe, rt)) {
    queuePending(rt, sock, l.bind);
    return;
  }
  // admitted at once (the common case): the session attaches its own 'error' handler before any I/O can happen
  admit(fe, rt, sock, l.bind);
}

function drainPending(fe: Proxy): void {
  const rt = fe.listeners as FeRuntime | null;
  if (rt === null) return;
  while (rt.pendingHead < rt.pending.length && canAccept(fe, rt)) {
    const sock = rt.pending[rt.pendingHead];
    const bind = rt.pendingBinds[rt.pendingHead];
    rt.pendingHead++;
    if (sock.destroyed) continue;
    admit(fe, rt, sock, bind);
  }
  // an array's length store is a runtime call (~0.1 us) even when it changes nothing: this runs at every stream end
  if (rt.pendingHead !== 0 && rt.pendingHead === rt.pending.length) { rt.pending.length = 0; rt.pendingBinds.length = 0; rt.pendingHead = 0; }
}

/** Every frontend with waiting sockets gets a chance when a global slot frees. */
const feWithPending: Proxy[] = [];

/**
 * A stream of `fe` accepted on `bind` ended: frees its frontend, listener and global slots and admits waiting
 * sockets. Every started session calls it exactly once (pass the bind so the listener's scur is right).
 */
export function frontendStreamEnd(fe: Proxy, bind: BindCfg | null = null): void {
  if (bind !== null) listenerCounters(bind).curConn--;
  fe.feconn--;
  feGlobal.actconn--;
  drainPending(fe);
  if (feWithPending.length > 0) for (const o of feWithPending) if (o !== fe) drainPending(o);
}

function bindKey(b: BindCfg): string { return b.path !== '' ? 'unix:' + b.path : b.host + '|' + b.port; }

/**
 * Opens (or takes over, on reload) the listening sockets of frontend `fe`. Resolves when all listen; rejects with
 * HAProxy's "Starting frontend fe: cannot bind socket (Address already in use) [0.0.0.0:80]" text.
 */
export async function startFrontend(fe: Proxy): Promise<void> {
  const rt = feRuntime(fe);
  feWithPending.push(fe);
  for (const b of fe.binds) {
    const key = bindKey(b);
    const old = listenersByKey.get(key);
    if (old) {
      old.fe = fe; old.bind = b; old.tlsAccept = tlsAcceptorFor(b);
      rt.list.push(old);
      continue;
    }
    const server = createServer({ allowHalfOpen: true, pauseOnConnect: false, noDelay: true });
    const l: Listener = { key, bind: b, fe, server, listening: false, tlsAccept: tlsAcceptorFor(b), noDelayInherited: false };
    await new Promise<void>((resolve, reject) => {
      const onErr = (e: NodeJS.ErrnoException) => {
        const what = e.code === 'EADDRINUSE' ? 'Address already in use' : e.code === 'EACCES' ? 'Permission denied' : (e.message ?? String(e));
        reject(new Error(`Starting ${(fe.cap & PR_CAP_FE) !== 0 && (fe.cap & 2) !== 0 ? 'proxy' : 'frontend'} ${fe.name}: cannot bind socket (${what}) [${b.path !== '' ? b.path : (b.host === '' ? '0.0.0.0' : b.host) + ':' + b.port}]`));
      };
      server.once('error', onErr);
      const done = () => {
        server.removeListener('error', onErr);
        if (b.path !== '' && b.path[0] !== '\0') {
          try { unixSocketPerms(b); } catch (e) { server.close(); onErr(e as NodeJS.ErrnoException); return; }
        }
        l.listening = true; hookAccept(l); resolve();
      };
      // unix sockets are never shared through the -W master (a new worker replaces the file); TCP ones are
      if (b.path !== '') {
        try { unlinkSync(b.path); } catch { /* not there */ }
        server.listen({ path: b.path, backlog: 1024, exclusive: true }, done);
      } else server.listen({ host: b.host === '' ? undefined : b.host, port: b.port, backlog: 1024, ipv6Only: false }, done);
    });
    server.on('error', onServerError);
    listenersByKey.set(key, l);
    rt.list.push(l);
  }
}

function onServerError(e: Error): void { emitEvent(EV_WARNING, `listener error: ${e.message}`); }

/** Actual local port of a bind (tests bind port 0... via the listener): first listener of `fe`. */
export function frontendPort(fe: Proxy, i = 0): number {
  const rt = fe.listeners as FeRuntime | null;
  const l = rt?.list[i];
  const a = l?.server.address();
  return a !== null && typeof a === 'object' ? a.port : 0;
}

/** Closes the listening sockets of `fe` that are not taken over by `keep` (reload) — established streams go on. */
export function stopListeners(fe: Proxy, keep: ReadonlySet<string> | null): Promise<void> {
  const rt = fe.listeners as FeRuntime | null;
  const ps: Promise<void>[] = [];
  if (rt === null) return Promise.resolve();
  for (const l of rt.list) {
    if (keep !== null && keep.has(l.key)) continue;
    if (listenersByKey.get(l.key) === l && l.fe === fe) listenersByKey.delete(l.key);
    else if (listenersByKey.get(l.key) === l) continue; // taken over by a new frontend
    if (l.listening) { l.listening = false; ps.push(new Promise((r) => l.server.close(() => r()))); }
  }
  rt.list.length = 0;
  const i = feWithPending.indexOf(fe);
  if (i >= 0) feWithPending.splice(i, 1);
  // sockets still waiting for a slot will never get one
  for (let k = rt.pendingHead; k < rt.pending.length; k++) rt.pending[k].destroy();
  rt.pending.length = 0; rt.pendingBinds.length = 0; rt.pendingHead = 0;
  return Promise.all(ps).then(() => undefined);
}

/** Keys of `fe`'s binds, for takeover decisions. */
export function bindKeys(fe: Proxy): Set<string> { return new Set(fe.binds.map(bindKey)); }

/** Temporarily closes every listening socket (SIGTTOU, `-sf` handover); resumeAllListeners re-opens them. */
export function pauseAllListeners(): Promise<void> {
  const ps: Promise<void>[] = [];
  for (const l of listenersByKey.values()) if (l.listening) { l.listening = false; ps.push(new Promise((r) => l.server.close(() => r()))); }
  return Promise.all(ps).then(() => undefined);
}

/** Opens a closed listener's socket again on its bind address. */
function relisten(l: Listener): void {
  l.listening = true;
  if (l.bind.path !== '') l.server.listen({ path: l.bind.path }, () => hookAccept(l));
  else l.server.listen({ host: l.bind.host === '' ? undefined : l.bind.host, port: l.bind.port }, () => hookAccept(l));
}

export function resumeAllListeners(): void {
  // a frontend paused from the CLI stays closed until `enable frontend`
  for (const l of listenersByKey.values()) if (!l.listening && l.fe.state !== PR_STATE_PAUSED) relisten(l);
}

/** Closes every listening socket of the process (stop). */
export function closeAllListeners(): Promise<void> {
  const ps: Promise<void>[] = [];
  for (const l of listenersByKey.values()) if (l.listening) { l.listening = false; ps.push(new Promise((r) => l.server.close(() => r()))); }
  listenersByKey.clear();
  return Promise.all(ps).then(() => undefined);
}

/**
 * `disable frontend`: stop accepting. Its listening sockets close, so new connections are refused at once, as 2.6.12
 * does on Linux (checked: curl gets ECONNREFUSED, not a hang); `enable frontend` opens them again.
 */
export function frontendPause(fe: Proxy): string {
  if (fe.state === PR_STATE_STOPPED) return 'Frontend was previously shut down, cannot disable.\n';
  if (fe.state === PR_STATE_PAUSED) return '';
  fe.state = PR_STATE_PAUSED;
  for (const l of listenersByKey.values()) if (l.fe === fe && l.listening) { l.listening = false; l.server.close(); }
  emitEvent(EV_WARNING, `Paused frontend ${fe.name}.`);
  return '';
}

/** `enable frontend`. */
export function frontendResume(fe: Proxy): string {
  if (fe.state === PR_STATE_STOPPED) return 'Frontend was previously shut down, cannot enable.\n';
  if (fe.state === PR_STATE_READY) return '';
  fe.state = PR_STATE_READY;
  for (const l of listenersByKey.values()) if (l.fe === fe && !l.listening) relisten(l);
  emitEvent(EV_WARNING, `Resumed frontend ${fe.name}.`);
  drainPending(fe);
  return '';
}

/** `shutdown frontend`: closes the listeners for good; established streams go on. */
export function frontendShutdown(fe: Proxy): string {
  if (fe.state === PR_STATE_STOPPED) return '';
  fe.state = PR_STATE_STOPPED;
  const rt = feRuntime(fe);
  emitEvent(EV_WARNING, `Proxy ${fe.name} stopped (cumulated conns: FE: ${rt.cumConns}, BE: 0).`);
  void stopListeners(fe, null);
  return '';
}

/** `set maxconn frontend` / global: applies now and admits waiting sockets. */
export function frontendSetMaxconn(fe: Proxy, n: number): void { fe.maxconn = n; drainPending(fe); }
export function globalSetMaxconn(n: number): void { feGlobal.maxconn = n; for (const fe of feWithPending) drainPending(fe); }

// ---- keywords ----

let bindSeq = 0;

function parseBindParams(reg: KeywordRegistry, binds: BindCfg[], args: readonly string[], ctx: KwCtx): void {
  let i = 2;
  while (i < args.length) {
    const w = args[i];
    const kw = reg.bindKws.get(w);
    if (!kw) {
      const ign = reg.ignoredKw('bind', w);
      if (ign !== undefined) {
        ctx.warn(`'bind ${args[1]}' : '${w}' is ignored by sluice (${ign[1]}).`);
        i += 1 + ign[0];
        continue;
      }
      if (reg.isUnsupported('bind', w)) {
        ctx.alert(`'bind ${args[1]}' : '${w}' is a HAProxy 2.6 bind keyword not supported by sluice yet.`);
        return;
      }
      const hint = bestMatch(w, reg.bindKws.keys());
      ctx.alert(`'bind ${args[1]}' in section '${ctx.section}': unknown keyword '${w}'${hint !== '' ? `; did you mean '${hint}' maybe ?` : '.'}`);
      return;
    }
    let n = 0;
    for (const b of binds) { n = kw.parse(b, args, i, ctx); if (n < 0) return; }
    i += n;
  }
}

export function makeFrontendKeywords(reg: KeywordRegistry): CfgKeyword[] {
  function parseBind(args: readonly string[], ctx: KwCtx): void {
    const px = ctx.proxy!;
    if (args.length < 2) { ctx.alert(`'bind' expects {<path>|[addr1]:port1[-end1]}{,[addr]:port[-end]}... as arguments.`); return; }
    const made: BindCfg[] = [];
    for (const spec of args[1].split(',')) {
      const a = parseAddr(spec, true);
      if (a.err !== '') { ctx.alert(`'bind' : ${a.err}`); return; }
      if (a.path === '' && a.host !== '' && isIP(a.host) === 0) {
        // a name resolves now, as 2.6 resolves it while parsing
        const ip = lookupHostSync(a.host, a.family === 4 || a.family === 6 ? a.family : 0);
        if (ip === '') { ctx.alert(`'bind' : invalid address: '${a.host}' in '${spec}'`); return; }
        a.host = ip;
      }
      for (let p = a.port; p <= a.portEnd; p++) {
        made.push({ host: a.host, port: p, path: a.path, name: '', maxconn: 0, acceptProxy: false, file: ctx.file, line: ctx.line });
        if (a.path !== '') break;
      }
    }
    for (const b of made) { bindSeq++; px.binds.push(b); }
    parseBindParams(reg, made, args, ctx);
  }
  return [{ section: 'listen', name: 'bind', cap: PR_CAP_FE, parse: parseBind }];
}

function parseMaxconn(args: readonly string[], ctx: KwCtx): void {
  const px = ctx.proxy!;
  if ((px.cap & (PR_CAP_FE | PR_CAP_DEF)) === 0) {
    ctx.warn(`'maxconn' ignored because ${'backend'} '${px.name}' has no frontend capability. Maybe you want 'fullconn' instead ?`);
    return;
  }
  if (args.length < 2) { ctx.alert(`'${args[0]}' expects an integer argument.`); return; }
  px.maxconn = atol(args[1]);
}

function parseRateLimit(args: readonly string[], ctx: KwCtx): void {
  const v = args[2] ?? '';
  if (args[1] !== 'sessions') { ctx.alert(`'rate-limit' only supports 'sessions' (got '${args[1] ?? ''}').`); return; }
  if (v === '') { ctx.alert(`'rate-limit sessions' expects expects an integer value.`); return; }
  const n = parseUint(v);
  if (n < 0) { ctx.alert(`'rate-limit sessions' : unexpected character '${v.replace(/^\d+/, '')[0]}' in integer value '${v}'`); return; }
  ctx.proxy!.rateLimitSessions = n;
}

export const keywords: CfgKeyword[] = [
  { section: 'listen', name: 'maxconn', cap: PR_CAP_FE | PR_CAP_DEF | 2, parse: parseMaxconn },
  { section: 'listen', name: 'rate-limit', cap: PR_CAP_FE | PR_CAP_DEF, parse: parseRateLimit },
];

export const bindKeywords: BindKeyword[] = [
  { name: 'name', parse(b, args, i, ctx) { const v = args[i + 1]; if (v === undefined) { ctx.alert(`'bind' : missing name.`); return -1; } b.name = v; return 2; } },
  { name: 'maxconn', parse(b, args, i, ctx) { const n = parseUint(args[i + 1] ?? ''); if (n < 0) { ctx.alert(`'bind' : '${args[i]}' expects an integer argument.`); return -1; } b.maxconn = n; return 2; } },
  { name: 'v4v6', parse() { return 1; } },
  { name: 'v6only', parse() { return 1; } },
  { name: 'transparent', parse() { return 1; } },
  { name: 'defer-accept', parse() { return 1; } },
  { name: 'tfo', parse() { return 1; } },
  {
    // 2.6.12 warns; the 1/1 form adds the thread hint
    name: 'process',
    parse(_b, args, i, ctx) {
      const v = args[i + 1] ?? '';
      const sl = v.indexOf('/');
      ctx.warn(`'bind ${args[1]}' in section '${ctx.section}' : 'process ${v}' on 'bind' lines is deprecated and will be removed in 2.7.` +
        (sl >= 0 ? ` Please use 'thread ${v.slice(sl + 1)}' instead.` : ''));
      return 2;
    },
  },
  { name: 'thread', parse() { return 2; } },
  { name: 'backlog', parse() { return 2; } },
  { name: 'id', parse() { return 2; } },
];
