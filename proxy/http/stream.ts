/*
 * The HTTP/1.1 stream of a `mode http` frontend: one HttpSession per client connection, serving its transactions in
 * turn (client keep-alive, pipelined requests kept paused), choosing the backend (use_backend/default_backend), running
 * http-request/http-response rules and redirects, getting a server connection through backend/connect.ts (idle reuse
 * via the pool), forwarding bodies (Content-Length, chunked re-encoded, close-delimited), 100-continue, Upgrade/CONNECT
 * tunnels, the timeouts, HAProxy's canned errors, StreamLog + logStream(), and the hrsp_ / req_tot / bytes counters.
 * Delegates: normalize.ts (absolute URI / CONNECT Host), cookie.ts (persistence headers), local-reply.ts (local
 * replies as 2.6 emits them), htx-size.ts (2.6's byte accounting), log/capture.ts (captures, unique id); holds the
 * tarpit delay, `option http-buffer-request` waiting and the `set-var` variables. Entry: startHttpSession(fe, sock, bindName), called by frontend.ts for each accepted socket. Hot path: yes.
 */
import { isIPv4 } from 'node:net';
import type { ProxySocket } from '../net/types.ts';
import { RawSocket, rawReadBufTake, rawReadBufGive, sockSilence } from '../net/raw-socket.ts';
import type { Proxy, Server, StreamLog, BindCfg } from '../model/types.ts';
import { frontendStreamEnd } from '../frontend.ts';
import type { StkStream } from '../stick/types.ts';
import { stkClaim, stkHttpReq, stkHttpReqSince, stkTxnMask, stkTxnEnd, stkSessEnd } from '../stick/track.ts';
import { l4VarsClaim, l4DstClaim, tcpRulesExec } from '../tcp/rules.ts';
import { TCP_RULES_REJECT, TCP_RULES_CLOSE, TCP_RULES_DROP } from '../tcp/types.ts';
import { stkPersist, stkPersistState, stkResponse } from '../stick/persist.ts';
import { prstState, prstFlags, useServerPick } from '../backend/persist-rules.ts';
import { restrictUse, reqHdrNamesCheck } from './restrict-hdr-names.ts';
import { redirReply } from '../backend/redir.ts';
import { serverClose, serverCloseAfterResponse } from '../backend/pool.ts';
import { observeUse, srvObserve, OBS_HTTP_STS } from '../backend/observe.ts';
import { PRST_DIRECT } from '../backend/types.ts';
import {
  PR_O_ACCEPT_INV_REQ, PR_O_ACCEPT_INV_RSP, PR_O_FORWARDFOR, PR_O_ORIGINALTO, PR_O_SEND_NAME_HDR, PR_O_H1_ADJ_CLI, PR_O_H1_ADJ_SRV, PR_O_HTTPCLOSE, PR_O_HTTP_SERVER_CLOSE, PR_O_HTTPLOG, PR_O_LOGASAP, PR_O_REDISPATCH,
  SF_ERR_NONE, SF_ERR_CLICL, SF_ERR_SRVCL, SF_ERR_PRXCOND, SF_ERR_CLITO, SF_ERR_SRVTO, SF_ERR_LOCAL, SF_ERR_INTERNAL,
  SF_FINST_NONE, SF_FINST_R, SF_FINST_Q, SF_FINST_C, SF_FINST_H, SF_FINST_D, SF_FINST_L, SF_FINST_T,
} from '../model/types.ts';
import type { BackendClient } from '../backend/types.ts';
import { REUSE_ANY, REUSE_NONE, REUSE_OWN, REUSE_PROVEN, BC_IDLE, BC_QUEUED, BC_CONNECTING } from '../backend/types.ts';
import { PR_CAP_BE } from '../config/types.ts';
import type { LbRequestView } from '../lb/types.ts';
import type { SampleCtx, ReqBodyView } from '../acl/types.ts';
import { BackendConn } from '../backend/connect.ts';
import { newStreamLog } from '../model/factories.ts';
import { Timer, timerArm, timerDisarm, twNow, twTouch } from '../timer-wheel.ts';
import { logStream, buildUniqueId } from '../log/emit.ts';
import { hrspIndex, freqCtrAdd, addHttpTimeStats, listenerCounters } from '../stats/counters.ts';
import type { FeCounters } from '../stats/types.ts';
import { HRSP_OTHER } from '../stats/types.ts';
import { captureHttpError } from '../stats/errors-capture.ts';
import { streamRegister, streamUnregister, nextSessId, type ActiveStream } from '../streams.ts';
import { aclCondExec } from '../acl/compile.ts';
import { H1Msg, h1Parse, h1IsH2Preface, h1SetHtxLimit, h1MsgRelease, h1RspHeadRefused, h1TokenIs, H2_PREFACE_REPLY } from './h1-parser.ts';
import { originalToLine, stripNameHeader, withServerName } from './originalto.ts';
import { ChunkState, chunkDecode, chunkHeader, chunkPrefixValid, chunkHold, chunkResume, CHUNK_CRLF, CHUNK_LAST } from './chunked.ts';
import { cannedReply, cannedMuxReply } from './canned-errors.ts';
import { h1HeadOut, h1HeadOutKept } from './head-out.ts';
import { htxHeadSize, htxReplySize } from './htx-size.ts';
import { localReplyBytes, replyHeadOnly, replyCloses } from './local-reply.ts';
import { h1CaseAdjust, h1CaseAdjustHead, h1CaseAdjustCopy } from './h1-case-adjust.ts';
import { httpNormalize } from './normalize.ts';
import { type VarMap, varsEndTxn } from './vars.ts';
import { sampleLive } from '../log/sample.ts';
import { cookieRequest, cookieResponse } from './cookie.ts';
import { logRequestHead, logResponseHead, logBadRequest } from '../log/capture.ts';
import { httpRulesRun, ruleFormat, rulesCtx, RULES_REPLY, RULES_CONTINUE, RULES_DENY, RULES_TARPIT, RULES_STATS, RULES_REJECT, RULES_SILENT_DROP, RULES_WAIT_BODY, RULES_ERROR, bodyReceived, type RuleOut, newRuleOut } from './rules.ts';
import { chunkedData, chunkedEnds, bufferRequestWait } from './req-body.ts';
import { statsHttpReply } from '../stats/html.ts';
import { afterRulesExist, afterResponseRun, afterResponseLocal } from './after-response.ts';
import { proxyErrorReply } from './errors-cfg.ts';
import { monitorStatus } from './monitor.ts';
import { compChooseAlgo, compResponseHeaders, HttpCompressor } from './compression.ts';
import { retryOnStatus, RETRY_L7, RETRY_EMPTY_RESPONSE, RETRY_JUNK_RESPONSE, RETRY_RESPONSE_TIMEOUT } from './retry-on.ts';
import {
  H1_HDR_STRIDE, H1_MF_VER_11, H1_MF_CLEN, H1_MF_CHNK, H1_MF_CONN_CLO, H1_MF_CONN_KAL, H1_MF_CONN_UPG, H1_MF_UPGRADE,
  H1_MF_TE_CL, H1_MF_METH_HEAD, H1_MF_METH_CONNECT, H1_MF_TE_OTHER, CHK_ST_DONE, HTTP_REUSE_NEVER, HTTP_REUSE_AGGRESSIVE, HTTP_REUSE_ALWAYS,
  H1_MF_EXPECT, H1_MF_SL_REBUILD, H1_MF_UPG_WS, H1_MF_WS_KEY, H1_ERR_H2_PRI,
} from './types.ts';
import { ipv4Value, ipv4Net } from '../net/ipv4.ts';
import type { CacheTxn, CacheEntry, CacheStoreState } from '../cache/types.ts';
import { cacheBody, cacheCommit } from '../cache/actions.ts';
import { cacheServe } from '../cache/serve.ts';

/**
 * Which idle server connection a request may take under `http-reuse` (2.6): a session's first request opens its own
 * under safe and never, takes one proven reusable (2+ requests) under aggressive, any under always; later requests
 * take any shared one, or under never only the session's own.
 */
function reuseRank(mode: number, firstRequest: boolean): number {
  if (mode === HTTP_REUSE_NEVER) return firstRequest ? REUSE_NONE : REUSE_OWN;
  if (!firstRequest || mode === HTTP_REUSE_ALWAYS) return REUSE_ANY;
  return mode === HTTP_REUSE_AGGRESSIVE ? REUSE_PROVEN : REUSE_NONE;
}

const scratchChunk = new ChunkState();
const NO_HDR: Int32Array = new Int32Array(0);
const EMPTY_BUF = Buffer.alloc(0);
/** findHeader() result for synchronous lookups (one per module, not per session: idle memory). */
const HDR_OUT = new Int32Array(2);
/** Placeholder response message of sessions that never had a server connection; never parsed into. */
const NO_RSP = new H1Msg(true, 1);
/** Client and server sockets (proxy/net): `owner` is the session while it uses them, null once left. */
type SessSocket = ProxySocket;

// request phases
const RQ_HEAD = 0;
const RQ_BODY = 1;
const RQ_DONE = 2;
// response phases
const RS_NONE = 0;     // no server connection asked yet
const RS_WAIT = 1;     // waiting for a server / its response head
const RS_BODY = 2;
const RS_DONE = 3;
// body framing
const BODY_NONE = 0;
const BODY_LEN = 1;
const BODY_CHUNKED = 2;
const BODY_CLOSE = 3;

/** HttpSession.cacheLR of a response from the cache found by the frontend's rules (no backend row counts it). */
const CACHE_HIT_FE = 1;

const DEFAULT_BUFSIZE = 16384;
/** Largest body part copied behind the response head into one Buffer (bigger parts are written separately). */
const SMALL_BODY_COPY = 4096;
const DEFAULT_MAXREWRITE = 1024;
const DEFAULT_MAXHDR = 101;
const DEFAULT_REQLINE_CAP = 1023;

const B_CONN_CLOSE = Buffer.from('\r\nconnection: close');
const B_TE_CHUNKED = Buffer.from('\r\ntransfer-encoding: chunked');
const N_CONTENT_LENGTH = Buffer.from('content-length');
const B_CHUNK_END = Buffer.from('\r\n0\r\n\r\n');
const B_CONTINUE = Buffer.from('HTTP/1.1 100 Continue\r\n\r\n');
const B_CONN_KA = Buffer.from('\r\nconnection: keep-alive');

/** Settings shared by every session, from the global section (set once by main.ts through httpSetGlobals). */
const g = { bufsize: DEFAULT_BUFSIZE, headLimit: DEFAULT_BUFSIZE - DEFAULT_MAXREWRITE, maxhdr: DEFAULT_MAXHDR, actconn: 0,
  reqLineCap: DEFAULT_REQLINE_CAP };

/** Applies tune.bufsize / tune.maxrewrite / tune.http.maxhdr / tune.http.logurilen. */
export function httpSetGlobals(bufsize: number, maxrewrite: number, maxhdr: number, logurilen = 0): void {
  g.bufsize = bufsize > 0 ? bufsize : DEFAULT_BUFSIZE;
  const mr = maxrewrite > 0 ? maxrewrite : DEFAULT_MAXREWRITE;
  g.headLimit = g.bufsize - (mr < g.bufsize / 2 ? mr : g.bufsize / 2);
  h1SetHtxLimit(g.headLimit);
  g.maxhdr = maxhdr > 0 ? maxhdr : DEFAULT_MAXHDR;
  g.reqLineCap = logurilen > 0 ? logurilen : DEFAULT_REQLINE_CAP;
}

/**
 * 2.6 logs the request line from a copy of tune.http.logurilen bytes (1023 when not set; haproxy 2.6.12 measured),
 * and reads %HM %HU %HV from that copy: cut
 * there, the method is what precedes the first space, the URI what follows it up to the next, the version the rest
 * (HTTP/0.9 when the cut left none).
 */
function capRequestLine(log: StreamLog, cap: number): void {
  const l = log.reqLine.slice(0, cap);
  const s1 = l.indexOf(' ');
  const s2 = s1 < 0 ? -1 : l.indexOf(' ', s1 + 1);
  log.reqLine = l;
  log.method = s1 < 0 ? l : l.slice(0, s1);
  log.uri = s1 < 0 ? '' : l.slice(s1 + 1, s2 < 0 ? l.length : s2);
  log.httpVersion = s2 < 0 || s2 + 1 === l.length ? 'HTTP/0.9' : l.slice(s2 + 1);
}

/**
 * Soft stop (SIGUSR1, -sf) or reload, as 2.6 treats the old process's connections: each HTTP stream of `streams` idle
 * between requests closes now, the others after the response under way, which says `connection: close`.
 */
export function httpDrain(streams: readonly ActiveStream[]): void {
  for (const st of streams) {
    if (!(st instanceof HttpSession) || st.closed || st.tunnel) continue;
    st.draining = true;
    st.cliKeepAlive = false;
    if (st.rqPhase === RQ_HEAD && st.reqStart === 0 && st.cliRest === null) { st.closeAll(); st.cli.destroy(); }
  }
}

/** Current number of HTTP client connections (for %ac when no global counter is wired). */
export function httpActiveSessions(): number { return g.actconn; }

/** The last bind address bindOnIPv4 looked at and its answer (isIPv4 runs a regular expression: not per session). */
let v4Host = '';
let v4Is = false;
/** `host` is one IPv4 address (not 0.0.0.0): the listener's address is then the connection's local address. */
function bindOnIPv4(host: string): boolean {
  if (host !== v4Host) { v4Host = host; v4Is = host !== '0.0.0.0' && isIPv4(host); }
  return v4Is;
}

/** buf[at, at+8) is "HTTP/1.0" or "HTTP/1.1" (byte tests: a Buffer.compare with offsets is a ~0.3 us native call). */
function isHttp1x(buf: Buffer, at: number): boolean {
  return buf[at] === 0x48 && buf[at + 1] === 0x54 && buf[at + 2] === 0x54 && buf[at + 3] === 0x50 && buf[at + 4] === 0x2f &&
    buf[at + 5] === 0x31 && buf[at + 6] === 0x2e && (buf[at + 7] === 0x31 || buf[at + 7] === 0x30);
}

/**
 * One client connection. Implements the backend's BackendClient (server connection outcome), the LB's
 * LbRequestView (hash on uri/url_param/hdr/source) and the ACL SampleCtx (fetches) over the current request head.
 */
export class HttpSession implements BackendClient, LbRequestView, SampleCtx, ActiveStream {
  readonly sessId: number = nextSessId();
  streamPrev: ActiveStream | null = null;
  streamNext: ActiveStream | null = null;
  /** The request head is complete when layer-4 rules read it (`tcp-request content` in mode http): fetches never wait. */
  readonly l4Final = true;
  readonly fe: Proxy;
  readonly bind: BindCfg | null;
  /** The listener's own counters (`option socket-stats` rows), looked up once per connection. */
  readonly lc: FeCounters | null;
  readonly cli: SessSocket;
  srv: SessSocket | null = null;
  be: Proxy | null = null;
  readonly bc: BackendConn;
  readonly log: StreamLog;
  readonly req: H1Msg;
  /** NO_RSP until the first server connection (idle client connections stay small, ~0.5 KB less each). */
  rsp: H1Msg;
  /** Chunked body decoders, created on the first chunked message. */
  reqChunk: ChunkState | null = null;
  rspChunk: ChunkState | null = null;
  readonly cliTimer: Timer;
  readonly srvTimer: Timer;
  readonly ruleOut: RuleOut;
  /** The buffer holding the current request head (a socket chunk, or acc when the head came in pieces). */
  rqBuf: Buffer | null = null;
  rqAcc: Buffer | null = null;
  rqAccLen = 0;
  rsBuf: Buffer | null = null;
  /** Server read buffers still referenced by writes queued on the client socket, recycled on its 'drain'. */
  keptReadBufs: Buffer[] | null = null;
  readonly srvReadBuffer = rawReadBufTake;
  rsAcc: Buffer | null = null;
  rsAccLen = 0;
  /** Client bytes received but not processed yet (body start, pipelined requests) while the client is paused. */
  cliRest: Buffer | null = null;
  /** The request head to send once a server connection is there. */
  outHead: Buffer | null = null;
  /** `compression`: the algorithm chosen for this transaction's response ('' = none), its compressor while active. */
  compAlgo = '';
  comp: HttpCompressor | null = null;
  /** `retry-on` (layer 7): the whole request as sent, kept for a retry; null = none or not retryable. */
  l7Req: Buffer | null = null;
  /** `http-request disable-l7-retry` ran for this transaction (set by http/retry-on.ts's action). */
  noL7Retry = false;
  /** `http-request set-timeout server|tunnel` (http/set-timeout.ts): this transaction's ms, -1 = the backend's. */
  toServer = -1;
  toTunnel = -1;
  /** The connection's destination while `set-dst`/`set-dst-port` changed this transaction's (http/set-dst.ts), else null. */
  connDstIp: string | null = null;
  connDstPort = 0;
  /** `http-request do-resolve` (http/do-resolve.ts) waits for its answer: the rules resume at resolveDone(). */
  resolving = false;
  rqPhase = RQ_HEAD;
  rsPhase = RS_NONE;
  reqBody = BODY_NONE;
  reqLeft = 0;
  rspBody = BODY_NONE;
  rspLeft = 0;
  /** A Content-Length body whose length the rules deleted: sent chunked (as 2.6 to an HTTP/1.1 client). */
  rspRechunk = false;
  cliKeepAlive = true;
  /** Soft stop or reload: no keep-alive after the transaction under way (httpDrain). */
  draining = false;
  srvKeepAlive = true;
  tunnel = false;
  closed = false;
  cliEnded = false;
  /** The client's FIN came while the response body was being sent: check at its end whether it is really gone. */
  cliEndedInBody = false;
  /** `option logasap`: this transaction's line is sent (finishLog then only counts). */
  asapDone = false;
  /** This transaction's line was sent at its request line (LogCfg.logEarly): the end logs it again only after a server's response head, as 2.6. */
  earlyDone = false;
  /** A monitor-uri request: counted, never logged (2.6). */
  noLog = false;
  /** The client vanished after its request (no abortonclose): the response is still read to its end, then CD. */
  cliGone = false;
  /** The server connection ended with an error (a reset): a close-delimited body it ends is then SD (2.6). */
  srvReset = false;
  paused = false;
  /** A write to the client did not go through: cliTimer runs `timeout client` until its drain. */
  cliBlocked = false;
  /** `set-var` variables (sess.* kept across transactions). */
  readonly vars: VarMap = new Map();
  /** Status to answer when the tarpit delay (cliTimer) ends, 0 = not tarpitted. */
  tarpitStatus = 0;
  /** Waiting for the request body (waitBody): the proxy whose rules resume at waitFrom, null = not waiting. */
  buffering: Proxy | null = null;
  waitFrom = 0;
  waitStkBe = -1;
  /** Where the received bytes end in rqBuf while the rules first run (the body's start is in it up to there). */
  rqEnd = 0;
  /** The request body for req.body* fetches (this session: ReqBodyView). */
  readonly bodyView: ReqBodyView = this;
  txnCount = 0;
  txnStart = 0;          // ms: start of the transaction (accept or end of the previous one)
  reqStart = 0;          // ms: first byte of the request
  headDone = 0;          // ms: request head complete
  srvConnAt = 0;
  rspHeadAt = 0;
  bytesInMark = 0;
  /** x-forwarded-for line cached for the proxy it was built for. */
  fwdPx: Proxy | null = null;
  fwdLine = '';
  fwdSrc = '';
  fwdName = 'x-forwarded-for';
  fwdIfNone = false;
  /** The request's client address: the connection's, or what `http-request set-src` made it for this transaction. */
  srcIp: string;
  srcIp4: number;
  /** The connection's client address (set-src changes srcIp for one transaction only). */
  readonly connSrcIp: string;
  srcAddrBuf: Buffer | null = null;
  /** Stick counters this session tracks (proxy/stick), null unless a track-sc / stick rule ran. */
  stk: StkStream | null = null;
  /** proxy/cache: the transaction's key (set by cache-use), a hit to serve, a response being stored. */
  cache: CacheTxn | null = null;
  cacheHit: CacheEntry | null = null;
  cacheSt: CacheStoreState | null = null;
  /** This transaction was answered from the cache (logged LR): 0 no, CACHE_HIT_FE by the frontend's rules, else 2. */
  cacheLR = 0;

