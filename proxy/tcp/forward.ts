/*
 * `mode tcp` streams: a client socket is forwarded byte for byte to a server chosen by the backend (BackendConn),
 * both ways, with backpressure (a side that cannot write pauses the other side's reads until 'drain'), half-close
 * (a FIN is forwarded with end(); the stream ends when both directions are shut), timeouts (client/server, `tunnel`
 * once established when set, client-fin/server-fin once a side is shut), termination codes and tcplog fields in
 * StreamLog, then logStream() at the end. One TcpStream instance per connection, module-level handlers reach it as
 * the sockets' owner (proxy/net RawSockets): no closure per connection. Hot path: yes.
 */
import { sampleLive } from '../log/sample.ts';
import type { ProxySocket } from '../net/types.ts';
import { RawSocket, rawReadBufTake, rawReadBufGive } from '../net/raw-socket.ts';
import type { BindCfg, Proxy, Server, StreamLog } from '../model/types.ts';
import {
  SF_ERR_NONE, SF_ERR_CLICL, SF_ERR_SRVCL, SF_ERR_CLITO, SF_ERR_SRVTO, SF_ERR_PRXCOND, SF_FINST_C, SF_FINST_D,
  SF_FINST_Q, SF_FINST_R,
} from '../model/types.ts';
import type { SampleCtx } from '../acl/types.ts';
import { aclCondExec } from '../acl/compile.ts';
import { tcpRulesExec, ipv4Value, EMPTY_HDR, l4VarsClaim, l4DstClaim } from './rules.ts';
import { tcpFormat } from './vars.ts';
import { PR_CAP_BE } from '../config/types.ts';
import { TCP_RULES_REJECT, TCP_RULES_WAIT, TCP_RULES_CLOSE, TCP_RULES_DROP } from './types.ts';
import { listenerCounters } from '../stats/counters.ts';
import type { BackendClient } from '../backend/types.ts';
import type { LbRequestView } from '../lb/types.ts';
import { BackendConn } from '../backend/connect.ts';
import { newStreamLog } from '../model/factories.ts';
import { Timer, timerArm, timerDisarm } from '../timer-wheel.ts';
import { frontendStreamEnd, feGlobal, closeGently } from '../frontend.ts';
import type { StkStream } from '../stick/types.ts';
import type { VarMap } from '../http/vars.ts';
import { stkClaim, stkTxnEnd, stkSessEnd } from '../stick/track.ts';
import { stkPersist, stkPersistState, stkResponse } from '../stick/persist.ts';
import { prstState, prstFlags, useServerPick, rdpPersistPick } from '../backend/persist-rules.ts';
import { PRST_DIRECT } from '../backend/types.ts';
import { streamRegister, streamUnregister, nextSessId } from '../streams.ts';
import { addTimeStats } from '../stats/counters.ts';
import type { ActiveStream } from '../streams.ts';

/** Log sink for finished streams; proxy/modules.ts wires P3's logStream here. */
let logSink: ((fe: Proxy, s: StreamLog) => void) | null = null;
export function setTcpLogSink(fn: (fe: Proxy, s: StreamLog) => void): void { logSink = fn; }


type TSocket = ProxySocket;
function noopData(this: TSocket, _c: Buffer): void { /* a socket the stream left */ }

const EMPTY = Buffer.alloc(0);
const noHeader = (_n: string, _o: Int32Array): boolean => false;

function ipBytes(ip: string): Buffer {
  // IPv4 (possibly v4-mapped) as 4 bytes, else the text bytes: only used as a hash key for `balance source`
  const v4 = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
  const p = v4.split('.');
  if (p.length === 4) return Buffer.from([+p[0], +p[1], +p[2], +p[3]]);
  return Buffer.from(ip, 'latin1');
}

/** Client bytes at which inspection stops waiting (HAProxy: a full buffer, tune.bufsize - tune.maxrewrite). */
const INSPECT_FULL = 16384 - 1024;

