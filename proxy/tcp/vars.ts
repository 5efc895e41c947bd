/*
 * Variables in tcp rules: `tcp-request content` and `tcp-response content` `set-var(<scope.name>) <expr>`,
 * `set-var-fmt(<scope.name>) <fmt>`, `unset-var(<scope.name>)` on tcp streams (TcpStream.vars, created by the first
 * action that sets one), read back by var() in ACLs and later rule values. Expressions are the log-format samples of
 * log/sample.ts, plus the layer-4 fetches registered here for them (req.len, req.payload, res.len, res.payload,
 * req.rdp_cookie). Registered by proxy/modules.ts (tcp actions and log fetches). Hot path: when such rules run.
 */
import type { KwCtx } from '../config/types.ts';
import type { SampleCtx } from '../acl/types.ts';
import type { Proxy, StreamLog } from '../model/types.ts';
import { runLogEmitter } from '../log/emit.ts';
import type { RuleFmt } from '../http/types.ts';
import type { TcpActionKw } from './rules.ts';
import { L4AcceptCtx, l4VarsOf, l4DstGet } from './rules.ts';
import { newStreamLog } from '../model/factories.ts';
import type { TcpCustomAction } from './types.ts';
import { compileRuleFormat } from '../http/rule-format.ts';
import { varNameOk, varSet, varUnset } from '../http/vars.ts';
import type { VarMap } from '../http/vars.ts';
import { sampleLive } from '../log/sample.ts';
import { rdpCookieText } from './rdp-cookie.ts';
import { l4SniText, payloadLvText, parsePayloadLvArg } from '../acl/fetches-l4.ts';

type Fetch = (s: StreamLog) => string | number | null;
interface VarsCtx { vars?: VarMap; log?: StreamLog; fe?: Proxy }
const fmtBuf = Buffer.allocUnsafe(16384);

/** The variables of the stream (or connection) `ctx` evaluates on, created on first use (also the set-var converter's). */
export function varsOf(ctx: SampleCtx): VarMap {
  if (ctx instanceof L4AcceptCtx) return l4VarsOf(ctx);
  const c = ctx as VarsCtx;
  let v = c.vars;
  if (v === undefined) { v = new Map(); c.vars = v; }
  return v;
}

/** Connection/session rules (no stream yet): a sample record with the addresses, built on first use. */
export function l4Log(ctx: L4AcceptCtx, px: Proxy): StreamLog {
  let log = ctx.log;
  if (log !== undefined) return log;
  log = newStreamLog(px);
  const sock = ctx.conn as { remotePort?: number; localAddress?: string } | null;
  log.clientIp = ctx.srcIp.startsWith('::ffff:') ? ctx.srcIp.slice(7) : ctx.srcIp;
  log.clientPort = sock?.remotePort ?? 0;
  const d = ctx.conn !== null ? l4DstGet(ctx.conn) : undefined;     // set-dst by a connection rule
  log.frontendIp = d !== undefined ? d.ip : sock?.localAddress ?? '';
  log.frontendPort = ctx.dstPort;
  ctx.log = log;
  return log;
}

class SetVar implements TcpCustomAction {
  readonly name: string; readonly fmt: RuleFmt; readonly expr: boolean;
  /** The proxy of a connection/session rule (its sample record's frontend), null for content rules. */
  readonly px: Proxy | null;
  constructor(name: string, fmt: RuleFmt, expr: boolean, px: Proxy | null) { this.name = name; this.fmt = fmt; this.expr = expr; this.px = px; }
  run(ctx: SampleCtx): void {
    const log = this.px !== null && ctx instanceof L4AcceptCtx ? l4Log(ctx, this.px) : (ctx as VarsCtx).log;
    if (log === undefined) return;
    const saved = sampleLive.req;
    sampleLive.req = ctx;
    try {
      if (this.expr) {
        const fn = this.fmt.fns[0];
        const v = fn === null || fn === undefined ? null : fn(log);
        if (v !== null) varSet(varsOf(ctx), this.name, v);      // a fetch finding nothing leaves it alone (2.6)
        return;
      }
      varSet(varsOf(ctx), this.name, fmtText(this.fmt, this.px ?? (ctx as VarsCtx).fe, log));
    } finally { sampleLive.req = saved; }
  }
}

/** `fmt` as text for the stream record `log` (sampleLive.req already set to the rule's context). */
function fmtText(fmt: RuleFmt, fe: Proxy | undefined, log: StreamLog): string {
  let s = '';
  for (let i = 0; i < fmt.fns.length; i++) {
    const em = fmt.ems[i];
    if (em !== null) {
      if (fe !== undefined) { const n = runLogEmitter(em, fe, log, fmtBuf, fmtBuf.length); s += fmtBuf.toString('latin1', 0, n); }
      continue;
    }
    const fn = fmt.fns[i];
    if (fn === null) { s += ' '; continue; }
    const v = fn(log);
    if (v !== null) s += v;
  }
  return s;
}

