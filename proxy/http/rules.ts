/*
 * http-request / http-response rules and `redirect`: compiled HttpRule objects (types.ts) built by http/keywords.ts,
 * and httpRulesRun() which evaluates them in order on a request or response head: allow, deny, set-header,
 * add-header, del-header, set-path/-query/-uri/-method, replace-header/-value/-path/-uri, capture, tarpit, redirect,
 * return. Header changes mark entries of the H1 header index removed and collect added lines in RuleOut.extra (so a
 * replaced header moves after the kept ones); replies are built like HAProxy 2.6's (fixtures/http/cases/redirect-*,
 * return-*). Values holding `%` are log-format strings compiled by proxy/log/format.ts and run by log/emit.ts with
 * the live request exposed to `%[req.hdr(..)]` & co (log/sample.ts sampleLive). Hot path: yes (when rules exist).
 */
import { isIP } from 'node:net';
import type { SampleCtx, ReqBodyView } from '../acl/types.ts';
import type { Proxy, StreamLog } from '../model/types.ts';
import type { HttpRule, RedirectRule, RuleFmt } from './types.ts';
import {
  HTTP_ACT_ALLOW, HTTP_ACT_DENY, HTTP_ACT_EARLY_HINT, HTTP_ACT_SET_HDR, HTTP_ACT_ADD_HDR, HTTP_ACT_DEL_HDR, HTTP_ACT_REDIRECT,
  HTTP_ACT_RETURN, HTTP_ACT_SET_PATH, HTTP_ACT_SET_QUERY, HTTP_ACT_SET_URI, HTTP_ACT_SET_METHOD, HTTP_ACT_REPLACE_HDR,
  HTTP_ACT_REPLACE_VAL, HTTP_ACT_REPLACE_PATH, HTTP_ACT_REPLACE_URI, HTTP_ACT_TARPIT, HTTP_ACT_CAPTURE, HTTP_ACT_CAPTURE_RES, HTTP_ACT_SET_VAR,
  HTTP_ACT_REJECT, HTTP_ACT_SILENT_DROP, HTTP_ACT_SET_SRC, HTTP_ACT_SET_SRC_PORT,
  HTTP_ACT_UNSET_VAR, HTTP_ACT_AUTH, HTTP_ACT_SET_STATUS, HTTP_ACT_PROMETHEUS, HTTP_ACT_CUSTOM, HTTP_ACT_WAIT_BODY,
  REDIR_LOCATION, REDIR_PREFIX, H1_HDR_STRIDE,
} from './types.ts';
import { aclCondExec } from '../acl/compile.ts';
import { prometheusHttpReply } from '../stats/prometheus.ts';
import { runLogEmitter } from '../log/emit.ts';
import { sampleLive } from '../log/sample.ts';
import { ruleFormatSample } from './rule-format.ts';
import { varSet, varUnset } from './vars.ts';
import { ipv4Value } from '../net/ipv4.ts';

export const RULES_CONTINUE = 0;
export const RULES_DENY = 1;
export const RULES_REPLY = 2;
export const RULES_TARPIT = 3;
/** The stats page answered (set by http/stream.ts, not by rules): out.reply holds its final bytes. */
export const RULES_STATS = 4;
/** http-request reject / silent-drop: the connection closes without a response (silent-drop: with a reset). */
export const RULES_REJECT = 5;
export const RULES_SILENT_DROP = 6;
/**
 * http-request wait-for-body: the body is not there yet; out.waitAt is the rule to resume at once it is (or its
 * out.waitMs expired), out.waitLeast the byte count that is enough (0 = the whole body or a full buffer).
 */
export const RULES_WAIT_BODY = 7;
/**
 * A rewrite failed (set-uri / replace-uri to an absolute URI without authority): 2.6.12 answers 500, logged `PR--`
 * without Tq, counted in wrew and eint (its default strict-mode; Sluice accepts `strict-mode off` but ignores it).
 */
export const RULES_ERROR = 8;

/**
 * `http-request set-src`: `v` (an IPv4 or IPv6 address) becomes the request's client address
 * (%ci, src, forwardfor, stick keys) until the transaction ends, as 2.6's per-stream address; false when `v` is none.
 */
function setSrc(ctx0: SampleCtx, log: StreamLog, v: string): boolean {
  const ip = v.trim();
  if (isIP(ip) === 0) return false;
  const c = ctx0 as { srcIp: string; srcIp4: number };
  c.srcIp = ip;                                         // a v4-mapped address keeps its text (2.6), matches as IPv4
  c.srcIp4 = ipv4Value(ip.startsWith('::ffff:') ? ip.slice(7) : ip);
  log.clientIp = ip;
  return true;
}