export class TcpStream implements BackendClient, ActiveStream, LbRequestView, SampleCtx {
  readonly sessId: number;
  streamPrev: ActiveStream | null = null;
  streamNext: ActiveStream | null = null;
  readonly fe: Proxy;
  readonly bind: BindCfg;
  readonly log: StreamLog;
  readonly cli: TSocket;
  srv: TSocket | null = null;
  readonly conn: BackendConn;
  readonly timer: Timer;
  // LbRequestView (tcp: source address only)
  srcAddr: Buffer;
  readonly reqBuf: Buffer | null = null;
  readonly uriStart = 0;
  readonly uriEnd = 0;
  findHeader = noHeader;
  readonly lbReq: LbRequestView = this;
  // state
  cliShut = false;        // client sent FIN (we ended the server's write side)
  srvShut = false;        // server sent FIN (we ended the client's write side)
  /** The side whose read timed out first, SF_ERR_CLITO / SF_ERR_SRVTO (0: none): it was shut, its timer stopped. */
  toErr = 0;
  cliActive = 0;          // last activity dates (ms) for client/server inactivity timeouts
  srvActive = 0;
  /** The line was sent when the server connection came up (LogCfg.logAtConnect): none at the end. */
  loggedAtConnect = false;
  closed = false;
  /** The client's socket failed (a reset): the server gets a reset too. */
  cliReset = false;
  // SampleCtx (layer 4: tcp-request content rules, use_backend); HTTP parts empty
  readonly buf = null;
  readonly l0s = 0; readonly l0e = 0; readonly l1s = 0; readonly l1e = 0; readonly l2s = 0; readonly l2e = 0;
  readonly hdr = EMPTY_HDR;
  readonly nhdr = 0;
  readonly srcIp: string;
  readonly srcIp4: number;
  readonly dstPort: number;
  /** Bytes read from the client before the server connected (inspected by content rules, then forwarded). */
  l4Data: Buffer | null = null;
  /** False while content rules may still wait for more data (inspect-delay running, client open, buffer not full). */
  l4Final = true;
  /** Proxy whose `tcp-request content` rules are being inspected (frontend, then backend), null otherwise. */
  inspectPx: Proxy | null = null;
  inspectUntil = 0;
  /** Stick counters this stream tracks (proxy/stick), null unless a track-sc / stick rule ran. */
  stk: StkStream | null = null;
  /** Variables of tcp rules' set-var (tcp/vars.ts), created by the first one; read by var(). */
  vars: VarMap | undefined = undefined;
  /** Backend whose `tcp-response content` rules inspect the server's data (held in l4Res), null otherwise. */
  resPx: Proxy | null = null;
  /** Server bytes held while the response rules inspect them (res.len, res.payload). */
  l4Res: Buffer | null = null;
  /** The response inspection's own l4Final (swapped into l4Final while those rules run) and its deadline. */
  resFinal = true;
  resUntil = 0;
  /**
   * Lent read buffers whose bytes a queued write still references: read from the server (written to the client),
   * given back at the client's drain; read from the client, given back at the server's drain. See lendReads.
   */
  keptSrvBufs: Buffer[] | null = null;
  keptCliBufs: Buffer[] | null = null;

  constructor(fe: Proxy, sock: TSocket, bind: BindCfg) {
    this.sessId = nextSessId();
    this.fe = fe;
    this.bind = bind;
    this.cli = sock;
    sock.owner = this;
    this.log = newStreamLog(fe);
    this.conn = new BackendConn(this);
    this.timer = new Timer(this, onStreamTimer);
    const now = Date.now();
    const log = this.log;
    log.acceptMs = now;
    log.clientIp = sock.remoteAddress ?? '';
    log.clientPort = sock.remotePort ?? 0;
    log.frontendIp = sock.localAddress ?? '';
    log.frontendPort = sock.localPort ?? 0;
    log.bindName = bind.name;
    log.tls = sock.tls ?? null;          // TLS client connections (proxy/ssl), for fetches and %sslv/%sslc/%ft
    if (log.tls !== null) log.acceptMs = log.tls.acceptMs;    // 2.6: %t, %Tw and %Tt count from the TCP accept
    log.tRequest = 0;
    this.srcAddr = log.clientIp !== '' ? ipBytes(log.clientIp) : EMPTY;
    this.srcIp = log.clientIp;
    this.srcIp4 = ipv4Value(log.clientIp);
    this.dstPort = log.frontendPort;
    this.cliActive = now;
    sock.onerror = onCliError;
    sock.onend = onCliEnd;
    sock.onclose = onCliClose;
    sock.ondata = onCliDataEarly;
    sock.resume(); // accepted sockets read nothing until their stream starts
    streamRegister(this);
    this.stk = stkClaim(sock, now);    // counters tracked by tcp-request connection rules, usually null
    this.vars = l4VarsClaim(sock);     // sess variables of tcp-request connection/session set-var, usually undefined
    const d = l4DstClaim(sock);        // tcp-request connection/session set-dst[-port], usually undefined
    if (d !== undefined) { log.frontendIp = d.ip; log.frontendPort = this.dstPort = d.port; }
  }

