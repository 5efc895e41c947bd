/*
 * What HAProxy 2.6's cache reads in the headers (checked against haproxy 2.6.12, fixtures/cache): request
 * cacheability (Authorization, Cache-Control no-cache/max-age/max-stale/min-fresh/no-store, Pragma: no-cache without
 * Cache-Control), response cacheability (Pragma, Cache-Control public/private/no-cache/no-store/max-age=0/s-maxage=0,
 * no-cache="set-cookie", freshness or a validator required), the effective max-age (s-maxage, max-age, Expires, the
 * cache's max-age), Vary (accept-encoding and referer only), the Accept-Encoding / Content-Encoding bitmaps, and the
 * HTTP dates. Pure functions over a head Buffer and its header index; header values are split on commas like 2.6's
 * http_find_header. Callers: cache/actions.ts. Hot path: no (only for requests through cache-use).
 */
import { H1_HDR_STRIDE } from '../http/types.ts';
import {
  ENC_GZIP, ENC_DEFLATE, ENC_BR, ENC_COMPRESS, ENC_AES128GCM, ENC_EXI, ENC_PACK200_GZIP, ENC_ZSTD, ENC_IDENTITY,
  ENC_STAR, ENC_OTHER, VARY_ACCEPT_ENCODING, VARY_REFERER,
} from './types.ts';

/** A head: buffer, header index (name start < 0 = removed), count. */
export interface HeadView { readonly buf: Buffer | null; readonly hdr: Int32Array; readonly nhdr: number }

/** The values of header `name` (lowercase): whole values when `full`, else comma-separated elements, trimmed. */
export function headerValues(v: HeadView, name: string, full: boolean): string[] {
  const out: string[] = [];
  const b = v.buf;
  if (b === null) return out;
  const h = v.hdr;
  for (let x = 0; x < v.nhdr * H1_HDR_STRIDE; x += H1_HDR_STRIDE) {
    if (h[x] < 0 || h[x + 1] - h[x] !== name.length || b.toString('latin1', h[x], h[x + 1]) !== name) continue;
    const val = b.toString('latin1', h[x + 2], h[x + 3]);
    if (full) { out.push(val.trim()); continue; }
    let start = 0, q = false;
    for (let i = 0; i <= val.length; i++) {
      const c = i < val.length ? val.charCodeAt(i) : 44;
      if (c === 34) q = !q;
      else if (c === 44 && (!q || i === val.length)) { out.push(val.slice(start, i).trim()); start = i + 1; }
    }
  }
  return out;
}

/** Flags of the request side, 2.6's TX_CACHE_IGNORE / TX_CACHEABLE / TX_CACHE_COOK. */
export interface ReqCacheFlags { ignore: boolean; cacheable: boolean; cook: boolean }

const startsI = (s: string, p: string): boolean => s.length >= p.length && s.slice(0, p.length).toLowerCase() === p;

/** Updates `f` from the request head, as 2.6's http_check_request_for_cacheability. */
export function requestCacheability(v: HeadView, f: ReqCacheFlags): void {
  if (f.ignore && !f.cacheable) return;
  let pragma = false;
  const p = headerValues(v, 'pragma', true);
  if (p.length > 0 && p[0].toLowerCase() === 'no-cache') pragma = true;
  if (headerValues(v, 'authorization', true).length > 0) { f.cacheable = false; f.cook = false; f.ignore = true; }
  const cc = headerValues(v, 'cache-control', false);
  for (const c of cc) {
    if (startsI(c, 'max-age') || startsI(c, 'no-cache') || startsI(c, 'max-stale') || startsI(c, 'min-fresh')) { f.ignore = true; continue; }
    if (startsI(c, 'no-store')) { f.cacheable = false; f.cook = false; }
  }
  if (cc.length === 0 && pragma) f.ignore = true;
}

