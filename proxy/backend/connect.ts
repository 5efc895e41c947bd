/*
 * BackendConn: one per stream, reused across HTTP transactions. Gets the stream a server connection: cookie
 * persistence first (`persist`), else the LB algorithm; queues when servers are at maxconn (`maxqueue`, `timeout
 * queue`, default `timeout connect`); connects with `timeout connect`; on failure retries (`retries`, turn-around
 * delay min(timeout connect, 1s) as HAProxy) and redispatches to another server on the last retry with `option
 * redispatch`. Reports to the stream through BackendClient (backend/types.ts), never through closures.
 * Hot path: yes.
 */
import { redispatchDue } from './redispatch.ts';
import type { Proxy, Server } from '../model/types.ts';
import type { LogEmitter } from '../log/types.ts';
import { LF_OP_BI, LF_OP_BP } from '../log/format.ts';
import { rawConnectTcp, rawConnectPipe } from '../net/raw-socket.ts';
import { tlsConnect } from '../net/tls-socket.ts';
import { srvSsl, sslUse } from '../ssl/keywords.ts';
import { sendProxyUse, sendProxyHeader, srvSendsProxy } from './send-proxy.ts';
import { sourceUse, srcBindFor, srcPortNext } from './source.ts';
import { dispatchUse, dispatchFor } from './dispatch.ts';
import { redirUse, srvRedir } from './redir.ts';
import type { SockError, ProxySocket } from '../net/types.ts';
import {
  SF_ERR_SRVCL, SF_ERR_SRVTO, SF_ERR_RESOURCE, SF_FINST_C, SF_FINST_Q, PR_O_REDISPATCH, PR_O_SRVKA, SRV_ST_RUNNING,
} from '../model/types.ts';
import { SRV_ADMF_MAINT } from './server.ts';
import { observeUse, srvObserve, OBS_L4_ERR } from './observe.ts';
import type { BackendClient, Pending, PendList } from './types.ts';
import { BC_IDLE, BC_QUEUED, BC_TURNAROUND, BC_CONNECTING, BC_CONNECTED, REUSE_NONE, REUSE_OWN, REUSE_PROVEN, PRST_FORCE, PRST_OPTION, PRST_DIRECT } from './types.ts';
import { Timer, timerArm, timerDisarm, twTouch } from '../timer-wheel.ts';
import { pendEnqueue, pendRemove, srvPendList, bePendList, srvHasSlot, processQueue } from './queue.ts';
import { srvUsable, srvAcceptsPersistent } from './server.ts';
import { poolDiscard, poolTake, poolPut } from './pool.ts';
import { freqCtrAdd } from '../stats/counters.ts';

/** Global count of established + pending server connections (stats `CurrConns` is frontend side; this is for tests). */
export const backendStats = { connecting: 0, connectErrors: 0, retries: 0, redispatches: 0 };

// a connecting socket's owner is its BackendConn; onServerConnected hands it to the stream
function onSockConnect(this: ProxySocket): void {
  const bc = this.owner as BackendConn | null;
  if (bc !== null) bc.connected();
}
function onSockError(this: ProxySocket, err: SockError): void {
  const bc = this.owner as BackendConn | null;
  if (bc !== null) bc.connectFailed(err.code === 'ETIMEDOUT' ? SF_ERR_SRVTO : SF_ERR_SRVCL);
}
function noopErr(_e: SockError): void { /* errors of a socket being discarded */ }

/** Whether `em` prints our address toward the server (%bi/%bp): else no getsockname() per server connection. */
const bsrcCache = new WeakMap<LogEmitter, boolean>();
function emitterUsesBackendSrc(em: LogEmitter | null): boolean {
  if (em === null) return false;
  let v = bsrcCache.get(em);
  if (v === undefined) {
    v = false;
    const ops = em.ops;
    for (let pc = 0; pc < ops.length; pc += 3) if (ops[pc] === LF_OP_BI || ops[pc] === LF_OP_BP) v = true;
    bsrcCache.set(em, v);
  }
  return v;
}
function onTimer(bc: BackendConn): void { bc.timerFired(); }

