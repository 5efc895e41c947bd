/*
 * Rule actions on stick counters: track-sc0..2 <key> [table <t>] (http-request, http-response, tcp-request
 * connection|session|content), sc-inc-gpc0(<n>), sc-inc-gpc1(<n>), sc-inc-gpc(<idx>,<n>), sc-set-gpt0(<n>) <int>,
 * sc-set-gpt(<idx>,<n>) <int>. Parsed at load with 2.6's messages; a track's table is resolved after parsing (no
 * `table` = the proxy's own). Registered into http/keywords.ts and tcp/rules.ts by stick/register.ts.
 * Hot path: yes (run per matching rule).
 */
import type { KwCtx } from '../config/types.ts';
import type { Proxy } from '../model/types.ts';
import { PR_MODE_HTTP } from '../model/types.ts';
import { PR_CAP_FE } from '../config/types.ts';
import type { SampleCtx } from '../acl/types.ts';
import type { StkKeyFn, StkStream } from './types.ts';
import { STK_DT_GPC0, STK_DT_GPC0_RATE, STK_DT_GPC1, STK_DT_GPC1_RATE, STK_DT_GPT0, STK_DT_GPC, STK_DT_GPC_RATE, STK_DT_GPT } from './types.ts';
import type { StkTable } from './table.ts';
import { stkKey, stkProxyTable } from './table.ts';
import { compileStkKey } from './key-expr.ts';
import { stkStreamNew, stkTrack, stkSlot, stkSlotTable, stkPark } from './track.ts';
import { stkFreqAdd } from './freq-ctr.ts';
import { stkFindTable } from './fetches.ts';
import { ruleErrorPrefix } from '../http/rule-errors.ts';
import { twNow } from '../timer-wheel.ts';
import { capName } from '../config/sections.ts';
import { sampleReadsRequest } from '../log/sample-avail.ts';

/** A compiled action: run on the rule's message `ctx`; `sess` is the stream holding the tracking state. */
export interface StkAction { run(ctx: SampleCtx, sess: SampleCtx): void }

/** Where an action runs: decides the tracking level and whether tracking counts an HTTP request. */
export const STK_WHERE_HTTP_REQ = 0;
export const STK_WHERE_HTTP_RES = 1;
export const STK_WHERE_TCP_CONN = 2;     // tcp-request connection / session: the whole connection
export const STK_WHERE_TCP_CONTENT = 3;

function streamOf(ctx: SampleCtx, sess: SampleCtx): StkStream {
  let st = sess.stk;
  if (st === null || st === undefined) { st = stkStreamNew(); sess.stk = st; }
  if (ctx !== sess) ctx.stk = st;
  return st;
}

class TrackAction implements StkAction {
  readonly slot: number;
  readonly key: StkKeyFn;
  table: StkTable | null = null;
  readonly where: number;
  constructor(slot: number, key: StkKeyFn, where: number) { this.slot = slot; this.key = key; this.where = where; }
  run(ctx: SampleCtx, sess: SampleCtx): void {
    const t = this.table;
    if (t === null) return;
    const sessLevel = this.where === STK_WHERE_TCP_CONN;
    const cur = sess.stk;
    if (cur !== null && cur !== undefined && (sessLevel ? cur.sessEntry : cur.txnEntry)[this.slot] !== null) return;
    const v = this.key(ctx);
    if (v === null) return;
    const k = stkKey(t, v);
    if (k === null) return;
    const now = twNow();
    const e = t.get(k, now);
    if (e === null) return;
    const st = streamOf(ctx, sess);
    // tracking from http-request or http-response counts the request itself too (2.6)
    stkTrack(st, this.slot, t, e, sessLevel, this.where === STK_WHERE_HTTP_REQ || this.where === STK_WHERE_HTTP_RES, now);
    // connection rules: the stream started for this socket takes the state (stkClaim)
    const conn = (ctx as { conn?: object | null }).conn;
    if (sessLevel && conn !== undefined && conn !== null) stkPark(conn, st);
  }
}

/** sc-inc-gpc0/1, sc-inc-gpc(idx): the counter and its rate, when the slot is tracked and the table stores them. */
class IncAction implements StkAction {
  readonly slot: number; readonly dt: number; readonly dtRate: number; readonly idx: number;
  constructor(slot: number, dt: number, dtRate: number, idx: number) { this.slot = slot; this.dt = dt; this.dtRate = dtRate; this.idx = idx; }
  run(ctx: SampleCtx): void {
    const e = stkSlot(ctx.stk, this.slot);
    if (e === null) return;
    const t = stkSlotTable as StkTable;
    const now = twNow();
    const c = t.cols[this.dt];
    if (c !== null && this.idx < c.count) e.vals[c.off + this.idx] = (e.vals[c.off + this.idx] + 1) >>> 0;
    const r = t.cols[this.dtRate];
    if (r !== null && this.idx < r.count) stkFreqAdd(e.vals, r.off + this.idx * 3, r.period, 1, now);
    t.touch(e, now);
  }
}

