/*
 * Locally generated responses (canned errors, errorfiles, deny/return/redirect/tarpit replies) as HAProxy 2.6's H1
 * layer writes them: the stored message is re-emitted with header names lowercased and its Connection header dropped,
 * then `connection: close` is added when the client connection closes after it and the reply is HTTP/1.1 (an HTTP/1.0
 * reply closes implicitly). Checked against 2.6 with Debian's errorfiles and fixtures/http/rules. Results are cached
 * per source Buffer; replyHeadOnly() cuts the payload for HEAD requests, replyCloses() says when the connection ends
 * after the reply. Callers: http/stream.ts. Hot path: no (local replies only; cached).
 */
import { H1Msg, h1Parse } from './h1-parser.ts';
import { H1_HDR_STRIDE, H1_MF_CLEN, H1_MF_CHNK, H1_MF_CONN_CLO } from './types.ts';

const keepCache = new WeakMap<Buffer, Buffer>();
const closeCache = new WeakMap<Buffer, Buffer>();
let msg: H1Msg | null = null;

function build(src: Buffer, close: boolean): Buffer {
  const m = msg ?? (msg = new H1Msg(true, 256));
  m.reset();
  const b = Buffer.from(src);                      // the parser lowercases names in place: work on a copy
  const r = h1Parse(m, b, b.length, b.length);
  if (r <= 0) return src;
  // a stored message without a length (an errorfile's usual shape) or saying close ends the connection
  if ((m.flags & (H1_MF_CLEN | H1_MF_CHNK)) === 0 || (m.flags & H1_MF_CONN_CLO) !== 0) close = true;
  let s = b.toString('latin1', m.l0s, m.l2e);
  const h = m.hdr;
  for (let x = 0; x < m.nhdr * H1_HDR_STRIDE; x += H1_HDR_STRIDE) {
    if (h[x] < 0) continue;                          // Connection: close/keep-alive was dropped by the parser
    s += '\r\n' + b.toString('latin1', h[x], h[x + 1]) + ': ' + b.toString('latin1', h[x + 2], h[x + 3]);
  }
  if (close && b.toString('latin1', m.l0s, m.l0e) === 'HTTP/1.1') s += '\r\nconnection: close';
  return Buffer.concat([Buffer.from(s + '\r\n\r\n', 'latin1'), b.subarray(r)]);
}

const headCache = new WeakMap<Buffer, Buffer>();

/**
 * `src` without its payload, for a HEAD request (2.6 sends and counts the head only; Content-Length stays). Cached
 * per source Buffer; `src` itself when it has no payload or does not parse.
 */
export function replyHeadOnly(src: Buffer): Buffer {
  let out = headCache.get(src);
  if (out === undefined) {
    const e = src.indexOf('\r\n\r\n');
    out = e < 0 || e + 4 === src.length ? src : src.subarray(0, e + 4);
    headCache.set(src, out);
  }
  return out;
}

const closesCache = new WeakMap<Buffer, boolean>();

/**
 * True when the connection must close after `src` whatever the client asked: a stored message without a length (an
 * errorfile's usual shape: its body ends with the connection), saying `Connection: close`, or empty (an errorfile on
 * /dev/null), as 2.6 closes after it.
 */
export function replyCloses(src: Buffer): boolean {
  let c = closesCache.get(src);
  if (c === undefined) {
    const m = msg ?? (msg = new H1Msg(true, 256));
    m.reset();
    const b = Buffer.from(src);
    c = src.length === 0 || (h1Parse(m, b, b.length, b.length) > 0 && ((m.flags & (H1_MF_CLEN | H1_MF_CHNK)) === 0 || (m.flags & H1_MF_CONN_CLO) !== 0));
    closesCache.set(src, c);
  }
  return c;
}

/** `src` as sent to a client whose connection stays open (`close` false) or closes after it (true). */
export function localReplyBytes(src: Buffer, close: boolean): Buffer {
  const cache = close ? closeCache : keepCache;
  let out = cache.get(src);
  if (out === undefined) { out = build(src, close); cache.set(src, out); }
  return out;
}