/** What the rules decided, reused per transaction. */
export interface RuleOut {
  status: number;
  reply: Buffer | null;
  /** New request-target after set-path/-query/-uri, null = unchanged. */
  uri: string | null;
  /**
   * set-uri / replace-uri to an absolute URI: the new value (`host`) of the Host header at header index offset
   * `hostX`, written in its place (-1 = none).
   */
  hostX: number;
  host: string;
  /** New method after set-method, null = unchanged. */
  method: string | null;
  /** New response status line after http-response set-status (its status in `newStatus`), null = unchanged. */
  statusLine: string | null;
  newStatus: number;
  /** The stream's frontend, log record and request view, for log-format values (set once per session). */
  fe: Proxy | null;
  log: StreamLog | null;
  reqCtx: SampleCtx | null;
  /** Added header lines, each "\r\nname: value". */
  extra: string;
  closeAfter: boolean;
  /** The reply is a redirect: 2.6 adds "Connection: close" to it (and counts it) while a request body is pending. */
  redirect: boolean;
  /** RULES_WAIT_BODY: the wait-for-body rule's index, its time (ms) and at-least bytes. */
  waitAt: number;
  waitMs: number;
  waitLeast: number;
  /**
   * early-hint: the 103 responses the rules made (each "HTTP/1.1 103 Early Hints\r\n", its header lines, then an empty
   * line once complete), for the stream to send before its response; '' = none.
   */
  hints: string;
  reset(): void;
}

export function newRuleOut(): RuleOut {
  return {
    status: 0, reply: null, uri: null, hostX: -1, host: '', method: null, statusLine: null, newStatus: 0, extra: '', closeAfter: false, fe: null,
    log: null, reqCtx: null, redirect: false, waitAt: 0, waitMs: 0, waitLeast: 0, hints: '',
    reset() {
      this.status = 0; this.reply = null; this.uri = null; this.hostX = -1; this.host = ''; this.method = null; this.statusLine = null; this.newStatus = 0;
      this.extra = ''; this.closeAfter = false; this.redirect = false; this.hints = '';
    },
  };
}

const REASONS: Record<number, string> = {
  200: 'OK', 201: 'Created', 202: 'Accepted', 204: 'No Content', 301: 'Moved Permanently', 302: 'Found',
  303: 'See Other', 304: 'Not Modified', 307: 'Temporary Redirect', 308: 'Permanent Redirect', 400: 'Bad Request',
  401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 408: 'Request Timeout',
  409: 'Conflict', 410: 'Gone', 413: 'Payload Too Large', 418: "I'm a teapot", 421: 'Misdirected Request',
  425: 'Too Early', 429: 'Too Many Requests', 500: 'Internal Server Error', 501: 'Not Implemented',
  502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout',
};

export function httpReason(status: number): string { return REASONS[status] ?? 'Unknown'; }

// HAProxy 2.6's reason phrases (http_get_reason) for `return` and `set-status`, read off /usr/sbin/haproxy 2.6.12;
// the redirect replies keep their own phrases (302 Found).
const STATUS_REASONS: Record<number, string> = {
  101: 'Switching Protocols', 200: 'OK', 201: 'Created', 202: 'Accepted', 203: 'Non-Authoritative Information',
  204: 'No Content', 205: 'Reset Content', 206: 'Partial Content', 207: 'Multi-Status', 226: 'IM Used',
  300: 'Multiple Choices', 301: 'Moved Permanently', 302: 'Moved Temporarily', 303: 'See Other', 304: 'Not Modified',
  305: 'Use Proxy', 307: 'Temporary Redirect', 308: 'Permanent Redirect', 400: 'Bad Request', 401: 'Unauthorized',
  402: 'Payment Required', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 406: 'Not Acceptable',
  407: 'Proxy Authentication Required', 408: 'Request Time-out', 409: 'Conflict', 410: 'Gone', 411: 'Length Required',
  412: 'Precondition Failed', 413: 'Request Entity Too Large', 414: 'Request-URI Too Long',
  415: 'Unsupported Media Type', 416: 'Requested range unsatisfiable', 417: 'Expectation failed', 418: "I'm a teapot",
  421: 'Misdirected Request', 422: 'Unprocessable Content', 423: 'Locked', 424: 'Method failure', 425: 'Too Early',
  426: 'Upgrade Required', 428: 'Precondition Required', 429: 'Too Many Requests',
  431: 'Request Header Fields Too Large', 451: 'Unavailable For Legal Reasons', 499: 'client has closed connection',
  500: 'Internal Server Error', 501: 'Not Implemented', 502: 'Bad Gateway or Proxy Error', 503: 'Service Unavailable',
  504: 'Gateway Time-out', 505: 'HTTP Version not supported', 506: 'Variant also negotiate', 507: 'Insufficient storage',
  508: 'Loop detected', 510: 'Not extended', 511: 'Network authentication required',
};
const STATUS_CLASS = ['Other', 'Informational', 'Success', 'Redirection', 'Client Error', 'Server Error'];

/** The reason phrase HAProxy 2.6 gives `status` in `return` / `set-status` replies (class name when unlisted). */
export function httpStatusReason(status: number): string {
  const r = STATUS_REASONS[status];
  if (r !== undefined) return r;
  const c = Math.floor(status / 100);
  return c >= 1 && c <= 5 ? STATUS_CLASS[c] : 'Other';
}

