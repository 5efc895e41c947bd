/*
 * HAProxy 2.6 counts HTTP bytes (`bin`/`bout` in stats, %B/%U in logs) in its internal HTX form as the message enters
 * the proxy, not on the wire: a start line costs 20 bytes plus its three parts, a header its name plus value, the end
 * of headers 1, data its payload only (chunk framing dropped), chunked trailers name plus value and 1 for their end.
 * Headers the parser drops (Connection: close/keep-alive) do not count, except in stored replies (errorfiles); rule
 * rewrites do not either. Errors the H1
 * layer sends itself (400/408 on a bad or timed-out request) count 0. Measured against 2.6 in fixtures/http/counters.
 * Callers: http/stream.ts. Hot path: htxHeadSize is (one pass over the header index per message); htxReplySize is not.
 */
import { H1_HDR_STRIDE, H1_MF_CHNK } from './types.ts';
import { H1Msg, h1Parse } from './h1-parser.ts';
import { ChunkState, chunkDecode } from './chunked.ts';

/** Bytes of HAProxy's `struct htx_sl` in front of the start line's parts. */
export const HTX_SL_SIZE = 20;

/** HTX size of a parsed head: start line, kept headers (index entries not marked removed), end of headers. */
export function htxHeadSize(m: H1Msg): number {
  let n = HTX_SL_SIZE + (m.l0e - m.l0s) + (m.l1e - m.l1s) + (m.l2e - m.l2s) + 1;
  const h = m.hdr;
  const end = m.nhdr * H1_HDR_STRIDE;
  for (let x = 0; x < end; x += H1_HDR_STRIDE) {
    if (h[x] >= 0) n += h[x + 1] - h[x] + h[x + 3] - h[x + 2];
  }
  return n;
}

/**
 * Bytes of the Connection: close/keep-alive headers the parser marked removed: a stored reply (errorfile) enters 2.6's
 * HTX with its Connection header, which only its H1 output drops, so they count there.
 */
function droppedConnection(m: H1Msg, buf: Buffer): number {
  let n = 0;
  const h = m.hdr;
  for (let x = 0; x < m.nhdr * H1_HDR_STRIDE; x += H1_HDR_STRIDE) {
    if (h[x] < 0 && h[x + 1] >= 10 && buf.toString('latin1', h[x + 1] - 10, h[x + 1]).toLowerCase() === 'connection') n += 10 + h[x + 3] - h[x + 2];
  }
  return n;
}

const replySizes = new WeakMap<Buffer, number>();
let scratch: H1Msg | null = null;

/**
 * HTX size of a complete locally generated response (canned error, errorfile, return, redirect, stats page): its head
 * as above plus the bytes after it (taken as payload). Cached per Buffer, so prebuilt replies are measured once.
 * A buffer that does not parse as a response counts its raw length.
 */
export function htxReplySize(b: Buffer): number {
  const c = replySizes.get(b);
  if (c !== undefined) return c;
  const m = scratch ?? (scratch = new H1Msg(true, 256));
  m.reset();
  const copy = Buffer.from(b);                                 // the parser lowercases names in place
  const r = h1Parse(m, copy, b.length, b.length);
  let n = b.length;
  if (r > 0 && (m.flags & H1_MF_CHNK) !== 0) {
    // a chunked local reply (the stats page): 2.6's applet produced data blocks, the H1 layer added the chunking and
    // its transfer-encoding header, so neither counts
    const st = new ChunkState();
    chunkDecode(st, copy, r, copy.length);
    n = htxHeadSize(m) - 'transfer-encoding'.length - 'chunked'.length + st.dataBytes;
  } else if (r > 0) n = htxHeadSize(m) + droppedConnection(m, copy) + b.length - r;
  replySizes.set(b, n);
  return n;
}
