/*
 * `tcp-request connection|session|content <accept|reject|silent-drop> [if|unless <cond>]` and `tcp-request inspect-delay`:
 * parsed into TcpRule lists (tcp/types.ts) with HAProxy 2.6's messages, and run by tcpRulesExec() with HAProxy's
 * three-valued ACL logic (a term that failed on data that may still grow is a "miss": content rules then wait).
 * Other modules add actions (registerTcpActions: set-var, capture, track-sc*, ...); the HAProxy actions nobody
 * implements are known by name and refused as not supported yet.
 * Callers: frontend.ts at accept (connection/session), tcp/forward.ts while inspecting (content).
 * Hot path: tcpRulesExec (per accept with rules, per inspected chunk).
 */
import type { CfgKeyword, KwCtx } from '../config/types.ts';
import { PR_CAP_FE, PR_CAP_DEF } from '../config/types.ts';
import type { AclCond, AclTerm, SampleCtx } from '../acl/types.ts';
import { compileCond } from '../acl/compile.ts';
import { aclCondAtLoad } from '../acl/keywords.ts';
import type { TcpRule, TcpCustomAction } from './types.ts';
import type { StkStream } from '../stick/types.ts';
import type { StreamLog } from '../model/types.ts';
import type { VarMap } from '../http/vars.ts';
import { TCP_ACT_CUSTOM, TCP_ACT_CLOSE, TCP_RULES_CLOSE, TCP_ACT_SILENT_DROP, TCP_RULES_DROP } from './types.ts';
import { TCP_ACT_ACCEPT, TCP_ACT_REJECT, TCP_ACT_EXPECT_PROXY, TCP_RULES_ACCEPT, TCP_RULES_REJECT, TCP_RULES_WAIT } from './types.ts';
import { parseTime, TIME_MAX_MS } from '../config/values.ts';
import { capName } from '../config/sections.ts';
import { l6HttpWarnOnce } from './l6-http-warn.ts';

// three-valued ACL results, as HAProxy's: PASS=3, MISS=1, FAIL=0 (AND = min via &, OR = max via |)
const ACL_FAIL = 0;
const ACL_MISS = 1;
const ACL_PASS = 3;


/** Proxies whose own `tcp-request inspect-delay` line was read (a second one is ignored with a warning). */
const inspectDelaySet = new WeakSet<object>();
function termExec(t: AclTerm, ctx: SampleCtx): number {
  if (t.fetch.run(ctx, t.arg, t.match, t.pats)) return ACL_PASS;
  const mc = t.fetch.mayChange;
  return ctx.l4Final === false && mc !== undefined && mc(ctx, t.arg) ? ACL_MISS : ACL_FAIL;
}

/** Runs `cond` (not null) in three-valued logic; `unless` is left to the caller. */
function condExec3(cond: AclCond, ctx: SampleCtx): number {
  let res = ACL_FAIL;
  const groups = cond.groups;
  for (let g = 0; g < groups.length && res !== ACL_PASS; g++) {
    const grp = groups[g];
    let suite = ACL_PASS;
    for (let k = 0; k < grp.length && suite !== ACL_FAIL; k++) {
      const terms = grp[k].acl.terms;
      let acl = ACL_FAIL;
      for (let i = 0; i < terms.length && acl !== ACL_PASS; i++) acl |= termExec(terms[i], ctx);
      if (grp[k].neg && acl !== ACL_MISS) acl = ACL_PASS - acl;
      suite &= acl;
    }
    res |= suite;
  }
  return res;
}

/**
 * Runs a rule list on `ctx`: TCP_RULES_ACCEPT when an `accept` matched or no rule did, TCP_RULES_REJECT on a matching
 * `reject`, TCP_RULES_DROP on a matching `silent-drop`, TCP_RULES_CLOSE on a matching `close` (tcp-response), TCP_RULES_WAIT when a condition cannot be decided yet (only while ctx.l4Final is false). Allocates nothing.
 */
