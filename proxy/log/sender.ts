/*
 * Log senders, event-loop side: one shared ring (log/ring.ts) and one worker thread (log/log-worker.ts) for the whole
 * process, started on the first opened target. log/emit.ts formats each line straight into the ring under the
 * target's slot; the worker does the sends (UDP, unix datagram helper, stdout/stderr). Full ring = line dropped and
 * counted, never a wait. On process exit (and closeLogSinks) the ring is drained first, with a bounded wait; a worker
 * that dies is replaced on the next line.
 * Callers: log/emit.ts (logRing, logCounters), log/keywords.ts (openLogSink), proxy stop. Hot path: no (setup only).
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { LogSink, LogSinkSpec, LogTarget } from './types.ts';
import { LOG_TGT_UDP, LOG_TGT_UNIX } from './types.ts';
import {
  RingWriter, newRingMemory, RING_DEFAULT_SIZE, RING_HEAD, RING_STOP, RING_DONE, RING_NOTIFY_LAZY, RING_SLOT_OPEN,
  RING_ST_SENT, RING_ST_DROPPED, RING_ST_ERRORS,
} from './ring.ts';

/** Bounded wait for the worker to drain the ring at exit / closeLogSinks (ms); also covers its start (tsx: ~0.3-2 s). */
export const LOG_FLUSH_WAIT_MS = 3000;

/**
 * Process-wide log counters (the stats module exports `dropped` as `DroppedLogs`). `sent` counts lines queued to a
 * target (synchronously, on the event loop); `delivered` lines the worker handed to the kernel / helper / fd;
 * `dropped` lines refused because the ring or a target queue was full or the target unusable; `errors` send errors
 * reported by the kernel (e.g. ECONNREFUSED from a closed UDP port).
 */
class LogCounters {
  sent = 0;
  /** Dropped on the event loop (ring full). */
  ringDropped = 0;
  /** Worker counts of rings already closed. */
  baseDelivered = 0;
  baseDropped = 0;
  baseErrors = 0;
  get delivered(): number { return this.baseDelivered + (ring === null ? 0 : ring.v.stats[RING_ST_SENT]); }
  get dropped(): number {
    return this.ringDropped + this.baseDropped + (ring === null ? 0 : ring.v.stats[RING_ST_DROPPED]);
  }
  get errors(): number { return this.baseErrors + (ring === null ? 0 : ring.v.stats[RING_ST_ERRORS]); }
}
export const logCounters = new LogCounters();

let ring: RingWriter | null = null;
let worker: Worker | null = null;
let nextSlot = 0;
/** logCounters.sent when the current ring started (lines queued to it = sent - ringSent0). */
let ringSent0 = 0;
let lazyNotify = true;
const openTargets: LogTarget[] = [];

function startWorker(): RingWriter {
  const sab = newRingMemory(RING_DEFAULT_SIZE);
  const w = new RingWriter(sab);
  w.v.ctl[RING_NOTIFY_LAZY] = lazyNotify ? 1 : 0;
  const ext = path.extname(new URL(import.meta.url).pathname);
  const script = new URL('./log-worker' + ext, import.meta.url);
  // Under tsx (tests, benches) the worker registers tsx's loader itself; compiled .js runs directly.
  worker = ext === '.ts'
    ? new Worker("import('tsx/esm/api').then((t) => t.register()).then(() => import(" + JSON.stringify(script.href) +
      '))', { eval: true, workerData: { sab } })
    : new Worker(script, { workerData: { sab } });
  worker.unref();
  worker.on('error', noop);
  worker.on('exit', onWorkerGone);
  process.on('exit', flushOnExit);
  ringSent0 = logCounters.sent;
  ring = w;
  return w;
}

/**
 * The worker died unexpectedly (an exception in it): what it had not sent is counted as dropped and the sender resets,
 * so the next line starts a new worker and re-opens its targets.
 */
