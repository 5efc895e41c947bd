/*
 * Stick-counter sample fetches for ACLs: sc_<x>(<n>[,<table>]), sc0_/sc1_/sc2_<x>([<table>]), src_<x>([<table>]),
 * sc_tracked, sc_trackers, sc_get_gpc/sc_gpc_rate/sc_inc_gpc/sc_get_gpt(<idx>,<n>[,<table>]), table_avl, table_cnt,
 * and the sc0_/src_ forms for log-format `%[...]`. A term's table is bound after parsing (stkBindFetches walks each
 * proxy's ACLs and rule conditions; no table argument = the proxy's own table, as 2.6 resolves it), so nothing is
 * looked up by name per request. Values are matched as integers. Hot path: yes (per evaluated condition).
 */
import type { FetchDef, MatchFn, AclPatterns, SampleCtx, AclCond, AclDef } from '../acl/types.ts';
import { ACL_M_INT, ACL_M_BOOL } from '../acl/types.ts';
import type { Proxy, StreamLog } from '../model/types.ts';
import type { KwCtx } from '../config/types.ts';
import { allProxies } from '../config/sections.ts';
import {
  STK_DT_CONN_CNT, STK_DT_CONN_CUR, STK_DT_CONN_RATE, STK_DT_SESS_CNT, STK_DT_SESS_RATE, STK_DT_HTTP_REQ_CNT,
  STK_DT_HTTP_REQ_RATE, STK_DT_HTTP_ERR_CNT, STK_DT_HTTP_ERR_RATE, STK_DT_HTTP_FAIL_CNT, STK_DT_HTTP_FAIL_RATE,
  STK_DT_BYTES_IN_CNT, STK_DT_BYTES_IN_RATE, STK_DT_BYTES_OUT_CNT, STK_DT_BYTES_OUT_RATE, STK_DT_GPC0, STK_DT_GPC0_RATE,
  STK_DT_GPC1, STK_DT_GPC1_RATE, STK_DT_GPT0, STK_DT_GPC, STK_DT_GPC_RATE, STK_DT_GPT, STK_DT_SERVER_ID,
} from './types.ts';
import type { StkEntry, StkTable } from './table.ts';
import { stkKey, stkProxyTable, stkTableNames } from './table.ts';
import { stkSlot, stkSlotTable } from './track.ts';
import { stkFreqAdd } from './freq-ctr.ts';
import { twNow } from '../timer-wheel.ts';
import { sampleLive } from '../log/sample.ts';
import { exprWhere, exprFetchOf } from '../log/arg-resolve.ts';
import { cfgPosition } from '../config/position.ts';

const intBuf = Buffer.alloc(24);
function matchNum(n: number, match: MatchFn, p: AclPatterns): boolean {
  let e = intBuf.length;
  let v = n < 0 ? -n : n;
  do { intBuf[--e] = 0x30 + (v % 10); v = Math.floor(v / 10); } while (v > 0);
  if (n < 0) intBuf[--e] = 0x2d;
  return match(p, intBuf, e, intBuf.length);
}

// what a fetch does with the entry
const OP_READ = 0;      // value of dt (rates at now)
const OP_KBYTES = 1;    // value of dt / 1024
const OP_INC = 2;       // increment gpc (dt) and its rate (dt2), value after
const OP_CLR = 3;       // value before, then 0
const OP_TRACKED = 4;   // boolean: the slot is tracked
const OP_TRACKERS = 5;  // entry's use count
const OP_AVL = 6;       // table_avl
const OP_CNT = 7;       // table_cnt

/** One fetch family member: the data it reads and how. */
interface StkFetchSpec { dt: number; dt2: number; op: number }

