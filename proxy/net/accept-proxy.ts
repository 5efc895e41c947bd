/*
 * `bind ... accept-proxy` and `tcp-request connection expect-proxy layer4`: reads the PROXY header (v1 or v2,
 * proxy/net/proxy-protocol.ts) from the first bytes of an accepted client socket before any session exists, then
 * gives the socket the header's addresses (src, dst, %ci, X-Forwarded-For) and hands it back to frontend.ts with the
 * bytes that followed the header. A missing, bad or late header closes the connection and is logged as HAProxy 2.6
 * does: `<ci>:<cp> [<date>] <fe>/<bind>: Received an invalid PROXY protocol header`. Like 2.6, the first read that
 * brings data decides: a header not whole in it is "Truncated" (measured: 'PROXY TCP4 10.1' then the rest 200 ms
 * later, or 10 bytes of plain text, are reset at once by 2.6.12). `timeout client` bounds the wait for that read. Sockets of other binds never come here. Hot path: no (once per accept-proxy connection).
 */
import type { BindCfg, Proxy } from '../model/types.ts';
import { PR_O_DONTLOGNULL } from '../model/types.ts';
import type { BindKeyword } from '../config/types.ts';
import type { ProxySocket, SockError } from './types.ts';
import { RawSocket } from './raw-socket.ts';
import {
  ppDecode, PpInfo, PP_NEED_MORE, PP_ERR_TEXT, PP_ERR_TRUNCATED, PP_ERR_EMPTY, PP_ERR_TIMEOUT, PP_ERR_ABORT,
  PP_ERR_BAD_HDR,
} from './proxy-protocol.ts';
import { Timer, timerArm, timerDisarm } from '../timer-wheel.ts';
import { logConnError } from '../log/emit.ts';

/**
 * What frontend.ts does once the header is in: `ok` false = the connection was closed (already logged); true = go on
 * with `sock` (its addresses now those of the header), `leftover` = bytes read after the header, or null.
 */
export type PpDone = (fe: Proxy, sock: ProxySocket, bind: BindCfg, ok: boolean, leftover: Buffer | null) => void;

/** What the header said, per connection that had one (fetches: fc_rcvd_proxy, fc_pp_authority, fc_pp_unique_id). */
const received = new WeakMap<object, PpInfo>();
export function ppReceived(sock: object): PpInfo | null {
  // a TLS socket of an accept-proxy ssl bind (net/tls-socket.ts) keeps the socket that carried the header as addrFrom
  const under = (sock as { addrFrom?: object | null }).addrFrom;
  return received.get(sock) ?? (under !== undefined && under !== null ? received.get(under) ?? null : null);
}

/** One connection waiting for its header (sock.owner while waiting). */
class PpWait {
  readonly fe: Proxy;
  readonly bind: BindCfg;
  readonly sock: ProxySocket;
  readonly done: PpDone;
  readonly acceptMs: number;
  readonly timer: Timer;
  readonly info = new PpInfo();
  finished = false;
  constructor(fe: Proxy, sock: ProxySocket, bind: BindCfg, done: PpDone) {
    this.fe = fe; this.sock = sock; this.bind = bind; this.done = done;
    this.acceptMs = Date.now();
    this.timer = new Timer(this, onPpTimeout);
  }
}

/**
 * Starts waiting for the PROXY header on `sock` (an accepted, unread socket; its handlers and owner are taken over
 * until `done` runs). `done` is called exactly once, possibly synchronously from a read.
 */
export function ppWaitStart(fe: Proxy, sock: ProxySocket, bind: BindCfg, done: PpDone): void {
  const w = new PpWait(fe, sock, bind, done);
  sock.owner = w;
  sock.ondata = onPpData;
  sock.onend = onPpEnd;
  sock.onerror = onPpError;
  sock.onclose = onPpClose;
  const t = fe.timeouts.client;
  if (t > 0) timerArm(w.timer, t, w.acceptMs);
  sock.resume();
}

