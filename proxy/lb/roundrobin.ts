/*
 * `balance roundrobin` with dynamic weights, picking in HAProxy 2.6's order (learnt from its choices, fixtures/lb
 * rr_*): every server owns a position on a timeline that advances by one per pick; the server with the lowest position
 * is picked (ties: the heavier, then the one queued first) and moves on by total/weight, the remainder carried over.
 * Servers enter the timeline one by one, heaviest first, each when no placed server is due at the current position.
 * Runtime changes (init() again with the new usable set) keep positions: a reweighted server restarts one new step
 * ahead, a server coming back (total - 1) / weight ahead (fits 59 of 60 observed returns). Hot path: yes (pick is O(servers), no allocation).
 */
import type { Server } from '../model/types.ts';
import type { LbAlgo } from './types.ts';

interface RrSrv { s: Server; e: number; npos: number; r: number; placed: boolean; seq: number }

interface RrState {
  rr: true;
  all: Map<Server, RrSrv>;   // every server ever seen: positions survive a down/up
  act: RrSrv[];              // the usable set, in declaration order
  pool: RrSrv[];             // the usable set, heaviest first (entry order of unplaced servers)
  tot: number;               // total weight of the usable set
  cur: number;               // current position (picks so far)
  ins: number;               // queueing stamp
}

function full(s: Server): boolean { return s.maxconn > 0 && s.served >= s.maxconn; }

function isRr(x: unknown): x is RrState { return typeof x === 'object' && x !== null && (x as RrState).rr === true; }

export const roundrobin: LbAlgo = {
  name: 'roundrobin',
  dynamic: true,
  needsHttp: false,
  init(be, servers) {
    const prev = isRr(be.lbState) ? be.lbState : null;
    const st: RrState = prev ?? { rr: true, all: new Map(), act: [], pool: [], tot: 0, cur: 0, ins: 0 };
    const was = new Set(st.act);
    let tot = 0;
    for (const s of servers) tot += s.eweight;
    const act: RrSrv[] = [];
    for (const s of servers) {
      let x = st.all.get(s);
      if (x === undefined) { x = { s, e: s.eweight, npos: 0, r: 0, placed: false, seq: 0 }; st.all.set(s, x); }
      if (prev !== null) {
        if (!was.has(x)) { x.placed = true; x.npos = st.cur + Math.floor((tot - 1) / s.eweight); x.r = 0; x.seq = ++st.ins; }
        else if (x.placed && x.e !== s.eweight) { x.npos = st.cur + Math.floor(tot / s.eweight); x.r = 0; x.seq = ++st.ins; }
      }
      x.e = s.eweight;
      act.push(x);
    }
    st.act = act;
    st.pool = act.slice().sort((a, b) => b.e - a.e || a.s.id - b.s.id);
    st.tot = tot;
    be.lbState = st;
  },
  pick(be, _req, avoid) {
    const st = be.lbState as RrState;
    const act = st.act;
    let best: RrSrv | null = null;
    let fallback: RrSrv | null = null;
    for (let i = 0; i < act.length; i++) {
      const x = act[i];
      if (!x.placed || full(x.s)) continue;
      if (x.s === avoid) { fallback = x; continue; }
      if (best === null || x.npos < best.npos ||
        (x.npos === best.npos && (x.r - x.e < best.r - best.e || (x.r - x.e === best.r - best.e && x.seq < best.seq)))) best = x;
    }
    if (best === null || best.npos > st.cur) {
      const pool = st.pool;
      for (let i = 0; i < pool.length; i++) {
        const x = pool[i];
        if (x.placed || full(x.s) || x.s === avoid) continue;
        x.placed = true; x.npos = st.cur; x.r = 0;
        best = x;
        break;
      }
    }
    if (best === null) best = fallback;
    if (best === null) return null;
    const t = st.tot;
    best.npos += Math.floor(t / best.e);
    best.r += t % best.e;
    if (best.r >= best.e) { best.r -= best.e; best.npos++; }
    best.seq = ++st.ins;
    st.cur++;
    return best.s;
  },
  onTake() {},
  onDrop() {},
};
