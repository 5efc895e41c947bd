/*
 * `balance first`: the first server (lowest id) with a free connection slot gets the connection, so the next servers
 * only receive traffic once the previous ones reach their maxconn (servers without maxconn take everything).
 * Hot path: yes.
 */
import type { Server } from '../model/types.ts';
import type { LbAlgo } from './types.ts';

export const first: LbAlgo = {
  name: 'first',
  dynamic: true,
  needsHttp: false,
  init(be, servers) { be.lbState = servers.slice().sort((a, b) => a.id - b.id); },
  pick(be, _req, avoid) {
    const list = be.lbState as Server[];
    let fallback: Server | null = null;
    for (let i = 0; i < list.length; i++) {
      const s = list[i];
      if (s.maxconn > 0 && s.served >= s.maxconn) continue;
      if (s === avoid) { fallback = s; continue; }
      return s;
    }
    return fallback;
  },
  onTake() {},
  onDrop() {},
};
