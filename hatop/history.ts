// Keeps a bounded history of each backend's request and 5xx rates for sparklines. Pure: returns a
// new map and never mutates the old one, so views can keep rendering the previous model.
// Called by app.tsx after deriveRates. Hot path: no (one entry per backend per refresh).
import type { Rates, Series, Snapshot } from './types.ts';

export const HISTORY_LEN = 60;

function pushCapped(a: readonly number[], v: number, cap: number): number[] {
  const out = a.length >= cap ? a.slice(a.length - cap + 1) : a.slice();
  out.push(v);
  return out;
}

/** Appends one sample per backend (keyed by pxname) of `snap` that has rates; backends that
 * disappeared are dropped. */
export function pushHistory(
  hist: ReadonlyMap<string, Series>,
  snap: Snapshot,
  rates: Rates | null,
  cap: number = HISTORY_LEN,
): Map<string, Series> {
  const out = new Map<string, Series>();
  for (const g of snap.groups) {
    if (!g.backend) continue;
    const sess = Number.isNaN(g.backend.num.req_tot);
    const prev = hist.get(g.pxname) ?? { sess, req: [], rsp5xx: [] };
    const r = rates?.byKey.get(g.backend.key);
    if (!r) {
      out.set(g.pxname, prev);
      continue;
    }
    // TCP backends have no req_tot: their session rate is what an operator watches instead.
    const req = sess ? r.sessPs : r.reqPs;
    out.set(g.pxname, { sess, req: pushCapped(prev.req, req, cap), rsp5xx: pushCapped(prev.rsp5xx, r.rsp5xxPs, cap) });
  }
  return out;
}