/** Algorithms `option prefer-last-server` applies to (2.6: not the hash-based ones). */
const PREFER_LAST_ALGOS: readonly string[] = ['roundrobin', 'static-rr', 'leastconn', 'first', 'random'];

/** Balancing algorithms that hash the request (2.6's BE_LB_KIND_HI): a retry does not spread to another server. */
const LB_HASHED = new Set(['source', 'uri', 'url_param', 'hdr', 'rdp-cookie', 'random', 'hash']);

/** Default `timeout connect` when none is configured (HAProxy would wait forever; we cap to avoid leaks). */
const NO_TIMEOUT_CONNECT_MS = 0;

export class BackendConn implements Pending {
  readonly client: BackendClient;
  be: Proxy | null = null;
  srv: Server | null = null;
  /** Server forced by persistence (cookie); set by the stream before connect(), cleared by release(). */
  persist: Server | null = null;
  /**
   * PRST_* flags of the current request (backend/persist-rules.ts, set by the stream before connect()): with
   * PRST_FORCE/PRST_OPTION `persist` may be a down server, PRST_FORCE never redispatches. 0 without those keywords.
   */
  prst = 0;
  /** Which idle pooled connection of the chosen server may be taken (REUSE_*, set by the stream from `http-reuse`). */
  reuse = REUSE_NONE;
  /** The server of this session's last private kept-alive connection (`option prefer-last-server`), else null. */
  lastSrv: Server | null = null;
  /** The connection this session parked as private (http-reuse never); closed by dropPrivate() at session end. */
  privSock: ProxySocket | null = null;
  state = BC_IDLE;
  sock: ProxySocket | null = null;
  retriesLeft = 0;
  avoid: Server | null = null;
  redispFrom: Server | null = null;   // the failed server a redispatch left, until the next one is chosen
  tStart = 0;          // connect() date
  tConnStart = 0;      // last connect attempt date
  onBackend = false;   // counted in be.beconn
  /** `send-proxy[-v2]`: the PROXY header of the connection in progress, written before anything else once connected. */
  ppHdr: Buffer | null = null;
  readonly timer: Timer;
  // Pending (queue entry)
  qPrev: Pending | null = null;
  qNext: Pending | null = null;
  qList: PendList | null = null;
  queuedAt = 0;
  qIdx = 0;

  constructor(client: BackendClient) {
    this.client = client;
    this.timer = new Timer(this, onTimer);
  }

  /**
   * Starts obtaining a server connection on backend `be`. The outcome arrives later (or synchronously for a reused
   * idle connection) through client.onServerConnected / onServerError. Must be in BC_IDLE.
   */
  connect(be: Proxy): void {
    this.be = be;
    // `retry-on` without conn-failure (http/retry-on.ts) leaves connection failures unretried
    this.retriesLeft = (be.http.retryOn & 1) !== 0 ? be.retries : 0;
    this.avoid = null;
    this.redispFrom = null;
    const now = twTouch();       // one clock read for the whole assignment (enterBackend, assign, startConnect)
    this.tStart = now;
    const log = this.client.log;
    log.backend = be;
    log.retries = 0;
    log.redispatched = false;
    log.srvQueue = 0; log.backendQueue = 0;
    log.tQueue = -1;
    log.tConnect = -1;
    this.enterBackend(be, now);
    this.assign(now);
  }

  /**
   * A layer-7 retry (`retry-on`, http/stream.ts): connects again for the same transaction after the server connection
   * was released, to `srv` again, or to another server when `redispatch`. Keeps log.retries and the date of the first
   * attempt (2.6's Tc spans the retries); a new connection, never an idle one.
   */
  retryConnect(be: Proxy, srv: Server | null, redispatch: boolean): void {
    const now = twTouch();
    const t0 = this.tConnStart;
    this.be = be;
    this.retriesLeft = 0;
    this.avoid = redispatch ? srv : null;
    this.persist = redispatch ? null : srv;
    this.reuse = REUSE_NONE;
    if (!this.onBackend) { this.onBackend = true; be.beconn++; }     // counted once per stream, not per retry
    this.assign(now);
    if (this.state === BC_CONNECTING) this.tConnStart = t0;
  }

