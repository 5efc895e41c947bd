/*
 * `http-request cache-use <name>` and `http-response cache-store <name>` as HAProxy 2.6 runs them (checked against
 * haproxy 2.6.12, fixtures/cache). cache-use: HTTP/1.1 GET/HEAD requests not bypassed by their headers are looked up
 * by "https://" + Host + URI (counted in cache_lookups / cache_hits of the rule's proxy); a hit is left in
 * the stream's `cacheHit` for http/stream.ts to serve (cache/serve.ts). cache-store: a 200 to an HTTP/1.1 GET that
 * had a key, cacheable by its headers, within max-object-size, starts a CacheStoreState; the stream feeds it the body
 * (cacheBody) and commits it at the end of the transaction (cacheCommit). A successful unsafe method drops the
 * entry. The entry's head is the response as the rules before cache-store left it, without Age (removed from the
 * response too). Callers: http/keywords.ts (registered actions), http/stream.ts (cacheBody, cacheCommit). Hot path:
 * no (only for streams whose rules use the cache).
 */
import { nodeCrypto } from '../lazy-builtins.ts';
import type { KwCtx } from '../config/types.ts';
import type { Proxy } from '../model/types.ts';
import type { SampleCtx } from '../acl/types.ts';
import type { HttpActionKw } from '../http/keywords.ts';
import type { HttpCustomAction } from '../http/types.ts';
import type { H1Msg } from '../http/h1-parser.ts';
import type { CacheCfg, CacheEntry, CacheTxn, CacheStoreState } from './types.ts';
import {
  CACHE_BLOCKSIZE, CACHE_ENTRY_HDR, CACHE_ENTRY_MAX_AGE, CACHE_BODY_LEN, CACHE_BODY_CHUNKED, CACHE_BODY_CLOSE,
  VARY_ACCEPT_ENCODING, VARY_REFERER,
} from './types.ts';
import { H1_HDR_STRIDE, H1_MF_VER_11, H1_MF_CLEN, H1_MF_CHNK, H1_MF_TE_OTHER } from '../http/types.ts';
import { PR_CAP_DEF } from '../config/types.ts';
import { h1HeadOut } from '../http/head-out.ts';
import { htxHeadSize } from '../http/htx-size.ts';
import { capName } from '../config/sections.ts';
import { cachesOf } from './section.ts';
import { implyCacheFilter } from './filter.ts';
import {
  requestCacheability, responseCacheability, calcMaxAge, varySignature, acceptEncodingBits, contentEncodingBits,
  refererHash, headerValues, parseHttpDate,
} from './cacheability.ts';
import { cacheLookup, cacheFindSame, cacheDelete, cacheInsert, cacheBlocks } from './store.ts';

/** What the cache needs from an HTTP stream (http/stream.ts HttpSession). */
export interface CacheOwner {
  readonly fe: Proxy;
  readonly req: H1Msg;
  readonly rsp: H1Msg;
  readonly txnCount: number;
  readonly ruleOut: { extra: string; statusLine: string | null };
  cache: CacheTxn | null;
  cacheHit: CacheEntry | null;
  cacheSt: CacheStoreState | null;
}

const nowSec = (): number => Math.floor(Date.now() / 1000);

/** A rule's cache, resolved by name once every section is parsed. */
interface CacheRef { name: string; cache: CacheCfg | null }

function newTxn(): CacheTxn {
  return { txn: -1, key: '', method: '', ver11: false, ignore: false, cacheable: true, cook: true, aeBits: 0, aeOk: false, refHash: 0 };
}

function reqView(ctx: SampleCtx): { buf: Buffer | null; hdr: Int32Array; nhdr: number } { return ctx; }

/** The first Host value of the request, null when absent. */
function hostOf(ctx: SampleCtx): string | null {
  const b = ctx.buf, h = ctx.hdr;
  if (b === null) return null;
  for (let x = 0; x < ctx.nhdr * H1_HDR_STRIDE; x += H1_HDR_STRIDE) {
    if (h[x] >= 0 && h[x + 1] - h[x] === 4 && b.toString('latin1', h[x], h[x + 1]) === 'host') return b.toString('latin1', h[x + 2], h[x + 3]).trim();
  }
  return null;
}

