/*
 * RawSocket: a thin stream socket straight on node's libuv handles (tcp_wrap TCP, pipe_wrap Pipe; stream_wrap write/
 * shutdown requests), in place of net.Socket (Duplex streams + EventEmitter) for the proxied connections: client
 * sockets accepted by frontend.ts, server sockets opened by backend/connect.ts, pooled by backend/pool.ts. It offers
 * only what the streams use: write (false under backpressure, then ondrain), cork/uncork (one writev), end (half-close
 * after the pending writes), destroy/resetAndDestroy, pause/resume, addresses on demand, and one handler per event
 * set as a property by the current owner (no listener lists, no closures per connection). Hot path: yes.
 */
import { isIP } from 'node:net';
import { lookup } from 'node:dns';
import { getSystemErrorName } from 'node:util';
import type { SockError, WriteCb, ProxySocket } from './types.ts';
import { bufCopy } from './buf-copy.ts';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Binding = any;
const tcpWrap: Binding = (process as any).binding('tcp_wrap');
const pipeWrap: Binding = (process as any).binding('pipe_wrap');
const streamWrap: Binding = (process as any).binding('stream_wrap');
const TCP = tcpWrap.TCP;
const TCPConnectWrap = tcpWrap.TCPConnectWrap;
const Pipe = pipeWrap.Pipe;
const PipeConnectWrap = pipeWrap.PipeConnectWrap;
const WriteWrap = streamWrap.WriteWrap;
const ShutdownWrap = streamWrap.ShutdownWrap;
const sbState: Int32Array = streamWrap.streamBaseState;
const K_NREAD: number = streamWrap.kReadBytesOrError;
const K_ASYNC: number = streamWrap.kLastWriteWasAsync;
const K_BYTES: number = streamWrap.kBytesWritten;
if (typeof TCP !== 'function' || typeof WriteWrap !== 'function' || typeof Pipe !== 'function' || !(sbState instanceof Int32Array)) {
  throw new Error('sluice: this node lacks the tcp_wrap/pipe_wrap/stream_wrap bindings proxy/net/raw-socket.ts is built on (node 20 has them)');
}

/** Largest first write of an outgoing connection sent before TCP_NODELAY is set (under one Ethernet MSS). */
const NODELAY_LAZY_MAX = 1400;
/** libuv's UV_EOF. */
const UV_EOF = -4095;
/** Pending (not yet in the kernel) bytes at which write() says "stop" (net.Socket's default highWaterMark). */
export const RAW_WRITE_HWM = 16384;
/** Size of the read buffer shared by every socket that reads in copy mode. */
const SHARED_READ_SIZE = 65536;
const sharedReadBuf = Buffer.allocUnsafeSlow(SHARED_READ_SIZE);
/** Size of own read buffers: node's own read size (16 KiB reads measured ~1.8x the CPU per MiB). */
export const RAW_READ_BUF_SIZE = 65536;
const READ_BUF_FREE_MAX = 16;            // 1 MiB of spare read buffers at most (RSS)
const readBufFree: Buffer[] = [];
/**
 * Lending sockets (server sockets) read straight into an own buffer only while reads fill it (bulk transfer): a read
 * that leaves room means the socket was drained, and the socket goes back to the shared buffer, each read copied
 * into a buffer lent for that read (given back after ondata unless the owner kept it). Idle and small-response
 * connections so hold no 64 KiB buffer (keep-alive: 75 of them were 4.8 MB of RSS; 1 MiB responses filled them).
 */
const LEND_KEEP_MIN = RAW_READ_BUF_SIZE;

/** An own read buffer for a socket (recycled, else allocated outside V8's heap). */
export function rawReadBufTake(): Buffer {
  return readBufFree.pop() ?? Buffer.allocUnsafeSlow(RAW_READ_BUF_SIZE);
}

