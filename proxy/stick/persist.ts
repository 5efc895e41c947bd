/*
 * Stick persistence: `stick match|on|store-request|store-response <expr> [table <t>] [if|unless <cond>]` in
 * backends. At request time the match rules look the key up and hand the stored server (server_id) to the backend
 * connection as the persistent server (like a cookie: ignored when the server is down or in maintenance, so the LB
 * picks another, `option redispatch` applies when it is full), and the store rules' keys are kept on the stream; the
 * transaction's end stores the server that served it (server_id, server_key = its name). store-response rules are
 * kept on the stream and evaluated on the response head (stkResponse, called by http/stream.ts; tcp streams
 * on the server data held by their backend's tcp-response rules, else on the request). Hot path: yes, for backends with rules.
 */
import type { SampleCtx } from '../acl/types.ts';
import type { Proxy, Server, StreamLog } from '../model/types.ts';
import type { StkRule, StkStream } from './types.ts';
import { STK_RULE_MATCH, STK_RULE_STORE_REQ, STK_RULE_STORE_RES, STK_DT_SERVER_ID } from './types.ts';
import type { StkTable } from './table.ts';
import { stkKey } from './table.ts';
import { stkStreamNew, stkSetStoreHook } from './track.ts';
import { aclCondExec } from '../acl/compile.ts';
import { srvAcceptsPersistent } from '../backend/server.ts';
import { PRST_FORCE, PRST_OPTION } from '../backend/types.ts';
import { srvNonStick } from '../backend/non-stick.ts';
import { twNow } from '../timer-wheel.ts';

const rulesByBackend = new WeakMap<Proxy, StkRule[]>();

/** Whether any backend of the running configuration has stick rules (the streams' hooks test it first). */
export const stkPersistState = { on: false };

export function stkAddRule(be: Proxy, r: StkRule): void {
  let l = rulesByBackend.get(be);
  if (l === undefined) { l = []; rulesByBackend.set(be, l); }
  l.push(r);
  stkPersistState.on = true;
  stkSetStoreHook(storeAtEnd);
}

export function stkRules(be: Proxy): readonly StkRule[] { return rulesByBackend.get(be) ?? []; }

/**
 * Runs `be`'s stick rules for the request in `ctx` (the stream, whose `stk` is created when a store is pending):
 * returns the server a match rule found (usable for persistent traffic, or down/in maintenance when `prst` has
 * PRST_FORCE or PRST_OPTION: force-persist, option persist), else null.
 */
export function stkPersist(ctx: SampleCtx, be: Proxy, prst = 0): Server | null {
  const rules = rulesByBackend.get(be);
  if (rules === undefined) return null;
  let found: Server | null = null;
  let matched = false;
  const now = twNow();
  for (let i = 0; i < rules.length; i++) {
    const r = rules[i];
    const t = r.table as StkTable | null;
    if (t === null) continue;
    if ((r.flags & STK_RULE_STORE_RES) !== 0 && (ctx.buf !== null || be.tcp.resRules.length !== 0)) {
      // an HTTP response rule: evaluated on the response head; a tcp one on the server's data its tcp-response
      // rules hold (tcp/forward.ts), as 2.6 (`stick store-response payload_lv(43,1) if serverhello`)
      let st = ctx.stk;
      if (st === null || st === undefined) { st = stkStreamNew(); ctx.stk = st; }
      st.resRules.push(r);
      continue;
    }
    if (r.cond !== null && !aclCondExec(r.cond, ctx)) continue;
    const v = r.key(ctx);
    if (v === null) continue;
    const k = stkKey(t, v);
    if (k === null) continue;
    if ((r.flags & STK_RULE_MATCH) !== 0 && !matched) {
      const e = t.lookup(k, now);
      if (e !== null) {
        matched = true;
        const c = t.cols[STK_DT_SERVER_ID];
        const id = c === null ? 0 : e.vals[c.off];
        for (const s of be.servers) {
          if (s.id === id) { if (srvAcceptsPersistent(s) || (prst & (PRST_FORCE | PRST_OPTION)) !== 0) found = s; break; }
        }
      }
    }
    if ((r.flags & (STK_RULE_STORE_REQ | STK_RULE_STORE_RES)) !== 0) {
      let st = ctx.stk;
      if (st === null || st === undefined) { st = stkStreamNew(); ctx.stk = st; }
      let dup = false;
      for (const p of st.stores) if (p.table === t) { dup = true; break; }
      if (!dup) st.stores.push({ table: t, key: k });
    }
  }
  return found;
}

/** The response head in `ctx`: the `stick store-response` rules kept at request time pick their keys from it. */
export function stkResponse(st: StkStream, ctx: SampleCtx): void {
  for (const r of st.resRules) {
    const t = r.table as StkTable | null;
    if (t === null) continue;
    if (r.cond !== null && !aclCondExec(r.cond, ctx)) continue;
    const v = r.key(ctx);
    if (v === null) continue;
    const k = stkKey(t, v);
    if (k === null) continue;
    let dup = false;
    for (const p of st.stores) if (p.table === t) { dup = true; break; }
    if (!dup) st.stores.push({ table: t, key: k });
  }
  st.resRules.length = 0;
}

/** Transaction end: the server that served it goes into each pending store's entry. */
function storeAtEnd(st: StkStream, log: StreamLog, now: number): void {
  const srv = log.server;
  if (srv === null || srv.proxy !== log.backend || srvNonStick(srv)) return;     // `non-stick` servers are never stored
  for (const p of st.stores) {
    const t = p.table as StkTable;
    const e = t.get(p.key, now);
    if (e === null) continue;
    const c = t.cols[STK_DT_SERVER_ID];
    if (c !== null) e.vals[c.off] = srv.id;
    e.srvKey = srv.name;
  }
}