export function tcpRulesExec(rules: readonly TcpRule[], ctx: SampleCtx): number {
  // a list that waited runs again from its first rule on the next data, actions included (2.6 does so too)
  for (let i = 0; i < rules.length; i++) {
    const r = rules[i];
    if (r.cond !== null) {
      const v = condExec3(r.cond, ctx);
      if (v === ACL_MISS) return TCP_RULES_WAIT;
      let pass = v === ACL_PASS;
      if (r.cond.unless) pass = !pass;
      if (!pass) continue;
    }
    if (r.action === TCP_ACT_EXPECT_PROXY) { (ctx as L4AcceptCtx).expectProxy = true; continue; }
    if (r.action === TCP_ACT_CUSTOM) { r.custom!.run(ctx); continue; }
    if (r.action === TCP_ACT_CLOSE) return TCP_RULES_CLOSE;
    if (r.action === TCP_ACT_REJECT || r.action === TCP_ACT_SILENT_DROP) {
      if (ctx.stk != null && rejectHook !== null) rejectHook(ctx);
      return r.action === TCP_ACT_REJECT ? TCP_RULES_REJECT : TCP_RULES_DROP;
    }
    return TCP_RULES_ACCEPT;
  }
  return TCP_RULES_ACCEPT;
}

/** Fills a new L4AcceptCtx from its connection (proxy/stick: counters the connection rules tracked), or null. */
let l4CtxInit: ((ctx: L4AcceptCtx) => void) | null = null;
export function setL4CtxInit(fn: (ctx: L4AcceptCtx) => void): void { l4CtxInit = fn; }

/** Called when a rule list rejects a stream that tracks stick counters (proxy/stick releases them). */
let rejectHook: ((ctx: SampleCtx) => void) | null = null;
export function setTcpRejectHook(fn: (ctx: SampleCtx) => void): void { rejectHook = fn; }

/**
 * tcp-request actions of other modules (proxy/stick), by name prefix: parse(args, kind, ctx) gets the line and the
 * rule kind ('connection', 'session', 'content') and returns the action and the index where if/unless may start,
 * or null after an alert.
 */
export interface TcpActionKw {
  prefix: string;
  parse(args: readonly string[], kind: string, ctx: KwCtx): { action: TcpCustomAction; argc: number } | null;
}
const extActions: TcpActionKw[] = [];
export function registerTcpActions(kws: readonly TcpActionKw[]): void { for (const k of kws) if (!extActions.includes(k)) extActions.push(k); }
/** The registered action of another module whose prefix starts `act` (tcp/response-rules.ts shares them). */
export function tcpActionFind(act: string): TcpActionKw | undefined { return extActions.find((k) => act.startsWith(k.prefix)); }

/** A minimal SampleCtx for connection/session rules (no stream yet): the addresses only. */
export class L4AcceptCtx implements SampleCtx {
  readonly buf = null;
  readonly l0s = 0; readonly l0e = 0; readonly l1s = 0; readonly l1e = 0; readonly l2s = 0; readonly l2e = 0;
  readonly hdr = EMPTY_HDR;
  readonly nhdr = 0;
  readonly srcIp: string;
  readonly srcIp4: number;
  readonly l4Data = null;
  readonly l4Final = true;
  readonly dstPort: number;
  /** Stick counters tracked by `tcp-request connection|session track-sc*` (handed to the stream, proxy/stick). */
  stk: StkStream | null = null;
  /** The accepted socket these rules run for (proxy/stick keeps its tracked counters by it until the stream starts). */
  readonly conn: object | null;
  /** Set by an `expect-proxy layer4` action (connection rules): the frontend then waits for a PROXY header. */
  expectProxy = false;
  /** Variables of connection/session set-var rules (l4VarsOf), kept by socket for the session rules and the stream. */
  vars: VarMap | undefined;
  /** The sample record set-var expressions read (tcp/vars.ts builds it on first use). */
  log: StreamLog | undefined = undefined;
  constructor(srcIp: string, dstPort: number, conn: object | null = null) {
    this.srcIp = srcIp;
    this.srcIp4 = ipv4Value(srcIp);
    const d = conn !== null && l4DstUsed ? l4Dst.get(conn) : undefined;
    this.dstPort = d !== undefined ? d.port : dstPort;       // session rules see what connection rules set-dst'ed
    this.conn = conn;
    this.vars = conn !== null && l4VarsUsed ? l4Vars.get(conn) : undefined;
    if (conn !== null && l4CtxInit !== null) l4CtxInit(this);
  }
}
export const EMPTY_HDR = new Int32Array(0);