/**
 * Gives back a buffer from rawReadBufTake that nothing references anymore (no queued write, no socket reading into
 * it). Without this a server connection per session (Connection: close) allocated and GC'd 64 KiB each.
 */
export function rawReadBufGive(b: Buffer): void {
  if (b.length === RAW_READ_BUF_SIZE && readBufFree.length < READ_BUF_FREE_MAX) readBufFree.push(b);
}

/** The libuv stream handle as the bindings expose it, with our back-pointer. */
interface StreamHandle {
  raw: RawSocket | null;
  onread: (this: StreamHandle, ab: ArrayBuffer | undefined) => Buffer | undefined;
  readStart(): number;
  readStop(): number;
  useUserBuffer(b: Buffer): void;
  writeBuffer(req: unknown, b: Buffer): number;
  writev(req: unknown, chunks: Buffer[], allBuffers: boolean): number;
  writeLatin1String(req: unknown, s: string): number;
  writeUtf8String(req: unknown, s: string): number;
  shutdown(req: unknown): number;
  close(cb?: (this: StreamHandle) => void): void;
  reset?(cb?: (this: StreamHandle) => void): number;
  getpeername?(out: AddrOut): number;
  getsockname?(out: AddrOut): number;
  setNoDelay?(on: boolean): number;
  setKeepAlive?(on: boolean, delaySec: number): number;
  connect(req: unknown, addr: string, port?: number): number;
  connect6?(req: unknown, addr: string, port: number): number;
  bind?(addr: string, port: number): number;
  bind6?(addr: string, port: number, flags: number): number;
}
interface AddrOut { address?: string; port?: number; family?: string }
interface WriteReq { handle: StreamHandle | null; oncomplete: (this: WriteReq, status: number) => void; bytes: number; data: unknown; cb: WriteCb | null }

function noop(): void { /* default handler */ }
function noopData(_chunk: Buffer): void { /* default handler */ }
function noopErr(_e: SockError): void { /* default handler */ }

/** A node-style error for libuv status `status` in `syscall` (error paths only). */
export function sockError(status: number, syscall: string): SockError {
  let code: string;
  try { code = getSystemErrorName(status); } catch { code = 'E' + String(-status); }
  const e = new Error(`${syscall} ${code}`) as SockError;
  e.code = code; e.errno = status; e.syscall = syscall;
  return e;
}

/*
 * Write requests: a request object whose write completed synchronously (the usual case: libuv's try-write put every
 * byte in the kernel) was never bound to a native request and is reused for the next write.
 */
let spareReq: WriteReq | null = null;
function takeReq(): WriteReq {
  const r = spareReq;
  if (r !== null) { spareReq = null; return r; }
  const req = new WriteWrap() as WriteReq;
  req.oncomplete = onWriteDone;
  req.handle = null; req.bytes = 0; req.data = null; req.cb = null;
  return req;
}

