/*
 * `mode tcp` streams: a client socket is forwarded byte for byte to a server chosen by the backend (BackendConn),
 * both ways, with backpressure (a side that cannot write pauses the other side's reads until 'drain'), half-close
 * (a FIN is forwarded with end(); the stream ends when both directions are shut), timeouts (client/server, `tunnel`
 * once established when set, client-fin/server-fin once a side is shut), termination codes and tcplog fields in
 * StreamLog, then logStream() at the end. One TcpStream instance per connection, module-level handlers reach it via a
 * symbol on each socket: no closure per connection. Hot path: yes.
 */
import type { Socket } from 'node:net';
import type { BindCfg, Proxy, Server, StreamLog } from '../model/types.ts';
import {
  SF_ERR_NONE, SF_ERR_CLICL, SF_ERR_SRVCL, SF_ERR_CLITO, SF_ERR_SRVTO, SF_FINST_C, SF_FINST_D, SF_FINST_Q,
} from '../model/types.ts';
import type { BackendClient } from '../backend/types.ts';
import type { LbRequestView } from '../lb/types.ts';
import { BackendConn } from '../backend/connect.ts';
import { newStreamLog } from '../model/factories.ts';
import { Timer, timerArm, timerDisarm } from '../timer-wheel.ts';
import { frontendStreamEnd, feGlobal } from '../frontend.ts';
import { streamRegister, streamUnregister, nextSessId } from '../streams.ts';
import { addTimeStats, TIME_STATS_SAMPLES } from '../stats/counters.ts';
import type { ActiveStream } from '../streams.ts';

/** Log sink for finished streams; proxy/modules.ts wires P3's logStream here. */
let logSink: ((fe: Proxy, s: StreamLog) => void) | null = null;
export function setTcpLogSink(fn: (fe: Proxy, s: StreamLog) => void): void { logSink = fn; }


const kStream = Symbol('sluice.tcpStream');
type TSocket = Socket & { [kStream]?: TcpStream };

const EMPTY = Buffer.alloc(0);
const noHeader = (_n: string, _o: Int32Array): boolean => false;

function ipBytes(ip: string): Buffer {
  // IPv4 (possibly v4-mapped) as 4 bytes, else the text bytes: only used as a hash key for `balance source`
  const v4 = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
  const p = v4.split('.');
  if (p.length === 4) return Buffer.from([+p[0], +p[1], +p[2], +p[3]]);
  return Buffer.from(ip, 'latin1');
}

export class TcpStream implements BackendClient, ActiveStream, LbRequestView {
  readonly sessId: number;
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
  cliActive = 0;          // last activity dates (ms) for client/server inactivity timeouts
  srvActive = 0;
  closed = false;
  pendingClientData: Buffer | null = null; // bytes read from the client before the server connected

  constructor(fe: Proxy, sock: Socket, bind: BindCfg) {
    this.sessId = nextSessId();
    this.fe = fe;
    this.bind = bind;
    this.cli = sock as TSocket;
    this.cli[kStream] = this;
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
    log.tRequest = 0;
    this.srcAddr = log.clientIp !== '' ? ipBytes(log.clientIp) : EMPTY;
    this.cliActive = now;
    sock.on('error', onCliError);
    sock.on('end', onCliEnd);
    sock.on('close', onCliClose);
    sock.on('data', onCliDataEarly);
    sock.resume(); // sockets held at maxconn were paused by the frontend
    streamRegister(this);
  }

  start(): void {
    const be = this.fe.defaultBackend;
    if (be === null) {
      // no backend: HAProxy closes with "<NOSRV>" and termination SC
      this.finish(SF_ERR_SRVCL, SF_FINST_C);
      return;
    }
    const t = this.fe.timeouts.client;
    if (t > 0) timerArm(this.timer, t);
    this.conn.connect(be);
  }

  onServerConnected(sock: Socket, _srv: Server, _reused: boolean): void {
    if (this.closed) { this.conn.release(); sock.destroy(); return; }
    const s = sock as TSocket;
    this.srv = s;
    s[kStream] = this;
    s.on('error', onSrvError);
    s.on('end', onSrvEnd);
    s.on('close', onSrvClose);
    s.on('data', onSrvData);
    s.on('drain', onSrvDrain);
    this.cli.on('drain', onCliDrain);
    this.cli.removeListener('data', onCliDataEarly);
    this.cli.on('data', onCliData);
    this.srvActive = Date.now();
    if (this.pendingClientData !== null) {
      const d = this.pendingClientData;
      this.pendingClientData = null;
      // the early handler may have paused the client at 64 KiB: resume unless the server pushes back ('drain' will)
      if (s.write(d)) this.cli.resume(); else this.cli.pause();
    }
    if (this.cliShut) s.end();
    this.armTimeout();
  }