function onWorkerGone(): void {
  if (ring === null) return;
  logCounters.ringDropped += Math.max(0, unsent());
  resetSender();
}

/** Forgets the ring and worker (keeping their counts) and every opened target. */
function resetSender(): void {
  if (ring !== null) {
    logCounters.baseDelivered += ring.v.stats[RING_ST_SENT];
    logCounters.baseDropped += ring.v.stats[RING_ST_DROPPED];
    logCounters.baseErrors += ring.v.stats[RING_ST_ERRORS];
    process.off('exit', flushOnExit);
  }
  if (worker !== null) worker.off('exit', onWorkerGone);
  ring = null;
  worker = null;
  for (const t of openTargets) t.sink = null;
  openTargets.length = 0;
  nextSlot = 0;
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

/** The ring the event loop writes to, or null when the worker is stopped or gone (lines are then dropped). */
export function logRing(): RingWriter | null {
  if (ring === null) return startWorker();
  return Atomics.load(ring.v.ctl, RING_STOP) === 0 ? ring : null;
}

function sinkKey(t: LogTarget): string {
  return t.kind === LOG_TGT_UDP ? 'udp' + t.family + ':' + t.host + ':' + t.port
    : t.kind === LOG_TGT_UNIX ? 'unix:' + t.path : 'fd:' + t.fd;
}

/**
 * Returns the sink of `t`, opening it on first use: assigns a slot and queues the target description to the worker
 * ahead of any line for it (same ring, so in order). Targets with the same address share the worker's socket.
 */
export function openLogSink(t: LogTarget): LogSink {
  if (t.sink !== null) return t.sink;
  const sink: LogSink = { slot: nextSlot++ };
  t.sink = sink;
  openTargets.push(t);
  const w = logRing();
  if (w !== null) {
    const spec: LogSinkSpec = {
      slot: sink.slot, key: sinkKey(t), kind: t.kind, host: t.host, port: t.port, family: t.family, path: t.path,
      fd: t.fd,
    };
    const text = JSON.stringify(spec);
    const at = w.reserve(text.length);
    if (at >= 0) w.commit(RING_SLOT_OPEN, w.v.data.write(text, at, 'latin1'));
  }
  return sink;
}

/** Lines of the current ring the worker has not yet sent or dropped (queued in the ring or in a target). */
function unsent(): number {
  if (ring === null) return 0;
  const st = ring.v.stats;
  return logCounters.sent - ringSent0 - st[RING_ST_SENT] - st[RING_ST_DROPPED];
}

/**
 * Blocks at most `ms` until the worker has handed every queued line to the kernel / helper / fd, or dropped it (tests,
 * benches, before a planned exit). Returns true when nothing is left. ms = 0 only checks.
 */
export function flushLogs(ms: number = LOG_FLUSH_WAIT_MS): boolean {
  if (ring === null) return true;
  const end = performance.now() + ms;
  const ctl = ring.v.ctl;
  while (unsent() > 0 && Atomics.load(ctl, RING_STOP) === 0) {
    const left = end - performance.now();
    if (left <= 0) return false;
    Atomics.notify(ctl, RING_HEAD);
    Atomics.wait(ctl, RING_STOP, 0, left < 1 ? left : 1);
  }
  return unsent() <= 0;
}

/**
 * Drains the ring (bounded wait), stops the worker and closes every sink (proxy stop, tests); targets open new ones on
 * their next line. Returns true when nothing queued was lost.
 */
export function closeLogSinks(): boolean {
  const ok = stopWorker(LOG_FLUSH_WAIT_MS);
  const w = worker;
  resetSender();
  if (w !== null) void w.terminate();
  return ok;
}

/**
 * Wake-up policy of the worker for rings started after this call (bench): lazy = the worker polls while idle
 * (1..32 ms) and is notified only past a fill threshold; eager = every line queued while it sleeps wakes it.
 */
export function setLogNotifyLazy(lazy: boolean): void {
  lazyNotify = lazy;
}