export class RawSocket implements ProxySocket {
  handle: StreamHandle | null;
  /** The stream (session) this socket serves now; handlers reach it here. Null when pooled or discarded. */
  owner: any = null;
  /** Bytes received (copy mode or own buffer); `data` is a fresh Buffer in copy mode, a view of `readBuf` else. */
  ondata: (this: ProxySocket, chunk: Buffer) => void = noopData;
  /** The peer's FIN (reading stops; writing may go on: half-close). */
  onend: (this: ProxySocket) => void = noop;
  /** Every queued write is in the kernel again (after write() returned false, or after any write that was queued). */
  ondrain: (this: ProxySocket) => void = noop;
  /** An error ends the socket: onerror(err), then onclose(true). */
  onerror: (this: ProxySocket, err: SockError) => void = noopErr;
  /** The handle is closed (after destroy(), an error, or both directions shut). Called once, asynchronously. */
  onclose: (this: ProxySocket, hadError: boolean) => void = noop;
  /** Outgoing connection established. */
  onconnect: (this: ProxySocket) => void = noop;
  /** Own read buffer (reads land in it and `ondata` gets a view); null = shared buffer, copied out per read. */
  readBuf: Buffer | null;
  /** Copy mode copies each read into a lent own buffer (readBuf during ondata), kept while reads fill it. */
  lend = false;
  poolUses = 0;
  poolOwner: object | null = null;
  destroyed = false;
  connecting = false;
  /** true once end() was called (no more writes). */
  ended = false;
  /** end() was called while connecting: shut down once connected. */
  shutPending = false;
  /** The shutdown completed (our FIN is out). */
  shutDone = false;
  /** The peer's FIN was read. */
  readEnded = false;
  paused = true;
  reading = false;
  needDrain = false;
  corked = 0;
  corkBufs: Buffer[] | null = null;
  corkBytes = 0;
  /** Bytes handed to libuv but not written yet. */
  pendingBytes = 0;
  pendingReqs = 0;
  bytesRead = 0;
  bytesWritten = 0;
  error: SockError | null = null;
  /**
   * TCP_NODELAY is still to be set (outgoing connections, rawConnectTcp): set before any write but a first one of at
   * most NODELAY_LAZY_MAX bytes, which Nagle never holds (nothing is in flight before it, and it fits one segment).
   * A connection that carries one request (Connection: close) so makes one setsockopt less.
   */
  noDelayLazy = false;
  firstWriteDone = false;
  isTcp: boolean;
  peer: AddrOut | null = null;
  local: AddrOut | null = null;

  /** Wraps a connected (accepted) handle; reading starts at resume(). `readBuf` null = copy mode. */
  constructor(handle: StreamHandle, isTcp: boolean, readBuf: Buffer | null) {
    this.handle = handle;
    this.isTcp = isTcp;
    this.readBuf = readBuf;
    handle.raw = this;
    handle.onread = onHandleRead;
    handle.useUserBuffer(readBuf ?? sharedReadBuf);
  }

  get writable(): boolean { return !this.destroyed && !this.ended; }
  get writableLength(): number { return this.pendingBytes + this.corkBytes; }

  // --- addresses, read once when asked ---
  get remoteAddress(): string | undefined { return this.peerInfo().address; }
  get remotePort(): number | undefined { return this.peerInfo().port; }
  get remoteFamily(): string | undefined { return this.peerInfo().family; }
  get localAddress(): string | undefined { return this.localInfo().address; }
  get localPort(): number | undefined { return this.localInfo().port; }

  private peerInfo(): AddrOut { return this.peer ??= this.addrInfo(true); }
  private localInfo(): AddrOut { return this.local ??= this.addrInfo(false); }

  /** getpeername/getsockname, called once per socket by the getters above ({} when closed or on error). */
  private addrInfo(peer: boolean): AddrOut {
    // the fields the binding stores, present from the start: its stores then hit existing properties (no map
    // transitions; ~0.15 us less per call)
    const out: AddrOut = { address: undefined, family: undefined, port: undefined };
    const h = this.handle;
    if (h === null) return out;
    const f = peer ? h.getpeername : h.getsockname;
    return f !== undefined && f.call(h, out) === 0 ? out : {};
  }

  setNoDelay(on = true): void {
    this.noDelayLazy = false;
    const h = this.handle;
    if (h !== null && h.setNoDelay !== undefined) h.setNoDelay(on);
  }
  setKeepAlive(on = true, delayMs = 0): void {
    const h = this.handle;
    if (h !== null && h.setKeepAlive !== undefined) h.setKeepAlive(on, Math.floor(delayMs / 1000));
  }

  // --- reading ---
  isPaused(): boolean { return this.paused; }

  pause(): void {
    this.paused = true;
    if (this.reading) { this.reading = false; if (this.handle !== null) this.handle.readStop(); }
  }

  resume(): void {
    this.paused = false;
    if (!this.reading && !this.readEnded && !this.destroyed && !this.connecting && this.handle !== null) {
      this.reading = true;
      const err = this.handle.readStart();
      if (err !== 0) this.fail(err, 'read');
    }
  }

