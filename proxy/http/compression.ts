/*
 * HTTP response compression as HAProxy 2.6 (`compression algo gzip|deflate|raw-deflate|identity`, `compression type
 * <mime>...`, `compression offload`; checked against 2.6.12): the algorithm is chosen from the request's
 * Accept-Encoding (highest q, ties in the request's order, `*` = the last configured; none for HTTP/1.0 requests);
 * a response is compressed when it is HTTP/1.1 with status 200-203, the request is not HEAD, it has a body of known
 * length (Content-Length or chunked), no Content-Encoding,
 * no `cache-control: no-transform`, and its Content-Type starts with a listed type (any when none is listed). Then
 * Content-Length goes, `transfer-encoding: chunked`, `vary: Accept-Encoding` and `content-encoding` are added and a
 * strong ETag becomes weak (not compressed: a response with more than one ETag, or one neither "..." nor W/"..."). The
 * body goes through node:zlib streams (thread pool, never blocking the event loop) at
 * `tune.comp.maxlevel` (default 1, as 2.6), out as chunks; backpressure both ways (zlib full: the server is paused;
 * the client full: writeCli pauses the server). Byte counts stay those of the uncompressed payload, as 2.6 logs them.
 * HAProxy's libslz output differs from zlib's byte for byte; what decompresses is the same. Callers: http/stream.ts
 * (only when a proxy has a `compression` line). Hot path: no (per compressed response; nothing when not configured).
 */
import type * as zlib from 'node:zlib';
import { nodeZlib } from '../lazy-builtins.ts';
import type { CfgKeyword, KwCtx } from '../config/types.ts';
import { PR_CAP_FE, PR_CAP_BE, PR_CAP_DEF } from '../config/types.ts';
import type { Proxy } from '../model/types.ts';
import type { ProxySocket } from '../net/types.ts';
import type { H1Msg } from './h1-parser.ts';
import type { CompCfg } from './types.ts';
import { H1_HDR_STRIDE, H1_MF_VER_11 } from './types.ts';
import { chunkHeader } from './chunked.ts';

const ALGOS = ['identity', 'deflate', 'raw-deflate', 'gzip'];
/** zlib level: `tune.comp.maxlevel` (global, 1-9, default 1). */
let compLevel = 1;

/** The Content-Encoding token of an algorithm. */
function encName(algo: string): string { return algo === 'raw-deflate' ? 'deflate' : algo; }

function cfgOf(px: Proxy): CompCfg {
  return px.http.comp ?? (px.http.comp = { algos: [], types: [], offload: false });
}

function parseCompression(args: readonly string[], ctx: KwCtx): void {
  const px = ctx.proxy;
  if (!px) return;
  const w = args[1];
  if (w === 'algo') {
    if (args.length < 3) { ctx.alert(`parsing [${ctx.file}:${ctx.line}] : 'compression' expects <algorithm>.`); return; }
    const c = cfgOf(px);
    c.algos = [];
    for (let i = 2; i < args.length; i++) {
      if (!ALGOS.includes(args[i])) { ctx.alert(`'compression' : '${args[i]}' is not a supported algorithm.`); return; }
      c.algos.push(args[i]);
    }
  } else if (w === 'type') {
    if (args.length < 3) { ctx.alert("'compression' expects <type>."); return; }
    const c = cfgOf(px);
    c.types = [];
    for (let i = 2; i < args.length; i++) c.types.push(args[i].toLowerCase());
  } else if (w === 'offload') {
    if ((px.cap & PR_CAP_DEF) !== 0) { ctx.warn("'compression' : 'offload' ignored in 'defaults' section."); return; }
    cfgOf(px).offload = true;
  } else {
    ctx.alert("'compression' expects 'algo', 'type' or 'offload'");
  }
}

function parseMaxLevel(args: readonly string[], ctx: KwCtx): void {
  const n = /^[0-9]+$/.test(args[1] ?? '') ? Number(args[1]) : 0;
  if (n < 1 || n > 9) { ctx.alert("'tune.comp.maxlevel' expects a numeric value between 1 and 9"); return; }
  compLevel = n;
}

export const keywords: CfgKeyword[] = [
  { section: 'global', name: 'tune.comp.maxlevel', parse: parseMaxLevel },
  { section: 'listen', name: 'compression', cap: PR_CAP_FE | PR_CAP_BE | PR_CAP_DEF, parse: parseCompression },
];

/** The settings in force for a stream: the backend's algos/types when it has them, else the frontend's. */
function algosOf(fe: Proxy, be: Proxy): string[] {
  const b = be.http.comp;
  if (b !== null && b.algos.length > 0) return b.algos;
  const f = fe.http.comp;
  return f !== null ? f.algos : [];
}

/**
 * At request time: the algorithm to compress this transaction's response with ('' = none), chosen from the
 * Accept-Encoding headers of the head `m` over `buf`; with `compression offload` those headers are removed from the
 * request (index entries marked removed). `v11`: the request is HTTP/1.1 or later.
 */
