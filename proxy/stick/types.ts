/*
 * Stick-table types (owned by proxy/stick): table key types, stored data types in HAProxy 2.6's order (the order
 * `show table` prints them in), the per-stream tracking slots and the config of `stick on|match|store-*` rules.
 * Types and numeric constants only. Hot path: the constants are read per tracked request by stick/track.ts.
 */
import type { AclCond, SampleCtx } from '../acl/types.ts';

/** Key types (`stick-table type ...`). */
export const STK_T_IP = 0;
export const STK_T_IPV6 = 1;
export const STK_T_INTEGER = 2;
export const STK_T_STRING = 3;
export const STK_T_BINARY = 4;

/** Stored data types, numbered as 2.6's STKTABLE_DT_* (show table prints them in this order). */
export const STK_DT_SERVER_ID = 0;
export const STK_DT_GPT0 = 1;
export const STK_DT_GPC0 = 2;
export const STK_DT_GPC0_RATE = 3;
export const STK_DT_CONN_CNT = 4;
export const STK_DT_CONN_RATE = 5;
export const STK_DT_CONN_CUR = 6;
export const STK_DT_SESS_CNT = 7;
export const STK_DT_SESS_RATE = 8;
export const STK_DT_HTTP_REQ_CNT = 9;
export const STK_DT_HTTP_REQ_RATE = 10;
export const STK_DT_HTTP_ERR_CNT = 11;
export const STK_DT_HTTP_ERR_RATE = 12;
export const STK_DT_BYTES_IN_CNT = 13;
export const STK_DT_BYTES_IN_RATE = 14;
export const STK_DT_BYTES_OUT_CNT = 15;
export const STK_DT_BYTES_OUT_RATE = 16;
export const STK_DT_GPC1 = 17;
export const STK_DT_GPC1_RATE = 18;
export const STK_DT_SERVER_KEY = 19;
export const STK_DT_HTTP_FAIL_CNT = 20;
export const STK_DT_HTTP_FAIL_RATE = 21;
export const STK_DT_GPT = 22;           // array: gpt(n)
export const STK_DT_GPC = 23;           // array: gpc(n)
export const STK_DT_GPC_RATE = 24;      // array: gpc_rate(n,period)
export const STK_DT_COUNT = 25;

/** Data type kinds. */
export const STK_K_UINT = 0;            // 32-bit unsigned counter
export const STK_K_ULL = 1;             // 64-bit counter (bytes)
export const STK_K_FRQP = 2;            // frequency counter over a period (3 slots: tick, curr, prev)
export const STK_K_SINT = 3;            // server_id
export const STK_K_STR = 4;             // server_key (kept in StkEntry.srvKey)

/** One stored data type of a table: its offset in StkEntry.vals, period for rates, array size for gpc/gpt. */
export interface StkDataCol {
  readonly dt: number;
  readonly name: string;
  readonly kind: number;
  readonly off: number;
  readonly period: number;              // ms, rates only
  readonly count: number;               // array types: number of elements, 1 otherwise
}

/** Tracking slots per stream: sc0, sc1, sc2 (tune.stick-counters default). */
export const STK_SLOTS = 3;

/**
 * Per-stream tracking state, created on the first track-sc (or stick rule) of a session: slots tracked by
 * `tcp-request connection|session` live as long as the connection (sess*), the others for one transaction (txn*).
 */
export interface StkStream {
  sessEntry: (StkEntryRef | null)[];
  sessTable: (StkTableRef | null)[];
  txnEntry: (StkEntryRef | null)[];
  txnTable: (StkTableRef | null)[];
  /** `stick store-request` keys computed on the request, stored with the server at the transaction's end. */
  stores: StkPendingStore[];
  /** `stick store-response` rules of the transaction's backend, evaluated on the response head (stkResponse). */
  resRules: StkRule[];
  /** Transactions ended so far (an HTTP connection closed before any counts as one failed request in 2.6). */
  txns: number;
  /** Set once the session-level counters were released (idempotent end). */
  ended: boolean;
}

/** Opaque views of table.ts's classes, so types.ts imports nothing concrete. */
export interface StkEntryRef { use: number }
export interface StkTableRef { readonly name: string }

export interface StkPendingStore { table: StkTableRef; key: string }

/** A compiled key expression: the key text of the current request/connection, or null when the sample is absent. */
export type StkKeyFn = (ctx: SampleCtx) => string | null;

/** `stick match|on|store-request|store-response` rule kinds. */
export const STK_RULE_MATCH = 1;
export const STK_RULE_STORE_REQ = 2;
export const STK_RULE_STORE_RES = 4;

export interface StkRule {
  flags: number;                        // STK_RULE_* bits (`stick on` = MATCH | STORE_REQ)
  key: StkKeyFn;
  tableName: string;
  table: StkTableRef | null;            // resolved at post-parse
  cond: AclCond | null;
}