/** sc-set-gpt0 / sc-set-gpt(idx): an integer, or a key expression's value read as one. */
class SetGptAction implements StkAction {
  readonly slot: number; readonly dt: number; readonly idx: number; readonly value: number; readonly expr: StkKeyFn | null;
  constructor(slot: number, dt: number, idx: number, value: number, expr: StkKeyFn | null) {
    this.slot = slot; this.dt = dt; this.idx = idx; this.value = value; this.expr = expr;
  }
  run(ctx: SampleCtx): void {
    const e = stkSlot(ctx.stk, this.slot);
    if (e === null) return;
    const t = stkSlotTable as StkTable;
    const c = t.cols[this.dt];
    if (c === null || this.idx >= c.count) return;
    let v = this.value;
    if (this.expr !== null) {
      const s = this.expr(ctx);
      if (s === null) return;
      v = parseInt(s, 10);
      if (!Number.isFinite(v)) return;
    }
    e.vals[c.off + this.idx] = v >>> 0;
    t.touch(e, twNow());
  }
}

/**
 * 2.6's post-parse warnings for a `tcp-request content track-sc*` in a frontend (haproxy 2.6.12 -c): a key read from
 * the request without `tcp-request inspect-delay` (the rule runs once on whatever came: often nothing), or, in an HTTP
 * frontend, a key and condition that do not read the request (the rule belongs to `tcp-request session`).
 */
function warnContentTrack(ctx: KwCtx, px: Proxy, keyReads: boolean, condReads: boolean): void {
  ctx.postParse(() => {
    if ((px.cap & PR_CAP_FE) === 0) return;
    if (keyReads && px.tcp.inspectDelay === 0) {
      ctx.warnRaw(`${capName(px.cap)} '${px.name}' : a 'tcp-request content track-sc*' rule explicitly depending on request contents without any 'tcp-request inspect-delay' setting. This means that this rule will randomly find its contents. This can be fixed by setting the tcp-request inspect-delay.`);
    }
    if (px.mode === PR_MODE_HTTP && !keyReads && !condReads) {
      ctx.warnRaw(`${capName(px.cap)} '${px.name}' : a 'tcp-request content track-sc*' rule not depending on request contents for an HTTP frontend should be executed at the session level, using a 'tcp-request session' rule (mandatory to track invalid HTTP requests).`);
    }
  });
}