/** sess-scope variables set by `tcp-request connection|session set-var`, by socket until its stream claims them. */
const l4Vars = new WeakMap<object, VarMap>();
let l4VarsUsed = false;

/** The variables of `ctx`, created (and kept for its socket) by the first set-var. */
export function l4VarsOf(ctx: L4AcceptCtx): VarMap {
  let v = ctx.vars;
  if (v === undefined) {
    v = new Map();
    ctx.vars = v;
    if (ctx.conn !== null) { l4Vars.set(ctx.conn, v); l4VarsUsed = true; }
  }
  return v;
}

/** The destination `tcp-request connection|session set-dst[-port]` gave a socket (http/set-dst.ts), until its stream starts. */
const l4Dst = new WeakMap<object, { ip: string; port: number }>();
let l4DstUsed = false;

/** Records the destination of `conn` after a connection/session set-dst rule. */
export function l4DstSet(conn: object, ip: string, port: number): void { l4Dst.set(conn, { ip, port }); l4DstUsed = true; }

/** The destination set for `conn` by its connection/session rules, or undefined (also once its stream claimed it). */
export function l4DstGet(conn: object): { ip: string; port: number } | undefined {
  return l4DstUsed ? l4Dst.get(conn) : undefined;
}

/** For a stream starting on `conn`: the destination its connection/session rules set, usually undefined. */
export function l4DstClaim(conn: object): { ip: string; port: number } | undefined {
  if (!l4DstUsed) return undefined;
  const d = l4Dst.get(conn);
  if (d !== undefined) l4Dst.delete(conn);
  return d;
}

/** For a stream starting on `conn`: the variables its connection/session rules set, usually undefined. */
export function l4VarsClaim(conn: object): VarMap | undefined {
  if (!l4VarsUsed) return undefined;
  const v = l4Vars.get(conn);
  if (v !== undefined) l4Vars.delete(conn);
  return v;
}

/** IPv4 (or v4-mapped IPv6) text to its unsigned value, -1 for anything else. Digit arithmetic, no split. */
export function ipv4Value(ip: string): number {
  let i = ip.startsWith('::ffff:') ? 7 : 0;
  let v = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (; i < ip.length; i++) {
    const c = ip.charCodeAt(i);
    if (c === 0x2e) { if (digits === 0 || part > 255) return -1; v = v * 256 + part; part = 0; digits = 0; dots++; continue; }
    if (c < 0x30 || c > 0x39) return -1;
    part = part * 10 + c - 0x30; digits++;
  }
  if (dots !== 3 || digits === 0 || part > 255) return -1;
  return v * 256 + part;
}

// ---- keywords ----

const L4_ACTIONS = "'accept', 'reject', 'capture', 'expect-proxy', 'expect-netscaler-cip', 'track-sc0' ... 'track-sc2', " +
  "'sc-inc-gpc(*)', 'sc-inc-gpc0(*)', 'sc-inc-gpc1(*)', 'sc-set-gpt(*)', 'sc-set-gpt0(*)', 'set-var-fmt(*)', 'set-var(*)', " +
  "'unset-var(*)', 'set-dst', 'set-dst-port', 'set-mark', 'set-src', 'set-src-port', 'set-tos', 'silent-drop'";
