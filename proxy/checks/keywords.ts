/*
 * Health-check keywords: server parameters (check, no-check, inter, fastinter, downinter, rise, fall, port, addr) and
 * proxy keywords (`option httpchk [<method>] [<uri>] [<version>]`, `http-check send|expect|disable-on-404`,
 * `option log-health-checks`).
 * Fills CheckState / CheckCfg; checks/health.ts runs them. Hot path: no.
 */
import { isIP } from 'node:net';
import type { CfgKeyword, KwCtx, SrvKeyword } from '../config/types.ts';
import { PR_CAP_BE, PR_CAP_DEF } from '../config/types.ts';
import type { Proxy, Server } from '../model/types.ts';
import { PR_O_HTTPCHK } from '../model/types.ts';
import type { HttpCheckExpect, CheckState } from './types.ts';
import {
  CHK_TYPE_AGENT, CHK_TYPE_HTTP, CHK_TYPE_TCP, HCHK_EXPECT_STATUS, HCHK_EXPECT_RSTATUS, HCHK_EXPECT_STRING, HCHK_EXPECT_RSTRING,
  HCHK_EXPECT_HDR, HCHK_HM_STR, HCHK_HM_REG,
} from './types.ts';
import { parseTime, parseUint, atol } from '../config/values.ts';
import { newCheckState, newCheckCfg } from '../model/factories.ts';
import type { CheckCfg, CheckTlsForce } from './types.ts';
import type { RuleFmt } from '../http/types.ts';
import { parseVarRule, watchCheckRules } from './tcp-check.ts';
import { compileRuleFormat } from '../http/rule-format.ts';
import { srvAlert as srvErr } from '../config/server-alert.ts';


function timeKw(name: string, set: (s: Server, ms: number) => void): SrvKeyword {
  return {
    name,
    defaultOk: true,
    parse(srv, args, i, ctx, tmpl) {
      const v = args[i + 1];
      if (v === undefined) { srvErr(ctx, srv, tmpl, `'${name}' expects a delay as argument..`); return -1; }
      const t = parseTime(v);
      if (t.err === 'overflow') {
        srvErr(ctx, srv, tmpl, `timer overflow in argument <${v}> to <${name}> of server ${srv.name}, maximum value is 2147483647 ms (~24.8 days)..`);
        return -1;
      }
      // 2.6 names 'agent-inter' here for inter/fastinter/downinter alike (its message, kept for byte compatibility)
      if (t.err !== '') { srvErr(ctx, srv, tmpl, `unexpected character '${t.badChar}' in 'agent-inter' argument of server ${srv.name}..`); return -1; }
      if (t.ms <= 0) { srvErr(ctx, srv, tmpl, `invalid value ${v} for argument '${name}' of server ${srv.name}..`); return -1; }
      set(srv, t.ms);
      return 2;
    },
  };
}

function countKw(name: 'rise' | 'fall'): SrvKeyword {
  return {
    name,
    defaultOk: true,
    parse(srv, args, i, ctx, tmpl) {
      const v = args[i + 1];
      if (v === undefined) { srvErr(ctx, srv, tmpl, `'${name}' expects an integer argument..`); return -1; }
      const n = atol(v) | 0; // C atol(), as 2.6: "abc" is 0, "12x" is 12
      if (n <= 0) { srvErr(ctx, srv, tmpl, `'${name}' has to be > 0..`); return -1; }
      srv.check[name] = n;
      return 2;
    },
  };
}

/** The server's agent check state, created on first use (agent defaults: inter 2s, rise 1, fall 1). */
function agentOf(srv: Server): CheckState {
  if (srv.agent === null) {
    const a = newCheckState();
    a.type = CHK_TYPE_AGENT; a.rise = 1; a.fall = 1;
    srv.agent = a;
  }
  return srv.agent;
}