/** Whether an inline condition (`if { req.len gt 0 }`, the words from `from`) reads the request; named ACLs are not looked up. */
function condReadsRequest(args: readonly string[], from: number): boolean {
  for (let i = from; i < args.length; i++) if (sampleReadsRequest(args[i].replace(/^[!{]+/, ''))) return true;
  return false;
}

/**
 * Track actions waiting for their table (resolved after parsing, see stkResolveActions), of the load whose global
 * settings are `pendingOwner`: a load with alerts runs no post-parse step, so its entries are dropped when the next
 * load adds its first one instead of being resolved against that load's proxies.
 */
const pendingTracks: { a: TrackAction; px: Proxy; name: string; act: string }[] = [];
let pendingOwner: object | null = null;

/** Resolves the tables of the track actions parsed so far; alerts for unknown ones (2.6's words). */
export function stkResolveActions(ctx: KwCtx): void {
  if (pendingOwner !== ctx.global) { pendingTracks.length = 0; return; }
  for (const p of pendingTracks) {
    const t = p.name === '' ? stkProxyTable(p.px) : stkFindTable(ctx.proxies, p.name);
    if (t === null) { ctx.alertRaw(`Proxy '${p.px.name}': unable to find table '${p.name === '' ? p.px.name : p.name}' referenced by ${p.act}.`); continue; }
    p.a.table = t;
  }
  pendingTracks.length = 0;
}

/** `<n>` or `<idx>,<n>` inside an action's parentheses. */
function actionArgs(act: string, withIdx: boolean): { idx: number; slot: number } | string {
  const open = act.indexOf('(');
  if (open < 0 || !act.endsWith(')')) return withIdx ? 'expects 2 arguments' : 'invalid stick table track ID. The max allowed ID is 2.';
  const parts = act.slice(open + 1, -1).split(',').map((s) => s.trim());
  if (withIdx !== (parts.length === 2)) return withIdx ? 'expects 2 arguments' : 'invalid stick table track ID. The max allowed ID is 2.';
  const idx = withIdx ? Number(parts[0]) : 0;
  const slot = Number(parts[parts.length - 1]);
  if (!/^\d+$/.test(parts[parts.length - 1]) || slot > 2) return 'invalid stick table track ID. The max allowed ID is 2.';
  if (withIdx && (!Number.isInteger(idx) || idx < 0 || idx > 99)) return `invalid gpc/gpt index '${parts[0]}'.`;
  return { idx, slot };
}

/** The action names this module parses (prefix match, as 2.6's `track-sc*` / `sc-inc-gpc*` families). */
export const STK_ACTION_PREFIXES = ['track-sc', 'sc-inc-gpc', 'sc-set-gpt'];

/**
 * Parses the stick action at args[at] (its words up to `end`, where if/unless starts); `kw` is the rule keyword for
 * messages ("http-request", "tcp-request connection"). Returns the action, or null after an alert.
 */
export function stkParseAction(args: readonly string[], at: number, end: number, ctx: KwCtx, kw: string, where: number): StkAction | null {
  const px = ctx.proxy as Proxy;
  const act = args[at];
  const http = kw.startsWith('http');
  // 2.6's words: http rules "error detected in ... rule : <msg>.", tcp rules "'<kw> <act>' : <msg>" (no period)
  const fail = (msg: string): null => {
    ctx.alert(http ? ruleErrorPrefix(px, kw, act) + msg + '.' : `'${kw} ${act}' : ${msg}`);
    return null;
  };
  const junk = (w: string): null => {
    if (http) ctx.alertRaw(`parsing [${ctx.file}:${ctx.line}]: '${kw} ${act}' expects either 'if' or 'unless' followed by a condition but found '${w}'.`);
    else ctx.alert(`'${kw} ${act}' only accepts 'if' or 'unless', in ${capName(px.cap)} '${px.name}' (got '${w}')`);
    return null;
  };
  const m = /^track-sc(\d+)$/.exec(act);
  if (m !== null) {
    const slot = Number(m[1]);
    if (slot > 2) return fail(`${slot} track-sc number exceeding 2 (MAX_SESS_STKCTR-1) value`);
    const expr = args[at + 1];
    if (expr === undefined || at + 1 >= end) return fail('missing fetch method');
    const key = compileStkKey(expr);
    if (typeof key === 'string') return fail(key);
    let name = '';
    for (let i = at + 2; i < end; i++) {
      if (args[i] === 'table') {
        if (i + 1 >= end) return fail('missing table name');
        name = args[++i];
        continue;
      }
      return junk(args[i]);
    }
    const a = new TrackAction(slot, key, where);
    if (where === STK_WHERE_TCP_CONTENT) warnContentTrack(ctx, px, sampleReadsRequest(expr), condReadsRequest(args, end));
    if (pendingOwner !== ctx.global) { pendingTracks.length = 0; pendingOwner = ctx.global; }
    pendingTracks.push({ a, px, name, act: `track-sc${slot}` });
    return a;
  }
  const inc = /^sc-inc-gpc([01]?)\(/.exec(act);
  if (inc !== null) {
    const arr = inc[1] === '';
    const r = actionArgs(act, arr);
    if (typeof r === 'string') { if (http) ctx.alert(ruleErrorPrefix(px, kw, act) + r); else ctx.alert(r.replace(/\.$/, '')); return null; }
    if (end !== at + 1) return junk(args[at + 1]);
    if (arr) return new IncAction(r.slot, STK_DT_GPC, STK_DT_GPC_RATE, r.idx);
    return inc[1] === '0' ? new IncAction(r.slot, STK_DT_GPC0, STK_DT_GPC0_RATE, 0) : new IncAction(r.slot, STK_DT_GPC1, STK_DT_GPC1_RATE, 0);
  }
  const gpt = /^sc-set-gpt(0?)\(/.exec(act);
  if (gpt !== null) {
    const arr = gpt[1] === '';
    const r = actionArgs(act, arr);
    if (typeof r === 'string') { if (http) ctx.alert(ruleErrorPrefix(px, kw, act) + r); else ctx.alert(r.replace(/\.$/, '')); return null; }
    const v = at + 1 < end ? args[at + 1] : '0';
    if (at + 2 < end) return junk(args[at + 2]);
    let expr: StkKeyFn | null = null;
    let value = 0;
    if (/^-?\d+$/.test(v)) value = Number(v);
    else {
      const f = compileStkKey(v);
      if (typeof f === 'string') return fail(f);
      expr = f;
    }
    return new SetGptAction(r.slot, arr ? STK_DT_GPT : STK_DT_GPT0, r.idx, value, expr);
  }
  return fail(`unknown action '${act}'`);
}