export function compChooseAlgo(fe: Proxy, be: Proxy, m: H1Msg, buf: Buffer, v11: boolean): string {
  const algos = algosOf(fe, be);
  const offload = (fe.http.comp !== null && fe.http.comp.offload) || (be.http.comp !== null && be.http.comp.offload);
  let best = '', bestQ = 0;
  const h = m.hdr;
  for (let x = 0; x < m.nhdr * H1_HDR_STRIDE; x += H1_HDR_STRIDE) {
    if (h[x] < 0 || h[x + 1] - h[x] !== 15 || buf.toString('latin1', h[x], h[x + 1]) !== 'accept-encoding') continue;
    if (offload) h[x] = -1;
    if (!v11 || algos.length === 0) continue;
    const parts = buf.toString('latin1', h[x + 2], h[x + 3]).split(',');
    for (const p0 of parts) {
      const semi = p0.indexOf(';');
      const tok = (semi < 0 ? p0 : p0.slice(0, semi)).trim().toLowerCase();
      let q = 1;
      if (semi >= 0) {
        const qm = /q\s*=\s*([0-9.]+)/i.exec(p0.slice(semi + 1));
        if (qm !== null) q = Number(qm[1]);
      }
      if (!(q > bestQ)) continue;
      // 2.6 keeps the algorithms in reverse order: `*` takes the last one configured
      const a = tok === '*' ? algos[algos.length - 1] : algos.find((al) => encName(al) === tok);
      if (a === undefined) continue;
      best = a; bestQ = q;
    }
  }
  return best === 'identity' ? '' : best;
}

function typesOf(fe: Proxy, be: Proxy): string[] {
  const b = be.http.comp;
  if (b !== null && b.types.length > 0) return b.types;
  const f = fe.http.comp;
  return f !== null ? f.types : [];
}

/**
 * At response time: whether the response head `m` over `buf` (status, headers) may be compressed; if so its headers
 * are adjusted (Content-Length removed, strong ETag made weak) and the lines to add are returned, else null.
 * `chunked`: the response already has Transfer-Encoding: chunked.
 */
export function compResponseHeaders(fe: Proxy, be: Proxy, algo: string, m: H1Msg, buf: Buffer, chunked: boolean): string | null {
  const st = m.status;
  if (st < 200 || st > 203 || (m.flags & H1_MF_VER_11) === 0) return null;     // not an HTTP/1.0 response (2.6)
  const types = typesOf(fe, be);
  const h = m.hdr;
  const end = m.nhdr * H1_HDR_STRIDE;
  let ctOk = types.length === 0;
  let cl = -1, etag = -1, etags = 0;
  for (let x = 0; x < end; x += H1_HDR_STRIDE) {
    if (h[x] < 0) continue;
    const name = buf.toString('latin1', h[x], h[x + 1]);
    if (name === 'content-encoding') return null;
    if (name === 'cache-control' && buf.toString('latin1', h[x + 2], h[x + 3]).toLowerCase().includes('no-transform')) return null;
    if (name === 'content-type' && !ctOk) {
      const v = buf.toString('latin1', h[x + 2], h[x + 3]).toLowerCase();
      for (const t of types) if (v.startsWith(t)) { ctOk = true; break; }
    } else if (name === 'content-length') cl = x;
    else if (name === 'etag') {
      // 2.6.12 leaves uncompressed a response with more than one ETag or one that is not "..." or W/"..."
      const t = etagType(buf, h[x + 2], h[x + 3]);
      if (t === 0 || ++etags > 1) return null;
      if (t === 2) etag = x;
    }
  }
  if (!ctOk) return null;
  let extra = '';
  if (etag >= 0) {
    // made weak in place, as 2.6 (the "W/" written over the ": " before the value; h1HeadOut re-emits the separator)
    const vs = h[etag + 2];
    if (vs - h[etag + 1] >= 2) { buf[vs - 2] = 0x57; buf[vs - 1] = 0x2f; h[etag + 2] = vs - 2; }
    else { extra += '\r\netag: W/' + buf.toString('latin1', vs, h[etag + 3]); h[etag] = -1; }
  }
  if (cl >= 0) h[cl] = -1;
  if (!chunked) extra += '\r\ntransfer-encoding: chunked';
  return extra + '\r\nvary: Accept-Encoding\r\ncontent-encoding: ' + encName(algo);
}

/** An ETag value buf[s, e): 0 = invalid, 1 = weak (W/"..."), 2 = strong ("..."; quotes at both ends, any bytes between). */
function etagType(buf: Buffer, s: number, e: number): number {
  let weak = 1;
  if (e - s >= 2 && buf[s] === 0x57 && buf[s + 1] === 0x2f) { s += 2; weak = 0; }
  if (e - s < 2 || buf[s] !== 0x22 || buf[e - 1] !== 0x22) return 0;
  return 1 + weak;
}

/** What a compressor needs from its stream (http/stream.ts HttpSession). */
export interface CompOwner {
  closed: boolean;
  srv: ProxySocket | null;
  writeCli(b: Buffer): void;
  /** The compressed body and its last chunk are written. */
  compDone(): void;
  /** zlib failed: the response cannot be completed (the stream aborts it). */
  compFailed(): void;
}

