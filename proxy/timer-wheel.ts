/*
 * The coarse timer wheel driving every data-path timeout (client, server, connect, queue, tunnel, fin, and P2's
 * http-request / http-keep-alive) without a setTimeout per request: one unref'd interval ticks every TW_TICK_MS and
 * fires the entries of the slots it passes. A Timer is an object embedded once in the per-connection state and re-armed
 * in place (no allocation per arm); its callback is a module-level function receiving the owner. Also keeps a cached
 * coarse clock (`twNow()`), refreshed per tick, for timestamps that need no ms precision.
 * Resolution: +0..TW_TICK_MS late, never early. Hot path: yes (arm/disarm per I/O event).
 */

/** Tick length: timeouts fire at most this many ms late. */
export const TW_TICK_MS = 10;
const SLOTS = 1024; // power of two; covers 10.24 s per round, longer timers wait extra rounds
const MASK = SLOTS - 1;

/** Called when the timer expires; `owner` is Timer.owner. Must be a module-level function (no closure per stream). */
export type TimerFn = (owner: any) => void;

export class Timer {
  expire = 0;                  // absolute ms, 0 = not armed
  owner: unknown;
  fn: TimerFn;
  prev: Timer | null = null;
  next: Timer | null = null;
  slot = -1;
  constructor(owner: unknown, fn: TimerFn) { this.owner = owner; this.fn = fn; }
}

const heads: (Timer | null)[] = new Array<Timer | null>(SLOTS).fill(null);
let armed = 0;
let cursor = Math.floor(Date.now() / TW_TICK_MS); // absolute tick index last processed
let nowMs = Date.now();
let interval: NodeJS.Timeout | null = null;

/** The coarse clock (ms since epoch) as of the last tick, arm or twTouch(); use Date.now() when precision matters. */
export function twNow(): number { return nowMs; }

/**
 * Reads the clock once for the event being handled and returns it: the data path's I/O callbacks call it on entry and
 * then take their timestamps from twNow() (HAProxy's now_ms per poll loop); a Date.now() is a ~70 ns runtime call and
 * a keep-alive request used to make ~17 of them.
 */
export function twTouch(): number { return (nowMs = Date.now()); }

function unlink(t: Timer): void {
  if (t.prev) t.prev.next = t.next; else heads[t.slot] = t.next;
  if (t.next) t.next.prev = t.prev;
  t.prev = null; t.next = null; t.slot = -1;
  armed--;
}

function link(t: Timer): void {
  let tick = Math.ceil(t.expire / TW_TICK_MS);
  if (tick <= cursor) tick = cursor + 1;
  const s = tick & MASK;
  t.slot = s;
  t.prev = null;
  t.next = heads[s];
  if (t.next) t.next.prev = t;
  heads[s] = t;
  armed++;
  if (interval === null) {
    interval = setInterval(tick1, TW_TICK_MS);
    interval.unref();
  }
}

/**
 * Arms (or re-arms) `t` to fire `ms` from `now` (default: Date.now(); the data path passes twNow() right after a
 * twTouch()). ms <= 0 disarms. O(1), no allocation.
 */
export function timerArm(t: Timer, ms: number, now: number = Date.now()): void {
  if (t.slot >= 0) unlink(t);
  if (ms <= 0) { t.expire = 0; return; }
  nowMs = now;
  t.expire = now + ms;
  link(t);
}

/** Arms `t` at an absolute date (ms since epoch). */
export function timerArmAt(t: Timer, at: number): void {
  if (t.slot >= 0) unlink(t);
  t.expire = at;
  link(t);
}

/** Disarms `t`; harmless when not armed. */
export function timerDisarm(t: Timer): void {
  if (t.slot >= 0) unlink(t);
  t.expire = 0;
}

/** True when `t` is armed (or expired and about to fire in the current tick). */
export function timerArmed(t: Timer): boolean { return t.expire !== 0; }

/** Number of armed timers (tests, stats). */
export function timerCount(): number { return armed; }

const firing: Timer[] = []; // reused; expired timers of one tick, fired after the slot walk

function tick1(): void {
  nowMs = Date.now();
  const target = Math.floor(nowMs / TW_TICK_MS);
  // bound the catch-up after a long event-loop stall: one full round visits every slot once
  if (target - cursor > SLOTS) cursor = target - SLOTS;
  while (cursor < target) {
    cursor++;
    let t = heads[cursor & MASK];
    while (t !== null) {
      const nx = t.next;
      if (t.expire <= nowMs) { unlink(t); t.expire = -1; firing.push(t); }
      t = nx;
    }
  }
  // a callback may disarm (expire 0) or re-arm (expire > 0) a timer still waiting here: then it is skipped
  for (let i = 0; i < firing.length; i++) {
    const t = firing[i];
    if (t.expire === -1) { t.expire = 0; t.fn(t.owner); }
  }
  firing.length = 0;
  if (armed === 0 && interval !== null) { clearInterval(interval); interval = null; }
}