const XS: ReadonlyArray<readonly [string, StkFetchSpec]> = [
  ['conn_cnt', { dt: STK_DT_CONN_CNT, dt2: -1, op: OP_READ }], ['conn_cur', { dt: STK_DT_CONN_CUR, dt2: -1, op: OP_READ }],
  ['conn_rate', { dt: STK_DT_CONN_RATE, dt2: -1, op: OP_READ }], ['sess_cnt', { dt: STK_DT_SESS_CNT, dt2: -1, op: OP_READ }],
  ['sess_rate', { dt: STK_DT_SESS_RATE, dt2: -1, op: OP_READ }], ['http_req_cnt', { dt: STK_DT_HTTP_REQ_CNT, dt2: -1, op: OP_READ }],
  ['http_req_rate', { dt: STK_DT_HTTP_REQ_RATE, dt2: -1, op: OP_READ }], ['http_err_cnt', { dt: STK_DT_HTTP_ERR_CNT, dt2: -1, op: OP_READ }],
  ['http_err_rate', { dt: STK_DT_HTTP_ERR_RATE, dt2: -1, op: OP_READ }], ['http_fail_cnt', { dt: STK_DT_HTTP_FAIL_CNT, dt2: -1, op: OP_READ }],
  ['http_fail_rate', { dt: STK_DT_HTTP_FAIL_RATE, dt2: -1, op: OP_READ }], ['bytes_in_rate', { dt: STK_DT_BYTES_IN_RATE, dt2: -1, op: OP_READ }],
  ['bytes_out_rate', { dt: STK_DT_BYTES_OUT_RATE, dt2: -1, op: OP_READ }], ['kbytes_in', { dt: STK_DT_BYTES_IN_CNT, dt2: -1, op: OP_KBYTES }],
  ['kbytes_out', { dt: STK_DT_BYTES_OUT_CNT, dt2: -1, op: OP_KBYTES }], ['get_gpc0', { dt: STK_DT_GPC0, dt2: -1, op: OP_READ }],
  ['gpc0_rate', { dt: STK_DT_GPC0_RATE, dt2: -1, op: OP_READ }], ['get_gpc1', { dt: STK_DT_GPC1, dt2: -1, op: OP_READ }],
  ['gpc1_rate', { dt: STK_DT_GPC1_RATE, dt2: -1, op: OP_READ }], ['get_gpt0', { dt: STK_DT_GPT0, dt2: -1, op: OP_READ }],
  ['inc_gpc0', { dt: STK_DT_GPC0, dt2: STK_DT_GPC0_RATE, op: OP_INC }], ['inc_gpc1', { dt: STK_DT_GPC1, dt2: STK_DT_GPC1_RATE, op: OP_INC }],
  ['clr_gpc0', { dt: STK_DT_GPC0, dt2: -1, op: OP_CLR }], ['clr_gpc1', { dt: STK_DT_GPC1, dt2: -1, op: OP_CLR }],
];
/** Array forms taking an index first: sc_get_gpc(<idx>,<n>), ... */
const XS_IDX: ReadonlyArray<readonly [string, StkFetchSpec]> = [
  ['get_gpc', { dt: STK_DT_GPC, dt2: -1, op: OP_READ }], ['gpc_rate', { dt: STK_DT_GPC_RATE, dt2: -1, op: OP_READ }],
  ['inc_gpc', { dt: STK_DT_GPC, dt2: STK_DT_GPC_RATE, op: OP_INC }], ['get_gpt', { dt: STK_DT_GPT, dt2: -1, op: OP_READ }],
  ['clr_gpc', { dt: STK_DT_GPC, dt2: -1, op: OP_CLR }],
];

const SLOT_SRC = -1;     // src_* : looked up by the client address
const SLOT_ARG = -2;     // sc_* : slot number is the first argument
const SLOT_NONE = -3;    // table_avl / table_cnt

/**
 * Runs one fetch on an entry of table `t` (the slot's, or the one of `alt` holding the same key when a table argument
 * names another table). Returns the value, or -1 when the fetch fails (type not stored).
 */
