/*
 * Sample expressions used as stick-table keys (`track-sc0 <expr>`, `stick on <expr>`): src, dst_port, hdr/req.hdr
 * (last value), req.fhdr, path, url, base, method, url_param/urlp, req.cook/cook, str, with any converter of
 * log/converters.ts; any other expression falls back to the log-format sample compiler (log/sample.ts) run on
 * the live request. Compiled once at load into a function of the SampleCtx. Callers: stick/actions.ts,
 * stick/persist.ts. Hot path: the compiled function runs per tracked request (strings built only for the key).
 */
import type { SampleCtx } from '../acl/types.ts';
import type { StkKeyFn } from './types.ts';
import { compileLogSample, sampleLive, splitTopLevel } from '../log/sample.ts';
import { compileConverter, type Conv, type SampleValue } from '../log/converters.ts';
import { authorityLen } from '../log/fields.ts';
import { ipv6Parse } from '../net/proxy-protocol.ts';
import { hashRange } from '../lb/hash-fn.ts';
import { LB_HFN_SDBM } from '../lb/types.ts';
import { rdpCookieText } from '../tcp/rdp-cookie.ts';


/** The last value of header `name` (lowercase), `full` = whole line value, else its last comma-separated part. */
function header(ctx: SampleCtx, name: string, full: boolean): string | null {
  const b = ctx.buf;
  if (b === null) return null;
  const h = ctx.hdr;
  let vs = -1, ve = -1;
  for (let x = 0; x < ctx.nhdr * 4; x += 4) {
    const ns = h[x];
    if (ns < 0 || h[x + 1] - ns !== name.length || b.toString('latin1', ns, h[x + 1]) !== name) continue;
    vs = h[x + 2]; ve = h[x + 3];
  }
  if (vs < 0) return null;
  const v = b.toString('latin1', vs, ve);
  if (full) return v;
  const c = v.lastIndexOf(',');
  return c < 0 ? v : v.slice(c + 1).trim();
}

function uri(ctx: SampleCtx): string | null {
  return ctx.buf === null ? null : ctx.buf.toString('latin1', ctx.l1s, ctx.l1e);
}

function pathOf(u: string): string {
  const p = authorityLen(u);
  const q = u.indexOf('?', p);
  return q < 0 ? u.slice(p) : u.slice(p, q);
}

function param(list: string, sep: string, name: string): string | null {
  let i = 0;
  while (i <= list.length) {
    let e = list.indexOf(sep, i);
    if (e < 0) e = list.length;
    const eq = list.indexOf('=', i);
    const k = (eq < 0 || eq > e ? list.slice(i, e) : list.slice(i, eq)).trim();
    if (k === name) return eq < 0 || eq > e ? '' : list.slice(eq + 1, e);
    i = e + 1;
  }
  return null;
}

/** The value of cookie `name` in the last Set-Cookie header that sets it. */
function setCookie(ctx: SampleCtx, name: string): string | null {
  const b = ctx.buf;
  if (b === null) return null;
  const h = ctx.hdr;
  let out: string | null = null;
  for (let x = 0; x < ctx.nhdr * 4; x += 4) {
    const ns = h[x];
    if (ns < 0 || h[x + 1] - ns !== 10 || b.toString('latin1', ns, h[x + 1]) !== 'set-cookie') continue;
    const v = b.toString('latin1', h[x + 2], h[x + 3]);
    const eq = v.indexOf('=');
    if (eq < 0 || v.slice(0, eq).trim() !== name) continue;
    const semi = v.indexOf(';', eq);
    out = (semi < 0 ? v.slice(eq + 1) : v.slice(eq + 1, semi)).trim();
  }
  return out;
}

/** base32 of the request (host + path), -1 without a Host header. */
function base32(c: SampleCtx): number {
  const u = uri(c), h = header(c, 'host', true);
  if (u === null || h === null) return -1;
  const b = Buffer.from(h + pathOf(u), 'latin1');
  return hashRange(LB_HFN_SDBM, true, b, 0, b.length);
}

const v6g = new Uint16Array(8);

/** The 16 bytes of an IPv6 address as a latin1 string ('' when invalid), parsed by net/proxy-protocol.ts. */
function ip6Bytes(s: string): string {
  if (!ipv6Parse(s, v6g)) return '';
  let out = '';
  for (let i = 0; i < 8; i++) out += String.fromCharCode(v6g[i] >> 8, v6g[i] & 255);
  return out;
}