  onServerError(errCause: number, finishState: number): void {
    this.finish(errCause, finishState);
  }

  /** Re-arms the inactivity timer at the earliest of the client and server deadlines. */
  armTimeout(): void {
    const be = this.log.backend;
    const to = be !== null ? be.timeouts : this.fe.timeouts;
    let ct = this.fe.timeouts.client;
    let st = be !== null ? to.server : 0;
    if (be !== null && to.tunnel > 0) { ct = to.tunnel; st = to.tunnel; }
    if (this.cliShut || this.srvShut) {
      if (this.fe.timeouts.clientFin > 0) ct = this.fe.timeouts.clientFin;
      if (be !== null && to.serverFin > 0) st = to.serverFin;
    }
    let at = 0;
    if (ct > 0) at = this.cliActive + ct;
    if (st > 0 && this.srv !== null) { const s = this.srvActive + st; if (at === 0 || s < at) at = s; }
    if (at === 0) { timerDisarm(this.timer); return; }
    timerArm(this.timer, Math.max(1, at - Date.now()));
  }

  timeoutFired(): void {
    if (this.closed) return;
    if (this.srv === null) {
      // still connecting or queued: the client timeout runs alone (the backend has its own connect/queue timers)
      const t = this.fe.timeouts.client;
      if (t > 0 && Date.now() - this.cliActive >= t) {
        const finst = this.conn.state === 1 ? SF_FINST_Q : SF_FINST_C;
        this.conn.release();
        this.finish(SF_ERR_CLITO, finst);
      } else if (t > 0) timerArm(this.timer, this.cliActive + t - Date.now());
      return;
    }
    const now = Date.now();
    const be = this.log.backend!;
    let ct = this.fe.timeouts.client;
    let st = be.timeouts.server;
    if (be.timeouts.tunnel > 0) { ct = be.timeouts.tunnel; st = be.timeouts.tunnel; }
    if (this.cliShut || this.srvShut) {
      if (this.fe.timeouts.clientFin > 0) ct = this.fe.timeouts.clientFin;
      if (be.timeouts.serverFin > 0) st = be.timeouts.serverFin;
    }
    const cExp = ct > 0 && now - this.cliActive >= ct;
    const sExp = st > 0 && now - this.srvActive >= st;
    if (cExp || sExp) {
      const cAt = ct > 0 ? this.cliActive + ct : Infinity;
      const sAt = st > 0 ? this.srvActive + st : Infinity;
      this.finish(cAt <= sAt ? SF_ERR_CLITO : SF_ERR_SRVTO, SF_FINST_D);
      return;
    }
    this.armTimeout();
  }

  kill(errCause: number): void { this.finish(errCause, this.srv !== null ? SF_FINST_D : SF_FINST_C); }

  /** Ends the stream once: closes both sockets, releases the server slot, logs, frees the frontend slot. */
  finish(errCause: number, finst: number): void {
    if (this.closed) return;
    this.closed = true;
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
      srv.removeListener('data', onSrvData);
      if (!srv.destroyed) srv.destroy();
    }
    this.conn.release();
    // %bc/%sc are read once this stream left the backend and the server (HAProxy logs 0/0 for a lone session)
    if (be !== null) log.beconn = be.beconn;
    if (log.server !== null) log.srvconn = log.server.served;
    const cli = this.cli;
    cli.removeListener('data', onCliData);
    if (!cli.destroyed) {
      if (srv === null && errCause === SF_ERR_SRVCL) {
        // no server at all: close our side cleanly (a destroy with unread request bytes would send a RST), drop
        // what the client still sends, and give it a bounded time to close
        cli.removeListener('data', onCliDataEarly);
        cli.on('data', discard);
        cli.setTimeout(LINGER_MS, onLingerTimeout);
        cli.end();
      } else cli.destroy();
    }
    streamUnregister(this);
    const fc = this.fe.feCounters;
    fc.bytesIn += log.bytesIn; fc.bytesOut += log.bytesOut;
    if (be !== null) {
      const bc = be.beCounters;
      bc.bytesIn += log.bytesIn; bc.bytesOut += log.bytesOut;
      if (errCause === SF_ERR_CLICL || errCause === SF_ERR_CLITO) bc.cliAborts++;
      else if (errCause === SF_ERR_SRVCL && log.server !== null && srv !== null) bc.srvAborts++;
      addTimeStats(bc, TIME_STATS_SAMPLES, Math.max(0, log.tQueue), Math.max(0, log.tConnect), 0, log.tTotal);
    }
    if (log.server !== null && srv !== null) {
      const sc = log.server.counters;
      sc.bytesIn += log.bytesIn; sc.bytesOut += log.bytesOut;
      if (errCause === SF_ERR_CLICL || errCause === SF_ERR_CLITO) sc.cliAborts++;
      else if (errCause === SF_ERR_SRVCL) sc.srvAborts++;
      addTimeStats(sc, TIME_STATS_SAMPLES, Math.max(0, log.tQueue), Math.max(0, log.tConnect), 0, log.tTotal);
    }
    if (logSink !== null) logSink(this.fe, log);
    frontendStreamEnd(this.fe, this.bind);
  }

  /** Both directions shut cleanly: normal end. */
  checkBothShut(): void {
    if (this.cliShut && this.srvShut) this.finish(SF_ERR_NONE, 0);
  }
}