  start(): void {
    const t = this.fe.timeouts.client;
    if (t > 0) timerArm(this.timer, t);
    if (this.fe.tcp.contentRules.length > 0) this.beginInspect(this.fe);
    else this.route();
  }

  /** Starts running `px`'s `tcp-request content` rules, now and on each chunk, until they decide. */
  beginInspect(px: Proxy): void {
    const d = px.tcp.inspectDelay;
    this.inspectPx = px;
    this.inspectUntil = d > 0 ? Date.now() + d : 0;
    this.l4Final = d <= 0 || this.cliShut || (this.l4Data !== null && this.l4Data.length >= INSPECT_FULL);
    if (!this.l4Final) this.armInspectTimer();
    this.inspect();
  }

  private armInspectTimer(): void {
    let at = this.inspectUntil;
    const t = this.fe.timeouts.client;
    if (t > 0 && this.cliActive + t < at) at = this.cliActive + t;
    timerArm(this.timer, Math.max(1, at - Date.now()));
  }

  /**
   * Runs the content rules being inspected: waits, rejects (dreq, "PR"), silently drops (the same, the backend's dreq
   * too when its rules dropped, the client reset as 2.6.12 resets it in mode tcp) or goes on to routing / the backend.
   */
  inspect(): void {
    const px = this.inspectPx!;
    const v = tcpRulesExec(px.tcp.contentRules, this);
    if (v === TCP_RULES_WAIT) return;
    this.inspectPx = null;
    this.l4Final = true;
    if (v === TCP_RULES_REJECT || v === TCP_RULES_DROP) {
      this.fe.feCounters.deniedReq++;
      listenerCounters(this.bind).deniedReq++;
      if (v === TCP_RULES_DROP) {
        if (px !== this.fe) px.beCounters.deniedReq++;
        this.cli.resetAndDestroy();
      }
      this.finish(SF_ERR_PRXCOND, SF_FINST_R);
      return;
    }
    const t = this.fe.timeouts.client;
    if (t > 0) timerArm(this.timer, Math.max(1, this.cliActive + t - Date.now()));
    if (px === this.fe) this.route();
    else this.connectBackend(px);
  }

  /** Persistence (force/ignore-persist, use-server, stick match, in 2.6's order), then the backend connection. */
  connectBackend(be: Proxy): void {
    const c = this.conn;
    if (prstState.on) {
      const f = prstFlags(this, be);
      c.persist = useServerPick(this, be, f);
      if (c.persist === null) c.persist = rdpPersistPick(this, be, f);
      if (c.persist === null && stkPersistState.on) c.persist = stkPersist(this, be, f);
      c.prst = c.persist !== null ? f | PRST_DIRECT : f;
    } else if (stkPersistState.on) c.persist = stkPersist(this, be);
    c.connect(be);
  }

  /** `use_backend` rules in order, then `default_backend`; a backend with content rules is inspected first. */
  route(): void {
    const fe = this.fe;
    let be: Proxy | null = null;
    const rules = fe.useBackend;
    for (let i = 0; i < rules.length; i++) {
      const r = rules[i];
      if (r.backend !== null && aclCondExec(r.cond, this)) { be = r.backend; break; }
      if (r.fmt !== null && aclCondExec(r.cond, this)) {
        // a log-format name (2.6): one naming no backend ends the search, the default backend takes the stream
        const b = (r.lookup as ReadonlyMap<string, Proxy>).get(tcpFormat(r.fmt, this, fe, this.log));
        if (b !== undefined && (b.cap & PR_CAP_BE) !== 0) be = b;
        break;
      }
    }
    if (be === null) be = fe.defaultBackend;
    if (be === null) {
      // no backend: HAProxy closes with "<NOSRV>" and termination SC
      this.finish(SF_ERR_SRVCL, SF_FINST_C);
      return;
    }
    if (be !== fe && be.tcp.contentRules.length > 0) {
      this.log.backend = be;
      this.conn.enterBackend(be);
      this.beginInspect(be);
      return;
    }
    this.connectBackend(be);
  }