  // --- writing ---
  /**
   * Queues `data` (a Buffer kept by reference until written, or a string encoded now). Returns false when the bytes
   * not yet in the kernel reach RAW_WRITE_HWM: ondrain follows once all are written. `cb` runs asynchronously.
   */
  write(data: Buffer | string, enc?: BufferEncoding | WriteCb, cb?: WriteCb): boolean {
    if (typeof enc === 'function') { cb = enc; enc = undefined; }
    const buf = typeof data === 'string' ? Buffer.from(data, enc ?? 'utf8') : data;
    if (this.destroyed || this.ended) {
      const e = sockError(this.destroyed ? -9 /* EBADF */ : -32 /* EPIPE */, 'write');
      if (cb !== undefined) process.nextTick(cb, e);
      return false;
    }
    if (this.corked > 0 || this.connecting) {
      (this.corkBufs ??= []).push(buf);
      this.corkBytes += buf.length;
      if (cb !== undefined) process.nextTick(cb, null);
    } else this.dispatch(buf, null, cb ?? null);
    if (this.pendingBytes + this.corkBytes >= RAW_WRITE_HWM) { this.needDrain = true; return false; }
    return true;
  }

  cork(): void { this.corked++; }

  uncork(): void {
    if (this.corked > 0 && --this.corked === 0 && !this.connecting) this.flushCorked();
  }

  private flushCorked(): void {
    const bufs = this.corkBufs;
    if (bufs === null || bufs.length === 0) return;
    this.corkBufs = null;
    this.corkBytes = 0;
    if (this.destroyed) return;
    if (bufs.length === 1) this.dispatch(bufs[0], null, null);
    else this.dispatch(null, bufs, null);
    // write() said "stop" while corked and the kernel took everything at once: the drain is due now (next tick,
    // like node's, so the owner is not re-entered from inside uncork())
    if (this.needDrain && this.pendingReqs === 0 && !this.destroyed) process.nextTick(emitDrain, this);
  }

  private dispatch(buf: Buffer | null, bufs: Buffer[] | null, cb: WriteCb | null): void {
    const h = this.handle as StreamHandle;
    if (this.noDelayLazy) this.noDelayBefore(buf !== null ? buf.length : NODELAY_LAZY_MAX + 1);
    const req = takeReq();
    req.handle = h;
    const err = buf !== null ? h.writeBuffer(req, buf) : h.writev(req, bufs as Buffer[], true);
    const bytes = sbState[K_BYTES];
    if (err !== 0) {
      spareReq = req;
      req.handle = null;
      if (cb !== null) process.nextTick(cb, sockError(err, 'write'));
      this.fail(err, 'write');
      return;
    }
    this.bytesWritten += bytes;
    if (sbState[K_ASYNC] === 0) {
      req.handle = null;
      spareReq = req;
      if (cb !== null) process.nextTick(cb, null);
      return;
    }
    req.bytes = bytes;
    req.data = buf !== null ? buf : bufs;    // kept alive until written
    req.cb = cb;
    this.pendingBytes += bytes;
    this.pendingReqs++;
  }

  /** A write of `len` bytes is next: sets TCP_NODELAY first unless it is a small first write (see noDelayLazy). */
  private noDelayBefore(len: number): void {
    if (len > NODELAY_LAZY_MAX || this.firstWriteDone) this.setNoDelay(true);
    else this.firstWriteDone = true;
  }

  /** A queued write finished (status 0) or failed. */
  writeDone(req: WriteReq, status: number): void {
    this.pendingBytes -= req.bytes;
    this.pendingReqs--;
    const cb = req.cb;
    req.data = null; req.cb = null; req.handle = null;
    if (this.destroyed) { if (cb !== null) cb(sockError(status !== 0 ? status : -125, 'write')); return; }
    if (status !== 0) { if (cb !== null) cb(sockError(status, 'write')); this.fail(status, 'write'); return; }
    if (cb !== null) cb(null);
    // every queued write is done: ondrain, also when write() never said "stop" (owners recycle buffers there)
    if (this.pendingReqs === 0) { this.needDrain = false; this.ondrain(); }
  }