/**
 * A log-format value (a dynamic `use_backend %[req.ssl_sni,lower,map(..)]` name) on a tcp stream: its layer-4 data
 * answers the fetches. Callers: tcp/forward.ts.
 */
export function tcpFormat(fmt: RuleFmt, ctx: SampleCtx, fe: Proxy, log: StreamLog): string {
  const saved = sampleLive.req;
  sampleLive.req = ctx;
  try { return fmtText(fmt, fe, log); } finally { sampleLive.req = saved; }
}

class UnsetVar implements TcpCustomAction {
  readonly name: string;
  constructor(name: string) { this.name = name; }
  run(ctx: SampleCtx): void { const v = (ctx as VarsCtx).vars; if (v !== undefined) varUnset(v, this.name); }
}

const NOOP: TcpCustomAction = { run(): void { /* a txn-scope variable before any stream */ } };

function condIndex(args: readonly string[], from: number): number {
  for (let i = from; i < args.length; i++) if (args[i] === 'if' || args[i] === 'unless') return i;
  return args.length;
}

function parseVarAction(args: readonly string[], kind: string, ctx: KwCtx): { action: TcpCustomAction; argc: number } | null {
  const label = `'${args[0]} ${kind} ${args[2]}'`;
  const m = /^(set-var|set-var-fmt|unset-var)\(([^,)]+)(?:,[^)]*)?\)$/.exec(args[2] ?? '');
  if (m === null) { ctx.alert(`${label} : expects a variable name between parentheses.`); return null; }
  const name = m[2].trim().toLowerCase();
  if (!varNameOk(name)) {
    ctx.alert(`invalid variable name '${m[2]}'. A variable name must be start by its scope. The scope can be 'proc', 'sess', 'txn', 'req', 'res' or 'check'`);
    return null;
  }
  const end = condIndex(args, 3);
  const l4 = kind !== 'content';
  // connection/session rules run before any stream: 2.6 drops their txn/req/res variables
  if (m[1] !== 'unset-var' && end < 4) { ctx.alert(m[1] === 'set-var' ? `missing fetch method` : `${label} : expects a format string.`); return null; }
  const f = m[1] === 'unset-var' ? null : compileRuleFormat(m[1] === 'set-var' ? '%[' + args[3] + ']' : args[3]);
  if (typeof f === 'string') { ctx.alert(`${label} : ${f}.`); return null; }
  if (l4 && !name.startsWith('sess.') && !name.startsWith('proc.')) return { action: NOOP, argc: f === null ? 3 : 4 };
  if (f === null) return { action: new UnsetVar(name), argc: 3 };
  return { action: new SetVar(name, f, m[1] === 'set-var', l4 ? ctx.proxy : null), argc: 4 };
}

export const tcpVarActions: TcpActionKw[] = [
  { prefix: 'set-var', parse: parseVarAction },
  { prefix: 'unset-var', parse: parseVarAction },
];

// ---- layer-4 fetches as log-format samples (set-var expressions on tcp streams) ----

function l4Of(res: boolean): Buffer | null {
  const c = sampleLive.req as (SampleCtx & { l4Res?: Buffer | null }) | null;
  if (c === null) return null;
  return (res ? c.l4Res : c.l4Data) ?? null;
}

/** `req.len`, `res.len`, `req.payload(o,l)`, `res.payload(o,l)`, `req.ssl_sni`, `req.rdp_cookie([name])` for log/sample.ts. */
export function tcpLogArgFetch(head: string): Fetch | undefined {
  if (head === 'req.len' || head === 'res.len') { const res = head === 'res.len'; return () => { const d = l4Of(res); return d === null ? 0 : d.length; }; }
  const m = /^(req|res)\.payload\((\d+),(\d+)\)$/.exec(head);
  if (m !== null) {
    const res = m[1] === 'res', off = Number(m[2]), len = Number(m[3]);
    return () => {
      const d = l4Of(res);
      const end = len === 0 ? (d === null ? 0 : d.length) : off + len;
      return d === null || end > d.length || off > end ? null : d.toString('latin1', off, end);
    };
  }
  // a length-prefixed block (`stick on payload_lv(43,1)`: a TLS session id); plain payload_lv follows the direction
  // (store-response rules run on the server's data)
  const lv = /^(req\.|res\.)?payload_lv\((.*)\)$/.exec(head);
  if (lv !== null && parsePayloadLvArg(lv[2]) === '') {
    const dir = lv[1] ?? '', a = lv[2];
    return () => payloadLvText(dir === 'req.' ? l4Of(false) : dir === 'res.' ? l4Of(true) : l4Of(true) ?? l4Of(false), a);
  }
  // the ClientHello's server name (OpenShift-style 'use_backend %[req.ssl_sni,lower,map_reg(..)]')
  if (head === 'req.ssl_sni' || head === 'req_ssl_sni') return () => l4SniText(l4Of(false));
  const r = /^(?:req\.)?rdp_cookie(?:\(([^)]*)\))?$/.exec(head);
  if (r !== null) { const n = (r[1] ?? '').trim().toLowerCase(); return () => rdpCookieText(l4Of(false), n); }
  return undefined;
}
