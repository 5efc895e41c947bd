/*
 * Config keywords of the stick module: `stick-table` (frontend, backend, listen), `stick match|on|store-request|
 * store-response` (backends), and the `peers` section (`peers <name>`, `peer <name> <addr>`, `bind`, `server`,
 * `disabled`, `enable`, `table`): accepted, with one warning that Sluice does not synchronise tables. One post-parse
 * pass per load resolves tables of actions, stick rules and fetches (stick/fetches.ts stkBindFetches).
 * Hot path: no (load time).
 */
import { hostname } from 'node:os';
import type { CfgKeyword, KwCtx } from '../config/types.ts';
import { PR_CAP_FE, PR_CAP_BE, PR_CAP_DEF } from '../config/types.ts';
import type { AclCond } from '../acl/types.ts';
import type { StkRule } from './types.ts';
import {
  STK_T_STRING, STK_T_BINARY, STK_K_FRQP, STK_DT_SERVER_ID, STK_DT_SERVER_KEY, STK_RULE_MATCH, STK_RULE_STORE_REQ,
  STK_RULE_STORE_RES, STK_DT_GPC, STK_DT_GPC0, STK_DT_GPC1, STK_DT_GPT, STK_DT_GPT0, STK_DT_GPC_RATE, STK_DT_GPC0_RATE, STK_DT_GPC1_RATE,
} from './types.ts';
import {
  StkTable, STK_DATA_TYPES, STK_TYPE_BY_NAME, stkDataType, stkParseSize, stkSetProxyTable, stkProxyTable, stkRegisterTableName,
  stkSetLoadTables,
} from './table.ts';
import { parseTime } from '../config/values.ts';
import { capName, allProxies } from '../config/sections.ts';
import { condCompile } from '../acl/keywords.ts';
import { compileStkKey } from './key-expr.ts';
import { stkAddRule, stkRules } from './persist.ts';
import { stkResolveActions } from './actions.ts';
import { stkBindFetches, stkFindTable } from './fetches.ts';
import { stkStartSweeper } from './sweep.ts';

/** Registers the one post-parse pass of a configuration load (keyed by the load's proxy map). */
const passes = new WeakSet<object>();
export function stkPostParseOnce(ctx: KwCtx): void {
  if (passes.has(ctx.proxies)) return;
  passes.add(ctx.proxies);
  ctx.postParse(() => postParse(ctx));
}

/** Loads (keyed by their proxy map) already told that peers do not synchronise. */
const peersWarned = new WeakSet<object>();

/** Tables declared in peers sections, per configuration load (keyed by the load's proxy map). */
const peersTables = new WeakMap<object, StkTable[]>();
export function stkPeersTables(proxies: object): readonly StkTable[] { return peersTables.get(proxies) ?? []; }

function postParse(ctx: KwCtx): void {
  stkResolveActions(ctx);
  let any = false;
  const all = allProxies(ctx);
  for (const px of all) {
    if (stkProxyTable(px) !== null) any = true;
    for (const r of stkRules(px)) {
      const t = r.tableName === '' ? stkProxyTable(px) : stkFindTable(ctx.proxies, r.tableName);
      if (t === null) {
        ctx.alertRaw(`Proxy '${px.name}': unable to find stick-table '${r.tableName === '' ? px.name : r.tableName}'.`);
        continue;
      }
      // a table behind stick rules keeps the server (2.6 shows server_id and server_key)
      t.addData(STK_DT_SERVER_ID, 0, 1);
      t.addData(STK_DT_SERVER_KEY, 0, 1);
      r.table = t;
    }
  }
  stkBindFetches(ctx, (px) => stkRules(px).map((r) => r.cond));
  const extra = stkPeersTables(ctx.proxies);
  for (const px of all) stkSetLoadTables(px, extra);
  if (any || extra.length > 0) stkStartSweeper(() => {
    const list: StkTable[] = [...extra];
    for (const px of all) { const t = stkProxyTable(px); if (t !== null) list.push(t); }
    return list;
  });
}

