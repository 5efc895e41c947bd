/* UDP receive thread: binds the socket and moves every datagram into the shared ring (udp-ring.ts), nothing else,
 * so the socket buffer is drained even while the ingest thread parses or hands batches to the sinks.
 * Default: synchronous read(2) on the socket's fd straight into the ring (no Buffer, no rinfo, no JS event per
 * datagram; 2.2 vs 4.1 CPU us per datagram, bench/collectors/udp.bench.ts), sleeping 1 ms when the socket is
 * empty (10 ms once idle for ~1 s). `peers: true` keeps Node's 'message' path, which knows the sender's address (raw_log.peer).
 * Started by udp-listener.ts (listenUdpThreaded). Hot path: yes (one read or ring copy per datagram).
 */
import { execFileSync } from 'node:child_process';
import dgram from 'node:dgram';
import fs from 'node:fs';
import os from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { RING_CLOSE, RING_DROPPED, openUdpRing, ringCommit, ringPush, ringReserve } from './udp-ring.ts';
import type { UdpRing } from './udp-ring.ts';
import { udpFdHandle } from '../../proxy/log/udp-fd.ts';

const cfg = workerData as { host: string; port: number; rcvbuf: number; peers: boolean; nice: number; rt: number; ctrl: SharedArrayBuffer; data: SharedArrayBuffer };
const port = parentPort;
if (!port) throw new Error('udp-recv-worker must run in a worker thread');
const ring = openUdpRing(cfg.ctrl, cfg.data);
const sock = dgram.createSocket({ type: cfg.host.includes(':') ? 'udp6' : 'udp4', recvBufferSize: cfg.rcvbuf });

/** Largest UDP payload plus one byte: read(2) never truncates a datagram into this much room. */
const MAX_DATAGRAM = 65536;
/** Sleep when the socket is empty: 1 ms while traffic flows, 10 ms after ~1 s without any (an idle collector wakes
 * 100 times a second, not 1000; 10 ms of 100 k datagrams/s is ~250 KB, inside the 8 MiB socket buffer asked for). */
const IDLE_SLEEP_MS = 1;
const QUIET_SLEEP_MS = 10;
const QUIET_AFTER_EMPTY_POLLS = 1000;

sock.once('error', (e) => port.postMessage({ t: 'error', message: e.message }));
sock.bind(cfg.port, cfg.host, () => {
  const a = sock.address();
  let granted = 0;
  try { granted = sock.getRecvBufferSize(); } catch { granted = 0; }
  const h = cfg.peers ? null : udpFdHandle(sock);
  port.postMessage({ t: 'ready', address: a.address, port: a.port, rcvbuf: granted, peers: h === null, nice: raisePriority(cfg.nice), sched: realTime(cfg.rt) });
  if (h === null) receiveEvents();
  else {
    h.recvStop();   // libuv must not read the fd too
    readLoop(h.fd, ring);
    sock.close(() => port.postMessage({ t: 'closed' }));
  }
});

/**
 * Sets this thread's nice value (Linux applies setpriority(PRIO_PROCESS, 0) to the calling thread only), so the
 * scheduler runs this small thread ahead of the parser, the sinks and other processes' threads when it wakes: the
 * socket buffer only covers ~65 ms at 100 k datagrams/s. A negative value needs CAP_SYS_NICE (root); without it
 * the thread keeps its nice value. Returns the nice value in effect.
 */
function raisePriority(nice: number): number {
  try { os.setPriority(0, nice); } catch { /* EACCES: unprivileged */ }
  try { return os.getPriority(0); } catch { return 0; }
}

/**
 * With `prio` > 0, moves this thread to SCHED_FIFO at that priority with util-linux's `chrt` (Node has no
 * sched_setscheduler): a real-time thread runs as soon as it wakes, ahead of every normal thread of every process
 * and cgroup, so other busy processes cannot leave the socket unread for the ~65 ms its buffer holds. It sleeps
 * whenever the socket is empty, and the kernel keeps 5 % of each CPU for normal threads (sched_rt_runtime_us).
 * Needs root or CAP_SYS_NICE. Returns what is in effect, e.g. 'SCHED_FIFO 1' or 'SCHED_OTHER (chrt: ...)'.
 */
function realTime(prio: number): string {
  if (prio <= 0) return 'SCHED_OTHER';
  try {
    const tid = fs.readlinkSync('/proc/thread-self').split('/').pop() as string;
    execFileSync('chrt', ['-f', '-p', String(prio), tid], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 5000 });
    return 'SCHED_FIFO ' + prio;
  } catch (e) {
    const err = (e as { stderr?: Buffer }).stderr?.toString().trim();
    return 'SCHED_OTHER (chrt: ' + (err || (e as Error).message).split('\n')[0] + ')';
  }
}

/**
 * Reads datagrams until the consumer sets RING_CLOSE, then until the socket is empty (nothing already received is
 * left behind); returns then, or on an unexpected read error (reported to the parent). A full ring: the datagram is read into scratch and counted in RING_DROPPED. readSync reports an
 * empty socket only by throwing EAGAIN, so the try is per datagram; stack traces are off to keep that throw cheap.
 */
function readLoop(fd: number, r: UdpRing): void {
  Error.stackTraceLimit = 0;
  const scratch = Buffer.allocUnsafe(MAX_DATAGRAM);
  let closing = false;
  let emptyPolls = 0;
  for (;;) {
    const at = ringReserve(r, MAX_DATAGRAM);
    let n: number;
    try {
      n = at >= 0 ? fs.readSync(fd, r.data, at, MAX_DATAGRAM, null) : fs.readSync(fd, scratch, 0, MAX_DATAGRAM, null);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'EAGAIN') {
        if (code === 'ECONNREFUSED' || code === 'EINTR') continue;   // a queued ICMP error, a signal: per read
        port!.postMessage({ t: 'error', message: 'udp read: ' + (e as Error).message });
        return;
      }
      if (closing) return;
      Atomics.wait(r.ctrl, RING_CLOSE, 0, ++emptyPolls > QUIET_AFTER_EMPTY_POLLS ? QUIET_SLEEP_MS : IDLE_SLEEP_MS);
      closing = Atomics.load(r.ctrl, RING_CLOSE) !== 0;
      continue;
    }
    emptyPolls = 0;
    if (at >= 0) ringCommit(r, at, n);
    else Atomics.add(r.ctrl, RING_DROPPED, 1);
  }
}

/** The 'message' path: one Buffer and rinfo per datagram, the peer address kept with the entry. */
function receiveEvents(): void {
  const peers = new Map<string, Uint8Array>();
  sock.on('message', (msg, rinfo) => {
    let p = peers.get(rinfo.address);
    if (p === undefined) {
      if (peers.size > 10000) peers.clear();
      p = Buffer.from(rinfo.address, 'latin1');
      peers.set(rinfo.address, p);
    }
    ringPush(ring, msg, p);
  });
  const poll = setInterval(() => {
    if (Atomics.load(ring.ctrl, RING_CLOSE) === 0) return;
    clearInterval(poll);
    sock.close(() => port!.postMessage({ t: 'closed' }));
  }, 5);
}
