/*
 * `tcp-request content capture <sample> len <n>`: declares a request capture slot of the frontend (as `http-request
 * capture ... len`) and fills it with the sample's text, cut at <n>, when the rule runs; read back by
 * `capture.req.hdr(<slot>)` and `%hr`. The SNI logging of TLS passthrough frontends (`capture req.ssl_sni len 255`).
 * Registered by proxy/modules.ts. Hot path: when such a rule runs (once per stream).
 */
import type { KwCtx } from '../config/types.ts';
import { PR_CAP_FE } from '../config/types.ts';
import type { SampleCtx } from '../acl/types.ts';
import type { StreamLog } from '../model/types.ts';
import type { RuleFmt } from '../http/types.ts';
import type { TcpActionKw } from './rules.ts';
import type { TcpCustomAction } from './types.ts';
import { compileRuleFormat } from '../http/rule-format.ts';
import { addCaptureSlot } from '../log/cfg.ts';
import { sampleLive } from '../log/sample.ts';

class TcpCapture implements TcpCustomAction {
  readonly fmt: RuleFmt; readonly slot: number; readonly len: number;
  constructor(fmt: RuleFmt, slot: number, len: number) { this.fmt = fmt; this.slot = slot; this.len = len; }
  run(ctx: SampleCtx): void {
    const log = (ctx as { log?: StreamLog }).log;
    const fn = this.fmt.fns[0];
    if (log === undefined || fn === null || fn === undefined) return;
    const saved = sampleLive.req;
    sampleLive.req = ctx;
    let v: string | number | null;
    try { v = fn(log); } finally { sampleLive.req = saved; }
    if (v === null) return;
    const s = String(v);
    const caps = log.reqCaptures;
    while (caps.length <= this.slot) caps.push(null);
    caps[this.slot] = s.length > this.len ? s.slice(0, this.len) : s;
  }
}

/** Parses `capture <sample> len <n> [if|unless ...]` in 2.6.12's words; null after an alert. */
function parseCapture(args: readonly string[], kind: string, ctx: KwCtx): { action: TcpCustomAction; argc: number } | null {
  const px = ctx.proxy!;
  const label = `'${args[0]} ${kind} capture'`;
  const expr = args[3] ?? '';
  if (kind !== 'content') {
    ctx.alert(`'capture ${expr}' is not allowed in '${args[0]} ${kind}' rules in ${px.cap & PR_CAP_FE ? 'frontend' : 'backend'} '${px.name}'`);
    return null;
  }
  if (expr === '' || expr === 'if' || expr === 'unless') { ctx.alert(`${label} : missing fetch method`); return null; }
  const f = compileRuleFormat('%[' + expr + ']');
  if (typeof f === 'string') { ctx.alert(`${label} : ${f.replace(/^failed to parse sample expression <[\s\S]*?> : /, '')}`); return null; }
  if (args[4] !== 'len') { ctx.alert(`${label} : a positive 'len' argument is mandatory`); return null; }
  const len = /^\d+$/.test(args[5] ?? '') ? Number(args[5]) : 0;
  if (len <= 0) { ctx.alert(`${label} : length must be > 0`); return null; }
  if ((px.cap & PR_CAP_FE) === 0) { ctx.alert(`${label} : proxy '${px.name}' has no frontend capability`); return null; }
  return { action: new TcpCapture(f, addCaptureSlot(px, 'request', '', len), len), argc: 6 };
}

export const tcpCaptureActions: TcpActionKw[] = [{ prefix: 'capture', parse: parseCapture }];