function valueOf(t: StkTable, e: StkEntry | null, sp: StkFetchSpec, idx: number, now: number): number {
  const c0 = t.cols[sp.dt] ?? null;
  const c20 = sp.dt2 >= 0 ? t.cols[sp.dt2] ?? null : null;
  // an index past a gpc/gpt array is an element not stored, never a neighbour's data: no sample, and 0 from an
  // inc_gpc (haproxy 2.6.12, checked with sc_get_gpc/sc_inc_gpc/sc_clr_gpc(5,0) on a gpc(2) table)
  const c = c0 !== null && idx < c0.count ? c0 : null;
  const c2 = c20 !== null && idx < c20.count ? c20 : null;
  if (c === null && (sp.op !== OP_INC || c2 === null)) return sp.op === OP_INC && (c0 !== null || c20 !== null) ? 0 : -1;
  if (e === null) return 0;
  switch (sp.op) {
    case OP_READ: return t.read(e, sp.dt, now, idx);
    case OP_KBYTES: return Math.floor(t.read(e, sp.dt, now) / 1024);
    case OP_INC: {
      if (c !== null) e.vals[c.off + idx] = (e.vals[c.off + idx] + 1) >>> 0;
      if (c2 !== null) stkFreqAdd(e.vals, c2.off + idx * 3, c2.period, 1, now);
      return c !== null ? e.vals[c.off + idx] : t.read(e, sp.dt2, now, idx);
    }
    case OP_CLR: {
      const v = e.vals[(c as { off: number }).off + idx];
      e.vals[(c as { off: number }).off + idx] = 0;
      return v;
    }
    default: return 0;
  }
}

/** A bound fetch: its table (null = the slot's own), slot (or SLOT_*), array index. */
function boundFetch(name: string, sp: StkFetchSpec, slot: number, table: StkTable | null, idx: number): FetchDef {
  const bool = sp.op === OP_TRACKED;
  return {
    name, defaultMatch: bool ? ACL_M_BOOL : ACL_M_INT, needsArg: false, bool, rawArg: true,
    run(ctx: SampleCtx, _arg: Buffer, match: MatchFn, p: AclPatterns): boolean {
      const v = stkFetchValue(ctx, sp, slot, table, idx);
      if (bool) return v > 0;
      return v >= 0 && matchNum(v, match, p);
    },
  };
}

/** The value of a fetch for `ctx`, -1 when it fails (untracked slot, type not stored, no table). */
function stkFetchValue(ctx: SampleCtx, sp: StkFetchSpec, slot: number, table: StkTable | null, idx: number): number {
  const now = twNow();
  if (slot === SLOT_NONE) {
    if (table === null) return -1;
    return sp.op === OP_AVL ? table.size - table.used : table.used;
  }
  if (slot === SLOT_SRC) {
    if (table === null) return -1;
    const k = stkKey(table, ctx.srcIp);
    if (k === null) return -1;
    const e = sp.op === OP_INC || sp.op === OP_CLR ? table.get(k, now) : table.lookup(k, now);
    return valueOf(table, e, sp, idx, now);
  }
  const e = stkSlot(ctx.stk, slot);
  if (sp.op === OP_TRACKED) return e === null ? 0 : 1;
  if (e === null) return -1;
  const t = stkSlotTable as StkTable;
  if (sp.op === OP_TRACKERS) return e.use;
  if (table !== null && table !== t) {
    // another table: the same key there
    const e2 = sp.op === OP_INC || sp.op === OP_CLR ? table.get(e.key, now) : table.lookup(e.key, now);
    return valueOf(table, e2, sp, idx, now);
  }
  return valueOf(t, e, sp, idx, now);
}

/** Set by stick/keywords.ts: registers the post-parse pass that binds these fetches (stkPostParseOnce). */
let stkPostParseHook: (ctx: KwCtx) => void = () => { /* set at registration */ };
export function stkSetFetchAtLoad(fn: (ctx: KwCtx) => void): void { stkPostParseHook = fn; }

/** Set by stick/keywords.ts: the peers-section tables of a load. */
let stkPeersTablesOf: (proxies: object) => readonly StkTable[] = () => [];
export function stkSetPeersTablesLookup(fn: (proxies: object) => readonly StkTable[]): void { stkPeersTablesOf = fn; }