const CONTENT_ACTIONS = "'accept', 'reject', 'capture', 'expect-proxy', 'expect-netscaler-cip', 'track-sc0' ... 'track-sc2', " +
  "'ot-group', 'set-log-level', 'set-nice', 'switch-mode', 'use-service', 'sc-inc-gpc(*)', 'sc-inc-gpc0(*)', " +
  "'sc-inc-gpc1(*)', 'sc-set-gpt(*)', 'sc-set-gpt0(*)', 'send-spoe-group', 'do-resolve(*)', 'set-var-fmt(*)', " +
  "'set-var(*)', 'unset-var(*)', 'set-src', 'set-src-port', 'set-dst', 'set-dst-port', 'set-mark', 'set-tos', " +
  "'silent-drop', 'set-priority-class', 'set-priority-offset'";
/** HAProxy actions Sluice knows but does not run yet (prefix match for the `(*)` and `-scN` forms). */
const UNSUPPORTED_ACTIONS = [
  'expect-proxy', 'expect-netscaler-cip', 'track-sc', 'ot-group', 'set-log-level', 'set-nice', 'switch-mode',
  'use-service', 'sc-inc-gpc', 'sc-set-gpt', 'send-spoe-group', 'do-resolve', 'set-src',
  'set-dst', 'set-mark', 'set-tos', 'set-priority-class', 'set-priority-offset',
];
const CONTENT_ONLY = ['ot-group', 'set-log-level', 'set-nice', 'switch-mode', 'use-service', 'send-spoe-group', 'do-resolve', 'set-priority-class', 'set-priority-offset'];

/** Per proxy: which rule kinds were seen, for HAProxy's ordering warnings. */
const seen = new WeakMap<object, { content: boolean; session: boolean }>();

/**
 * The `if|unless <cond>` tail of a tcp-request/tcp-response rule from args[argc]: the compiled condition, null when
 * there is none, undefined after an alert in 2.6's words (`what` = "tcp-request content accept", `where` = "backend 'x'").
 */
export function tcpRuleCond(args: readonly string[], argc: number, what: string, where: string, ctx: KwCtx): AclCond | null | undefined {
  if (args.length <= argc) return null;
  const px = ctx.proxy!;
  const w = args[argc];
  if (w !== 'if' && w !== 'unless') { ctx.alert(`'${what}' only accepts 'if' or 'unless', in ${where} (got '${w}')`); return undefined; }
  if (args.length <= argc + 1) return null;
  const r = compileCond(args, argc, (n) => px.acls.find((a) => a.name === n), '', ctx.file, ctx.line);
  if (typeof r === 'string') { ctx.alert(`'${what}' : error detected in ${where} while parsing '${w}' condition : ${r.endsWith('.') ? r.slice(0, -1) : r}`); return undefined; }
  aclCondAtLoad(r, ctx);
  return r;
}

