/*
 * Per-stream tracking (track-sc0..2) and the counter updates of a tracked entry, as HAProxy 2.6 does them: tracking
 * counts a connection (conn_cnt, conn_rate, conn_cur) and, from http-request, the request itself; each HTTP request
 * of a connection tracked at layer 4 counts http_req_*; a transaction's end counts http_err (4xx) / http_fail (5xx
 * but 501/505) and bytes, and releases the slots tracked for it; the connection's end releases the others.
 * A slot reads the transaction's entry first, else the connection's. Callers: stick/actions.ts, stick/fetches.ts,
 * and the small hooks in http/stream.ts, tcp/forward.ts, tcp/rules.ts. Hot path: yes, only for tracked streams.
 */
import type { StkStream, StkPendingStore, StkRule } from './types.ts';
import {
  STK_SLOTS, STK_DT_CONN_CNT, STK_DT_CONN_RATE, STK_DT_CONN_CUR, STK_DT_SESS_CNT, STK_DT_SESS_RATE, STK_DT_HTTP_REQ_CNT,
  STK_DT_HTTP_REQ_RATE, STK_DT_HTTP_ERR_CNT, STK_DT_HTTP_ERR_RATE, STK_DT_HTTP_FAIL_CNT, STK_DT_HTTP_FAIL_RATE,
  STK_DT_BYTES_IN_CNT, STK_DT_BYTES_IN_RATE, STK_DT_BYTES_OUT_CNT, STK_DT_BYTES_OUT_RATE,
} from './types.ts';
import type { StkEntry, StkTable } from './table.ts';
import { stkFreqAdd } from './freq-ctr.ts';
import type { StreamLog } from '../model/types.ts';

export function stkStreamNew(): StkStream {
  return {
    sessEntry: [null, null, null], sessTable: [null, null, null], txnEntry: [null, null, null], txnTable: [null, null, null],
    stores: [] as StkPendingStore[], resRules: [] as StkRule[], txns: 0, ended: false,
  };
}

/** Adds `n` to a plain counter (32-bit unsigned wrap, or 64-bit for bytes) when the table stores it. */
export function stkAdd(t: StkTable, e: StkEntry, dt: number, n: number): void {
  const c = t.cols[dt];
  if (c === null) return;
  const v = e.vals[c.off] + n;
  e.vals[c.off] = dt === STK_DT_BYTES_IN_CNT || dt === STK_DT_BYTES_OUT_CNT ? v : v >>> 0;
}

/** Adds `n` events to a rate when stored. */
export function stkRate(t: StkTable, e: StkEntry, dt: number, n: number, now: number): void {
  const c = t.cols[dt];
  if (c !== null) stkFreqAdd(e.vals, c.off, c.period, n, now);
}

/** Starts tracking `e` of `t` in slot `n` (no-op when that slot is tracked at this level already). */
export function stkTrack(st: StkStream, n: number, t: StkTable, e: StkEntry, sessLevel: boolean, httpReq: boolean, now: number): void {
  const ents = sessLevel ? st.sessEntry : st.txnEntry;
  if (ents[n] !== null) return;
  ents[n] = e;
  (sessLevel ? st.sessTable : st.txnTable)[n] = t;
  e.use++;
  stkAdd(t, e, STK_DT_CONN_CUR, 1);
  stkAdd(t, e, STK_DT_CONN_CNT, 1);
  stkRate(t, e, STK_DT_CONN_RATE, 1, now);
  if (httpReq) countHttpReq(t, e, now);
}

/** One HTTP request on entry `e` of `t` (http_req_cnt, http_req_rate). */
function countHttpReq(t: StkTable, e: StkEntry, now: number): void {
  stkAdd(t, e, STK_DT_HTTP_REQ_CNT, 1);
  stkRate(t, e, STK_DT_HTTP_REQ_RATE, 1, now);
}

