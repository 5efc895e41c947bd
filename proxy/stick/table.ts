/*
 * One stick table (`stick-table type ... size ... [expire] [nopurge] [store ...]`): entries by key, their stored
 * data in one Float64Array each (offsets from the table's StkDataCol list), reference counts of the streams tracking
 * them, expiry (lazy on lookup plus a 1 s sweep) and eviction of the least recently touched unused entries when the
 * table is full, as HAProxy's stktable_trash_oldest does by expiry date. Keys are normalised strings (see stkKey*).
 * Callers: stick/track.ts (data path), stick/cli.ts, stick/persist.ts. Hot path: yes (get/touch per tracked request).
 */
import type { StkDataCol, StkEntryRef, StkTableRef } from './types.ts';
import {
  STK_T_IP, STK_T_IPV6, STK_T_INTEGER, STK_T_STRING, STK_T_BINARY, STK_K_UINT, STK_K_ULL, STK_K_FRQP, STK_K_SINT,
  STK_K_STR, STK_DT_COUNT,
} from './types.ts';
import { stkFreqRead } from './freq-ctr.ts';
import { parseSize } from '../config/values.ts';
import { ipv6Parse, ipv6Format } from '../net/proxy-protocol.ts';
import { ipv4Value } from '../net/ipv4.ts';

export const STK_TYPE_NAMES = ['ip', 'ipv6', 'integer', 'string', 'binary'];

/** 2.6's data type names by STK_DT_* index, with their kind and whether they take an argument (period / count). */
export const STK_DATA_TYPES: readonly { name: string; kind: number; arg: number }[] = [
  { name: 'server_id', kind: STK_K_SINT, arg: 0 }, { name: 'gpt0', kind: STK_K_UINT, arg: 0 },
  { name: 'gpc0', kind: STK_K_UINT, arg: 0 }, { name: 'gpc0_rate', kind: STK_K_FRQP, arg: 1 },
  { name: 'conn_cnt', kind: STK_K_UINT, arg: 0 }, { name: 'conn_rate', kind: STK_K_FRQP, arg: 1 },
  { name: 'conn_cur', kind: STK_K_UINT, arg: 0 }, { name: 'sess_cnt', kind: STK_K_UINT, arg: 0 },
  { name: 'sess_rate', kind: STK_K_FRQP, arg: 1 }, { name: 'http_req_cnt', kind: STK_K_UINT, arg: 0 },
  { name: 'http_req_rate', kind: STK_K_FRQP, arg: 1 }, { name: 'http_err_cnt', kind: STK_K_UINT, arg: 0 },
  { name: 'http_err_rate', kind: STK_K_FRQP, arg: 1 }, { name: 'bytes_in_cnt', kind: STK_K_ULL, arg: 0 },
  { name: 'bytes_in_rate', kind: STK_K_FRQP, arg: 1 }, { name: 'bytes_out_cnt', kind: STK_K_ULL, arg: 0 },
  { name: 'bytes_out_rate', kind: STK_K_FRQP, arg: 1 }, { name: 'gpc1', kind: STK_K_UINT, arg: 0 },
  { name: 'gpc1_rate', kind: STK_K_FRQP, arg: 1 }, { name: 'server_key', kind: STK_K_STR, arg: 0 },
  { name: 'http_fail_cnt', kind: STK_K_UINT, arg: 0 }, { name: 'http_fail_rate', kind: STK_K_FRQP, arg: 1 },
  { name: 'gpt', kind: STK_K_UINT, arg: 2 }, { name: 'gpc', kind: STK_K_UINT, arg: 2 },
  { name: 'gpc_rate', kind: STK_K_FRQP, arg: 3 },
];

/** Index of a data type name, -1 when unknown. */
export function stkDataType(name: string): number {
  for (let i = 0; i < STK_DATA_TYPES.length; i++) if (STK_DATA_TYPES[i].name === name) return i;
  return -1;
}

export class StkEntry implements StkEntryRef {
  readonly key: string;
  use = 0;
  expire = 0;            // absolute ms, 0 = never
  readonly vals: Float64Array;
  srvKey = '';
  /** Address-like pseudo pointer printed by `show table` (stable per entry). */
  readonly ptr: number;
  constructor(key: string, nvals: number, ptr: number) { this.key = key; this.vals = new Float64Array(nvals); this.ptr = ptr; }
}

let nextPtr = 0x55d0c0de0000;
let tableSeq = 0;

