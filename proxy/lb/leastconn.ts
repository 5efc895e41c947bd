/*
 * `balance leastconn`, ordered as HAProxy 2.6 orders it (fixtures/lb lc_*): an idle server has load 0, a busy one
 * floor((connections + queued + 1) * 4096 / weight in 16ths); the lowest load wins, ties go to the server requeued longest ago.
 * A server is requeued when it takes or drops a connection, when its weight changes and when it comes back, so idle
 * servers are used in turn whatever their weights. Skips full servers and `avoid`. O(servers) per pick, no
 * allocation. Hot path: yes.
 */
import type { Server } from '../model/types.ts';
import type { LbAlgo } from './types.ts';
import { srvWeight16 } from '../backend/server.ts';

interface LcSrv { s: Server; e: number; stamp: number; key: number }

interface LcState { lc: true; all: Map<Server, LcSrv>; act: LcSrv[]; ins: number }

function isLc(x: unknown): x is LcState { return typeof x === 'object' && x !== null && (x as LcState).lc === true; }

/** `e`: the effective weight in 16ths (slowstart steps unrounded, as 2.6 counts them). */
function load(s: Server, e: number): number {
  const n = s.served + s.queued;
  return n === 0 ? 0 : Math.floor(((n + 1) * 4096) / e);
}

function requeue(be: { lbState: unknown }, srv: Server): void {
  const st = be.lbState as LcState;
  const x = st.all.get(srv);
  if (x !== undefined) { x.stamp = ++st.ins; x.key = load(srv, x.e); }
}

export const leastconn: LbAlgo = {
  name: 'leastconn',
  dynamic: true,
  needsHttp: false,
  init(be, servers) {
    const prev = isLc(be.lbState) ? be.lbState : null;
    const st: LcState = prev ?? { lc: true, all: new Map(), act: [], ins: 0 };
    const was = new Set(st.act);
    const act: LcSrv[] = [];
    for (const s of servers) {
      let x = st.all.get(s);
      const e = srvWeight16(s);
      if (x === undefined) { x = { s, e, stamp: 0, key: 0 }; st.all.set(s, x); }
      if (!was.has(x) || x.e !== e) x.stamp = ++st.ins;
      x.e = e;
      x.key = load(s, x.e);
      act.push(x);
    }
    st.act = act;
    be.lbState = st;
  },
  pick(be, _req, avoid) {
    const st = be.lbState as LcState;
    const act = st.act;
    let best: LcSrv | null = null;
    let fallback: Server | null = null;
    for (let i = 0; i < act.length; i++) {
      const x = act[i];
      const s = x.s;
      if (s.maxconn > 0 && s.served >= s.maxconn) continue;
      if (s === avoid) { fallback = s; continue; }
      if (best === null) { best = x; continue; }
      if (x.key < best.key || (x.key === best.key && x.stamp < best.stamp)) best = x;
    }
    return best !== null ? best.s : fallback;
  },
  onTake(srv) { requeue(srv.proxy, srv); },
  onDrop(srv) { requeue(srv.proxy, srv); },
};
