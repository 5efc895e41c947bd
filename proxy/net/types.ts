/*
 * Types of the socket layer (proxy/net/): the handler signatures a RawSocket's owner sets, and the error it reports.
 * Types only. Hot path: no (types).
 */

/** A socket error as node reports it: `code` is the libuv name (ECONNRESET, EPIPE, ECONNREFUSED, ETIMEDOUT...). */
export interface SockError extends Error {
  code: string;
  errno: number;
  syscall: string;
}

/**
 * The subset of a socket the proxy's streams use (client sockets, server sockets, pooled sockets). RawSocket
 * (proxy/net/raw-socket.ts) implements it over a libuv handle.
 */
export interface ProxySocket {
  readonly destroyed: boolean;
  readonly writable: boolean;
  readonly writableLength: number;
  readonly remoteAddress: string | undefined;
  readonly remotePort: number | undefined;
  readonly localAddress: string | undefined;
  readonly localPort: number | undefined;
  write(data: Buffer | string, enc?: BufferEncoding | WriteCb, cb?: WriteCb): boolean;
  end(): void;
  destroy(): void;
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
