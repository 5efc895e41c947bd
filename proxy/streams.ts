/*
 * The set of live streams (client sessions) of this process, for `show sess`, `shutdown session(s)`, graceful stop
 * (wait until empty) and tests. Streams (tcp/forward.ts, http/stream.ts) add themselves when they start and delete
 * themselves when they end, via streamRegister/streamUnregister (which also release the frontend slot).
 * An intrusive doubly-linked list through the streams' own streamPrev/streamNext, unlinked (both cleared) on removal,
 * not a Set: a Set's hash table, once promoted to V8's old space, makes every rehash allocate the next table there and
 * leaves the obsolete one holding the streams it had until the next mark-compact, so each scavenge kept (and promoted)
 * most Connection: close sessions. Hot path: yes (O(1) link/unlink per connection, no allocation).
 */
import type { Proxy, StreamLog } from './model/types.ts';

/** What every stream exposes to the rest of the process. */
export interface ActiveStream {
  readonly sessId: number;
  readonly fe: Proxy;
  readonly log: StreamLog;
  /** List links, owned by this module (null when not registered). */
  streamPrev: ActiveStream | null;
  streamNext: ActiveStream | null;
  /** Ends the stream now (both sides), logging `errCause` (SF_ERR_KILLED for the CLI, SF_ERR_DOWN for a server). */
  kill(errCause: number): void;
}

let head: ActiveStream | null = null;
let tail: ActiveStream | null = null;
let count = 0;
let lastSessId = 0;
let drainWaiter: (() => void) | null = null;

/** A new unique stream id (`show sess` 0x... ids and %rt-like counters). */
export function nextSessId(): number { return ++lastSessId; }

/** Adds `s` at the end (the list is in start order); a stream already registered stays where it is. */
export function streamRegister(s: ActiveStream): void {
  if (s.streamPrev !== null || head === s) return;
  s.streamNext = null;
  s.streamPrev = tail;
  if (tail !== null) tail.streamNext = s; else head = s;
  tail = s;
  count++;
}

/** Removes `s` (harmless when not registered); wakes a graceful stop waiting for the last one. */
export function streamUnregister(s: ActiveStream): void {
  if (s.streamPrev === null && head !== s) return;
  const p = s.streamPrev, n = s.streamNext;
  if (p !== null) p.streamNext = n; else head = n;
  if (n !== null) n.streamPrev = p; else tail = p;
  s.streamPrev = null; s.streamNext = null;
  count--;
  if (count === 0 && drainWaiter !== null) { const w = drainWaiter; drainWaiter = null; w(); }
}

/** The live streams, oldest first (a copy: callers may end streams while walking it). */
export function activeStreamList(): ActiveStream[] {
  const out: ActiveStream[] = [];
  for (let s = head; s !== null; s = s.streamNext) out.push(s);
  return out;
}

/** Resolves once no stream is left (graceful stop). */
export function whenNoStreams(): Promise<void> {
  if (count === 0) return Promise.resolve();
  return new Promise((resolve) => {
    const prev = drainWaiter;
    drainWaiter = () => { if (prev) prev(); resolve(); };
  });
}

/** Kills every stream matching `pred`; returns how many. */
export function killStreams(pred: (s: ActiveStream) => boolean, errCause: number): number {
  let n = 0;
  for (const s of activeStreamList()) if (pred(s)) { s.kill(errCause); n++; }
  return n;
}