  /** Logs `log` with this stream as the live sample context: `%[var(sess.x)]` reads its tcp rules' variables. */
  private emitLog(log: StreamLog): void {
    if (logSink === null) return;
    const saved = sampleLive.req;
    sampleLive.req = this;
    try { logSink(this.fe, log); } finally { sampleLive.req = saved; }
  }

  /**
   * 2.6 logs a tcp stream as soon as its server connection is up when its format waits for no byte count (`option
   * logasap`, or no timer, byte or counter tag): Tt ends there, B/U count what passed so far, the stream still holds
   * its backend and server slots, and `dontlognull` does not apply yet.
   */
  logAtConnect(): void {
    const log = this.log;
    log.tTotal = Date.now() - log.acceptMs;
    log.actconn = feGlobal.actconn;
    log.feconn = this.fe.feconn;
    if (log.backend !== null) log.beconn = log.backend.beconn;
    if (log.server !== null) log.srvconn = log.server.served;
    const q = log.tQueue;
    const bad = log.badReqData;
    if (q >= 0) log.tQueue += this.conn.tStart - log.acceptMs + 1;    // as finish() prints it
    log.badReqData = true;                                              // logged even without data (no dontlognull)
    this.emitLog(log);
    log.tQueue = q;
    log.badReqData = bad;
    this.loggedAtConnect = true;
  }

  /** termination phase while no server is connected: inspecting (R), queued (Q), connecting (C). */
  waitPhase(): number {
    if (this.srv !== null) return SF_FINST_D;
    if (this.inspectPx !== null) return SF_FINST_R;
    return this.conn.state === 1 ? SF_FINST_Q : SF_FINST_C;
  }

  onServerConnected(s: TSocket, _srv: Server, _reused: boolean): void {
    if (this.closed) { this.conn.release(); s.destroy(); return; }
    this.srv = s;
    s.owner = this;
    s.onerror = onSrvError;
    s.onend = onSrvEnd;
    s.onclose = onSrvClose;
    s.ondata = onSrvData;
    s.ondrain = onSrvDrain;
    if (s.isPaused()) s.resume();
    this.cli.ondrain = onCliDrain;
    this.cli.ondata = onCliData;
    // both inactivity timeouts start now: 2.6 counts neither the queue nor the connect retries in `timeout client`
    this.srvActive = this.cliActive = Date.now();
    if (this.fe.log.logAtConnect) this.logAtConnect();
    if (this.l4Data !== null) {
      const d = this.l4Data;
      this.l4Data = null;
      // the early handler may have paused the client at 64 KiB: resume unless the server pushes back ('drain' will)
      if (s.write(d)) this.cli.resume(); else this.cli.pause();
    }
    lendReads(s);
    lendReads(this.cli);
    if (this.cliShut) s.end();
    const be = this.log.backend;
    if (be !== null && be.tcp.resRules.length > 0) { this.beginResInspect(be, s); return; }
    this.armTimeout();
  }

  /**
   * `tcp-response content` rules of `be`: the server's data is held until they decide. Without an inspect delay they
   * run once, now, on an empty buffer (2.6 runs them when the connection is established); with one, on each chunk
   * until it expires, the buffer fills or the server shuts.
   */
  beginResInspect(be: Proxy, s: TSocket): void {
    const d = be.tcp.resInspectDelay;
    this.resPx = be;
    this.resUntil = d > 0 ? Date.now() + d : 0;
    this.resFinal = d <= 0;
    s.ondata = onSrvDataInspect;
    this.armTimeout();
    this.resInspect();
  }

