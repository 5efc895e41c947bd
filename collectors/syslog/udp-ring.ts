/* Single-producer single-consumer ring of datagrams in a SharedArrayBuffer: the UDP receive thread appends
 * `[u32 length][u8 peer length][peer bytes][message bytes]` entries (copied by ringPush, or read from the socket
 * straight into the ring with ringReserve + ringCommit), the ingest thread reads them in place.
 * It is a user-space extension of the socket buffer (rmem_max caps SO_RCVBUF at a few MiB, ~6 k small datagrams).
 * Entries never wrap: a WRAP marker sends the reader back to offset 0. Hot path: yes.
 *
 *   ctrl: [0] head (next write)  [1] tail (next read)  [2] entries dropped because the ring was full
 *         [3] close request from the consumer to the receive thread (0 = keep receiving)
 *   data: ... tail→ [len|plen|peer|msg] [len|plen|peer|msg] ... ←head ...
 */

export const RING_HEAD = 0;
export const RING_TAIL = 1;
export const RING_DROPPED = 2;
export const RING_CLOSE = 3;
const WRAP = 0xffffffff;
const HDR = 5;

export interface UdpRing {
  readonly ctrl: Int32Array;
  readonly data: Uint8Array;
  readonly view: DataView;
}

export function newUdpRing(bytes: number): { ctrl: SharedArrayBuffer; data: SharedArrayBuffer } {
  return { ctrl: new SharedArrayBuffer(16), data: new SharedArrayBuffer(bytes) };
}

export function openUdpRing(ctrl: SharedArrayBuffer, data: SharedArrayBuffer): UdpRing {
  return { ctrl: new Int32Array(ctrl), data: new Uint8Array(data), view: new DataView(data) };
}

/** Producer: appends one datagram; returns false (and counts a drop) when the ring is full. Copies `msg`. */
export function ringPush(r: UdpRing, msg: Uint8Array, peer: Uint8Array): boolean {
  const size = r.data.length;
  const need = HDR + peer.length + msg.length;
  let head = Atomics.load(r.ctrl, RING_HEAD);
  const tail = Atomics.load(r.ctrl, RING_TAIL);
  if (head >= tail) {
    if (size - head < need) {
      if (need >= tail) { Atomics.add(r.ctrl, RING_DROPPED, 1); return false; }   // no room at the start either
      if (size - head >= 4) r.view.setUint32(head, WRAP, true);
      head = 0;
    }
  } else if (tail - head <= need) { Atomics.add(r.ctrl, RING_DROPPED, 1); return false; }
  r.view.setUint32(head, msg.length, true);
  r.data[head + 4] = peer.length;
  r.data.set(peer, head + HDR);
  r.data.set(msg, head + HDR + peer.length);
  Atomics.store(r.ctrl, RING_HEAD, head + need);
  return true;
}

/**
 * Producer, zero-copy: the data offset where a message of up to `maxLen` bytes may be written (an entry without
 * peer bytes), or -1 when the ring lacks room for that many. Publishes nothing; ringCommit does. Does not allocate.
 */
export function ringReserve(r: UdpRing, maxLen: number): number {
  const need = HDR + maxLen;
  const head = Atomics.load(r.ctrl, RING_HEAD);
  const tail = Atomics.load(r.ctrl, RING_TAIL);
  if (head >= tail) {
    if (r.data.length - head >= need) return head + HDR;
    return need < tail ? HDR : -1;   // wraps to the start
  }
  return tail - head > need ? head + HDR : -1;
}

/** Producer: publishes the `len` message bytes written at `at` (from ringReserve, nothing reserved since). */
export function ringCommit(r: UdpRing, at: number, len: number): void {
  const head = Atomics.load(r.ctrl, RING_HEAD);
  const start = at - HDR;
  if (start !== head && r.data.length - head >= 4) r.view.setUint32(head, WRAP, true);
  r.view.setUint32(start, len, true);
  r.data[start + 4] = 0;
  Atomics.store(r.ctrl, RING_HEAD, at + len);
}

/** Called per entry: message bytes are data[start, end), peer bytes data[peerStart, start). Must not keep `data`. */
export type RingEntryHandler = (data: Uint8Array, start: number, end: number, peerStart: number) => void;

/** Consumer: hands up to `max` entries to `on`, then publishes the new tail. Returns how many were read. */
export function ringDrain(r: UdpRing, on: RingEntryHandler, max: number): number {
  const size = r.data.length;
  let tail = Atomics.load(r.ctrl, RING_TAIL);
  const head = Atomics.load(r.ctrl, RING_HEAD);
  let n = 0;
  while (tail !== head && n < max) {
    if (size - tail < 4 || r.view.getUint32(tail, true) === WRAP) { tail = 0; continue; }
    const len = r.view.getUint32(tail, true);
    const plen = r.data[tail + 4];
    const start = tail + HDR + plen;
    on(r.data, start, start + len, tail + HDR);
    tail = start + len;
    n++;
  }
  Atomics.store(r.ctrl, RING_TAIL, tail);
  return n;
}
