/*
 * Chunked transfer-coding: a resumable decoder that walks chunk-size lines, data and trailers in place and records
 * where the payload and trailer lines are (no copy), and the encoder helpers that re-emit them as one chunk per read,
 * as HAProxy 2.6 does (chunk extensions dropped, chunks of one read merged, trailer names lowercased).
 * Called by http/stream.ts for request and response bodies. Hot path: yes.
 */
import {
  CHK_ST_SIZE, CHK_ST_EXT, CHK_ST_DATA, CHK_ST_DATA_CR, CHK_ST_DATA_LF, CHK_ST_TRAILER, CHK_ST_DONE, CHK_ST_ERROR,
} from './types.ts';

const HEX = new Int8Array(256).fill(-1);
for (let c = 0; c < 10; c++) HEX[48 + c] = c;
for (let c = 0; c < 6; c++) { HEX[65 + c] = 10 + c; HEX[97 + c] = 10 + c; }


/** Decoder state plus the spans found by the last chunkDecode call. */
export class ChunkState {
  state = CHK_ST_SIZE;
  /** Bytes of chunk data still expected (CHK_ST_DATA), or the size being read (CHK_ST_SIZE). */
  remaining = 0;
  sizeDigits = 0;
  /** Set once the last (zero) chunk was seen and "0\r\n" must be emitted. */
  lastSeen = false;
  errPos = -1;
  /** Payload spans of the last call: [start, end) pairs. */
  spans = new Int32Array(64);
  nspans = 0;
  dataBytes = 0;
  /** Trailer lines (without their line end) of the last call: [start, end) pairs. */
  trailers = new Int32Array(8);
  ntrailers = 0;
  /** HTX bytes of the last call's trailers (2.6 counts a trailer as its name plus its value, like a header). */
  trailerBytes = 0;
  /**
   * The trailer section as 2.6 writes it ("name: value" CRLF per trailer, spaces around values dropped), set by the
   * call that reaches its end; null when there is none (rare path: built once per message with trailers).
   */
  trailerOut: Buffer | null = null;
  /**
   * Where the trailer section starts when a call ends inside it (-1 none): the caller keeps those bytes and presents
   * them again (chunkHold/chunkResume), so that trailers go out whole, as 2.6 sends them only once all are in.
   */
  trailerPartial = -1;
  /** A copy of the trailer section a read ended in (chunkHold), to be read again before the next read (chunkResume). */
  part: Buffer | null = null;

  reset(): void {
    this.state = CHK_ST_SIZE; this.remaining = 0; this.sizeDigits = 0; this.lastSeen = false; this.errPos = -1;
    this.nspans = 0; this.dataBytes = 0; this.ntrailers = 0; this.trailerBytes = 0; this.trailerPartial = -1; this.part = null;
    this.trailerOut = null;
  }
}

/**
 * After a chunkDecode call that stopped inside the trailer section (st.trailerPartial >= 0): keeps a copy of its
 * bytes so that the next read is decoded after them (chunkResume), e.g. a final CRLF split between its CR and LF.
 * Rare path (allocates).
 */
export function chunkHold(st: ChunkState, buf: Buffer): void {
  st.part = Buffer.from(buf.subarray(st.trailerPartial));
}

/** The bytes to decode for the next read `buf[from..]`: the held partial line joined to them (st.part != null). */
export function chunkResume(st: ChunkState, buf: Buffer, from: number): Buffer {
  const b = Buffer.concat([st.part as Buffer, buf.subarray(from)]);
  st.part = null;
  return b;
}

/** A copy of `a` in an array twice its length (span and trailer offset lists grow rarely: allocates). */
function doubled(a: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const n = new Int32Array(a.length * 2);
  n.set(a);
  return n;
}

function pushSpan(st: ChunkState, s: number, e: number): void {
  if (st.nspans * 2 + 2 > st.spans.length) st.spans = doubled(st.spans);
  st.spans[st.nspans * 2] = s;
  st.spans[st.nspans * 2 + 1] = e;
  st.nspans++;
  st.dataBytes += e - s;
}

/** HTX bytes of the trailer line buf[s, e) (name + value without the spaces around it), -1 without a name and colon. */
function trailerSize(buf: Buffer, s: number, e: number): number {
  const c = buf.indexOf(58, s);
  if (c <= s || c >= e) return -1;
  let vs = c + 1, ve = e;
  while (vs < ve && (buf[vs] === 32 || buf[vs] === 9)) vs++;
  while (ve > vs && (buf[ve - 1] === 32 || buf[ve - 1] === 9)) ve--;
  return c - s + ve - vs;
}

