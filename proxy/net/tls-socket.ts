/*
 * TlsSocket: the ProxySocket contract (net/types.ts: one handler property per event, write false under backpressure
 * then ondrain, end = half-close after pending writes, destroy, pause/resume) over a node tls.TLSSocket, for client
 * connections accepted on `bind ... ssl` (ssl/accept.ts wraps them once the handshake is done) and for `server ...
 * ssl` connections (tlsConnect, used by backend/connect.ts). http/stream.ts and tcp/forward.ts use it unchanged; plain
 * sockets stay RawSockets and never pass here. Reads are fresh Buffers (copy mode: readBuf stays null).
 * Hot path: yes for TLS connections only (one listener call per TLS record read).
 */
import type { TLSSocket, ConnectionOptions } from 'node:tls';
import { nodeTls } from '../lazy-builtins.ts';
import { isIP, connect as netConnect } from 'node:net';
import type { SockError, WriteCb, ProxySocket } from './types.ts';
import type { TlsInfo, SslServerCfg } from '../ssl/types.ts';

const kWrap = Symbol('sluice.tlsSocket');
type Ts = TLSSocket & { [kWrap]?: TlsSocket };

function noop(): void { /* default handler */ }
function noopData(_chunk: Buffer): void { /* default handler */ }
function noopErr(_e: SockError): void { /* default handler */ }

/** A node-style SockError from whatever the TLS layer reported (OpenSSL reasons keep their code). */
export function tlsSockError(e: Error): SockError {
  const se = e as SockError;
  if (typeof se.code !== 'string') se.code = 'EPROTO';
  if (typeof se.errno !== 'number') se.errno = -71;
  if (typeof se.syscall !== 'string') se.syscall = 'read';
  return se;
}

/** The DN in HAProxy's form: `/C=FR/O=Org/CN=name` from node's newline-separated subject text. */
export function dnText(s: string | undefined): string {
  if (s === undefined || s === '') return '';
  return '/' + s.split('\n').join('/');
}

/**
 * The session facts fetches and logs read, captured once after the handshake. Our own certificate's DN (ssl_f_s_dn)
 * comes from the caller (known per certificate at load: parsing it per handshake cost ~20% of a Connection: close TLS
 * session's CPU).
 */
class TlsSession implements TlsInfo {
  version: string;
  cipher: string;
  sni: string;
  alpn: string;
  clientCert: boolean;
  clientVerify: number;
  clientSubject = '';
  clientIssuer = '';
  resumed: boolean;
  readonly frontSubject: string;
  acceptMs: number;
  /** The connection itself: certificate fetches (ssl/fetches-cert.ts) read it when used, never per handshake. */
  readonly sock: TLSSocket;
  constructor(ts: TLSSocket, server: boolean, verifyCode: number, clientCert: boolean, frontSubject: string, acceptMs: number) {
    this.sock = ts;
    const c = ts.getCipher();
    const sn = (ts as TLSSocket & { servername?: string | false }).servername;
    const alpn = ts.alpnProtocol;
    this.version = ts.getProtocol() ?? '';
    this.cipher = c !== undefined && c !== null ? c.name : '';
    this.sni = typeof sn === 'string' ? sn : '';
    this.alpn = typeof alpn === 'string' ? alpn : '';
    this.clientCert = clientCert;
    this.clientVerify = verifyCode;
    this.resumed = ts.isSessionReused();
    this.frontSubject = frontSubject;
    this.acceptMs = acceptMs;
    if (server && clientCert) {
      const peer = ts.getPeerX509Certificate();
      if (peer !== undefined) { this.clientSubject = dnText(peer.subject); this.clientIssuer = dnText(peer.issuer); }
    }
  }
}

export function tlsInfoOf(ts: TLSSocket, server: boolean, verifyCode: number, clientCert: boolean, frontSubject = '', acceptMs = 0): TlsInfo {
  return new TlsSession(ts, server, verifyCode, clientCert, frontSubject, acceptMs);
}

/** The owner-set part of the ProxySocket contract (handlers, owner, pool fields), shared by the TLS sockets. */
export class SocketSlots {
  owner: any = null;
  ondata: (this: ProxySocket, chunk: Buffer) => void = noopData;
  onend: (this: ProxySocket) => void = noop;
  ondrain: (this: ProxySocket) => void = noop;
  onerror: (this: ProxySocket, err: SockError) => void = noopErr;
  onclose: (this: ProxySocket, hadError: boolean) => void = noop;
  onconnect: (this: ProxySocket) => void = noop;
  /** Reads are fresh Buffers (copy mode). */
  readBuf: Buffer | null = null;
  poolUses = 0;
  poolOwner: object | null = null;
}