/** cache-use at request time: key, counters, lookup. */
function cacheUse(ref: CacheRef, px: Proxy, ctx: SampleCtx, own: CacheOwner): void {
  const c = ref.cache;
  const b = ctx.buf;
  if (c === null || b === null) return;
  const t = own.cache ?? (own.cache = newTxn());
  t.txn = own.txnCount;
  t.key = ''; t.aeOk = false; t.aeBits = 0; t.refHash = 0;
  t.method = b.toString('latin1', ctx.l0s, ctx.l0e);
  t.ver11 = (own.req.flags & H1_MF_VER_11) !== 0;
  t.ignore = !t.ver11 || (t.method !== 'GET' && t.method !== 'HEAD');
  t.cacheable = true; t.cook = true;
  requestCacheability(reqView(ctx), t);
  const uri = b.toString('latin1', ctx.l1s, ctx.l1e);
  if (uri.length === 0) return;
  let k: string;
  if (uri.charCodeAt(0) === 47 || uri === '*') {
    const host = hostOf(ctx);
    if (host === null) return;
    k = 'https://' + host + uri;
  } else k = uri;
  // 2.6 keys on SHA-1(k); the text itself is the Map key here (same entries, no digest per lookup: ~1.5 us), the
  // digest is made when an entry is stored, for `show cache`
  t.key = k;
  if (t.ignore) return;
  const fe = own.fe === px;
  if (fe) px.feCounters.cacheLookups++; else px.beCounters.cacheLookups++;
  const e = cacheLookup(c, t.key, nowSec(), (sig) => {
    const ae = (sig & VARY_ACCEPT_ENCODING) !== 0 ? acceptEncodingBits(reqView(ctx)) : 0;
    if (ae < 0) return null;
    return [ae, (sig & VARY_REFERER) !== 0 ? refererHash(reqView(ctx)) : 0];
  });
  if (e !== null) {
    own.cacheHit = e;
    if (fe) px.feCounters.cacheHits++; else px.beCounters.cacheHits++;
    return;
  }
  if (c.processVary) {
    const ae = acceptEncodingBits(reqView(ctx));
    t.aeOk = ae >= 0;
    t.aeBits = ae < 0 ? 0 : ae;
    t.refHash = refererHash(reqView(ctx));
  }
}

/** HTX size of the added header lines ("\r\nname: value" each): name plus value, as 2.6 counts headers. */
function extraHtx(extra: string): number {
  if (extra === '') return 0;
  let n = 0;
  for (const l of extra.split('\r\n')) { if (l === '') continue; const i = l.indexOf(': '); n += i < 0 ? l.length : l.length - 2; }
  return n;
}