  /**
   * Counts the stream on backend `be` (beconn, cumulated sessions) once, as HAProxy does when a stream is assigned a
   * backend: connect() calls it; tcp/ calls it earlier when the backend inspects content before connecting.
   */
  enterBackend(be: Proxy, now: number = Date.now()): void {
    if (this.onBackend) return;
    this.be = be;
    this.onBackend = true;
    be.beconn++;
    const c = be.beCounters;
    c.cumSess++;
    const r = freqCtrAdd(c.sessPerSec, 1, now);
    if (r > c.spsMax) c.spsMax = r;
    if (be.beconn > c.connMax) c.connMax = be.beconn;
    c.lastSess = now;
  }

  /** Chooses a server (persistence, then LB) and connects, queues or fails. */
  private assign(now: number): void {
    const be = this.be!;
    const log = this.client.log;
    let srv: Server | null = null;
    const p = this.persist;
    if (p !== null && p.proxy === be && this.avoid !== p && (srvAcceptsPersistent(p) || (this.prst & (PRST_FORCE | PRST_OPTION)) !== 0)) {
      if (srvHasSlot(p)) srv = p;
      else if (p.maxqueue === 0 || p.queued < p.maxqueue) { this.enqueue(srvPendList(p)); return; }
      else if ((be.options & PR_O_REDISPATCH) === 0) { this.fail(SF_ERR_RESOURCE, SF_FINST_Q); return; }
    }
    const last = this.lastSrv;
    // option prefer-last-server: the server of the session's previous keep-alive connection, for non-hashing algorithms
    if (srv === null && last !== null && last.proxy === be && be.http.preferLastServer && last !== this.avoid &&
        be.lb !== null && PREFER_LAST_ALGOS.includes(be.lb.name) && srvUsable(last) && srvHasSlot(last)) srv = last;
    // `dispatch` (backend/dispatch.ts): without `balance`, what persistence left goes to the dispatch address
    if (srv === null && dispatchUse.on) srv = dispatchFor(be);
    if (srv === null) {
      srv = be.lb !== null ? be.lb.pick(be, this.client.lbReq, this.avoid) : null;
      if (srv !== null) { be.beCounters.cumLbconn++; srv.counters.cumLbconn++; }
      if (srv === null) {
        // nobody free: wait in the backend queue if some server is usable but full, else 503
        for (const s of be.servers) if (srvUsable(s)) { this.enqueue(bePendList(be)); return; }
        be.beCounters.failedConns++;        // no server at all counts as a connection error (econ), as in 2.6
        this.fail(SF_ERR_SRVCL, SF_FINST_C);
        log.server = null;
        return;
      }
      if (!srvHasSlot(srv)) { // hash algorithms keep affinity: wait for that server
        if (srv.maxqueue === 0 || srv.queued < srv.maxqueue) { this.enqueue(srvPendList(srv)); return; }
        this.fail(SF_ERR_RESOURCE, SF_FINST_Q);
        return;
      }
    }
    this.startConnect(srv, now);
  }

  private enqueue(q: PendList): void {
    const be = this.be!;
    pendEnqueue(q, this, be, Date.now());
    this.state = BC_QUEUED;
    const t = be.timeouts.queue > 0 ? be.timeouts.queue : be.timeouts.connect;
    if (t > 0) timerArm(this.timer, t);
  }

  /** The client left while queued: Tw is the time waited, no server (the caller then releases). */
  queueAbort(): void {
    const log = this.client.log;
    log.tQueue = twTouch() - this.tStart;
    log.server = null;
  }

  /** Pending.unqueued: %sq / %bq add up the positions of every queue the stream left. */
  unqueued(pos: number, srvQueue: boolean): void {
    const log = this.client.log;
    if (srvQueue) log.srvQueue += pos; else log.backendQueue += pos;
  }

  /** Pending.dequeued: a slot opened on `srv`. */
  dequeued(srv: Server): void {
    timerDisarm(this.timer);
    const now = Date.now();
    this.client.log.tQueue = now - this.tStart;
    this.startConnect(srv, now);
  }