export class TlsSocket extends SocketSlots implements ProxySocket {
  readonly ts: Ts;
  destroyed = false;
  readEnded = false;
  ended = false;
  connecting: boolean;
  paused: boolean;
  /** Writes handed to the TLS socket whose callback has not run yet: ondrain when it drops to 0. */
  pendingWrites = 0;
  tls: TlsInfo | null;
  error: SockError | null = null;
  /** Per-socket write completion (one closure per connection, none per write). */
  readonly writeDone: (err?: Error | null) => void;
  /** Server connections: the server's TLS settings (session kept for ssl-reuse). */
  srvCfg: SslServerCfg | null = null;
  /** The SNI came from the request (backend/pool.ts parks no such connection for other requests). */
  noReuse = false;
  /** The SNI this server connection sent ('' = none). */
  sni = '';
  /** TLS over another ProxySocket (after a PROXY header): the addresses are that socket's (the header's). */
  addrFrom: ProxySocket | null = null;

  /** Wraps `ts`: an accepted, handshaken server-side socket (paused), or a connecting client one (`connecting`). */
  constructor(ts: TLSSocket, connecting: boolean, tls: TlsInfo | null) {
    super();
    this.ts = ts as Ts;
    this.connecting = connecting;
    this.paused = !connecting;
    this.tls = tls;
    this.writeDone = (err) => { this.wrote(err ?? null); };
    const t = this.ts;
    t[kWrap] = this;
    if (!connecting) t.pause();
    t.on('data', onTsData);
    t.on('end', onTsEnd);
    t.on('error', onTsError);
    t.on('close', onTsClose);
    if (connecting) t.once('secureConnect', onTsSecureConnect);
  }

  get writable(): boolean { return !this.destroyed && !this.ended; }
  get writableLength(): number { return this.ts.writableLength; }
  get remoteAddress(): string | undefined { return this.addrFrom !== null ? this.addrFrom.remoteAddress : this.ts.remoteAddress; }
  get remotePort(): number | undefined { return this.addrFrom !== null ? this.addrFrom.remotePort : this.ts.remotePort; }
  get localAddress(): string | undefined { return this.addrFrom !== null ? this.addrFrom.localAddress : this.ts.localAddress; }
  get localPort(): number | undefined { return this.addrFrom !== null ? this.addrFrom.localPort : this.ts.localPort; }

  setNoDelay(on = true): void { this.ts.setNoDelay(on); }
  setKeepAlive(on = true, delayMs = 0): void { this.ts.setKeepAlive(on, delayMs); }

  isPaused(): boolean { return this.paused; }
  pause(): void { this.paused = true; if (!this.connecting) this.ts.pause(); }
  resume(): void {
    this.paused = false;
    if (!this.connecting && !this.readEnded && !this.destroyed) this.ts.resume();
  }

  /** Same contract as RawSocket.write: false at the high-water mark, ondrain once every write completed. */
  write(data: Buffer | string, enc?: BufferEncoding | WriteCb, cb?: WriteCb): boolean {
    if (typeof enc === 'function') { cb = enc; enc = undefined; }
    const buf = typeof data === 'string' ? Buffer.from(data, enc ?? 'utf8') : data;
    if (this.destroyed || this.ended) {
      const e = tlsSockError(Object.assign(new Error('write ' + (this.destroyed ? 'EBADF' : 'EPIPE')), { code: this.destroyed ? 'EBADF' : 'EPIPE', errno: this.destroyed ? -9 : -32, syscall: 'write' }));
      if (cb !== undefined) process.nextTick(cb, e);
      return false;
    }
    this.pendingWrites++;
    if (cb === undefined) return this.ts.write(buf, this.writeDone);
    const done = this.writeDone;
    return this.ts.write(buf, (err) => { done(err); cb(err === null || err === undefined ? null : tlsSockError(err)); });
  }

  private wrote(err: Error | null): void {
    this.pendingWrites--;
    if (err !== null || this.destroyed) return;       // 'error' follows
    if (this.pendingWrites === 0) this.ondrain();
  }

  cork(): void { this.ts.cork(); }
  uncork(): void { this.ts.uncork(); }

  /** Half-close: close_notify and FIN after the pending writes. Idempotent. */
  end(): void {
    if (this.ended || this.destroyed) return;
    this.ended = true;
    this.ts.end();
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.ts.destroy();
  }

  /** No RST through a TLS layer: a plain close. */
  resetAndDestroy(): void { this.destroy(); }
}

