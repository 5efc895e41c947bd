/*
 * Server-side TLS handshakes of `bind ... ssl` listeners. frontend.ts wraps each accepted handle with tlsAcceptorFor()
 * (a TlsPending socket: addresses, close, no reading) and counts the connection as any other (feconn, maxconn,
 * conn_tot, `tcp-request connection` rules, as 2.6 does before its handshake); tlsHandshake() then runs the handshake
 * (SNI picks the certificate, client certificates checked per `verify`, strict-sni, ALPN limited to http/1.1,
 * `timeout client` as the handshake timeout) and hands back a TlsSocket (net/tls-socket.ts) for the session. After a
 * PROXY header (accept-proxy) it runs over the socket that carried the header instead. A failed handshake never becomes
 * a session: it is logged as HAProxy 2.6 does (`<ci>:<cp> [<accept date>] <fe>/<bind>: SSL handshake failure`,
 * "Connection closed during SSL handshake", "Timeout during SSL handshake", "SSL client certificate not trusted")
 * and closed. Wired by proxy/modules.ts. Hot path: per TLS connection (handshake).
 */
import { Socket } from 'node:net';
import { Duplex } from 'node:stream';
import type { TLSSocket, SecureContext } from 'node:tls';
import { nodeTls } from '../lazy-builtins.ts';
import type { BindCfg, Proxy } from '../model/types.ts';
import { PR_O_DONTLOGNULL } from '../model/types.ts';
import type { SslBindCfg } from './types.ts';
import { bindSsl } from './keywords.ts';
import { sniContext } from './context.ts';
import { TlsSocket, SocketSlots, tlsInfoOf } from '../net/tls-socket.ts';
import type { ProxySocket, SockError, WriteCb } from '../net/types.ts';
import { Timer, timerArm, timerDisarm } from '../timer-wheel.ts';
import { logConnError } from '../log/emit.ts';

