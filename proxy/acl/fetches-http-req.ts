/*
 * HTTP request fetches as sample values on the live request (log/sample.ts sampleLive.req), for set-var, rule
 * values, `%[...]` and ACLs (acl/compile.ts takes any fetch log/sample.ts knows): cookies (req.cook, cook_cnt,
 * cook_val), header variants (fhdr_cnt, hdr_ip, hdr_val, hdr_names, hdrs, hdrs_bin), URL parts (pathq, baseq,
 * url_port, url_ip, url32, urlp_val, url_param without a name), Authorization (http_auth_type/user/pass/bearer),
 * req.proto_http and the meth() constant. Registered by proxy/modules.ts (registerLogArgFetches). Hot path: per
 * evaluation of such a sample (strings built per call).
 */
import { isIP } from 'node:net';
import type { SampleCtx } from './types.ts';
import { sampleLive } from '../log/sample.ts';
import { authorityLen } from '../log/fields.ts';
import { hashRange } from '../lb/hash-fn.ts';
import { LB_HFN_SDBM } from '../lb/types.ts';
import { valInt } from './matchers.ts';

type Value = string | number | null;
type Fetch = (s: unknown) => Value;

/** Names of the fetches below that give integers or booleans (ACLs match them as such when used bare). */
export const HTTP_REQ_INT_FETCHES: readonly string[] = ['req.cook_cnt', 'cook_cnt', 'req.cook_val', 'cook_val',
  'req.fhdr_cnt', 'fhdr_cnt', 'req.hdr_val', 'hdr_val', 'url_port', 'url32', 'urlp_val'];
export const HTTP_REQ_BOOL_FETCHES: readonly string[] = ['req.proto_http', 'req_proto_http'];

/** Every value of header `name` ('' = all headers), whole lines or split at commas (outside quotes). */
function headerValues(c: SampleCtx, name: string, split: boolean): string[] {
  const out: string[] = [];
  const b = c.buf;
  if (b === null) return out;
  const h = c.hdr;
  for (let x = 0; x < c.nhdr * 4; x += 4) {
    if (h[x] < 0) continue;
    if (name !== '' && b.toString('latin1', h[x], h[x + 1]) !== name) continue;
    const v = b.toString('latin1', h[x + 2], h[x + 3]);
    if (!split) { out.push(v); continue; }
    let q = false, from = 0;
    for (let i = 0; i <= v.length; i++) {
      const ch = i < v.length ? v.charCodeAt(i) : 44;
      if (ch === 34) q = !q;
      else if (ch === 44 && !q) { out.push(v.slice(from, i).trim()); from = i + 1; }
    }
  }
  return out;
}

/** The occurrence `occ` (1 = first, -1 = last, 0 = last as 2.6's default) of `vals`. */
function occurrence(vals: readonly string[], occ: number): string | null {
  if (vals.length === 0) return null;
  const i = occ > 0 ? occ - 1 : occ < 0 ? vals.length + occ : vals.length - 1;
  return i >= 0 && i < vals.length ? vals[i] : null;
}

/** The cookies of the request's Cookie headers, in order, as [name, value]. */
function cookies(c: SampleCtx): [string, string][] {
  const out: [string, string][] = [];
  for (const line of headerValues(c, 'cookie', false)) {
    for (const part of line.split(';')) {
      const eq = part.indexOf('=');
      if (eq < 0) continue;
      out.push([part.slice(0, eq).trim(), part.slice(eq + 1).trim()]);
    }
  }
  return out;
}

function uri(c: SampleCtx): string | null {
  return c.buf === null || c.l1e <= c.l1s ? null : c.buf.toString('latin1', c.l1s, c.l1e);
}

/** A value as 2.6.12's hdr_val/cook_val/urlp_val read it (acl/matchers.ts valInt). */
function intOf(v: string | null): number | null {
  if (v === null) return null;
  const b = Buffer.from(v, 'latin1');
  return valInt(b, 0, b.length);
}

/** `Authorization: <scheme> <credentials>` of the request, or null. */
function authorization(c: SampleCtx, hdr = 'authorization'): [string, string] | null {
  const v = occurrence(headerValues(c, hdr, false), 1);
  if (v === null) return null;
  const sp = v.indexOf(' ');
  return sp < 0 ? [v, ''] : [v.slice(0, sp), v.slice(sp + 1).trim()];
}