  private startConnect(srv: Server, now: number): void {
    // server `redir <prefix>` (backend/redir.ts): the HTTP stream may answer with a 302 instead of a connection
    if (redirUse.on && this.client.onServerRedir !== undefined) {
      const pfx = srvRedir(srv);
      if (pfx !== null) {
        if (this.client.log.tQueue < 0) this.client.log.tQueue = now - this.tStart;
        if (this.client.onServerRedir(srv, pfx)) return;
      }
    }
    const be = this.be!;
    const log = this.client.log;
    if (log.tQueue < 0) log.tQueue = now - this.tStart;
    const from = this.redispFrom;
    if (from !== null) {
      // after a redispatch decision: a redispatch if the server changed, else one more retry on it (2.6)
      this.redispFrom = null;
      if (from !== srv) {
        log.redispatched = true;
        backendStats.redispatches++;
        be.beCounters.redispatches++; from.counters.redispatches++;
      } else { be.beCounters.retries++; from.counters.retries++; }
    }
    this.srv = srv;
    srv.served++;
    const sc = srv.counters;
    // 2.6 counts a server's stot per connection attempt, retries on the same server included
    sc.cumSess++;
    const r = freqCtrAdd(sc.sessPerSec, 1, now);
    if (r > sc.spsMax) sc.spsMax = r;
    sc.lastSess = now;
    if (srv.served > sc.connMax) sc.connMax = srv.served;
    if (be.lb !== null) be.lb.onTake(srv);
    srv.lastSess = now;
    log.server = srv;
    log.srvconn = srv.served;
    log.beconn = be.beconn;
    log.serverIp = srv.path !== '' ? srv.path : srv.host;
    log.serverPort = srv.port;
    let host = srv.host, port = srv.port;
    // a server at 0.0.0.0 or port 0 connects to the request's destination (set-dst, set-dst-port), as 2.6 does; such
    // connections are never shared (an idle one may lead elsewhere)
    const toDst = srv.path === '' && (port === 0 || host === '0.0.0.0');   // (a unix socket server has port 0)
    if (toDst) {
      if (host === '0.0.0.0') log.serverIp = host = log.frontendIp;
      if (port === 0) log.serverPort = port = log.frontendPort;
    }
    this.tConnStart = now;
    if (this.reuse !== REUSE_NONE && !toDst) {
      // a connection that started with a PROXY header speaks for one client: only its own session takes it back
      const own = this.reuse === REUSE_OWN || (sendProxyUse.servers !== 0 && srvSendsProxy(srv));
      const idle = poolTake(srv, this.reuse === REUSE_PROVEN ? 2 : 1, own ? this : null);
      if (idle !== null) {
        this.sock = idle;
        this.state = BC_CONNECTED;
        log.tConnect = 0;
        be.beCounters.reuse++; sc.reuse++;
        this.client.onServerConnected(idle, srv, true);
        return;
      }
    }
    this.state = BC_CONNECTING;
    backendStats.connecting++;
    be.beCounters.connect++; sc.connect++;
    const tc = sslUse.servers !== 0 ? srvSsl(srv) : null;      // `server ... ssl` (proxy/ssl), else plain
    const src = sourceUse.on ? srcBindFor(srv) : null;          // `source` (backend/source.ts)
    const srcHost = src !== null ? src.host : '';
    const srcPort = src !== null ? srcPortNext(src) : 0;
    let sock: ProxySocket;
    if (tc !== null) {
      // send-proxy: the PROXY header goes out in clear before the handshake
      const pp = sendProxyUse.servers !== 0 ? sendProxyHeader(srv, log) : null;
      sock = tlsConnect(host, port, tc, tc.sniFn !== null ? tc.sniFn(this.client) ?? '' : '', true, (be.options & PR_O_SRVKA) !== 0, pp, srcHost, srcPort);
    } else {
      const rs = srv.path !== '' ? rawConnectPipe(srv.path, null)
        : rawConnectTcp(host, port, null, true, (be.options & PR_O_SRVKA) !== 0, srcHost, srcPort);
      // sessions that handle buffer swaps (srvReadBuffer) get reads in lent buffers, own ones only during bulk reads
      if (this.client.srvReadBuffer !== undefined) rs.lend = true;
      // `send-proxy[-v2]` (backend/send-proxy.ts): the PROXY header, written first once connected
      if (sendProxyUse.servers !== 0) this.ppHdr = sendProxyHeader(srv, log);
      sock = rs;
    }
    sock.owner = this;
    sock.onconnect = onSockConnect;
    sock.onerror = onSockError;
    this.sock = sock;
    const t = be.timeouts.connect > 0 ? be.timeouts.connect : NO_TIMEOUT_CONNECT_MS;
    if (t > 0) timerArm(this.timer, t, now);
  }