export class StkTable implements StkTableRef {
  readonly name: string;
  type = STK_T_IP;
  keyLen = 0;            // string/binary keys: max length in bytes
  size = 0;
  expire = 0;            // ms, 0 = entries never expire
  nopurge = false;
  peers = '';
  /** Stored data by STK_DT_* (null = not stored), and in 2.6's print order. */
  readonly cols: (StkDataCol | null)[] = new Array<StkDataCol | null>(STK_DT_COUNT).fill(null);
  colList: StkDataCol[] = [];
  nvals = 0;
  /** Entries in least recently touched first order (touch = re-insert at the end). */
  readonly map = new Map<string, StkEntry>();
  readonly file: string;
  readonly line: number;
  /** Declaration order (`show table` lists the most recent first). */
  readonly seq: number;
  constructor(name: string, file = '', line = 0) { this.name = name; this.file = file; this.line = line; this.seq = ++tableSeq; }

  /** Adds a stored data type (config order does not matter: columns are kept in 2.6's order). */
  addData(dt: number, period: number, count: number): void {
    if (this.cols[dt] !== null) return;
    const t = STK_DATA_TYPES[dt];
    const col: StkDataCol = { dt, name: t.name, kind: t.kind, off: this.nvals, period, count };
    this.nvals += (t.kind === STK_K_FRQP ? 3 : t.kind === STK_K_STR ? 0 : 1) * count;
    this.cols[dt] = col;
    this.colList = this.cols.filter((c): c is StkDataCol => c !== null);
  }

  get used(): number { return this.map.size; }

  /** The live entry for `key` or null; an expired unused entry is removed on the way. */
  lookup(key: string, now: number): StkEntry | null {
    const e = this.map.get(key);
    if (e === undefined) return null;
    if (e.use === 0 && e.expire !== 0 && e.expire <= now) { this.map.delete(key); return null; }
    return e;
  }

  /**
   * The entry for `key`, created when missing (null when the table is full and nothing can be evicted). Touches it:
   * moved to the most recent end and its expiry pushed to now + expire.
   */
  get(key: string, now: number): StkEntry | null {
    let e = this.lookup(key, now);
    if (e === null) {
      if (this.map.size >= this.size && !this.evict(now)) return null;
      e = new StkEntry(key, this.nvals, nextPtr);
      nextPtr += 0x3a8;
      this.map.set(key, e);
    } else this.touch(e, now);
    if (this.expire > 0) e.expire = now + this.expire;
    return e;
  }

  /** Moves `e` to the most recently used end and refreshes its expiry. */
  touch(e: StkEntry, now: number): void {
    if (this.expire > 0) e.expire = now + this.expire;
    this.map.delete(e.key);
    this.map.set(e.key, e);
  }

  /**
   * Frees room for one entry: expired ones first, else the least recently touched unused ones, (size >> 8) + 1 of them
   * at once as 2.6 trashes them (a full 600-entry table drops 3); never with nopurge.
   */
  evict(now: number): boolean {
    this.purgeExpired(now);
    if (this.map.size < this.size) return true;
    if (this.nopurge) return false;
    let n = (this.size >> 8) + 1;
    for (const [k, e] of this.map) {
      if (e.use !== 0) continue;
      this.map.delete(k);
      if (--n === 0) break;
    }
    return this.map.size < this.size;
  }

  /** Drops every unused entry whose expiry has passed. */
  purgeExpired(now: number): void {
    if (this.expire === 0) return;
    for (const [k, e] of this.map) {
      if (e.use === 0 && e.expire !== 0 && e.expire <= now) this.map.delete(k);
      else if (e.use === 0 && e.expire > now) break;      // touch order = expiry order for unused entries
    }
  }

  /** A data value as `show table` and the fetches read it (rates at `now`); 0 for a type not stored. */
  read(e: StkEntry, dt: number, now: number, idx = 0): number {
    const c = this.cols[dt];
    if (c === null) return 0;
    if (c.kind === STK_K_FRQP) return stkFreqRead(e.vals, c.off + idx * 3, c.period, now);
    return e.vals[c.off + idx];
  }
}

/** Tables of every proxy (a proxy holds at most one), set at load; read by the CLI and by name lookups. */
const tablesByProxy = new WeakMap<object, StkTable>();
/**
 * Tables by name of the configuration load in progress: a new map per load (stkLoadStart, a global init hook), and
 * what a load compiled keeps its own map (stkTableNames), so a later load, even a refused one, never redirects the
 * running configuration's samples to its tables.
 */
