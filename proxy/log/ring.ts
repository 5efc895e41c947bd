/*
 * The log ring: a bounded single-producer / single-consumer byte ring in a SharedArrayBuffer. The event loop
 * (log/sender.ts) copies the lines of worker targets (stdout/stderr/fd, unix datagram; UDP with SLUICE_LOG_WORKER=1)
 * into it; the log worker (log/log-worker.ts) reads them and does the writes / send syscalls on another core. The
 * producer never waits: a line that does not fit is dropped and counted. This module holds the layout and the two
 * ends; it does no I/O. Hot path: yes (reserve/commit per line).
 *
 *   ctl (Int32, 16 words)   HEAD | TAIL | SLEEP | STOP | LAZY ...        stats (Float64, 8)  SENT | DROPPED | ERRORS
 *   data (2^n bytes)        [len i32][slot i32][len bytes, padded to 4] ... [-1 = wrap: next record at offset 0]
 * HEAD/TAIL are byte positions that only grow (32-bit wrap-around; index = pos & mask). The producer owns HEAD, the
 * consumer owns TAIL; both are published with Atomics.store after the bytes they cover are written/read.
 */

export const RING_HEAD = 0;     // next write position (producer)
export const RING_TAIL = 1;     // next read position (consumer)
export const RING_SLEEP = 2;    // 1 while the consumer waits on HEAD (the producer then notifies)
export const RING_STOP = 3;     // 1 = drain what is left, close sockets, exit; the consumer sets RING_DONE after
export const RING_NOTIFY_LAZY = 4;  // 1 = notify a sleeping consumer only past RING_LAZY_BYTES pending (it polls)
export const RING_CTL_WORDS = 16;
export const RING_DONE = 2;
/** Lazy mode: pending bytes past which the producer wakes a sleeping consumer (~80 httplog lines: one futex wake per
 * ~0.8 ms at 100k lines/s, none at low rates where the consumer polls). */
export const RING_LAZY_BYTES = 1 << 14;

export const RING_ST_SENT = 0;     // lines the worker handed to the kernel / helper / fd
export const RING_ST_DROPPED = 1;  // lines the worker dropped (target queue full, unusable target)
export const RING_ST_ERRORS = 2;   // send errors reported by the kernel
export const RING_ST_WORDS = 8;

/** A record's slot word for a control record: the payload is a target description (JSON), not a line. */
export const RING_SLOT_OPEN = -2;
const WRAP = -1;
const REC_HDR = 8;

/** Creates the shared memory of a ring of `size` data bytes (a power of two, >= 64 KiB). */
export function newRingMemory(size: number): SharedArrayBuffer {
  if (size < 65536 || (size & (size - 1)) !== 0) throw new Error('log ring size must be a power of two >= 64 KiB');
  return new SharedArrayBuffer(RING_CTL_WORDS * 4 + RING_ST_WORDS * 8 + size);
}

/** Views of one ring's memory, shared by both ends. */
export class RingViews {
  readonly ctl: Int32Array;
  readonly stats: Float64Array;
  readonly data: Buffer;
  readonly words: Int32Array;
  readonly size: number;
  readonly mask: number;

  constructor(sab: SharedArrayBuffer) {
    const base = RING_CTL_WORDS * 4 + RING_ST_WORDS * 8;
    this.size = sab.byteLength - base;
    this.mask = this.size - 1;
    this.ctl = new Int32Array(sab, 0, RING_CTL_WORDS);
    this.stats = new Float64Array(sab, RING_CTL_WORDS * 4, RING_ST_WORDS);
    this.data = Buffer.from(sab, base, this.size);
    this.words = new Int32Array(sab, base, this.size >> 2);
  }
}

/**
 * Producer end (event loop). Usage per line: `off = w.reserve(max)`; if off >= 0 write up to `max` bytes at
 * `w.v.data[off..]`, then `w.commit(slot, len)`. reserve() returns -1 when the ring lacks room (caller drops and
 * counts). Allocates nothing. Only one producer per ring.
 */