  /** Socket 'connect'. */
  connected(): void {
    const sock = this.sock as ProxySocket;
    timerDisarm(this.timer);
    backendStats.connecting--;
    sock.onerror = noopErr;
    sock.owner = null;
    this.state = BC_CONNECTED;
    const log = this.client.log;
    log.tConnect = twTouch() - this.tConnStart;
    const pp = this.ppHdr;
    if (pp !== null) { this.ppHdr = null; sock.write(pp); }
    const fl = log.frontend.log;
    if (emitterUsesBackendSrc(fl.emitter) || emitterUsesBackendSrc(fl.emitterSd)) {
      log.backendSrcIp = sock.localAddress ?? '';
      log.backendSrcPort = sock.localPort ?? 0;
    }
    if (observeUse.on) srvObserve(this.srv!, 4, true, '');
    this.client.onServerConnected(sock, this.srv!, false);
  }

  /** Connect error or connect timeout: retry, redispatch or give up with the matching termination flags. */
  connectFailed(cause: number): void {
    const sock = this.sock;
    if (this.state !== BC_CONNECTING) return;
    timerDisarm(this.timer);
    backendStats.connecting--;
    backendStats.connectErrors++;
    if (sock !== null) { sock.owner = null; sock.onerror = noopErr; sock.destroy(); }
    this.sock = null;
    this.ppHdr = null;
    const srv = this.srv!;
    const be = this.be!;
    this.releaseSlot(srv);
    if (observeUse.on) srvObserve(srv, 4, false, OBS_L4_ERR);
    this.state = BC_IDLE;
    if (this.retriesLeft <= 0) {
      be.beCounters.failedConns++; srv.counters.failedConns++;
      this.fail(cause, SF_FINST_C);
      return;
    }
    this.retriesLeft--;
    backendStats.retries++;
    const log = this.client.log;
    log.retries++;
    // option redispatch (on the retries its interval names, backend/redispatch.ts; default: the last one) picks a
    // server again; so does any retry off a down server, and any retry of a request that is not persistent when the
    // balancing is not a hash and more than one active server is up; never under force-persist (2.6). Whether it
    // counts as a retry or a redispatch (wretr / wredis, the `+` of %rc) depends on the server then chosen
    // (startConnect). Only a round robin over several servers goes on at once, the others wait the turn-around as a
    // retry on the same server does.
    const lb = be.lb;
    const spread = (this.prst & PRST_DIRECT) === 0 && be.srvActive > 1 && lb !== null && !LB_HASHED.has(lb.name);
    if ((be.options & PR_O_REDISPATCH) !== 0 && (this.prst & PRST_FORCE) === 0 &&
        (redispatchDue(be, be.retries - this.retriesLeft) || spread || srv.curState < SRV_ST_RUNNING || (srv.adminState & SRV_ADMF_MAINT) !== 0)) {
      this.avoid = srv;
      this.redispFrom = srv;
      this.persist = null;
      this.prst &= ~PRST_DIRECT;      // no longer persistent: a cookie is inserted for the new server
      this.srv = null;
      log.tQueue = -1;                // 2.6 logs the time of the new assignment as Tw
      if (spread && (lb.name === 'roundrobin' || lb.name === 'static-rr')) { this.assign(twTouch()); return; }
    } else {
      be.beCounters.retries++; srv.counters.retries++;
    }
    this.state = BC_TURNAROUND;
    const ta = be.timeouts.connect > 0 && be.timeouts.connect < 1000 ? be.timeouts.connect : 1000;
    timerArm(this.timer, ta);
  }