function basicCreds(c: SampleCtx): [string, string] | null {
  const a = authorization(c);
  if (a === null || a[0].toLowerCase() !== 'basic') return null;
  const t = Buffer.from(a[1], 'base64').toString('latin1');
  const colon = t.indexOf(':');
  return colon < 0 ? null : [t.slice(0, colon), t.slice(colon + 1)];
}

/** The query parameters of the request's URI as [name, value], in order. */
function queryParams(c: SampleCtx, delim: string): [string, string][] {
  const u = uri(c);
  const q = u === null ? -1 : u.indexOf('?');
  if (u === null || q < 0) return [];
  return u.slice(q + 1).split(delim).map((p): [string, string] => {
    const eq = p.indexOf('=');
    return eq < 0 ? [p, ''] : [p.slice(0, eq), p.slice(eq + 1)];
  });
}

/** The binary header block of req.hdrs_bin: <varint name len><name><varint value len><value>..., then two zeros. */
function varint(n: number): string {
  if (n < 240) return String.fromCharCode(n);
  let s = String.fromCharCode(240 | (n & 15));
  n = (n - 240) >> 4;
  while (n >= 128) { s += String.fromCharCode(128 | (n & 127)); n = (n - 128) >> 7; }
  return s + String.fromCharCode(n);
}

const live = (): SampleCtx | null => sampleLive.req;

function args(inner: string): string[] { return inner === '' ? [] : inner.split(',').map((a) => a.trim()); }