let tablesByName = new Map<string, StkTable>();
export function stkLoadStart(): void { tablesByName = new Map(); }
export function stkSetProxyTable(px: object, t: StkTable): void { tablesByProxy.set(px, t); tablesByName.set(t.name, t); }
export function stkRegisterTableName(t: StkTable): void { tablesByName.set(t.name, t); }
/** Tables of a load that belong to no proxy (peers sections), reachable from each of its proxies (CLI). */
const loadTables = new WeakMap<object, readonly StkTable[]>();
export function stkSetLoadTables(px: object, list: readonly StkTable[]): void { loadTables.set(px, list); }
export function stkLoadTables(px: object): readonly StkTable[] { return loadTables.get(px) ?? []; }
/** The tables by name of the load in progress (log-format samples and converters naming a table keep it). */
export function stkTableNames(): ReadonlyMap<string, StkTable> { return tablesByName; }
export function stkProxyTable(px: object): StkTable | null { return tablesByProxy.get(px) ?? null; }

// ---- keys ----

/** IPv4 text to "a.b.c.d" (also from a v4-mapped IPv6), '' when not IPv4. */
/** An IPv4 key: the dotted quad itself (an IPv4-mapped IPv6 form is reduced to it), '' when not an address. */
function ip4Key(s: string): string {
  const t = s.startsWith('::ffff:') ? s.slice(7) : s;
  return ipv4Value(t) < 0 ? '' : t;
}

// IPv6 keys: net/proxy-protocol.ts's one-pass parser and inet_ntop-style formatter, into these scratch groups
const v6a = new Uint16Array(8);
const v6b = new Uint16Array(8);

/**
 * The table key for a sample text, or null when it cannot be one (an IPv6 address in an `ip` table, a non-address).
 * `fromCli` is true for `set/show/clear table ... key`, which refuses what the data path would convert.
 */
export function stkKey(t: StkTable, v: string, fromCli = false): string | null {
  switch (t.type) {
    case STK_T_IP: { const k = ip4Key(v); return k === '' ? null : k; }
    case STK_T_IPV6: {
      const k4 = ip4Key(v);
      if (k4 !== '') return fromCli && !v.startsWith('::ffff:') ? null : '::ffff:' + k4;
      return ipv6Parse(v, v6a) ? ipv6Format(v6a) : null;
    }
    case STK_T_INTEGER: {
      // 2.6 reads leading digits with a sign (strl2ic); anything else counts as 0 on the data path
      let i = 0, neg = false, n = 0;
      if (v[0] === '-' || v[0] === '+') { neg = v[0] === '-'; i = 1; }
      const s = i;
      for (; i < v.length; i++) { const c = v.charCodeAt(i); if (c < 48 || c > 57) break; n = n * 10 + c - 48; }
      if (fromCli && (i !== v.length || i === s)) return null;
      return String((neg ? -n : n) >>> 0);
    }
    case STK_T_STRING: return v.length > t.keyLen ? v.slice(0, t.keyLen) : v;
    case STK_T_BINARY: {
      // `len` bytes, zero-padded, shown as upper-case hex (2.6's show table)
      const b = Buffer.alloc(t.keyLen);
      b.write(v, 0, 'latin1');
      return b.toString('hex').toUpperCase();
    }
    default: return null;
  }
}

/** Compares two keys in the order 2.6's tree walks them (`show table`): numeric for addresses and integers. */
export function stkKeyCompare(t: StkTable, a: string, b: string): number {
  if (t.type === STK_T_IP) return ipv4Value(a) - ipv4Value(b);
  if (t.type === STK_T_INTEGER) return Number(a) - Number(b);
  if (t.type === STK_T_IPV6) {
    if (!ipv6Parse(a, v6a)) v6a.fill(0);
    if (!ipv6Parse(b, v6b)) v6b.fill(0);
    for (let i = 0; i < 8; i++) if (v6a[i] !== v6b[i]) return v6a[i] - v6b[i];
    return 0;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Parses a size with 2.6's k/m/g suffixes (powers of 1024, config/values.ts parseSize); NaN when invalid. */
export function stkParseSize(s: string): number {
  const n = parseSize(s);
  return n < 0 ? NaN : n;
}

export const STK_TYPE_BY_NAME: ReadonlyMap<string, number> = new Map([
  ['ip', STK_T_IP], ['ipv6', STK_T_IPV6], ['integer', STK_T_INTEGER], ['string', STK_T_STRING], ['binary', STK_T_BINARY],
]);