const CRLF = Buffer.from('\r\n');
const LAST = Buffer.from('0\r\n\r\n');
const LAST_LINE = Buffer.from('0\r\n');

function onZData(this: zlib.Gzip, d: Buffer): void {
  const c = (this as unknown as { comp: HttpCompressor }).comp;
  c.fe.feCounters.compOut += d.length;
  if (c.be !== c.fe) c.be.beCounters.compOut += d.length;
  c.pending.push(d);
  c.pendingLen += d.length;
}
function onZEnd(this: zlib.Gzip): void {
  const c = (this as unknown as { comp: HttpCompressor }).comp;
  const o = c.owner;
  if (o.closed) return;
  c.emit();
  if (c.trailers === null) o.writeCli(LAST);
  else { o.writeCli(LAST_LINE); o.writeCli(c.trailers); o.writeCli(CRLF); }
  o.compDone();
}
function onZDrain(this: zlib.Gzip): void {
  const o = (this as unknown as { comp: HttpCompressor }).comp.owner;
  if (!o.closed && o.srv !== null) o.srv.resume();
}
function onZError(this: zlib.Gzip): void {
  // a compressor dropped by destroy() may report here; any other error leaves the body unfinishable
  const c = (this as unknown as { comp: HttpCompressor }).comp;
  if (c.dropped || c.owner.closed) return;
  c.dropped = true;
  c.owner.compFailed();
}

/**
 * One response's compressor: decoded body bytes in (data), chunked compressed bytes out to the client. Counts
 * comp_rsp, comp_in (payload, + 1 for a chunked message's end, as 2.6) and comp_out on the frontend and backend.
 * Framing as 2.6.12 sends it: what one read of the body gives goes out as one chunk (zlib flushed at each read's end,
 * endOfRead), the last read's output with the compressed stream's end, then the last chunk and the trailers.
 */
export class HttpCompressor {
  readonly owner: CompOwner;
  readonly fe: Proxy;
  readonly be: Proxy;
  readonly z: zlib.Gzip | zlib.Deflate | zlib.DeflateRaw;
  ended = false;
  /** destroy() was called, or zlib failed: its events are ignored. */
  dropped = false;
  /** zlib output not yet written as a chunk, and its length. */
  readonly pending: Buffer[] = [];
  pendingLen = 0;
  /** Bytes went into zlib since its last flush. */
  dirty = false;
  /** The trailer lines ("name: value\r\n"...) to send after the last chunk, or null. */
  trailers: Buffer | null = null;
  readonly onFlushed: () => void;

  constructor(owner: CompOwner, algo: string, fe: Proxy, be: Proxy) {
    this.owner = owner;
    this.fe = fe;
    this.be = be;
    fe.feCounters.compRsp++;
    if (be !== fe) be.beCounters.compRsp++;
    const o = { level: compLevel };
    const Z = nodeZlib();
    const z = algo === 'gzip' ? Z.createGzip(o) : algo === 'deflate' ? Z.createDeflate(o) : Z.createDeflateRaw(o);
    (z as unknown as { comp: HttpCompressor }).comp = this;
    z.on('data', onZData);
    z.on('end', onZEnd);
    z.on('drain', onZDrain);
    z.on('error', onZError);
    this.z = z;
    this.onFlushed = () => { if (!this.owner.closed && !this.dropped) this.emit(); };
  }

  /** Writes the pending zlib output to the client as one chunk. */
  emit(): void {
    const n = this.pendingLen;
    if (n === 0) return;
    const o = this.owner;
    o.writeCli(Buffer.from(chunkHeader(n), 'latin1'));
    for (let i = 0; i < this.pending.length; i++) o.writeCli(this.pending[i]);
    o.writeCli(CRLF);
    this.pending.length = 0;
    this.pendingLen = 0;
  }

  /** A read of the body is handed over and the body goes on: its compressed form goes out now (a sync flush). */
  endOfRead(): void {
    if (this.ended || !this.dirty) return;
    this.dirty = false;
    this.z.flush(nodeZlib().constants.Z_SYNC_FLUSH, this.onFlushed);
  }

  /** Compresses buf[s, e) (copied: the caller's buffer is reused); pauses the server while zlib is full. */
  data(buf: Buffer, s: number, e: number): void {
    if (e <= s) return;
    this.countIn(e - s);
    this.dirty = true;
    if (!this.z.write(Buffer.from(buf.subarray(s, e)))) { const srv = this.owner.srv; if (srv !== null) srv.pause(); }
  }

  private countIn(n: number): void {
    this.fe.feCounters.compIn += n;
    if (this.be !== this.fe) this.be.beCounters.compIn += n;
  }

  /**
   * End of the body (`eom` 1 for a chunked message; `trailers` its trailer lines, kept, or null): flushes, writes the
   * last chunk and the trailers, then calls owner.compDone().
   */
  finish(eom = 0, trailers: Buffer | null = null): void {
    if (this.ended) return;
    this.ended = true;
    this.trailers = trailers;
    if (eom > 0) this.countIn(eom);
    this.z.end();
  }

  /** The stream ends without the body's end: drops the compressor. */
  destroy(): void {
    this.ended = true;
    this.dropped = true;
    this.z.destroy();
  }
}
