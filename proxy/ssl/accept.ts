/*
 * Server-side TLS handshakes of `bind ... ssl` listeners: frontend.ts hands over each accepted handle; this module
 * runs the handshake (SNI picks the certificate, client certificates checked per `verify`, strict-sni, ALPN limited
 * to http/1.1, `timeout client` as the handshake timeout) and gives the frontend a TlsSocket (net/tls-socket.ts) once
 * it is done. A failed handshake never becomes a stream: it is logged as HAProxy 2.6 does
 * (`<ci>:<cp> [<accept date>] <fe>/<bind>: SSL handshake failure`, "Connection closed during SSL handshake",
 * "Timeout during SSL handshake") and closed. Wired by proxy/modules.ts. Hot path: per TLS connection (handshake).
 */
import { Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { TLSSocket } from 'node:tls';
import type { SecureContext } from 'node:tls';
import type { BindCfg, Proxy } from '../model/types.ts';
import { PR_O_DONTLOGNULL } from '../model/types.ts';
import type { SslBindCfg } from './types.ts';
import { bindSsl } from './keywords.ts';
import { sniContext } from './context.ts';
import { TlsSocket, tlsInfoOf } from '../net/tls-socket.ts';
import type { ProxySocket, SockError } from '../net/types.ts';
import { Timer, timerArm, timerDisarm } from '../timer-wheel.ts';
import { putDateLocalMs } from '../log/dates.ts';
import { logConnError } from '../log/emit.ts';

/** What frontend.ts gives: the listener (fe, bind) and how to admit the finished socket. */
export interface TlsListener {
  fe: Proxy;
  bind: BindCfg;
}
export type TlsAdmit = (l: TlsListener, sock: ProxySocket) => void;

/** HAProxy 2.6's texts for connections that failed before a stream existed. */
export const SSL_HS_FAILURE = 'SSL handshake failure';
export const SSL_HS_CLOSED = 'Connection closed during SSL handshake';
export const SSL_HS_TIMEOUT = 'Timeout during SSL handshake';
export const SSL_HS_CRT_UNTRUSTED = 'SSL client certificate not trusted';
export const SSL_HS_CA_CHAIN = 'SSL client CA chain cannot be verified';

/** Verify errors about a certificate above the client's own in its chain (2.6 names them "CA chain"). */
const CHAIN_ERRORS = new Set(['SELF_SIGNED_CERT_IN_CHAIN', 'INVALID_CA', 'CERT_CHAIN_TOO_LONG', 'PATH_LENGTH_EXCEEDED']);

/** X509 verify result numbers (ssl_c_verify) for node's verify error codes. */
const X509_CODES: Record<string, number> = {
  UNABLE_TO_GET_ISSUER_CERT: 2, UNABLE_TO_GET_CRL: 3, CERT_SIGNATURE_FAILURE: 7, CERT_NOT_YET_VALID: 9,
  CERT_HAS_EXPIRED: 10, DEPTH_ZERO_SELF_SIGNED_CERT: 18, SELF_SIGNED_CERT_IN_CHAIN: 19,
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 20, UNABLE_TO_VERIFY_LEAF_SIGNATURE: 21, CERT_CHAIN_TOO_LONG: 22,
  CERT_REVOKED: 23, INVALID_CA: 24, INVALID_PURPOSE: 26, CERT_UNTRUSTED: 27, CERT_REJECTED: 28,
};

/** One handshake in progress. */
class Handshake {
  readonly l: TlsListener;
  readonly cfg: SslBindCfg;
  readonly admit: TlsAdmit;
  readonly acceptMs: number;
  readonly ts: TLSSocket;
  readonly timer: Timer;
  done = false;
  clientIp = '';
  clientPort = 0;
  /** PROXY-protocol path: the socket carrying the TLS bytes (its addresses are the header's), and who to tell on failure. */
  under: ProxySocket | null = null;
  onFail: (() => void) | null = null;
  constructor(l: TlsListener, cfg: SslBindCfg, admit: TlsAdmit, ts: TLSSocket, acceptMs: number) {
    this.l = l; this.cfg = cfg; this.admit = admit; this.ts = ts; this.acceptMs = acceptMs;
    this.timer = new Timer(this, onHsTimeout);
  }
}

const kHs = Symbol('sluice.handshake');
type HsSock = TLSSocket & { [kHs]?: Handshake };

/** The SNI callback of a bind: certificate by name, default certificate else (strict-sni: refused). */
function sniCallbackFor(c: SslBindCfg): (name: string, cb: (err: Error | null, ctx?: SecureContext) => void) => void {
  return (name, cb) => {
    const ctx = sniContext(c, name);
    if (ctx === null && c.strictSni) { cb(new Error('strict-sni: no certificate for ' + name)); return; }
    cb(null, ctx ?? undefined);
  };
}

/**
 * The acceptor of a bind for frontend.ts, or null for a plain bind (or one whose contexts are not built). `admit`
 * receives the handshaken socket, paused, with `tls` set.
 */
export function tlsAcceptorFor<L extends TlsListener>(b: BindCfg, admit: (l: L, sock: ProxySocket) => void): ((l: L, handle: unknown) => void) | null {
  const c = bindSsl(b);
  if (c === null || c.defaultCtx === null) return null;
  const opts = serverOptions(c);
  return (l, handle) => {
    const acceptMs = Date.now();
    const raw = new Socket({ handle, allowHalfOpen: true, readable: true, writable: true } as ConstructorParameters<typeof Socket>[0]);
    raw.on('error', ignoreErr);         // the TLS socket reports errors; the wrapped one must never throw unhandled
    raw.setNoDelay(true);
    const ts = new TLSSocket(raw, opts) as HsSock;
    const hs = new Handshake(l, c, admit as TlsAdmit, ts, acceptMs);
    hs.clientIp = raw.remoteAddress ?? '';
    hs.clientPort = raw.remotePort ?? 0;
    startHandshake(ts, hs);
  };
}

function serverOptions(c: SslBindCfg) {
  return {
    isServer: true, secureContext: c.defaultCtx ?? undefined, SNICallback: sniCallbackFor(c), requestCert: c.verify > 0,
    rejectUnauthorized: c.verify === 2, ALPNProtocols: c.opts.alpn !== null && c.opts.alpn.length > 0 ? c.opts.alpn : undefined,
  };
}

function startHandshake(ts: HsSock, hs: Handshake): void {
  ts[kHs] = hs;
  ts.on('secure', onHsSecure);
  ts.on('error', onHsError);
  ts.on('end', onHsEnd);
  ts.on('close', onHsClose);
  if (hs.cfg.handshakeTimeout > 0) timerArm(hs.timer, hs.cfg.handshakeTimeout, hs.acceptMs);
}

/**
 * `bind ... accept-proxy ssl`: the TLS handshake after the PROXY header, over the socket that carried it (frontend.ts
 * via net/accept-proxy.ts; `leftover` = bytes read after the header). Returns false for a plain bind (nothing done).
 * Else `done(fe, tlsSock, bind, true)` once handshaken (addresses: the header's), or `done(..., false)` after a
 * failure was logged and the socket closed. Slower than the direct path (the TLS bytes go through a JS stream).
 */
export function tlsAfterProxy<F extends Proxy>(fe: F, sock: ProxySocket, bind: BindCfg, leftover: Buffer | null,
  done: (fe: F, sock: ProxySocket, bind: BindCfg, ok: boolean) => void): boolean {
  const c = bindSsl(bind);
  if (c === null || c.defaultCtx === null) return false;
  const ts = new TLSSocket(new SockDuplex(sock, leftover), serverOptions(c)) as HsSock;
  const l: TlsListener = { fe, bind };
  const hs = new Handshake(l, c, (_l, s) => done(fe, s, bind, true), ts, Date.now());
  hs.clientIp = sock.remoteAddress ?? '';
  hs.clientPort = sock.remotePort ?? 0;
  hs.under = sock;
  hs.onFail = () => done(fe, sock, bind, false);
  startHandshake(ts, hs);
  return true;
}

/** A Duplex over a ProxySocket (its handlers taken over), for a TLS socket on bytes already partly read. */
class SockDuplex extends Duplex {
  readonly s: ProxySocket;
  constructor(s: ProxySocket, leftover: Buffer | null) {
    super({ allowHalfOpen: true });
    this.s = s;
    s.owner = this;
    s.ondata = onUnderData; s.onend = onUnderEnd; s.onerror = onUnderError; s.onclose = onUnderClose; s.ondrain = onUnderDrain;
    if (leftover !== null && leftover.length > 0) this.push(Buffer.from(leftover));
  }
  override _read(): void { this.s.resume(); }
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void): void { this.s.write(chunk, cb); }
  override _final(cb: (e?: Error | null) => void): void { this.s.end(); cb(); }
  override _destroy(err: Error | null, cb: (e?: Error | null) => void): void { this.s.destroy(); cb(err); }
}
function onUnderData(this: ProxySocket, chunk: Buffer): void {
  const d = this.owner as SockDuplex;
  // accepted sockets read in copy mode: `chunk` is ours to keep
  if (!d.push(this.readBuf === null ? chunk : Buffer.from(chunk))) this.pause();
}
function onUnderEnd(this: ProxySocket): void { (this.owner as SockDuplex).push(null); }
function onUnderError(this: ProxySocket, e: SockError): void { (this.owner as SockDuplex).destroy(e); }
function onUnderClose(this: ProxySocket): void { const d = this.owner as SockDuplex; if (!d.destroyed) d.destroy(); }
function onUnderDrain(this: ProxySocket): void { /* writes complete through their callbacks */ }