export class RingWriter {
  readonly v: RingViews;
  /** Local copy of HEAD (we are its only writer). */
  head = 0;
  /** Position of the record reserved by the last successful reserve(). */
  recPos = 0;

  constructor(sab: SharedArrayBuffer) {
    this.v = new RingViews(sab);
    this.head = Atomics.load(this.v.ctl, RING_HEAD);
  }

  /** Reserves a contiguous record for up to `max` payload bytes; returns the data offset of the payload or -1. */
  reserve(max: number): number {
    const v = this.v;
    const need = (REC_HDR + max + 3) & ~3;
    if (need > v.size >> 1) return -1;
    let head = this.head;
    const tail = Atomics.load(v.ctl, RING_TAIL);
    let idx = head & v.mask;
    const toEnd = v.size - idx;
    let used = (head - tail) | 0;
    if (toEnd < need) {
      // wrap: the rest of the ring is skipped, the record starts at offset 0
      if (used + toEnd + need > v.size) return -1;
      v.words[idx >> 2] = WRAP;
      head = (head + toEnd) | 0;
      used += toEnd;
      idx = 0;
      this.head = head;
      Atomics.store(v.ctl, RING_HEAD, head);
    }
    if (used + need > v.size) return -1;
    this.recPos = idx;
    return idx + REC_HDR;
  }

  /** Publishes the record reserved last with `len` payload bytes for target `slot`; wakes the consumer if asleep. */
  commit(slot: number, len: number): void {
    const v = this.v;
    const idx = this.recPos;
    v.words[idx >> 2] = len;
    v.words[(idx >> 2) + 1] = slot;
    this.head = (this.head + ((REC_HDR + len + 3) & ~3)) | 0;
    Atomics.store(v.ctl, RING_HEAD, this.head);
    if (Atomics.load(v.ctl, RING_SLEEP) !== 0 &&
      (v.ctl[RING_NOTIFY_LAZY] === 0 || ((this.head - Atomics.load(v.ctl, RING_TAIL)) | 0) >= RING_LAZY_BYTES)) {
      v.ctl[RING_SLEEP] = 0;
      Atomics.notify(v.ctl, RING_HEAD, 1);
    }
  }

  /** Bytes not yet consumed. */
  pending(): number {
    return (this.head - Atomics.load(this.v.ctl, RING_TAIL)) | 0;
  }
}

/**
 * Consumer end (log worker). next() returns the slot of the next record (RING_SLOT_OPEN for control records) and sets
 * `off`/`len` to its payload in `v.data`, or returns -1 (as NONE) when the ring is empty. The payload stays valid
 * until release() publishes TAIL past it.
 */
export const RING_NONE = -1;

export class RingReader {
  readonly v: RingViews;
  tail = 0;
  /** Position after the record returned by next() (published by release()). */
  nextTail = 0;
  off = 0;
  len = 0;

  constructor(sab: SharedArrayBuffer) {
    this.v = new RingViews(sab);
    this.tail = Atomics.load(this.v.ctl, RING_TAIL);
    this.nextTail = this.tail;
  }

  next(): number {
    const v = this.v;
    let pos = this.nextTail;
    const head = Atomics.load(v.ctl, RING_HEAD);
    if (pos === head) return RING_NONE;
    let idx = pos & v.mask;
    let len = v.words[idx >> 2];
    if (len === WRAP) {
      pos = (pos + (v.size - idx)) | 0;
      if (pos === head) { this.nextTail = pos; return RING_NONE; }
      idx = 0;
      len = v.words[0];
    }
    this.off = idx + REC_HDR;
    this.len = len;
    this.nextTail = (pos + ((REC_HDR + len + 3) & ~3)) | 0;
    return v.words[(idx >> 2) + 1];
  }

  /** Frees every record returned by next() so far. */
  release(): void {
    this.tail = this.nextTail;
    Atomics.store(this.v.ctl, RING_TAIL, this.tail);
  }

  /** Current HEAD (for Atomics.wait). */
  head(): number {
    return Atomics.load(this.v.ctl, RING_HEAD);
  }
}