/** What an unbound generic fetch knows: its spec and how its arguments are laid out. */
interface StkFetchKind { sp: StkFetchSpec; slot: number; hasIdx: boolean }
const KINDS = new WeakMap<FetchDef, StkFetchKind>();
const KINDS_BY_NAME = new Map<string, StkFetchKind>();

/** The generic (unbound) fetch: only reached where stkBindFetches did not walk; fails like an unresolved table. */
function genericFetch(name: string, k: StkFetchKind): FetchDef {
  const f: FetchDef = {
    name, defaultMatch: k.sp.op === OP_TRACKED ? ACL_M_BOOL : ACL_M_INT, needsArg: k.slot === SLOT_ARG || k.hasIdx,
    bool: k.sp.op === OP_TRACKED, rawArg: true,
    atLoad(ctx: KwCtx) { stkPostParseHook(ctx); },
    run(ctx, arg, match, p) {
      // no proxy known here: a slot fetch still reads its tracked entry; src_/table_ need a bound table
      const a = parseArgs(arg.toString('latin1'), k);
      if (typeof a === 'string') return false;
      const v = stkFetchValue(ctx, k.sp, a.slot, null, a.idx);
      if (k.sp.op === OP_TRACKED) return v > 0;
      return v >= 0 && matchNum(v, match, p);
    },
  };
  KINDS.set(f, k);
  KINDS_BY_NAME.set(name, k);
  return f;
}

/** Parses "[idx,][n,][table]" per the fetch kind; an error text when malformed. */
function parseArgs(text: string, k: StkFetchKind): { idx: number; slot: number; table: string; tableArg: number } | string {
  const parts = text === '' ? [] : text.split(',').map((s) => s.trim());
  let i = 0, idx = 0, slot = k.slot;
  if (k.hasIdx) {
    if (!/^\d+$/.test(parts[i] ?? '')) return 'missing or invalid index';
    idx = Number(parts[i++]);
  }
  if (k.slot === SLOT_ARG) {
    if (!/^\d+$/.test(parts[i] ?? '')) return 'missing or invalid stick counter number';
    slot = Number(parts[i++]);   // 2.6 accepts any number: beyond its 3 counters the fetch finds nothing
  }
  const tableArg = i + 1;
  const table = parts[i] ?? '';
  if (i + (table === '' ? 0 : 1) < parts.length) return 'too many arguments';
  return { idx, slot, table, tableArg };
}

function add(map: Map<string, FetchDef>, name: string, k: StkFetchKind): void { map.set(name, genericFetch(name, k)); }

/** Every stick fetch by name (registered into the ACL fetch table by stick/register.ts). */
export function stkAclFetches(): FetchDef[] {
  const m = new Map<string, FetchDef>();
  for (const [x, sp] of XS) {
    add(m, 'sc_' + x, { sp, slot: SLOT_ARG, hasIdx: false });
    for (let n = 0; n < 3; n++) add(m, `sc${n}_` + x, { sp, slot: n, hasIdx: false });
    add(m, 'src_' + x, { sp, slot: SLOT_SRC, hasIdx: false });
  }
  for (const [x, sp] of XS_IDX) {
    add(m, 'sc_' + x, { sp, slot: SLOT_ARG, hasIdx: true });
    add(m, 'src_' + x, { sp, slot: SLOT_SRC, hasIdx: true });
  }
  const tracked: StkFetchSpec = { dt: -1, dt2: -1, op: OP_TRACKED };
  const trackers: StkFetchSpec = { dt: -1, dt2: -1, op: OP_TRACKERS };
  add(m, 'sc_tracked', { sp: tracked, slot: SLOT_ARG, hasIdx: false });
  add(m, 'sc_trackers', { sp: trackers, slot: SLOT_ARG, hasIdx: false });
  for (let n = 0; n < 3; n++) {
    add(m, `sc${n}_tracked`, { sp: tracked, slot: n, hasIdx: false });
    add(m, `sc${n}_trackers`, { sp: trackers, slot: n, hasIdx: false });
  }
  add(m, 'table_avl', { sp: { dt: -1, dt2: -1, op: OP_AVL }, slot: SLOT_NONE, hasIdx: false });
  add(m, 'table_cnt', { sp: { dt: -1, dt2: -1, op: OP_CNT }, slot: SLOT_NONE, hasIdx: false });
  return [...m.values()];
}

