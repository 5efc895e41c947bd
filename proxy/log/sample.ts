/*
 * `%[fetch,conv,...]` in log formats: compiles the subset of HAProxy sample fetches that a finished stream's log
 * fields can answer (addresses, names, captures, status, request line parts, unique id) and the `lower`/`upper`
 * converters into one function of the StreamLog. Fetches needing the live message (req.hdr, cookies, ...) are
 * rejected at load with a clear error. Callers: log/format.ts. Hot path: the returned function runs per log line.
 */
import type { StreamLog } from '../model/types.ts';
import type { SampleCtx } from '../acl/types.ts';
import { hostname as osHostname } from 'node:os';
import { nodeCrypto } from '../lazy-builtins.ts';
import { varGet } from '../http/vars.ts';
import { compileConverter, type Conv } from './converters.ts';
import { convArgListError } from './conv-args.ts';
import { authorityLen } from './fields.ts';
import { PR_MODE_HTTP } from '../model/types.ts';

type Fetch = (s: StreamLog) => string | number | null;

function captureReq(i: number): Fetch {
  return (s) => (i < s.reqCaptures.length ? s.reqCaptures[i] : null);
}
function captureRes(i: number): Fetch {
  return (s) => (i < s.resCaptures.length ? s.resCaptures[i] : null);
}