function detach(ts: HsSock, hs: Handshake): void {
  hs.done = true;
  timerDisarm(hs.timer);
  ts.removeListener('secure', onHsSecure);
  ts.removeListener('error', onHsError);
  ts.removeListener('end', onHsEnd);
  ts.removeListener('close', onHsClose);
  ts[kHs] = undefined;
}

function onHsSecure(this: HsSock): void {
  const hs = this[kHs];
  if (hs === undefined || hs.done) return;
  const c = hs.cfg;
  let code = 0;
  let clientCert = false;
  if (c.verify > 0) {
    clientCert = this.getPeerX509Certificate() !== undefined;
    // node leaves the verdict to the owner when no tls.Server is involved (verifyError is what tls.Server reads)
    const ve = (this as unknown as { _handle?: { verifyError?: () => Error | null } })._handle?.verifyError?.() ?? null;
    const vcode = ve !== null ? (ve as NodeJS.ErrnoException).code ?? '' : '';
    if (ve !== null && clientCert) code = X509_CODES[vcode] ?? 1;
    if (c.verify === 2 && !clientCert) { fail(this, hs, SSL_HS_FAILURE); return; }
    // optional too: a certificate that is presented must verify (2.6), unless crt-ignore-err / ca-ignore-err
    if (code !== 0 && !c.ignoreVerifyErr) { fail(this, hs, CHAIN_ERRORS.has(vcode) ? SSL_HS_CA_CHAIN : SSL_HS_CRT_UNTRUSTED); return; }
  }
  if (c.strictSni && !(this as TLSSocket & { servername?: string | false }).servername) { fail(this, hs, SSL_HS_FAILURE); return; }
  detach(this, hs);
  const sn = (this as TLSSocket & { servername?: string | false }).servername;
  const ctx = typeof sn === 'string' && sn !== '' ? sniContext(c, sn) ?? c.defaultCtx : c.defaultCtx;
  const sock = new TlsSocket(this, false, tlsInfoOf(this, true, code, clientCert, ctx !== null ? c.subjects.get(ctx) ?? '' : '', hs.acceptMs));
  sock.addrFrom = hs.under;
  hs.admit(hs.l, sock);
}

