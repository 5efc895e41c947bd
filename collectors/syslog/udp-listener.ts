/* UDP syslog listener on node:dgram (IPv4 or IPv6): asks for a large SO_RCVBUF and reports what the kernel granted,
 * hands each datagram to a callback, and reads the socket's kernel drop counter from /proc/net/udp{,6}.
 * listenUdp receives on the calling thread; listenUdpThreaded receives on a worker thread into a shared ring that
 * the calling thread drains every millisecond (what sluice-collect uses; without peer addresses by default, as the
 * worker then reads the fd directly, see udp-recv-worker.ts).
 * Hot path: the message handler (one call per datagram, no per-datagram closure).
 */
import dgram from 'node:dgram';
import fs from 'node:fs';
import os from 'node:os';
import type { Worker } from 'node:worker_threads';
import { startWorker } from '../worker-start.ts';
import { RING_CLOSE, RING_DROPPED, RING_HEAD, RING_TAIL, newUdpRing, openUdpRing, ringDrain } from './udp-ring.ts';

const BUSY_DRAIN_MS = 1;
const IDLE_DRAIN_MS = 10;
const IDLE_AFTER_EMPTY_DRAINS = 1000;

export type DatagramHandler = (buf: Buffer, peer: string) => void;

export interface UdpListener {
  readonly kind: 'udp';
  readonly address: string;
  readonly port: number;
  /** SO_RCVBUF as granted by the kernel (Linux reports twice the requested value, capped by rmem_max). */
  readonly recvBufferSize: number;
  /** Kernel drops for this socket since it opened (0 when /proc is unavailable). */
  drops(): number;
  /** Datagrams dropped because the user-space ring was full (threaded listener only). */
  ringDrops(): number;
  /** Whether datagrams are handed over with their sender's address (else the peer string is ''). */
  readonly peers: boolean;
  /** Nice value of the receiving thread (threaded listener; the calling thread's for listenUdp). */
  readonly nice: number;
  /** Scheduling policy of the receiving thread: 'SCHED_OTHER', 'SCHED_FIFO <prio>', or why not. */
  readonly sched: string;
  close(): Promise<void>;
}

/**
 * Binds `host:port` (port 0 = any). Resolves once bound; rejects with the bind error (EADDRINUSE, EACCES...).
 * Socket errors after binding go to `onError`.
 */
export function listenUdp(host: string, port: number, onMessage: DatagramHandler, onError: (e: Error) => void,
  recvBufferSize = 8 * 1024 * 1024): Promise<UdpListener> {
  const v6 = host.includes(':');
  const sock = dgram.createSocket({ type: v6 ? 'udp6' : 'udp4', recvBufferSize });
  return new Promise((resolve, reject) => {
    sock.once('error', reject);
    sock.on('message', (msg, rinfo) => onMessage(msg, rinfo.address));
    sock.bind(port, host, () => {
      sock.off('error', reject);
      sock.on('error', onError);
      const a = sock.address();
      let granted = 0;
      try { granted = sock.getRecvBufferSize(); } catch { granted = 0; }
      const baseline = readUdpDrops(a.port, v6, a.address);
      let last = 0;
      let open = true;
      resolve({
        kind: 'udp', address: a.address, port: a.port, recvBufferSize: granted,
        // Monotonic: once the socket is closed its /proc line is gone, so the last reading stands.
        drops: () => { if (open) last = Math.max(last, readUdpDrops(a.port, v6, a.address) - baseline); return last; },
        ringDrops: () => 0,
        peers: true,
        nice: 0,
        sched: 'SCHED_OTHER',
        close: () => new Promise<void>((r) => { last = Math.max(last, readUdpDrops(a.port, v6, a.address) - baseline); open = false; sock.close(() => r()); }),
      });
    });
  });
}

/**
 * Raw handler of the threaded listener: message bytes data[start,end), peer address `peer`, `nowMs` the wall clock
 * read once per drain (at most ~1 ms old; a Date.now() per datagram cost ~0.2 us at 100k/s); must not keep `data`.
 */
export type RingDatagramHandler = (data: Uint8Array, start: number, end: number, peer: string, nowMs: number) => void;

/**
 * Like listenUdp, but the socket lives in a worker thread that copies datagrams into a `ringBytes` shared ring;
 * this thread drains it every millisecond (until empty, while `canAccept()`) into `onMessage`. With `peers` the
 * sender's address is passed along (cached per address; costs ~2 us more per datagram), else peer is ''.
 * `ringBytes` must be at least 256 KiB (an entry may need 64 KiB of contiguous room). `nice`: the receiving
 * thread's nice value if permitted (negative needs CAP_SYS_NICE); `rt` > 0: SCHED_FIFO priority for that thread
 * (root or CAP_SYS_NICE). The listener reports what is in effect.
 */
