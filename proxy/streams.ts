/*
 * The set of live streams (client sessions) of this process, for `show sess`, `shutdown session(s)`, graceful stop
 * (wait until empty) and tests. Streams (tcp/forward.ts, http/stream.ts) add themselves when they start and delete
 * themselves when they end, via streamRegister/streamUnregister (which also release the frontend slot).
 * Hot path: yes (one Set add/delete per connection).
 */
import type { Proxy, StreamLog } from './model/types.ts';

/** What every stream exposes to the rest of the process. */
export interface ActiveStream {
  readonly sessId: number;
  readonly fe: Proxy;
  readonly log: StreamLog;
  /** Ends the stream now (both sides), logging `errCause` (SF_ERR_KILLED for the CLI, SF_ERR_DOWN for a server). */
  kill(errCause: number): void;
}

export const activeStreams = new Set<ActiveStream>();
let lastSessId = 0;
let drainWaiter: (() => void) | null = null;

/** A new unique stream id (`show sess` 0x... ids and %rt-like counters). */
export function nextSessId(): number { return ++lastSessId; }

export function streamRegister(s: ActiveStream): void { activeStreams.add(s); }

export function streamUnregister(s: ActiveStream): void {
  activeStreams.delete(s);
  if (activeStreams.size === 0 && drainWaiter !== null) { const w = drainWaiter; drainWaiter = null; w(); }
}

/** Resolves once no stream is left (graceful stop). */
export function whenNoStreams(): Promise<void> {
  if (activeStreams.size === 0) return Promise.resolve();
  return new Promise((resolve) => {
    const prev = drainWaiter;
    drainWaiter = () => { if (prev) prev(); resolve(); };
  });
}

/** Kills every stream matching `pred`; returns how many. */
export function killStreams(pred: (s: ActiveStream) => boolean, errCause: number): number {
  let n = 0;
  for (const s of [...activeStreams]) if (pred(s)) { s.kill(errCause); n++; }
  return n;
}
