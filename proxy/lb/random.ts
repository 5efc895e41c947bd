/*
 * `balance random[(<draws>)]`: draws <draws> servers at random, weighted (default 2: "power of two choices"), and
 * keeps the one with the fewest connections per weight (the first drawn on a tie, so idle servers get shares
 * proportional to their weights, as HAProxy 2.6: 117/192/291 of 600 for weights 1,2,3). Dynamic weights.
 * Hot path: yes (binary search per draw).
 */
import type { Server } from '../model/types.ts';
import type { LbAlgo } from './types.ts';

interface RandState { servers: Server[]; cum: Float64Array; total: number }

function draw(st: RandState): Server {
  const r = Math.random() * st.total;
  let lo = 0;
  let hi = st.cum.length - 1;
  while (lo < hi) { const mid = (lo + hi) >>> 1; if (st.cum[mid] <= r) lo = mid + 1; else hi = mid; }
  return st.servers[lo];
}

export const random: LbAlgo = {
  name: 'random',
  dynamic: true,
  needsHttp: false,
  init(be, servers) {
    const cum = new Float64Array(servers.length);
    let t = 0;
    for (let i = 0; i < servers.length; i++) { t += servers[i].eweight; cum[i] = t; }
    be.lbState = { servers: servers.slice(), cum, total: t } satisfies RandState;
  },
  pick(be, _req, avoid) {
    const st = be.lbState as RandState;
    const n = st.servers.length;
    if (n === 0) return null;
    const draws = be.balance.randomDraws > 0 ? be.balance.randomDraws : 2;
    let best: Server | null = null;
    for (let d = 0; d < draws; d++) {
      const s = draw(st);
      if (s === avoid && n > 1) continue;
      if (s.maxconn > 0 && s.served >= s.maxconn) continue;
      if (best === null || s.served * best.eweight < best.served * s.eweight) best = s;
    }
    if (best !== null) return best;
    // every draw unusable: first free server in order
    for (let i = 0; i < n; i++) {
      const s = st.servers[i];
      if (s !== avoid && !(s.maxconn > 0 && s.served >= s.maxconn)) return s;
    }
    return avoid !== null && !(avoid.maxconn > 0 && avoid.served >= avoid.maxconn) ? avoid : null;
  },
  onTake() {},
  onDrop() {},
};