  /** Half-close: our FIN goes out after every queued write (libuv's shutdown waits for them). Idempotent. */
  end(): void {
    if (this.ended || this.destroyed) return;
    this.ended = true;
    if (this.connecting) { this.shutPending = true; return; }   // sent once connected
    if (this.corked > 0) { this.corked = 0; this.flushCorked(); }
    this.shutdownNow();
  }

  private shutdownNow(): void {
    if (this.destroyed) return;
    const h = this.handle as StreamHandle;
    const req = new ShutdownWrap();
    req.handle = h;
    req.oncomplete = onShutdownDone;
    const err = h.shutdown(req);
    if (err !== 0) this.fail(err, 'shutdown');
  }

  /**
   * Closes now (unsent bytes are dropped; unread bytes make the kernel send a RST). onclose follows, unless the
   * socket was silenced (sockSilence: nobody listens): then the handle closes without a JS callback.
   */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.reading = false;
    const h = this.handle;
    if (h === null) return;
    if (this.silent()) { h.close(); this.closed(); }
    else h.close(onHandleClose);
  }

  /**
   * Closes with a RST (TCP; a plain close for unix sockets, and while our shutdown is still pending: libuv refuses
   * the reset then, and node's handle would stay open, its close() ignored after the failed reset).
   */
  resetAndDestroy(): void {
    if (this.destroyed) return;
    const h = this.handle;
    if (h !== null && this.isTcp && h.reset !== undefined && !this.connecting && (!this.ended || this.shutDone)) {
      this.destroyed = true;
      this.reading = false;
      const quiet = this.silent();
      if (h.reset(quiet ? undefined : onHandleClose) !== 0) h.close(quiet ? undefined : onHandleClose);
      if (quiet) this.closed();
      return;
    }
    this.destroy();
  }

  /**
   * No handler would hear the close (the defaults, as sockSilence leaves them): node then needs no close callback
   * (libuv's close completion reaches JS only when one was given: one MakeCallback and a symbol property store less
   * per socket), and the socket lets go of its handle and read buffer at once (libuv reads nothing after uv_close).
   */
  private silent(): boolean { return this.onclose === noop && this.onerror === noopErr; }

  /** Ends the socket with a libuv error: onerror then onclose (asynchronously, as node does). */
  fail(status: number, syscall: string): void {
    if (this.destroyed) return;
    this.error = sockError(status, syscall);
    this.destroy();
  }

  // --- events from the handle ---
  readEof(): void {
    this.readEnded = true;
    if (this.reading) { this.reading = false; (this.handle as StreamHandle).readStop(); }
    this.onend();
    if (this.shutDone && !this.destroyed) this.destroy();
  }

  shutdownDone(status: number): void {
    if (this.destroyed) return;
    if (status !== 0) { this.fail(status, 'shutdown'); return; }
    this.shutDone = true;
    if (this.readEnded) this.destroy();
  }

  closed(): void {
    const h = this.handle;
    if (h !== null) h.raw = null;
    this.handle = null;
    const rb = this.readBuf;           // libuv reads into it no more
    if (rb !== null) { this.readBuf = null; rawReadBufGive(rb); }
    const e = this.error;
    if (e !== null) this.onerror(e);
    this.onclose(e !== null);
  }

  connectDone(status: number): void {
    if (this.destroyed) return;
    if (status !== 0) { this.fail(status, 'connect'); return; }
    this.connecting = false;
    this.onconnect();
    if (this.destroyed) return;
    if (this.corked === 0) this.flushCorked();
    if (this.shutPending) { this.shutPending = false; this.shutdownNow(); }
    if (!this.paused) { this.paused = true; this.resume(); }
  }
}