/** Parses one `store` list item (`http_req_rate(10s)`, `gpc(3)`, `gpc_rate(2,1m)`) into the table; error text or ''. */
function storeItem(t: StkTable, item: string): string {
  const open = item.indexOf('(');
  const name = open < 0 ? item : item.slice(0, open);
  const dt = stkDataType(name);
  if (dt < 0 || dt === STK_DT_SERVER_KEY) return `unknown store option '${name}'`;
  const d = STK_DATA_TYPES[dt];
  if (d.arg === 0) {
    if (open >= 0) return `store option '${name}' does not take any argument`;
    t.addData(dt, 0, 1);
    return '';
  }
  if (open < 0 || !item.endsWith(')')) return `missing argument to store option '${name}'`;
  const a = item.slice(open + 1, -1).split(',').map((s) => s.trim());
  let count = 1, per = '';
  if (d.arg === 1) per = a[0];
  else if (d.arg === 2) count = Number(a[0]);
  else {
    if (a.length < 2) return `missing argument to store option '${name}'`;
    count = Number(a[0]); per = a[1];
  }
  if (!(Number.isInteger(count) && count >= 1 && count <= 100)) return `invalid array size '${a[0]}' for store option '${name}'`;
  let period = 0;
  if (d.kind === STK_K_FRQP) {
    const r = parseTime(per);
    if (r.err !== '' || r.ms === 0) return `invalid period '${per}' for store option '${name}'`;
    period = r.ms;
  }
  t.addData(dt, period, count);
  return '';
}

function parseStickTable(args: readonly string[], ctx: KwCtx): void {
  const px = ctx.proxy;
  if (px === null) return;
  if ((px.cap & PR_CAP_DEF) !== 0) { ctx.alert("'stick-table' is not supported in 'defaults' section."); return; }
  const prev = stkProxyTable(px);
  if (prev !== null) { ctx.alert(`stick-table name '${px.name}' conflicts with table declared in ${capName(px.cap)} '${px.name}' at ${prev.file}:${prev.line}.`); return; }
  const t = new StkTable(px.name, ctx.file, ctx.line);
  if (!parseTableArgs(t, args, 1, ctx)) return;
  stkSetProxyTable(px, t);
  if (t.peers !== '') notePeersUse(ctx, t.peers);
  if (t.peers !== '') {
    ctx.postParse(() => {
      if (peersNames.get(ctx.proxies)?.has(t.peers) !== true) { ctx.alertRaw(`Proxy '${px.name}': unable to find sync peers '${t.peers}'.`); return; }
      checkPeers(ctx);
    });
  }
  stkPostParseOnce(ctx);
}

/** Parses `type ... size ... [expire] [nopurge] [peers] [srvkey] [store]` from args[from] into `t`; false after an alert. */
function parseTableArgs(t: StkTable, args: readonly string[], from: number, ctx: KwCtx): boolean {
  let typed = false, sized = false, lenSet = false;
  for (let i = from; i < args.length; i++) {
    const w = args[i];
    const next = (): string | null => {
      const v = args[i + 1];
      if (v === undefined || v === '') { ctx.alert(`stick-table: missing argument after '${w}'.`); return null; }
      i++;
      return v;
    };
    switch (w) {
      case 'type': {
        const v = next(); if (v === null) return false;
        const ty = STK_TYPE_BY_NAME.get(v);
        if (ty === undefined) { ctx.alert(`stick-table: unknown type '${v}'.`); return false; }
        t.type = ty; typed = true;
        if ((ty === STK_T_STRING || ty === STK_T_BINARY) && args[i + 1] === 'len') {
          i++;
          const l = args[++i] ?? '';
          if (!/^\d+$/.test(l) || Number(l) === 0) { ctx.alert(`stick-table: unknown type '${l}'.`); return false; }
          t.keyLen = Number(l); lenSet = true;
        }
        break;
      }
      case 'size': {
        const v = next(); if (v === null) return false;
        const n = stkParseSize(v);
        if (!Number.isFinite(n)) { ctx.alert(`stick-table: unexpected character '${v.replace(/^\d+/, '')[0] ?? ''}' in argument of 'size'.`); return false; }
        t.size = n; sized = true;
        break;
      }
      case 'expire': {
        const v = next(); if (v === null) return false;
        const r = parseTime(v);
        if (r.err === 'overflow') { ctx.alertRaw(`parsing [${ctx.file}:${ctx.line}]: stick-table: timer overflow in argument <${v}> to <expire>, maximum value is 2147483647 ms (~24.8 days).`); return false; }
        if (r.err !== '') { ctx.alert(`stick-table: unexpected character '${r.badChar}' in argument of 'expire'.`); return false; }
        t.expire = r.ms;
        break;
      }
      case 'nopurge': t.nopurge = true; break;
      case 'peers': { const v = next(); if (v === null) return false; t.peers = v; break; }
      case 'srvkey': {
        const v = next(); if (v === null) return false;
        if (v !== 'name' && v !== 'addr') { ctx.alert(`stick-table : unknown server key type '${v}'.`); return false; }
        break;
      }
      case 'write-to': { if (next() === null) return false; break; }
      case 'store': {
        const v = next(); if (v === null) return false;
        // commas separate items, except inside parentheses (gpc_rate(2,10s))
        let depth = 0, s = 0;
        for (let k = 0; k <= v.length; k++) {
          const c = v[k];
          if (c === '(') depth++;
          else if (c === ')') depth--;
          else if ((c === ',' && depth === 0) || k === v.length) {
            const e = storeItem(t, v.slice(s, k).trim());
            if (e !== '') { ctx.alert(`stick-table: ${e}.`); return false; }
            if (t.cols[STK_DT_GPC] !== null && (t.cols[STK_DT_GPC0] !== null || t.cols[STK_DT_GPC1] !== null)) {
              ctx.alert("stick-table: simultaneous usage of 'gpc' and 'gpc[0/1]' in a same table is not permitted as 'gpc' overrides 'gpc[0/1]'.");
              return false;
            }
            if (t.cols[STK_DT_GPC_RATE] !== null && (t.cols[STK_DT_GPC0_RATE] !== null || t.cols[STK_DT_GPC1_RATE] !== null)) {
              ctx.alert("stick-table: simultaneous usage of 'gpc_rate' and 'gpc[0/1]_rate' in a same table is not permitted as 'gpc_rate' overrides 'gpc[0/1]_rate'.");
              return false;
            }
            if (t.cols[STK_DT_GPT] !== null && t.cols[STK_DT_GPT0] !== null) {
              ctx.alert("stick-table: simultaneous usage of 'gpt' and 'gpt0' in a same table is not permitted as 'gpt' overrides 'gpt0'.");
              return false;
            }
            s = k + 1;
          }
        }
        break;
      }
      default: ctx.alert(`stick-table: unknown argument '${w}'.`); return false;
    }
  }
  if (!sized) { ctx.alert('stick-table: missing size.'); return false; }
  if (!typed) { ctx.alert('stick-table: missing type.'); return false; }
  if (!lenSet) t.keyLen = 32;
  return true;
}