export const serverKeywords: SrvKeyword[] = [
  { name: 'agent-check', defaultOk: true, parse(srv) { agentOf(srv).enabled = true; return 1; } },
  { name: 'no-agent-check', defaultOk: true, parse(srv) { if (srv.agent !== null) srv.agent.enabled = false; return 1; } },
  timeKw('agent-inter', (s, ms) => { agentOf(s).inter = ms; }),
  {
    name: 'agent-port',
    defaultOk: true,
    parse(srv, args, i, ctx, tmpl) {
      const n = parseUint(args[i + 1] ?? '');
      if (n <= 0 || n > 65535) { srvErr(ctx, srv, tmpl, `'agent-port' expects a port number as argument..`); return -1; }
      agentOf(srv).port = n;
      return 2;
    },
  },
  {
    name: 'agent-addr',
    defaultOk: true,
    parse(srv, args, i, ctx, tmpl) {
      const v = args[i + 1];
      if (v === undefined) { srvErr(ctx, srv, tmpl, `'agent-addr' expects an address as argument..`); return -1; }
      agentOf(srv).addr = v;
      return 2;
    },
  },
  {
    name: 'agent-send',
    defaultOk: true,
    parse(srv, args, i, ctx, tmpl) {
      const v = args[i + 1];
      if (v === undefined) { srvErr(ctx, srv, tmpl, `'agent-send' expects a string as argument..`); return -1; }
      agentOf(srv).send = v;
      return 2;
    },
  },
  { name: 'check', defaultOk: true, parse(srv) { srv.check.enabled = true; return 1; } },
  { name: 'no-check', defaultOk: true, parse(srv) { srv.check.enabled = false; return 1; } },
  timeKw('inter', (s, ms) => { s.check.inter = ms; }),
  timeKw('fastinter', (s, ms) => { s.check.fastinter = ms; }),
  timeKw('downinter', (s, ms) => { s.check.downinter = ms; }),
  countKw('rise'),
  countKw('fall'),
  {
    name: 'port',
    defaultOk: true,
    parse(srv, args, i, ctx, tmpl) {
      const v = args[i + 1];
      if (v === undefined) { srvErr(ctx, srv, tmpl, `'port' expects a port number as argument..`); return -1; }
      srv.check.port = atol(v) & 0xffff; // 2.6 takes atol() of anything present, without a message
      return 2;
    },
  },
  {
    name: 'addr',
    defaultOk: true,
    parse(srv, args, i, ctx, tmpl) {
      const v = args[i + 1];
      if (v === undefined) { srvErr(ctx, srv, tmpl, `'addr' expects <ipv4|ipv6> as argument..`); return -1; }
      srv.check.addr = v;
      return 2;
    },
  },
];

/** Proxies (not defaults) that set `option httpchk` themselves, and those whose own http-check rules started. */
const ownHttpchk = new WeakSet<Proxy>();
const ownRules = new WeakSet<Proxy>();

function parseOptionHttpchk(args: readonly string[], ctx: KwCtx): void {
  const px = ctx.proxy!;
  if (args[0] === 'no') { px.options &= ~PR_O_HTTPCHK; px.httpCheck.type = CHK_TYPE_TCP; return; }
  px.options |= PR_O_HTTPCHK;
  ownHttpchk.add(px);
  const c = px.httpCheck;
  c.type = CHK_TYPE_HTTP;
  c.noRequest = false;
  c.method = 'OPTIONS'; c.uri = '/'; c.version = 'HTTP/1.0';
  const rest = args.slice(2);
  if (rest.length > 3) { ctx.alert(`'option httpchk' cannot handle unexpected argument '${rest[3]}'.`); return; }
  if (rest.length === 1) c.uri = rest[0];
  else if (rest.length >= 2) {
    c.method = rest[0]; c.uri = rest[1];
    if (rest.length >= 3) {
      // HAProxy accepts "HTTP/1.1\r\nHost:\ x" in the version: split embedded headers
      const parts = rest.slice(2).join(' ').split('\r\n');
      c.version = parts[0];
      if (parts.length > 1) {
        ctx.warnRaw(`parsing [${ctx.file}:${ctx.line}]: 'option httpchk' : hiding headers or body at the end of the version string is deprecated. Please, consider to use 'http-check send' directive instead.`);
      }
      for (let k = 1; k < parts.length; k++) {
        const colon = parts[k].indexOf(':');
        if (colon > 0) c.headers.push(parts[k].slice(0, colon).trim(), parts[k].slice(colon + 1).trim());
      }
    }
  }
}

const HDR_METHS = ['str', 'beg', 'end', 'sub', 'reg'];

/**
 * `hdr|fhdr name [-m <meth>] <name> [value [-m <meth>] <value>]` from args[i] into `e`; false after an alert.
 */
