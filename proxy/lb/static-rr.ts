/*
 * `balance static-rr`: walks the weighted server map (chash.ts buildMap, HAProxy 2.6's interleaving) slot by slot,
 * skipping full servers and `avoid`; the slot index survives server changes (taken modulo the new map size, as 2.6
 * does). Runtime weight changes only switch a server between 0% and 100% (srvSetWeight refuses other values for
 * non-dynamic algorithms, as HAProxy). Hot path: yes.
 */
import type { Server } from '../model/types.ts';
import type { LbAlgo } from './types.ts';
import { buildMap } from './chash.ts';

interface SrrState { map: Server[]; idx: number }

function full(s: Server): boolean { return s.maxconn > 0 && s.served >= s.maxconn; }

export const staticRr: LbAlgo = {
  name: 'static-rr',
  dynamic: false,
  needsHttp: false,
  init(be, servers) {
    const prev = be.lbState as SrrState | null;
    be.lbState = { map: buildMap(servers, (s) => s.iweight), idx: prev !== null && prev !== undefined && typeof prev.idx === 'number' ? prev.idx : 0 } satisfies SrrState;
  },
  pick(be, _req, avoid) {
    const st = be.lbState as SrrState;
    const n = st.map.length;
    if (n === 0) return null;
    let fallback: Server | null = null;
    for (let k = 0; k < n; k++) {
      const i = (st.idx + k) % n;
      const s = st.map[i];
      if (full(s)) continue;
      if (s === avoid) { if (fallback === null) fallback = s; continue; }
      st.idx = (i + 1) % n;
      return s;
    }
    return fallback;
  },
  onTake() {},
  onDrop() {},
};