/** Peers sections some table synchronises with (a stick-table's `peers`, a section's own `table`), per load. */
const peersUsed = new WeakMap<object, Set<string>>();
function notePeersUse(ctx: KwCtx, name: string): void {
  let u = peersUsed.get(ctx.proxies);
  if (u === undefined) { u = new Set(); peersUsed.set(ctx.proxies, u); }
  u.add(name);
}

/** The peers sections of each load in declaration order, with whether a line names the local peer. */
const peersSections = new WeakMap<object, { name: string; local: boolean }[]>();

function curSection(ctx: KwCtx): { name: string; local: boolean } | undefined {
  const l = peersSections.get(ctx.proxies);
  return l === undefined ? undefined : l[l.length - 1];
}

/** The local peer's name: global `localpeer`, else the host name (2.6's default). */
function localPeer(ctx: KwCtx): string {
  const v = ctx.global.ext.get('localpeer');
  return typeof v === 'string' ? v : hostname();
}

/**
 * Once parsed: 2.6 drops a peers section without a `peer`/`server` line naming the local peer (a warning each, the
 * last section first, after every other check); sluice says once that the kept ones tables use do not synchronise.
 */
function checkPeers(ctx: KwCtx): void {
  if (peersWarned.has(ctx.proxies)) return;
  peersWarned.add(ctx.proxies);
  const l = peersSections.get(ctx.proxies) ?? [];
  const used = peersUsed.get(ctx.proxies);
  if (l.some((p) => p.local && used?.has(p.name) === true)) ctx.warnRaw('stick tables are not synchronised with peers by sluice: each process keeps its own entries.');
  const me = localPeer(ctx);
  const late = ctx.postCheck === undefined ? (fn: () => void) => fn() : ctx.postCheck.bind(ctx);
  late(() => {
    for (let i = l.length - 1; i >= 0; i--) {
      if (!l[i].local) ctx.warnRaw(`Removing incomplete section 'peers ${l[i].name}' (no peer named '${me}').`);
    }
  });
}

function parseStick(args: readonly string[], ctx: KwCtx): void {
  const px = ctx.proxy;
  if (px === null) return;
  if ((px.cap & PR_CAP_BE) === 0) { ctx.warn(`'stick' ignored because ${capName(px.cap)} '${px.name}' has no backend capability.`); return; }
  const kind = args[1] ?? '';
  const flags = kind === 'match' ? STK_RULE_MATCH : kind === 'on' ? STK_RULE_MATCH | STK_RULE_STORE_REQ
    : kind === 'store-request' ? STK_RULE_STORE_REQ : kind === 'store-response' ? STK_RULE_STORE_RES : 0;
  if (flags === 0) { ctx.alert(`'stick' expects 'on', 'match', or 'store'.`); return; }
  const expr = args[2];
  if (expr === undefined || expr === '' || expr === 'if' || expr === 'unless' || expr === 'table') { ctx.alert(`'stick' expects a fetch method.`); return; }
  const key = compileStkKey(expr);
  if (typeof key === 'string') { ctx.alert(`'stick': ${key}`); return; }
  let tableName = '';
  let cond: AclCond | null = null;
  for (let i = 3; i < args.length; i++) {
    const w = args[i];
    if (w === 'table' && args[i + 1] !== undefined) { tableName = args[++i]; continue; }
    if (w === 'if' || w === 'unless') {
      cond = condCompile(args, i, ctx, `'stick ${kind}' : error detected while parsing sticking condition : `);
      if (cond === null) return;
      break;
    }
    ctx.alert(`'stick ${kind}' : unknown keyword '${w}'.`);
    return;
  }
  const r: StkRule = { flags, key, tableName, table: null, cond };
  stkAddRule(px, r);
  stkPostParseOnce(ctx);
}