  /** Runs the response rules being inspected: waits, rejects (PD), drops (PR, a reset), or forwards what is held (and closes on `close`). */
  resInspect(): void {
    const px = this.resPx!;
    const reqFinal = this.l4Final;
    this.l4Final = this.resFinal;
    const v = tcpRulesExec(px.tcp.resRules, this);
    this.l4Final = reqFinal;
    if (v === TCP_RULES_WAIT) return;
    this.resPx = null;
    if (v === TCP_RULES_REJECT) {
      px.beCounters.deniedResp++;
      this.fe.feCounters.deniedResp++;
      this.l4Res = null;
      this.finish(SF_ERR_PRXCOND, SF_FINST_D);
      return;
    }
    if (v === TCP_RULES_DROP) {
      // silent-drop: dreq (not dresp) on both proxies, the held bytes counted as sent as 2.6.12 counts them (they are
      // counted on arrival), the client reset, `PR`
      this.fe.feCounters.deniedReq++;
      listenerCounters(this.bind).deniedReq++;
      px.beCounters.deniedReq++;
      this.l4Res = null;
      this.cli.resetAndDestroy();
      this.finish(SF_ERR_PRXCOND, SF_FINST_R);
      return;
    }
    const st = this.stk;
    if (st !== null && st.resRules.length !== 0) stkResponse(st, this);   // stick store-response on this data
    const s = this.srv!;
    s.ondata = onSrvData;
    const d = this.l4Res;
    this.l4Res = null;
    if (d !== null && !this.cli.write(d)) s.pause();
    else if (s.isPaused() && !this.srvShut) s.resume();
    if (v === TCP_RULES_CLOSE && !this.srvShut) {
      // as a server FIN: the client gets what was held, then its side is shut; the server connection is closed
      this.srvShut = true;
      s.ondata = noopData;
      s.onclose = noopClose;
      s.destroy();
      this.cli.end();
    } else if (this.srvShut) this.cli.end();
    this.armTimeout();
    this.checkBothShut();
  }

  onServerError(errCause: number, finishState: number): void {
    this.finish(errCause, finishState);
  }

  /**
   * The client side's read timeout now, as 2.6 runs it: `timeout tunnel` when set, else `client`; none once the client
   * sent its FIN (or timed out: nothing more is read from it); `client-fin` when set once the server's FIN went to it.
   */
  cliTimeout(): number {
    if (this.cliShut) return 0;
    const fe = this.fe.timeouts, be = this.log.backend;
    if (this.srvShut && fe.clientFin > 0) return fe.clientFin;
    return be !== null && be.timeouts.tunnel > 0 ? be.timeouts.tunnel : fe.client;
  }

  /** The server side's, likewise: `tunnel` or `server`, none after its FIN, `server-fin` once the client's FIN went to it. */
  srvTimeout(): number {
    const be = this.log.backend;
    if (be === null || this.srvShut) return 0;
    const to = be.timeouts;
    if (this.cliShut && to.serverFin > 0) return to.serverFin;
    return to.tunnel > 0 ? to.tunnel : to.server;
  }

  /** Re-arms the inactivity timer at the earliest of the client and server deadlines. */
  armTimeout(): void {
    const ct = this.cliTimeout();
    const st = this.srvTimeout();
    let at = 0;
    if (ct > 0) at = this.cliActive + ct;
    if (st > 0 && this.srv !== null) { const s = this.srvActive + st; if (at === 0 || s < at) at = s; }
    if (this.resPx !== null && this.resUntil > 0 && (at === 0 || this.resUntil < at)) at = this.resUntil;
    if (at === 0) { timerDisarm(this.timer); return; }
    timerArm(this.timer, Math.max(1, at - Date.now()));
  }

