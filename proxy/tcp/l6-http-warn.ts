/*
 * 2.6's "Proxy 'x': L6 sample fetches ignored on HTTP proxies (declared at file:line)." warning: a mode http proxy's
 * `tcp-request content` / `tcp-response content` rule whose condition reads layer-6 data (req.len, req.payload*,
 * req.ssl_*, res.len, res.payload*, rep_ssl_hello_type, ...), one line per rule, request rules first, then the
 * `use-server` rules (backend/persist-rules.ts). Registered by tcp/rules.ts and tcp/response-rules.ts once per proxy.
 * Hot path: no.
 */
import type { KwCtx } from '../config/types.ts';
import { PR_CAP_DEF } from '../config/types.ts';
import type { Proxy } from '../model/types.ts';
import type { TcpRule } from './types.ts';
import type { AclCond } from '../acl/types.ts';
import { PR_MODE_HTTP } from '../model/types.ts';

/** Just before the request-rule checks (CHK_RANK_REQ_RULES). */
const RANK_L6 = 49;
const L6 = /^(req[._](len|payload(_lv)?|ssl_[a-z_]+|rdp_cookie(_cnt)?)|payload(_lv)?|res[._](len|payload(_lv)?|ssl_hello_type)|rep_ssl_hello_type|rdp_cookie(_cnt)?)$/;

function usesL6(r: TcpRule): boolean { return condUsesL6(r.cond); }

/** True when condition `c` reads layer-6 data (also asked for `use-server` rules, which 2.6 checks the same way). */
export function condUsesL6(c: AclCond | null): boolean {
  if (c === null) return false;
  for (const g of c.groups) for (const t of g) for (const term of t.acl.terms) if (L6.test(term.fetch.name)) return true;
  return false;
}

/** The warning for a mode http proxy's rule at file:line reading layer-6 data. */
export function l6HttpWarn(px: Proxy, ctx: KwCtx, file: string, line: number): void {
  if (px.mode !== PR_MODE_HTTP || (px.cap & PR_CAP_DEF) !== 0) return;
  const msg = `Proxy '${px.name}': L6 sample fetches ignored on HTTP proxies (declared at ${file}:${line}).`;
  if (ctx.warnProxy !== undefined) ctx.warnProxy(px, RANK_L6 + 1, msg); else ctx.warnRaw(msg);
}

const registered = new WeakSet<object>();

/** Registers the check of `px` (once). */
export function l6HttpWarnOnce(px: Proxy, ctx: KwCtx): void {
  if (registered.has(px)) return;
  registered.add(px);
  ctx.postParse(() => {
    if (px.mode !== PR_MODE_HTTP || (px.cap & PR_CAP_DEF) !== 0) return;
    for (const r of [...px.tcp.contentRules, ...px.tcp.resRules]) {
      if (!usesL6(r)) continue;
      const msg = `Proxy '${px.name}': L6 sample fetches ignored on HTTP proxies (declared at ${r.file}:${r.line}).`;
      if (ctx.warnProxy !== undefined) ctx.warnProxy(px, RANK_L6, msg); else ctx.warnRaw(msg);
    }
  });
}
