/*
 * Log senders, event-loop side. UDP targets (the common case) are sent from here: log/emit.ts formats each line into
 * the writer's batch buffer and, at most 1 ms later (or 64 lines), the batch leaves back to back with one native
 * send per line on the connected socket (no copy, no thread; a send error is a number, not an exception). stdout/stderr/fd and unix datagram
 * targets (and UDP ones with SLUICE_LOG_WORKER=1) go through a shared ring (log/ring.ts) to a worker thread
 * (log/log-worker.ts), started only when such a target logs. Nothing waits: a full socket buffer / a full ring / a send
 * error / an unusable target drop the line and count it. On exit (and closeLogSinks) batches are sent and the ring drained (bounded wait); a
 * worker that dies is replaced on the next line. Callers: log/emit.ts (logRing, logCounters), log/keywords.ts
 * (openLogSink), proxy stop, tests/benches (flushLogs). Hot path: yes (reserve/commit per line).
 */
import { execFileSync } from 'node:child_process';
import dgram from 'node:dgram';
import { writeSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { Worker } from 'node:worker_threads';
import type { LogSink, LogSinkSpec, LogTarget } from './types.ts';
import { constants as osConstants } from 'node:os';
import { udpFdHandle, udpSendHandle } from './udp-fd.ts';
import type { UdpSendHandle } from './udp-fd.ts';
import { LOG_TGT_UDP, LOG_TGT_UNIX } from './types.ts';
import {
  RingWriter, newRingMemory, RING_HEAD, RING_STOP, RING_DONE, RING_NOTIFY_LAZY, RING_SLOT_OPEN,
  RING_ST_SENT, RING_ST_DROPPED, RING_ST_ERRORS,
} from './ring.ts';

/** Bounded wait for the worker to drain the ring at exit / closeLogSinks (ms); also covers its start (tsx: ~0.3-2 s). */
export const LOG_FLUSH_WAIT_MS = 3000;
/** Ring of the worker targets: 1 MiB holds ~5,000 httplog lines (50 ms at 100k lines/s). Its pages count in RSS. */
export const LOG_RING_SIZE = 1 << 20;
/**
 * UDP targets opened while this is set go through the worker thread like the others (SLUICE_LOG_WORKER=1): the
 * send syscalls leave the event loop (~2-3 µs less per line there) for ~10 MB more RSS (a second isolate, the ring)
 * and more CPU in total; worth it only with a core to spare.
 */
let udpInWorker = process.env.SLUICE_LOG_WORKER === '1';
/** Lines a UDP target holds while its connect (address lookup) is in progress. */
const EARLY_MAX = 4096;

/**
 * Process-wide log counters (the stats module exports `dropped` as `DroppedLogs`). `sent` counts lines queued to a
 * target (log/emit.ts); `delivered` lines handed to the kernel / helper / fd; `dropped` lines refused because the
 * socket buffer, the ring or a target queue was full or the target unusable; `errors` send errors reported by the
 * kernel (e.g. ECONNREFUSED from a closed UDP port; such a line is also dropped).
 */
class LogCounters {
  sent = 0;
  /** Dropped on the event loop (ring full, send refused). */
  ringDropped = 0;
  /** UDP lines handed to the kernel, send errors. */
  udpDelivered = 0;
  udpErrors = 0;
  /** Worker counts of rings already closed. */
  baseDelivered = 0;
  baseDropped = 0;
  baseErrors = 0;
  get delivered(): number {
    return this.udpDelivered + this.baseDelivered + (ring === null ? 0 : ring.v.stats[RING_ST_SENT]);
  }
  get dropped(): number {
    return this.ringDropped + this.baseDropped + (ring === null ? 0 : ring.v.stats[RING_ST_DROPPED]);
  }
  get errors(): number {
    return this.udpErrors + this.baseErrors + (ring === null ? 0 : ring.v.stats[RING_ST_ERRORS]);
  }
}
export const logCounters = new LogCounters();

/**
 * Diagnostics: SLUICE_LOG_DGRAM_SEND=1 sends through dgram's send(), SLUICE_LOG_WRITE=1 through write(2) on the fd,
 * instead of the socket's native send.
 */
const FORCE_DGRAM_SEND = process.env.SLUICE_LOG_DGRAM_SEND === '1';
const FORCE_WRITE = process.env.SLUICE_LOG_WRITE === '1';

/** Send results that mean "socket buffer full" (a dropped line, not an error). */
const UV_EAGAIN = -osConstants.errno.EAGAIN;
const UV_ENOBUFS = -osConstants.errno.ENOBUFS;
/** The one-element buffer list handed to the native send (reused; emptied after each call). */
const sendList: Uint8Array[] = [new Uint8Array(0)];
const NO_BYTES = sendList[0];

/** A connected UDP socket shared by the targets with the same address. */
class UdpOut {
  readonly sock: dgram.Socket;
  /** Native send of the connected socket (errors come back as numbers), else the fd for writeSync, else dgram. */
  h: UdpSendHandle | null = null;
  req: object | null = null;
  newReq: (() => object) | null = null;
  /** libuv queued a datagram (socket buffer was full): further lines are dropped until its queue is empty. */
  queued = false;
  fd = -1;
  ready = false;
  /** connect failed (bad address, DNS error): every line is dropped and counted. */
  dead = false;
  early: Buffer[] = [];

  constructor(readonly host: string, readonly port: number, readonly family: number) {
    this.sock = dgram.createSocket(family === 6 ? 'udp6' : 'udp4');
    this.sock.on('error', onUdpError);
    this.sock.unref();
    this.sock.connect(port, host, (err?: Error) => {
      if (err !== undefined && err !== null) {
        logCounters.udpErrors++;
        this.dead = true;
        logCounters.ringDropped += this.early.length;
        this.early = [];
        return;
      }
      const ns = FORCE_DGRAM_SEND || FORCE_WRITE ? null : udpSendHandle(this.sock);
      if (ns !== null) { this.h = ns.h; this.newReq = ns.newReq; this.req = ns.newReq(); }
      const fh = FORCE_DGRAM_SEND ? null : udpFdHandle(this.sock);
      this.fd = fh === null ? -1 : fh.fd;
      // Nothing is read from a log socket: without libuv's reads an ICMP port unreachable comes back on a later
      // send only (a number with the native send), never as an 'error' event (an exception object each).
      if (fh !== null) fh.recvStop();
      this.ready = true;
      const e = this.early;
      this.early = [];
      for (let i = 0; i < e.length; i++) this.send(e[i], 0, e[i].length);
    });
  }

  /**
   * Sends `data[off..off+len)` as one datagram; `data` may be reused as soon as this returns. A full socket buffer
   * drops the line, a send error (ECONNREFUSED once the collector's port is closed: the kernel reports the ICMP port
   * unreachable on a later send) drops it and counts an error; neither costs more than a successful send.
   */
  send(data: Buffer, off: number, len: number): void {
    if (!this.ready) {
      if (this.dead || this.early.length >= EARLY_MAX) { logCounters.ringDropped++; return; }
      this.early.push(Buffer.from(data.subarray(off, off + len)));
      return;
    }
    const h = this.h;
    if (h !== null) {
      if (this.queued) {
        if (h.getSendQueueCount() > 0) { logCounters.ringDropped++; return; }
        this.queued = false;
      }
      const view = data.subarray(off, off + len);
      sendList[0] = view;
      const r = h.send(this.req!, sendList, 1, false);
      sendList[0] = NO_BYTES;
      if (r > 0) logCounters.udpDelivered++;
      else if (r === 0) {
        // queued by libuv: it holds raw pointers into `data`, so the request keeps the bytes alive and the writer
        // formats into a new buffer from now on; a new request object for the next sends
        (this.req as { list?: Uint8Array[] }).list = [view];
        this.req = this.newReq!();
        this.queued = true;
        writer.v.data = Buffer.allocUnsafe(writer.v.data.length);
        logCounters.udpDelivered++;
      } else {
        logCounters.ringDropped++;
        if (r !== UV_EAGAIN && r !== UV_ENOBUFS) logCounters.udpErrors++;
      }
      return;
    }
    if (this.fd >= 0) {
      try {
        writeSync(this.fd, data, off, len);
        logCounters.udpDelivered++;
      } catch (e) {
        // EAGAIN/ENOBUFS: socket buffer full; others (ECONNREFUSED after an ICMP unreachable) are errors too
        logCounters.ringDropped++;
        const code = (e as NodeJS.ErrnoException).code;
        if (code !== 'EAGAIN' && code !== 'ENOBUFS') logCounters.udpErrors++;
      }
      return;
    }
    // Fallback: dgram's send tries a synchronous sendto; on EAGAIN it queues a reference to `data`, so the writer
    // moves to a new scratch buffer.
    this.sock.send(data.subarray(off, off + len));
    logCounters.udpDelivered++;
    if (this.sock.getSendQueueCount() > 0) writer.v.data = Buffer.allocUnsafe(writer.v.data.length);
  }

  /**
   * Lines still waiting for the connect (the process exits or the sinks close in the same few ticks as the first
   * line): sent synchronously by a short-lived node child, as the event loop will not run again. Rare, ~50 ms.
   */
  sendEarlySync(): void {
    const e = this.early;
    this.early = [];
    if (e.length === 0 || this.dead) return;
    const frames: Buffer[] = [];
    for (const b of e) { const h = Buffer.allocUnsafe(4); h.writeUInt32BE(b.length, 0); frames.push(h, b); }
    try {
      const type = this.family === 6 ? 'udp6' : 'udp4';
      execFileSync(process.execPath, ['-e', EARLY_SENDER, this.host, String(this.port), type],
        { input: Buffer.concat(frames), stdio: ['pipe', 'ignore', 'ignore'], timeout: 2000 });
      logCounters.udpDelivered += e.length;
    } catch {
      logCounters.udpErrors++;
      logCounters.ringDropped += e.length;
    }
  }

  close(): void { try { this.sock.close(); } catch { /* closed */ } }
}

/* argv: host port type; stdin: [u32 length][datagram]... */
const EARLY_SENDER = "const b = require('fs').readFileSync(0); const [h, p, t] = process.argv.slice(1);" +
  "const s = require('dgram').createSocket(t); s.connect(+p, h, () => { for (let o = 0; o + 4 <= b.length;) {" +
  " const n = b.readUInt32BE(o); s.send(b.subarray(o + 4, o + 4 + n)); o += 4 + n; } s.close(); });";

function onUdpError(): void {
  logCounters.udpErrors++;
}

/** UDP sender per slot (null: the slot is a worker target), UDP senders per address. */
const udpBySlot: (UdpOut | null)[] = [];
const udpByKey = new Map<string, UdpOut>();
let nextSlot = 0;
/** Every opened target (closeLogSinks forgets their sinks). */
const openTargets: LogTarget[] = [];

let ring: RingWriter | null = null;
let worker: Worker | null = null;
/** Lines committed to the current ring (the worker's sent + dropped catch up with it). */
let ringQueued = 0;
/** Opened worker targets (their sinks are reset when the worker goes). */
const ringTargets: LogTarget[] = [];

/**
 * UDP lines wait at most LOG_BATCH_MS before they are sent back to back; a batch of BATCH_LINES lines (or
 * BATCH_BYTES) goes at once. Bursts of a few lines cost ~3.5-5 µs per send on loopback, a lone send 15-25 µs (it
 * wakes the receiving process every time); 64 lines a burst cost ~3.5 µs each, and fit a collector's default socket
 * buffer (212992 bytes hold ~160 small datagrams on loopback).
 */
export const LOG_BATCH_MS = 1;
const BATCH_BYTES = 1 << 16;
const BATCH_LINES = 64;

/**
 * What log/emit.ts formats into: `reserve(max)` returns the offset in `v.data` where up to `max` bytes may be written,
 * `commit(slot, len)` queues them for the slot's target. UDP lines are batched (LOG_BATCH_MS) and sent back to back:
 * a burst wakes the receiving process once instead of once per line, which on loopback costs more than the send
 * itself. Allocates nothing per line.
 */
class LineWriter {
  readonly v = { data: Buffer.allocUnsafe(BATCH_BYTES) };
  pos = 0;
  n = 0;
  readonly recs = new Int32Array(BATCH_LINES * 3);
  scheduled = false;
  /** One timer, re-armed with refresh() (no allocation per batch); unref'd: the exit hook sends what is left. */
  timer: NodeJS.Timeout | null = null;
  readonly onTimer = (): void => { this.flush(); };

  reserve(max: number): number {
    if (this.pos + max > this.v.data.length || this.n === BATCH_LINES) {
      this.flush();
      if (max > this.v.data.length) this.v.data = Buffer.allocUnsafe(max);
    }
    return this.pos;
  }

  commit(slot: number, len: number): void {
    const at = this.pos;
    if (slot >= 0 && slot < udpBySlot.length && udpBySlot[slot] !== null) {
      const r = this.n * 3;
      this.recs[r] = slot;
      this.recs[r + 1] = at;
      this.recs[r + 2] = len;
      this.n++;
      this.pos = at + len;
      if (!this.scheduled) {
        this.scheduled = true;
        if (this.timer === null) { this.timer = setTimeout(this.onTimer, LOG_BATCH_MS); this.timer.unref(); }
        else this.timer.refresh();
      }
      else if (this.n === BATCH_LINES) this.flush();
      return;
    }
    const w = ring ?? startWorker();
    const off = Atomics.load(w.v.ctl, RING_STOP) === 0 ? w.reserve(len) : -1;
    if (off < 0) { logCounters.ringDropped++; return; }
    this.v.data.copy(w.v.data, off, at, at + len);
    w.commit(slot, len);
    ringQueued++;
  }

  /** Sends the batched UDP lines now (also at exit, closeLogSinks, flushLogs). */
  flush(): void {
    const recs = this.recs;
    const data = this.v.data;
    for (let i = 0; i < this.n * 3; i += 3) {
      const u = udpBySlot[recs[i]];
      if (u !== null && u !== undefined) u.send(data, recs[i + 1], recs[i + 2]);
      else logCounters.ringDropped++;
    }
    this.n = 0;
    this.pos = 0;
    this.scheduled = false;
  }
}
const writer = new LineWriter();
let exitHook = false;
function flushBatch(): void {
  writer.flush();
  for (const u of udpByKey.values()) u.sendEarlySync();
}

/** UDP lines waiting for their socket's connect. */
function udpPending(): number {
  let n = 0;
  for (const u of udpByKey.values()) if (!u.dead) n += u.early.length;
  return n;
}

/** node:worker_threads is loaded with the first worker target only (~0.3 MB of RSS otherwise). */
const requireBuiltin = createRequire(import.meta.url);

function startWorker(): RingWriter {
  const { Worker } = requireBuiltin('node:worker_threads') as typeof import('node:worker_threads');
  const sab = newRingMemory(LOG_RING_SIZE);
  const w = new RingWriter(sab);
  w.v.ctl[RING_NOTIFY_LAZY] = 1; // the worker polls while idle, woken only past RING_LAZY_BYTES queued
  const ext = path.extname(new URL(import.meta.url).pathname);
  const script = new URL('./log-worker' + ext, import.meta.url);
  // A small isolate: the worker only moves bytes (its heap stays under 2 MB).
  const resourceLimits = {
    maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 16, codeRangeSizeMb: 4, stackSizeMb: 1,
  };
  // Under tsx (tests, benches) the worker registers tsx's loader itself; compiled .js runs directly.
  worker = ext === '.ts'
    ? new Worker("import('tsx/esm/api').then((t) => t.register()).then(() => import(" + JSON.stringify(script.href) +
      '))', { eval: true, workerData: { sab }, resourceLimits })
    : new Worker(script, { workerData: { sab }, resourceLimits });
  worker.unref();
  worker.on('error', noop);
  worker.on('exit', onWorkerGone);
  process.on('exit', flushOnExit);
  ringQueued = 0;
  ring = w;
  return w;
}

/**
 * The worker died unexpectedly (an exception in it): what it had not sent is counted as dropped and its targets are
 * forgotten, so the next line for them starts a new worker and re-opens them.
 */
function onWorkerGone(): void {
  if (ring === null) return;
  logCounters.ringDropped += Math.max(0, unsent());
  resetWorker();
}

/** Forgets the ring and worker (keeping their counts) and the worker targets. */
function resetWorker(): void {
  if (ring !== null) {
    logCounters.baseDelivered += ring.v.stats[RING_ST_SENT];
    logCounters.baseDropped += ring.v.stats[RING_ST_DROPPED];
    logCounters.baseErrors += ring.v.stats[RING_ST_ERRORS];
    process.off('exit', flushOnExit);
  }
  if (worker !== null) worker.off('exit', onWorkerGone);
  ring = null;
  worker = null;
  for (const t of ringTargets) t.sink = null;
  ringTargets.length = 0;
}

function noop(): void { /* 'exit' follows an 'error' */ }

function flushOnExit(): void {
  stopWorker(LOG_FLUSH_WAIT_MS);
}

/**
 * Asks the worker to drain the ring and exit; blocks the calling thread at most `ms` (Atomics.wait). Returns true when
 * every queued line was handed over.
 */
function stopWorker(ms: number): boolean {
  if (ring === null) return true;
  const ctl = ring.v.ctl;
  if (Atomics.load(ctl, RING_STOP) === RING_DONE) return unsent() <= 0;
  Atomics.store(ctl, RING_STOP, 1);
  Atomics.notify(ctl, RING_HEAD);
  Atomics.wait(ctl, RING_STOP, 1, ms);
  return Atomics.load(ctl, RING_STOP) === RING_DONE && unsent() <= 0;
}

/** The writer the event loop formats lines into (never null: the type leaves room for a sender that refuses lines). */
export function logRing(): LineWriter | null {
  return writer;
}

/** The worker's ring, started if needed (tests: inject records). */
export function logWorkerRing(): RingWriter {
  return ring ?? startWorker();
}

function sinkKey(t: LogTarget): string {
  return t.kind === LOG_TGT_UDP ? 'udp' + t.family + ':' + t.host + ':' + t.port
    : t.kind === LOG_TGT_UNIX ? 'unix:' + t.path : 'fd:' + t.fd;
}

/**
 * Returns the sink of `t`, opening it on first use: assigns a slot; a UDP target gets (or shares, same address) a
 * connected socket here, other targets are described to the worker through the ring ahead of any line for them.
 */
export function openLogSink(t: LogTarget): LogSink {
  if (t.sink !== null) return t.sink;
  const sink: LogSink = { slot: nextSlot++ };
  t.sink = sink;
  openTargets.push(t);
  const key = sinkKey(t);
  while (udpBySlot.length <= sink.slot) udpBySlot.push(null);
  if (t.kind === LOG_TGT_UDP && !udpInWorker) {
    let u = udpByKey.get(key);
    if (u === undefined) {
      u = new UdpOut(t.host, t.port, t.family);
      udpByKey.set(key, u);
      if (!exitHook) { exitHook = true; process.on('exit', flushBatch); }
    }
    udpBySlot[sink.slot] = u;
    return sink;
  }
  ringTargets.push(t);
  const w = ring ?? startWorker();
  const spec: LogSinkSpec = {
    slot: sink.slot, key, kind: t.kind, host: t.host, port: t.port, family: t.family, path: t.path, fd: t.fd,
  };
  const text = JSON.stringify(spec);
  const at = w.reserve(text.length);
  if (at >= 0) w.commit(RING_SLOT_OPEN, w.v.data.write(text, at, 'latin1'));
  return sink;
}

/** Lines of the current ring the worker has not yet sent or dropped (queued in the ring or in a target). */
function unsent(): number {
  if (ring === null) return 0;
  const st = ring.v.stats;
  return ringQueued - st[RING_ST_SENT] - st[RING_ST_DROPPED];
}

/**
 * Sends the batched UDP lines, then blocks at most `ms` until the worker has handed every queued line to the helper /
 * fd, or dropped it (tests, benches, before a planned exit). Returns true when nothing is left; false also while a
 * UDP socket's connect is in progress (that needs the event loop: callers await and retry). ms = 0 only checks.
 */
export function flushLogs(ms: number = LOG_FLUSH_WAIT_MS): boolean {
  writer.flush();
  if (ring === null) return udpPending() === 0;
  const end = performance.now() + ms;
  const ctl = ring.v.ctl;
  while (unsent() > 0 && Atomics.load(ctl, RING_STOP) === 0) {
    const left = end - performance.now();
    if (left <= 0) return false;
    Atomics.notify(ctl, RING_HEAD);
    Atomics.wait(ctl, RING_STOP, 0, left < 1 ? left : 1);
  }
  return unsent() <= 0 && udpPending() === 0;
}

/**
 * Drains the ring (bounded wait), stops the worker and closes every sink (proxy stop, tests); targets open new ones on
 * their next line. Returns true when nothing queued was lost.
 */
export function closeLogSinks(): boolean {
  flushBatch();
  const ok = stopWorker(LOG_FLUSH_WAIT_MS);
  const w = worker;
  resetWorker();
  if (w !== null) void w.terminate();
  for (const u of udpByKey.values()) u.close();
  udpByKey.clear();
  udpBySlot.length = 0;
  for (const t of openTargets) t.sink = null;
  openTargets.length = 0;
  return ok;
}

/** Sends UDP targets opened from now on through the worker thread (true) or from the event loop (tests, bench). */
export function setLogUdpInWorker(on: boolean): void {
  udpInWorker = on;
}