  timeoutFired(): void {
    if (this.closed) return;
    if (this.srv === null) {
      // queued or connecting (retries and their turn-arounds included): only the backend's queue/connect timers run,
      // as in 2.6 (retries 2 on a refused port: SC after 2 s, not cC at `timeout client`)
      if (this.inspectPx === null) return;
      // inspecting: the client timeout, plus the inspect delay
      const t = this.fe.timeouts.client;
      if (t > 0 && Date.now() - this.cliActive >= t) {
        const finst = this.waitPhase();
        this.conn.release();
        this.finish(SF_ERR_CLITO, finst);
      } else if (this.inspectPx !== null) {
        if (Date.now() >= this.inspectUntil) { this.l4Final = true; this.inspect(); }
        else this.armInspectTimer();
      } else if (t > 0) timerArm(this.timer, this.cliActive + t - Date.now());
      return;
    }
    const now = Date.now();
    if (this.resPx !== null && this.resUntil > 0 && now >= this.resUntil) { this.resFinal = true; this.resInspect(); return; }
    const ct = this.cliTimeout();
    const st = this.srvTimeout();
    const cExp = ct > 0 && now - this.cliActive >= ct;
    const sExp = st > 0 && now - this.srvActive >= st;
    if (cExp || sExp) {
      const cAt = ct > 0 ? this.cliActive + ct : Infinity;
      const sAt = st > 0 ? this.srvActive + st : Infinity;
      const err = cAt <= sAt ? SF_ERR_CLITO : SF_ERR_SRVTO;
      if (this.toErr === 0 && cExp !== sExp && !this.cliShut && !this.srvShut) {
        // 2.6: the side that timed out is shut (nothing more read from it, a FIN to the other side); the stream goes
        // on the other way until that ends or times out too, and is logged with this first timeout (cD/sD)
        this.toErr = err;
        const srv = this.srv;
        if (err === SF_ERR_CLITO) { this.cliShut = true; this.cli.pause(); srv.end(); }
        else { this.srvShut = true; srv.pause(); this.cli.end(); }
        this.armTimeout();
        return;
      }
      this.finish(err, SF_FINST_D);
      return;
    }
    this.armTimeout();
  }

  kill(errCause: number): void { this.finish(errCause, this.waitPhase()); }

  /** Ends the stream once: closes both sockets, releases the server slot, logs, frees the frontend slot. */
  finish(errCause: number, finst: number): void {
    if (this.closed) return;
    this.closed = true;
    this.keptSrvBufs = this.keptCliBufs = null;   // writes being cancelled may still reference them: left to the GC
    if (this.toErr !== 0) { errCause = this.toErr; finst = SF_FINST_D; }   // the first timeout names the end
    timerDisarm(this.timer);
    const log = this.log;
    const now = Date.now();
    log.tTotal = now - log.acceptMs;
    if (log.tConnect >= 0) log.tData = log.tTotal - Math.max(0, log.tQueue) - log.tConnect;
    log.errCause = errCause;
    log.finishState = errCause === SF_ERR_NONE ? 0 : finst;
    log.actconn = feGlobal.actconn;
    log.feconn = this.fe.feconn;
    const be = log.backend;
    const srv = this.srv;
    if (srv !== null) {
      srv.ondata = noopData;
      // a client reset is passed on as a reset (2.6), any other end as a FIN
      if (!srv.destroyed) { if (this.cliReset) srv.resetAndDestroy(); else srv.destroy(); }
    }
    this.conn.release();
    // %bc/%sc are read once this stream left the backend and the server (HAProxy logs 0/0 for a lone session); %sc
    // was set by the release, before the server's queue took the slot
    if (be !== null) log.beconn = be.beconn;
    const cli = this.cli;
    cli.ondata = noopData;
    if (!cli.destroyed) {
      if (srv === null && (errCause === SF_ERR_SRVCL || errCause === SF_ERR_PRXCOND)) {
        // no server at all, or a content rule refused it: close cleanly (no RST), like HAProxy
        closeGently(cli);
      } else cli.destroy();
    }
    streamUnregister(this);
    const fc = this.fe.feCounters;
    fc.bytesIn += log.bytesIn; fc.bytesOut += log.bytesOut;
    const lc = listenerCounters(this.bind);                // `option socket-stats` rows, once per stream
    lc.bytesIn += log.bytesIn; lc.bytesOut += log.bytesOut;
    if (be !== null) {
      const bc = be.beCounters;
      bc.bytesIn += log.bytesIn; bc.bytesOut += log.bytesOut;
      // 2.6: a server timeout in the data phase is a server abort too (srv_abrt), a server reset also an eresp
      if (errCause === SF_ERR_CLICL || errCause === SF_ERR_CLITO) bc.cliAborts++;
      else if ((errCause === SF_ERR_SRVCL || errCause === SF_ERR_SRVTO) && log.server !== null && srv !== null) {
        bc.srvAborts++;
        if (errCause === SF_ERR_SRVCL) bc.failedResp++;
      }
      if (log.tConnect >= 0) addTimeStats(bc, bc.cumLbconn, log.tQueue, log.tConnect, 0, log.tTotal);
    }
    if (log.server !== null && srv !== null) {
      const sc = log.server.counters;
      sc.bytesIn += log.bytesIn; sc.bytesOut += log.bytesOut;
      if (errCause === SF_ERR_CLICL || errCause === SF_ERR_CLITO) sc.cliAborts++;
      else if (errCause === SF_ERR_SRVCL || errCause === SF_ERR_SRVTO) {
        sc.srvAborts++;
        if (errCause === SF_ERR_SRVCL) sc.failedResp++;
      }
      if (log.tConnect >= 0) addTimeStats(sc, sc.cumLbconn, log.tQueue, log.tConnect, 0, log.tTotal);
    }
    // tcp %Tw as HAProxy 2.6 prints it: queue end measured from accept (inspection included), minus a request date
    // that tcp streams never set (-1), hence the +1 (`1/0/4` for an immediate connect)
    if (log.tQueue >= 0) log.tQueue += this.conn.tStart - log.acceptMs + 1;
    if (this.stk !== null) { stkTxnEnd(this.stk, log, now); stkSessEnd(this.stk, now); }
    if (!this.loggedAtConnect) this.emitLog(log);
    frontendStreamEnd(this.fe, this.bind);
  }