/** `head` (`req.cook_cnt(sid)`, `pathq`) as a log/sample.ts fetch, or undefined for other fetches. */
export function httpReqLogFetch(head: string): Fetch | undefined {
  const open = head.indexOf('(');
  if (open >= 0 && !head.endsWith(')')) return undefined;
  const name = open < 0 ? head : head.slice(0, open);
  const a = args(open < 0 ? '' : head.slice(open + 1, -1).trim());
  const hname = (a[0] ?? '').toLowerCase();
  const occ = a[1] === undefined ? 0 : Number(a[1]);
  if (!Number.isInteger(occ)) return undefined;
  const withCtx = (fn: (c: SampleCtx) => Value): Fetch => () => { const c = live(); return c === null ? null : fn(c); };
  switch (name) {
    case 'req.cook': case 'cook': case 'cookie': {
      const n = a[0] ?? '';
      return withCtx((c) => {
        const all = cookies(c);
        if (n === '') return all.length === 0 ? null : all[0][1];
        let v: string | null = null;
        for (const [k, val] of all) if (k === n) v = val;
        return v;
      });
    }
    case 'req.cook_cnt': case 'cook_cnt': {
      const n = a[0] ?? '';
      return withCtx((c) => cookies(c).filter(([k]) => n === '' || k === n).length);
    }
    case 'req.cook_val': case 'cook_val': {
      const n = a[0] ?? '';
      return withCtx((c) => {
        let v: string | null = null;
        for (const [k, val] of cookies(c)) if (n === '' || k === n) { v = val; if (n === '') break; }
        return intOf(v);
      });
    }
    case 'req.fhdr_cnt': case 'fhdr_cnt': return withCtx((c) => headerValues(c, hname, false).length);
    case 'req.hdr_ip': case 'hdr_ip': return withCtx((c) => {
      let v = occurrence(headerValues(c, hname, true), occ);
      if (v === null) return null;
      // an IPv4 address may carry a port (x-forwarded-for: a.b.c.d:port), as 2.6 accepts
      const colon = v.indexOf(':');
      if (colon > 0 && v.indexOf(':', colon + 1) < 0) v = v.slice(0, colon);
      return isIP(v) !== 0 ? v : null;
    });
    case 'req.hdr_val': case 'hdr_val': return withCtx((c) => intOf(occurrence(headerValues(c, hname, true), occ)));
    case 'req.hdr_names': {
      const delim = a[0] ?? ',';
      return withCtx((c) => {
        const b = c.buf;
        if (b === null) return null;
        const names: string[] = [];
        for (let x = 0; x < c.nhdr * 4; x += 4) if (c.hdr[x] >= 0) names.push(b.toString('latin1', c.hdr[x], c.hdr[x + 1]));
        return names.join(delim);
      });
    }
    case 'req.hdrs': case 'req.hdrs_bin': {
      const bin = name === 'req.hdrs_bin';
      if (a.length > 0) return undefined;
      return withCtx((c) => {
        const b = c.buf;
        if (b === null) return null;
        let out = '';
        for (let x = 0; x < c.nhdr * 4; x += 4) {
          if (c.hdr[x] < 0) continue;
          const n = b.toString('latin1', c.hdr[x], c.hdr[x + 1]), v = b.toString('latin1', c.hdr[x + 2], c.hdr[x + 3]);
          out += bin ? varint(n.length) + n + varint(v.length) + v : n + ': ' + v + '\r\n';
        }
        return bin ? out + '\0\0' : out + '\r\n';
      });
    }
    case 'pathq': return withCtx((c) => {
      const u = uri(c);
      if (u === null) return null;
      const from = authorityLen(u);
      return from >= u.length ? null : u.slice(from);
    });
    case 'baseq': return withCtx((c) => {
      const u = uri(c), h = occurrence(headerValues(c, 'host', false), 1);
      if (u === null || h === null) return null;
      return h + u.slice(authorityLen(u));
    });
    case 'url_port': return withCtx((c) => {
      const u = uri(c);
      if (u === null) return null;
      if (authorityLen(u) === 0) return null;           // 2.6: nothing for an origin-form target
      const auth = u.slice(u.indexOf('://') + 3, authorityLen(u));
      const m = /:(\d+)$/.exec(auth);
      return m === null ? 80 : Number(m[1]);
    });
    case 'url_ip': return withCtx((c) => {
      const u = uri(c);
      if (u === null || authorityLen(u) === 0) return null;
      const host = u.slice(u.indexOf('://') + 3, authorityLen(u)).replace(/:\d+$/, '');
      return isIP(host) === 4 ? host : null;
    });
    case 'url32': return withCtx((c) => {
      const u = uri(c), h = occurrence(headerValues(c, 'host', false), 1);
      if (u === null || h === null) return null;
      const b = Buffer.from(h + u.slice(authorityLen(u)), 'latin1');     // an absolute URI: its path and query (2.6.12)
      return hashRange(LB_HFN_SDBM, true, b, 0, b.length);
    });
    case 'url_param': case 'urlp': case 'urlp_val': {
      if (name !== 'urlp_val' && a[0] !== undefined && a[0] !== '') return undefined;   // log/sample.ts has the named form
      const n = a[0] ?? '', delim = a[1] !== undefined && a[1] !== '' ? a[1] : '&';
      return withCtx((c) => {
        for (const [k, v] of queryParams(c, delim)) if (n === '' || k === n) return name === 'urlp_val' ? intOf(v) : v;
        return null;
      });
    }
    case 'http_auth_type': return withCtx((c) => {
      const au = authorization(c);
      if (au === null) return null;
      const t = au[0].toLowerCase();
      return t === 'basic' ? 'Basic' : t === 'digest' ? 'Digest' : t === 'bearer' ? 'Bearer' : null;
    });
    case 'http_auth_user': return withCtx((c) => basicCreds(c)?.[0] ?? null);
    case 'http_auth_pass': return withCtx((c) => basicCreds(c)?.[1] ?? null);
    case 'http_auth_bearer': {
      const h = hname === '' ? 'authorization' : hname;
      return withCtx((c) => {
        const au = authorization(c, h);
        return au === null || au[0].toLowerCase() !== 'bearer' || au[1] === '' ? null : au[1];
      });
    }
    case 'req.proto_http': case 'req_proto_http': return withCtx((c) => (c.buf !== null && c.l2e > c.l2s ? 1 : 0));
    case 'meth': {
      const m = a[0] ?? '';
      return /^[A-Za-z!#$%&'*+.^_`|~0-9-]+$/.test(m) ? () => m : undefined;
    }
    default: return undefined;
  }
}