function onStreamTimer(st: TcpStream): void { st.timeoutFired(); }

/** How long a refused client (no server) may take to close after our FIN before it is reset. */
const LINGER_MS = 1000;
function discard(this: TSocket, _chunk: Buffer): void { /* bytes of a stream already logged and closed */ }
function onLingerTimeout(this: TSocket): void { this.destroy(); }

function onCliDataEarly(this: TSocket, chunk: Buffer): void {
  const st = this[kStream]!;
  st.cliActive = Date.now();
  st.log.bytesIn += chunk.length;
  // before the server is connected: keep what arrives (HAProxy buffers up to bufsize), pause above 64 KiB
  st.pendingClientData = st.pendingClientData === null ? chunk : Buffer.concat([st.pendingClientData, chunk]);
  if (st.pendingClientData.length >= 65536) this.pause();
}

function onCliData(this: TSocket, chunk: Buffer): void {
  const st = this[kStream]!;
  st.cliActive = Date.now();
  st.log.bytesIn += chunk.length;
  if (!st.srv!.write(chunk)) this.pause();
}

function onSrvData(this: TSocket, chunk: Buffer): void {
  const st = this[kStream]!;
  const now = Date.now();
  st.srvActive = now;
  st.cliActive = now; // writing to the client counts as client activity only once flushed; HAProxy counts it on write
  st.log.bytesOut += chunk.length;
  if (!st.cli.write(chunk)) this.pause();
}

function onSrvDrain(this: TSocket): void {
  const st = this[kStream]!;
  st.srvActive = Date.now();
  if (!st.cliShut) st.cli.resume();
}

function onCliDrain(this: TSocket): void {
  const st = this[kStream]!;
  st.cliActive = Date.now();
  if (st.srv !== null && !st.srvShut) st.srv.resume();
}

function onCliEnd(this: TSocket): void {
  const st = this[kStream]!;
  st.cliShut = true;
  st.cliActive = Date.now();
  if (st.srv !== null) { st.srv.end(); st.armTimeout(); st.checkBothShut(); }
  else if (st.conn.state === 0 && !st.closed) {
    // client left before a server was even requested/assigned
    st.finish(SF_ERR_CLICL, SF_FINST_C);
  }
}

function onSrvEnd(this: TSocket): void {
  const st = this[kStream]!;
  st.srvShut = true;
  st.srvActive = Date.now();
  st.cli.end();
  st.armTimeout();
  st.checkBothShut();
}

function onCliError(this: TSocket, _e: Error): void {
  const st = this[kStream]!;
  st.finish(SF_ERR_CLICL, st.srv !== null ? SF_FINST_D : (st.conn.state === 1 ? SF_FINST_Q : SF_FINST_C));
}

function onSrvError(this: TSocket, _e: Error): void {
  const st = this[kStream]!;
  st.finish(SF_ERR_SRVCL, SF_FINST_D);
}

function onCliClose(this: TSocket): void {
  const st = this[kStream]!;
  if (st.closed) return;
  // closed without a clean FIN on both sides
  if (st.cliShut && st.srvShut) st.finish(SF_ERR_NONE, 0);
  else st.finish(SF_ERR_CLICL, st.srv !== null ? SF_FINST_D : (st.conn.state === 1 ? SF_FINST_Q : SF_FINST_C));
}

function onSrvClose(this: TSocket): void {
  const st = this[kStream]!;
  if (st.closed) return;
  if (st.srvShut) {
    // server closed after its FIN: if the client already shut too, normal end; else wait for the client
    if (st.cliShut) st.finish(SF_ERR_NONE, 0);
    return;
  }
  st.finish(SF_ERR_SRVCL, SF_FINST_D);
}

/** SessionStarter for `mode tcp` frontends (registered by proxy/modules.ts). */
export function startTcpSession(fe: Proxy, sock: Socket, bind: BindCfg): void {
  const st = new TcpStream(fe, sock, bind);
  st.start();
}