function wrapOf(t: Ts): TlsSocket | undefined { return t[kWrap]; }

function onTsData(this: Ts, chunk: Buffer): void {
  const s = wrapOf(this);
  if (s !== undefined && !s.destroyed) s.ondata(chunk);
}

function onTsEnd(this: Ts): void {
  const s = wrapOf(this);
  if (s === undefined || s.readEnded) return;
  s.readEnded = true;
  if (!s.destroyed) s.onend();
}

function onTsError(this: Ts, e: Error): void {
  const s = wrapOf(this);
  if (s === undefined || s.error !== null) return;
  s.error = tlsSockError(e);
  s.destroyed = true;
  // a TLS alert (ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED...) is emitted without destroying a half-open socket
  this.destroy();
}

function onTsClose(this: Ts): void {
  const s = wrapOf(this);
  if (s === undefined) return;
  s.destroyed = true;
  this[kWrap] = undefined;
  const e = s.error;
  if (e !== null) s.onerror(e);
  s.onclose(e !== null);
}

function onTsSecureConnect(this: Ts): void {
  const s = wrapOf(this);
  if (s === undefined || s.destroyed) return;
  s.connecting = false;
  s.tls = tlsInfoOf(this, false, 0, false);
  s.onconnect();
  if (s.destroyed) return;
  if (s.paused) this.pause();
}

function onTsSession(this: Ts, session: Buffer): void {
  const s = wrapOf(this);
  if (s !== undefined && s.srvCfg !== null && s.srvCfg.reuse) { s.srvCfg.session = session; s.srvCfg.sessionSni = s.sni; }
}

/** Node's host name check against the configured name (verifyhost, else the SNI) instead of the connect address. */
function checkHostFn(host: string): ConnectionOptions['checkServerIdentity'] {
  return (_name, cert) => nodeTls().checkServerIdentity(host, cert);
}
function noHostCheck(): undefined { return undefined; }

/**
 * Opens a TLS connection to a server: TCP connect then handshake with the server's context (`cfg.ctx`), SNI `sni`
 * ('' = none; IP addresses are never sent), verification as `verify`/`verifyhost` say (HAProxy checks the host name
 * only with verifyhost or an SNI), the last session offered again (ssl-reuse). `preamble` (a PROXY header:
 * send-proxy) goes out in clear before the handshake. Outcome as rawConnectTcp: onconnect once the handshake is done,
 * or onerror (ECONNREFUSED, certificate errors...) then onclose.
 */
export function tlsConnect(host: string, port: number, cfg: SslServerCfg, sni: string, noDelay: boolean, keepAlive: boolean,
  preamble: Buffer | null = null, srcHost = '', srcPort = 0): TlsSocket {
  const opts: ConnectionOptions = {
    host, port, secureContext: cfg.ctx ?? undefined, allowHalfOpen: true, rejectUnauthorized: cfg.verify === 2,
  } as ConnectionOptions;
  // `source` (backend/source.ts): the local address/port to connect from
  const local = srcHost !== '' || srcPort !== 0 ? { localAddress: srcHost !== '' ? srcHost : undefined, localPort: srcPort !== 0 ? srcPort : undefined } : null;
  if (local !== null) Object.assign(opts, local);
  if (preamble !== null) {
    // written while connecting: node flushes it on connect, before the TLS layer starts its handshake
    const raw = netConnect({ host, port, allowHalfOpen: true, ...local });
    raw.on('error', noopErr);            // reported by the TLS socket
    if (noDelay) raw.setNoDelay(true);
    raw.write(preamble);
    opts.socket = raw;
  }
  if (sni !== '' && isIP(sni) === 0) opts.servername = sni;
  else { (opts as { servername?: string }).servername = ''; sni = ''; }
  const checkName = cfg.verifyHost !== '' ? cfg.verifyHost : sni;
  opts.checkServerIdentity = cfg.verify === 2 && checkName !== '' ? checkHostFn(checkName) : noHostCheck;
  if (cfg.opts.alpn !== null && cfg.opts.alpn.length > 0) opts.ALPNProtocols = cfg.opts.alpn;
  if (cfg.reuse && cfg.session !== null && cfg.sessionSni === sni) opts.session = cfg.session;
  const ts = nodeTls().connect(opts);
  if (noDelay) ts.setNoDelay(true);
  if (keepAlive) ts.setKeepAlive(true, 0);
  const s = new TlsSocket(ts, true, null);
  s.srvCfg = cfg;
  s.noReuse = cfg.sniDynamic;
  s.sni = sni;
  if (cfg.reuse) ts.on('session', onTsSession);
  return s;
}