  constructor(fe: Proxy, sock: SessSocket, bind: BindCfg | null) {
    const bindName = bind !== null ? bind.name : '';
    this.bind = bind;
    this.lc = bind !== null ? listenerCounters(bind) : null;
    this.fe = fe;
    this.cli = sock as SessSocket;
    this.bc = new BackendConn(this);
    this.log = newStreamLog(fe);
    this.req = new H1Msg(false, g.maxhdr);
    if ((fe.options & PR_O_ACCEPT_INV_REQ) !== 0) this.req.relaxed = true;     // option accept-invalid-http-request
    this.rsp = NO_RSP;
    this.cliTimer = new Timer(this, onCliTimeout);
    this.srvTimer = new Timer(this, onSrvTimeout);
    this.ruleOut = newRuleOut();
    this.ruleOut.fe = fe; this.ruleOut.log = this.log; this.ruleOut.reqCtx = this;
    const ip = sock.remoteAddress ?? '';
    this.srcIp = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
    this.srcIp4 = ipv4Value(this.srcIp);
    this.connSrcIp = this.srcIp;
    const log = this.log;
    const now = twNow();               // frontend.ts read the clock at the accept
    log.acceptMs = now;
    log.clientIp = this.srcIp;
    log.clientPort = sock.remotePort ?? 0;
    log.tls = sock.tls ?? null;          // TLS client connections (proxy/ssl), for fetches and %sslv/%sslc/%ft
    // TLS: the accept date is the TCP accept, %Th the handshake (first transaction only), %Tt counts from the accept
    if (log.tls !== null && log.tls.acceptMs > 0) { log.acceptMs = log.tls.acceptMs; log.tHandshake = now - log.acceptMs; }
    if (bind !== null && !bind.acceptProxy && fe.tcp.connRules.length === 0 && bind.port > 0 && bindOnIPv4(bind.host)) {
      // a listener on one IPv4 address: no getsockname() per connection (~2% of the Connection: close profile); not
      // behind a PROXY header (accept-proxy, or a tcp-request connection expect-proxy rule): %fi is the header's then
      log.frontendIp = bind.host;
      log.frontendPort = bind.port;
    } else {
      log.frontendIp = sock.localAddress ?? '';
      log.frontendPort = sock.localPort ?? 0;
    }
    log.bindName = bindName;
    streamRegister(this);
    this.txnStart = log.acceptMs;
    this.stk = stkClaim(sock, now);    // counters tracked by tcp-request connection rules, usually null
    const l4 = l4VarsClaim(sock);      // sess variables of tcp-request connection/session set-var, usually undefined
    if (l4 !== undefined) for (const [k, v] of l4) this.vars.set(k, v);
    const d = l4DstClaim(sock);        // tcp-request connection/session set-dst[-port] (http/set-dst.ts), usually undefined
    if (d !== undefined) { log.frontendIp = d.ip; log.frontendPort = d.port; }
  }

  // --- SampleCtx / LbRequestView over the current request head ---
  get buf(): Buffer | null { return this.rqBuf; }
  get reqBuf(): Buffer | null { return this.rqBuf; }
  get l0s(): number { return this.req.l0s; }
  get l0e(): number { return this.req.l0e; }
  get l1s(): number { return this.req.l1s; }
  get l1e(): number { return this.req.l1e; }
  get l2s(): number { return this.req.l2s; }
  get l2e(): number { return this.req.l2e; }
  get uriStart(): number { return this.req.l1s; }
  get uriEnd(): number { return this.req.l1e; }
  get hdr(): Int32Array { return this.req.hdr; }
  get nhdr(): number { return this.req.nhdr; }
  /** What `balance uri|url_param|hdr` hash: the request as the http-request rules left it, as in 2.6. */
  get lbReq(): LbRequestView {
    const o = this.ruleOut;
    if (o.uri === null && o.method === null && o.extra === '') return this;
    return new RewrittenLbView(this, o);  // a rule changed the line or headers: the view is built only if a hash reads it
  }
  /** Client IPv4 address bytes for `balance source` (empty for IPv6), built on first use. */
  get srcAddr(): Buffer {
    if (this.srcAddrBuf === null) {
      this.srcAddrBuf = Buffer.alloc(this.srcIp4 >= 0 ? 4 : 0);
      if (this.srcIp4 >= 0) this.srcAddrBuf.writeUInt32BE(this.srcIp4);
    }
    return this.srcAddrBuf;
  }

  findHeader(lcName: string, out: Int32Array): boolean {
    return this.rqBuf !== null && findHeaderIn(this.rqBuf, this.req.hdr, this.req.nhdr, lcName, out);
  }

  // --- client side ---

  /** Client bytes: request head, request body, or pipelined data to keep for later. */
  onClientData(chunk: Buffer): void {
    if (this.tunnel) { this.log.bytesIn += chunk.length; this.writeSrv(chunk); this.tunnelActive(); return; }
    // (the server may have answered and closed: the rest of the body is then read and dropped, see onServerEnd)
    if (this.rqPhase === RQ_BODY && (this.srv !== null || (this.rsPhase === RS_DONE && this.log.server !== null))) { this.forwardReqBody(chunk, 0); return; }
    if (this.rqPhase === RQ_HEAD) { this.parseReqHead(chunk); return; }
    if (this.buffering !== null) { this.bufferBody(chunk); return; }
    this.keepRest(chunk, 0);
  }

  /** Waiting for the body (waitBody): collects body bytes while reading on, resumes the rules once enough is in. */
  bufferBody(chunk: Buffer): void {
    this.cliRest = this.cliRest === null ? chunk : Buffer.concat([this.cliRest, chunk]);
    if (this.bodyWaitDone()) this.bodyWaitEnd();
  }

  /** The body wait is over (enough came, or the client shut its side: 2.6 goes on with what it has): the rules resume. */
  bodyWaitEnd(): void {
    const px = this.buffering as Proxy;
    this.buffering = null;
    timerDisarm(this.cliTimer);
    if (!this.paused) { this.paused = true; this.cli.pause(); }
    // 2.6 counts the wait in Tr (the request is complete when the rules go on)
    this.log.tRequest = twNow() - this.reqStart;
    const buf = this.rqBuf as Buffer, headEnd = this.req.headEnd;
    this.routeRequest(buf, headEnd, headEnd, px, this.waitFrom, this.waitStkBe);
  }

  /** The whole request body (or a full buffer, or a bad chunk the forwarding will reject) is in cliRest. */
  bodyBuffered(): boolean {
    const rest = this.cliRest;
    if (rest === null) return false;
    if (rest.length >= g.bufsize) return true;
    if (this.reqBody === BODY_LEN) return rest.length >= this.reqLeft;
    const st = scratchChunk;
    st.reset();
    return chunkDecode(st, rest, 0, rest.length) < 0 || st.state === CHK_ST_DONE;
  }

  /**
   * Stores unprocessed client bytes chunk[from, end) and stops reading until they can be handled. Bytes of the head
   * accumulation buffer (a head cut between reads) are copied: it is reused for the next head and holds stale bytes
   * past `end`.
   */
  keepRest(chunk: Buffer, from: number, end = chunk.length): void {
    if (from >= end) return;
    const part = chunk === this.rqAcc ? Buffer.from(chunk.subarray(from, end)) : from === 0 && end === chunk.length ? chunk : chunk.subarray(from, end);
    this.cliRest = this.cliRest === null ? part : Buffer.concat([this.cliRest, part]);
    // reading goes on up to a buffer's worth, as 2.6 reads into its request buffer: a reset or FIN of a client whose
    // next request (or body) waits is seen while it waits
    if (!this.paused && this.cliRest.length >= g.bufsize) { this.paused = true; this.cli.pause(); }
  }

  parseReqHead(chunk: Buffer): void {
    const m = this.req;
    if (this.reqStart === 0) {
      this.reqStart = twNow();
      timerArm(this.cliTimer, this.reqTimeout(), this.reqStart);
    }
    let buf: Buffer, end: number;
    if (this.rqAccLen === 0) {
      buf = chunk; end = chunk.length;
    } else {
      buf = this.accAppend(chunk);
      end = this.rqAccLen;
    }
    // the HTTP/2 preface opening a connection, also over several reads (2.6 looks for it on each read while the first
    // head is incomplete): answered as 2.6 does, nothing forwarded nor logged
    if (this.txnCount === 0 && h1IsH2Preface(buf, end)) { this.writeCli(H2_PREFACE_REPLY); this.shutClient(); return; }
    const r = h1Parse(m, buf, end, g.headLimit);
    if (r === 0) {
      if (buf === chunk) {
        // keep the partial head: move it to the accumulation buffer, offsets shifted to 0
        const start = m.state === 0 ? m.next : m.start;
        const acc = this.rqAcc ?? (this.rqAcc = Buffer.allocUnsafe(g.bufsize));
        const n = chunk.length - start;
        if (n > acc.length) { this.badRequest(400); return; }
        chunk.copy(acc, 0, start);
        this.rqAccLen = n;
        m.rebase(start);
      }
      return;
    }
    if (r < 0) {
      captureHttpError(this.fe, false, null, null, this.log.clientIp + ':' + this.log.clientPort, buf, m.start, end, m.errPos - m.start);
      this.badRequest(m.err);
      return;
    }
    this.rqBuf = buf;
    this.rqAccLen = 0;
    this.headDone = twNow();
    timerDisarm(this.cliTimer);
    this.processRequest(buf, r, end);
  }

  accAppend(chunk: Buffer): Buffer {
    const acc = this.rqAcc as Buffer;
    const room = acc.length - this.rqAccLen;
    const n = chunk.length < room ? chunk.length : room;
    chunk.copy(acc, this.rqAccLen, 0, n);
    this.rqAccLen += n;
    if (n < chunk.length) this.keepRest(chunk, n);
    return acc;
  }

  reqTimeout(): number {
    const t = this.fe.timeouts;
    if (this.txnCount > 0 && t.httpKeepAlive > 0) return t.httpKeepAlive;
    return t.httpRequest > 0 ? t.httpRequest : t.client;
  }

  /**
   * `tcp-request content` rules of `px`, the frontend's on each complete request head before the request is counted
   * (2.6 runs them per stream; its rate counters do not include this request yet), a backend's once the stream enters
   * it (before its http-request rules, on the request as the frontend's rules left it). A reject or close ends the
   * connection without a response, status -1 counted as hrsp_other and dreq on the frontend, as 2.6.12: a frontend's
   * logged `<BADREQ>` `PR--`, a backend's with the request line, `be/<NOSRV>`, TR -1 and the stream counted on the
   * backend. A silent-drop also resets the client (and counts dreq on a backend whose rule it was). True when it ended.
   */
  tcpContentRejects(px: Proxy): boolean {
    const fe = this.fe;
    let v: number;
    if (px === fe) v = tcpRulesExec(fe.tcp.contentRules, this);
    else {
      const ctx = rulesCtx(this, this.ruleOut);
      v = tcpRulesExec(px.tcp.contentRules, ctx);
      if (ctx !== this) this.stk = ctx.stk ?? null;   // a view: what its track-sc* started is the stream's
    }
    if (v !== TCP_RULES_REJECT && v !== TCP_RULES_CLOSE && v !== TCP_RULES_DROP) return false;   // stkHttpReq counts what they tracked
    fe.feCounters.deniedReq++;
    if (this.lc !== null) this.lc.deniedReq++;
    if (v === TCP_RULES_DROP) {
      // silent-drop: the client reset (2.6.12 sends it nothing where TCP_REPAIR works, else a reset too)
      if (px !== fe) px.beCounters.deniedReq++;
      this.cli.resetAndDestroy();
    }
    const log = this.log;
    fe.feCounters.rsp[HRSP_OTHER]++;
    if (px === fe) {
      log.bytesIn += htxHeadSize(this.req);
      this.markBadRequest();
    } else {
      timerDisarm(this.cliTimer);
      this.be = px;
      log.backend = px;
      px.beCounters.cumReq++;
      px.beCounters.rsp[HRSP_OTHER]++;
      this.bc.enterBackend(px);
      log.errCause = SF_ERR_PRXCOND; log.finishState = SF_FINST_R;
      log.tRequest = -1;
      this.reqBody = BODY_NONE;
    }
    log.status = -1;
    this.rqPhase = RQ_DONE;
    this.cliKeepAlive = false;
    this.finishReply();
    return true;
  }

  /** A complete request head is in buf[.., headEnd); `end` is where the received bytes stop. */
  processRequest(buf: Buffer, headEnd: number, end: number): void {
    const m = this.req;
    const f = m.flags;
    const fe = this.fe;
    const log = this.log;
    if (fe.tcp.contentRules.length !== 0 && this.tcpContentRejects(fe)) return;
    this.txnCount++;
    this.rqPhase = RQ_BODY;
    log.bytesIn += htxHeadSize(m);
    fe.feCounters.cumReq++;
    if (this.stk !== null) stkHttpReq(this.stk, this.headDone);
    const rps = freqCtrAdd(fe.feCounters.reqPerSec, 1, this.headDone); // req_rate / req_rate_max
    if (rps > fe.feCounters.rpsMax) fe.feCounters.rpsMax = rps;
    log.tIdle = this.reqStart - this.txnStart - log.tHandshake;
    log.tRequest = this.headDone - this.reqStart;
    log.reqDateMs = this.reqStart;
    if (fe.log.targets.length !== 0) {
      // one native toString for the whole line, the parts are JS substrings of it (~750 instructions per toString)
      const rl = buf.toString('latin1', m.l0s, m.l2e);
      const o = m.l0s;
      log.reqLine = rl;
      log.method = rl.slice(0, m.l0e - o);
      log.uri = rl.slice(m.l1s - o, m.l1e - o);
      log.httpVersion = rl.slice(m.l2s - o, m.l2e - o);
      // 2.6 logs the line from its parts, one space apart ("GET\t/  HTTP/1.1" -> "GET / HTTP/1.1")
      if ((f & H1_MF_SL_REBUILD) !== 0) log.reqLine = log.method + ' ' + log.uri + ' ' + log.httpVersion;
      if (log.reqLine.length > g.reqLineCap) capRequestLine(log, g.reqLineCap);
    }
    logRequestHead(fe, log, buf, m.hdr, m.nhdr);
    if (fe.log.logEarly) { this.earlyDone = true; this.logSend(); }
    // framing of the request body
    if (f & H1_MF_CHNK) { this.reqBody = BODY_CHUNKED; (this.reqChunk ??= new ChunkState()).reset(); }
    else if ((f & H1_MF_CLEN) && m.bodyLen > 0) { this.reqBody = BODY_LEN; this.reqLeft = m.bodyLen; }
    else this.reqBody = BODY_NONE;
    const ver11 = (f & H1_MF_VER_11) !== 0;
    // the frontend's httpclose applies from the start: its own replies (return, deny, redirect, no backend) close too
    this.cliKeepAlive = (ver11 ? (f & H1_MF_CONN_CLO) === 0 : (f & H1_MF_CONN_KAL) !== 0) && (f & H1_MF_TE_CL) === 0 && !this.draining &&
      (fe.options & PR_O_HTTPCLOSE) === 0;
    // a chunked body already received whole is checked now: a bad one is a 400 before any routing, as in HAProxy
    if ((f & H1_MF_CHNK) !== 0 && headEnd < end) {
      const st = scratchChunk;
      st.reset();
      if (chunkDecode(st, buf, headEnd, end) < 0) { this.keepRest(buf, end, end); this.badRequest(400); return; }
    }
    // frontend rules, redirects, backend choice, backend rules
    const out = this.ruleOut;
    out.reset();
    if (fe.http.monitorUri !== null) { const st = monitorStatus(fe, this); if (st !== 0) { this.monitorReply(st, buf, headEnd, end); return; } }
    const nu = httpNormalize(m, buf);
    if (nu === null) { this.badRequest(400); return; }
    if (nu !== '') {
      out.uri = nu;
      // the normalised URI ("http://a:80/x" -> "http://a/x") is the one logged
      if (fe.log.targets.length !== 0) {
        log.uri = nu; log.reqLine = log.method + ' ' + nu + ' ' + log.httpVersion;
        if (log.reqLine.length > g.reqLineCap) capRequestLine(log, g.reqLineCap);
      }
    }
    this.rqEnd = end;
    this.routeRequest(buf, headEnd, end, null, 0, -1);
  }