function parseHdrExpect(args: readonly string[], i: number, e: HttpCheckExpect, ctx: KwCtx): boolean {
  const kind = args[i - 1];
  const part = (what: string): { meth: number; pat: string; re: RegExp | null } | null => {
    let meth = HCHK_HM_STR;
    if (args[i] === '-m') {
      meth = HDR_METHS.indexOf(args[i + 1] ?? '');
      if (meth < 0) { ctx.alert(`'http-check expect' : '${what}' : unsupported matching method '${args[i + 1] ?? ''}'.`); return null; }
      i += 2;
    }
    const pat = args[i];
    if (pat === undefined) { ctx.alert(`'http-check expect' : '${what}' expects a pattern as argument.`); return null; }
    i++;
    let re: RegExp | null = null;
    if (meth === HCHK_HM_REG) {
      try { re = new RegExp(pat); } catch { ctx.alert(`'http-check expect' : regex '${pat}' is invalid.`); return null; }
    }
    return { meth, pat, re };
  };
  if (args[i] !== 'name' || args[i + 1] === undefined) {
    ctx.alert(`'http-check expect' : '${kind}' expects at the name keyword as first argument followed by a pattern.`);
    return false;
  }
  i++;
  const n = part('name');
  if (n === null) return false;
  e.kind = HCHK_EXPECT_HDR;
  e.hdrName = n.re === null ? n.pat.toLowerCase() : n.pat; e.hdrNameMeth = n.meth; e.hdrNameRe = n.re;
  e.hdrValue = null; e.hdrValueMeth = HCHK_HM_STR; e.hdrValueRe = null;
  if (args[i] === 'value') {
    i++;
    const v = part('value');
    if (v === null) return false;
    e.hdrValue = v.pat; e.hdrValueMeth = v.meth; e.hdrValueRe = v.re;
  }
  if (i < args.length && args[i] !== '') { ctx.alert(`'http-check expect' : 'hdr' : unexpected argument '${args[i]}'.`); return false; }
  return true;
}

/** The step the next http-check rules go to: the last `http-check connect` one (the proxy's own before any). */
function lastStep(c: CheckCfg): CheckCfg {
  let t = c;
  while (t.next !== undefined) t = t.next;
  return t;
}

/** A step's expect rules run in order, all of them must pass (2.6). */
function addExpect(c: CheckCfg, e: HttpCheckExpect): void {
  if (c.expect === null) c.expect = e;
  else (c.moreExpects ??= []).push(e);
}

/** A log-format of an http-check rule, or null after an alert. */
function checkFmt(v: string, what: string, ctx: KwCtx): RuleFmt | null {
  const f = compileRuleFormat(v);
  if (typeof f === 'string') { ctx.alert(`'http-check ${what}' : ${f}.`); return null; }
  return f;
}