/** The bytes of `http-request return`: status line, content-length, optional content-type, body. */
export function buildReturnReply(status: number, contentType: string, body: string, hdrLines = ''): Buffer {
  // 2.6's order: the rule's hdr lines, then content-length and content-type
  const ct = contentType !== '' ? `content-type: ${contentType}\r\n` : '';
  return Buffer.from(`HTTP/1.1 ${status} ${httpStatusReason(status)}\r\n${hdrLines}content-length: ${Buffer.byteLength(body, 'latin1')}\r\n${ct}\r\n${body}`, 'latin1');
}

/** A return/deny rule's reply: prebuilt, or with its lf-string / hdr values evaluated for this request. */
export function ruleReply(r: HttpRule, ctx: SampleCtx, out: RuleOut): Buffer {
  if (r.reply !== null) return r.reply;
  let hl = '';
  for (const h of r.hdrs) hl += h.name + ': ' + (h.fmt === null ? h.value : ruleFormat(h.fmt, ctx, out)) + '\r\n';
  return buildReturnReply(r.status, r.contentType, r.fmt === null ? r.value : ruleFormat(r.fmt, ctx, out), hl);
}

/** A redirect response; 301 and 308 are cacheable, the others carry cache-control: no-cache (as 2.6 does). */
export function buildRedirectReply(code: number, location: string, setCookie = '', clearCookie = ''): Buffer {
  const cc = code === 301 || code === 308 ? '' : 'cache-control: no-cache\r\n';
  // set-cookie / clear-cookie options as 2.6 writes them ("N=v; path=/;", "N=; path=/; Max-Age=0;")
  const ck = setCookie !== '' ? `set-cookie: ${setCookie}; path=/;\r\n` :
    clearCookie !== '' ? `set-cookie: ${clearCookie}${clearCookie.endsWith('=') ? '' : '='}; path=/; Max-Age=0;\r\n` : '';
  return Buffer.from(`HTTP/1.1 ${code} ${httpReason(code)}\r\ncontent-length: 0\r\nlocation: ${location}\r\n${cc}${ck}\r\n`, 'latin1');
}

/** Index offset of the first kept Host header of ctx's head, -1 when there is none. */
function hostAt(ctx: SampleCtx): number {
  const b = ctx.buf as Buffer;
  const h = ctx.hdr;
  for (let x = 0; x < ctx.nhdr * H1_HDR_STRIDE; x += H1_HDR_STRIDE) {
    if (h[x] >= 0 && h[x + 1] - h[x] === 4 && b.toString('latin1', h[x], h[x + 1]) === 'host') return x;
  }
  return -1;
}

function findHost(ctx: SampleCtx): string {
  const x = hostAt(ctx);
  return x < 0 ? '' : (ctx.buf as Buffer).toString('latin1', ctx.hdr[x + 2], ctx.hdr[x + 3]);
}

const fmtBuf = Buffer.allocUnsafe(16384);

/** Runs a rule's log-format value against the current request (the stream's StreamLog and live head). */
/** Whether the rules running are http-response ones (their ctx is then the response view, out.reqCtx the request). */
let rulesOnResponse = false;

/** Points the live sample fetches at the message the running rules see. */
function setLive(ctx: SampleCtx, out: RuleOut): void {
  if (rulesOnResponse) { sampleLive.req = out.reqCtx; sampleLive.res = ctx; } else { sampleLive.req = ctx; sampleLive.res = null; }
}

export function ruleFormat(f: RuleFmt, ctx: SampleCtx, out: RuleOut): string {
  const fe = out.fe, log = out.log;
  if (fe === null || log === null) return '';
  setLive(ctx, out);
  let s = '';
  for (let i = 0; i < f.ems.length; i++) {
    const em = f.ems[i];
    if (em !== null) { const n = runLogEmitter(em, fe, log, fmtBuf, fmtBuf.length); s += fmtBuf.toString('latin1', 0, n); continue; }
    const fn = f.fns[i];
    if (fn === null) { if (s.length > 0 && s.charCodeAt(s.length - 1) !== 32) s += ' '; continue; }
    const v = fn(log);
    if (v !== null) s += v;
  }
  sampleLive.req = null;
  sampleLive.res = null;
  return s;
}

/** A capture's sample: its value as text, or null when the fetch found nothing (the slot then keeps what it had). */
function captureSample(r: HttpRule, ctx: SampleCtx, out: RuleOut): string | null {
  const f = r.fmt as RuleFmt;
  const fn = ruleFormatSample(f);
  if (fn === null || out.log === null) return ruleValue(r, ctx, out);
  setLive(ctx, out);
  const v = fn(out.log);
  sampleLive.req = null;
  sampleLive.res = null;
  return v === null ? null : String(v);
}

function ruleValue(r: HttpRule, ctx: SampleCtx, out: RuleOut): string {
  return r.fmt === null ? r.value : ruleFormat(r.fmt, ctx, out);
}