/**
 * The owner is done with `s`: its handlers go back to the defaults and its owner to null, so nothing hears of it
 * anymore (a RawSocket then closes without a close callback). For sockets closed right after by their last user.
 */
export function sockSilence(s: ProxySocket): void {
  s.owner = null;
  s.ondata = noopData; s.onend = noop; s.ondrain = noop; s.onerror = noopErr; s.onclose = noop; s.onconnect = noop;
}

function emitDrain(rs: RawSocket): void {
  if (rs.needDrain && rs.pendingReqs === 0 && !rs.destroyed) { rs.needDrain = false; rs.ondrain(); }
}

function onHandleRead(this: StreamHandle, _ab: ArrayBuffer | undefined): Buffer | undefined {
  const rs = this.raw;
  const n = sbState[K_NREAD];
  if (rs === null || rs.destroyed) return undefined;
  if (n > 0) {
    rs.bytesRead += n;
    const own = rs.readBuf;
    if (own === null) {
      if (rs.lend) return lendRead(rs, n);
      const chunk = Buffer.allocUnsafe(n);
      bufCopy(sharedReadBuf, chunk, 0, 0, n);
      rs.ondata(chunk);
      return undefined;
    }
    rs.ondata(own.subarray(0, n));
    const nb = rs.readBuf;
    if (rs.lend && n < LEND_KEEP_MIN && nb !== null) {
      // drained: back to the shared buffer (the owner kept `own`, or nothing references it)
      rs.readBuf = null;
      rawReadBufGive(nb);
      return sharedReadBuf;
    }
    // the owner swapped buffers during the callback (it keeps the old one): libuv reads into the new one next
    return nb !== own && nb !== null ? nb : undefined;
  }
  if (n === UV_EOF) rs.readEof();
  else if (n < 0) rs.fail(n, 'read');
  return undefined;
}

/** A lending socket's read of `n` bytes in the shared buffer: copied into a lent buffer, kept if the read filled it. */
function lendRead(rs: RawSocket, n: number): Buffer | undefined {
  const b = rawReadBufTake();
  bufCopy(sharedReadBuf, b, 0, 0, n);
  rs.readBuf = b;
  rs.ondata(b.subarray(0, n));
  const nb = rs.readBuf;             // `b`, or a fresh buffer when the owner kept `b`
  if (nb === null) return undefined;
  if (n >= LEND_KEEP_MIN && !rs.destroyed) return nb;   // bulk transfer: read straight into it from now on
  rs.readBuf = null;
  rawReadBufGive(nb);
  return undefined;
}

function onWriteDone(this: WriteReq, status: number): void {
  const h = this.handle;
  const rs = h !== null ? h.raw : null;
  if (rs === null) { this.data = null; this.cb = null; this.handle = null; return; }
  rs.writeDone(this, status);
}

function onShutdownDone(this: { handle: StreamHandle }, status: number): void {
  const rs = this.handle.raw;
  if (rs !== null) rs.shutdownDone(status);
}

function onHandleClose(this: StreamHandle): void {
  const rs = this.raw;
  if (rs !== null) rs.closed();
}

function onConnectDone(this: unknown, status: number, handle: StreamHandle): void {
  const rs = handle.raw;
  if (rs !== null) rs.connectDone(status);
}

/** Wraps a handle accepted by a listening net.Server (TCP or Pipe); reads copy out of the shared buffer. */
export function rawFromAccepted(handle: unknown): RawSocket {
  return new RawSocket(handle as StreamHandle, handle instanceof TCP, null);
}

function connectFailedLater(rs: RawSocket, err: number): void { rs.fail(err, 'connect'); }

