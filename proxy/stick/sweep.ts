/*
 * Expiry sweep of stick tables: one unref'd 1 s interval per process drops the unused entries whose `expire` has
 * passed (lookups also drop them lazily, so a fetch never sees an expired entry). The table list getter is replaced
 * on each configuration load. Hot path: no.
 */
import type { StkTable } from './table.ts';
import { stkParkedSweep } from './track.ts';

let getTables: (() => StkTable[]) | null = null;
let timer: NodeJS.Timeout | null = null;

function sweep(): void {
  if (getTables === null) return;
  const now = Date.now();
  stkParkedSweep(now);
  for (const t of getTables()) t.purgeExpired(now);
}

/** Starts (or re-points) the sweep at the tables `fn` lists. */
export function stkStartSweeper(fn: () => StkTable[]): void {
  const list = fn();
  getTables = () => list;
  if (timer === null) { timer = setInterval(sweep, 1000); timer.unref(); }
}