/** Updates `f` from a final response head, as 2.6's http_check_response_for_cacheability. */
export function responseCacheability(v: HeadView, status: number, f: ReqCacheFlags): void {
  if (status < 200) { f.cacheable = false; f.cook = false; return; }
  const p = headerValues(v, 'pragma', true);
  if (p.length > 0 && p[0].toLowerCase() === 'no-cache') { f.cacheable = false; f.cook = false; return; }
  let fresh = false;
  for (const c0 of headerValues(v, 'cache-control', false)) {
    const c = c0.toLowerCase();
    if (c === 'public') { f.cacheable = true; f.cook = true; continue; }
    if (c === 'private' || c === 'no-cache' || c === 'no-store' || c === 'max-age=0' || c === 's-maxage=0') {
      f.cacheable = false; f.cook = false; continue;
    }
    if (c.startsWith('no-cache="set-cookie')) { f.cook = false; continue; }
    if (c.startsWith('s-maxage') || c.startsWith('max-age')) fresh = true;
  }
  if (!fresh) fresh = headerValues(v, 'expires', false).length > 0;
  if (!fresh && headerValues(v, 'etag', false).length === 0 && headerValues(v, 'last-modified', false).length === 0) f.cacheable = false;
}

/** The value after "word=" when `c` starts with word (any case) then '=', else null. */
function directiveValue(c: string, word: string): string | null {
  if (!startsI(c, word) || c.charCodeAt(word.length) !== 61) return null;
  return c.slice(word.length + 1);
}

/** strtol of a directive value (an optional quote first): the number, or null when no digit starts it. */
function dirNumber(v: string): number | null {
  const m = /^"?\s*([+-]?[0-9]+)/.exec(v);
  return m === null ? null : Number(m[1]);
}

/**
 * 2.6's http_calc_maxage: [effective, true] max-age in seconds; effective is capped by the cache's `maxAge`, -1 for a
 * negative or empty directive (never served). `now` in seconds.
 */
export function calcMaxAge(v: HeadView, maxAge: number, now: number): [number, number] {
  let smaxage = -1, maxage = -1, expires = -1;
  for (const c of headerValues(v, 'cache-control', false)) {
    const s = directiveValue(c, 's-maxage');
    if (s !== null) { const n = dirNumber(s); if (n === null || n < 0) return [-1, 0]; smaxage = n; }
    const m = directiveValue(c, 'max-age');
    if (m !== null) { const n = dirNumber(m); if (n === null || n < 0) return [-1, 0]; maxage = n; }
  }
  if (maxage === -1 && smaxage === -1) {
    const e = headerValues(v, 'expires', true);
    if (e.length > 0) {
      const t = parseHttpDate(e[0]);
      expires = t < 0 ? 0 : t >= now ? t - now : 0;
    }
  }
  if (smaxage > 0) return [Math.min(smaxage, maxAge), smaxage];
  if (maxage > 0) return [Math.min(maxage, maxAge), maxage];
  if (expires >= 0) return [Math.min(expires, maxAge), expires];
  return [maxAge, 0];
}

/**
 * The Vary signature of a response (VARY_*), or -1 when it names a header 2.6's cache cannot vary on.
 */
export function varySignature(v: HeadView): number {
  let sig = 0;
  for (const t of headerValues(v, 'vary', false)) {
    const l = t.toLowerCase();
    if (l === 'accept-encoding') sig |= VARY_ACCEPT_ENCODING;
    else if (l === 'referer') sig |= VARY_REFERER;
    else return -1;
  }
  return sig;
}

const ENCODINGS: readonly [string, number][] = [
  ['aes128gcm', ENC_AES128GCM], ['br', ENC_BR], ['compress', ENC_COMPRESS], ['deflate', ENC_DEFLATE], ['exi', ENC_EXI],
  ['gzip', ENC_GZIP], ['identity', ENC_IDENTITY], ['pack200-gzip', ENC_PACK200_GZIP], ['x-gzip', ENC_GZIP],
  ['x-compress', ENC_COMPRESS], ['zstd', ENC_ZSTD],
];