function parseTcpRequest(args: readonly string[], ctx: KwCtx): void {
  const px = ctx.proxy!;
  const where = `${capName(px.cap)} '${px.name}'`;
  const kind = args[1];
  if (kind === undefined || kind === '') { ctx.alert(`missing argument for '${args[0]}' in ${where}`); return; }
  if (kind === 'inspect-delay') {
    const v = args[2] ?? '';
    const t = parseTime(v);
    if (v === '' || t.err === 'empty') { ctx.alert(`'tcp-request inspect-delay' expects a positive delay in milliseconds, in ${where}`); return; }
    if (t.err === 'overflow') { ctx.alert(`'tcp-request inspect-delay' : timer overflow in argument '${v}' (maximum value is ${TIME_MAX_MS} ms or ~24.8 days)`); return; }
    if (t.err !== '') { ctx.alert(`'tcp-request inspect-delay' expects a positive delay in milliseconds, in ${where} (unexpected character '${t.badChar}')`); return; }
    // 2.6 keeps the first one of a proxy (a defaults section's value does not count)
    if (inspectDelaySet.has(px)) { ctx.warn(`ignoring tcp-request inspect-delay (was already defined) in proxy '${px.name}'`); return; }
    inspectDelaySet.add(px);
    px.tcp.inspectDelay = t.ms;
    return;
  }
  if (kind !== 'connection' && kind !== 'session' && kind !== 'content') {
    ctx.alert(`'tcp-request' expects 'inspect-delay', 'connection', or 'content' in ${where} (got '${kind}')`);
    return;
  }
  if ((px.cap & PR_CAP_DEF) !== 0 && px.name === '') {
    ctx.alert(`tcp-request ${kind} is not allowed in anonymous 'defaults' sections`);
    return;
  }
  if (kind !== 'content' && (px.cap & (PR_CAP_FE | PR_CAP_DEF)) === 0) {
    ctx.alert(`tcp-request ${kind} is not allowed because ${capName(px.cap)} ${px.name} is not a frontend`);
    return;
  }
  const label = `tcp-request ${kind}`;
  const act = args[2] ?? '';
  let action = -1;
  let argc = 3;              // words before if/unless
  let custom: TcpCustomAction | undefined;
  const ext = extActions.find((k) => act.startsWith(k.prefix));
  if (ext !== undefined) {
    const r = ext.parse(args, kind, ctx);
    if (r === null) return;
    action = TCP_ACT_CUSTOM; custom = r.action; argc = r.argc;
  } else if (act === 'accept') action = TCP_ACT_ACCEPT;
  else if (act === 'reject') action = TCP_ACT_REJECT;
  else if (act === 'silent-drop') action = TCP_ACT_SILENT_DROP;
  else if (act === 'expect-proxy' && kind === 'connection') {
    if (args[3] !== 'layer4') { ctx.alert(`'${label} ${act}' only supports 'layer4' in ${where} (got '${args[3] ?? ''}')`); return; }
    action = TCP_ACT_EXPECT_PROXY;
    argc = 4;
  } else {
    const known = UNSUPPORTED_ACTIONS.some((a) => act.startsWith(a)) && (kind === 'content' || !CONTENT_ONLY.some((a) => act.startsWith(a)));
    if (known && act !== '') { ctx.alert(`'${label} ${act}' is a HAProxy 2.6 action not supported by sluice yet (only 'accept', 'reject' and 'silent-drop' are).`); return; }
    ctx.alert(`'${label}' expects ${kind === 'content' ? CONTENT_ACTIONS : L4_ACTIONS} in ${where} (got '${act}').\n`);
    return;
  }
  const cond = tcpRuleCond(args, argc, `${label} ${act}`, where, ctx);
  if (cond === undefined) return;
  let st = seen.get(px);
  if (st === undefined) { st = { content: false, session: false }; seen.set(px, st); }
  if (kind === 'connection' && st.session) ctx.warn(`a 'tcp-request' rule placed after a 'tcp-request session' rule will still be processed before.`);
  else if (kind !== 'content' && st.content) ctx.warn(`a 'tcp-request' rule placed after a 'tcp-request content' rule will still be processed before.`);
  const rule: TcpRule = { action, cond, file: ctx.file, line: ctx.line };
  if (custom !== undefined) rule.custom = custom;
  if (kind === 'connection') px.tcp.connRules.push(rule);
  else if (kind === 'session') { px.tcp.sessRules.push(rule); st.session = true; }
  else {
    px.tcp.contentRules.push(rule);
    st.content = true;
    l6HttpWarnOnce(px, ctx);
    // a mode http proxy runs them per request (http/stream.ts tcpContentRejects): the frontend's, then the backend's
  }
}

export const keywords: CfgKeyword[] = [
  { section: 'listen', name: 'tcp-request', parse: parseTcpRequest },
];