/** The table named `name` (its proxy's), exact name first, then ignoring case (ACL arguments arrive lowercased). */
export function stkFindTable(proxies: ReadonlyMap<string, Proxy>, name: string): StkTable | null {
  if (name.includes('/')) {
    // a peers section's table: "<peers>/<name>"
    for (const t of stkPeersTablesOf(proxies)) if (t.name === name || t.name.toLowerCase() === name.toLowerCase()) return t;
    return null;
  }
  const px = proxies.get(name);
  if (px !== undefined) { const t = stkProxyTable(px); if (t !== null) return t; }
  const lc = name.toLowerCase();
  for (const p of proxies.values()) {
    if (p.name.toLowerCase() === lc) { const t = stkProxyTable(p); if (t !== null) return t; }
  }
  return null;
}

function condAcls(c: AclCond | null, out: Set<AclDef>): void {
  if (c === null) return;
  for (const g of c.groups) for (const t of g) out.add(t.acl);
}

/** The ACLs a proxy's rules and switching conditions use, plus its named ones. */
function proxyAcls(px: Proxy, extra: readonly (AclCond | null)[]): Set<AclDef> {
  const s = new Set<AclDef>(px.acls);
  const h = px.http;
  if (h !== undefined) for (const list of [h.reqRules, h.resRules, h.afterRules, h.redirects]) for (const r of list) condAcls(r.cond, s);
  const t = px.tcp;
  if (t !== undefined) for (const list of [t.connRules, t.sessRules, t.contentRules]) for (const r of list) condAcls(r.cond, s);
  for (const u of px.useBackend) condAcls(u.cond, s);
  for (const c of extra) condAcls(c, s);
  return s;
}

/**
 * Post-parse: replaces each stick fetch of every proxy's conditions by one bound to its table (the argument's, or
 * the proxy's own), alerting like 2.6 when the table does not exist. `extraConds(px)` adds conditions kept elsewhere
 * (stick rules).
 */
export function stkBindFetches(ctx: KwCtx, extraConds: (px: Proxy) => readonly (AclCond | null)[]): void {
  for (const px of allProxies(ctx)) {
    for (const acl of proxyAcls(px, extraConds(px))) {
      for (const term of acl.terms) {
        const k = KINDS.get(term.fetch);
        if (k === undefined) continue;
        const a = parseArgs(term.arg.toString('latin1'), k);
        if (typeof a === 'string') {
          ctx.alertRaw(`parsing [${acl.file}:${acl.line}]: ${a} in ACL keyword '${term.fetch.name}' in proxy '${px.name}'.`);
          continue;
        }
        if (k.slot >= 0 || k.slot === SLOT_ARG) {
          if (a.table === '') { term.fetch = boundFetch(term.fetch.name, k.sp, a.slot, null, a.idx); continue; }
        }
        const t = a.table === '' ? stkProxyTable(px) : stkFindTable(ctx.proxies, a.table);
        if (t === null) {
          ctx.alertRaw(`parsing [${acl.file}:${acl.line}]: unable to find table '${a.table === '' ? px.name : a.table}' referenced in arg ${a.tableArg} of ACL keyword '${term.fetch.name}' in proxy '${px.name}'.`);
          continue;
        }
        term.fetch = boundFetch(term.fetch.name, k.sp, a.slot, t, a.idx);
      }
    }
  }
}

/** Table names sample expressions of rules name, checked once every file is parsed (2.6's argument resolution). */
interface TableRef { file: string; line: number; proxy: string; table: string; what: string; where: string }
const tableRefs = new WeakMap<object, Map<string, TableRef>>();

