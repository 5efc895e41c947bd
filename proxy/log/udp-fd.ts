/* The file descriptor behind a node:dgram socket, for synchronous read(2)/write(2) of whole datagrams (Node has no
 * recvmmsg and its 'message' path costs a Buffer, an rinfo object and a JS event per datagram). Reached through
 * dgram's private state (not the deprecated `_handle`); null wherever that is unavailable, so callers fall back
 * to the public API. Used by the proxy's UDP log sender, the collector's UDP receive thread and the benchmark's
 * sender. Hot path: no (called once per socket).
 */
import type dgram from 'node:dgram';

export interface UdpFdHandle {
  readonly fd: number;
  /** Stops libuv's reads on the fd (the caller reads it itself). */
  recvStop(): number;
}

/** The bound socket's handle with a valid fd, or null. */
export function udpFdHandle(s: dgram.Socket): UdpFdHandle | null {
  const k = Object.getOwnPropertySymbols(s).find((x) => x.description === 'state symbol');
  const st = k === undefined ? undefined : (s as unknown as Record<symbol, { handle?: Partial<UdpFdHandle> } | undefined>)[k];
  const h = st?.handle;
  if (h === undefined || typeof h.fd !== 'number' || h.fd < 0 || typeof h.recvStop !== 'function') return null;
  return h as UdpFdHandle;
}