/** isIP() of server addresses, cached (it runs regular expressions; a server's address rarely changes). */
const ipFamilies = new Map<string, number>();
function ipFamily(host: string): number {
  let f = ipFamilies.get(host);
  if (f === undefined) {
    f = isIP(host);
    if (ipFamilies.size >= 4096) ipFamilies.clear();
    ipFamilies.set(host, f);
  }
  return f;
}

function startTcpConnect(rs: RawSocket, addr: string, port: number, family: number): void {
  const h = rs.handle as StreamHandle;
  const req = new TCPConnectWrap();
  req.oncomplete = onConnectDone;
  req.address = addr;
  req.port = port;
  const err = family === 6 ? (h.connect6 as NonNullable<StreamHandle['connect6']>)(req, addr, port) : h.connect(req, addr, port);
  if (err !== 0) { process.nextTick(connectFailedLater, rs, err); return; }
  readEarly(rs);
}

/*
 * Reading is started while the connect is in progress (libuv allows it; no read can happen before the connect
 * completes, whose callback runs first): the socket is registered with epoll once for POLLOUT|POLLIN, then modified
 * once. Started after the connect instead, libuv's stopped POLLOUT watcher made it try an ADD that fails (EEXIST)
 * before its MOD: one epoll_ctl more per server connection (strace, Connection: close).
 */
function readEarly(rs: RawSocket): void {
  if (rs.paused || rs.reading || rs.handle === null) return;
  if (rs.handle.readStart() === 0) rs.reading = true;
}

/**
 * Opens a TCP connection to host:port (an IP address, or a name resolved with dns.lookup first), from srcHost:srcPort
 * when given (`source`; '' / 0 = chosen by the kernel). `readBuf` null =
 * copy mode. The socket starts reading once connected unless paused; writes and end() before that are queued.
 * Outcome: onconnect, or onerror (ECONNREFUSED, ...) then onclose.
 */
export function rawConnectTcp(host: string, port: number, readBuf: Buffer | null, noDelay: boolean, keepAlive: boolean,
  srcHost = '', srcPort = 0): RawSocket {
  const rs = new RawSocket(new TCP(tcpWrap.constants.SOCKET) as StreamHandle, true, readBuf);
  rs.connecting = true;
  rs.paused = false;
  rs.noDelayLazy = noDelay;
  if (keepAlive) rs.setKeepAlive(true, 0);
  const fam = ipFamily(host);
  if (srcHost !== '' || srcPort !== 0) {
    // `source` (backend/source.ts): bind the local address/port first; a failure (EADDRINUSE, ...) is a connect error
    const h = rs.handle as StreamHandle;
    const v6 = srcHost !== '' ? ipFamily(srcHost) === 6 : fam === 6;
    const err = v6 ? h.bind6!(srcHost === '' ? '::' : srcHost, srcPort, 0) : h.bind!(srcHost === '' ? '0.0.0.0' : srcHost, srcPort);
    if (err !== 0) { process.nextTick(connectFailedLater, rs, err); return rs; }
  }
  if (fam !== 0) startTcpConnect(rs, host, port, fam);
  else {
    lookup(host, (err, addr, family) => {
      if (rs.destroyed) return;
      if (err) { rs.error = Object.assign(err, { errno: -3008, syscall: 'getaddrinfo' }) as SockError; rs.destroy(); return; }
      startTcpConnect(rs, addr, port, family);
    });
  }
  return rs;
}

/** Opens a unix stream socket connection to `path` (same outcome as rawConnectTcp). */
export function rawConnectPipe(path: string, readBuf: Buffer | null): RawSocket {
  const rs = new RawSocket(new Pipe(pipeWrap.constants.SOCKET) as StreamHandle, false, readBuf);
  rs.connecting = true;
  rs.paused = false;
  const req = new PipeConnectWrap();
  req.oncomplete = onConnectDone;
  req.address = path;
  const err = (rs.handle as StreamHandle).connect(req, path);
  if (err !== 0) process.nextTick(connectFailedLater, rs, err);
  else readEarly(rs);
  return rs;
}
