/*
 * Server and backend queues (HAProxy's pendconns): streams that found every server at maxconn wait here, FIFO, until
 * a connection slot frees up or `timeout queue` expires (handled by backend/connect.ts). When a server releases a slot,
 * the oldest entry of its own queue or of its backend's queue gets it. Intrusive doubly linked lists, O(1) removal,
 * no allocation per request. Hot path: yes.
 */
import type { Proxy, Server } from '../model/types.ts';
import type { Pending, PendList } from './types.ts';

export function newPendList(srv: Server | null): PendList {
  return { head: null, tail: null, len: 0, max: 0, idx: 0, srv };
}

/** The server's queue, created on first use. */
export function srvPendList(srv: Server): PendList {
  let q = srv.srvQueue as PendList | null;
  if (q === null) { q = newPendList(srv); srv.srvQueue = q; }
  return q;
}

/** The backend's queue, created on first use. */
export function bePendList(be: Proxy): PendList {
  let q = be.beQueue as PendList | null;
  if (q === null) { q = newPendList(null); be.beQueue = q; }
  return q;
}

/** Appends `p` to `q` and updates the queue counters (srv.queued or be.totalQueued). */
export function pendEnqueue(q: PendList, p: Pending, be: Proxy, now: number): void {
  p.qList = q;
  p.queuedAt = now;
  p.qNext = null;
  p.qPrev = q.tail;
  if (q.tail) q.tail.qNext = p; else q.head = p;
  q.tail = p;
  q.len++;
  p.qIdx = q.idx - 1;
  if (q.len > q.max) q.max = q.len;
  // qmax: the server queue's length on the server, the backend queue's on the backend (2.6's nbpend_max)
  if (q.srv) { q.srv.queued++; if (q.srv.queued > q.srv.counters.nbpendMax) q.srv.counters.nbpendMax = q.srv.queued; }
  else { be.totalQueued++; if (q.len > be.beCounters.nbpendMax) be.beCounters.nbpendMax = q.len; }
}

/**
 * Unlinks `p` from its queue (no-op when not queued) and reports its queue position to it (p.unqueued): the entries
 * served from that list while it waited, plus one, as 2.6 counts %sq/%bq; served before its own idx increment.
 */
export function pendRemove(p: Pending, be: Proxy): void {
  const q = p.qList;
  if (q === null) return;
  p.unqueued(q.idx - p.qIdx, q.srv !== null);
  if (p.qPrev) p.qPrev.qNext = p.qNext; else q.head = p.qNext;
  if (p.qNext) p.qNext.qPrev = p.qPrev; else q.tail = p.qPrev;
  p.qPrev = null; p.qNext = null; p.qList = null;
  q.len--;
  if (q.srv) q.srv.queued--; else be.totalQueued--;
}

/** True when `srv` can take one more connection now (maxconn 0 = unlimited). */
export function srvHasSlot(srv: Server): boolean {
  return srv.maxconn === 0 || srv.served < srv.maxconn;
}

/**
 * Gives free slots of `srv` to waiting streams, oldest first between the server's and the backend's queue. The
 * backend queue is only served while `srv` is usable for load balancing (`usable`). Returns how many were dequeued.
 */
export function processQueue(srv: Server, usable: boolean): number {
  const be = srv.proxy;
  const sq = srv.srvQueue as PendList | null;
  const bq = be.beQueue as PendList | null;
  let n = 0;
  while (srvHasSlot(srv)) {
    const a = sq !== null ? sq.head : null;
    const b = usable && bq !== null ? bq.head : null;
    let p: Pending | null;
    if (a === null) p = b;
    else if (b === null) p = a;
    else p = a.queuedAt <= b.queuedAt ? a : b;
    if (p === null) break;
    pendRemove(p, be);
    (p === a ? sq as PendList : bq as PendList).idx++;
    p.dequeued(srv);
    n++;
  }
  return n;
}

/**
 * Moves every entry of `srv`'s queue to its backend queue (server going down or to maintenance): HAProxy's
 * pendconn_redistribute. `keep(p)` returning true leaves the entry (persistent streams that must wait for this
 * server). Returns how many were moved.
 */
export function redistributeQueue(srv: Server, keep: ((p: Pending) => boolean) | null): number {
  const sq = srv.srvQueue as PendList | null;
  if (sq === null) return 0;
  const be = srv.proxy;
  const bq = bePendList(be);
  let n = 0;
  let p = sq.head;
  while (p !== null) {
    const nx = p.qNext;
    if (keep === null || !keep(p)) {
      const at = p.queuedAt;
      pendRemove(p, be);
      pendEnqueue(bq, p, be, at);
      n++;
    }
    p = nx;
  }
  return n;
}