function onHsError(this: HsSock, e: NodeJS.ErrnoException): void {
  const hs = this[kHs];
  if (hs === undefined || hs.done) return;
  fail(this, hs, e.code === 'ECONNRESET' || e.code === 'EPIPE' ? SSL_HS_CLOSED : SSL_HS_FAILURE);
}

function onHsEnd(this: HsSock): void {
  const hs = this[kHs];
  if (hs !== undefined && !hs.done) fail(this, hs, SSL_HS_CLOSED);
}

function onHsClose(this: HsSock): void {
  const hs = this[kHs];
  if (hs !== undefined && !hs.done) fail(this, hs, SSL_HS_CLOSED);
}

function onHsTimeout(hs: Handshake): void {
  if (!hs.done) fail(hs.ts as HsSock, hs, SSL_HS_TIMEOUT);
}

/** Counts, logs and closes a connection whose handshake did not complete. */
export const sslHandshakeStats = { failures: 0, closed: 0, timeouts: 0 };

function fail(ts: HsSock, hs: Handshake, why: string): void {
  detach(ts, hs);
  ts.on('error', ignoreErr);
  ts.destroy();
  if (why === SSL_HS_CLOSED) sslHandshakeStats.closed++;
  else if (why === SSL_HS_TIMEOUT) sslHandshakeStats.timeouts++;
  else sslHandshakeStats.failures++;
  logHandshakeFailure(hs, why);
  if (hs.onFail !== null) hs.onFail();
}

function ignoreErr(): void { /* after a failed handshake */ }

const dateBuf = Buffer.allocUnsafe(64);

/** `<ci>:<cp> [<date>] <fe>/<bind name or listener number>: <why>` (HAProxy 2.6's embryonic session log). */
function logHandshakeFailure(hs: Handshake, why: string): void {
  const fe = hs.l.fe;
  if (fe.log.emitter === null || fe.log.targets.length === 0) return;
  // 2.6 with dontlognull: a client that closed or timed out without a byte is not logged; a bad handshake is
  if ((fe.options & PR_O_DONTLOGNULL) !== 0 && why !== SSL_HS_FAILURE) return;
  const b = hs.l.bind;
  const ip = hs.clientIp.startsWith('::ffff:') ? hs.clientIp.slice(7) : hs.clientIp;
  const n = putDateLocalMs(dateBuf, 0, hs.acceptMs);
  const bindName = b.name !== '' ? b.name : String(fe.binds.indexOf(b) + 1);
  logConnError(fe, ip + ':' + hs.clientPort + ' [' + dateBuf.toString('latin1', 0, n) + '] ' + fe.name + '/' + bindName + ': ' + why);
}
