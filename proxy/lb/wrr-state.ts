/*
 * Smooth weighted round-robin state (nginx's algorithm: each pick adds every weight to its counter, takes the
 * highest counter, subtracts the total), shared by roundrobin, static-rr and the round-robin fallback of the hash
 * algorithms. Picks spread a server's turns evenly (weights 5,1,1 give a a b a c a a, not a a a a a b c).
 * Skips servers at maxconn and the `avoid` server when another is usable. O(servers) per pick, no allocation.
 * Hot path: yes.
 */
import type { Server } from '../model/types.ts';

export interface WrrState {
  servers: Server[];
  weights: Int32Array;
  current: Float64Array;
}

export function newWrrState(servers: readonly Server[], weightOf: (s: Server) => number): WrrState {
  const n = servers.length;
  const st: WrrState = { servers: servers.slice(), weights: new Int32Array(n), current: new Float64Array(n) };
  for (let i = 0; i < n; i++) st.weights[i] = weightOf(servers[i]);
  return st;
}

function full(s: Server): boolean { return s.maxconn > 0 && s.served >= s.maxconn; }

/** Next server, or null when every server is full (or the set is empty). */
export function wrrPick(st: WrrState, avoid: Server | null): Server | null {
  const n = st.servers.length;
  let best = -1;
  let total = 0;
  let skippedAvoid = -1;
  for (let i = 0; i < n; i++) {
    const s = st.servers[i];
    if (full(s)) continue;
    if (s === avoid && n > 1) { skippedAvoid = i; continue; }
    const w = st.weights[i];
    st.current[i] += w;
    total += w;
    if (best < 0 || st.current[i] > st.current[best]) best = i;
  }
  if (best < 0) return skippedAvoid >= 0 ? st.servers[skippedAvoid] : null;
  st.current[best] -= total;
  return st.servers[best];
}