function parseHttpCheck(args: readonly string[], ctx: KwCtx): void {
  const root = ctx.proxy!.httpCheck;
  const sub = args[1] ?? '';
  if (sub === 'disable-on-404') { root.disableOn404 = true; return; }
  if (sub === 'send-state') { root.sendState = true; return; }
  const px = ctx.proxy!;
  if ((px.cap & PR_CAP_DEF) === 0 && !ownRules.has(px)) {
    // 2.6: a proxy's own http-check rules replace its defaults' ones, the request of the defaults' `option httpchk`
    // included (measured on 2.6.12: nothing sent without an `http-check send`, OPTIONS / HTTP/1.0 with one)
    ownRules.add(px);
    Object.assign(root, {
      expect: null, moreExpects: undefined, connectPort: undefined, connectAddr: undefined, connectSendProxy: undefined,
      connectTls: undefined, pendingComment: undefined, varRules: undefined, sent: undefined, next: undefined, ruleCount: 0,
    });
    if (!ownHttpchk.has(px)) {
      Object.assign(root, {
        method: 'OPTIONS', uri: '/', version: 'HTTP/1.0', headers: [], body: '', headerFmts: undefined, uriLf: undefined,
        bodyLf: undefined, noRequest: true,
      });
    }
  }
  root.ruleCount = (root.ruleCount ?? 0) + 1;
  watchCheckRules(ctx);
  const c = lastStep(root);
  if (sub === 'send') {
    c.pendingComment = undefined;
    if (c.sent === true || c.expect !== null) {
      ctx.alert(`'http-check send' : unable to add http-check send rule at step ${root.ruleCount} (missing connect rule)..`);
      return;
    }
    c.sent = true;
    for (let i = 2; i < args.length; i++) {
      const k = args[i];
      const v = args[i + 1];
      if (v === undefined) { ctx.alert(`'http-check send' : '${k}' expects a string as argument..`); return; }
      if (k === 'meth') c.method = v;
      else if (k === 'uri') c.uri = v;
      else if (k === 'uri-lf') { const f = checkFmt(v, 'send', ctx); if (f === null) return; c.uriLf = f; }
      else if (k === 'ver') c.version = v;
      else if (k === 'hdr') {
        const hv = args[i + 2];
        if (hv === undefined) { ctx.alert(`'http-check send' : 'hdr' expects <name> and <value> as arguments.`); return; }
        // header values are log-formats in 2.6 (`hdr x-v %[var(check.v)]`)
        const f = hv.includes('%') ? checkFmt(hv, 'send', ctx) : null;
        if (f === null && hv.includes('%')) return;
        const fmts = c.headerFmts ?? (c.headerFmts = c.headers.map(() => null));
        while (fmts.length < c.headers.length) fmts.push(null);
        c.headers.push(v, hv); fmts.push(f, null); i++;
      } else if (k === 'body') c.body = v;
      else if (k === 'body-lf') { const f = checkFmt(v, 'send', ctx); if (f === null) return; c.bodyLf = f; }
      else { ctx.alert(`'http-check send' : expects 'meth', 'uri', 'uri-lf', 'ver', 'hdr', 'body', 'body-lf' but got '${k}'.`); return; }
      i++;
    }
    return;
  }
  if (sub.startsWith('set-var') || sub.startsWith('unset-var')) {
    const r = parseVarRule(args, ctx);
    if (r === null) return;
    if (c.sent === true) { ctx.alert(`'http-check ${sub}' after the step's 'http-check send' is not supported by sluice yet (place it before the send).`); return; }
    (c.varRules ??= []).push(r);
    return;
  }
  if (sub === 'expect') {
    let i = 2;
    const e: HttpCheckExpect = { kind: HCHK_EXPECT_STATUS, inverse: false, statusRanges: [], text: '', re: null };
    const pending = c.pendingComment;
    c.pendingComment = undefined;
    // `comment <text>` after the pattern: cut off here, kept on the rule
    const ci = args.indexOf('comment', 3);
    if (ci >= 0) {
      if (args[ci + 1] === undefined) { ctx.alert(`'http-check expect' : 'comment' expects a string as argument.`); return; }
      e.comment = args[ci + 1];
      args = args.slice(0, ci);
    } else if (pending !== undefined) e.comment = pending;
    if (args[i] === '!') { e.inverse = true; i++; }
    if (args[i] === 'min-recv') {
      const n = parseUint(args[i + 1] ?? '');
      if (n < 0) { ctx.alert(`'http-check expect' : '${args[i]}' expects an integer as argument.`); return; }
      e.minRecv = n; i += 2;
      if (args[i] === '!') { e.inverse = true; i++; }
    }
    const kind = args[i];
    const v = args[i + 1];
    if (kind === undefined && e.minRecv !== undefined) { ctx.alert(`'http-check expect' : pattern not found.`); return; }
    if (kind === 'hdr' || kind === 'fhdr') {
      if (!parseHdrExpect(args, i + 1, e, ctx)) return;
      e.fullHdr = kind === 'fhdr';
      addExpect(c, e);
      return;
    }
    // 2.6.12's words
    const KNOWN = ['status', 'rstatus', 'string', 'rstring', 'string-lf', 'hdr', 'fhdr', 'min-recv', 'comment'];
    if (kind === undefined) { ctx.alert(`'http-check expect' : expects at least a matching pattern as arguments.`); return; }
    if (!KNOWN.includes(kind)) {
      ctx.alert(`'http-check expect' : 'only supports min-recv, [!]string', '[!]rstring', '[!]string-lf', '[!]status', '[!]rstatus', [!]hdr, [!]fhdr or comment but got '${kind}' as argument..`);
      return;
    }
    if (v === undefined && (kind === 'status' || kind === 'rstatus' || kind === 'string' || kind === 'rstring')) {
      ctx.alert(`'http-check expect' : '${kind}' expects a <pattern> as argument.`);
      return;
    }
    if (v === undefined) { ctx.alert(`'http-check expect' : '${kind}' is not supported by sluice yet (status, rstatus, string, rstring are).`); return; }
    if (kind === 'status') {
      for (const part of v.split(',')) {
        const dash = part.indexOf('-');
        const lo = parseUint(dash >= 0 ? part.slice(0, dash) : part);
        const hi = dash >= 0 ? parseUint(part.slice(dash + 1)) : lo;
        if (lo < 0 || hi < lo) { ctx.alert(`'http-check expect' : invalid status '${part}'.`); return; }
        e.statusRanges.push(lo, hi);
      }
    } else if (kind === 'rstatus' || kind === 'rstring') {
      try { e.re = new RegExp(v); } catch { ctx.alert(`'http-check expect' : regex '${v}' is invalid.`); return; }
      e.kind = kind === 'rstatus' ? HCHK_EXPECT_RSTATUS : HCHK_EXPECT_RSTRING;
    } else if (kind === 'string') { e.kind = HCHK_EXPECT_STRING; e.text = v; }
    else if (kind === 'string-lf') {
      const f = compileRuleFormat(v);
      if (typeof f === 'string') { ctx.alert(`'http-check expect' : ${f}.`); return; }
      e.kind = HCHK_EXPECT_STRING; e.lf = f;
    }
    else { ctx.alert(`'http-check expect' : '${kind}' is not supported by sluice yet (status, rstatus, string, rstring are).`); return; }
    addExpect(c, e);
    return;
  }
  if (sub === 'comment') {
    if (args[2] === undefined || args[2] === '') { ctx.alert(`'http-check comment' expects a string as argument.`); return; }
    c.pendingComment = args[2];
    return;
  }
  if (sub === 'connect') {
    c.pendingComment = undefined;
    let port = 0;
    let sendProxy = false;
    let addr = '';
    let tls: CheckTlsForce | undefined;
    for (let i = 2; i < args.length; i++) {
      const k = args[i];
      // Sluice closes check connections cleanly: what `linger` asks
      if (k === 'default' || k === 'linger') continue;
      if (k === 'send-proxy') { sendProxy = true; continue; }
      if (k === 'addr') {
        addr = args[i + 1] ?? '';
        if (isIP(addr) === 0) { ctx.alert(`'http-check connect' : invalid address '${addr}'.`); return; }
        i++; continue;
      }
      if (k === 'comment' && args[i + 1] !== undefined) { i++; continue; }
      if (k === 'ssl') { tls ??= { sni: '', alpn: '' }; continue; }
      if ((k === 'sni' || k === 'alpn') && args[i + 1] !== undefined) {
        // Sluice's checks speak HTTP/1.1 only: an ALPN list offering h2 would have 2.6 speak HTTP/2 to the server
        if (k === 'alpn' && args[i + 1] !== 'http/1.1') {
          ctx.alert(`'http-check connect' : 'alpn ${args[i + 1]}' is not supported by sluice yet (its checks speak HTTP/1.1: only 'alpn http/1.1' is).`);
          return;
        }
        tls ??= { sni: '', alpn: '' };
        if (k === 'sni') tls.sni = args[i + 1]; else tls.alpn = args[i + 1];
        i++; continue;
      }
      if (k === 'port' && args[i + 1] !== undefined) {
        port = parseUint(args[i + 1]);
        if (port < 1 || port > 65535) { ctx.alert(`'http-check connect' : invalid port '${args[i + 1]}'.`); return; }
        i++; continue;
      }
      ctx.alert(`'http-check connect' : '${k}' is a HAProxy 2.6 option not supported by sluice yet (only 'default', 'port', 'addr', 'send-proxy', 'ssl', 'sni', 'alpn http/1.1', 'linger' and 'comment' are).`);
      return;
    }
    // a connect after a rule of the current step starts the next step of a multi-step check
    if (c.connectPort !== undefined || c.sent === true || c.expect !== null) {
      const n = newCheckCfg();
      n.type = root.type; n.sendState = root.sendState; n.disableOn404 = root.disableOn404;
      n.connectPort = port;
      if (sendProxy) n.connectSendProxy = true;
      if (addr !== '') n.connectAddr = addr;
      if (tls !== undefined) n.connectTls = tls;
      c.next = n;
    } else {
      c.connectPort = port;
      if (sendProxy) c.connectSendProxy = true;
      if (addr !== '') c.connectAddr = addr;
      if (tls !== undefined) c.connectTls = tls;
    }
    return;
  }
  ctx.alert(`'http-check' only supports 'disable-on-404', 'send-state', 'comment', 'connect', 'send', 'expect', 'set-var' and 'unset-var'. but got '${sub}'.`);
}

function parseLogHealthChecks(args: readonly string[], ctx: KwCtx): void {
  if (ctx.proxy) ctx.proxy.httpCheck.logHealthChecks = args[0] !== 'no';
}

export const keywords: CfgKeyword[] = [
  { section: 'listen', name: 'option log-health-checks', cap: PR_CAP_BE | PR_CAP_DEF, allowNo: true, parse: parseLogHealthChecks },
  { section: 'listen', name: 'option httpchk', cap: PR_CAP_BE | PR_CAP_DEF, allowNo: true, parse: parseOptionHttpchk },
  { section: 'listen', name: 'http-check', cap: PR_CAP_BE | PR_CAP_DEF, parse: parseHttpCheck },
];