function baseFetch(name: string, arg: string): StkKeyFn | null {
  switch (name) {
    case 'src': return (c) => c.srcIp === '' ? null : c.srcIp;
    case 'dst_port': return (c) => (c.dstPort === undefined ? null : String(c.dstPort));
    case 'hdr': case 'req.hdr': { const n = arg.toLowerCase(); return (c) => header(c, n, false); }
    case 'req.fhdr': { const n = arg.toLowerCase(); return (c) => header(c, n, true); }
    case 'url': return uri;
    case 'path': return (c) => { const u = uri(c); return u === null ? null : pathOf(u); };
    case 'method': return (c) => (c.buf === null ? null : c.buf.toString('latin1', c.l0s, c.l0e));
    case 'base': return (c) => {
      const u = uri(c), h = header(c, 'host', true);
      return u === null || h === null ? null : h + pathOf(u);
    };
    // base32: sdbm hash of base with the avalanche mixer (2.6's value); base32+src: its 4 bytes then the address's
    case 'base32': return (c) => { const h = base32(c); return h < 0 ? null : String(h); };
    case 'base32+src': return (c) => {
      const h = base32(c);
      if (h < 0 || c.srcIp === '') return null;
      const hb = String.fromCharCode(h >>> 24, (h >>> 16) & 255, (h >>> 8) & 255, h & 255);
      if (c.srcIp4 >= 0) { const a = c.srcIp4; return hb + String.fromCharCode(a >>> 24, (a >>> 16) & 255, (a >>> 8) & 255, a & 255); }
      return hb + ip6Bytes(c.srcIp);
    };
    case 'url_param': case 'urlp': return (c) => {
      const u = uri(c);
      const q = u === null ? -1 : u.indexOf('?');
      return q < 0 ? null : param((u as string).slice(q + 1), '&', arg);
    };
    case 'req.cook': case 'cook': return (c) => { const v = header(c, 'cookie', true); return v === null ? null : param(v, ';', arg); };
    // on a response head (stick store-response): its headers are the context's
    case 'res.hdr': case 'shdr': { const n = arg.toLowerCase(); return (c) => header(c, n, false); }
    case 'res.cook': case 'scook': return (c) => setCookie(c, arg);
    case 'str': return () => arg;
    case 'req.rdp_cookie': case 'rdp_cookie': { const n = arg.toLowerCase(); return (c) => rdpCookieText(c.l4Data, n); }
    default: return null;
  }
}

/**
 * The key fetches the log-format sample compiler lacks (base32, base32+src), for rule values and set-var
 * expressions on the live request (`http-request set-var(req.r) base32+src,table_http_req_rate()`): registered
 * through log/sample.ts registerLogArgFetches by stick/register.ts. undefined for any other head.
 */
export function stkKeyLogFetch(head: string): ((s: unknown) => string | number | null) | undefined {
  if (head === 'base32' || head === 'base32()') return () => { const c = sampleLive.req; const h = c === null ? -1 : base32(c); return h < 0 ? null : h; };
  if (head !== 'base32+src' && head !== 'base32+src()') return undefined;
  const fn = baseFetch('base32+src', '')!;
  return () => { const c = sampleLive.req; return c === null ? null : fn(c); };
}

/** Compiles a key expression; returns the function or an error text (2.6's words where they matter). */
export function compileStkKey(expr: string): StkKeyFn | string {
  const parts = splitTopLevel(expr);
  const head = parts[0].trim();
  const m = /^([a-z0-9_.+]+)(?:\((.*)\))?$/.exec(head);
  let fetch: StkKeyFn | null = m === null ? null : baseFetch(m[1], (m[2] ?? '').trim());
  const convs: Conv[] = [];
  let badConv = '';
  if (fetch !== null) {
    for (let i = 1; i < parts.length; i++) {
      const c = compileConverter(parts[i].trim());
      if (c === undefined || typeof c === 'string') { badConv = parts[i].trim(); fetch = null; break; }
      convs.push(c);
    }
  }
  if (fetch === null) {
    // anything else the log-format sample compiler knows, evaluated on the live request
    const f = compileLogSample(expr);
    if (typeof f === 'string') {
      // a known fetch followed by a converter nobody knows: name the converter, as 2.6 does (not the fetch)
      if (badConv !== '' && compileConverter(badConv) === undefined) {
        const p = badConv.indexOf('(');
        return `unknown converter '${p < 0 ? badConv : badConv.slice(0, p)}'`;
      }
      const p = head.indexOf('(');
      return `unknown fetch method '${p < 0 ? head : head.slice(0, p)}'`;
    }
    return (c) => {
      if (c.log === undefined) return null;
      const prev = sampleLive.req;
      sampleLive.req = c;
      const v = f(c.log);
      sampleLive.req = prev;
      return v === null ? null : String(v);
    };
  }
  if (convs.length === 0) return fetch;
  const f0 = fetch;
  return (c) => {
    let v: SampleValue = f0(c);
    for (let i = 0; i < convs.length && v !== null; i++) v = convs[i](v);
    return v === null ? null : String(v);
  };
}