/** What frontend.ts is told when a handshake ends: ok with the TLS socket, or not (already logged and closed). */
export type TlsDone<F extends Proxy> = (fe: F, sock: ProxySocket, bind: BindCfg, ok: boolean) => void;

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
  readonly fe: Proxy;
  readonly bind: BindCfg;
  readonly cfg: SslBindCfg;
  readonly done: TlsDone<Proxy>;
  readonly acceptMs: number;
  readonly ts: TLSSocket;
  readonly timer: Timer;
  finished = false;
  clientIp = '';
  clientPort = 0;
  /** The socket frontend.ts counted (TlsPending, or the one that carried a PROXY header): its addresses, its close. */
  readonly under: ProxySocket;
  constructor(fe: Proxy, bind: BindCfg, cfg: SslBindCfg, done: TlsDone<Proxy>, ts: TLSSocket, under: ProxySocket, acceptMs: number) {
    this.fe = fe; this.bind = bind; this.cfg = cfg; this.done = done; this.ts = ts; this.under = under; this.acceptMs = acceptMs;
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
 * An accepted connection of an ssl bind before its handshake: the ProxySocket frontend.ts counts, queues (maxconn),
 * runs `tcp-request connection` rules on and closes; it reads and writes nothing (net.Socket over the handle, not
 * started: the TLS layer takes the handle over). tlsHandshake() turns it into a TlsSocket.
 */
export class TlsPending extends SocketSlots implements ProxySocket {
  readonly tlsPending = true;
  readonly raw: Socket;
  readonly acceptMs: number;
  readonly readEnded = false;
  constructor(handle: unknown) {
    super();
    this.acceptMs = Date.now();
    this.raw = new Socket({ handle, allowHalfOpen: true, readable: true, writable: true, manualStart: true } as ConstructorParameters<typeof Socket>[0]);
    this.raw.on('error', ignoreErr);      // the TLS socket reports errors; this one must never throw unhandled
  }
  get destroyed(): boolean { return this.raw.destroyed; }
  get writable(): boolean { return false; }
  get writableLength(): number { return 0; }
  get remoteAddress(): string | undefined { return this.raw.remoteAddress; }
  get remotePort(): number | undefined { return this.raw.remotePort; }
  get localAddress(): string | undefined { return this.raw.localAddress; }
  get localPort(): number | undefined { return this.raw.localPort; }
  write(_d: Buffer | string, _e?: BufferEncoding | WriteCb, _cb?: WriteCb): boolean { return false; }
  end(): void { this.raw.end(); }
  destroy(): void { this.raw.destroy(); }
  resetAndDestroy(): void { if (typeof this.raw.resetAndDestroy === 'function') this.raw.resetAndDestroy(); else this.raw.destroy(); }
  pause(): void { /* nothing is read before the handshake */ }
  resume(): void { /* the handshake starts reading */ }
  isPaused(): boolean { return true; }
  cork(): void { /* no writes */ }
  uncork(): void { /* no writes */ }
  setNoDelay(on = true): void { this.raw.setNoDelay(on); }
  setKeepAlive(on = true, delayMs = 0): void { this.raw.setKeepAlive(on, delayMs); }
}

/** The wrapper of accepted handles of bind `b` for frontend.ts, or null for a plain bind (or one without contexts). */
export function tlsAcceptorFor(b: BindCfg): ((handle: unknown) => ProxySocket) | null {
  const c = bindSsl(b);
  if (c === null || c.defaultCtx === null) return null;
  return newTlsPending;
}
function newTlsPending(handle: unknown): ProxySocket { return new TlsPending(handle); }

function newServerOptions(c: SslBindCfg) {
  return {
    isServer: true, secureContext: c.defaultCtx ?? undefined, SNICallback: sniCallbackFor(c), requestCert: c.verify > 0,
    rejectUnauthorized: c.verify === 2, ALPNProtocols: c.opts.alpn !== null && c.opts.alpn.length > 0 ? c.opts.alpn : undefined,
  };
}
type HsOptions = ReturnType<typeof newServerOptions>;

/** The TLSSocket options of a bind, built on its first handshake (the contexts are final after post-parse; node copies them). */
const hsOptions = new WeakMap<SslBindCfg, HsOptions>();
function serverOptions(c: SslBindCfg): HsOptions {
  let o = hsOptions.get(c);
  if (o === undefined || o.secureContext !== (c.defaultCtx ?? undefined)) { o = newServerOptions(c); hsOptions.set(c, o); }
  return o;
}

/**
 * Runs the TLS handshake of an admitted connection of an ssl bind: `sock` is a TlsPending (direct: the TLS layer reads
 * the handle), or any socket after a PROXY header with the bytes read past it in `leftover` (through a JS stream:
 * slower). Returns false for a plain bind (nothing done). Else `done(fe, tlsSock, bind, true)` once handshaken, or
 * `done(fe, sock, bind, false)` after the failure was logged and the connection closed.
 */
export function tlsHandshake<F extends Proxy>(fe: F, sock: ProxySocket, bind: BindCfg, leftover: Buffer | null, done: TlsDone<F>): boolean {
  const c = bindSsl(bind);
  if (c === null || c.defaultCtx === null) return false;
  const direct = sock instanceof TlsPending;
  const ts = new (nodeTls().TLSSocket)(direct ? sock.raw : new SockDuplex(sock, leftover), serverOptions(c)) as HsSock;
  const hs = new Handshake(fe, bind, c, done as TlsDone<Proxy>, ts, sock, direct ? sock.acceptMs : Date.now());
  hs.clientIp = sock.remoteAddress ?? '';
  hs.clientPort = sock.remotePort ?? 0;
  ts[kHs] = hs;
  ts.on('secure', onHsSecure);
  ts.on('error', onHsError);
  ts.on('end', onHsEnd);
  ts.on('close', onHsClose);
  if (c.handshakeTimeout > 0) timerArm(hs.timer, c.handshakeTimeout, hs.acceptMs);
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
  hs.finished = true;
  timerDisarm(hs.timer);
  ts.removeListener('secure', onHsSecure);
  ts.removeListener('error', onHsError);
  ts.removeListener('end', onHsEnd);
  ts.removeListener('close', onHsClose);
  ts[kHs] = undefined;
}

function onHsSecure(this: HsSock): void {
  const hs = this[kHs];
  if (hs === undefined || hs.finished) return;
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
  // after a PROXY header, the addresses (and fc_rcvd_proxy) are those of the socket that carried it
  if (!(hs.under instanceof TlsPending)) sock.addrFrom = hs.under;
  hs.done(hs.fe, sock, hs.bind, true);
}

function onHsError(this: HsSock, e: NodeJS.ErrnoException): void {
  const hs = this[kHs];
  if (hs === undefined || hs.finished) return;
  fail(this, hs, e.code === 'ECONNRESET' || e.code === 'EPIPE' ? SSL_HS_CLOSED : SSL_HS_FAILURE);
}

function onHsEnd(this: HsSock): void {
  const hs = this[kHs];
  if (hs !== undefined && !hs.finished) fail(this, hs, SSL_HS_CLOSED);
}

function onHsClose(this: HsSock): void {
  const hs = this[kHs];
  if (hs !== undefined && !hs.finished) fail(this, hs, SSL_HS_CLOSED);
}

function onHsTimeout(hs: Handshake): void {
  if (!hs.finished) fail(hs.ts as HsSock, hs, SSL_HS_TIMEOUT);
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
  hs.done(hs.fe, hs.under, hs.bind, false);
}

function ignoreErr(): void { /* after a failed handshake */ }

/** Logs the failure (log/emit.ts logConnError builds the line). */
function logHandshakeFailure(hs: Handshake, why: string): void {
  // 2.6 with dontlognull: a client that closed or timed out without a byte is not logged; a bad handshake is
  if ((hs.fe.options & PR_O_DONTLOGNULL) !== 0 && why !== SSL_HS_FAILURE) return;
  logConnError(hs.fe, hs.bind, hs.clientIp, hs.clientPort, hs.acceptMs, why);
}