// ---- peers section ----

let curPeers = '';
/** Names of the peers sections of each load (for `stick-table ... peers <name>`). */
const peersNames = new WeakMap<object, Set<string>>();
/** Where each peers section of a load (by its name set) was first declared, "file:line". */
const peersDeclared = new WeakMap<object, Map<string, string>>();

function parsePeersHeader(args: readonly string[], ctx: KwCtx): void {
  if (args[1] === undefined || args[1] === '') { ctx.alert(`missing name for peers section.`); ctx.abort?.(); return; }
  curPeers = args[1];
  let names = peersNames.get(ctx.proxies);
  if (names === undefined) { names = new Set(); peersNames.set(ctx.proxies, names); }
  const at = `${ctx.file}:${ctx.line}`;
  const prev = peersDeclared.get(names)?.get(curPeers);
  if (prev !== undefined) {
    ctx.alertRaw(`Parsing [${at}]: peers section '${curPeers}' has the same name as another peers section declared at ${prev}.`);
  } else {
    let d = peersDeclared.get(names);
    if (d === undefined) { d = new Map(); peersDeclared.set(names, d); }
    d.set(curPeers, at);
  }
  names.add(curPeers);
  let secs = peersSections.get(ctx.proxies);
  if (secs === undefined) { secs = []; peersSections.set(ctx.proxies, secs); }
  secs.push({ name: curPeers, local: false });
  ctx.postParse(() => checkPeers(ctx));
}

/** `table <name> type ... size ...` in a peers section: a table named `<peers>/<name>` (no proxy). */
function parsePeersTable(args: readonly string[], ctx: KwCtx): void {
  const name = args[1];
  if (name === undefined || name === '') { ctx.alert("'table' expects a table name."); return; }
  const t = new StkTable(curPeers + '/' + name, ctx.file, ctx.line);
  if (!parseTableArgs(t, args, 2, ctx)) return;
  notePeersUse(ctx, curPeers);
  let list = peersTables.get(ctx.proxies);
  if (list === undefined) { list = []; peersTables.set(ctx.proxies, list); }
  list.push(t);
  stkRegisterTableName(t);
  stkPostParseOnce(ctx);
}

function parsePeerLine(args: readonly string[], ctx: KwCtx): void {
  if (args[1] === undefined || args[1] === '') { ctx.alert(`'${args[0]}' expects <name> and <addr>[:<port>] as arguments.`); return; }
  // `peer <local> <addr>` or `server <local>` makes the section complete
  const sec = curSection(ctx);
  if (sec !== undefined && args[1] === localPeer(ctx)) sec.local = true;
}

function parseLocalpeer(args: readonly string[], ctx: KwCtx): void {
  // names this process's peer line; nothing is synchronised
  if (args[1] !== undefined && args[1] !== '') ctx.global.ext.set('localpeer', args[1]);
}

function noop(_args: readonly string[], _ctx: KwCtx): void { /* accepted, no effect without synchronisation */ }

export const keywords: CfgKeyword[] = [
  { section: 'listen', name: 'stick-table', cap: PR_CAP_FE | PR_CAP_BE | PR_CAP_DEF, parse: parseStickTable },
  { section: 'listen', name: 'stick', cap: PR_CAP_FE | PR_CAP_BE, parse: parseStick },
  { section: 'global', name: 'localpeer', parse: parseLocalpeer },
  { section: 'peers', name: 'peers', parse: parsePeersHeader },
  { section: 'peers', name: 'peer', parse: parsePeerLine },
  { section: 'peers', name: 'server', parse: parsePeerLine },
  { section: 'peers', name: 'bind', parse: noop },
  { section: 'peers', name: 'default-bind', parse: noop },
  { section: 'peers', name: 'default-server', parse: noop },
  { section: 'peers', name: 'disabled', parse: noop },
  { section: 'peers', name: 'enabled', parse: noop },
  { section: 'peers', name: 'log', parse: noop },
  { section: 'peers', name: 'shards', parse: noop },
  { section: 'peers', name: 'table', parse: parsePeersTable },
];
