/*
 * Idle server connections for HTTP connection reuse (`http-reuse`): a small LIFO stack per server. A parked socket
 * gets the pool's module-level handlers (owner = its server) that drop it if the server talks or closes while idle.
 * Used by backend/connect.ts (take) and the HTTP stream (put, through BackendConn.releaseIdle). Like HAProxy's
 * pool-purge-delay (5 s), a coarse unref'd timer closes, each period, half of the connections of a server that stayed
 * idle through the whole period (its fewest idle connections since the last purge). Server connections Sluice closes
 * while the server has not closed are reset (serverClose), as 2.6 does (SO_LINGER 0): no TIME_WAIT left on the
 * proxy's source ports, fewer packets. Hot path: yes (put/take).
 */
import type { Server } from '../model/types.ts';
import type { ProxySocket, SockError } from '../net/types.ts';
import { sockSilence } from '../net/raw-socket.ts';

/** Upper bound of idle connections kept per server (HAProxy's pool-max-conn default is unlimited; we cap memory). */
export const POOL_MAX_PER_SERVER = 256;

type Socket = ProxySocket;

/**
 * Closes a server connection nobody uses anymore (its handlers are dropped: no close callback): with a RST when the
 * server has not sent its FIN (nothing of value is in flight once a transaction ended or was aborted; 2.6 sets
 * SO_LINGER 0 on its server sockets before close()), else normally (FIN).
 */
export function serverClose(s: Socket): void {
  sockSilence(s);
  if (s.readEnded) s.destroy();
  else s.resetAndDestroy();
}

/**
 * serverClose for the connection of a transaction that just ended whose server was to close it (its response or our
 * request said so): 2.6 sees a FIN that came with the last data (EPOLLRDHUP in the same wake-up) and closes with a
 * FIN then; libuv reports it one poll later (its read of the data was short, so it stops there). A plain TCP socket
 * still reading is so kept one poll phase more (serverLinger): closed with a FIN if its EOF comes in that poll, else
 * reset. Paused, connecting and TLS sockets are closed at once. Not for keep-alive connections the pool refuses
 * (Connection: close clients): their server has no reason to close, and they are reset at once as before.
 */
export function serverCloseAfterResponse(s: Socket): void {
  if (s.readEnded || s.destroyed || s.connecting === true || s.tls !== undefined || s.isPaused()) serverClose(s);
  else { sockSilence(s); serverLinger(s); }
}

/*
 * Server sockets waiting for their FIN (serverCloseAfterResponse): `lingerNew` gets them during a loop iteration; the
 * check phase (setImmediate) moves them to `lingerOld`, and resets those still open at the next check phase, after one
 * poll phase that delivers an EOF already in the kernel. One setImmediate per loop iteration with lingering sockets,
 * not per socket; the arrays are swapped, never reallocated.
 */
let lingerNew: Socket[] = [];
let lingerOld: Socket[] = [];
let lingerArmed = false;

function serverLinger(s: Socket): void {
  s.ondata = onLingerData;
  s.onend = onLingerEnd;
  lingerNew.push(s);
  if (!lingerArmed) { lingerArmed = true; setImmediate(lingerTurn); }
}

function lingerTurn(): void {
  const old = lingerOld;
  for (let i = 0; i < old.length; i++) {
    const s = old[i];
    if (!s.destroyed) s.resetAndDestroy();
  }
  old.length = 0;
  lingerOld = lingerNew;
  lingerNew = old;
  if (lingerOld.length !== 0) setImmediate(lingerTurn);
  else lingerArmed = false;
}

// the server's FIN: a normal close (the socket is silent: no close callback)
function onLingerEnd(this: Socket): void { this.destroy(); }
// bytes after the end of its last response: reset now, as 2.6 does with unread data
function onLingerData(this: Socket, _chunk: Buffer): void { this.resetAndDestroy(); }

/** HAProxy's default pool-purge-delay. */
export const POOL_PURGE_MS = 5000;
/** Servers with idle connections → their fewest idle connections since the last purge. */
const idleLow = new Map<Server, number>();
let purgeTimer: NodeJS.Timeout | null = null;

function idleList(srv: Server): Socket[] {
  let l = srv.idlePool as Socket[] | null;
  if (l === null) { l = []; srv.idlePool = l; }
  return l;
}

/** Records that `srv` has `len` idle connections now (lowers its mark for the next purge). */
function noteIdleLen(srv: Server, len: number): void {
  const low = idleLow.get(srv);
  if (low !== undefined && len < low) idleLow.set(srv, len);
}

/**
 * One purge period: for each server, closes the older half (rounded up) of the connections that stayed idle since the
 * previous purge. Called by the pool's timer; exported for tests.
 */
export function poolPurge(): void {
  for (const [srv, low] of idleLow) {
    const l = srv.idlePool as Socket[] | null;
    if (l === null || l.length === 0) { idleLow.delete(srv); continue; }
    const kill = Math.min(l.length, (low + 1) >> 1);
    for (const s of l.splice(0, kill)) serverClose(unpark(s));
    if (l.length === 0) idleLow.delete(srv);
    else idleLow.set(srv, l.length);
  }
  if (idleLow.size === 0 && purgeTimer !== null) { clearInterval(purgeTimer); purgeTimer = null; }
}