/** cache-store at response time (after the rules before it). `px`: the proxy of the rule. */
function cacheStore(ref: CacheRef, px: Proxy, ctx: SampleCtx, own: CacheOwner): void {
  const c = ref.cache;
  const t = own.cache;
  const m = own.rsp;
  const buf = ctx.buf;
  if (c === null || t === null || t.txn !== own.txnCount || buf === null || own.cacheSt !== null) return;
  if (!t.ver11) return;
  const now = nowSec();
  const status = m.status;
  if (t.method !== 'GET') {
    // a successful unsafe method invalidates the stored object (RFC 7234 4.4, as 2.6)
    if (t.key !== '' && status >= 200 && status < 400 && !['OPTIONS', 'HEAD', 'TRACE'].includes(t.method)) {
      const old = c.entries.get(t.key);
      if (old !== undefined && old[0].expire > now) cacheDelete(c, old[0]);
    }
    return;
  }
  if (t.key === '' || status !== 200) return;
  const v = { buf, hdr: m.hdr, nhdr: m.nhdr };
  const f = m.flags;
  const clen = (f & H1_MF_CLEN) !== 0 && (f & H1_MF_CHNK) === 0;
  if (clen && c.maxObjSz > 0 && htxHeadSize(m) + m.bodyLen > c.maxObjSz) return;
  let sig = 0;
  if (c.processVary) {
    sig = varySignature(v);
    if (sig < 0) return;
    if (sig !== 0 && !t.aeOk) return;
  } else if (headerValues(v, 'vary', false).length > 0) return;
  const fl = { ignore: t.ignore, cacheable: t.cacheable, cook: t.cook };
  responseCacheability(v, status, fl);
  if (!fl.cacheable || !fl.cook) return;
  const aeKey = sig !== 0 ? contentEncodingBits(v) : 0;
  const refKey = (sig & VARY_REFERER) !== 0 ? t.refHash : 0;
  const pend = c.pending.get(t.key);
  // the entry replaced is the one this request would have been served (its accept-encoding, not the response's)
  const old = cacheFindSame(c, t.key, sig, t.aeBits, refKey);
  if (old !== null && old.expire > now && pend !== undefined && pend > now) return;
  if (old !== null) cacheDelete(c, old);
  const [eff, trueMax] = calcMaxAge(v, c.maxAge < 0 ? 0xffffffff : c.maxAge, now);
  let age = 0, ageGone = 0;
  const h = m.hdr;
  for (let x = 0; x < m.nhdr * H1_HDR_STRIDE; x += H1_HDR_STRIDE) {
    if (h[x] < 0 || h[x + 1] - h[x] !== 3 || buf.toString('latin1', h[x], h[x + 1]) !== 'age') continue;
    const a = buf.toString('latin1', h[x + 2], h[x + 3]).trim();
    if (!/^[0-9]+$/.test(a) || Number(a) <= 0) return;
    age = Math.min(Number(a), CACHE_ENTRY_MAX_AGE);
    if (age > trueMax) return;
    h[x] = -1;                              // dropped from the response and the stored copy (2.6 recomputes it)
    ageGone = 4;                            // 2.6 still stores the removed header's (empty) block
    break;
  }
  if (sig !== 0 && aeKey < 0) return;
  if (eff <= 0) return;                    // already stale: 2.6 keeps it without ever serving it
  const lm = headerValues(v, 'last-modified', true);
  let lastModified = lm.length > 0 ? parseHttpDate(lm[0]) : -1;
  if (lastModified <= 0) { const dt = headerValues(v, 'date', true); lastModified = dt.length > 0 ? parseHttpDate(dt[0]) : -1; }
  if (lastModified <= 0) lastModified = now;
  const et = headerValues(v, 'etag', true);
  const out = own.ruleOut;
  const sl = out.statusLine;
  const full = h1HeadOut(buf, m, sl === null ? null : Buffer.from(sl, 'latin1'), out.extra, null, null, 0, 0);
  // an exact Buffer: a slice of a pooled one would keep its whole 8 KB slab alive as long as the entry
  const head = Buffer.allocUnsafeSlow(full.length - 4);
  full.copy(head, 0, 0, full.length - 4);
  const framing = (f & H1_MF_CHNK) !== 0 && (f & H1_MF_TE_OTHER) === 0 ? CACHE_BODY_CHUNKED : clen ? CACHE_BODY_LEN : CACHE_BODY_CLOSE;
  let nh = 0;
  for (let x = 0; x < m.nhdr * H1_HDR_STRIDE; x += H1_HDR_STRIDE) if (h[x] >= 0) nh++;
  for (let i = out.extra.indexOf('\r\n'); i >= 0; i = out.extra.indexOf('\r\n', i + 2)) nh++;     // headers rules added
  const htxHead = htxHeadSize(m) + extraHtx(out.extra);
  const e: CacheEntry = {
    key: t.key, hash32: nodeCrypto().createHash('sha1').update(t.key, 'latin1').digest().readUInt32LE(0), sig, aeBits: sig !== 0 ? aeKey : 0, refHash: refKey, head, body: EMPTY, bodyLen: 0, framing,
    ver11: (f & H1_MF_VER_11) !== 0, htxHead,
    // 2.6's row: its entry header, then each HTX block with a 4-byte info (start line, headers, end of headers)
    // (the end of a chunked message is one more block of 1 byte)
    size: CACHE_ENTRY_HDR + htxHead + 4 * (nh + 2) + ageGone + (framing === CACHE_BODY_CHUNKED ? 5 : 0), blocks: 0, expire: now + eff, latestValidation: now, age,
    etag: et.length > 0 ? et[0] : '', lastModified, cache: c, prev: null, next: null, addr: 0,
  };
  if (c.pending.size >= 1024) for (const [k, until] of c.pending) if (until <= now) c.pending.delete(k);   // aborted stores
  c.pending.set(t.key, now + 2);
  // the frontend's compression filter runs before a backend's cache filter: a response it compresses is not stored
  const compFirst = px !== own.fe && own.fe.http.comp !== null;
  own.cacheSt = { cache: c, entry: e, parts: [], partsLen: 0, nparts: 0, tooBig: false, compFirst };
}

