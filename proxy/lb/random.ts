/*
 * `balance random[(<draws>)]`: each draw is a random 32-bit key looked up on the consistent-hash ring (chash.ts), so
 * a server's chance is the share of the ring its points cover, as HAProxy 2.6 (3000 single draws over four equal
 * servers: 841/544/793/822, the ring's 0.289/0.185/0.243/0.283). Of <draws> servers (default 2) the one with the
 * fewest connections per weight wins, the first drawn on a tie. Dynamic weights. Hot path: yes (binary search/draw).
 */
import type { Server } from '../model/types.ts';
import type { LbAlgo } from './types.ts';
import { LB_HASH_CONSISTENT } from './types.ts';
import type { HashTable } from './chash.ts';
import { buildHashTable, hashLookup } from './chash.ts';

interface RandState { table: HashTable; servers: Server[] }

function full(s: Server): boolean { return s.maxconn > 0 && s.served >= s.maxconn; }

export const random: LbAlgo = {
  name: 'random',
  dynamic: true,
  needsHttp: false,
  init(be, servers) {
    // hash-balance-factor bounds each draw as on a hash key (2.6 draws through the same consistent-hash lookup)
    const table = buildHashTable(servers, LB_HASH_CONSISTENT, be.balance.hashBalanceFactor);
    be.lbState = { table, servers: servers.slice() } satisfies RandState;
  },
  pick(be, _req, avoid) {
    const st = be.lbState as RandState;
    const n = st.servers.length;
    if (n === 0) return null;
    const draws = be.balance.randomDraws > 0 ? be.balance.randomDraws : 2;
    let best: Server | null = null;
    for (let d = 0; d < draws; d++) {
      const s = hashLookup(st.table, (Math.random() * 4294967296) >>> 0, n > 1 ? avoid : null);
      if (s === null || full(s) || (s === avoid && n > 1)) continue;
      if (best === null || s.served * best.eweight < best.served * s.eweight) best = s;
    }
    if (best !== null) return best;
    // every draw unusable: first free server in order
    for (let i = 0; i < n; i++) {
      const s = st.servers[i];
      if (s !== avoid && !full(s)) return s;
    }
    return avoid !== null && !full(avoid) ? avoid : null;
  },
  onTake() {},
  onDrop() {},
};
