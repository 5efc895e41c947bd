/*
 * Backend contracts (types only): what a stream (tcp/forward.ts, http/stream.ts) implements to obtain a server
 * connection from backend/connect.ts, and the states of that request. The backend never allocates a closure per
 * request: it calls these methods on the stream object. Hot path: yes (one call sequence per server connection).
 */
import type { ProxySocket } from '../net/types.ts';
import type { Server, StreamLog } from '../model/types.ts';
import type { LbRequestView } from '../lb/types.ts';

/**
 * Implemented by the stream that needs a server. Call sequence driven by BackendConn (backend/connect.ts):
 *   conn.connect(be) → [queued: log.tQueue measured] → exactly one of
 *     onServerConnected(sock, srv, reused)   the socket is connected (or taken from the idle pool when reused);
 *                                            from now on the stream owns its ondata/onend/onclose/onerror handlers
 *                                            (the backend cleared its own), and must call conn.release() once
 *                                            the server connection ends or is handed back with conn.releaseIdle().
 *     onServerError(errCause, finishState)   no server could be had: SF_ERR_* / SF_FINST_* to log; HTTP answers 503
 *                                            (HAProxy sends 503 for no server, queue full or timeout, connect
 *                                            failures after retries); tcp just closes the client.
 * The backend fills log.server, log.backend, log.tQueue, log.tConnect, log.retries, log.redispatched, log.srvQueue,
 * log.backendQueue, log.serverIp/Port, log.backendSrcIp/Port, log.srvconn and log.beconn.
 */
export interface BackendClient {
  readonly log: StreamLog;
  /** Request data for hash-based balancing (uri, url_param, hdr, source). tcp streams give only srcAddr. */
  readonly lbReq: LbRequestView | null;
  onServerConnected(sock: ProxySocket, srv: Server, reused: boolean): void;
  onServerError(errCause: number, finishState: number): void;
  /**
   * Optional: the read buffer of each server socket this client gets connected (reads land in it and `ondata` gets a
   * view, no per-read allocation; the stream may swap it during `ondata`). Without it reads are copied out per read.
   */
  readonly srvReadBuffer?: () => Buffer;
  /**
   * Optional (HTTP streams): `srv` has `redir <prefix>` (backend/redir.ts). Returns true when the stream answered the
   * request itself (a 302 for GET/HEAD; it then releases the BackendConn), false to connect as usual.
   */
  onServerRedir?(srv: Server, prefix: string): boolean;
}

/** BackendConn.state */
/** Which idle pooled server connection a request may take (from `http-reuse` and the request's rank). */
export const REUSE_NONE = 0;      // a new connection (a session's first request under never or safe)
export const REUSE_ANY = 1;       // any shared idle connection (later requests; always)
export const REUSE_PROVEN = 2;    // only one that already carried 2+ requests (first request under aggressive)
export const REUSE_OWN = 3;       // only the session's own private one (later requests under never)

export const BC_IDLE = 0;        // no server requested, or released
export const BC_QUEUED = 1;      // waiting in a server or backend queue
export const BC_TURNAROUND = 2;  // waiting the retry delay after a failed connect
export const BC_CONNECTING = 3;  // TCP connect in progress
export const BC_CONNECTED = 4;   // handed to the stream; counts in srv.served

/**
 * A queue entry (HAProxy's pendconn), embedded in the waiting stream's BackendConn: intrusive links, no allocation.
 * `dequeued(srv)` is called by backend/queue.ts when a slot opens on `srv` (the entry is already unlinked).
 */
export interface Pending {
  qPrev: Pending | null;
  qNext: Pending | null;
  qList: PendList | null;    // the list the entry is in, null when not queued
  queuedAt: number;          // ms timestamp of enqueue (oldest first across server and backend queues)
  qIdx: number;              // the list's idx at enqueue, minus 1 (2.6's queue_idx "for increment")
  dequeued(srv: Server): void;
  /** Left a queue (served, timed out, aborted, moved): `pos` = entries served from it meanwhile + 1 (2.6's %sq/%bq). */
  unqueued(pos: number, srvQueue: boolean): void;
}

/** A FIFO of pending streams: per server (srv.srvQueue) and per backend (px.beQueue). */
export interface PendList {
  head: Pending | null;
  tail: Pending | null;
  len: number;
  max: number;               // highest len seen (qmax)
  idx: number;               // entries served from this list so far (2.6's queue_idx)
  srv: Server | null;        // owner when this is a server queue
}

/** Persistence flags of a request (backend/persist-rules.ts prstFlags, BackendConn.prst): HAProxy's SF_*_PRST. */
export const PRST_FORCE = 1;     // a `force-persist` rule matched: persist even to a down server, never redispatch
export const PRST_IGNORE = 2;    // an `ignore-persist` rule matched: no cookie lookup nor insertion
export const PRST_OPTION = 4;    // `option persist`: a cookie may designate a down server
export const PRST_DIRECT = 8;    // the server came from persistence (cookie, use-server, stick): no cookie insertion