  /**
   * The request's http-request rules, stats page, redirects and backend choice, then its server connection or local
   * reply. `px` null: from the start; else resumed after a wait for the body (`option http-buffer-request`, which 2.6
   * runs before the proxy's rules, or `http-request wait-for-body`) at rule `from` of `px`'s rules (the frontend's,
   * or a backend's with `stkBe` as its content rules left it). On a resume `end` is `headEnd` (the body is in cliRest).
   */
  routeRequest(buf: Buffer, headEnd: number, end: number, px: Proxy | null, from: number, stkBe: number): void {
    const fe = this.fe, m = this.req, f = m.flags, log = this.log, out = this.ruleOut;
    let r = RULES_CONTINUE;
    let be: Proxy | null = px;
    if (px === null || px === fe) {
      if (px === null && fe.http.bufferRequest && this.reqBody !== BODY_NONE && !this.bodyComplete()) r = bufferRequestWait(out);
      else {
        r = httpRulesRun(fe.http.reqRules, this, out, from);
        if (out.hints !== '') this.sendHints();
        if (r === RULES_CONTINUE && restrictUse.on && !reqHdrNamesCheck(fe, m, buf, out)) { out.status = 403; r = RULES_DENY; }
        if (this.cacheHit !== null) { if (r === RULES_CONTINUE) { this.cacheReply(fe, buf, headEnd, end); return; } this.cacheDropped(); }
        // the stats page is looked for after the proxy's http-request rules and before its redirects, as in 2.6
        if (r === RULES_CONTINUE && fe.statsPage.enabled) r = this.statsPage(fe, buf, out, headEnd, end);
        if (r === RULES_CONTINUE) r = httpRulesRun(fe.http.redirects, this, out);
      }
      be = null;
      if (r === RULES_CONTINUE) {
        be = this.pickBackend();
        if (be !== null && be !== fe) {
          if (be.tcp.contentRules.length !== 0) {
            stkBe = this.stk === null ? 0 : stkTxnMask(this.stk);
            if (this.tcpContentRejects(be)) return;
          }
          if (be.http.bufferRequest && this.reqBody !== BODY_NONE && !this.bodyComplete()) r = bufferRequestWait(out);
          else if ((r = this.backendRules(be, buf, headEnd, end, 0)) < 0) return;
        }
      }
    } else if ((r = this.backendRules(px, buf, headEnd, end, from)) < 0) return;
    if (headEnd < end) this.keepRest(buf, headEnd, end);
    if (r !== RULES_CONTINUE) {
      if (r === RULES_WAIT_BODY) { this.waitBody(be ?? fe, stkBe); return; }
      if (be !== null && be !== fe) {
        // the backend's rules answered: the stream is the backend's (logged be/<NOSRV>, counted there), as 2.6
        this.be = be;
        log.backend = be;
        be.beCounters.cumReq++;
        this.bc.enterBackend(be);
      }
      this.localReply(r, out);
      return;
    }
    if (fe.log.uniqueIdHeader !== '' && fe.log.uniqueId !== null) {
      // built here, after the rules, when a header carries it (2.6); otherwise when the line is logged
      sampleLive.req = this;
      const id = log.uniqueId !== '' ? log.uniqueId : buildUniqueId(fe, log);     // a rule may have built it
      sampleLive.req = null;
      if (id !== '') out.extra += '\r\n' + fe.log.uniqueIdHeader + ': ' + id;
    }
    if (be === null) {
      log.errCause = SF_ERR_SRVCL; log.finishState = SF_FINST_C;
      this.sendError(503, false);
      return;
    }
    this.be = be;
    log.backend = be;
    be.beCounters.cumReq++;
    // slots the backend's content rules tracked count this request once its rules passed (2.6's inner request stage)
    if (stkBe >= 0 && this.stk !== null) stkHttpReqSince(this.stk, stkBe, this.headDone);
    const opts = fe.options | be.options;
    // the client side follows the frontend's mode only (a backend's httpclose closes the server side), as 2.6
    this.srvKeepAlive = (opts & (PR_O_HTTPCLOSE | PR_O_HTTP_SERVER_CLOSE)) === 0;
    // force-persist / ignore-persist / option persist, then use-server, cookie and stick match, in 2.6's order
    let prst = 0;
    if (prstState.on) {
      prst = prstFlags(this, be);
      this.bc.persist = useServerPick(this, be, prst);
      if (this.bc.persist !== null) prst |= PRST_DIRECT;
    }
    if (be.cookie.name !== '') {
      const ck = cookieRequest(be, m, buf, log, prst);
      if (ck !== null) { this.bc.persist = ck; prst |= PRST_DIRECT; }
    }
    if (stkPersistState.on && this.bc.persist === null) {
      this.bc.persist = stkPersist(this, be, prst);
      if (this.bc.persist !== null) prst |= PRST_DIRECT;
    }
    if (prstState.on) this.bc.prst = prst;
    this.compAlgo = fe.http.comp === null && be.http.comp === null ? '' : compChooseAlgo(fe, be, m, buf, (f & H1_MF_VER_11) !== 0);
    this.outHead = this.buildReqHead(buf, opts);
    if ((be.options & PR_O_H1_ADJ_SRV) !== 0) h1CaseAdjustHead(this.outHead);   // option h1-case-adjust-bogus-server
    if (this.reqBody === BODY_NONE) this.rqPhase = RQ_DONE;
    this.rsPhase = RS_WAIT;
    // the client is not paused here: bytes arriving before the response is done are kept by keepRest(), which
    // pauses only then (a pause/resume pair per request costs two nextTicks)
    this.bc.reuse = this.srvKeepAlive ? reuseRank(be.http.reuse, this.txnCount === 1) : REUSE_NONE;
    this.bc.connect(be);
  }

  /** `be`'s http-request rules from rule `from`, its stats page and redirects: a RULES_* code, -1 when a cache hit answered. */
  backendRules(be: Proxy, buf: Buffer, headEnd: number, end: number, from: number): number {
    const out = this.ruleOut;
    let r = httpRulesRun(be.http.reqRules, this, out, from);
    if (out.hints !== '') this.sendHints();
    if (r === RULES_CONTINUE && restrictUse.on && !reqHdrNamesCheck(be, this.req, buf, out)) { out.status = 403; r = RULES_DENY; }
    if (this.cacheHit !== null) { if (r === RULES_CONTINUE) { this.cacheReply(be, buf, headEnd, end); return -1; } this.cacheDropped(); }
    if (r === RULES_CONTINUE && be.statsPage.enabled) r = this.statsPage(be, buf, out, headEnd, end);
    if (r === RULES_CONTINUE) r = httpRulesRun(be.http.redirects, this, out);
    return r;
  }

  /**
   * The rules of `px` wait for the request body (RULES_WAIT_BODY, out.wait*): the client is read on into cliRest
   * until bodyComplete() or out.waitLeast bytes, then routeRequest resumes (bufferBody); after out.waitMs (-1: the
   * http-request timeout, else the client one) it is a 408 `cR--` (onClientTimeout). As 2.6, an `Expect:
   * 100-continue` is answered here and not forwarded.
   */
  waitBody(px: Proxy, stkBe: number): void {
    const out = this.ruleOut, m = this.req, buf = this.rqBuf as Buffer;
    this.buffering = px;
    if (px !== this.fe) this.log.backend = px;          // a 408 of a backend's wait is logged with it (2.6)
    this.waitFrom = out.waitAt;
    this.waitStkBe = stkBe;
    if ((m.flags & H1_MF_EXPECT) !== 0) {
      const h = m.hdr;
      for (let x = 0; x < m.nhdr * H1_HDR_STRIDE; x += H1_HDR_STRIDE) {
        if (h[x] >= 0 && h[x + 1] - h[x] === 6 && buf.toString('latin1', h[x], h[x + 1]) === 'expect') h[x] = -1;
      }
      this.log.bytesOut += htxReplySize(B_CONTINUE);
      this.writeCli(B_CONTINUE);
    }
    const fe = this.fe;
    const t = out.waitMs >= 0 ? out.waitMs : fe.timeouts.httpRequest > 0 ? fe.timeouts.httpRequest : fe.timeouts.client;
    if (t > 0) timerArm(this.cliTimer, t);
    this.resumeClient();
  }

  /**
   * Sends the 103 Early Hints responses the rules made (out.hints), each counted in the log's bytes as its HTX size
   * and its header names case-adjusted for a bogus client; an HTTP/1.0 client gets none (2.6.12).
   */
  sendHints(): void {
    const out = this.ruleOut, h = out.hints;
    out.hints = '';
    if ((this.req.flags & H1_MF_VER_11) === 0) return;
    const b = Buffer.from(h, 'latin1');
    const adj = (this.fe.options & PR_O_H1_ADJ_CLI) !== 0;      // option h1-case-adjust-bogus-client
    for (let s = 0; s < b.length;) {
      const e = b.indexOf('\r\n\r\n', s) + 4;
      this.log.bytesOut += htxReplySize(b.subarray(s, e));
      if (adj) h1CaseAdjustHead(b.subarray(s, e));
      s = e;
    }
    this.writeCli(b);
  }

  /** do-resolve's answer came (or none will): the rules go on after it. */
  resolveDone(): void {
    this.resolving = false;
    if (this.buffering !== null && !this.closed) this.bodyWaitEnd();
  }

  /** Body received so far, for wait-for-body's at-least. */
  bodyWaitDone(): boolean {
    if (this.resolving) return false;
    if (this.bodyComplete()) return true;
    const least = this.ruleOut.waitLeast;
    return least > 0 && bodyReceived(this) >= least;
  }

  // --- ReqBodyView (acl/fetches-body.ts, wait-for-body) ---

  bodyData(out: Int32Array): Buffer | null {
    if (this.reqBody === BODY_NONE) return null;
    let b = this.cliRest, s = 0, e: number;
    if (b === null) {
      b = this.rqBuf;
      if (b === null || this.rqEnd <= this.req.headEnd || this.rqPhase !== RQ_BODY) return null;
      s = this.req.headEnd; e = this.rqEnd;
    } else e = b.length;
    if (this.reqBody === BODY_LEN) {
      if (e - s > this.reqLeft) e = s + this.reqLeft;
      out[0] = s; out[1] = e;
      return b;
    }
    const d = chunkedData(b, s, e);
    out[0] = 0; out[1] = d.length;
    return d;
  }

  bodySize(): number {
    if (this.reqBody === BODY_LEN) return this.req.bodyLen;
    return this.reqBody === BODY_NONE ? 0 : bodyReceived(this);
  }

  bodyComplete(): boolean {
    if (this.reqBody === BODY_NONE) return true;
    const rest = this.cliRest;
    if (rest === null) {
      // still in the head's buffer (the rules' first run)
      const b = this.rqBuf;
      if (b === null || this.rqEnd <= this.req.headEnd) return false;
      return this.reqBody === BODY_LEN ? this.rqEnd - this.req.headEnd >= this.reqLeft : chunkedEnds(b, this.req.headEnd, this.rqEnd);
    }
    return this.bodyBuffered();
  }

  /** A later rule answered instead of the entry cache-use found: 2.6 closes the connection after that reply. */
  cacheDropped(): void { this.cacheHit = null; this.cliKeepAlive = false; }

  /**
   * A `cache-use` hit of `px`'s rules: the stored response (proxy/cache/serve.ts) goes through the response path as
   * a server's would (http-response rules, compression, HEAD), without a server; logged LR as 2.6's cache applet.
   */
  cacheReply(px: Proxy, buf: Buffer, headEnd: number, end: number): void {
    const e = this.cacheHit as CacheEntry;
    this.cacheSt = null;
    if (headEnd < end) this.keepRest(buf, headEnd, end);
    const bodyClose = this.reqBody !== BODY_NONE && !this.takeReceivedBody();
    this.rqPhase = RQ_DONE;
    if (bodyClose) this.cliKeepAlive = false;
    const m = this.req;
    this.compAlgo = this.fe.http.comp === null && px.http.comp === null ? '' : compChooseAlgo(this.fe, px, m, buf, (m.flags & H1_MF_VER_11) !== 0);
    const head = cacheServe(this, px, this);
    if (px !== this.fe) {
      // a backend's hit counts as a request and a session of the backend, as 2.6 does; a frontend's does not
      px.beCounters.cumReq++;
      this.bc.enterBackend(px);
      this.cacheLR = 2;
    } else this.cacheLR = CACHE_HIT_FE;
    if (this.rsp === NO_RSP) this.rsp = new H1Msg(true, g.maxhdr);
    this.rsp.reset();
    this.srvConnAt = twNow();
    this.rsPhase = RS_WAIT;
    if (h1Parse(this.rsp, head, head.length, head.length) <= 0) { this.sendError(500, false); return; }
    const cli = this.cli;
    cli.cork();
    this.processResponse(head, head.length, head.length);
    if (this.rsPhase === RS_BODY && !this.closed) {
      this.forwardRspBody(e.body, 0);
      if (this.rspBody === BODY_CLOSE && this.rsPhase === RS_BODY) this.onServerEnd();
    }
    cli.uncork();
  }

  /**
   * The stats page of `px` when the request is for it (stats/html.ts): RULES_STATS with the reply in `out`. An admin
   * POST's form is the body bytes received with the head (buf[headEnd, end)).
   */
  statsPage(px: Proxy, buf: Buffer, out: RuleOut, headEnd: number, end: number): number {
    const m = this.req;
    const auth = this.findHeader('authorization', HDR_OUT) ? buf.toString('latin1', HDR_OUT[0], HDR_OUT[1]) : '';
    const body = this.reqBody === BODY_LEN && headEnd < end ? buf.toString('latin1', headEnd, end) : '';
    const sr = statsHttpReply(px, { method: buf.toString('latin1', m.l0s, m.l0e), path: buf.toString('latin1', m.l1s, m.l1e), authorization: auth, body, ctx: this });
    if (sr === null) return RULES_CONTINUE;
    out.status = sr.status;
    out.reply = sr.bytes;
    return RULES_STATS;
  }

  /** monitor-uri: the frontend's 200 (503 on monitor fail) as a local reply, counted as intercepted, not logged. */
  monitorReply(status: number, buf: Buffer, headEnd: number, end: number): void {
    if (headEnd < end) this.keepRest(buf, headEnd, end);
    this.fe.feCounters.interceptedReq++;
    this.noLog = true;
    this.sendError(status, false);
  }

  /** `shutdown session`, `shutdown sessions server`, hard-stop-after: ends the stream now, logging `errCause`. */
  kill(errCause: number): void {
    if (this.closed) return;
    const log = this.log;
    log.errCause = errCause;
    if (this.rqPhase === RQ_HEAD && this.reqStart === 0) { this.cli.destroy(); this.closeAll(); return; }  // idle: no log
    // as 2.6: a response not begun yet becomes a 502 once a server connection is there (KH), a 503 before (KC, KQ),
    // logged like any error reply; a response or tunnel under way is cut (KD)
    this.srvKeepAlive = false;
    this.cliKeepAlive = false;
    if (this.tunnel || this.rsPhase === RS_BODY || this.rsPhase === RS_DONE) { log.finishState = SF_FINST_D; this.abort(); return; }
    if (this.rsPhase === RS_NONE) { log.finishState = SF_FINST_R; this.abort(); return; }
    const srv = this.srv;
    const queued = this.bc.state === BC_QUEUED;
    if (queued) log.tQueue = Date.now() - this.bc.tStart;
    log.finishState = srv !== null ? SF_FINST_H : queued ? SF_FINST_Q : SF_FINST_C;
    this.dropServer();
    this.sendError(srv !== null ? 502 : 503, false);
  }