/** Expands \0..\9 in `repl` with the groups of `m`. */
function expandGroups(repl: string, m: RegExpExecArray): string {
  if (repl.indexOf('\\') < 0) return repl;
  let s = '';
  for (let i = 0; i < repl.length; i++) {
    const c = repl.charCodeAt(i);
    if (c === 92 && i + 1 < repl.length) {
      const d = repl.charCodeAt(i + 1) - 48;
      if (d >= 0 && d <= 9) { s += m[d] ?? ''; i++; continue; }
    }
    s += repl[i];
  }
  return s;
}

function currentUri(ctx: SampleCtx, out: RuleOut): string {
  return out.uri ?? (ctx.buf as Buffer).toString('latin1', ctx.l1s, ctx.l1e);
}

function currentMethod(ctx: SampleCtx, out: RuleOut): string {
  return out.method ?? (ctx.buf as Buffer).toString('latin1', ctx.l0s, ctx.l0e);
}

/**
 * The authority 2.6.12 reads in a request-target (authSpan): after a leading "scheme://" (a letter, then
 * letters, digits, '+', '-', '.'), up to the first '/', userinfo (up to the last '@') left out. A query or fragment
 * stays in it ("http://h?q" -> "h?q"); a URI without "://" is read from its start ("word/p" -> "word").
 */
function authoritySpan(uri: string): void {
  let p = 0;
  const n = uri.length;
  if (isAlpha(uri.charCodeAt(0))) {
    let q = 1;
    while (q < n && isSchemeChar(uri.charCodeAt(q))) q++;
    if (uri.charCodeAt(q) === 58 && uri.charCodeAt(q + 1) === 47 && uri.charCodeAt(q + 2) === 47) p = q + 3;
  }
  let e = uri.indexOf('/', p);
  if (e < 0) e = n;
  const at = uri.lastIndexOf('@', e - 1);
  authSpan[0] = at >= p ? at + 1 : p;
  authSpan[1] = e;
}
/** authoritySpan's result: [start, end) in the URI. */
const authSpan = [0, 0];

/** Whether a request-target has an authority: neither empty nor in origin or asterisk form. */
function hasAuthority(uri: string): boolean {
  const c0 = uri.charCodeAt(0);
  return uri !== '' && c0 !== 47 && c0 !== 42;
}