/** One coding (lowercase) with its optional weight: [bit, rejected (q=0)], or null when unknown. */
function parseEncoding(e: string): [number, boolean] | null {
  if (e.length === 0) return null;
  let bit = 0, rest = '';
  if (e.charCodeAt(0) === 42) { bit = ENC_STAR; rest = e.slice(1); }
  else {
    for (const [n, b] of ENCODINGS) if (e.startsWith(n)) { bit = b; rest = e.slice(n.length); break; }
  }
  if (bit === 0) return null;
  rest = rest.replace(/^[ \t]+/, '');
  if (rest.length === 0) return [bit, false];
  if (rest.charCodeAt(0) !== 59) return null;
  return [bit, rest.slice(1).replace(/^[ \t]+/, '') === 'q=0'];
}

/** The request's Accept-Encoding bitmap as 2.6 builds it, or -1 when it has 16 elements or more (not usable). */
export function acceptEncodingBits(v: HeadView): number {
  let bits = ENC_IDENTITY, reject = 0xffffffff;
  const vals = headerValues(v, 'accept-encoding', false);
  let count = 0;
  for (const e of vals) {
    if (count >= 16) break;
    count++;
    if (e.length === 0) continue;
    const r = parseEncoding(e.toLowerCase());
    if (r === null) bits |= ENC_OTHER;
    else if (r[1]) reject &= ~r[0];
    else bits |= r[0];
  }
  if ((bits & ENC_STAR) !== 0) bits = 0xffffffff;
  bits = (bits & reject) >>> 0;
  if (count === 0) bits = 0xffffffff;
  if (count === 16) return -1;
  return bits;
}

/** The response's Content-Encoding bitmap (identity when none), or -1 for an unknown coding (not stored). */
export function contentEncodingBits(v: HeadView): number {
  let bits = 0;
  for (const e of headerValues(v, 'content-encoding', false)) {
    const r = parseEncoding(e);
    if (r === null) return -1;
    bits |= r[0];
  }
  return bits === 0 ? ENC_IDENTITY : bits;
}

/** FNV-1a of the first Referer value (0 when absent: 2.6 fills the key part with zeros). */
export function refererHash(v: HeadView): number {
  const r = headerValues(v, 'referer', true);
  if (r.length === 0) return 0;
  let h = 0x811c9dc5;
  const s = r[0];
  for (let i = 0; i < s.length; i++) { h ^= s.charCodeAt(i); h = Math.imul(h, 0x01000193); }
  return (h >>> 0) || 1;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** An HTTP date (IMF-fixdate, RFC 850 or asctime) in seconds since the epoch, -1 when it does not parse. */
export function parseHttpDate(s: string): number {
  let m = /^[A-Za-z]{3}, (\d{2}) ([A-Za-z]{3}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/.exec(s);
  let d: number, mon: string, y: number, hh: number, mi: number, ss: number;
  if (m !== null) { d = +m[1]; mon = m[2]; y = +m[3]; hh = +m[4]; mi = +m[5]; ss = +m[6]; }
  else if ((m = /^[A-Za-z]+, (\d{2})-([A-Za-z]{3})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) GMT$/.exec(s)) !== null) {
    d = +m[1]; mon = m[2]; y = +m[3]; y += y < 70 ? 2000 : 1900; hh = +m[4]; mi = +m[5]; ss = +m[6];
  } else if ((m = /^[A-Za-z]{3} ([A-Za-z]{3}) ([ \d]\d) (\d{2}):(\d{2}):(\d{2}) (\d{4})$/.exec(s)) !== null) {
    mon = m[1]; d = +m[2].trim(); hh = +m[3]; mi = +m[4]; ss = +m[5]; y = +m[6];
  } else return -1;
  const mo = MONTHS.indexOf(mon.toLowerCase());
  if (mo < 0 || d < 1 || d > 31 || hh > 23 || mi > 59 || ss > 60) return -1;
  return Math.floor(Date.UTC(y, mo, d, hh, mi, ss) / 1000);
}

/** 2.6's weak ETag comparison (W/ prefixes ignored); both sides as they appear in the headers. */
export function etagsMatch(a: string, b: string): boolean {
  const strip = (e: string): string => (e.startsWith('W/') ? e.slice(2) : e);
  const x = strip(a), y = strip(b);
  return x.length > 1 && x.charCodeAt(0) === 34 && x === y;
}
