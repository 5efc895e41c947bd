/*
 * The log worker thread: drains the log ring (log/ring.ts) filled by the event loop and sends each line to its target
 * (connected UDP socket, unix datagram helper process, stdout/stderr), so the send syscalls run on the other core.
 * Started by log/sender.ts with workerData { sab }. Counts sent/dropped/errors in the ring's stats; on STOP drains
 * what is left, then exits. Targets with the same address share one socket. Hot path: yes (per line, off the loop).
 */
import dgram from 'node:dgram';
import fs from 'node:fs';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { workerData } from 'node:worker_threads';
import {
  RingReader, RING_HEAD, RING_SLEEP, RING_STOP, RING_ST_SENT, RING_ST_DROPPED, RING_ST_ERRORS, RING_SLOT_OPEN,
  RING_NONE, RING_NOTIFY_LAZY, RING_DONE,
} from './ring.ts';
import type { LogSinkSpec } from './types.ts';
import { LOG_TGT_UDP, LOG_TGT_UNIX } from './types.ts';

/** Lines a target may hold before dropping (early lines before connect, pending fd/helper writes). */
const OUT_QUEUE_MAX = 4096;
/** Records handled before the worker yields to its own event loop (socket errors, fd write completions). */
const BATCH = 2048;

const r = new RingReader((workerData as { sab: SharedArrayBuffer }).sab);
const ctl = r.v.ctl;
const stats = r.v.stats;
const data = r.v.data;

interface Out {
  /** Sends `len` bytes at `data[off]`; false = the bytes are still referenced (pause until `busy()` is false). */
  send(off: number, len: number): boolean;
  busy(): boolean;
  /** Still holds lines it cannot write synchronously (connect in progress, write in flight). */
  waiting(): boolean;
  /** Writes what it holds synchronously where it can (stop). */
  flushSync(): void;
  close(): void;
}

function onSendError(): void {
  stats[RING_ST_ERRORS]++;
}

class UdpOut implements Out {
  readonly sock: dgram.Socket;
  ready = false;
  /** connect failed (e.g. unresolvable host): every line is dropped and counted. */
  dead = false;
  early: Buffer[] = [];

  constructor(host: string, port: number, family: number) {
    this.sock = dgram.createSocket(family === 6 ? 'udp6' : 'udp4');
    this.sock.on('error', onSendError);
    this.sock.connect(port, host, (err?: Error) => {
      if (err !== undefined && err !== null) {
        stats[RING_ST_ERRORS]++;
        this.dead = true;
        stats[RING_ST_DROPPED] += this.early.length;
        this.early = [];
        return;
      }
      this.ready = true;
      const e = this.early;
      this.early = [];
      for (let i = 0; i < e.length; i++) this.sock.send(e[i]);
      stats[RING_ST_SENT] += e.length;
    });
  }

  send(off: number, len: number): boolean {
    if (!this.ready) {
      if (this.dead || this.early.length >= OUT_QUEUE_MAX) { stats[RING_ST_DROPPED]++; return true; }
      this.early.push(Buffer.from(data.subarray(off, off + len)));
      return true;
    }
    // No callback: Node tries a synchronous sendto first; only EAGAIN leaves the request (and our view) queued.
    this.sock.send(data.subarray(off, off + len));
    stats[RING_ST_SENT]++;
    return this.sock.getSendQueueCount() === 0;
  }

  busy(): boolean { return this.sock.getSendQueueCount() > 0; }
  waiting(): boolean { return this.early.length > 0 || this.busy(); }
  flushSync(): void { /* datagrams are with the kernel */ }
  close(): void { try { this.sock.close(); } catch { /* closed */ } }
}

/** Ordered, coalesced async writes to a file descriptor (1 = stdout, 2 = stderr). Lines are copied. */
class FdOut implements Out {
  pending: Buffer[] = [];
  writing = false;
  readonly onWritten = (err: NodeJS.ErrnoException | null): void => {
    if (err !== null) stats[RING_ST_ERRORS]++;
    this.writing = false;
    this.flush();
  };

  constructor(readonly fd: number) {}

  send(off: number, len: number): boolean {
    if (this.pending.length >= OUT_QUEUE_MAX) { stats[RING_ST_DROPPED]++; return true; }
    this.pending.push(Buffer.from(data.subarray(off, off + len)));
    stats[RING_ST_SENT]++;
    if (!this.writing) this.flush();
    return true;
  }

  flush(): void {
    if (this.pending.length === 0) return;
    const chunk = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending);
    this.pending = [];
    this.writing = true;
    fs.write(this.fd, chunk, 0, chunk.length, null, this.onWritten);
  }

  busy(): boolean { return false; }
  waiting(): boolean { return this.writing; }

  flushSync(): void {
    if (this.pending.length === 0) return;
    const chunk = Buffer.concat(this.pending);
    this.pending = [];
    try { fs.writeSync(this.fd, chunk); } catch { stats[RING_ST_ERRORS]++; }
  }

  close(): void { this.flushSync(); }
}

