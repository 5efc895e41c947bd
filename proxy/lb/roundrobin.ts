/*
 * `balance roundrobin` with dynamic weights, as HAProxy 2.6's weighted round robin picks (fixtures/lb rr_*, all 45
 * cases request by request): per group (active, backup) a window of positions; servers sit in a "current" queue by
 * next position (then by remaining weight, then arrival), in an "init" queue by weight until first picked, or in a
 * "next" queue for the following window. A pick takes the first current server due now, else the heaviest waiting in
 * init; its position advances by total/weight with the remainder carried. Weights are in 1/16 units as in 2.6.
 * Runtime changes arrive as a new usable set (init()), turned into up/down/reweight events; the backup group follows
 * the backend's usable backups even while unused (read from be.servers), as 2.6's does.
 * Hot path: yes (pick is O(servers) array moves, no allocation).
 */
import type { Proxy, Server } from '../model/types.ts';
import {
  PR_O_ALLBACKUPS, SRV_ST_RUNNING, SRV_ST_STARTING, SRV_ADMF_FMAINT, SRV_ADMF_IMAINT, SRV_ADMF_CMAINT, SRV_ADMF_RMAINT,
  SRV_ADMF_FDRAIN, SRV_ADMF_IDRAIN,
} from '../model/types.ts';
import type { LbAlgo } from './types.ts';
import { srvWeight16 } from '../backend/server.ts';

const WEIGHT_SCALE = 16;                     // effective weight = user weight * 16
const EWEIGHT_MAX = 256 * WEIGHT_SCALE;
const UWEIGHT_RANGE = 256;

interface RrNode {
  s: Server;
  e: number;                 // effective weight the group counts now (0 = not usable)
  ne: number;                // effective weight wanted
  npos: number;              // next position
  lpos: number;              // position of the last pick
  rw: number;                // remainder carried from the weight division
  key: number;
  q: RrQueue | null;         // the queue it sits in
  nextFull: RrNode | null;   // chaining of servers skipped by one pick
}

/** A queue ordered by key, equal keys in arrival order (an ebtree with duplicates). */
interface RrQueue { a: RrNode[] }

interface RrGroup {
  curr: RrQueue;
  init: RrQueue;
  next: RrQueue;
  pos: number;               // current position
  cw: number;                // weight of the current window
  nw: number;                // weight of the next one (what the usable servers sum to now)
  members: Set<RrNode>;      // usable servers of the group
}

interface RrState {
  rr: true;
  nodes: Map<Server, RrNode>;
  act: RrGroup;
  bck: RrGroup;
  fbck: Server | null;       // without `option allbackups`: the one backup in use, picked without the group
}

const NOT_LB = SRV_ADMF_FMAINT | SRV_ADMF_IMAINT | SRV_ADMF_CMAINT | SRV_ADMF_RMAINT | SRV_ADMF_FDRAIN | SRV_ADMF_IDRAIN;

/** A backup 2.6 keeps in its backup group: up or starting, neither in maintenance nor draining, weight > 0. */
function backupUsable(s: Server): boolean {
  return s.backup && (s.curState === SRV_ST_RUNNING || s.curState === SRV_ST_STARTING) && (s.adminState & NOT_LB) === 0 &&
    s.eweight > 0;
}

function qInsert(q: RrQueue, n: RrNode, key: number): void {
  const a = q.a;
  let i = a.length;
  a.push(n);
  while (i > 0 && a[i - 1].key > key) { a[i] = a[i - 1]; i--; }
  a[i] = n;
  n.key = key;
  n.q = q;
}

function dequeue(n: RrNode): void {
  const q = n.q;
  if (q === null) return;
  const a = q.a;
  const i = a.indexOf(n);
  if (i >= 0) { for (let j = i + 1; j < a.length; j++) a[j - 1] = a[j]; a.length--; }
  n.q = null;
}

function queueByWeight(q: RrQueue, n: RrNode): void { dequeue(n); qInsert(q, n, EWEIGHT_MAX - n.ne); }

/** Queues a server by its next position: in the current window if it fits, else in the next one. */
function queueSrv(g: RrGroup, n: RrNode): void {
  if (!g.members.has(n)) { dequeue(n); return; }
  if (n.ne <= 0 || n.npos >= 2 * g.cw || n.npos >= g.cw + g.nw) {
    queueByWeight(g.next, n);
    if (n.npos >= g.cw) n.npos -= g.cw;
  } else {
    dequeue(n);
    qInsert(g.curr, n, UWEIGHT_RANGE * n.npos + Math.floor((EWEIGHT_MAX + n.rw - n.ne) / WEIGHT_SCALE));
  }
}

/** A server's position brought into the current window's terms before it is requeued. */
function rebase(g: RrGroup, n: RrNode): void {
  if (n.q === g.init) { n.npos = 0; n.rw = 0; } else if (n.q === g.next) n.npos += g.cw;
}

function newGroup(): RrGroup {
  return { curr: { a: [] }, init: { a: [] }, next: { a: [] }, pos: 0, cw: 0, nw: 0, members: new Set() };
}

function fromGroup(g: RrGroup): RrNode | null {
  const c = g.curr.a.length > 0 ? g.curr.a[0] : null;
  if (c !== null && c.e > 0 && c.npos <= g.pos) return c;
  const i = g.init.a.length > 0 ? g.init.a[0] : null;
  if (i !== null && i.e > 0) { dequeue(i); i.npos = 0; i.rw = 0; return i; }
  return c;
}