  /** Both directions shut cleanly: normal end. */
  checkBothShut(): void {
    if (this.cliShut && this.srvShut) this.finish(SF_ERR_NONE, 0);
  }
}

function onStreamTimer(st: TcpStream): void { st.timeoutFired(); }

function onCliDataEarly(this: TSocket, chunk: Buffer): void {
  const st = this.owner as TcpStream;
  st.cliActive = Date.now();
  st.log.bytesIn += chunk.length;
  // before the server is connected: keep what arrives (HAProxy buffers up to bufsize), pause above 64 KiB
  const d = st.l4Data === null ? chunk : Buffer.concat([st.l4Data, chunk]);
  st.l4Data = d;
  if (d.length >= 65536) this.pause();
  if (st.inspectPx !== null) {
    if (d.length >= INSPECT_FULL) st.l4Final = true;
    st.inspect();
  }
}

/*
 * Reads once forwarding: RawSockets read in lent buffers (RawSocket.lend: each read copied out of the shared read
 * buffer into one from the free list and given back after ondata; bulk reads go straight into it), as HTTP server
 * sockets do. Copy mode allocated a Buffer per read, 8 KiB pool slabs that piled up between two scavenges (a
 * forwarded read makes few JS objects): up to 8 MB of ArrayBuffers under keep-alive load, which raised the brk
 * heap's high-water mark for good (bench:proxy mode tcp alone, fresh process: brk heap 8.6 -> 2.2 MB, peak RSS
 * 60.5 -> 54.3 MB; callgrind main-thread instructions per request 12.8k both). A write that stays queued still
 * references the chunk: that buffer is kept (keptSrvBufs / keptCliBufs) and the socket reads into another one; the
 * written side's drain gives them back. Not before the server is connected: the early handler keeps what it reads.
 */
function lendReads(s: TSocket): void {
  if (s instanceof RawSocket) s.lend = true;
}

function onCliData(this: TSocket, chunk: Buffer): void {
  const st = this.owner as TcpStream;
  const now = Date.now();
  st.cliActive = now;
  st.srvActive = now; // forwarded to the server: its side is active too (2.6 keeps a one-way upload alive past `timeout server`)
  st.log.bytesIn += chunk.length;
  relay(st, this, st.srv!, chunk, false);
}

function onSrvData(this: TSocket, chunk: Buffer): void {
  const st = this.owner as TcpStream;
  const now = Date.now();
  st.srvActive = now;
  st.cliActive = now; // writing to the client counts as client activity only once flushed; HAProxy counts it on write
  st.log.bytesOut += chunk.length;
  relay(st, this, st.cli, chunk, true);
}