function isAlpha(c: number): boolean { return (c | 0x20) >= 97 && (c | 0x20) <= 122; }
function isSchemeChar(c: number): boolean { return isAlpha(c) || (c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46; }

/**
 * set-uri / replace-uri: a URI in neither origin nor asterisk form (nor empty) names the request's authority, which
 * becomes the value of its Host headers in place (the first kept one in the index, those earlier rules added in
 * out.extra); without a Host header nothing is added. False when that authority is empty ("http://", "http:///x"):
 * 2.6 fails the rewrite (a 500). As 2.6.12 (fixtures/proxy/http-diff/cases/d3-seturi-*).
 */
function uriToHost(ctx0: SampleCtx, out: RuleOut, uri: string): boolean {
  if (!hasAuthority(uri)) return true;
  authoritySpan(uri);
  const s0 = authSpan[0], e0 = authSpan[1];
  if (s0 === e0) return false;
  // a CONNECT's target is an authority as a whole: 2.6.12 writes all of the new URI into Host, and that value then
  // replaces the authority it reads in the URI, as a set-header Host would (hostToUri): set-uri http://u@b/x gives
  // "CONNECT http://u@http://u@b/x/x" with Host "http://u@b/x", b:8443/p gives "b:8443/p/p"; no Host, no change
  const connect = currentMethod(ctx0, out) === 'CONNECT';
  const a = connect ? uri : uri.slice(s0, e0);
  let set = false;
  const x = hostAt(ctx0);
  if (x >= 0) { out.hostX = x; out.host = a; set = true; }
  if (out.extra !== '') {
    const lines = out.extra.split('\r\n');
    for (let i = 1; i < lines.length; i++) {
      const l = lines[i];
      if (l.indexOf(':') === 4 && l.slice(0, 4).toLowerCase() === 'host') { lines[i] = l.slice(0, 4) + ': ' + a; set = true; }
    }
    out.extra = lines.join('\r\n');
  }
  if (connect && set) out.uri = uri.slice(0, s0) + a + uri.slice(e0);
  return true;
}

/**
 * The other way round: a Host header value set by set-header / add-header / replace-header / replace-value becomes
 * the authority of a request-target that has one ("GET http://a/x" + "set-header Host b" -> "GET http://b/x"), as
 * 2.6.12 (d3-seturi-host-*). Request rules only.
 */
function hostToUri(ctx0: SampleCtx, out: RuleOut, host: string): void {
  if (rulesOnResponse) return;
  const uri = currentUri(ctx0, out);
  if (!hasAuthority(uri)) return;
  authoritySpan(uri);
  if (authSpan[0] === authSpan[1] || uri.slice(authSpan[0], authSpan[1]) === host) return;
  out.uri = uri.slice(0, authSpan[0]) + host + uri.slice(authSpan[1]);
}

/**
 * set-path/-query/-uri/-method, replace-path/-uri: updates out.uri / out.method (and the Host header, uriToHost).
 * Returns LINE_CHANGED when the line changed, so that later conditions and values see the new one (2.6 rewrites the
 * request in place), LINE_FAILED when the rewrite failed.
 */
function lineRule(r: HttpRule, ctx: SampleCtx, ctx0: SampleCtx, out: RuleOut): number {
  const uri0 = out.uri, method0 = out.method;
  let ok = true;
  switch (r.action) {
    case HTTP_ACT_SET_PATH: {
      const uri = currentUri(ctx, out);
      const v = ruleValue(r, ctx, out);
      const ps = pathStart(uri);
      const q = uri.indexOf('?', ps);
      out.uri = uri.slice(0, ps) + v + (q >= 0 && r.len !== 1 ? uri.slice(q) : '');     // len 1: set-pathq
      break;
    }
    case HTTP_ACT_SET_QUERY: {
      const uri = currentUri(ctx, out);
      const v = ruleValue(r, ctx, out);
      const q = uri.indexOf('?');
      out.uri = (q >= 0 ? uri.slice(0, q) : uri) + '?' + v;
      break;
    }
    case HTTP_ACT_SET_URI: out.uri = ruleValue(r, ctx, out); ok = uriToHost(ctx0, out, out.uri); break;
    case HTTP_ACT_SET_METHOD: out.method = ruleValue(r, ctx, out); break;
    case HTTP_ACT_REPLACE_PATH: case HTTP_ACT_REPLACE_URI: {
      const uri = currentUri(ctx, out);
      const whole = r.action === HTTP_ACT_REPLACE_URI;
      const ps = whole ? 0 : pathStart(uri);
      let pe = whole || r.len === 1 ? uri.length : uri.indexOf('?', ps);      // len 1: replace-pathq
      if (pe < 0) pe = uri.length;
      const m = (r.regex as RegExp).exec(uri.slice(ps, pe));
      if (m === null) break;
      out.uri = uri.slice(0, ps) + expandGroups(ruleValue(r, ctx, out), m) + uri.slice(pe);
      if (whole) ok = uriToHost(ctx0, out, out.uri);
      break;
    }
    default: break;
  }
  return !ok ? LINE_FAILED : out.uri !== uri0 || out.method !== method0 ? LINE_CHANGED : 0;
}
const LINE_CHANGED = 1;
const LINE_FAILED = 2;

/**
 * A SampleCtx showing what the rules changed so far, as 2.6's later rules see its rewritten message: the request line
 * from out.method / out.uri, the headers added in out.extra after the kept ones, the Host value set-uri wrote. The original head bytes come
 * first and the index is copied, so offsets stay valid. Rare path (built only when a rule reads after a change).
 */
function rulesView(ctx: SampleCtx, out: RuleOut): SampleCtx {
  const b = ctx.buf as Buffer;
  // request: method, URI, version; response (after set-status): version, status, reason
  const sl = rulesOnResponse ? out.statusLine : null;
  const line = sl !== null || out.uri !== null || out.method !== null;
  let m: string, u: string, v: string;
  if (sl !== null) {
    const a = sl.indexOf(' '), c = sl.indexOf(' ', a + 1);
    m = sl.slice(0, a); u = c < 0 ? sl.slice(a + 1) : sl.slice(a + 1, c); v = c < 0 ? '' : sl.slice(c + 1);
  } else {
    m = out.method ?? b.toString('latin1', ctx.l0s, ctx.l0e);
    u = out.uri ?? b.toString('latin1', ctx.l1s, ctx.l1e);
    v = b.toString('latin1', ctx.l2s, ctx.l2e);
  }
  const added = out.extra === '' ? [] : out.extra.split('\r\n').slice(1);
  const tail0 = (line ? m + ' ' + u + ' ' + v : '') + (added.length > 0 ? '\r\n' + added.join('\r\n') : '');
  // the Host value set-uri wrote (uriToHost) follows, pointed at by its header's entry
  const hx = rulesOnResponse || out.hostX < 0 || ctx.hdr[out.hostX] < 0 ? -1 : out.hostX;
  const tail = hx < 0 ? tail0 : tail0 + out.host;
  const at = b.length;
  const buf = Buffer.concat([b, Buffer.from(tail, 'latin1')]);
  const nhdr = ctx.nhdr + added.length;
  const hdr = new Int32Array(nhdr * H1_HDR_STRIDE);
  hdr.set(ctx.hdr.subarray(0, ctx.nhdr * H1_HDR_STRIDE));
  let p = at + (line ? m.length + u.length + v.length + 2 : 0);
  for (let i = 0; i < added.length; i++) {
    const l = added[i], x = (ctx.nhdr + i) * H1_HDR_STRIDE, s0 = p + 2, c = l.indexOf(':');
    let vs = c + 1;
    while (vs < l.length && l.charCodeAt(vs) === 32) vs++;
    hdr[x] = s0; hdr[x + 1] = s0 + c; hdr[x + 2] = s0 + vs; hdr[x + 3] = s0 + l.length;
    p = s0 + l.length;
  }
  if (hx >= 0) { hdr[hx + 2] = at + tail0.length; hdr[hx + 3] = at + tail.length; }
  return {
    buf, l0s: line ? at : ctx.l0s, l0e: line ? at + m.length : ctx.l0e, l1s: line ? at + m.length + 1 : ctx.l1s,
    l1e: line ? at + m.length + 1 + u.length : ctx.l1e, l2s: line ? at + m.length + u.length + 2 : ctx.l2s,
    l2e: line ? at + m.length + u.length + 2 + v.length : ctx.l2e, hdr, nhdr, srcIp: ctx.srcIp, srcIp4: ctx.srcIp4,
    vars: ctx.vars, log: ctx.log, stk: ctx.stk, bodyView: ctx.bodyView,
  };
}

/**
 * The request as the rules left it, for what is evaluated after them (use_backend conditions and names): `ctx0`
 * itself when no rule changed the line or added headers, else a view (allocates; 2.6 rewrites the message in place).
 */
export function rulesCtx(ctx0: SampleCtx, out: RuleOut): SampleCtx {
  if (out.uri === null && out.method === null && out.extra === '') return ctx0;
  rulesOnResponse = false;
  return rulesView(ctx0, out);
}

const bodySpan = new Int32Array(2);
/** Body bytes received so far (de-chunked). */
export function bodyReceived(v: ReqBodyView): number {
  return v.bodyData(bodySpan) === null ? 0 : bodySpan[1] - bodySpan[0];
}

/** Drops the lines named `name` (lowercase) that earlier rules added to out.extra (set-header / del-header). */
function dropAdded(out: RuleOut, name: string): void {
  if (out.extra === '') return;
  const lines = out.extra.split('\r\n');
  let keep = '';
  for (let i = 1; i < lines.length; i++) {
    const l = lines[i];
    if (l.slice(0, l.indexOf(':')).toLowerCase() !== name) keep += '\r\n' + l;
  }
  out.extra = keep;
}

/** [start, end) of the path inside `uri` (after scheme://authority for an absolute URI). */
function pathStart(uri: string): number {
  if (uri.charCodeAt(0) === 47) return 0;
  const sep = uri.indexOf('://');
  if (sep < 0) return 0;
  const p = uri.indexOf('/', sep + 3);
  return p < 0 ? uri.length : p;
}

/**
 * replace-header / replace-value: the new value of each matching `name` header is written in place when it is not
 * longer than the old one (header order kept, as 2.6), else the header is removed and re-added after the others.
 * replace-value works on each comma-separated element (leading blanks skipped for the match; a replaced element loses
 * them, as in 2.6: "abc, def, axe" -> "Abc, def,Axe").
 */
/** The value after replace-header (whole value) or replace-value (each comma-separated one), null when no match. */
function replaceIn(v: string, re: RegExp, repl: string, perValue: boolean): string | null {
  if (!perValue) {
    const m = re.exec(v);
    return m === null ? null : expandGroups(repl, m);
  }
  const parts = v.split(',');
  let changed = false;
  for (let i = 0; i < parts.length; i++) {
    const m = re.exec(parts[i].trimStart());
    if (m !== null) { parts[i] = expandGroups(repl, m); changed = true; }
  }
  return changed ? parts.join(',') : null;
}

function replaceHeader(r: HttpRule, ctx: SampleCtx, out: RuleOut, perValue: boolean): void {
  const b = ctx.buf as Buffer;
  const h = ctx.hdr;
  const n = r.nameBuf.length;
  const re = r.regex as RegExp;
  let repl: string | null = null;
  if (out.extra !== '') {
    // headers earlier rules added are part of the message too (2.6); done first, before lines this call appends
    const lines = out.extra.split('\r\n');
    let changed = false;
    for (let i = 1; i < lines.length; i++) {
      const l = lines[i], c = l.indexOf(':');
      if (l.slice(0, c).toLowerCase() !== r.name) continue;
      repl ??= ruleValue(r, ctx, out);
      const nv = replaceIn(l.slice(c + 1).trim(), re, repl, perValue);
      if (nv !== null) { lines[i] = l.slice(0, c) + ': ' + nv; changed = true; if (r.name === 'host') hostToUri(ctx, out, nv); }
    }
    if (changed) out.extra = lines.join('\r\n');
  }
  for (let x = 0; x < ctx.nhdr * H1_HDR_STRIDE; x += H1_HDR_STRIDE) {
    const s = h[x];
    if (s < 0 || h[x + 1] - s !== n || b.compare(r.nameBuf, 0, n, s, s + n) !== 0) continue;
    repl ??= ruleValue(r, ctx, out);
    const ov = x === out.hostX && !rulesOnResponse;         // the Host value set-uri wrote (uriToHost)
    const nv = replaceIn(ov ? out.host : b.toString('latin1', h[x + 2], h[x + 3]), re, repl, perValue);
    if (nv === null) continue;
    if (r.name === 'host') hostToUri(ctx, out, nv);
    if (ov) out.host = nv;
    else if (nv.length <= h[x + 3] - h[x + 2]) { b.write(nv, h[x + 2], 'latin1'); h[x + 3] = h[x + 2] + nv.length; }
    else { h[x] = -1; out.extra += '\r\n' + r.name + ': ' + nv; }
  }
}

function redirectLocation(r: RedirectRule, ctx: SampleCtx, out: RuleOut): string {
  if (r.type === REDIR_LOCATION) return r.fmt !== null ? ruleFormat(r.fmt, ctx, out) : r.value;
  const b = ctx.buf as Buffer;
  let uri = out.uri ?? b.toString('latin1', ctx.l1s, ctx.l1e);
  if (r.dropQuery) { const q = uri.indexOf('?'); if (q >= 0) uri = uri.slice(0, q); }
  if (r.appendSlash && !uri.endsWith('/')) uri += '/';
  if (r.type === REDIR_PREFIX) return r.value === '/' ? uri : r.value + uri;
  // REDIR_SCHEME
  return `${r.value}://${findHost(ctx)}${uri}`;
}

/** Marks every header named `name` (lowercase bytes) removed in the index. */
function delHeader(ctx: SampleCtx, name: Buffer): void {
  const b = ctx.buf as Buffer;
  const h = ctx.hdr;
  const n = name.length;
  for (let x = 0; x < ctx.nhdr * H1_HDR_STRIDE; x += H1_HDR_STRIDE) {
    const s = h[x];
    if (s >= 0 && h[x + 1] - s === n && b.compare(name, 0, n, s, s + n) === 0) h[x] = -1;
  }
}

/** Evaluates `rules` in order; stops at allow (RULES_CONTINUE), deny (RULES_DENY) or a reply (RULES_REPLY). */
export function httpRulesRun(rules: readonly HttpRule[], ctx0: SampleCtx, out: RuleOut, from = 0): number {
  rulesOnResponse = out.reqCtx !== null && ctx0 !== out.reqCtx;
  // `ctx` is what conditions and values read: ctx0, or a view of the changes made so far (rebuilt when `stale`)
  let stale = out.uri !== null || out.method !== null || out.extra !== '' || out.statusLine !== null;
  let ctx = ctx0;
  let hintOpen = false;                  // an early-hint rule started a 103 the next ones add to
  for (let i = from; i < rules.length; i++) {
    const r = rules[i];
    // the view is built only for a rule that reads (a condition, a log-format value, or an action using the message)
    if (stale && (r.cond !== null || r.fmt !== null || r.action < HTTP_ACT_SET_HDR || r.action > HTTP_ACT_DEL_HDR)) {
      ctx = rulesView(ctx0, out);
      stale = false;
    }
    if (r.cond !== null && !aclCondExec(r.cond, ctx)) continue;
    if (r.action >= HTTP_ACT_SET_PATH && r.action <= HTTP_ACT_REPLACE_URI && r.action !== HTTP_ACT_REPLACE_HDR &&
        r.action !== HTTP_ACT_REPLACE_VAL) {
      const lr = lineRule(r, ctx, ctx0, out);
      if (lr === LINE_FAILED) return RULES_ERROR;
      if (lr === LINE_CHANGED) stale = true;
      continue;
    }
    if (r.action >= HTTP_ACT_SET_HDR && r.action <= HTTP_ACT_DEL_HDR) {
      // header changes act on the message itself (ctx0's index, out.extra), then later rules see them
      const v = r.action === HTTP_ACT_DEL_HDR ? '' : ruleValue(r, ctx, out);
      if (r.action !== HTTP_ACT_ADD_HDR) { delHeader(ctx0, r.nameBuf); dropAdded(out, r.name); }
      if (r.action !== HTTP_ACT_DEL_HDR) {
        out.extra += '\r\n' + r.name + ': ' + v;
        if (r.name === 'host') hostToUri(ctx0, out, v);
      }
      stale = true;
      continue;
    }
    if (r.action === HTTP_ACT_REPLACE_HDR || r.action === HTTP_ACT_REPLACE_VAL) {
      replaceHeader(r, ctx0, out, r.action === HTTP_ACT_REPLACE_VAL);
      stale = true;
      continue;
    }
    switch (r.action) {
      case HTTP_ACT_ALLOW: return RULES_CONTINUE;
      case HTTP_ACT_DENY:
        out.status = r.status;
        if (r.reply !== null || r.fmt !== null || r.hdrs.length > 0) out.reply = ruleReply(r, ctx, out);   // deny with its own reply
        return RULES_DENY;
      case HTTP_ACT_CAPTURE: {
        const log = out.log;
        if (log !== null) {
          const v = captureSample(r, ctx, out);
          while (log.reqCaptures.length <= r.slot) log.reqCaptures.push(null);
          if (v !== null) log.reqCaptures[r.slot] = v.length > r.len ? v.slice(0, r.len) : v;
        }
        break;
      }
      case HTTP_ACT_CAPTURE_RES: {
        const log = out.log;
        if (log !== null) {
          const v = captureSample(r, ctx, out);
          while (log.resCaptures.length <= r.slot) log.resCaptures.push(null);
          if (v !== null) log.resCaptures[r.slot] = v.length > r.len ? v.slice(0, r.len) : v;
        }
        break;
      }
      case HTTP_ACT_TARPIT: out.status = r.status; return RULES_TARPIT;
      case HTTP_ACT_EARLY_HINT: {
        // consecutive unconditional early-hint rules fill one 103; it ends before any other rule, a conditional
        // early-hint (even one that then matches) or the end of the list, as 2.6.12 groups them
        if (!hintOpen) { out.hints += 'HTTP/1.1 103 Early Hints\r\n'; hintOpen = true; }
        out.hints += r.name + ': ' + ruleValue(r, ctx, out) + '\r\n';
        const nx = rules[i + 1];
        if (nx === undefined || nx.action !== HTTP_ACT_EARLY_HINT || nx.cond !== null) { out.hints += '\r\n'; hintOpen = false; }
        break;
      }
      case HTTP_ACT_SET_SRC: {
        const log = out.log;
        if (log === null || r.fmt === null) break;
        setLive(ctx, out);
        const v = (r.fmt.fns[0] as (s: typeof log) => string | number | null)(log);
        sampleLive.req = null;
        if (typeof v === 'string' && setSrc(ctx0, log, v)) stale = true;     // later rules see the new address
        break;
      }
      case HTTP_ACT_SET_SRC_PORT: {
        const log = out.log;
        if (log === null || r.fmt === null) break;
        setLive(ctx, out);
        const v = (r.fmt.fns[0] as (s: typeof log) => string | number | null)(log);
        sampleLive.req = null;
        const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : -1;
        if (n >= 0) log.clientPort = n & 0xffff;
        break;
      }
      case HTTP_ACT_REJECT: return RULES_REJECT;
      case HTTP_ACT_SILENT_DROP: return RULES_SILENT_DROP;
      case HTTP_ACT_AUTH: out.status = 401; out.reply = r.reply; return RULES_REPLY;
      case HTTP_ACT_PROMETHEUS: {
        // a complete response (chunked, 2.6's headers) written as is, like the stats page; intercepted on the frontend
        if (out.fe !== null) out.fe.feCounters.interceptedReq++;
        const b = ctx.buf as Buffer;
        const q = b.indexOf(63, ctx.l1s);
        out.status = 200;
        out.reply = prometheusHttpReply(q >= 0 && q < ctx.l1e ? b.toString('latin1', q + 1, ctx.l1e) : '',
          ctx.l0e - ctx.l0s === 4 && b.toString('latin1', ctx.l0s, ctx.l0e) === 'HEAD');
        return RULES_STATS;
      }
      case HTTP_ACT_SET_STATUS: {
        const b = ctx.buf as Buffer;
        out.newStatus = r.status;
        if (out.log !== null) out.log.status = r.status;          // %[status] in later values reads the new one
        out.statusLine = b.toString('latin1', ctx.l0s, ctx.l0e) + ' ' + r.status + ' ' + (r.value !== '' ? r.value : httpStatusReason(r.status));
        stale = true;                          // later conditions see the new status (2.6)
        break;
      }
      case HTTP_ACT_SET_VAR: case HTTP_ACT_UNSET_VAR: {
        const vars = (out.reqCtx ?? ctx0).vars;
        if (vars === undefined) break;
        if (r.action === HTTP_ACT_UNSET_VAR) { varUnset(vars, r.name); break; }
        const f = r.fmt;
        if (f === null) { varSet(vars, r.name, r.value); break; }
        if (r.len === 1) {
          // set-var: one sample expression; a fetch that finds nothing leaves the variable alone (as 2.6)
          const log = out.log;
          if (log === null) break;
          setLive(ctx, out);
          const v = (f.fns[0] as (s: typeof log) => string | number | null)(log);
          sampleLive.req = null;
          if (v !== null) varSet(vars, r.name, v);
        } else varSet(vars, r.name, ruleFormat(f, ctx, out));
        break;
      }
      case HTTP_ACT_REDIRECT: {
        const rd = r.redirect as RedirectRule;
        out.status = rd.code;
        out.reply = buildRedirectReply(rd.code, redirectLocation(rd, ctx, out), rd.setCookie, rd.clearCookie);
        out.redirect = true;
        return RULES_REPLY;
      }
      case HTTP_ACT_RETURN:
        out.status = r.status;
        out.reply = ruleReply(r, ctx, out);
        return RULES_REPLY;
      case HTTP_ACT_CUSTOM: {
        const w = r.custom!.run(ctx, out.reqCtx ?? ctx0);
        if (typeof w === 'number' && w > 0) { out.waitAt = i + 1; out.waitMs = w; out.waitLeast = 0; return RULES_WAIT_BODY; }
        break;
      }
      case HTTP_ACT_WAIT_BODY: {
        // the stream resumes at the next rule once the body (or enough of it) is in, or the time is over
        const v = ctx0.bodyView;
        if (v === undefined || v.bodyComplete() || (r.len > 0 && bodyReceived(v) >= r.len)) break;
        out.waitAt = i + 1; out.waitMs = r.slot; out.waitLeast = r.len;
        return RULES_WAIT_BODY;
      }
      default: break;
    }
  }
  return RULES_CONTINUE;
}