  pickBackend(): Proxy | null {
    const fe = this.fe;
    const rules = fe.useBackend;
    // conditions see the request as the http-request rules left it (set-path, set-header, ...), as in 2.6
    const ctx = rules.length === 0 ? this : rulesCtx(this, this.ruleOut);
    for (let i = 0; i < rules.length; i++) {
      const rule = rules[i];
      if (rule.backend !== null && aclCondExec(rule.cond, ctx)) return rule.backend;
      if (rule.fmt !== null && aclCondExec(rule.cond, ctx)) {
        // use_backend with a log-format name: a name naming no backend ends the search (default backend), as 2.6
        const be = (rule.lookup as ReadonlyMap<string, Proxy>).get(ruleFormat(rule.fmt, ctx, this.ruleOut));
        if (be === undefined || (be.cap & PR_CAP_BE) === 0) break;
        return be;
      }
    }
    if (fe.defaultBackend !== null) return fe.defaultBackend;
    return (fe.cap & PR_CAP_BE) !== 0 ? fe : null;
  }

  /** Request head for the server: start line, kept headers, rule changes, x-forwarded-for, connection mode. */
  buildReqHead(buf: Buffer, opts: number): Buffer {
    const m = this.req;
    const out = this.ruleOut;
    // the original bytes are copied (names already lowercased by the parser, line ends normalised by h1HeadOut);
    // versions above 1.1 are sent as HTTP/1.1 (2.6 does so for "HTTP/1.2", "HTTP/3.0"), lower ones as they came
    const keepVer = (m.flags & H1_MF_VER_11) === 0 || isHttp1x(buf, m.l2s);
    const line = out.uri === null && out.method === null && keepVer ? null : Buffer.from(
      (out.method ?? buf.toString('latin1', m.l0s, m.l0e)) + ' ' + (out.uri ?? buf.toString('latin1', m.l1s, m.l1e)) + ' ' +
      (keepVer ? buf.toString('latin1', m.l2s, m.l2e) : 'HTTP/1.1'), 'latin1');
    let extra = out.extra;
    if (opts & PR_O_FORWARDFOR) {
      const xff = this.forwardFor();
      // `if-none`: only when the request has no such header yet (2.6; checked against it)
      if (xff !== '' && !(this.fwdIfNone && this.findHeader(this.fwdName, HDR_OUT))) extra = extra === '' ? xff : extra + xff;
    }
    // option originalto / http-send-name-header (http/originalto.ts): off unless the proxies set their option bits
    if ((opts & PR_O_ORIGINALTO) !== 0) extra += originalToLine(this.fe, this.be as Proxy, this.log.frontendIp);
    if (((this.be as Proxy).options & PR_O_SEND_NAME_HDR) !== 0) stripNameHeader(this.be as Proxy, buf, m);
    const f = m.flags;
    let conn: Buffer | null = null;
    // "close" only on an HTTP/1.1 request (1.0 closes implicitly), as 2.6's H1 layer
    // option http-pretend-keepalive: the server is not told about the close (2.6 sends nothing, or keep-alive to 1.0)
    if (!this.srvKeepAlive && !(this.fe.http.pretendKeepAlive || (this.be as Proxy).http.pretendKeepAlive)) {
      if ((f & (H1_MF_CONN_UPG | H1_MF_UPGRADE)) !== (H1_MF_CONN_UPG | H1_MF_UPGRADE) && (f & H1_MF_VER_11) !== 0) conn = B_CONN_CLOSE;
    }
    // (not on an upgrade request: 2.6 leaves its Connection header alone)
    else if ((f & (H1_MF_VER_11 | H1_MF_CHNK | H1_MF_CONN_UPG)) === 0) conn = B_CONN_KA;
    return h1HeadOut(buf, m, line, extra, conn, null, 0, 0, out.hostX, out.host);
  }

  /**
   * The x-forwarded-for line, built once per session and backend. As 2.6: the backend's header name when the backend
   * has the option, else the frontend's; a source in either side's `except` network gets none.
   */
  forwardFor(): string {
    const be = this.be as Proxy;
    if (this.fwdPx === be && this.fwdSrc === this.srcIp) return this.fwdLine;
    this.fwdPx = be;
    this.fwdSrc = this.srcIp;               // http-request set-src may change it per transaction
    const fe = this.fe;
    const px = (be.options & PR_O_FORWARDFOR) !== 0 ? be : fe;
    const exc = (fe.forwardForExcept !== '' && ipInNet(this.srcIp4, fe.forwardForExcept)) ||
      (be !== fe && be.forwardForExcept !== '' && ipInNet(this.srcIp4, be.forwardForExcept));
    this.fwdName = px.forwardForHeader || 'x-forwarded-for';
    this.fwdIfNone = px.forwardForIfNone;
    this.fwdLine = exc ? '' : '\r\n' + this.fwdName + ': ' + this.srcIp;
    return this.fwdLine;
  }

  // --- server side (BackendClient) ---

  /**
   * BackendClient: the server chosen has `redir <prefix>` (backend/redir.ts): a GET or HEAD gets a 302 to prefix +
   * path instead of a connection, then the connection closes, logged with that server, Tc -1 and LC as 2.6; other
   * methods connect as usual.
   */
  onServerRedir(srv: Server, prefix: string): boolean {
    const h = this.outHead;
    if (h === null) return false;
    const sp1 = h.indexOf(32);
    const sp2 = sp1 < 0 ? -1 : h.indexOf(32, sp1 + 1);
    if (sp2 < 0) return false;
    const meth = h.toString('latin1', 0, sp1);
    if (meth !== 'GET' && meth !== 'HEAD') return false;
    const log = this.log;
    log.server = srv;
    log.tConnect = -1;
    log.status = 302;
    log.errCause = SF_ERR_LOCAL; log.finishState = SF_FINST_C;
    this.cliKeepAlive = false;          // 2.6 closes the client connection after a server redirect
    const reply = redirReply(prefix, h.toString('latin1', sp1 + 1, sp2), true);
    log.bytesOut += htxReplySize(reply);
    this.outHead = null;
    this.rqPhase = RQ_DONE;
    this.writeCli(reply);
    this.finishReply();
    return true;
  }

  onServerConnected(s: SessSocket, _srv: Server, _reused: boolean): void {
    if (this.closed) { this.bc.release(); s.destroy(); return; }
    this.srv = s;
    this.srvReset = false;
    this.log.server = _srv;
    // the server socket's handlers (the backend or the pool had theirs; TCP_NODELAY was set at connect)
    s.owner = this;
    s.ondata = onSrvData; s.onend = onSrvEnd; s.onclose = onSrvClose; s.onerror = onSrvError; s.ondrain = onSrvDrain;
    if (s.isPaused()) s.resume();         // released while the client was pushing back
    this.srvConnAt = twNow();
    if (this.rsp === NO_RSP) this.rsp = new H1Msg(true, g.maxhdr);
    this.rsp.reset();
    this.rsp.relaxed = (this.log.backend !== null && (this.log.backend.options & PR_O_ACCEPT_INV_RSP) !== 0);
    this.rsAccLen = 0;
    if ((this.be as Proxy).tcp.resRules.length !== 0 && this.tcpResponseRejects(this.be as Proxy, _srv)) return;
    let head = this.outHead as Buffer;
    this.outHead = null;
    if ((this.be as Proxy).http.retryOn > 1 && this.l7Req === null && !this.noL7Retry) this.l7Req = this.l7Keep(head);
    if (((this.be as Proxy).options & PR_O_SEND_NAME_HDR) !== 0) head = withServerName(head, this.be as Proxy, _srv);
    if (this.rqPhase === RQ_BODY && this.cliRest !== null) {
      s.cork();
      s.write(head);
      const rest = this.cliRest;
      this.cliRest = null;
      this.forwardReqBody(rest, 0);
      s.uncork();
    } else s.write(head);
    if (this.rqPhase === RQ_BODY && this.cliRest === null) this.resumeClient();
    timerArm(this.srvTimer, this.srvTimeout(), twNow());    // the connect completion (or the request) read the clock
    if (this.cliGone && this.rqPhase === RQ_BODY) this.bodyAbort();      // the client left while this connected
  }

  /** The client closed or reset during the request body: CD-- (cli_abrt), both sides closed. */
  bodyAbort(): void {
    this.log.errCause = SF_ERR_CLICL;
    this.log.finishState = SF_FINST_D;
    this.cliAbortCount(false);
    this.abort();
  }

  /**
   * `tcp-response content` rules of an HTTP backend, run once when the server connection is established, before the
   * request is sent (2.6 without an inspect delay: no response data yet, res.* fetches find nothing). A reject closes
   * both sides without a response, logged `PD--` status -1 with Tr -1 (dresp on the frontend, backend and server);
   * a close is a server abort before the response: 502, `SH--`. True when the stream ended.
   */
  tcpResponseRejects(be: Proxy, srv: Server): boolean {
    if (be.tcp.resInspectDelay > 0) return false;          // they run on the response head (tcpResponseHeadRejects)
    const v = this.rspCtx;
    v.buf = EMPTY_BUF; v.l0s = v.l0e = v.l1s = v.l1e = v.l2s = v.l2e = 0;
    v.hdr = NO_HDR; v.nhdr = 0; v.stk = this.stk; v.srcIp = this.srcIp; v.srcIp4 = this.srcIp4; v.log = this.log;
    const r = tcpRulesExec(be.tcp.resRules, v);
    this.stk = v.stk;
    if (r === TCP_RULES_DROP) { this.outHead = null; this.tcpResDropped(be); return true; }
    if (r !== TCP_RULES_REJECT && r !== TCP_RULES_CLOSE) return false;
    this.outHead = null;
    if (r === TCP_RULES_CLOSE) { this.serverFailed(SF_ERR_SRVCL, SF_FINST_H, 502); return true; }
    this.fe.feCounters.rsp[HRSP_OTHER]++;
    be.beCounters.rsp[HRSP_OTHER]++;
    this.log.status = -1;
    this.resDenied(be, srv);
    return true;
  }

  /** A `tcp-response content` reject: dresp counted, the transaction ends `PD--` without a response, both sides closed. */
  resDenied(be: Proxy, srv: Server | null): void {
    const log = this.log;
    this.fe.feCounters.deniedResp++;
    be.beCounters.deniedResp++;
    if (srv !== null) srv.counters.deniedResp++;
    log.errCause = SF_ERR_PRXCOND; log.finishState = SF_FINST_D;
    this.srvKeepAlive = false;
    this.cliKeepAlive = false;
    this.rqPhase = RQ_DONE;
    this.reqBody = BODY_NONE;
    this.finishReply();
  }

  /**
   * A response-side silent-drop (`http-response`, `tcp-response content`): dreq (not dresp) on the frontend and
   * backend, the client reset (2.6.12 as root hides even the reset with TCP_REPAIR, which node cannot use), the
   * response unsent, logged `PR--` with Tr -1 (2.6.12).
   */
  resDropped(be: Proxy): void {
    const log = this.log;
    this.fe.feCounters.deniedReq++;
    if (this.lc !== null) this.lc.deniedReq++;
    be.beCounters.deniedReq++;
    log.tResponse = -1;
    log.errCause = SF_ERR_PRXCOND; log.finishState = SF_FINST_R;
    this.srvKeepAlive = false;
    this.cliKeepAlive = false;
    this.cli.resetAndDestroy();
    this.finishReply();
  }

  /**
   * A `tcp-response content silent-drop` (resDropped): also logged status -1, nothing of the response counted, the
   * request ended (2.6.12, with or without an inspect delay).
   */
  tcpResDropped(be: Proxy): void {
    const log = this.log;
    this.fe.feCounters.rsp[HRSP_OTHER]++;
    be.beCounters.rsp[HRSP_OTHER]++;
    log.status = -1;
    log.bytesOut = 0;                                      // a head already read is not counted either
    this.rqPhase = RQ_DONE;
    this.reqBody = BODY_NONE;
    this.resDropped(be);
  }

  /**
   * `tcp-response content` rules of an HTTP backend with `tcp-response inspect-delay`: 2.6 runs them once the response
   * head is in (they read it as `res.hdr` & co; WAIT_END does not wait). A reject closes the client without a response,
   * logged with the server's status, Tr -1, what was received, `PD--`; a close is a server abort (502 `SH--`).
   */
  tcpResponseHeadRejects(be: Proxy, buf: Buffer, headEnd: number, end: number): boolean {
    if (be.tcp.resRules.length === 0) return false;
    this.rspView(buf);
    const v = this.rspCtx;
    v.log = this.log;
    v.l4Res = buf.subarray(this.rsp.start, end);           // res.len / res.payload: the response bytes received
    const r = tcpRulesExec(be.tcp.resRules, v);
    v.l4Res = null;
    this.stk = v.stk;
    if (r === TCP_RULES_DROP) {
      // the server's req_tot and hrsp_* counted this head on arrival: 2.6.12 does not count a dropped one
      const c = (this.log.server as Server).counters;
      c.cumReq--; c.rsp[hrspIndex(this.rsp.status)]--;
      this.tcpResDropped(be);
      return true;
    }
    if (r !== TCP_RULES_REJECT && r !== TCP_RULES_CLOSE) return false;
    const srv = this.log.server as Server;
    if (r === TCP_RULES_CLOSE) { this.serverFailed(SF_ERR_SRVCL, SF_FINST_H, 502); return true; }
    this.log.bytesOut += end - headEnd;
    this.log.tResponse = -1;
    this.resDenied(be, srv);
    return true;
  }

  /** retry-on: the request to keep for a retry, when complete and within a buffer (2.6 retries nothing bigger). */
  l7Keep(head: Buffer): Buffer | null {
    if (this.reqBody === BODY_NONE) return head;
    const rest = this.cliRest;
    if (this.reqBody !== BODY_LEN || rest === null || rest.length < this.reqLeft || head.length + this.reqLeft > g.bufsize) return null;
    return Buffer.concat([head, rest.subarray(0, this.reqLeft)]);
  }

  /**
   * retry-on: sends the kept request again after a failure of kind `kind` (RETRY_*) when configured and retries are
   * left: same server, or another one with option redispatch. False when the failure is to be handled as usual.
   */
  l7Retry(kind: number): boolean {
    const be = this.be as Proxy;
    const req = this.l7Req as Buffer;
    const log = this.log;
    if ((be.http.retryOn & kind) === 0 || log.retries >= be.retries || this.rqPhase !== RQ_DONE || this.cliGone) return false;
    const srv = log.server;
    log.retries++;
    be.beCounters.retries++;
    if (srv !== null) srv.counters.retries++;
    const redispatch = (be.options & PR_O_REDISPATCH) !== 0;
    if (redispatch) { log.redispatched = true; be.beCounters.redispatches++; if (srv !== null) srv.counters.redispatches++; }
    this.dropServer();
    this.rsp.reset();
    this.rsAccLen = 0;
    this.rsPhase = RS_WAIT;
    this.outHead = req;
    this.bc.retryConnect(be, srv, redispatch);
    return true;
  }

  onServerError(errCause: number, finishState: number): void {
    // may be called from inside bc.connect(): answer once the backend call has returned (it still updates the log)
    process.nextTick(srvErrorDeferred, this, errCause, finishState);
  }

  serverErrorNow(errCause: number, finishState: number): void {
    if (this.closed) return;
    this.log.errCause = errCause;
    this.log.finishState = finishState;
    // a client reset unseen while queued is counted once the 503 is due (2.6)
    if (this.cliGone && finishState === SF_FINST_Q && this.be !== null) this.be.beCounters.cliAborts++;
    this.sendError(503, false);
  }

  srvTimeout(): number {
    if (this.toServer >= 0) return this.toServer;
    const be = this.be;
    return be !== null && be.timeouts.server > 0 ? be.timeouts.server : 0;
  }

  /**
   * Forwards request body bytes from chunk[from..] (dropped when the server already answered and left); the rest after
   * the body end is kept for the next request.
   */
  forwardReqBody(chunk: Buffer, from: number): void {
    const srv = this.srv;
    let ok = true;                     // the server socket takes more (else its drain resumes the client)
    if (this.reqBody === BODY_LEN) {
      const avail = chunk.length - from;
      const n = avail < this.reqLeft ? avail : this.reqLeft;
      if (srv !== null) ok = srv.write(from === 0 && n === chunk.length ? chunk : chunk.subarray(from, from + n));
      this.log.bytesIn += n;
      this.reqLeft -= n;
      if (this.reqLeft === 0) { this.rqPhase = RQ_DONE; this.keepRest(chunk, from + n); }
    } else if (this.reqBody === BODY_CHUNKED) {
      const st = this.reqChunk as ChunkState;
      if (st.part !== null) { chunk = chunkResume(st, chunk, from); from = 0; }
      const r = chunkDecode(st, chunk, from, chunk.length);
      if (r < 0) { this.reqBodyFailed(); return; }
      if (st.trailerOut !== null && ((this.be as Proxy).options & PR_O_H1_ADJ_SRV) !== 0) h1CaseAdjust(st.trailerOut, 0);
      if (srv !== null) ok = writeChunks(srv, st, chunk, false);
      this.log.bytesIn += st.dataBytes + st.trailerBytes + (st.state === CHK_ST_DONE ? 1 : 0);
      if (st.state === CHK_ST_DONE) { this.rqPhase = RQ_DONE; this.keepRest(chunk, r); }
      else if (st.trailerPartial >= 0) chunkHold(st, chunk);
    } else {
      this.rqPhase = RQ_DONE;
      this.keepRest(chunk, from);
    }
    if (this.rqPhase === RQ_BODY) {
      // a server reading slower than the client sends pauses the client until its drain (onSrvDrain): the body is
      // never buffered beyond a socket's high-water mark
      if (!ok && !this.paused) { this.paused = true; this.cli.pause(); }
      if (this.rsPhase === RS_DONE) this.armBodyWait();
      else {
        // writing to the server restarts its timeout: 2.6 keeps an upload slower than `timeout server` going
        const to = this.srvTimeout();
        if (to > 0) timerArm(this.srvTimer, to, twNow());
      }
    } else if (this.rsPhase === RS_DONE && this.rqPhase === RQ_DONE) {
      if (!this.srvKeepAlive) this.shutServer();
      this.endTransaction();
    }
  }