/** Writes `chunk` read from `from` to `to`, keeps the lent buffer if the write stays queued, pauses `from` on push-back. */
function relay(st: TcpStream, from: TSocket, to: TSocket, chunk: Buffer, fromSrv: boolean): void {
  const ok = to.write(chunk);
  const b = from.readBuf;
  if (b !== null && to.writableLength !== 0) {
    if (!st.closed) {
      if (fromSrv) (st.keptSrvBufs ??= []).push(b); else (st.keptCliBufs ??= []).push(b);
    }
    from.readBuf = rawReadBufTake();
  }
  if (!ok) from.pause();
}

/** The written side has nothing queued anymore: the buffers read from the other side are free again. */
function giveKept(kept: Buffer[] | null): void {
  if (kept === null || kept.length === 0) return;
  for (let i = 0; i < kept.length; i++) rawReadBufGive(kept[i]);
  kept.length = 0;
}

/** Server data while the response rules inspect: held (counted as read), then the rules run again. */
function onSrvDataInspect(this: TSocket, chunk: Buffer): void {
  const st = this.owner as TcpStream;
  st.srvActive = Date.now();
  st.log.bytesOut += chunk.length;
  const d = st.l4Res === null ? Buffer.from(chunk) : Buffer.concat([st.l4Res, chunk]);
  st.l4Res = d;
  if (d.length >= INSPECT_FULL) { st.resFinal = true; this.pause(); }
  st.resInspect();
}

function noopClose(this: TSocket): void { /* a server socket closed by a tcp-response `close` */ }

function onSrvDrain(this: TSocket): void {
  const st = this.owner as TcpStream;
  giveKept(st.keptCliBufs);
  st.srvActive = Date.now();
  if (!st.cliShut) st.cli.resume();
}

function onCliDrain(this: TSocket): void {
  const st = this.owner as TcpStream;
  giveKept(st.keptSrvBufs);
  st.cliActive = Date.now();
  if (st.srv !== null && !st.srvShut) st.srv.resume();
}

function onCliEnd(this: TSocket): void {
  const st = this.owner as TcpStream;
  st.cliShut = true;
  st.cliActive = Date.now();
  if (st.srv !== null) { st.srv.end(); st.armTimeout(); st.checkBothShut(); }
  else if (st.inspectPx !== null) { st.l4Final = true; st.inspect(); }
  else if (st.conn.state === 0 && !st.closed) {
    // client left before a server was even requested/assigned
    st.finish(SF_ERR_CLICL, SF_FINST_C);
  }
}

function onSrvEnd(this: TSocket): void {
  const st = this.owner as TcpStream;
  st.srvShut = true;
  st.srvActive = Date.now();
  // the response rules being inspected decide now, on what the server sent (they end the client side themselves)
  if (st.resPx !== null) { st.resFinal = true; st.resInspect(); return; }
  st.cli.end();
  st.armTimeout();
  st.checkBothShut();
}

function onCliError(this: TSocket, _e: Error): void {
  const st = this.owner as TcpStream;
  st.cliReset = true;
  st.finish(SF_ERR_CLICL, st.waitPhase());
}

function onSrvError(this: TSocket, _e: Error): void {
  const st = this.owner as TcpStream;
  st.finish(SF_ERR_SRVCL, SF_FINST_D);
}

function onCliClose(this: TSocket): void {
  const st = this.owner as TcpStream;
  if (st.closed) return;
  // closed without a clean FIN on both sides
  if (st.cliShut && st.srvShut) st.finish(SF_ERR_NONE, 0);
  else st.finish(SF_ERR_CLICL, st.waitPhase());
}

function onSrvClose(this: TSocket): void {
  const st = this.owner as TcpStream;
  if (st.closed) return;
  if (st.srvShut) {
    // server closed after its FIN: if the client already shut too, normal end; else wait for the client
    if (st.cliShut) st.finish(SF_ERR_NONE, 0);
    return;
  }
  st.finish(SF_ERR_SRVCL, SF_FINST_D);
}

/** SessionStarter for `mode tcp` frontends (registered by proxy/modules.ts). */
export function startTcpSession(fe: Proxy, sock: TSocket, bind: BindCfg): void {
  const st = new TcpStream(fe, sock, bind);
  st.start();
}
