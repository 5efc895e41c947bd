/*
 * `http-after-response` rules (2.6): run after the http-response rules on the server's response, and on every
 * response Sluice makes itself (errors, deny, return, redirect, auth, stats page, monitor-uri), backend's list first
 * then the frontend's; `allow` ends one proxy's list only. Uses the http-request/-response machinery of rules.ts.
 * Not run on the H1 layer's own errors (400/408 of a bad or timed-out request), as in 2.6.
 * Callers: http/stream.ts. Hot path: no (absent unless configured; local replies are rebuilt per request then).
 */
import type { SampleCtx } from '../acl/types.ts';
import type { Proxy, StreamLog } from '../model/types.ts';
import { H1Msg, h1Parse } from './h1-parser.ts';
import { h1HeadOut } from './head-out.ts';
import { httpRulesRun, newRuleOut, type RuleOut } from './rules.ts';
import { H1_MF_CONN_CLO } from './types.ts';

/** Whether `be` (may be null or the frontend) or `fe` has http-after-response rules. */
export function afterRulesExist(fe: Proxy, be: Proxy | null): boolean {
  return fe.http.afterRules.length !== 0 || (be !== null && be.http.afterRules.length !== 0);
}

/**
 * Runs the backend's then the frontend's http-after-response rules on a response view; changes accumulate in `out`
 * (extra header lines, statusLine/newStatus), as the http-response rules' do.
 */
export function afterResponseRun(fe: Proxy, be: Proxy | null, ctx: SampleCtx, out: RuleOut): void {
  if (be !== null && be.http.afterRules.length !== 0) httpRulesRun(be.http.afterRules, ctx, out);
  if (be !== fe && fe.http.afterRules.length !== 0) httpRulesRun(fe.http.afterRules, ctx, out);
}

const localOut = newRuleOut();
let localMsg: H1Msg | null = null;
const B_CONN_CLOSE = '\r\nconnection: close';

/**
 * A local reply `src` (complete response bytes) after the http-after-response rules of `be`/`fe`, as a new Buffer;
 * `src` itself when it does not parse. `log.status` is the reply's status on entry and the final one on return
 * (set-status). `reqCtx` is the request (for req.* fetches and variables). Keeps no reference to `src`.
 */
export function afterResponseLocal(src: Buffer, fe: Proxy, be: Proxy | null, log: StreamLog, reqCtx: SampleCtx): Buffer {
  const m = localMsg ?? (localMsg = new H1Msg(true, 256));
  m.reset();
  const b = Buffer.from(src);                                 // the parser lowercases names in place
  const r = h1Parse(m, b, b.length, b.length);
  if (r <= 0) return src;
  const out = localOut;
  out.reset();
  out.fe = fe; out.log = log; out.reqCtx = reqCtx;
  const view: SampleCtx = {
    buf: b, l0s: m.l0s, l0e: m.l0e, l1s: m.l1s, l1e: m.l1e, l2s: m.l2s, l2e: m.l2e, hdr: m.hdr, nhdr: m.nhdr,
    srcIp: reqCtx.srcIp, srcIp4: reqCtx.srcIp4, vars: reqCtx.vars,
  };
  afterResponseRun(fe, be, view, out);
  if (out.newStatus !== 0) log.status = out.newStatus;
  // the parser dropped a stored Connection: close; it is kept so that local-reply.ts still closes after this reply
  const extra = (m.flags & H1_MF_CONN_CLO) !== 0 ? out.extra + B_CONN_CLOSE : out.extra;
  const sl = out.statusLine === null ? null : Buffer.from(out.statusLine, 'latin1');
  out.fe = null; out.log = null; out.reqCtx = null;
  return h1HeadOut(b, m, sl, extra, null, b, r, b.length);
}
