/*
 * Types of the socket layer (proxy/net/): the handler signatures a RawSocket's owner sets, and the error it reports.
 * Types only. Hot path: no (types).
 */
import type { TlsInfo } from '../ssl/types.ts';

/** A socket error as node reports it: `code` is the libuv name (ECONNRESET, EPIPE, ECONNREFUSED, ETIMEDOUT...). */
export interface SockError extends Error {
  code: string;
  errno: number;
  syscall: string;
}

/**
 * The subset of a socket the proxy's streams use (client sockets, server sockets, pooled sockets). RawSocket
 * (proxy/net/raw-socket.ts) implements it over a libuv handle. Handlers are properties set by the current owner
 * (one per event, `this` = the socket); `owner` is whatever the handlers need to reach (a session, a pool entry).
 */
export interface ProxySocket {
  owner: any;
  ondata: (this: ProxySocket, chunk: Buffer) => void;
  onend: (this: ProxySocket) => void;
  ondrain: (this: ProxySocket) => void;
  onerror: (this: ProxySocket, err: SockError) => void;
  onclose: (this: ProxySocket, hadError: boolean) => void;
  onconnect: (this: ProxySocket) => void;
  /** Own read buffer (null: copy mode); may be replaced during ondata, never elsewhere. */
  readBuf: Buffer | null;
  /** Kept for backend/pool.ts: requests carried before each park, and the session a private connection belongs to. */
  poolUses: number;
  poolOwner: object | null;
  readonly destroyed: boolean;
  /** An outgoing connection not established yet (its writes are queued). */
  readonly connecting?: boolean;
  /** The peer's FIN was read. */
  readonly readEnded: boolean;
  readonly writable: boolean;
  readonly writableLength: number;
  readonly remoteAddress: string | undefined;
  readonly remotePort: number | undefined;
  readonly localAddress: string | undefined;
  readonly localPort: number | undefined;
  /** TLS sockets (net/tls-socket.ts): the negotiated session, set once the handshake is done; absent on RawSocket. */
  readonly tls?: TlsInfo | null;
  /** An accepted connection of an ssl bind whose handshake has not run yet (proxy/ssl/accept.ts TlsPending). */
  readonly tlsPending?: boolean;
  /** TLS server connections whose SNI was computed from the request (`sni req.hdr(host)`): never pooled for others. */
  readonly noReuse?: boolean;
  write(data: Buffer | string, enc?: BufferEncoding | WriteCb, cb?: WriteCb): boolean;
  end(): void;
  destroy(): void;
  resetAndDestroy(): void;
  pause(): void;
  resume(): void;
  isPaused(): boolean;
  cork(): void;
  uncork(): void;
  setNoDelay(on?: boolean): void;
  setKeepAlive(on?: boolean, delayMs?: number): void;
}

/** Write completion: called once, asynchronously, with the error when the write failed. */
export type WriteCb = (err?: SockError | null) => void;