/* Frames on the helper's stdin: 2-byte big-endian length + datagram (Node has no AF_UNIX datagram sockets). */
const UNIX_HELPER = 'use Socket; binmode STDIN; socket(S, PF_UNIX, SOCK_DGRAM, 0) or exit 1; ' +
  'my $a = sockaddr_un($ARGV[0]); my ($h, $m); ' +
  'while (read(STDIN, $h, 2) == 2) { my $n = unpack("n", $h); last if read(STDIN, $m, $n) != $n; send(S, $m, 0, $a); }';

class UnixOut implements Out {
  child: ChildProcess | null;
  dead = false;

  constructor(path: string) {
    this.child = spawn('perl', ['-e', UNIX_HELPER, path], { stdio: ['pipe', 'ignore', 'ignore'] });
    this.child.on('error', () => { this.dead = true; });
    this.child.on('exit', () => { this.dead = true; });
    this.child.stdin?.on('error', onSendError);
  }

  send(off: number, len: number): boolean {
    const w = this.child?.stdin;
    if (this.dead || !w || w.writableLength > OUT_QUEUE_MAX * 256) { stats[RING_ST_DROPPED]++; return true; }
    const n = len > 65535 ? 65535 : len;
    const frame = Buffer.allocUnsafe(n + 2);
    frame.writeUInt16BE(n, 0);
    data.copy(frame, 2, off, off + n);
    w.write(frame);
    stats[RING_ST_SENT]++;
    return true;
  }

  busy(): boolean { return false; }
  waiting(): boolean { return false; }
  flushSync(): void { /* the pipe holds it; perl drains it after we exit */ }
  close(): void {
    if (this.child !== null) { this.child.stdin?.end(); this.child = null; }
    this.dead = true;
  }
}

const bySlot: (Out | null)[] = [];
const byKey = new Map<string, Out>();
/** Target whose send left a view of the ring queued: records are not released until it is idle. */
let pinned: Out | null = null;
let idleWaits = 0;

function open(spec: LogSinkSpec): void {
  let out = byKey.get(spec.key);
  if (out === undefined) {
    out = spec.kind === LOG_TGT_UDP ? new UdpOut(spec.host, spec.port, spec.family)
      : spec.kind === LOG_TGT_UNIX ? new UnixOut(spec.path) : new FdOut(spec.fd);
    byKey.set(spec.key, out);
  }
  while (bySlot.length <= spec.slot) bySlot.push(null);
  bySlot[spec.slot] = out;
}

/** Handles up to BATCH records; returns false when the ring is empty. */
function drain(): boolean {
  for (let i = 0; i < BATCH; i++) {
    const slot = r.next();
    if (slot === RING_NONE) { r.release(); return false; }
    if (slot === RING_SLOT_OPEN) {
      open(JSON.parse(data.toString('latin1', r.off, r.off + r.len)) as LogSinkSpec);
      continue;
    }
    const out = slot < bySlot.length ? bySlot[slot] : null;
    if (out === null) { stats[RING_ST_DROPPED]++; continue; }
    if (!out.send(r.off, r.len)) { pinned = out; return true; }
  }
  r.release();
  return true;
}

function waitPinned(): void {
  if (pinned !== null && pinned.busy()) { setTimeout(waitPinned, 1); return; }
  pinned = null;
  r.release();
  setImmediate(pump);
}

/** STOP: sends everything left (waiting for connects / queued sends, bounded by the caller's wait), then exits. */
function stop(): void {
  if (pinned !== null) {
    if (pinned.busy()) { setTimeout(stop, 1); return; }
    pinned = null;
    r.release();
  }
  while (drain()) if (pinned !== null) { setTimeout(stop, 1); return; }
  for (const out of byKey.values()) if (out.waiting()) { setTimeout(stop, 1); return; }
  for (const out of byKey.values()) { out.flushSync(); out.close(); }
  Atomics.store(ctl, RING_STOP, RING_DONE);
  Atomics.notify(ctl, RING_STOP);
}

/**
 * Main loop: drain, then yield to the event loop (setImmediate) so socket events run; when the ring is empty, block
 * on HEAD. Eager mode: the producer notifies us. Lazy mode (RING_NOTIFY_LAZY set): the producer notifies only past a
 * fill threshold, so we poll with a timeout growing from 1 to 32 ms while idle.
 */
function pump(): void {
  if (Atomics.load(ctl, RING_STOP) !== 0) { stop(); return; }
  if (drain()) {
    idleWaits = 0;
    if (pinned !== null) waitPinned(); else setImmediate(pump);
    return;
  }
  const head = r.nextTail;
  Atomics.store(ctl, RING_SLEEP, 1);
  if (r.head() === head && Atomics.load(ctl, RING_STOP) === 0) {
    const lazy = ctl[RING_NOTIFY_LAZY] !== 0;
    const ms = lazy ? (idleWaits < 5 ? 1 << idleWaits : 32) : 1000;
    const res = Atomics.wait(ctl, RING_HEAD, head, ms);
    idleWaits = res === 'timed-out' && r.head() === head ? idleWaits + 1 : 0;
  }
  Atomics.store(ctl, RING_SLEEP, 0);
  setImmediate(pump);
}

pump();