  /**
   * The request body ended after the response on a server connection that is not kept: 2.6 shuts its side once the
   * request is out, so the server sees a FIN after the last body bytes (a connection released after a whole request
   * is reset instead: releaseServer). A socket with writes still queued is half-closed after them, bounded by
   * `timeout server` if the server neither reads nor closes (Linger).
   */
  shutServer(): void {
    const s = this.srv;
    if (s === null) return;
    this.srv = null;
    timerDisarm(this.srvTimer);
    this.bc.release();
    sockSilence(s);
    if (s.writableLength === 0) { s.destroy(); return; }
    s.end();
    const to = this.srvTimeout();
    if (to > 0) new Linger(s, to);
  }

  onServerData(chunk: Buffer): void {
    if (this.tunnel) { this.log.bytesOut += chunk.length; this.writeCli(chunk); this.tunnelActive(); return; }
    const srvTo = this.srvTimeout();
    if (srvTo > 0) timerArm(this.srvTimer, srvTo, twNow());
    if (this.rsPhase === RS_BODY) { this.forwardRspBody(chunk, 0); return; }
    if (this.rsPhase !== RS_WAIT) return;      // bytes after the response: the connection is not reusable
    this.parseRspHead(chunk);
  }

  parseRspHead(chunk: Buffer): void {
    const m = this.rsp;
    let buf: Buffer, end: number;
    if (this.rsAccLen === 0) { buf = chunk; end = chunk.length; }
    else {
      const acc = this.rsAcc as Buffer;
      const n = Math.min(chunk.length, acc.length - this.rsAccLen);
      chunk.copy(acc, this.rsAccLen, 0, n);
      this.rsAccLen += n;
      buf = acc; end = this.rsAccLen;
    }
    const r = h1Parse(m, buf, end, g.headLimit);
    if (r === 0) {
      if (buf === chunk) {
        const start = m.state === 0 ? m.next : m.start;
        const acc = this.rsAcc ?? (this.rsAcc = Buffer.allocUnsafe(g.bufsize));
        chunk.copy(acc, 0, start);
        this.rsAccLen = chunk.length - start;
        m.rebase(start);
      }
      return;
    }
    this.rsAccLen = 0;
    if (r < 0) {
      if (this.l7Req !== null && this.l7Retry(RETRY_JUNK_RESPONSE)) return;
      // `show errors` keeps the refused response as 2.6 does (backend side)
      captureHttpError(this.be as Proxy, true, this.fe, this.log.server, this.log.clientIp + ':' + this.log.clientPort, buf, m.start, end, m.errPos - m.start);
      this.serverFailed(SF_ERR_PRXCOND, SF_FINST_H, 502);
      return;
    }
    this.processResponse(buf, r, end);
  }

  processResponse(buf: Buffer, headEnd: number, end: number): void {
    const m = this.rsp;
    const status = m.status;
    const log = this.log;
    const f = m.flags;
    // a 101 is refused (502) by 2.6's H1 layer when it upgrades to WebSocket without sec-websocket-accept, then by its
    // stream, which has counted in %B the head and the tunnel bytes that came with it, when the request or the 101
    // itself lacks "Connection: upgrade" (the Upgrade headers' tokens are not compared)
    if (status === 101) {
      const mux = (f & (H1_MF_CONN_UPG | H1_MF_UPG_WS | H1_MF_WS_KEY)) === (H1_MF_CONN_UPG | H1_MF_UPG_WS);
      if (mux || (this.req.flags & f & H1_MF_CONN_UPG) === 0) {
        if (!mux) log.bytesOut += htxHeadSize(m) + end - headEnd;
        this.serverFailed(SF_ERR_PRXCOND, SF_FINST_H, 502);
        return;
      }
    }
    // chunked body bytes that came with the head are parsed with it: a bad first chunk is a bad response (502), also
    // under a final status below 100
    if ((f & H1_MF_CHNK) !== 0 && headEnd < end && (status >= 200 || status < 100) && status !== 204 && status !== 304 &&
        (this.req.flags & H1_MF_METH_HEAD) === 0 && !chunkPrefixValid(buf, headEnd, end)) {
      this.serverFailed(SF_ERR_PRXCOND, SF_FINST_H, 502);
      return;
    }
    if (this.l7Req !== null && status >= 200 && retryOnStatus((this.be as Proxy).http.retryOn, status) && this.l7Retry(RETRY_L7)) return;
    const headSize = htxHeadSize(m);
    log.bytesOut += headSize;
    if (status >= 100 && status < 200 && status !== 101) {
      // interim response (100 Continue, 103): forward it and wait for the final one (until then 2.6 logs status 0);
      // 2.6 drops it, uncounted, when the head after it in the same read is already refused (only the 502 goes out)
      log.status = 0;
      if (headEnd < end && h1RspHeadRefused(g.maxhdr, buf, headEnd, end, g.headLimit)) log.bytesOut -= headSize;
      else this.writeCli(this.buildRspHead(buf, false, 0, 0));
      m.reset();
      if (headEnd < end) this.parseRspHead(buf.subarray(headEnd, end));
      return;
    }
    this.rspHeadAt = twNow();
    log.tResponse = this.rspHeadAt - this.srvConnAt;
    log.status = status < 0x8000 ? status : status - 0x10000;   // 2.6 logs the code's 16 bits signed
    // a server's req_tot and hrsp_* count the responses it sent, as 2.6 (not the 502/504 Sluice makes for it)
    if (log.server !== null) { log.server.counters.cumReq++; log.server.counters.rsp[hrspIndex(status)]++; }
    if (observeUse.on && log.server !== null) srvObserve(log.server, 7, status < 500 || status === 501 || status === 505, OBS_HTTP_STS);
    // "HTTP/x.y" as the server wrote it (capture.res.ver); a longer version token keeps 0
    if (m.l0e - m.l0s === 8) log.resVer = (buf[m.l0s + 5] - 48) * 10 + buf[m.l0s + 7] - 48;
    logResponseHead(this.fe, log, buf, m.hdr, m.nhdr);
    if ((this.be as Proxy).tcp.resInspectDelay > 0 && this.tcpResponseHeadRejects(this.be as Proxy, buf, headEnd, end)) return;
    const rf = this.req.flags;
    if (status === 101 || ((rf & H1_MF_METH_CONNECT) !== 0 && status >= 200 && status < 300)) {
      this.tunnel = true;
      this.rspBody = BODY_CLOSE;
    } else if ((rf & H1_MF_METH_HEAD) !== 0 || status === 204 || status === 304) this.rspBody = BODY_NONE;
    else if (f & H1_MF_CHNK) { this.rspBody = BODY_CHUNKED; (this.rspChunk ??= new ChunkState()).reset(); }
    else if (f & H1_MF_CLEN) { this.rspBody = m.bodyLen > 0 ? BODY_LEN : BODY_NONE; this.rspLeft = m.bodyLen; }
    else this.rspBody = BODY_CLOSE;
    if (f & H1_MF_TE_OTHER) this.rspBody = BODY_CLOSE;
    const srvVer11 = (f & H1_MF_VER_11) !== 0;
    if ((srvVer11 ? (f & H1_MF_CONN_CLO) !== 0 : (f & H1_MF_CONN_KAL) === 0) || this.rspBody === BODY_CLOSE) this.srvKeepAlive = false;
    // a chunked HTTP/1.0 response closes the client connection after it, as 2.6 does
    const cliKaHead = this.cliKeepAlive;
    if ((this.rspBody === BODY_CLOSE || (f & (H1_MF_VER_11 | H1_MF_CHNK)) === H1_MF_CHNK) && !this.tunnel) this.cliKeepAlive = false;
    // http-response rules (frontend then backend)
    const be = this.be as Proxy;
    const out = this.ruleOut;
    out.reset();
    let r = be.http.resRules.length === 0 ? RULES_CONTINUE : httpRulesRun(be.http.resRules, this.rspView(buf), out);
    if (r === RULES_CONTINUE && be !== this.fe && this.fe.http.resRules.length !== 0) r = httpRulesRun(this.fe.http.resRules, this.rspView(buf), out);
    if (be.cookie.name !== '') cookieResponse(be, log.server, m, buf, log, out, this.bc.prst);
    if (this.stk !== null && this.stk.resRules.length !== 0) stkResponse(this.stk, this.rspView(buf));
    if (r === RULES_CONTINUE && (be.http.afterRules.length | this.fe.http.afterRules.length) !== 0) afterResponseRun(this.fe, be, this.rspView(buf), out);
    if (out.newStatus !== 0) log.status = out.newStatus;
    if (r === RULES_SILENT_DROP) {
      // http-response silent-drop (resDropped): logged with the server's status and, as 2.6 counts them, the body
      // bytes that came with the head
      log.bytesOut += end - headEnd;
      this.resDropped(be);
      return;
    }
    if (r !== RULES_CONTINUE) {
      // http-response deny (502 or its deny_status, its own reply if given) or return (a local reply, logged LH)
      if (r !== RULES_REPLY) this.fe.feCounters.deniedResp++;
      log.bytesOut += this.rspBodyWithHead(buf, headEnd, end);
      log.errCause = r === RULES_REPLY ? SF_ERR_LOCAL : SF_ERR_PRXCOND; log.finishState = SF_FINST_H;
      log.tResponse = -1;                                    // 2.6 logs Tr -1 for a response its rules replaced
      // the reply says "connection: close" only when the client side was to close before this response's framing
      // (close-delimited, chunked HTTP/1.0) was known, as 2.6's H1 layer
      this.cliKeepAlive = cliKaHead;
      this.srvKeepAlive = false;
      this.dropServer();
      this.sendError(out.status > 0 ? out.status : 502, false, out.reply);
      return;
    }
    // not a response without length (close-delimited), as 2.6
    if (this.compAlgo !== '' && this.rspBody !== BODY_NONE && this.rspBody !== BODY_CLOSE && !this.tunnel) {
      const x = compResponseHeaders(this.fe, be, this.compAlgo, m, buf, this.rspBody === BODY_CHUNKED);
      if (x !== null) { out.extra += x; this.comp = new HttpCompressor(this, this.compAlgo, this.fe, be); }
    }
    // a Content-Length the rules deleted (`http-response del-header content-length`): 2.6 still knows where the body
    // ends and sends it chunked (to an HTTP/1.0 client too)
    if (this.rspBody === BODY_LEN && this.comp === null && (be.http.resRules.length | this.fe.http.resRules.length) !== 0 &&
        !hasLength(m, buf, out.extra)) this.rspRechunk = true;
    this.rsPhase = RS_BODY;
    if (this.rspBody === BODY_NONE) {
      this.writeCli(this.buildRspHead(buf, true, 0, 0));
      this.responseDone(buf, headEnd, end);
      return;
    }
    if (this.rspBody === BODY_LEN && end - headEnd <= SMALL_BODY_COPY && this.comp === null && !this.rspRechunk) {
      // the received body part rides in the head's Buffer: one write (one syscall) for a small response
      const n = end - headEnd < this.rspLeft ? end - headEnd : this.rspLeft;
      if (this.cacheSt !== null) cacheBody(this.cacheSt, buf, headEnd, headEnd + n);
      log.bytesOut += n;
      this.rspLeft -= n;
      // head + body in the scratch slab (head-out.ts) when written to an empty plain socket's queue
      const cli = this.cli;
      const scratch = cli instanceof RawSocket && cli.writableLength === 0;
      this.writeCli(this.buildRspHead(buf, true, headEnd, headEnd + n, scratch));
      if (scratch && cli.writableLength !== 0) h1HeadOutKept();
      if (this.rspLeft === 0) this.responseDone(buf, headEnd + n, end);
      else if ((this.fe.options & PR_O_LOGASAP) !== 0) this.logAsap();
      return;
    }
    const cli = this.cli;
    cli.cork();
    this.writeCli(this.buildRspHead(buf, true, 0, 0));
    if (this.tunnel) {
      this.rsPhase = RS_DONE;
      if (headEnd < end) { log.bytesOut += end - headEnd; this.writeCli(buf.subarray(headEnd, end)); }
      cli.uncork();
      this.startTunnel();
      return;
    }
    if (this.rspBody === BODY_NONE) this.responseDone(buf, headEnd, end);
    else if (headEnd < end) this.forwardRspBody(buf, headEnd);
    cli.uncork();
    if (this.rsPhase === RS_BODY && (this.fe.options & PR_O_LOGASAP) !== 0 && !this.asapDone) this.logAsap();
  }

  /**
   * The body bytes that came in the response head's read, as 2.6.12 counts them (%B, bout) for a response its rules
   * replace: the payload within the Content-Length, chunk data + trailers (+ 1 once the last chunk is in), or all of a
   * close-delimited one. Decodes chunks with rspChunk (the body is dropped after).
   */
  rspBodyWithHead(buf: Buffer, headEnd: number, end: number): number {
    if (headEnd >= end) return 0;
    if (this.rspBody === BODY_LEN) return end - headEnd < this.rspLeft ? end - headEnd : this.rspLeft;
    if (this.rspBody === BODY_CLOSE) return end - headEnd;
    if (this.rspBody !== BODY_CHUNKED) return 0;
    const st = this.rspChunk as ChunkState;
    if (chunkDecode(st, buf, headEnd, end) < 0) return 0;
    return st.dataBytes + st.trailerBytes + (st.state === CHK_ST_DONE ? 1 : 0);
  }

  /** The response head as a SampleCtx for http-response rules (status line in l0..l2, headers). */
  rspView(buf: Buffer): SampleCtx {
    const m = this.rsp;
    const v = this.rspCtx;
    v.buf = buf; v.l0s = m.l0s; v.l0e = m.l0e; v.l1s = m.l1s; v.l1e = m.l1e; v.l2s = m.l2s; v.l2e = m.l2e;
    v.hdr = m.hdr; v.nhdr = m.nhdr; v.stk = this.stk; v.srcIp = this.srcIp; v.srcIp4 = this.srcIp4;
    return v;
  }
  readonly rspCtx = { buf: null as Buffer | null, l0s: 0, l0e: 0, l1s: 0, l1e: 0, l2s: 0, l2e: 0, hdr: NO_HDR, nhdr: 0, srcIp: '', srcIp4: -1, vars: this.vars, stk: null as StkStream | null, log: undefined as StreamLog | undefined, l4Res: null as Buffer | null };

  /** Response head for the client (interim or final), followed by buf[ts, te) of body bytes when te > ts. */
  buildRspHead(buf: Buffer, final: boolean, ts: number, te: number, scratch = false): Buffer {
    let extra = '';
    let conn: Buffer | null = null;
    if (final) {
      extra = this.ruleOut.extra;
      // as 2.6's H1 layer: "close" only in an HTTP/1.1 response (1.0 closes implicitly), "keep-alive" when the
      // response or the request is HTTP/1.0; nothing on a final status below 200 ("HTTP/1.1 21 OK")
      if (!this.tunnel && this.rsp.status >= 200) {
        if (!this.cliKeepAlive) { if ((this.rsp.flags & H1_MF_VER_11) !== 0) conn = B_CONN_CLOSE; }
        else if ((this.req.flags & this.rsp.flags & H1_MF_VER_11) === 0) conn = B_CONN_KA;
      }
    }
    // a body re-chunked (rspRechunk) says so after the connection header, as 2.6's H1 layer writes it
    if (final && this.rspRechunk) conn = conn === null ? B_TE_CHUNKED : Buffer.concat([conn, B_TE_CHUNKED]);
    const sl = final ? this.ruleOut.statusLine : null;     // http-response set-status
    const out = h1HeadOut(buf, this.rsp, sl === null ? null : Buffer.from(sl, 'latin1'), extra, conn, te > ts ? buf : null, ts, te,
      -1, '', scratch);
    if ((this.fe.options & PR_O_H1_ADJ_CLI) !== 0) h1CaseAdjustHead(out);       // option h1-case-adjust-bogus-client
    return out;
  }

