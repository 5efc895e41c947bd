// Derives per-second rates of each row from two snapshots of cumulative counters (bytes, sessions,
// requests, 5xx, errors). A counter that went down (clear counters, reload) yields 0, not a negative
// rate. Pure; called by app.tsx after each refresh and by the bench. Hot path: per refresh.
import type { RowRates, Rates, Snapshot, StatRow } from './types.ts';

function z(n: number): number {
  return Number.isNaN(n) ? 0 : n;
}

function delta(cur: number, prev: number): number {
  const d = z(cur) - z(prev);
  return d > 0 ? d : 0;
}

function errSum(r: StatRow): number {
  const n = r.num;
  return z(n.ereq) + z(n.econ) + z(n.eresp) + z(n.dreq) + z(n.dresp) + z(n.eint);
}

/** Rates of every row of `cur` also present in `prev`. Returns null when there is no previous
 * snapshot or no time elapsed (rates need two samples). */
export function deriveRates(prev: Snapshot | null, cur: Snapshot): Rates | null {
  if (!prev) return null;
  const dtMs = cur.at - prev.at;
  if (!(dtMs > 0)) return null;
  const k = 1000 / dtMs;
  const byKey = new Map<string, RowRates>();
  for (const r of cur.rows) {
    const p = prev.byKey.get(r.key);
    if (!p) continue;
    const a = r.num;
    const b = p.num;
    byKey.set(r.key, {
      binPs: delta(a.bin, b.bin) * k,
      boutPs: delta(a.bout, b.bout) * k,
      sessPs: delta(a.stot, b.stot) * k,
      reqPs: delta(a.req_tot, b.req_tot) * k,
      rsp5xxPs: delta(a.hrsp_5xx, b.hrsp_5xx) * k,
      errPs: Math.max(0, errSum(r) - errSum(p)) * k,
    });
  }
  return { dtMs, byKey };
}