/** The entry slot `n` reads (transaction's, else connection's), with its table in stkSlotTable; null if untracked. */
export let stkSlotTable: StkTable | null = null;
export function stkSlot(st: StkStream | null | undefined, n: number): StkEntry | null {
  if (st === null || st === undefined || n >= st.txnEntry.length) return null;
  let e = st.txnEntry[n] as StkEntry | null;
  if (e !== null) { stkSlotTable = st.txnTable[n] as StkTable; return e; }
  e = st.sessEntry[n] as StkEntry | null;
  if (e !== null) stkSlotTable = st.sessTable[n] as StkTable;
  return e;
}

/** A connection tracked by `tcp-request connection` rules became a session (sess_cnt, sess_rate). */
export function stkSessionStart(st: StkStream, now: number): void {
  for (let i = 0; i < STK_SLOTS; i++) {
    const e = st.sessEntry[i] as StkEntry | null;
    if (e === null) continue;
    const t = st.sessTable[i] as StkTable;
    stkAdd(t, e, STK_DT_SESS_CNT, 1);
    stkRate(t, e, STK_DT_SESS_RATE, 1, now);
  }
}

/**
 * A new HTTP request, before its http-request rules: counted once per tracked slot, on the entry the transaction
 * tracks there (an HTTP frontend's `tcp-request content` rules, which run before the request is counted: 2.6's rules
 * see the rate without it), else on the connection's (layer-4 rules).
 */
export function stkHttpReq(st: StkStream, now: number): void {
  for (let i = 0; i < STK_SLOTS; i++) {
    const txn = st.txnEntry[i] as StkEntry | null;
    if (txn !== null) { countHttpReq(st.txnTable[i] as StkTable, txn, now); continue; }
    const e = st.sessEntry[i] as StkEntry | null;
    if (e !== null) countHttpReq(st.sessTable[i] as StkTable, e, now);
  }
}

/** Bit i set when transaction slot i is tracked (taken before a backend's content rules run). */
export function stkTxnMask(st: StkStream): number {
  let m = 0;
  for (let i = 0; i < STK_SLOTS; i++) if (st.txnEntry[i] !== null) m |= 1 << i;
  return m;
}

/**
 * The request on the transaction slots tracked since `mask` was taken (a backend's `tcp-request content track-sc*`):
 * 2.6 counts it on them once the backend's rules let it through, so a rejected request is not counted there.
 */
export function stkHttpReqSince(st: StkStream, mask: number, now: number): void {
  for (let i = 0; i < STK_SLOTS; i++) {
    const e = st.txnEntry[i] as StkEntry | null;
    if (e !== null && (mask & (1 << i)) === 0) countHttpReq(st.txnTable[i] as StkTable, e, now);
  }
}

/** Stick-store hook run at each transaction's end (stick/persist.ts sets it when some backend has store rules). */
let storeHook: ((st: StkStream, log: StreamLog, now: number) => void) | null = null;
export function stkSetStoreHook(fn: (st: StkStream, log: StreamLog, now: number) => void): void { storeHook = fn; }

/**
 * The end of a transaction (HTTP) or of a tcp stream: status and byte counters on every tracked slot, then the
 * transaction's slots are released. `status` < 0 = none (tcp). `reqUncounted`: an HTTP request that failed before
 * its head was complete (400, 408): 2.6 still counts it as a request on the connection's slots.
 */