  forwardRspBody(chunk: Buffer, from: number): void {
    if (this.comp !== null) { this.forwardCompressed(chunk, from); return; }
    if (this.rspBody === BODY_LEN) {
      const avail = chunk.length - from;
      const n = avail < this.rspLeft ? avail : this.rspLeft;
      if (this.cacheSt !== null) cacheBody(this.cacheSt, chunk, from, from + n);
      if (this.rspRechunk && n > 0 && !this.cliGone) this.cli.write(chunkHeader(n), 'latin1');
      this.writeCli(from === 0 && n === chunk.length ? chunk : chunk.subarray(from, from + n));
      this.log.bytesOut += n;
      this.rspLeft -= n;
      if (this.rspRechunk && n > 0) this.writeCli(this.rspLeft === 0 ? B_CHUNK_END : CHUNK_CRLF);
      if (this.rspLeft === 0) this.responseDone(chunk, from + n, chunk.length);
    } else if (this.rspBody === BODY_CHUNKED) {
      const st = this.rspChunk as ChunkState;
      if (st.part !== null) { chunk = chunkResume(st, chunk, from); from = 0; }
      const r = chunkDecode(st, chunk, from, chunk.length);
      if (r < 0) { this.rspBodyFailed(); return; }
      if (st.trailerOut !== null && (this.fe.options & PR_O_H1_ADJ_CLI) !== 0) h1CaseAdjust(st.trailerOut, 0);
      if (this.cacheSt !== null) for (let i = 0; i < st.nspans; i++) cacheBody(this.cacheSt, chunk, st.spans[2 * i], st.spans[2 * i + 1]);
      if (!this.cliGone && !writeChunks(this.cli, st, chunk, this.rsp.status < 100)) this.cliStalled();
      this.log.bytesOut += st.dataBytes + st.trailerBytes + (st.state === CHK_ST_DONE ? 1 : 0);
      if (st.state === CHK_ST_DONE) this.responseDone(chunk, r, chunk.length);
      else if (st.trailerPartial >= 0) chunkHold(st, chunk);
    } else {
      if (this.cacheSt !== null) cacheBody(this.cacheSt, chunk, from, chunk.length);
      this.log.bytesOut += chunk.length - from;
      this.writeCli(from === 0 ? chunk : chunk.subarray(from));
    }
  }

  /** forwardRspBody for a compressed response: the decoded payload goes to the compressor (http/compression.ts). */
  forwardCompressed(chunk: Buffer, from: number): void {
    const comp = this.comp as HttpCompressor;
    if (this.rspBody === BODY_LEN) {
      const avail = chunk.length - from;
      const n = avail < this.rspLeft ? avail : this.rspLeft;
      if (this.cacheSt !== null) cacheBody(this.cacheSt, chunk, from, from + n, true);
      comp.data(chunk, from, from + n);
      this.log.bytesOut += n;
      this.rspLeft -= n;
      if (this.rspLeft === 0) { if (from + n < chunk.length) this.srvKeepAlive = false; comp.finish(); }
      else comp.endOfRead();
    } else if (this.rspBody === BODY_CHUNKED) {
      const st = this.rspChunk as ChunkState;
      if (st.part !== null) { chunk = chunkResume(st, chunk, from); from = 0; }
      const r = chunkDecode(st, chunk, from, chunk.length);
      if (r < 0) { this.rspBodyFailed(); return; }
      if (st.trailerOut !== null && (this.fe.options & PR_O_H1_ADJ_CLI) !== 0) h1CaseAdjust(st.trailerOut, 0);
      if (st.trailerPartial >= 0) chunkHold(st, chunk);
      for (let i = 0; i < st.nspans; i++) {
        if (this.cacheSt !== null) cacheBody(this.cacheSt, chunk, st.spans[2 * i], st.spans[2 * i + 1], true);
        comp.data(chunk, st.spans[2 * i], st.spans[2 * i + 1]);
      }
      this.log.bytesOut += st.dataBytes + st.trailerBytes + (st.state === CHK_ST_DONE ? 1 : 0);
      if (st.state === CHK_ST_DONE) { if (r < chunk.length) this.srvKeepAlive = false; comp.finish(1, st.trailerOut); }
      else comp.endOfRead();
    }
  }

  /**
   * CompOwner: zlib failed in the middle of the body: the response is cut and the client connection closed, logged
   * as an internal error in the data phase (ID) and counted in eint, as 2.6 does for a failing filter.
   */
  compFailed(): void {
    if (this.closed) return;
    this.comp = null;
    const log = this.log;
    log.errCause = SF_ERR_INTERNAL; log.finishState = SF_FINST_D;
    this.fe.feCounters.internalErrors++;
    const be = this.be;
    if (be !== null && be !== this.fe) be.beCounters.internalErrors++;
    this.abort();
  }

  /** CompOwner: the compressed body and its last chunk are out; the response is complete. */
  compDone(): void {
    this.comp = null;
    this.responseDone(EMPTY_BUF, 0, 0);
  }

  /** The response is complete; bytes after it (chunk[from, end)) make the server connection unusable. */
  responseDone(_chunk: Buffer, from: number, end: number): void {
    this.rsPhase = RS_DONE;
    timerDisarm(this.srvTimer);
    if (from < end) this.srvKeepAlive = false;
    if (this.rqPhase === RQ_DONE) this.endTransaction();
    else this.armBodyWait();
  }

  /** After a complete response, `timeout client` bounds each wait for the rest of the request body (2.6: cD--). */
  armBodyWait(): void {
    const to = this.fe.timeouts.client;
    if (to > 0) timerArm(this.cliTimer, to, twNow());
  }

  /** Both directions of the transaction are complete: log, count, then keep-alive or close. */
  endTransaction(): void {
    const log = this.log;
    log.errCause = this.cacheLR !== 0 ? SF_ERR_LOCAL : SF_ERR_NONE;
    log.finishState = this.cacheLR !== 0 ? SF_FINST_R : SF_FINST_NONE;
    if (this.cliGone) { log.errCause = SF_ERR_CLICL; log.finishState = SF_FINST_D; this.cliKeepAlive = false; }
    else if (this.srvReset && this.rspBody === BODY_CLOSE) { log.errCause = SF_ERR_SRVCL; log.finishState = SF_FINST_D; this.srvAbortCount(); }
    if (this.cacheSt !== null) { cacheCommit(this.cacheSt); this.cacheSt = null; }
    // logasap: logged before the server connection is released (%bc/%sc still count it, as in 2.6)
    if ((this.fe.options & PR_O_LOGASAP) !== 0 && !this.asapDone) this.logAsap();
    // a client closed now (not TLS) is closed before the server connection goes: its FIN then follows the response at
    // once, as 2.6's shutw precedes its server close. After the server's teardown, clients had often read the response
    // and closed first, leaving TIME_WAIT on their ephemeral port rather than on ours (README, Performance)
    if (!this.cliKeepAlive && !this.cliEndedInBody && this.log.tls === null) this.closeCliNow();
    this.releaseServer();
    if (this.cliEndedInBody) { this.probeClient(); return; }
    this.finishLog();
    if (!this.cliKeepAlive) { this.shutClient(); return; }
    this.nextTransaction();
  }

  /**
   * A client that sent its FIN during the response body is logged CD by HAProxy 2.6 when it had closed for good (the
   * last bytes drew an RST) and as a normal end when it only half-closed. An empty write tells the two apart: EPIPE or
   * ECONNRESET once the peer has reset. Rare path (aborted downloads), so a closure is fine here.
   */
  probeClient(): void {
    this.cliEndedInBody = false;
    this.cliKeepAlive = false;
    this.cli.write(EMPTY_BUF, (err) => {
      if (this.closed) return;
      if (err) { this.log.errCause = SF_ERR_CLICL; this.log.finishState = SF_FINST_D; }
      this.finishLog();
      this.shutClient();
    });
  }

  releaseServer(): void {
    const s = this.srv;
    if (s === null) { this.bc.release(); return; }
    this.srv = null;
    detachSrv(s);
    timerDisarm(this.srvTimer);
    if (this.srvKeepAlive && this.be !== null && !s.destroyed) this.bc.releaseIdle(this.be.http.reuse === HTTP_REUSE_NEVER);
    else { this.bc.release(); if (this.srvKeepAlive) serverClose(s); else serverCloseAfterResponse(s); }
  }

  /**
   * `fin`: a FIN instead of serverClose's RST, as 2.6.12 ends a server connection after a bad chunk; what is still
   * queued for it (still connecting, or a full socket) goes first, the socket then ends with the server's FIN.
   */
  dropServer(fin = false): void {
    const s = this.srv;
    this.srv = null;
    timerDisarm(this.srvTimer);
    this.bc.release();
    if (s === null) return;
    detachSrv(s);
    if (!fin) serverClose(s);
    else { sockSilence(s); if (s.connecting === true || s.writableLength > 0) s.end(); else s.destroy(); }
  }

  /** Fills the remaining log fields, counts the response and hands the log to P3's emitter. */
  finishLog(): void {
    const log = this.log;
    const fe = this.fe;
    if (this.stk !== null) stkTxnEnd(this.stk, log, twNow(), log.reqLine === '<BADREQ>');
    // %sc after the server connection went back to the pool or was closed, as HAProxy reads it
    if (!this.asapDone) this.logTail();
    const st = log.status;
    if (st > 0) {
      const i = hrspIndex(st);
      fe.feCounters.rsp[i]++;
      const be = this.be;
      if (be !== null && this.cacheLR !== CACHE_HIT_FE) {
        be.beCounters.rsp[i]++;
        addHttpTimeStats(be, log.server, log);
      }
    }
    const dIn = log.bytesIn, dOut = log.bytesOut;
    fe.feCounters.bytesIn += dIn;
    fe.feCounters.bytesOut += dOut;
    const lc = this.lc;
    if (lc !== null) { lc.bytesIn += dIn; lc.bytesOut += dOut; }
    // 2.6 counts bytes on the stream's backend, the frontend itself until one is chosen (a listen's BACKEND row shows
    // its stats page, deny and redirect traffic)
    const bx = this.be ?? fe;
    bx.beCounters.bytesIn += dIn; bx.beCounters.bytesOut += dOut;
    if (log.server !== null) { log.server.counters.bytesIn += dIn; log.server.counters.bytesOut += dOut; }
    const early = this.earlyDone;
    this.earlyDone = false;
    if (this.asapDone) { this.asapDone = false; return; }
    if (this.noLog) { this.noLog = false; return; }
    if (early && log.tResponse < 0) return;
    this.logSend();
  }

  /** Timers and connection counts of the log line, read now. */
  logTail(): void {
    const log = this.log;
    const fe = this.fe;
    const now = twTouch();             // also reached from the CLI (shutdown session) and signals
    log.tTotal = now - this.txnStart;
    log.tData = log.tResponse >= 0 ? now - this.rspHeadAt : -1;
    log.feconn = fe.feconn;
    log.actconn = g.actconn;
    if (this.be !== null) log.beconn = this.be.beconn;
    if (log.server !== null && this.bc.state !== BC_IDLE) log.srvconn = log.server.served;   // else as released
  }

  logSend(): void {
    const fe = this.fe;
    if ((fe.options & PR_O_HTTPLOG) !== 0 || fe.log.targets.length !== 0) {
      sampleLive.req = this;            // %[req.hdr(..)], %[var(..)] in log-format read this request
      logStream(fe, this.log);
      sampleLive.req = null;
    }
  }

  /**
   * `option logasap`: the line goes out once the response head and the body bytes that came with it are forwarded
   * (2.6 logs from its response analyser: `+Tt`, `+B` so far); the end of the transaction then logs nothing more.
   */
  logAsap(): void {
    this.asapDone = true;
    this.logTail();
    this.logSend();
  }

  /** Resets per-transaction state and serves the next request (maybe already received). */
  nextTransaction(): void {
    const log = this.log;
    const now = twNow();
    this.txnStart = now;
    this.reqStart = 0;
    this.cliBlocked = false;          // cliTimer is the keep-alive / request timer from here
    this.rqPhase = RQ_HEAD;
    this.rsPhase = RS_NONE;
    this.rqBuf = null;
    this.be = null;
    this.l7Req = null;
    this.noL7Retry = false;
    this.toServer = -1; this.toTunnel = -1;
    if (this.connDstIp !== null) { log.frontendIp = this.connDstIp; log.frontendPort = this.connDstPort; this.connDstIp = null; }
    this.cacheSt = null;
    this.cacheLR = 0;
    this.tunnel = false;
    this.rspRechunk = false;
    this.req.reset();
    this.rsp.reset();
    log.acceptMs = now;
    log.tHandshake = 0;                // 2.6: no handshake time for the next requests of a connection
    log.status = -1; log.bytesIn = 0; log.bytesOut = 0;
    log.tRequest = -1; log.tQueue = -1; log.tConnect = -1; log.tResponse = -1; log.tData = -1; log.tTotal = -1;
    log.backend = null; log.server = null; log.applet = ''; log.retries = 0; log.redispatched = false; log.logLevel = -1;
    log.method = ''; log.uri = ''; log.httpVersion = ''; log.resVer = 0; log.reqLine = '';
    log.cookieReq = '-'; log.cookieRes = '-';
    log.connCounter = this.txnCount;
    if (this.srcIp !== this.connSrcIp) { this.srcIp = this.connSrcIp; this.srcIp4 = ipv4Value(this.srcIp); log.clientIp = this.srcIp; }
    varsEndTxn(this.vars);
    const rest = this.cliRest;
    this.cliRest = null;
    if (rest !== null) {
      this.parseReqHead(rest);
      if (this.rqPhase === RQ_HEAD && this.cliRest === null && !this.closed) {
        if (this.cliEnded) this.onClientEnd(); else this.resumeClient();
      }
      return;
    }
    if (this.cliEnded) { this.shutClient(); return; }
    timerArm(this.cliTimer, this.reqTimeout(), now);
    this.resumeClient();
  }

  resumeClient(): void {
    if (this.paused && !this.closed) { this.paused = false; this.cli.resume(); }
  }

  // --- local replies and errors ---

  localReply(r: number, out: RuleOut): void {
    const log = this.log;
    if (r === RULES_TARPIT) {
      // hold the request for `timeout tarpit` (else `timeout connect`), then answer deny_status (500) logged PT
      this.fe.feCounters.deniedReq++;
      if (this.lc !== null) this.lc.deniedReq++;
      if (this.be !== null && this.be !== this.fe) this.be.beCounters.deniedReq++;
      this.tarpitStatus = out.status;
      // the backend's timeouts once a backend's rule tarpitted (2.6 reads them from the stream's backend)
      const tp = this.be ?? this.fe;
      const t = tp.timeouts.tarpit > 0 ? tp.timeouts.tarpit : tp.timeouts.connect;
      timerArm(this.cliTimer, t > 0 ? t : 1);
      if (!this.paused) { this.paused = true; this.cli.pause(); }
      return;
    }
    if (r === RULES_REJECT || r === RULES_SILENT_DROP) {
      // http-request reject / silent-drop: no response, the request logged with TR -1, status -1, PR (2.6.12);
      // silent-drop resets the connection (2.6 hides even that with TCP_REPAIR, which node cannot use)
      const fe = this.fe;
      fe.feCounters.deniedReq++;
      if (this.lc !== null) this.lc.deniedReq++;
      fe.feCounters.rsp[HRSP_OTHER]++;
      if (this.be !== null && this.be !== fe) this.be.beCounters.deniedReq++;
      log.errCause = SF_ERR_PRXCOND; log.finishState = SF_FINST_R;
      log.tRequest = -1; log.status = -1;
      timerDisarm(this.cliTimer);
      this.reqBody = BODY_NONE;
      this.rqPhase = RQ_DONE;
      this.cliKeepAlive = false;
      if (r === RULES_SILENT_DROP) this.cli.resetAndDestroy();
      this.finishReply();
      return;
    }
    if (r === RULES_ERROR) {
      // a failed rewrite: 2.6.12's 500 (errorfile 500 if any), `PR--` without Tq, counted in wrew and eint
      const fe = this.fe, be = this.be;
      fe.feCounters.failedRewrites++; fe.feCounters.internalErrors++;
      if (this.lc !== null) { this.lc.failedRewrites++; this.lc.internalErrors++; }
      if (be !== null && be !== fe) { be.beCounters.failedRewrites++; be.beCounters.internalErrors++; }
      log.errCause = SF_ERR_PRXCOND; log.finishState = SF_FINST_R;
      log.tRequest = -1;
      this.sendError(500, false);
      return;
    }
    if (r === RULES_DENY) {
      this.fe.feCounters.deniedReq++;
      if (this.lc !== null) this.lc.deniedReq++;
      if (this.be !== null && this.be !== this.fe) this.be.beCounters.deniedReq++;
      log.errCause = SF_ERR_PRXCOND; log.finishState = SF_FINST_R;
      this.sendError(out.status, false, out.reply);          // out.reply: a deny with its own reply
      return;
    }
    // return / redirect: a locally generated response, counted as intercepted (2.6 does, deny and tarpit are not;
    // the stats page counts itself)
    if (r !== RULES_STATS) this.fe.feCounters.interceptedReq++;
    else {
      // 2.6 logs the stats applet as the server, GET or HEAD alike, reached at once (Tw, Tc and Tr 0)
      log.applet = '<STATS>';
      log.tQueue = 0; log.tConnect = 0; log.tResponse = 0;
      this.rspHeadAt = twNow();
    }
    log.errCause = SF_ERR_LOCAL; log.finishState = SF_FINST_R;
    log.status = out.status;
    // a body received whole is read (and counted); 2.6 still closes after a redirect answering a request with a body
    const bodyClose = this.reqBody !== BODY_NONE && (!this.takeReceivedBody() || out.redirect);
    this.rqPhase = RQ_DONE;
    if (afterRulesExist(this.fe, this.be)) out.reply = afterResponseLocal(out.reply as Buffer, this.fe, this.be, log, this);
    if ((this.req.flags & H1_MF_METH_HEAD) !== 0 && r !== RULES_STATS) out.reply = replyHeadOnly(out.reply as Buffer);
    // a redirect answering a request whose body is still pending carries "connection: close" in 2.6's HTX (15 bytes)
    log.bytesOut += htxReplySize(out.reply as Buffer) + (out.redirect && bodyClose ? 15 : 0);
    // stats page / exporter replies come framed; a closing client gets 2.6's connection: close on them too
    const reply = r === RULES_STATS ? (this.cliKeepAlive ? out.reply as Buffer : localReplyBytes(out.reply as Buffer, true)) :
      localReplyBytes(out.reply as Buffer, out.closeAfter || !this.cliKeepAlive || bodyClose);
    this.writeCli((this.fe.options & PR_O_H1_ADJ_CLI) !== 0 ? h1CaseAdjustCopy(reply) : reply);
    if (out.closeAfter || bodyClose || (r !== RULES_STATS && replyCloses(out.reply as Buffer))) this.cliKeepAlive = false;
    this.finishReply();
  }