/** Records the trailer line buf[s, e); false when it has no colon or an empty name (2.6: 400 / 502, as for a header). */
function pushTrailer(st: ChunkState, buf: Buffer, s: number, e: number): boolean {
  const n = trailerSize(buf, s, e);
  if (n < 0) return false;
  if (st.ntrailers * 2 + 2 > st.trailers.length) st.trailers = doubled(st.trailers);
  st.trailers[st.ntrailers * 2] = s;
  st.trailers[st.ntrailers * 2 + 1] = e;
  st.ntrailers++;
  st.trailerBytes += n;
  return true;
}

/** The trailers recorded (their obs-folds joined) as 2.6 writes them: "name: value" CRLF each, values trimmed. */
function trailerSection(st: ChunkState, buf: Buffer): Buffer {
  let n = 0;
  for (let k = 0; k < st.ntrailers; k++) n += st.trailers[k * 2 + 1] - st.trailers[k * 2] + 3;
  const out = Buffer.allocUnsafe(n);
  let o = 0;
  for (let k = 0; k < st.ntrailers; k++) {
    const s = st.trailers[k * 2], e = st.trailers[k * 2 + 1];
    const c = buf.indexOf(58, s);
    let vs = c + 1, ve = e;
    while (vs < ve && (buf[vs] === 32 || buf[vs] === 9)) vs++;
    while (ve > vs && (buf[ve - 1] === 32 || buf[ve - 1] === 9)) ve--;
    o += buf.copy(out, o, s, c + 1);
    out[o++] = 32;
    o += buf.copy(out, o, vs, ve);
    out[o++] = 13; out[o++] = 10;
  }
  return out.subarray(0, o);
}

/**
 * An obs-fold line buf[p, le) continuing the last trailer of this call: the line break before it becomes spaces in
 * place and the trailer runs to le (2.6 writes "a\r\n b" as "a   b"). False when there is no such trailer.
 */
function foldTrailer(st: ChunkState, buf: Buffer, p: number, le: number): boolean {
  if (st.ntrailers === 0) return false;
  const k = (st.ntrailers - 1) * 2;
  const s = st.trailers[k], e = st.trailers[k + 1];
  st.trailerBytes -= trailerSize(buf, s, e);
  for (let i = e; i < p; i++) buf[i] = 32;
  let ve = le;
  while (ve > p && (buf[ve - 1] === 32 || buf[ve - 1] === 9)) ve--;
  st.trailers[k + 1] = ve > p ? ve : e;
  st.trailerBytes += trailerSize(buf, s, st.trailers[k + 1]);
  return true;
}

/**
 * Decodes buf[p, end). Returns the offset where decoding stopped (== end unless CHK_ST_DONE was reached earlier, the
 * rest being the next message), or -1 on a malformed chunk (st.errPos set). Resets spans/trailers at each call.
 * A trailer section cut by `end` is not consumed: the return value points at its start (st.trailerPartial) and the
 * caller must present those bytes again with more data; the call reaching its end sets st.trailerOut. Lowercases
 * trailer names and turns obs-fold line breaks into spaces in place; keeps no reference.
 */