export function listenUdpThreaded(host: string, port: number, onMessage: RingDatagramHandler,
  onError: (e: Error) => void, recvBufferSize = 8 * 1024 * 1024, ringBytes = 64 * 1024 * 1024,
  canAccept: () => boolean = () => true, peers = false, nice = 0, rt = 0): Promise<UdpListener> {
  if (ringBytes < 256 * 1024) ringBytes = 256 * 1024;
  const sab = newUdpRing(ringBytes);
  const ring = openUdpRing(sab.ctrl, sab.data);
  const v6 = host.includes(':');
  let lastPeer = '';
  let lastPeerBytes = Buffer.alloc(0);
  const onEntry = (data: Uint8Array, start: number, end: number, peerStart: number): void => {
    const plen = start - peerStart;
    let same = plen === lastPeerBytes.length;
    for (let i = 0; same && i < plen; i++) same = data[peerStart + i] === lastPeerBytes[i];
    if (!same) {
      lastPeerBytes = Buffer.from(data.subarray(peerStart, start));
      lastPeer = lastPeerBytes.toString('latin1');
    }
    onMessage(data, start, end, lastPeer, nowMs);
  };
  const worker: Worker = startWorker(import.meta.url, './udp-recv-worker', { host, port, rcvbuf: recvBufferSize, peers, nice, rt, ...sab });
  let timer: NodeJS.Timeout | null = null;
  // While the consumer is backed up (canAccept false), datagrams wait in the ring instead of being read and dropped.
  // 512 entries between checks: at most one batch rotation per table (--batch-rows >= 512) before canAccept again.
  let nowMs = Date.now();
  // Drained every 1 ms while datagrams come, every 10 ms after ~1 s of an empty ring (an idle collector's event loop
  // wakes 100 times a second; the 64 MiB ring holds seconds of traffic, so the slower first drain loses nothing).
  let emptyDrains = 0;
  let slow = false;
  const drain = (): void => {
    if (!canAccept()) return;   // backed up: the entries wait in the ring (not an empty drain)
    nowMs = Date.now();
    let n = ringDrain(ring, onEntry, 512);
    const got = n > 0;
    while (n === 512 && canAccept()) { nowMs = Date.now(); n = ringDrain(ring, onEntry, 512); }
    if (got) emptyDrains = 0;
    if (got ? slow : !slow && ++emptyDrains > IDLE_AFTER_EMPTY_DRAINS) {
      slow = !slow;
      if (timer !== null) clearInterval(timer);
      timer = setInterval(drain, slow ? IDLE_DRAIN_MS : BUSY_DRAIN_MS);
    }
  };
  return new Promise((resolve, reject) => {
    worker.once('error', reject);
    worker.on('message', (m: { t: string; message?: string; address?: string; port?: number; rcvbuf?: number; peers?: boolean; nice?: number; sched?: string }) => {
      if (m.t === 'error') { if (timer === null) { void worker.terminate(); reject(new Error(m.message)); } else onError(new Error(m.message)); return; }
      if (m.t !== 'ready') return;
      worker.off('error', reject);
      worker.on('error', onError);
      timer = setInterval(drain, BUSY_DRAIN_MS);
      const p = m.port as number;
      const at = m.address as string;
      const baseline = readUdpDrops(p, v6, at);
      let last = 0;
      let open = true;
      resolve({
        kind: 'udp', address: m.address as string, port: p, recvBufferSize: m.rcvbuf as number,
        drops: () => { if (open) last = Math.max(last, readUdpDrops(p, v6, at) - baseline); return last; },
        ringDrops: () => Atomics.load(ring.ctrl, RING_DROPPED),
        peers: m.peers === true,
        nice: m.nice ?? 0,
        sched: m.sched ?? 'SCHED_OTHER',
        close: () => new Promise<void>((r) => {
          last = Math.max(last, readUdpDrops(p, v6, at) - baseline);
          open = false;
          worker.on('message', (x: { t: string }) => {
            if (x.t !== 'closed') return;
            if (timer) clearInterval(timer);
            // Hand over everything received, waiting for the consumer (at most 10 s, then regardless).
            const deadline = Date.now() + 10000;
            const finish = (): void => {
              nowMs = Date.now();
              while ((canAccept() || nowMs > deadline) && ringDrain(ring, onEntry, 1024) > 0) nowMs = Date.now();
              if (Atomics.load(ring.ctrl, RING_HEAD) !== Atomics.load(ring.ctrl, RING_TAIL)) { setTimeout(finish, 5); return; }
              void worker.terminate().then(() => r());
            };
            finish();
          });
          Atomics.store(ring.ctrl, RING_CLOSE, 1);
          Atomics.notify(ring.ctrl, RING_CLOSE);
        }),
      });
    });
  });
}

/**
 * Sum of the `drops` column of /proc/net/udp (or udp6) for sockets bound to local `address`:`port` (any address
 * when `address` is omitted); 0 if unreadable. Matching the port alone summed the drops of every socket on it
 * (two --listen on one port, another program's socket).
 */
export function readUdpDrops(port: number, v6: boolean, address?: string): number {
  let text: string;
  try { text = fs.readFileSync(v6 ? '/proc/net/udp6' : '/proc/net/udp', 'latin1'); } catch { return 0; }
  const want = (address === undefined ? '' : procNetAddress(address, v6)) + ':' + port.toString(16).toUpperCase().padStart(4, '0');
  let drops = 0;
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 13 || !(address === undefined ? f[1].endsWith(want) : f[1] === want)) continue;
    drops += Number(f[f.length - 1]) || 0;
  }
  return drops;
}

/** An address as /proc/net/udp{,6} prints it: each 32-bit word of the network-order bytes as a host-order hex int. */
export function procNetAddress(address: string, v6: boolean): string {
  const bytes = v6 ? ipv6Bytes(address) : address.split('.').map(Number);
  let out = '';
  for (let w = 0; w < bytes.length; w += 4) {
    const word = bytes.slice(w, w + 4);
    if (os.endianness() === 'LE') word.reverse();
    for (const b of word) out += b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

function ipv6Bytes(a: string): number[] {
  let s = a.replace(/%.*$/, '');
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(s);
  if (v4) {
    const n = v4.slice(1).map(Number);
    s = s.slice(0, v4.index) + ((n[0] << 8) | n[1]).toString(16) + ':' + ((n[2] << 8) | n[3]).toString(16);
  }
  const [head, tail] = s.includes('::') ? s.split('::') : [s, null];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === null ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  const out: number[] = [];
  for (const g of groups) { const v = parseInt(g || '0', 16); out.push(v >> 8, v & 255); }
  return out;
}