/** Records the table a rule's sample expression names (at parse time only: cfgPosition.ctx set). */
function noteTableRef(table: string, what: string): void {
  const ctx = cfgPosition.ctx;
  const where = exprWhere(cfgPosition.words);
  if (ctx === null || where === null) return;
  let refs = tableRefs.get(ctx.proxies);
  if (refs === undefined) {
    const list = new Map<string, TableRef>();
    refs = list;
    tableRefs.set(ctx.proxies, list);
    ctx.postParse(() => {
      for (const r of list.values()) {
        if (stkFindTable(ctx.proxies, r.table) !== null) continue;
        ctx.alertRaw(`parsing [${r.file}:${r.line}]: unable to find table '${r.table}' referenced in arg 1 of ${r.what} in ${r.where} in proxy '${r.proxy}'.`);
      }
    });
  }
  const px = cfgPosition.proxy as Proxy | null;
  const key = `${cfgPosition.file}:${cfgPosition.line}:${table}:${what}`;
  if (!refs.has(key)) refs.set(key, { file: cfgPosition.file, line: cfgPosition.line, proxy: px === null ? '' : px.name, table, what, where });
}

/**
 * Log-format and rule-value samples (`%[sc_http_req_rate(0)]`, `%[sc0_conn_cur]`, `%[src_get_gpc0(t)]`): the same
 * fetches on the live request (log/sample.ts sampleLive.req); no table argument = the frontend's table. Returns
 * undefined for a name that is not a stick fetch.
 */
export function stkLogArgFetch(head: string): ((s: StreamLog) => number | null) | string | undefined {
  const open = head.indexOf('(');
  const name = open < 0 ? head : head.slice(0, open);
  const k = KINDS_BY_NAME.get(name);
  if (k === undefined || (open >= 0 && !head.endsWith(')'))) return undefined;
  const a = parseArgs(open < 0 ? '' : head.slice(open + 1, -1), k);
  if (typeof a === 'string') {
    // 2.6: the index of src_get_gpc(<idx>[,<table>]) & co is mandatory (the table is filled in before it counts)
    if (k.hasIdx && k.slot === SLOT_SRC && open < 0) return `fetch method '${name}' : missing arguments (got 1/2), type 'table' expected`;
    return undefined;
  }
  const sp = k.sp, slot = a.slot, idx = a.idx, tname = a.table;
  // no table argument: the rule's own proxy's table (src_*, table_*), which must exist too
  const own = tname === '' && k.slot !== SLOT_ARG && k.slot < 0 ? (cfgPosition.proxy as Proxy | null) : null;
  if (tname !== '' || own !== null) noteTableRef(tname !== '' ? tname : own!.name, `sample fetch keyword '${name}'`);
  const bool = sp.op === OP_TRACKED;
  const names = stkTableNames();       // this load's tables (the table may be declared further down)
  return (s) => {
    const c = sampleLive.req;
    if (c === null) return null;
    const slotFetch = slot >= 0 && tname === '';
    const t = slotFetch ? null : tname === '' ? stkProxyTable(s.frontend) : names.get(tname) ?? null;
    if (!slotFetch && t === null) return null;
    const v = stkFetchValue(c, sp, slot, t, idx);
    if (bool) return v > 0 ? 1 : 0;
    return v < 0 ? null : v;
  };
}

/** Table converters' data: `table_<x>(t)` reads data <x> of the entry keyed by the input sample. */
const CONV_XS: ReadonlyMap<string, StkFetchSpec> = new Map([
  ...XS.filter(([, sp]) => sp.op === OP_READ || sp.op === OP_KBYTES).map(([x, sp]) => [x.startsWith('get_') ? x.slice(4) : x, sp] as [string, StkFetchSpec]),
  ['bytes_in_cnt', { dt: STK_DT_BYTES_IN_CNT, dt2: -1, op: OP_READ }], ['bytes_out_cnt', { dt: STK_DT_BYTES_OUT_CNT, dt2: -1, op: OP_READ }],
  ['trackers', { dt: -1, dt2: -1, op: OP_TRACKERS }], ['server_id', { dt: STK_DT_SERVER_ID, dt2: -1, op: OP_READ }],
]);
const CONV_IDX: ReadonlyMap<string, StkFetchSpec> = new Map([
  ['gpc', { dt: STK_DT_GPC, dt2: -1, op: OP_READ }], ['gpc_rate', { dt: STK_DT_GPC_RATE, dt2: -1, op: OP_READ }],
  ['gpt', { dt: STK_DT_GPT, dt2: -1, op: OP_READ }],
]);