function onPpData(this: ProxySocket, buf: Buffer): void {
  const w = this.owner as PpWait;
  if (w.finished) return;
  const r = ppDecode(buf, 0, buf.length, w.info);
  // 2.6 decides on the first read that brings data: a header cut short there is truncated (RST, unread bytes)
  if (r === PP_NEED_MORE) { fail(w, PP_ERR_TRUNCATED, true); return; }
  if (r < 0) { fail(w, r, true); return; }
  w.finished = true;
  timerDisarm(w.timer);
  const info = w.info;
  const sock = this;
  if (!info.local && sock instanceof RawSocket) {
    sock.peer = { address: info.srcIp, port: info.srcPort, family: info.srcIp.indexOf(':') >= 0 ? 'IPv6' : 'IPv4' };
    sock.local = { address: info.dstIp, port: info.dstPort, family: info.dstIp.indexOf(':') >= 0 ? 'IPv6' : 'IPv4' };
  }
  received.set(sock, info);
  sock.pause();
  // the session sets every handler it needs; until then nothing may reach this wait state
  sock.ondata = noopData; sock.onend = noop; sock.onerror = noopErr; sock.onclose = noopClose;
  sock.owner = null;
  w.done(w.fe, sock, w.bind, true, r < buf.length ? buf.subarray(r) : null);
}

function onPpEnd(this: ProxySocket): void {
  const w = this.owner as PpWait;
  if (w.finished) return;
  fail(w, PP_ERR_EMPTY, false);
}

function onPpError(this: ProxySocket, _e: SockError): void {
  const w = this.owner as PpWait;
  if (w.finished) return;
  fail(w, PP_ERR_ABORT, false);
}

function onPpClose(this: ProxySocket): void {
  const w = this.owner as PpWait;
  if (w === null || w.finished) return;
  fail(w, PP_ERR_ABORT, false);
}

function onPpTimeout(w: PpWait): void {
  if (!w.finished) fail(w, PP_ERR_TIMEOUT, false);
}

/** Logs and closes: a header error leaves unread bytes, so 2.6's close is a reset; EOF/timeout close normally. */
function fail(w: PpWait, code: number, reset: boolean): void {
  w.finished = true;
  timerDisarm(w.timer);
  const sock = w.sock;
  ppStats.failed++;
  logPpError(w, code);
  sock.ondata = noopData; sock.onend = noop; sock.onerror = noopErr; sock.onclose = noopClose;
  if (reset) sock.resetAndDestroy(); else sock.destroy();
  w.done(w.fe, sock, w.bind, false, null);
}

/** Counters for tests and stats: headers refused or missing. */
export const ppStats = { failed: 0 };

/** Logs the refusal, with the header's address when it had one (log/emit.ts logConnError builds the line). */
function logPpError(w: PpWait, code: number): void {
  const fe = w.fe;
  // dontlognull: a connection that sent nothing at all (closed or timed out empty) is not logged, as 2.6
  if ((fe.options & PR_O_DONTLOGNULL) !== 0 && (code === PP_ERR_EMPTY || code === PP_ERR_TIMEOUT || code === PP_ERR_ABORT)) return;
  const info = w.info;
  if (info.addrSet && code === PP_ERR_BAD_HDR) logConnError(fe, w.bind, info.srcIp, info.srcPort, w.acceptMs, PP_ERR_TEXT[-code]);
  else logConnError(fe, w.bind, w.sock.remoteAddress ?? '', w.sock.remotePort ?? 0, w.acceptMs, PP_ERR_TEXT[-code]);
}

function noop(this: ProxySocket): void { /* between the header and the session */ }
function noopData(this: ProxySocket, _c: Buffer): void { /* bytes of a refused connection */ }
function noopErr(this: ProxySocket, _e: SockError): void { /* the socket is being closed */ }
function noopClose(this: ProxySocket, _h: boolean): void { /* closed after a refusal */ }

/**
 * `bind ... accept-proxy`. On an `ssl` bind the header is read first, then the TLS handshake runs over the same
 * socket (proxy/ssl/accept.ts tlsAfterProxy, called by frontend.ts).
 */
export const acceptProxyBindKeywords: BindKeyword[] = [
  { name: 'accept-proxy', parse(b) { b.acceptProxy = true; return 1; } },
];
