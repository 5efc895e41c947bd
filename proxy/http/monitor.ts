/*
 * `monitor-uri <uri>` and `monitor fail if|unless <cond>` (2.6): a request whose request-target (its path and query
 * for an absolute URI when the monitor URI starts with '/') equals the monitor URI is answered locally, before the http-request rules, with the proxy's 200 (or 503 when a `monitor fail`
 * condition holds), through the errorfile/http-after-response path; it counts as intercepted and in hrsp_* on the
 * frontend and is not logged (checked against haproxy 2.6.12). Keywords registered by proxy/modules.ts; monitorStatus
 * is called by http/stream.ts only when a monitor URI is set. Hot path: no (one length test per request when set).
 */
import type { CfgKeyword, KwCtx } from '../config/types.ts';
import { PR_CAP_FE, PR_CAP_DEF } from '../config/types.ts';
import type { SampleCtx } from '../acl/types.ts';
import type { Proxy } from '../model/types.ts';
import { aclCondExec } from '../acl/compile.ts';
import { condCompile } from '../acl/keywords.ts';

/** 0 when the request is not for `fe`'s monitor URI, else the status to answer (200, or 503 on `monitor fail`). */
export function monitorStatus(fe: Proxy, ctx: SampleCtx): number {
  const u = fe.http.monitorUri as Buffer;
  const b = ctx.buf as Buffer;
  let s = ctx.l1s;
  // a monitor URI starting with '/' is compared with the path (and query) of an absolute-form request too (2.6)
  if (u[0] === 0x2f && b[s] !== 0x2f) {
    const sep = b.indexOf('://', s, 'latin1');
    const p = sep < 0 || sep >= ctx.l1e ? -1 : b.indexOf(0x2f, sep + 3);
    if (p < 0 || p >= ctx.l1e) return 0;
    s = p;
  }
  if (ctx.l1e - s !== u.length || b.compare(u, 0, u.length, s, ctx.l1e) !== 0) return 0;
  const conds = fe.http.monitorFail;
  for (let i = 0; i < conds.length; i++) if (aclCondExec(conds[i], ctx)) return 503;
  return 200;
}

function parseMonitorUri(args: readonly string[], ctx: KwCtx): void {
  const px = ctx.proxy;
  if (!px) return;
  if (args[1] === undefined || args[1] === '') { ctx.alert("'monitor-uri' expects an URI."); return; }
  px.http.monitorUri = Buffer.from(args[1], 'latin1');
}

function parseMonitor(args: readonly string[], ctx: KwCtx): void {
  const px = ctx.proxy;
  if (!px) return;
  if (args[1] !== 'fail') { ctx.alert("'monitor' only supports 'fail'."); return; }
  if (args[2] !== 'if' && args[2] !== 'unless') { ctx.alert("'monitor fail' requires either 'if' or 'unless' followed by a condition."); return; }
  const cond = condCompile(args, 2, ctx, "error detected while parsing a 'monitor fail' condition : ");
  if (cond !== null) px.http.monitorFail.push(cond);
}

export const keywords: CfgKeyword[] = [
  { section: 'listen', name: 'monitor-uri', cap: PR_CAP_FE | PR_CAP_DEF, parse: parseMonitorUri },
  { section: 'listen', name: 'monitor', cap: PR_CAP_FE, parse: parseMonitor },
];