/**
 * Log-format / rule-value converters `in_table(<t>)` (1 when the input is a key of table t, else 0) and
 * `table_<x>(<t>)` (data x of that entry, 0 when absent; nothing when t does not store x). The table is looked up by
 * name (none: the stream's backend's, else its frontend's) when the converter runs (it may be declared after its
 * use). Undefined for other converters. Registered into log/converters.ts by proxy/modules.ts (registerConverters), so ACLs and log formats take them.
 */
export function stkLogConverter(c: string): ((v: string | number | null) => string | number | null) | undefined {
  const m = /^(in_table|table_([a-z0-9_]+))(?:\(([^)]*)\))?$/.exec(c);
  if (m === null) return undefined;
  const x = m[2] ?? '';
  const args = (m[3] ?? '').split(',').map((a) => a.trim());
  // table_gpc(<idx>,<t>), table_gpc_rate(<idx>,<t>), table_gpt(<idx>,<t>): the index comes first
  const idxSp = CONV_IDX.get(x);
  let idx = 0;
  if (idxSp !== undefined) {
    if (!/^\d+$/.test(args[0] ?? '')) return undefined;
    idx = Number(args.shift());
  }
  // table_idle(<t>[,<default>]), table_expire(<t>[,<default>]): milliseconds, the default when the key is absent
  const timed = x === 'idle' || x === 'expire';
  if (args.length > (timed ? 2 : 1)) return undefined;
  const dflt = timed && args[1] !== undefined && args[1] !== '' ? Number(args[1]) : null;
  if (dflt !== null && !Number.isInteger(dflt)) return undefined;
  const tname = args[0] ?? '';
  // no name (`in_table`, `in_table()`): 2.6.12 takes the rule's own proxy's table, refused at load when it has none
  const own = tname === '' ? (cfgPosition.proxy as Proxy | null)?.name ?? '' : tname;
  if (own !== '') noteTableRef(own, `conversion keyword '${m[1]}' for sample fetch keyword '${exprFetchOf(c)}'`);
  const names = stkTableNames();       // this load's tables (the table may be declared further down)
  // an empty name is the rule's own proxy's table in 2.6 (outside a proxy: the stream's backend once chosen, else
  // its frontend)
  const ownPx = cfgPosition.proxy;
  const table = tname !== '' ? () => names.get(tname) ?? null : ownPx !== null ? () => stkProxyTable(ownPx) : () => {
    const l = sampleLive.req?.log;
    return l === undefined ? null : stkProxyTable(l.backend ?? l.frontend);
  };
  const entry = (t: StkTable, v: string | number, now: number): StkEntry | null | undefined => {
    const k = stkKey(t, String(v));
    return k === null ? undefined : t.lookup(k, now);
  };
  if (m[1] === 'in_table') {
    return (v) => {
      const t = table();
      if (v === null || t === null) return null;
      const k = stkKey(t, String(v));
      return k !== null && t.lookup(k, twNow()) !== null ? 1 : 0;
    };
  }
  if (timed) {
    return (v) => {
      const t = table();
      if (v === null || t === null) return null;
      const now = twNow();
      const e = entry(t, v, now);
      if (e === undefined) return null;
      if (e === null || e.expire === 0) return dflt;
      const left = Math.max(0, e.expire - now);
      return x === 'expire' ? left : t.expire - left;
    };
  }
  const sp = idxSp ?? CONV_XS.get(x);
  if (sp === undefined) return undefined;
  return (v) => {
    const t = table();
    if (v === null || t === null) return null;
    const now = twNow();
    const e = entry(t, v, now);
    if (e === undefined) return null;
    if (sp.op === OP_TRACKERS) return e === null ? 0 : e.use;
    const r = valueOf(t, e, sp, idx, now);
    return r < 0 ? null : r;
  };
}