  /** Sends the canned (or errorfile) response for `status`; `mux` = parser-level form. */
  sendError(status: number, mux: boolean, reply: Buffer | null = null): void {
    const log = this.log;
    log.status = status;
    const px = this.be ?? this.fe;
    // the H1 layer's own errors (mux) use the built-in messages, never errorfiles (but for an empty one of the
    // frontend, `errorfile 408 /dev/null`: nothing is sent), and never enter HAProxy's channel
    const custom = mux ? (this.fe.http.errorFiles.get(status)?.length === 0 ? EMPTY_BUF : undefined)
      : proxyErrorReply(px, status, this, this.ruleOut) ?? proxyErrorReply(this.fe, status, this, this.ruleOut);
    let src = reply ?? custom ?? (mux ? cannedMuxReply(status) : cannedReply(status));
    if (!mux) {
      if (afterRulesExist(this.fe, this.be)) src = afterResponseLocal(src, this.fe, this.be, log, this);
      if ((this.req.flags & H1_MF_METH_HEAD) !== 0) src = replyHeadOnly(src);    // 2.6 sends (and counts) the head only
      this.takeReceivedBody();
    }
    // 2.6's H1 layer writes "connection: close" only when the client side was already to close (the built-in 400/408
    // carry their own); a custom 400 errorfile goes out without it, the connection closing all the same
    // a request body forwarded whole leaves nothing to read: the connection stays open (2.6: a 504 after a POST, then
    // the next pipelined request is served)
    const bodyPending = this.reqBody !== BODY_NONE && this.rqPhase !== RQ_DONE;
    if (!bodyPending) this.reqBody = BODY_NONE;
    const muxClose = !this.cliKeepAlive || bodyPending;
    if (status === 400 || status === 408 || mux) this.cliKeepAlive = false;
    else if (replyCloses(src)) this.cliKeepAlive = false;      // an errorfile without a length ends with the connection
    this.rqPhase = RQ_DONE;
    if (!mux) log.bytesOut += htxReplySize(src);
    const bytes = mux ? src : localReplyBytes(src, muxClose);
    this.writeCli(!mux && (this.fe.options & PR_O_H1_ADJ_CLI) !== 0 ? h1CaseAdjustCopy(bytes) : bytes);
    this.finishReply();
  }

  /**
   * Before a local reply: a request body already received whole (in cliRest, nothing forwarded yet) is consumed (true),
   * so the connection stays open without `connection: close` and a pipelined request is served next, as 2.6 does; a
   * body still on its way keeps closing the connection.
   */
  takeReceivedBody(): boolean {
    const rest = this.cliRest;
    if (this.reqBody === BODY_NONE || this.rqPhase !== RQ_BODY || this.srv !== null || rest === null) return false;
    let n: number;
    if (this.reqBody === BODY_LEN) {
      if (rest.length < this.reqLeft) return false;
      n = this.reqLeft;
      this.log.bytesIn += n;
    } else {
      const st = scratchChunk;
      st.reset();
      n = chunkDecode(st, rest, 0, rest.length);
      if (n < 0 || st.state !== CHK_ST_DONE) return false;
      this.log.bytesIn += st.dataBytes + st.trailerBytes + 1;
    }
    this.cliRest = n < rest.length ? rest.subarray(n) : null;
    this.reqBody = BODY_NONE;
    return true;
  }

  finishReply(): void {
    this.rsPhase = RS_DONE;
    this.dropServer();
    if (this.reqBody !== BODY_NONE || this.cliGone) this.cliKeepAlive = false;   // unread body: cannot find the next request
    this.finishLog();
    if (!this.cliKeepAlive) { this.shutClient(); return; }
    this.nextTransaction();
  }

  /** A request the parser rejected: 400/422 in the mux form, `<BADREQ>` log, close. */
  badRequest(status: number): void {
    this.fe.feCounters.failedReq++;
    if (this.lc !== null) this.lc.failedReq++;
    this.fe.feCounters.cumReq++;         // rejected requests count in req_tot, as in HAProxy's mux
    this.markBadRequest();
    // the method PRI is refused by 2.6's stream, not its H1 layer: the HTX 400, counted in %B
    if (status === H1_ERR_H2_PRI) this.sendError(400, false);
    else this.sendError(status, true);
  }

  /** Logs the current request as 2.6's `<BADREQ>` `PR--` line (no request line, TR -1); its body is not read. */
  markBadRequest(): void {
    const log = this.log;
    timerDisarm(this.cliTimer);
    log.errCause = SF_ERR_PRXCOND; log.finishState = SF_FINST_R;
    log.tRequest = -1;
    this.idleBeforeHead();
    log.reqLine = '<BADREQ>';
    log.reqDateMs = this.reqStart !== 0 ? this.reqStart : this.txnStart;   // %tr of a <BADREQ> line
    logBadRequest(log, this.reqStart !== 0);
    this.reqBody = BODY_NONE;
  }

  /**
   * The server closed (or reset) before a whole response head to a request that is not the first of its client
   * connection: as 2.6 does (also after part of a head), the client connection is closed without a response, a log
   * line or an error counted, so that the client retries the request as it does when a keep-alive connection closes
   * under it.
   */
  abortKeepAlive(): void {
    this.srvKeepAlive = false;
    this.cliKeepAlive = false;
    this.dropServer();
    this.noLog = true;                 // bytes still counted (bin), no status, no line
    this.finishLog();
    this.shutClient();
  }

  /** The server side failed before or during the response (status 0: too late to answer, just close). */
  /**
   * A chunked request body found malformed after its head went to the server: 2.6 answers its stream-level 400 (the
   * deny form), logged with the request line and `PH--`, and closes both sides (a bad chunk read with the head is a
   * parser 400, `<BADREQ>` `PR--`, see processRequest).
   */
  reqBodyFailed(): void {
    const log = this.log;
    // `PD--` once a response is on its way (2.6.12)
    if (log.errCause === SF_ERR_NONE) { log.errCause = SF_ERR_PRXCOND; log.finishState = this.rsPhase === RS_WAIT ? SF_FINST_H : SF_FINST_D; }
    this.fe.feCounters.failedReq++;
    this.srvKeepAlive = false;
    this.dropServer(true);
    if (this.rsPhase === RS_WAIT) { this.sendError(400, false); return; }
    this.cliKeepAlive = false;
    this.finishLog();
    this.shutClient();
  }

  /**
   * A chunked response body found malformed after its head went to the client: as 2.6.12, logged `SD--`, counted in
   * eresp but not srv_abrt, the server connection closed with a FIN, the client's after what it got.
   */
  rspBodyFailed(): void {
    const log = this.log;
    if (log.errCause === SF_ERR_NONE) { log.errCause = SF_ERR_SRVCL; log.finishState = SF_FINST_D; }
    const be = this.be;
    if (be !== null) be.beCounters.failedResp++;
    if (log.server !== null) log.server.counters.failedResp++;
    this.srvKeepAlive = false;
    this.dropServer(true);
    this.cliKeepAlive = false;
    this.finishLog();
    this.shutClient();
  }

  serverFailed(errCause: number, finishState: number, status: number): void {
    const log = this.log;
    if (log.errCause === SF_ERR_NONE) { log.errCause = errCause; log.finishState = finishState; }
    const be = this.be;
    // 2.6: eresp (on the server too); in the data phase also srv_abrt, and a server timeout there is srv_abrt only
    // (2.6.12 counts a reset before the response head twice)
    const data = finishState === SF_FINST_D;
    const eresp = data ? (errCause !== SF_ERR_SRVTO ? 1 : 0) : (errCause === SF_ERR_SRVCL && finishState === SF_FINST_H && this.srvReset ? 2 : 1);
    if (be !== null) { be.beCounters.failedResp += eresp; if (data) be.beCounters.srvAborts++; }
    if (log.server !== null) { log.server.counters.failedResp += eresp; if (data) log.server.counters.srvAborts++; }
    this.srvKeepAlive = false;
    this.dropServer();
    if (status > 0 && this.rsPhase === RS_WAIT) { this.sendError(status, false); return; }
    this.cliKeepAlive = false;
    this.finishLog();
    this.shutClient();
  }

  // --- tunnel (101 Switching Protocols, CONNECT) ---

  startTunnel(): void {
    this.tunnel = true;
    timerDisarm(this.cliTimer);
    this.tunnelActive();
    const rest = this.cliRest;
    this.cliRest = null;
    if (rest !== null) this.writeSrv(rest);
    this.resumeClient();
  }

  /** Data went through the tunnel, either way: its timeout (`timeout tunnel`, else `timeout server`) starts again. */
  tunnelActive(): void {
    const to = (this.be as Proxy).timeouts;
    const t = this.toTunnel >= 0 ? this.toTunnel : to.tunnel > 0 ? to.tunnel : this.srvTimeout();
    if (t > 0) timerArm(this.srvTimer, t, twNow());
  }

  // --- I/O helpers ---

  writeCli(b: Buffer): void {
    if (!this.cliGone && !this.cli.write(b)) this.cliStalled();
  }

  /**
   * A write to the client did not go through: the server waits, and `timeout client` runs until the drain (2.6: cD--);
   * `timeout server` does not meanwhile (2.6 reads nothing from a server whose response has no room), it starts again
   * at the drain.
   */
  cliStalled(): void {
    if (this.srv !== null) this.srv.pause();
    if (this.tunnel) return;
    timerDisarm(this.srvTimer);
    if (this.fe.timeouts.client > 0) { this.cliBlocked = true; timerArm(this.cliTimer, this.fe.timeouts.client, twNow()); }
  }

  writeSrv(b: Buffer): void {
    const s = this.srv;
    if (s === null) return;
    if (!s.write(b)) { this.paused = true; this.cli.pause(); }
  }

  shutClient(): void {
    if (this.closed) return;
    const c = this.cli;
    // closed at once when it can be (closeCliNow; one closed so by endTransaction is destroyed and silenced already),
    // else half-closed
    if (!this.closeCliNow() && !(c.destroyed && c.owner === null)) {
      c.end();
      // a client that reads nothing more or never closes is dropped after `timeout client`, as 2.6 does
      const to = this.fe.timeouts.client;
      if (to > 0) new Linger(c, to);
      if (this.paused || this.rqPhase === RQ_BODY) {
        // a paused client socket reads nothing (frontend.ts reads through onread): read on, discarding, to see its
        // FIN, without which the socket never closes
        c.owner = null;
        this.paused = false;
        c.resume();
      }
    }
    this.closeAll();
  }

  /**
   * Closes the client socket at once when everything written is in the kernel and nothing more is to be read from it:
   * close() sends the FIN after the data, as HAProxy's shutw+close does, without node's shutdown request, its EPOLLOUT
   * round and the wait for the client's FIN (strace: shutdown, an epoll_ctl and the EOF read less per Connection:
   * close session). Silenced first (the session ends: no close callback). Returns whether it did.
   */
  closeCliNow(): boolean {
    const c = this.cli;
    if (c.writableLength !== 0 || this.cliRest !== null || this.paused || this.rqPhase === RQ_BODY || c.destroyed) return false;
    sockSilence(c);
    c.destroy();
    return true;
  }

