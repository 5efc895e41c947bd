/*
 * Load-balancing types (owned by lb/): the `balance` settings of a backend and the LbAlgo descriptor every algorithm
 * module exports (HAProxy's lb_ops). Types and constants only. The backend (backend/server.ts) calls init() whenever
 * the set of usable servers or their weights change, and pick() per stream. Hot path: pick() is.
 */
import type { Proxy, Server } from '../model/types.ts';

/** `hash-type` method. */
export const LB_HASH_MAP_BASED = 0;
export const LB_HASH_CONSISTENT = 1;

/** `hash-type <method> <function>`; sdbm is HAProxy's default. */
export const LB_HFN_SDBM = 0;
export const LB_HFN_DJB2 = 1;
export const LB_HFN_WT6 = 2;
export const LB_HFN_CRC32 = 3;

/** The `balance` line of a backend (plus `hash-type`), filled by lb/balance.ts at load. */
export interface BalanceCfg {
  algo: string;              // registered LbAlgo name: 'roundrobin', 'static-rr', 'leastconn', 'first', 'source', ...
  hashType: number;          // LB_HASH_*
  hashFunc: number;          // LB_HFN_*
  hashAvalanche: boolean;    // `hash-type ... avalanche`
  uriLen: number;            // `balance uri len N`, 0 = whole
  uriDepth: number;          // `balance uri depth N`, 0 = all
  uriWhole: boolean;         // `balance uri whole` (include the query string)
  urlParam: string;          // `balance url_param <name>`
  hdrName: string;           // `balance hdr(<name>)`, lower case
  hdrDomainOnly: boolean;    // `balance hdr(host) use_domain_only`
  randomDraws: number;       // `balance random(<draws>)`, default 2
  rdpCookieName: string;     // `balance rdp-cookie(<name>)`, lower case, default 'mstshash'
  hashBalanceFactor: number; // `hash-balance-factor` (consistent hashing with bounded loads), 0 = off
  file: string;
  line: number;
}

/**
 * What a hash-based algorithm may read from the stream asking for a server. Implemented by the stream object
 * (tcp/forward.ts: buf null; http/stream.ts: the parsed request head). Offsets index `buf`; the algorithm never keeps
 * a reference to `buf` after pick() returns and never allocates strings from it.
 */
export interface LbRequestView {
  /** Client address bytes for `balance source` (4 for IPv4, 16 for IPv6); empty when unknown. */
  readonly srcAddr: Buffer;
  /** The request head (HTTP) or null (tcp mode: uri/url_param/hdr fall back to round robin, as HAProxy). */
  readonly reqBuf: Buffer | null;
  /** Request-target (URI) offsets in reqBuf: [uriStart, uriEnd). */
  readonly uriStart: number;
  readonly uriEnd: number;
  /**
   * Finds the first header named `lcName` (lower case). Writes the value's [start, end) offsets in reqBuf to
   * out[0], out[1] (trimmed) and returns true; false when absent.
   */
  findHeader(lcName: string, out: Int32Array): boolean;
  /** tcp streams: the client bytes held before connecting (`balance rdp-cookie` reads the RDP cookie there). */
  readonly l4Data?: Buffer | null;
}

/**
 * One algorithm, registered by name in proxy/modules.ts. `servers` handed to init() is the current usable set, already
 * reduced by the backend to the active servers, or to the backup server(s) when no active one is usable
 * (`option allbackups`); it is rebuilt and init() called again on every up/down/weight/admin change.
 */
export interface LbAlgo {
  readonly name: string;
  /** Weights may change at runtime (`set weight`) without a reload. static-rr and map-based hashes are not. */
  readonly dynamic: boolean;
  /** Needs the HTTP request (uri, url_param, hdr); in tcp mode HAProxy warns and falls back to round robin. */
  readonly needsHttp: boolean;
  /** Builds be.lbState from `servers` (eweight > 0 only). Allocates; not per request. */
  init(be: Proxy, servers: readonly Server[]): void;
  /**
   * Chooses a server, never `avoid` when another one is usable (retries/redispatch pass the failed server).
   * Returns null when no server is usable. Must not allocate.
   */
  pick(be: Proxy, req: LbRequestView | null, avoid: Server | null): Server | null;
  /** Connection accounting for algorithms that care (leastconn, first); called after served changed. */
  onTake(srv: Server): void;
  onDrop(srv: Server): void;
}