export function stkTxnEnd(st: StkStream, log: StreamLog, now: number, reqUncounted = false): void {
  st.txns++;
  if (reqUncounted) stkHttpReq(st, now);
  const status = log.status;
  const err = status >= 400 && status < 500;
  const fail = status >= 500 && status < 600 && status !== 501 && status !== 505;
  const bin = log.bytesIn, bout = log.bytesOut;
  for (let i = 0; i < STK_SLOTS; i++) {
    const e = stkSlot(st, i);
    if (e === null) continue;
    const t = stkSlotTable as StkTable;
    if (err) { stkAdd(t, e, STK_DT_HTTP_ERR_CNT, 1); stkRate(t, e, STK_DT_HTTP_ERR_RATE, 1, now); }
    if (fail) { stkAdd(t, e, STK_DT_HTTP_FAIL_CNT, 1); stkRate(t, e, STK_DT_HTTP_FAIL_RATE, 1, now); }
    if (bin > 0) { stkAdd(t, e, STK_DT_BYTES_IN_CNT, bin); stkRate(t, e, STK_DT_BYTES_IN_RATE, bin, now); }
    if (bout > 0) { stkAdd(t, e, STK_DT_BYTES_OUT_CNT, bout); stkRate(t, e, STK_DT_BYTES_OUT_RATE, bout, now); }
  }
  if (storeHook !== null && st.stores.length !== 0) storeHook(st, log, now);
  st.stores.length = 0;
  st.resRules.length = 0;
  releaseSlots(st.txnEntry, st.txnTable, now);
}

function releaseSlots(ents: (unknown)[], tabs: (unknown)[], now: number): void {
  for (let i = 0; i < STK_SLOTS; i++) {
    const e = ents[i] as StkEntry | null;
    if (e === null) continue;
    const t = tabs[i] as StkTable;
    const c = t.cols[STK_DT_CONN_CUR];
    if (c !== null && e.vals[c.off] > 0) e.vals[c.off]--;
    if (e.use > 0) e.use--;
    t.touch(e, now);
    ents[i] = null;
    tabs[i] = null;
  }
}

/**
 * The end of the connection: every slot still tracked is released (idempotent). `http`: an HTTP connection, which
 * closed before any request counts one request and one error on its slots, as in 2.6.
 */
export function stkSessEnd(st: StkStream, now: number, http = false): void {
  if (st.ended) return;
  st.ended = true;
  if (http && st.txns === 0) {
    for (let i = 0; i < STK_SLOTS; i++) {
      const e = st.sessEntry[i] as StkEntry | null;
      if (e === null) continue;
      const t = st.sessTable[i] as StkTable;
      stkAdd(t, e, STK_DT_HTTP_REQ_CNT, 1);
      stkRate(t, e, STK_DT_HTTP_REQ_RATE, 1, now);
      stkAdd(t, e, STK_DT_HTTP_ERR_CNT, 1);
      stkRate(t, e, STK_DT_HTTP_ERR_RATE, 1, now);
    }
  }
  releaseSlots(st.txnEntry, st.txnTable, now);
  releaseSlots(st.sessEntry, st.sessTable, now);
}

// Hand-off of the slots tracked by `tcp-request connection|session` rules to the stream started for that socket
// (at once, or after a PROXY header / TLS handshake): kept by socket meanwhile. A socket closed before its stream
// starts is released by the sweep (stkParkedSweep).
const parked = new Map<object, StkStream>();

/** Keeps the connection-level tracking state of `conn` until its stream claims it. */
export function stkPark(conn: object, st: StkStream): void { parked.set(conn, st); }

/** The tracking state parked for `conn`, or null (left parked). */
export function stkParked(conn: object): StkStream | null { return parked.size === 0 ? null : parked.get(conn) ?? null; }

/** Forgets `conn`'s parked state (a rejected connection: its counters are released by the caller). */
export function stkUnpark(conn: object): void { if (parked.size !== 0) parked.delete(conn); }

/** Called by every stream's constructor: the tracking state its connection's rules parked, or null (the common case). */
export function stkClaim(conn: object, now: number): StkStream | null {
  if (parked.size === 0) return null;
  const p = parked.get(conn);
  if (p === undefined) return null;
  parked.delete(conn);
  stkSessionStart(p, now);
  return p;
}

/** Releases the parked states of sockets that closed before a stream took them (called by the 1 s sweep). */
export function stkParkedSweep(now: number): void {
  if (parked.size === 0) return;
  for (const [conn, st] of parked) {
    if ((conn as { destroyed?: boolean }).destroyed === true) { parked.delete(conn); stkSessEnd(st, now); }
  }
}
