/* The libuv handle behind a node:dgram socket: its fd, for synchronous read(2)/write(2) of whole datagrams (Node has
 * no recvmmsg and its 'message' path costs a Buffer, an rinfo object and a JS event per datagram), and its native
 * send, which returns a send error as a number where fs.writeSync throws (a UVException costs ~10 µs). Reached
 * through dgram's private state (not the deprecated `_handle`); null wherever that is unavailable, so callers fall
 * back to the public API. Used by the proxy's UDP log sender, the collector's UDP receive thread and the benchmark's
 * sender. Hot path: no (called once per socket).
 */
import type dgram from 'node:dgram';

export interface UdpFdHandle {
  readonly fd: number;
  /** Stops libuv's reads on the fd (the caller reads it itself). */
  recvStop(): number;
}

/**
 * Native send on a connected socket: `send(req, list, list.length, hasCallback)` returns the byte count + 1 when the
 * datagram left synchronously, 0 when libuv queued it (socket buffer full: `req` and the buffers must then stay
 * referenced until it is sent), or a negative errno (-ECONNREFUSED after an ICMP port unreachable, ...).
 */
export interface UdpSendHandle {
  send(req: object, list: Uint8Array[], count: number, hasCallback: boolean): number;
  getSendQueueCount(): number;
}

/** The bound socket's handle with a valid fd, or null. */
export function udpFdHandle(s: dgram.Socket): UdpFdHandle | null {
  const k = Object.getOwnPropertySymbols(s).find((x) => x.description === 'state symbol');
  const st = k === undefined ? undefined : (s as unknown as Record<symbol, { handle?: Partial<UdpFdHandle> } | undefined>)[k];
  const h = st?.handle;
  if (h === undefined || typeof h.fd !== 'number' || h.fd < 0 || typeof h.recvStop !== 'function') return null;
  return h as UdpFdHandle;
}

type SendWrapCtor = new () => object;
let sendWrap: SendWrapCtor | null | undefined;

/** The constructor of the request objects the native send takes (node's udp_wrap binding), or null. */
function sendWrapCtor(): SendWrapCtor | null {
  if (sendWrap === undefined) {
    sendWrap = null;
    try {
      const b = (process as unknown as { binding(name: string): { SendWrap?: unknown } }).binding('udp_wrap');
      if (typeof b.SendWrap === 'function') sendWrap = b.SendWrap as SendWrapCtor;
    } catch { /* not exposed by this runtime */ }
  }
  return sendWrap;
}

/** The connected socket's native send and a request object for it, or null (callers use the fd or dgram's send). */
export function udpSendHandle(s: dgram.Socket): { h: UdpSendHandle; newReq: () => object } | null {
  const h = udpFdHandle(s) as (UdpFdHandle & Partial<UdpSendHandle>) | null;
  const Req = sendWrapCtor();
  if (h === null || Req === null || typeof h.send !== 'function' || typeof h.getSendQueueCount !== 'function') return null;
  return { h: h as UdpFdHandle & UdpSendHandle, newReq: () => new Req() };
}
