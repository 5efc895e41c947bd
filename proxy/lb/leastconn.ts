/*
 * `balance leastconn`: the usable server with the fewest current connections relative to its weight
 * (served / eweight); ties rotate so equal servers share new connections round-robin. Skips full servers and `avoid`.
 * O(servers) per pick, no allocation. Hot path: yes.
 */
import type { Server } from '../model/types.ts';
import type { LbAlgo } from './types.ts';

interface LcState { servers: Server[]; rot: number }

export const leastconn: LbAlgo = {
  name: 'leastconn',
  dynamic: true,
  needsHttp: false,
  init(be, servers) { be.lbState = { servers: servers.slice(), rot: 0 } satisfies LcState; },
  pick(be, _req, avoid) {
    const st = be.lbState as LcState;
    const n = st.servers.length;
    let best: Server | null = null;
    let bestKey = Infinity;
    let fallback: Server | null = null;
    for (let k = 0; k < n; k++) {
      const s = st.servers[(st.rot + k) % n];
      if (s.maxconn > 0 && s.served >= s.maxconn) continue;
      if (s === avoid) { fallback = s; continue; }
      const key = (s.served + 1) / s.eweight;
      if (key < bestKey) { bestKey = key; best = s; }
    }
    st.rot = n > 0 ? (st.rot + 1) % n : 0;
    return best !== null ? best : fallback;
  },
  onTake() {},
  onDrop() {},
};