const FETCHES: Map<string, Fetch> = new Map<string, Fetch>([
  ['src', (s) => s.clientIp],
  ['src_port', (s) => s.clientPort],
  ['dst', (s) => s.frontendIp],
  ['dst_port', (s) => s.frontendPort],
  ['fe_name', (s) => s.frontend.name],
  ['be_name', (s) => (s.backend === null ? null : s.backend.name)],
  ['srv_name', (s) => (s.server === null ? null : s.server.name)],
  // 2.6 answers `status` from the response message only: '-' in a log line, the status in http-response rules
  ['status', (s) => (sampleLive.res === null || s.status < 0 ? null : s.status)],
  ['fe_id', (s) => s.frontend.id],
  ['be_id', (s) => (s.backend === null ? null : s.backend.id)],
  ['srv_id', (s) => (s.server === null ? null : s.server.id)],
  ['ssl_fc', () => 0],                       // no TLS listener in Sluice
  // 1 in mode tcp (2.6.12), none for a request that was not parsed
  ['http_first_req', (s) => (s.frontend.mode !== PR_MODE_HTTP ? 1 : s.method === '' ? null : s.connCounter === 0 ? 1 : 0)],
  ['method', (s) => (s.method === '' ? null : s.method)],
  ['capture.req.method', (s) => (s.method === '' ? null : s.method)],
  // the path of an absolute URI (2.6.12: "http://a:8080/p?x" gives "/p?x"), origin-form as it came
  ['capture.req.uri', (s) => { const a = authorityLen(s.uri); return s.uri.length === a ? null : a === 0 ? s.uri : s.uri.slice(a); }],
  ['capture.req.ver', (s) => (s.httpVersion === '' ? null : s.httpVersion)],
  // the response's version: the start line's first part while http-response rules run, the server's in a log line
  // ('-' for a reply Sluice made itself, as 2.6)
  ['capture.res.ver', (s) => {
    const c = sampleLive.res;
    if (c !== null && c.buf !== null) return c.buf.toString('latin1', c.l0s, c.l0e);
    return s.resVer <= 0 ? null : 'HTTP/' + ((s.resVer / 10) | 0) + '.' + (s.resVer % 10);
  }],
  ['path', (s) => { const q = s.uri.indexOf('?'); return s.uri === '' ? null : q < 0 ? s.uri : s.uri.slice(0, q); }],
  ['query', (s) => { const q = s.uri.indexOf('?'); return q < 0 ? null : s.uri.slice(q + 1); }],
  // built on first use, as 2.6 does when a rule reads it before the stream would (proxy/modules.ts sets the builder)
  ['unique-id', (s) => (s.uniqueId !== '' ? s.uniqueId : s.method === '' ? null : uniqueIdNow(s))],
  ['date', () => Math.floor(Date.now() / 1000)],
  ['date_us', () => (Date.now() % 1000) * 1000],
  ['hostname', () => osHostname()],
  ['uuid', () => nodeCrypto().randomUUID()],
  ['rand', () => Math.floor(Math.random() * 0x100000000)],
  ['req.ver', (s) => (s.httpVersion === '' ? null : s.httpVersion.replace(/^HTTP\//, ''))],
  ['req_ver', (s) => (s.httpVersion === '' ? null : s.httpVersion.replace(/^HTTP\//, ''))],
]);

/** Fetches taking arguments of other modules (proxy/stick: `sc_http_req_rate(0)`), tried when no other one knows `head`. */
// a resolver may also refuse a fetch it knows with 2.6's words (a string: the compile error)
const argResolvers: ((head: string) => Fetch | string | undefined)[] = [];
export function registerLogArgFetches(fn: (head: string) => Fetch | string | undefined): void { if (!argResolvers.includes(fn)) argResolvers.push(fn); }
/** Builds a stream's unique id from its frontend's unique-id-format ('' without one): log/emit.ts's buildUniqueId. */
let uniqueIdBuilder: (s: StreamLog) => string = () => '';
export function setUniqueIdBuilder(fn: (s: StreamLog) => string): void { uniqueIdBuilder = fn; }
function uniqueIdNow(s: StreamLog): string | null {
  const id = uniqueIdBuilder(s);
  return id === '' ? null : id;
}

/** The resolver tried after every other one (proxy/acl/fetch-value.ts: the ACL fetches as values). */
let lastResolver: (head: string) => Fetch | undefined = () => undefined;
export function registerLogFallbackFetch(fn: (head: string) => Fetch | undefined): void { lastResolver = fn; }

/** Log-format fetches of other modules (proxy/ssl/fetches.ts), registered by proxy/modules.ts; they win. */
export function registerLogFetches(defs: ReadonlyArray<readonly [string, Fetch]>): void {
  for (const [name, fn] of defs) FETCHES.set(name, fn);
}

/**
 * The request head an HTTP rule value (a log-format string: `http-request set-header X %[req.hdr(host)]`) is being
 * evaluated on: set by http/rules.ts around runLogEmitter, null otherwise. The live fetches below read it; with no
 * live request (log lines) they give nothing, and path/query/method/url fall back to the logged request line.
 */
export const sampleLive: { req: SampleCtx | null; res: SampleCtx | null } = { req: null, res: null };

/** `fn`'s value on the request of `ctx` (its live fetches read that request); null when `ctx` has no stream log. */
export function requestSample(fn: Fetch, ctx: SampleCtx): string | number | null {
  const log = ctx.log;
  if (log === undefined) return null;
  const saved = sampleLive.req;
  sampleLive.req = ctx;
  try { return fn(log); } finally { sampleLive.req = saved; }
}

function liveHeader(name: string, full: boolean, res = false): Fetch {
  const n = name.toLowerCase();
  return () => {
    const c = res ? sampleLive.res : sampleLive.req;
    if (c === null || c.buf === null) return null;
    const b = c.buf, h = c.hdr;
    let v: string | null = null;
    for (let x = 0; x < c.nhdr * 4; x += 4) {
      if (h[x] < 0 || h[x + 1] - h[x] !== n.length || b.toString('latin1', h[x], h[x + 1]) !== n) continue;
      v = b.toString('latin1', h[x + 2], h[x + 3]);
    }
    if (v === null || full) return v;
    const comma = v.lastIndexOf(',');           // req.hdr: the last comma-separated value
    return comma < 0 ? v : v.slice(comma + 1).trim();
  };
}

function liveUri(): string | null {
  const c = sampleLive.req;
  return c === null || c.buf === null ? null : c.buf.toString('latin1', c.l1s, c.l1e);
}

function liveQueryParam(name: string, sep: string): (q: string) => string | null {
  return (q) => {
    const parts = q.split(sep);
    for (let i = 0; i < parts.length; i++) {
      const eq = parts[i].indexOf('=');
      const k = (eq < 0 ? parts[i] : parts[i].slice(0, eq)).trim();
      if (k === name) return eq < 0 ? '' : parts[i].slice(eq + 1);
    }
    return null;
  };
}

/** The path of a request target: after the authority of an absolute URI (none there: no path, as 2.6), up to '?'. */
function pathOf(u: string): string | null {
  const from = authorityLen(u);
  const q = u.indexOf('?', from);
  const end = q < 0 ? u.length : q;
  return end === from ? null : u.slice(from, end);
}

function liveArgFetch(fn: string, arg: string): Fetch | undefined {
  // fetches with an argument that read no request: date(<offset>), env(<name>), rand(<range>), uuid(4)
  if (fn === 'date') { const off = Number(arg); return Number.isInteger(off) ? () => Math.floor(Date.now() / 1000) + off : undefined; }
  if (fn === 'env') return () => process.env[arg] ?? null;
  if (fn === 'bin') {
    if (!/^(?:[0-9a-fA-F]{2})*$/.test(arg)) return undefined;
    const v = Buffer.from(arg, 'hex').toString('latin1');
    return () => v;
  }
  if (fn === 'rand') { const r = Number(arg); return Number.isInteger(r) && r > 0 ? () => Math.floor(Math.random() * r) : undefined; }
  if (fn === 'uuid') return arg === '4' ? () => nodeCrypto().randomUUID() : undefined;
  switch (fn) {
    case 'req.hdr': case 'hdr': return liveHeader(arg, false);
    case 'res.hdr': case 'shdr': return liveHeader(arg, false, true);
    case 'res.fhdr': return liveHeader(arg, true, true);
    case 'req.fhdr': return liveHeader(arg, true);
    case 'req.cook': case 'cook': {
      const get = liveHeader('cookie', true), find = liveQueryParam(arg, ';');
      return (s) => { const v = get(s); return typeof v === 'string' ? find(v) : null; };
    }
    case 'str': return () => arg;
    case 'int': return /^-?\d+$/.test(arg) ? () => Number(arg) : undefined;
    case 'var': return () => { const c = sampleLive.req; return c === null ? null : varGet(c.vars, arg.toLowerCase()); };
    case 'url_param': case 'urlp': {
      const find = liveQueryParam(arg, '&');
      return () => { const u = liveUri(); const q = u === null ? -1 : u.indexOf('?'); return q < 0 ? null : find((u as string).slice(q + 1)); };
    }
    default: return undefined;
  }
}

/** path/query/method/url/base/host from the live request when there is one, else `logged`. */
function preferLive(name: string, logged: Fetch | undefined): Fetch | undefined {
  const host = liveHeader('host', true);
  switch (name) {
    case 'url': return (s) => liveUri() ?? (s.uri === '' ? null : s.uri);
    case 'path': return (s) => { const u = liveUri(); return u === null ? logged!(s) : pathOf(u); };
    case 'query': return (s) => { const u = liveUri(); if (u === null) return logged!(s); const q = u.indexOf('?'); return q < 0 ? null : u.slice(q + 1); };
    case 'method': return (s) => { const c = sampleLive.req; return c !== null && c.buf !== null ? c.buf.toString('latin1', c.l0s, c.l0e) : logged!(s); };
    case 'base': return (s) => { const u = liveUri(); const hv = host(s); if (u === null || hv === null) return null; return hv + (pathOf(u) ?? ''); };
    default: return logged;
  }
}

/*
 * Sample types where 2.6 casts differently from Sluice's text values: an address (src, dst, ipmask's result) cast to
 * an integer is its 32-bit value and to binary its 4 bytes; a binary (digests, bytes) has no integer cast, so an
 * integer converter after it is refused at load ("converter 'x' cannot be applied"), and so is one after a method,
 * which casts only to text and binary.
 */
const ADDR_FETCHES = new Set(['src', 'dst']);
const INT_IN = new Set(['add', 'sub', 'mul', 'div', 'mod', 'and', 'or', 'xor', 'neg', 'not', 'odd', 'even', 'bool', 'cpl',
  'ltime', 'utime']);
const BIN_IN = new Set(['sdbm', 'djb2', 'wt6', 'crc32', 'crc32c', 'xxh32', 'sha1', 'sha2', 'md5', 'digest', 'hmac', 'base64',
  'ub64enc', 'hex', 'bytes', 'be2hex', 'be2dec']);
const BIN_OUT = new Set(['sha1', 'sha2', 'md5', 'digest', 'hmac', 'bytes', 'b64dec', 'ub64dec', 'unhex']);
/** Booleans have no address cast either. */
const BOOL_OUT = new Set(['not', 'odd', 'even', 'bool', 'http_first_req', 'ssl_fc']);

function ipToInt(v: string | number | null): string | number | null {
  if (typeof v !== 'string') return v;
  const p = v.split('.');
  if (p.length !== 4) return null;
  return ((Number(p[0]) << 24) >>> 0) + (Number(p[1]) << 16) + (Number(p[2]) << 8) + Number(p[3]);
}
function ipToBin(v: string | number | null): string | number | null {
  const n = ipToInt(v);
  return typeof n !== 'number' ? n : String.fromCharCode(n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255);
}

/**
 * Compiles `expr` (e.g. `capture.req.hdr(0),lower`); returns the function or an error message. `src` is the source text
 * from the expression's start to the end of what holds it (a log-format's rest after `%[`), which 2.6 quotes in some
 * argument errors; `expr` must be its start.
 */
export function compileLogSample(expr: string, src = expr): Fetch | string {
  const parts = splitTopLevel(expr);
  const head = parts[0].trim();
  let fetch: Fetch | undefined;
  const m = /^(capture\.(?:req|res)\.hdr)\((\d+)\)$/.exec(head);
  const live = /^([a-z_.]+)\(([^),]+)\)$/.exec(head);
  if (live !== null && m === null && (fetch = liveArgFetch(live[1], live[2].trim())) !== undefined) {
    // a live request fetch
  } else if (m !== null) {
    const idx = Number(m[2]);
    fetch = m[1] === 'capture.req.hdr' ? captureReq(idx) : captureRes(idx);
  } else {
    const name = head.endsWith('()') ? head.slice(0, -2) : head;
    fetch = preferLive(name, FETCHES.get(name));
  }
  for (let i = 0; fetch === undefined && i < argResolvers.length; i++) {
    const r = argResolvers[i](head);
    if (typeof r === 'string') return r;
    fetch = r;
  }
  if (fetch === undefined) fetch = lastResolver(head);
  if (fetch === undefined) {
    // 2.6.12's words: the name without its arguments, or the unclosed argument list
    const p = head.indexOf('(');
    const fname = p < 0 ? head : head.slice(0, p);
    if (p >= 0 && !head.endsWith(')') && typeof compileLogSample(head + ')') !== 'string') return "fetch method '" + fname + "' : expected ')'";
    return "unknown fetch method '" + fname + "'";
  }
  const convs: Conv[] = [];
  let type = ADDR_FETCHES.has(head) ? 'addr' : head.startsWith('bin(') ? 'bin' : BOOL_OUT.has(head) ? 'bool' :
    head === 'method' ? 'meth' : '';
  if (!src.startsWith(expr)) src = expr;
  let off = parts[0].length + 1;
  for (let i = 1; i < parts.length; i++) {
    const cname = parts[i].trim().replace(/\(.*$/, '');
    // the argument list as 2.6 reads it, from the source (up to its first ')')
    const paren = parts[i].indexOf('(');
    const argErr = convArgListError(cname, paren < 0 ? null : src.slice(off + paren + 1));
    off += parts[i].length + 1;
    if ((type === 'bin' || type === 'bool' || type === 'meth') && cname === 'ipmask') return "converter 'ipmask' cannot be applied";
    if (type === 'meth' && INT_IN.has(cname)) return "converter '" + cname + "' cannot be applied";
    if (type === 'addr' && INT_IN.has(cname)) convs.push(ipToInt);
    else if (type === 'addr' && BIN_IN.has(cname)) convs.push(ipToBin);
    else if (type === 'bin' && INT_IN.has(cname)) return "converter '" + cname + "' cannot be applied";
    type = cname === 'ipmask' ? 'addr' : BIN_OUT.has(cname) ? 'bin' : BOOL_OUT.has(cname) ? 'bool' : '';
    if (argErr !== '') return argErr;
    const c = compileConverter(parts[i].trim());
    if (c === undefined) return "unknown converter '" + parts[i].trim().replace(/\(.*$/, '') + "'";
    // 2.6's words for a converter whose arguments its check refused (the text of other argument errors differs)
    if (typeof c === 'string') return "invalid args in converter '" + cname + "' : " + c;
    convs.push(c);
  }
  if (convs.length === 0) return fetch;
  const f = fetch;
  return (s) => {
    let v = f(s);
    // a fetch or converter without a result ends the expression: no later converter runs (2.6)
    for (let i = 0; i < convs.length && v !== null; i++) v = convs[i](v);
    return v;
  };
}

/**
 * Splits on commas outside argument lists (a backslash escapes the next character): a fetch and its converters. An
 * argument list ends at its first ')' outside quotes, as 2.6 reads it: `regsub(a(b,c)` has the arguments `a(b` and `c`.
 */
export function splitTopLevel(expr: string): string[] {
  const out: string[] = [];
  let inArgs = false;
  let quote = '';
  let start = 0;
  for (let i = 0; i < expr.length; i++) {
    const c = expr[i];
    if (c === '\\') { i++; continue; }          // an escaped comma or parenthesis of a converter argument
    if (quote !== '') { if (c === quote) quote = ''; }
    else if (inArgs) { if (c === ')') inArgs = false; else if (c === '"' || c === '\'') quote = c; }
    else if (c === '(') inArgs = true;
    else if (c === ',') { out.push(expr.slice(start, i)); start = i + 1; }
  }
  out.push(expr.slice(start));
  return out;
}