function advance(g: RrGroup, n: RrNode): void {
  const e = n.e;
  if (e === 0) return;
  if (n.npos === 0) n.npos = g.pos;
  n.lpos = n.npos;
  n.npos += Math.floor(g.nw / e);
  n.rw += g.nw % e;
  if (n.rw >= e) { n.rw -= e; n.npos++; }
}

function switchWindows(g: RrGroup): void {
  const t = g.init;
  g.init = g.next;
  g.next = t;
  g.cw = g.nw;
  g.pos = g.cw;
}

function full(s: Server): boolean { return s.maxconn > 0 && (s.queued > 0 || s.served >= s.maxconn); }

function srvUp(g: RrGroup, n: RrNode): void {
  g.members.add(n);
  n.e = n.ne;
  g.nw += n.ne;
  rebase(g, n);
  n.npos = g.pos + Math.floor((g.nw + g.cw - g.pos) / n.ne);
  queueSrv(g, n);
}

function srvDown(g: RrGroup, n: RrNode): void {
  g.members.delete(n);
  g.nw -= n.e;
  n.e = 0;
  dequeue(n);
}

function srvReweight(g: RrGroup, n: RrNode): void {
  g.nw += n.ne - n.e;
  n.e = n.ne;
  if (n.q === g.init) { queueByWeight(g.init, n); return; }
  if (n.q === null) {
    n.npos = g.pos + Math.floor((g.nw + g.cw - g.pos) / n.ne);
    queueSrv(g, n);
    return;
  }
  rebase(g, n);
  const prev = n.npos;
  const step = Math.floor(g.nw / n.ne);
  n.npos = n.lpos + step;
  n.rw = 0;
  if (n.npos > prev) n.npos = prev;
  if (n.npos < g.pos + 2) n.npos = g.pos + step;
  queueSrv(g, n);
}

/** Brings group `g` to the usable servers `want` (up, down, reweight events in server order). */
function syncGroup(st: RrState, g: RrGroup, want: readonly Server[], fresh: boolean): void {
  const keep = new Set<RrNode>();
  for (const s of want) {
    let n = st.nodes.get(s);
    if (n === undefined) {
      n = { s, e: 0, ne: 0, npos: 0, lpos: 0, rw: 0, key: 0, q: null, nextFull: null };
      st.nodes.set(s, n);
    }
    n.ne = Math.max(1, Math.round(srvWeight16(s)));
    keep.add(n);
  }
  if (fresh) {
    // a group never picked from: every server waits in init by weight, the window is the total weight
    let tot = 0;
    for (const n of keep) { tot += n.ne; n.e = n.ne; n.npos = 0; n.rw = 0; g.members.add(n); }
    g.pos = g.cw = g.nw = tot;
    for (const s of want) queueByWeight(g.init, st.nodes.get(s)!);
    return;
  }
  for (const n of [...g.members]) if (!keep.has(n)) srvDown(g, n);
  for (const s of want) {
    const n = st.nodes.get(s)!;
    if (!g.members.has(n)) srvUp(g, n);
    else if (n.e !== n.ne) srvReweight(g, n);
  }
}

function isRr(x: unknown): x is RrState { return typeof x === 'object' && x !== null && (x as RrState).rr === true; }

export const roundrobin: LbAlgo = {
  name: 'roundrobin',
  dynamic: true,
  needsHttp: false,
  init(be, servers) {
    const prev = isRr(be.lbState) ? be.lbState : null;
    const st: RrState = prev ?? { rr: true, nodes: new Map(), act: newGroup(), bck: newGroup(), fbck: null };
    const act: Server[] = [];
    for (const s of servers) if (!s.backup) act.push(s);
    // the backend hands over the usable active servers, else the backup(s) in use; 2.6's backup group follows every
    // usable backup all along, whether it is in use or not
    syncGroup(st, st.act, act, prev === null);
    syncGroup(st, st.bck, be.servers.filter(backupUsable), prev === null);
    st.fbck = act.length === 0 && servers.length > 0 && (be.options & PR_O_ALLBACKUPS) === 0 ? servers[0] : null;
    be.lbState = st;
  },
  pick(be: Proxy, _req, avoid) {
    const st = be.lbState as RrState;
    if (st.act.members.size === 0 && st.fbck !== null) return st.fbck;
    const g = st.act.members.size > 0 ? st.act : st.bck;
    if (g.members.size === 0) return null;
    let switched = false;
    let avoided: RrNode | null = null;
    let fullList: RrNode | null = null;
    let n: RrNode | null = null;
    let take = false;
    for (;;) {
      if (g.cw === 0) g.pos = g.cw = g.nw;
      for (;;) {
        n = fromGroup(g);
        if (n !== null) break;
        if (switched) break;
        switched = true;
        switchWindows(g);
      }
      if (n === null) {
        if (avoided !== null) { n = avoided; take = true; }
        break;
      }
      advance(g, n);
      dequeue(n);
      g.pos++;
      if (!full(n.s)) {
        if (n.s !== avoid || avoided !== null) { take = true; break; }
        avoided = n;
      }
      n.nextFull = fullList;
      fullList = n;
    }
    if (take && n !== null) queueSrv(g, n);
    // servers skipped (full or avoided) go back where they belong; after a window switch their place is lost
    while (fullList !== null) {
      const f = fullList;
      fullList = f.nextFull;
      f.nextFull = null;
      if (take && f === n) continue;
      if (switched) queueByWeight(g.init, f); else queueSrv(g, f);
    }
    return take && n !== null ? n.s : null;
  },
  onTake() {},
  onDrop() {},
};
