/*
 * Encodes a parsed HTTP/1.x head (H1Msg over its receive Buffer) for the other side as one new Buffer, by copying
 * the original bytes: runs of the start line and kept headers already in canonical form ("name: value" + CRLF) are
 * copied whole, other headers piece by piece (bare LF, odd spacing, trimmed values); removed header entries are
 * skipped. Then the added lines (rule headers, x-forwarded-for), an optional Connection header, the empty line, and
 * optionally the first body bytes, so a small response leaves in one write. No strings unless extras are given.
 * Callers: http/stream.ts (request head to the server, response head to the client). Hot path: yes.
 */
import { type H1Msg, h1StartLine } from './h1-parser.ts';
import { H1_HDR_STRIDE, H1_MF_SL_REBUILD, H1_MF_RESP } from './types.ts';
import { bufCopy } from '../net/buf-copy.ts';

// segment list reused by every call: (start, end) pairs into the source buffer; start < 0 encodes a literal
const LIT_CRLF = -1;
const LIT_COLON_SP = -2;
const LIT_VALUE = -3;            // the `value` argument
let seg = new Int32Array(2 * 256);
let nseg = 0;

/*
 * Scratch slab for heads written at once (the small response with its body, http/stream.ts): reused response after
 * response instead of a new Buffer each. Those ~1.2 KiB per keep-alive 1 KiB response, from node's 8 KiB pools, were
 * most of the ArrayBuffers waiting for the next scavenge under load (up to ~3 MB), which set the brk heap's
 * high-water mark. A write that stays queued keeps the slab: h1HeadOutKept() leaves it to that write.
 */
const SCRATCH_SIZE = 8192;
let scratchBuf: Buffer | null = null;

/** The last scratch head is referenced by a queued write: the next one gets a new slab. */
export function h1HeadOutKept(): void { scratchBuf = null; }

function push(s: number, e: number): void {
  if (nseg * 2 + 2 > seg.length) { const n = new Int32Array(seg.length * 2); n.set(seg); seg = n; }
  seg[nseg * 2] = s; seg[nseg * 2 + 1] = e;
  nseg++;
}

/** buf[s, e) is "content-length" or "transfer-encoding" (names are lowercase already). */
function isLengthHeader(buf: Buffer, s: number, e: number): boolean {
  const n = e - s;
  if (n === 14) return buf.toString('latin1', s, e) === 'content-length';
  return n === 17 && buf.toString('latin1', s, e) === 'transfer-encoding';
}

/**
 * Returns a new Buffer holding: the start line (`line`, else buf[l0s, l2e), rebuilt by h1StartLine when the parser
 * flagged it H1_MF_SL_REBUILD), each header of `m`
 * not marked removed (hdr[x] < 0) as "name: value\r\n" (names are already lowercased by the parser), `extra` (latin1
 * text of "\r\nname: value" lines, may be ''), `conn` (a prebuilt "\r\nconnection: ..." Buffer or null), "\r\n\r\n",
 * then tail[ts, te) when `tail` is not null; the header at index offset `valX` (if any) gets `value` (latin1) as its
 * value, in its place. Keeps no reference to `buf` or `tail`. Allocates the result only (from
 * Node's slab pool when under 4 KiB), unless `scratch`: then the result is a view of the scratch slab (below) when it
 * fits, valid until the next scratch call, which the caller writes at once.
 */
export function h1HeadOut(buf: Buffer, m: H1Msg, line: Buffer | null, extra: string, conn: Buffer | null,
  tail: Buffer | null, ts: number, te: number, valX = -1, value = '', scratch = false): Buffer {
  nseg = 0;
  let total = 0;
  // current run of source bytes [rs, re) that already reads "startline(\r\nname: value)*"
  let rs = -1, re = -1;
  if (line === null && (m.flags & H1_MF_SL_REBUILD) !== 0) line = Buffer.from(h1StartLine(m, buf), 'latin1');
  if (line === null) { rs = m.l0s; re = m.l2e; }
  else total += line.length;
  const h = m.hdr;
  const end = m.nhdr * H1_HDR_STRIDE;
  // 2.6 writes a 1xx or 204 response without its Content-Length / Transfer-Encoding
  const noLen = (m.flags & H1_MF_RESP) !== 0 && (m.status < 200 || m.status === 204);
  for (let x = 0; x < end; x += H1_HDR_STRIDE) {
    const ns = h[x];
    if (ns < 0) continue;
    const ne = h[x + 1], vs = h[x + 2], ve = h[x + 3];
    if (noLen && isLengthHeader(buf, ns, ne)) { if (rs >= 0) { push(rs, re); total += re - rs; rs = -1; } continue; }
    if (x === valX) {
      if (rs >= 0) { push(rs, re); total += re - rs; rs = -1; }
      push(LIT_CRLF, 0); push(ns, ne); push(LIT_COLON_SP, 0); push(LIT_VALUE, 0);
      total += 4 + ne - ns + value.length;
      continue;
    }
    const canonical = ne + 2 === vs && buf[ne + 1] === 32 && buf[ve] === 13 && buf[ve + 1] === 10;
    if (canonical && rs >= 0 && ns === re + 2 && buf[re] === 13 && buf[re + 1] === 10) { re = ve; continue; }
    if (rs >= 0) { push(rs, re); total += re - rs; rs = -1; }
    if (canonical) {
      push(LIT_CRLF, 0); total += 2;
      rs = ns; re = ve;
    } else {
      push(LIT_CRLF, 0); push(ns, ne); push(LIT_COLON_SP, 0); push(vs, ve);
      total += 4 + ne - ns + ve - vs;
    }
  }
  if (rs >= 0) { push(rs, re); total += re - rs; }
  const xl = extra.length;
  total += xl + (conn !== null ? conn.length : 0) + 4 + (tail !== null ? te - ts : 0);
  const out = scratch && total <= SCRATCH_SIZE ? (scratchBuf ??= Buffer.allocUnsafeSlow(SCRATCH_SIZE)).subarray(0, total)
    : Buffer.allocUnsafe(total);
  let o = 0;
  if (line !== null) o += bufCopy(line, out, 0, 0, line.length);
  for (let i = 0; i < nseg; i++) {
    const s = seg[i * 2];
    if (s >= 0) {
      const e = seg[i * 2 + 1];
      if (e - s <= 16) { for (let j = s; j < e; j++) out[o++] = buf[j]; }
      else o += bufCopy(buf, out, o, s, e);
    } else if (s === LIT_CRLF) { out[o++] = 13; out[o++] = 10; }
    else if (s === LIT_COLON_SP) { out[o++] = 58; out[o++] = 32; }
    else o += out.write(value, o, 'latin1');
  }
  if (xl !== 0) o += out.write(extra, o, xl, 'latin1');
  if (conn !== null) o += bufCopy(conn, out, o, 0, conn.length);
  out[o++] = 13; out[o++] = 10; out[o++] = 13; out[o++] = 10;
  if (tail !== null && te > ts) o += bufCopy(tail, out, o, ts, te);
  return out;
}