export function chunkDecode(st: ChunkState, buf: Buffer, p: number, end: number): number {
  st.nspans = 0; st.dataBytes = 0; st.ntrailers = 0; st.trailerBytes = 0; st.trailerPartial = -1; st.trailerOut = null;
  let tlrStart = p;                              // where this call's part of the trailer section starts
  while (p < end) {
    switch (st.state) {
      case CHK_ST_SIZE: {
        const c = buf[p];
        const h = HEX[c];
        if (h >= 0) {
          // 2.6: any number of digits (leading zeros pass), an error once the size reaches 2^52 (so that it stays
          // exact for languages that read numbers as doubles)
          st.remaining = st.remaining * 16 + h;
          if (st.remaining >= 0x10000000000000) { st.state = CHK_ST_ERROR; st.errPos = p; return -1; }
          st.sizeDigits++;
          p++;
          break;
        }
        if (st.sizeDigits === 0) { st.state = CHK_ST_ERROR; st.errPos = p; return -1; }
        st.state = CHK_ST_EXT;
        break;
      }
      case CHK_ST_EXT: {
        // only whitespace, ';' extensions and a final CR may sit between the size and LF
        if (st.sizeDigits > 0) {
          const c = buf[p];
          if (c !== 59 && c !== 32 && c !== 9 && c !== 13 && c !== 10) { st.state = CHK_ST_ERROR; st.errPos = p; return -1; }
          st.sizeDigits = 0;
        }
        const lf = buf.indexOf(10, p);
        if (lf < 0 || lf >= end) return end;
        const cr = buf.indexOf(13, p);
        if (cr >= 0 && cr < lf - 1) { st.state = CHK_ST_ERROR; st.errPos = cr; return -1; }
        p = lf + 1;
        if (st.remaining === 0) { st.lastSeen = true; st.state = CHK_ST_TRAILER; tlrStart = p; }
        else st.state = CHK_ST_DATA;
        break;
      }
      case CHK_ST_DATA: {
        const n = end - p < st.remaining ? end - p : st.remaining;
        pushSpan(st, p, p + n);
        p += n;
        st.remaining -= n;
        if (st.remaining === 0) st.state = CHK_ST_DATA_CR;
        break;
      }
      case CHK_ST_DATA_CR: {
        const c = buf[p];
        if (c === 13) { st.state = CHK_ST_DATA_LF; p++; break; }
        if (c === 10) { st.state = CHK_ST_SIZE; p++; break; }
        st.state = CHK_ST_ERROR; st.errPos = p; return -1;
      }
      case CHK_ST_DATA_LF: {
        if (buf[p] !== 10) { st.state = CHK_ST_ERROR; st.errPos = p; return -1; }
        st.state = CHK_ST_SIZE;
        p++;
        break;
      }
      case CHK_ST_TRAILER: {
        const lf = buf.indexOf(10, p);
        if (lf < 0 || lf >= end) return holdTrailers(st, tlrStart);
        const le = lf > p && buf[lf - 1] === 13 ? lf - 1 : lf;
        if (le === p) {
          if (st.ntrailers > 0) st.trailerOut = trailerSection(st, buf);
          st.state = CHK_ST_DONE;
          return lf + 1;
        }
        const c0 = buf[p];
        if (c0 === 32 || c0 === 9) {
          if (!foldTrailer(st, buf, p, le)) { st.state = CHK_ST_ERROR; st.errPos = p; return -1; }
          p = lf + 1;
          break;
        }
        let i = p;
        while (i < le && buf[i] !== 58) { const c = buf[i]; if (c >= 0x41 && c <= 0x5a) buf[i] = c + 0x20; i++; }
        if (!pushTrailer(st, buf, p, le)) { st.state = CHK_ST_ERROR; st.errPos = p; return -1; }
        p = lf + 1;
        break;
      }
      default:
        return st.state === CHK_ST_DONE ? p : -1;
    }
  }
  return st.state === CHK_ST_TRAILER ? holdTrailers(st, tlrStart) : p;
}

/** A call ends inside the trailer section: nothing of it goes out yet, the caller keeps it from `from` on. */
function holdTrailers(st: ChunkState, from: number): number {
  st.ntrailers = 0;
  st.trailerBytes = 0;
  st.trailerPartial = from;
  return from;
}

const HEXCHARS = '0123456789ABCDEF';             // 2.6 writes chunk sizes in uppercase hex

let scratch: ChunkState | null = null;

/**
 * Whether buf[s, e), the first body bytes of a chunked message, are well-formed so far (2.6 parses them with the head
 * when they arrive together, and answers 502 for a response whose first chunk is already bad). Lowercases trailer
 * names in place like chunkDecode; keeps no reference.
 */
export function chunkPrefixValid(buf: Buffer, s: number, e: number): boolean {
  const st = scratch ?? (scratch = new ChunkState());
  st.reset();
  return chunkDecode(st, buf, s, e) >= 0;
}

/** "<hex size>\r\n" for a chunk of n > 0 bytes (small string, one per read, not per byte). */
export function chunkHeader(n: number): string {
  let s = '\r\n';
  do { s = HEXCHARS[n & 15] + s; n = Math.floor(n / 16); } while (n > 0);
  return s;
}

export const CHUNK_CRLF = Buffer.from('\r\n');
export const CHUNK_LAST = Buffer.from('0\r\n');