  /** Queue timeout, connect timeout or end of the retry turn-around. */
  timerFired(): void {
    const be = this.be;
    if (be === null) return;
    if (this.state === BC_QUEUED) {
      // a queue timeout counts as a connection error (econ), on the server too when it was its own queue (2.6)
      const q = this.qList;
      if (q !== null && q.srv !== null) q.srv.counters.failedConns++;
      be.beCounters.failedConns++;
      pendRemove(this, be);
      this.state = BC_IDLE;
      this.client.log.tQueue = Date.now() - this.tStart;
      this.fail(SF_ERR_SRVTO, SF_FINST_Q);
    } else if (this.state === BC_CONNECTING) {
      this.connectFailed(SF_ERR_SRVTO);
    } else if (this.state === BC_TURNAROUND) {
      this.state = BC_IDLE;
      const now = Date.now();
      if (this.srv !== null && this.avoid === null) {
        // retry on the same server (HAProxy keeps the assignment until a redispatch)
        const s = this.srv;
        if ((srvAcceptsPersistent(s) || (this.prst & (PRST_FORCE | PRST_OPTION)) !== 0) && srvHasSlot(s)) { this.startConnect(s, now); return; }
        this.srv = null;
      }
      this.assign(now);
    }
  }

  private fail(cause: number, finst: number): void {
    this.state = BC_IDLE;
    this.leaveBackend();
    this.client.onServerError(cause, finst);
  }

  private releaseSlot(srv: Server): void {
    srv.served--;
    // %sc as 2.6 logs it: the server's connections once this one left, before the queue hands the slot on
    this.client.log.srvconn = srv.served;
    const be = srv.proxy;
    if (be.lb !== null) be.lb.onDrop(srv);
    processQueue(srv, srvUsable(srv));
  }

  private leaveBackend(): void {
    if (this.onBackend && this.be !== null) { this.be.beconn--; this.onBackend = false; }
  }

  /**
   * The server connection is over (closed by either side) or the stream ends: frees the server slot (serving the
   * queue), leaves the backend. Safe in any state (aborts a queued or connecting request). Does not destroy a
   * connected socket: the stream owns it.
   */
  release(): void {
    const st = this.state;
    timerDisarm(this.timer);
    if (st === BC_QUEUED && this.be !== null) pendRemove(this, this.be);
    else if (st === BC_CONNECTING) {
      const sock = this.sock as ProxySocket;
      backendStats.connecting--;
      sock.owner = null;
      sock.onerror = noopErr;
      sock.destroy();
      this.releaseSlot(this.srv!);
    } else if (st === BC_CONNECTED) this.releaseSlot(this.srv!);
    this.state = BC_IDLE;
    this.sock = null;
    this.persist = null;
    this.lastSrv = null;
    this.ppHdr = null;
    this.leaveBackend();
  }

  /**
   * Like release(), but parks the (clean, idle) server socket in the server's pool for reuse: shared, or private to
   * this session (`http-reuse never`).
   */
  releaseIdle(priv: boolean): void {
    const sock = this.sock;
    const srv = this.srv;
    this.release();
    // send-proxy connections are private to the session, as 2.6 (never shared between clients)
    if (!priv && sendProxyUse.servers !== 0 && srv !== null && srvSendsProxy(srv)) {
      const prev = this.privSock;
      if (prev !== null && prev !== sock) { this.privSock = null; poolDiscard(prev); }   // one parked per session
      if (sock !== null && poolPut(srv, sock, this)) this.privSock = sock;
      this.lastSrv = null;
      return;
    }
    // the session keeps a server connection of its own only under http-reuse never: prefer-last-server has an effect
    // then only (2.6.12: with safe/aggressive/always the next request goes to the LB's pick)
    this.lastSrv = priv ? srv : null;
    if (sock !== null && srv !== null && poolPut(srv, sock, priv ? this : null) && priv) this.privSock = sock;
  }

  /** Closes the private idle connection of this session, if still parked (the session ends). */
  dropPrivate(): void {
    const s = this.privSock;
    if (s === null) return;
    this.privSock = null;
    poolDiscard(s);
  }
}

export { BC_IDLE, BC_QUEUED, BC_CONNECTING, BC_CONNECTED, BC_TURNAROUND };