  closeAll(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.comp !== null) { this.comp.destroy(); this.comp = null; }
    timerDisarm(this.cliTimer);
    timerDisarm(this.srvTimer);
    this.dropServer();
    this.bc.dropPrivate();
    h1MsgRelease(this.req);           // their header indexes serve the next sessions
    if (this.rsp !== NO_RSP) h1MsgRelease(this.rsp);
    g.actconn--;
    streamUnregister(this);
    if (this.stk !== null) stkSessEnd(this.stk, twNow(), true);
    frontendStreamEnd(this.fe, this.bind);
  }

  /** Client closed its side. */
  onClientEnd(): void {
    this.cliEnded = true;
    if (this.closed) return;
    if (this.tunnel) { const s = this.srv; if (s !== null) s.end(); return; }
    if (this.rqPhase === RQ_HEAD) {
      // option http-ignore-probes: a connection closed before sending anything is not answered, logged nor counted
      if (this.reqStart === 0 && (this.txnCount > 0 || this.fe.http.ignoreProbes)) { this.closeAll(); this.cli.destroy(); return; }
      // half-closed in the middle of (or before) a request head: HAProxy answers 400 and logs CR
      this.headAborted();
      this.sendError(400, true);
      return;
    }
    if (this.rqPhase === RQ_BODY) {
      if (this.buffering !== null) {
        // the wait ends with what came; a request then sent to a server with its body cut is aborted there, as 2.6
        // (CR--, no server connection); a local reply is still made
        this.bodyWaitEnd();
        if (!this.closed && this.rsPhase === RS_WAIT && this.srv === null) this.connectGivenUp();
        return;
      }
      if (this.bc.state === BC_CONNECTING) {
        // a reset that came with the head (libuv's "end", see cliWasReset): 2.6 sees it before connecting, CR--
        // <NOSRV>; a FIN: 2.6 mostly completes the connection and sends what came first (then CD--)
        if (this.cliWasReset()) { if (this.bodyBuffered()) this.cliResetWithRequest(); else this.connectGivenUp(); return; }
        this.cliGone = true;
        return;
      }
      this.log.errCause = SF_ERR_CLICL;
      const queued = this.bc.state === BC_QUEUED;
      this.log.finishState = queued ? SF_FINST_Q : this.rsPhase === RS_WAIT && this.srv === null ? SF_FINST_C : SF_FINST_D;
      if (queued) this.bc.queueAbort();
      this.cliAbortCount(false);
      this.abort();
      return;
    }
    // request complete: let the response finish, then close (nextTransaction, cliEnded); the response says nothing
    // of it (2.6 writes no connection: close for a client that half-closed)
    if (this.rsPhase === RS_BODY) this.cliEndedInBody = true;
    else if (this.rsPhase !== RS_DONE && this.cliWasReset()) this.cliResetWithRequest();
  }

  /**
   * A reset that came with a whole request (cliWasReset): 2.6 still connects, sends it and reads the response to its
   * end, dropping it: CD-- with the response's status, a client abort on the counters. The socket's close is not heard
   * (onClientClose would take it for a reset that came later: CL-- while connecting).
   */
  cliResetWithRequest(): void {
    this.cli.owner = null;
    if (this.rsPhase === RS_WAIT) this.cliAbortCount(false);
    this.cliGone = true;
  }

  /**
   * Whether the client's "end" is a reset: libuv reports a RST that came with the last bytes read (EPOLLHUP after a
   * short read) as an EOF, where 2.6 sees the error. An empty write fails on a reset socket, destroying it (its
   * onClientClose follows). A syscall, so only for a client that ends its side while its request is under way (rare);
   * TLS clients are taken at their word.
   */
  cliWasReset(): boolean {
    const c = this.cli;
    if (c.tls === undefined && !c.destroyed) c.write(EMPTY_BUF);
    return c.destroyed;
  }

  /** The client left before the server connection was made: it is given up, logged be/<NOSRV> CR--, Tw -1 (2.6). */
  connectGivenUp(): void {
    this.bc.release();
    const log = this.log;
    log.server = null; log.tQueue = -1; log.srvconn = 0;
    log.errCause = SF_ERR_CLICL; log.finishState = SF_FINST_R;
    this.cliAbortCount(true);
    this.abort();
  }

  /** A server reset ending a close-delimited body (SD--): eresp and srv_abrt on the backend and the server, as 2.6. */
  srvAbortCount(): void {
    const be = this.be;
    if (be !== null) { be.beCounters.failedResp++; be.beCounters.srvAborts++; }
    const srv = this.log.server;
    if (srv !== null) { srv.counters.failedResp++; srv.counters.srvAborts++; }
  }

  /**
   * A client abort after the request went to a backend, on 2.6's counters: cli_abrt on the backend and its server;
   * before any server (`bodyWait`: a body awaited by http-buffer-request) also an ereq on the frontend.
   */
  cliAbortCount(bodyWait: boolean): void {
    const be = this.be ?? this.log.backend;
    if (be !== null) be.beCounters.cliAborts++;
    const srv = this.log.server;
    if (srv !== null) srv.counters.cliAborts++;
    if (bodyWait) { this.fe.feCounters.failedReq++; if (this.lc !== null) this.lc.failedReq++; }
  }

  /** %Ti of a request whose head is not whole: the wait before its first byte (not in %Ta, as 2.6), 0 if none came. */
  idleBeforeHead(): void {
    this.log.tIdle = this.reqStart > 0 ? this.reqStart - this.txnStart - this.log.tHandshake : 0;
  }

  /** The client ended its side or reset before a whole request head: counted and logged as 2.6's 400 <BADREQ> CR. */
  headAborted(): void {
    const log = this.log;
    this.idleBeforeHead();
    this.fe.feCounters.failedReq++;
    if (this.lc !== null) this.lc.failedReq++;
    this.fe.feCounters.cumReq++;
    log.errCause = SF_ERR_CLICL; log.finishState = SF_FINST_R;
    log.reqLine = '<BADREQ>';
    log.reqDateMs = this.reqStart !== 0 ? this.reqStart : this.txnStart;   // %tr of a <BADREQ> line
    logBadRequest(log, this.reqStart !== 0);
    log.tRequest = -1;
  }

  onClientClose(): void {
    if (this.closed) return;
    const log = this.log;
    if (this.rqPhase === RQ_HEAD && (this.reqStart !== 0 || (this.txnCount === 0 && !this.fe.http.ignoreProbes))) {
      // reset before (or in the middle of) the first request head: 2.6 logs it as the half-close, 400 CR <BADREQ>,
      // nothing sent
      this.headAborted();
      log.status = 400;
      this.abort();
      return;
    }
    if (this.rqPhase !== RQ_HEAD || this.reqStart !== 0) {
      if (this.rqPhase === RQ_DONE && this.srv !== null && !this.tunnel && (this.rsPhase === RS_WAIT || this.rsPhase === RS_BODY)) {
        // 2.6 reads the response to its end (dropping it) and logs CD with its status and bytes, or the server's
        // error (SD, 504 sH) if it fails meanwhile; abortonclose does not change it once the request is at the server
        // (it drops requests still queued or connecting); a client abort on the counters unless the response was
        // already under way (then only the server's error, if any, is counted)
        if (this.rsPhase === RS_WAIT) this.cliAbortCount(false);
        this.cliGone = true;
        return;
      }
      if (this.rqPhase === RQ_DONE && this.bc.state === BC_QUEUED && !this.tunnel) {
        // 2.6 does not see a reset while the request waits in a queue (abortonclose or not): 503 sQ at `timeout
        // queue`, or the server's answer read and logged CD
        this.cliGone = true;
        return;
      }
      const bodyWait = this.buffering !== null;
      if (this.rqPhase === RQ_BODY && !bodyWait && this.bc.state === BC_CONNECTING) { this.cliGone = true; return; }   // see onClientEnd
      if (log.errCause === SF_ERR_NONE) {
        log.errCause = SF_ERR_CLICL;
        // 2.6: a reset during the request body is D, also while the server has not answered yet; R while the body is
        // awaited before any server (http-buffer-request), L while the server connection is being set up
        const bs = this.bc.state;
        log.finishState = bodyWait ? SF_FINST_R : this.rsPhase !== RS_WAIT ? SF_FINST_D : bs === BC_CONNECTING ? SF_FINST_L
          : bs === BC_QUEUED ? SF_FINST_Q : this.srv === null ? SF_FINST_C : this.rqPhase === RQ_DONE ? SF_FINST_H : SF_FINST_D;
        if (bs === BC_QUEUED) this.bc.queueAbort();      // Tw up to now, <NOSRV>
      }
      this.cliAbortCount(bodyWait);
      this.abort();
      return;
    }
    this.closeAll();
  }

  abort(): void {
    if (this.closed) return;
    this.cliKeepAlive = false;
    this.srvKeepAlive = false;
    this.dropServer();
    this.finishLog();
    this.closeAll();
    this.cli.destroy();
  }

  onClientTimeout(): void {
    if (this.closed) return;
    const log = this.log;
    if (this.buffering !== null) {
      // http-buffer-request / wait-for-body: the body did not come in time (2.6: 408, cR--, Tr -1)
      this.buffering = null;
      log.errCause = SF_ERR_CLITO; log.finishState = SF_FINST_R;
      log.tRequest = -1;
      this.sendError(408, false);
      return;
    }
    if (this.tarpitStatus !== 0) {
      const st = this.tarpitStatus;
      this.tarpitStatus = 0;
      log.errCause = SF_ERR_PRXCOND; log.finishState = SF_FINST_T;
      // 2.6 logs the tarpit delay as the time waited (Tw), the request time as -1
      log.tRequest = -1;
      log.tQueue = twNow() - this.headDone;
      this.sendError(st, false);
      return;
    }
    if (this.rqPhase === RQ_HEAD) {
      if (this.reqStart === 0 && (this.txnCount > 0 || this.fe.http.ignoreProbes)) { this.closeAll(); this.cli.destroy(); return; }
      log.errCause = SF_ERR_CLITO; log.finishState = SF_FINST_R;
      this.fe.feCounters.cumReq++;
      this.fe.feCounters.failedReq++;          // 2.6 counts the 408 of a head that did not come in time as ereq
      if (this.lc !== null) this.lc.failedReq++;
      this.idleBeforeHead();
      log.reqLine = '<BADREQ>';
      log.reqDateMs = this.reqStart !== 0 ? this.reqStart : this.txnStart;   // %tr of a <BADREQ> line
      logBadRequest(log, this.reqStart !== 0);
      log.tRequest = -1;
      this.sendError(408, true);
      return;
    }
    log.errCause = SF_ERR_CLITO; log.finishState = SF_FINST_D;
    // 2.6 counts a client timeout in the data phase as an abort by the client, on the backend and on the server
    if (this.be !== null) this.be.beCounters.cliAborts++;
    if (log.server !== null) log.server.counters.cliAborts++;
    this.abort();
  }

  onServerTimeout(): void {
    if (this.closed) return;
    if (this.tunnel) {
      const log = this.log;
      if (this.toTunnel < 0 && (this.be as Proxy).timeouts.tunnel <= 0) {
        // no tunnel timeout: each side keeps its own and the server's ran out (sD--, fixtures/http/cases srv-101-*)
        log.errCause = SF_ERR_SRVTO; log.finishState = SF_FINST_D; this.abort(); return;
      }
      // a tunnel timeout is both sides' and fires only when both were idle: 2.6 then sees the client side expire first
      // (cD--, cli_abrt on the backend and the server; haproxy 2.6.12, fixtures/proxy/actions/set-timeout)
      log.errCause = SF_ERR_CLITO; log.finishState = SF_FINST_D;
      this.cliAbortCount(false);
      this.abort();
      return;
    }
    if (this.rsPhase === RS_WAIT) {
      if (this.l7Req !== null && this.l7Retry(RETRY_RESPONSE_TIMEOUT)) return;
      this.serverFailed(SF_ERR_SRVTO, SF_FINST_H, 504);
      return;
    }
    this.serverFailed(SF_ERR_SRVTO, SF_FINST_D, 0);
  }

  /** Server closed: end of a close-delimited body, or a failure. */
  onServerEnd(): void {
    if (this.closed) return;
    // the server connection is released before the line, as 2.6 logs a tunnel (beconn and srv_conn without it)
    if (this.tunnel) { this.dropServer(); this.finishLog(); this.shutClient(); return; }
    if (this.comp !== null && this.rsPhase === RS_BODY) {
      // compressing: after a complete body the compressor may still be flushing (compDone ends the transaction)
      this.srvKeepAlive = false;
      if (this.comp.ended) return;
    }
    if (this.rsPhase === RS_BODY && this.rspBody === BODY_CLOSE) {
      this.srvKeepAlive = false;
      this.rsPhase = RS_DONE;
      this.cliKeepAlive = false;
      this.endTransaction();
      return;
    }
    if (this.rsPhase === RS_WAIT) {
      if (this.l7Req !== null && this.srv !== null && this.l7Retry(this.rsAccLen > 0 ? RETRY_JUNK_RESPONSE : RETRY_EMPTY_RESPONSE)) return;
      if (this.txnCount > 1) { this.abortKeepAlive(); return; }
      this.serverFailed(SF_ERR_SRVCL, SF_FINST_H, 502);
      return;
    }
    if (this.rsPhase === RS_BODY) { this.serverFailed(SF_ERR_SRVCL, SF_FINST_D, 0); return; }
    if (this.rsPhase === RS_DONE && this.rqPhase === RQ_BODY) {
      // answered, then closed before the whole request body was sent. A server that only shut its side (FIN) still
      // gets the rest of the body, as 2.6 forwards it: its connection is closed (FIN) once the body is all sent, or
      // with the client's FIN, reset or `timeout client` (the log is the same either way). A server gone for good
      // (a reset, often the answer to body bytes after its close()): the rest of the body is read and dropped
      // (onClientData), the transaction ends with it (----), or with the client's abort (CD) or `timeout client` (cD)
      this.srvKeepAlive = false;
      const s = this.srv;
      if (s !== null && !s.destroyed && s.writable) { timerDisarm(this.srvTimer); return; }
      this.releaseServer();
      if (this.paused) { this.paused = false; this.cli.resume(); }
      this.armBodyWait();
      return;
    }
    this.dropServer();
  }
}

/**
 * Writes the decoded chunk data of one read as a single chunk, then the last chunk and trailers; false when the socket
 * asked to stop (write() said so: a drain follows), as write() itself. `raw`: the data only, without framing or
 * trailers (a final status below 100 goes out without Transfer-Encoding and ends with the connection, as in 2.6.12).
 */
function writeChunks(s: SessSocket, st: ChunkState, buf: Buffer, raw: boolean): boolean {
  let ok = true;
  if (raw) {
    for (let i = 0; i < st.nspans; i++) ok = s.write(buf.subarray(st.spans[2 * i], st.spans[2 * i + 1]));
    return ok;
  }
  if (st.dataBytes > 0) {
    s.write(chunkHeader(st.dataBytes), 'latin1');
    for (let i = 0; i < st.nspans; i++) s.write(buf.subarray(st.spans[2 * i], st.spans[2 * i + 1]));
    ok = s.write(CHUNK_CRLF);
  }
  if (st.lastSeen && (st.ntrailers > 0 || st.state === CHK_ST_DONE)) { ok = s.write(CHUNK_LAST); st.lastSeen = false; }
  if (st.trailerOut !== null) ok = s.write(st.trailerOut);
  if (st.state === CHK_ST_DONE) ok = s.write(CHUNK_CRLF);
  return ok;
}

const netCache = new Map<string, [number, number]>();
function ipInNet(ip: number, net: string): boolean {
  if (ip < 0) return false;
  let e = netCache.get(net);
  if (e === undefined) {
    e = ipv4Net(net) ?? [1, 0];                // a malformed network matches nothing ((ip & 0) is never 1)
    netCache.set(net, e);
  }
  return ((ip & e[1]) >>> 0) === e[0];
}

/** The server socket leaves the session (pooled or closed): its handlers stay attached but ignore it. */
function detachSrv(s: SessSocket): void {
  s.owner = null;
}

// module-level socket handlers: `this` is the socket, the session is its owner
function onCliData(this: SessSocket, chunk: Buffer): void { const s = this.owner as HttpSession | null; if (s !== null) { twTouch(); s.onClientData(chunk); } }
function onCliEnd(this: SessSocket): void { const s = this.owner as HttpSession | null; if (s !== null) { twTouch(); s.onClientEnd(); } }
function onCliClose(this: SessSocket): void { const s = this.owner as HttpSession | null; if (s !== null) { twTouch(); s.onClientClose(); this.owner = null; } }
function onCliError(this: SessSocket): void { /* onclose follows */ }
function onCliDrain(this: SessSocket): void {
  const s = this.owner as HttpSession | null;
  if (s === null) return;
  const kept = s.keptReadBufs;     // the client wrote everything: no queued write references them anymore
  if (kept !== null && kept.length !== 0) {
    for (let i = 0; i < kept.length; i++) rawReadBufGive(kept[i]);
    kept.length = 0;
  }
  if (s.srv !== null) {
    s.srv.resume();
    if (s.rsPhase === RS_BODY && !s.tunnel) { const to = s.srvTimeout(); if (to > 0) timerArm(s.srvTimer, to, twNow()); }
  }
  if (s.cliBlocked) { s.cliBlocked = false; if (s.rqPhase === RQ_BODY && s.rsPhase === RS_DONE) s.armBodyWait(); else timerDisarm(s.cliTimer); }
}
/** The response head still has a Content-Length (or rules added one in `extra`) after the http-response rules. */
function hasLength(m: H1Msg, buf: Buffer, extra: string): boolean {
  const h = m.hdr;
  for (let x = 0; x < m.nhdr * H1_HDR_STRIDE; x += H1_HDR_STRIDE) {
    if (h[x] >= 0 && h1TokenIs(buf, h[x], h[x + 1], N_CONTENT_LENGTH)) return true;
  }
  return extra !== '' && /\r\ncontent-length:/i.test(extra);
}

/*
 * Server sockets read each into a buffer of their own (RawSocket own-buffer mode, rawReadBufTake), reused read after
 * read: no allocation per read (node's default path mallocs 64 KiB per read and frees it at GC, which also made glibc
 * trim and re-fault its heap: ~14% of the 1 MiB profile went to page faults). When the bytes of a read are still
 * referenced after it was handled (a write queued on the client socket), the session keeps that buffer until the
 * client's drain (then it goes back to the free list) and the socket reads into another one from then on (a swap
 * during ondata). A closed socket gives its buffer back itself.
 */

function onSrvData(this: SessSocket, chunk: Buffer): void {
  const s = this.owner as HttpSession | null;
  if (s === null) return;
  twTouch();
  s.onServerData(chunk);
  const b = this.readBuf;
  // a closed session's buffer with nothing queued on the client goes back to the free list like any other (was
  // dropped to the GC at every Connection: close session: 64 KiB of external memory each, mark-compacts every ~150 ms)
  if (b !== null && s.cli.writableLength !== 0) {
    if (!s.closed) (s.keptReadBufs ??= []).push(b);
    this.readBuf = rawReadBufTake();
  }
}

function onSrvEnd(this: SessSocket): void { const s = this.owner as HttpSession | null; if (s !== null) { twTouch(); s.onServerEnd(); } }
function onSrvClose(this: SessSocket): void { const s = this.owner as HttpSession | null; if (s !== null) { twTouch(); s.onServerEnd(); } }
function onSrvError(this: SessSocket): void { const s = this.owner as HttpSession | null; if (s !== null) s.srvReset = true; /* onclose follows */ }
function onSrvDrain(this: SessSocket): void {
  const s = this.owner as HttpSession | null;
  if (s !== null && s.paused && s.rqPhase === RQ_BODY) { s.paused = false; s.cli.resume(); }
}
function srvErrorDeferred(s: HttpSession, errCause: number, finishState: number): void { twTouch(); s.serverErrorNow(errCause, finishState); }
function onCliTimeout(s: HttpSession): void { s.onClientTimeout(); }

/** A closing client socket's bound: `timeout client` without its pending output shrinking, then it is closed. */
class Linger {
  sock: SessSocket;
  ms: number;
  pending: number;
  timer: Timer;
  constructor(sock: SessSocket, ms: number) {
    this.sock = sock; this.ms = ms; this.pending = sock.writableLength;
    this.timer = new Timer(this, lingerExpired);
    timerArm(this.timer, ms, twNow());
  }
}
function lingerExpired(l: Linger): void {
  const c = l.sock;
  if (c.destroyed) return;
  const w = c.writableLength;
  if (w !== 0 && w < l.pending) { l.pending = w; timerArm(l.timer, l.ms, twNow()); return; }   // still reading
  c.destroy();
}
function onSrvTimeout(s: HttpSession): void { s.onServerTimeout(); }

/**
 * Serves HTTP on an accepted client socket of `fe` (mode http); the frontend's SessionStarter. The caller
 * (frontend.ts) has counted the connection; frontendStreamEnd(fe) is called once when it ends.
 */
export function startHttpSession(fe: Proxy, sock: SessSocket, bind: BindCfg | null): HttpSession {
  // no clock read: frontend.ts's admitSession, the only caller (through the session starter), has just done it
  const s = new HttpSession(fe, sock, bind);
  sock.owner = s;
  g.actconn++;
  sock.ondata = onCliData; sock.onend = onCliEnd; sock.onclose = onCliClose; sock.onerror = onCliError; sock.ondrain = onCliDrain;
  sock.resume();         // accepted sockets read nothing until their session starts (TCP_NODELAY: frontend.ts)
  timerArm(s.cliTimer, s.reqTimeout(), twNow());
  return s;
}

/** First header named `lcName` (lower case) among the `nhdr` indexed in `h` over `b`; value offsets to out[0..1]. */
function findHeaderIn(b: Buffer, h: Int32Array, nhdr: number, lcName: string, out: Int32Array): boolean {
  const n = lcName.length;
  for (let x = 0; x < nhdr * H1_HDR_STRIDE; x += H1_HDR_STRIDE) {
    const s = h[x];
    if (s < 0 || h[x + 1] - s !== n || b.toString('latin1', s, s + n) !== lcName) continue;
    out[0] = h[x + 2]; out[1] = h[x + 3];
    return true;
  }
  return false;
}

/**
 * The LB's view of a request that http-request rules rewrote, for one pick. The rewritten message (rules.ts rulesCtx,
 * which copies the head) is built on first read, so roundrobin, leastconn or source never pay for it.
 */
class RewrittenLbView implements LbRequestView {
  private v: SampleCtx | null = null;
  constructor(private readonly sess: HttpSession, private readonly out: RuleOut) {}
  private view(): SampleCtx { return this.v ??= rulesCtx(this.sess, this.out); }
  get srcAddr(): Buffer { return this.sess.srcAddr; }
  get reqBuf(): Buffer | null { return this.view().buf; }
  get uriStart(): number { return this.view().l1s; }
  get uriEnd(): number { return this.view().l1e; }
  findHeader(lcName: string, out: Int32Array): boolean {
    const v = this.view();
    return v.buf !== null && findHeaderIn(v.buf, v.hdr, v.nhdr, lcName, out);
  }
}