function noop(): void { /* a socket leaving the pool answers nobody until its next owner sets handlers */ }
function noopData(_c: Buffer): void { /* idem */ }
function noopErr(_e: SockError): void { /* idem */ }

/** Takes the pool's handlers off `s` (it is out of the pool now). */
function unpark(s: Socket): Socket {
  s.owner = null;
  s.ondata = noopData; s.onend = noop; s.onclose = noop; s.onerror = noopErr; s.ondrain = noop;
  return s;
}

/** Takes a parked `s` out of its server's idle list; false when it is not parked (taken back or gone). */
function unlist(s: Socket): boolean {
  const srv = s.owner as Server | null;
  if (srv === null) return false;
  unpark(s);
  const l = srv.idlePool as Socket[] | null;
  if (l !== null) {
    const i = l.indexOf(s);
    if (i >= 0) { l[i] = l[l.length - 1]; l.pop(); noteIdleLen(srv, l.length); }
  }
  return true;
}

function onIdleGone(this: Socket): void { if (unlist(this)) serverClose(this); }

// an idle server must not talk: drop the connection (HAProxy closes it too)
function onIdleData(this: Socket, _chunk: Buffer): void { onIdleGone.call(this); }
function onIdleError(this: Socket, _e: SockError): void { onIdleGone.call(this); }

/**
 * Drops `sock` from its pool and closes it, if it is still parked there (no-op once taken back or gone): for a
 * session's private connection when the session ends.
 */
export function poolDiscard(sock: Socket): void {
  if (sock.onclose === onIdleGone && unlist(sock)) serverClose(sock);
}

/**
 * Parks `sock` as idle for `srv`: the pool's handlers replace the caller's (and it reads on, so an idle server that
 * talks or closes is dropped).
 * Returns false (and destroys the socket) when the pool is full, when the server's idle plus used connections would
 * exceed the most it ever had in use at once (as 2.6 keeps idle + used within what was needed: after a burst of 50
 * concurrent `Connection: close` sessions haproxy 2.6.12 keeps 50 idle, Sluice kept 256 and their 64 KiB read
 * buffers), when the socket is not writable anymore or its server already sent its FIN, or when it must not serve
 * another request (a TLS connection whose SNI came from this request's Host: proxy/net/tls-socket.ts).
 * `owner` non-null parks it as private to that session (http-reuse never): only poolTake with the same owner gets it.
 */
export function poolPut(srv: Server, sock: Socket, owner: object | null): boolean {
  const l = idleList(srv);
  const peak = srv.counters.connMax > 0 ? srv.counters.connMax : 1;
  if (l.length >= POOL_MAX_PER_SERVER || (owner === null && l.length + srv.served >= peak) || sock.destroyed || !sock.writable ||
    sock.readEnded || sock.noReuse === true) {
    serverClose(sock);
    return false;
  }
  sock.owner = srv;
  sock.poolUses++;
  sock.poolOwner = owner;
  sock.ondata = onIdleData; sock.onend = onIdleGone; sock.onclose = onIdleGone; sock.onerror = onIdleError; sock.ondrain = noop;
  if (sock.isPaused()) sock.resume();     // paused by the backpressure of its last session
  l.push(sock);
  if (!idleLow.has(srv)) idleLow.set(srv, 0);   // it had none idle when this period began
  if (purgeTimer === null) { purgeTimer = setInterval(poolPurge, POOL_PURGE_MS); purgeTimer.unref(); }
  return true;
}

/**
 * Takes the most recently parked idle socket of `srv` that already carried at least `minUses` requests (pool
 * handlers made inert), or null. minUses 2 is `http-reuse aggressive`'s "proven reusable" for a first request.
 * Private connections are taken only by their `owner`; an owner takes only its own.
 */
export function poolTake(srv: Server, minUses: number, owner: object | null): Socket | null {
  const l = srv.idlePool as Socket[] | null;
  if (l === null) return null;
  for (let i = l.length - 1; i >= 0; i--) {
    const ps = l[i];
    if (ps.poolUses < minUses || ps.poolOwner !== owner) continue;
    l[i] = l[l.length - 1]!;
    l.pop();
    noteIdleLen(srv, l.length);
    unpark(ps);
    if (!ps.destroyed && ps.writable) return ps;
    serverClose(ps);
  }
  return null;
}

/** Number of idle connections of `srv` (stats: idle_conn_cur). */
export function poolIdleCount(srv: Server): number {
  const l = srv.idlePool as Socket[] | null;
  return l === null ? 0 : l.length;
}

/** Closes every idle connection of `srv` (server removed, reload, address change). */
export function poolFlush(srv: Server): void {
  let s: Socket | null;
  const l = srv.idlePool as Socket[] | null;
  while (l !== null && l.length > 0) {
    s = l.pop()!;
    serverClose(unpark(s));
  }
  idleLow.delete(srv);
}