const EMPTY = Buffer.alloc(0);
/** About the payload of one HTX data block as 2.6 receives a large body (its buffer less the HTX overhead). */
const HTX_DATA_BLOCK = 15000;

/**
 * Body bytes buf[s, e) of the response being stored (decoded payload: no chunk framing). Copies them. `compressing`:
 * the stream compresses this response (dropped when the compression comes first, as 2.6).
 */
export function cacheBody(st: CacheStoreState, buf: Buffer, s: number, e: number, compressing = false): void {
  if (compressing && st.compFirst) st.tooBig = true;
  if (e <= s || st.tooBig) return;
  const n = e - s;
  st.nparts++;
  st.partsLen += n;
  const c = st.cache;
  if (c.maxObjSz > 0 && st.entry.size + st.partsLen + 4 * st.nparts > c.maxObjSz + CACHE_ENTRY_HDR) { st.tooBig = true; st.parts.length = 0; return; }
  st.parts.push(Buffer.from(buf.subarray(s, e)));
}

/** The response is complete: the entry goes into its cache (evicting older ones when full). */
export function cacheCommit(st: CacheStoreState): void {
  const c = st.cache;
  const e = st.entry;
  if (c.pending.get(e.key) !== undefined) c.pending.delete(e.key);
  if (st.tooBig) return;
  e.bodyLen = st.partsLen;
  // one exact Buffer for the body as it goes out (chunked: one chunk and the last one); the parts were copies
  const pre = e.framing !== CACHE_BODY_CHUNKED ? '' : st.partsLen === 0 ? '' : st.partsLen.toString(16) + '\r\n';
  const post = e.framing !== CACHE_BODY_CHUNKED ? '' : st.partsLen === 0 ? '0\r\n\r\n' : '\r\n0\r\n\r\n';
  const body = Buffer.allocUnsafeSlow(pre.length + st.partsLen + post.length);
  let o = body.write(pre, 0, 'latin1');
  for (const part of st.parts) o += part.copy(body, o);
  body.write(post, o, 'latin1');
  st.parts.length = 0;
  e.body = body;
  // 2.6 stores the payload as the HTX data blocks it received: at most about a buffer each
  const nblocks = Math.max(st.nparts, Math.ceil(st.partsLen / HTX_DATA_BLOCK));
  e.size += st.partsLen + 4 * nblocks;
  e.blocks = cacheBlocks(e.size);
  e.addr = c.addr + 0xc8 + (c.usedBlocks % c.maxBlocks) * CACHE_BLOCKSIZE;
  cacheInsert(c, e, nowSec());
}

function parseCacheAction(args: readonly string[], end: number, ctx: KwCtx, isReq: boolean): HttpCustomAction | null {
  const px = ctx.proxy;
  if (px === null) return null;
  const act = args[1];
  const name = args[2] ?? '';
  if (name === '' || name === 'if' || name === 'unless') {
    ctx.alert(`error detected in ${capName(px.cap)} '${px.name}' while parsing '${args[0]} ${act}' rule : expects a cache name.`);
    return null;
  }
  if (end > 3) {
    ctx.alertRaw(`parsing [${ctx.file}:${ctx.line}]: '${args[0]} ${act}' expects either 'if' or 'unless' followed by a condition but found '${args[3]}'.`);
    return null;
  }
  const ref: CacheRef = { name, cache: null };
  if ((px.cap & PR_CAP_DEF) === 0) implyCacheFilter(px, name, ctx);
  const g = ctx.global;
  ctx.postParse(() => { ref.cache = cachesOf(g).get(name) ?? null; });
  if (isReq) return { run(c, sess) { cacheUse(ref, px, c, sess as unknown as CacheOwner); } };
  return { run(c, sess) { cacheStore(ref, px, c, sess as unknown as CacheOwner); } };
}

export const cacheUseAction: HttpActionKw = {
  prefix: 'cache-use', req: true, res: false,
  parse(args, end, ctx, isReq) { return args[1] === 'cache-use' ? parseCacheAction(args, end, ctx, isReq) : null; },
};

export const cacheStoreAction: HttpActionKw = {
  prefix: 'cache-store', req: false, res: true,
  parse(args, end, ctx, isReq) { return args[1] === 'cache-store' ? parseCacheAction(args, end, ctx, isReq) : null; },
};

