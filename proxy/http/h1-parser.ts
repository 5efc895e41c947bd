/*
 * Incremental, resumable HTTP/1.x head parser (request line or status line + headers) over Buffers, with the
 * acceptance rules of HAProxy 2.6 measured in fixtures/http/cases: bare LF and obs-fold accepted (fold turned into
 * spaces in place), CTL bytes accepted in values but not in names or the URI, Content-Length lists merged, CL dropped
 * when Transfer-Encoding is present, header names lowercased in place once the head is accepted (a refused head keeps
 * its bytes as received, for `show errors`). Does not read bodies (chunked.ts, stream.ts).
 * Called by http/stream.ts on every read until the head is complete. Hot path: yes.
 */
import {
  H1_ST_START, H1_ST_LINE, H1_ST_HDR, H1_ST_DONE, H1_ST_ERROR,
  H1_MF_RESP, H1_MF_VER_11, H1_MF_CLEN, H1_MF_CHNK, H1_MF_XFER_LEN, H1_MF_CONN_CLO, H1_MF_CONN_KAL, H1_MF_CONN_UPG,
  H1_MF_UPGRADE, H1_MF_EXPECT, H1_MF_TE_CL, H1_MF_TE_OTHER, H1_MF_METH_HEAD, H1_MF_METH_CONNECT, H1_MF_CONN_OTHER,
  H1_ERR_NONE, H1_ERR_BAD, H1_ERR_UNPROCESSABLE, H1_ERR_H2_PRI, H1_HDR_STRIDE, H1_MF_SL_REBUILD, H1_MF_UPG_WS, H1_MF_WS_KEY,
} from './types.ts';

/** tchar (RFC 9110 token characters) → 1. */
export const H1_TOKEN = new Uint8Array(256);
for (let c = 0x30; c <= 0x39; c++) H1_TOKEN[c] = 1;
for (let c = 0x41; c <= 0x5a; c++) H1_TOKEN[c] = 1;
for (let c = 0x61; c <= 0x7a; c++) H1_TOKEN[c] = 1;
for (const ch of "!#$%&'*+-.^_`|~") H1_TOKEN[ch.charCodeAt(0)] = 1;

/** tchar that are not uppercase letters → 1, uppercase letters → 2 (lowercased in place as a name is read). */
const NAME_CHAR = new Uint8Array(256);
for (let c = 0; c < 256; c++) NAME_CHAR[c] = H1_TOKEN[c] === 0 ? 0 : c >= 0x41 && c <= 0x5a ? 2 : 1;

/** "HTTP/1.1" and other version bytes of a status line as 2.6 reads them (capitals, digits, '/', '.') → 1. */
const VERSION_CHAR = new Uint8Array(256);
for (let c = 0x41; c <= 0x5a; c++) VERSION_CHAR[c] = 1;
for (let c = 0x2e; c <= 0x39; c++) VERSION_CHAR[c] = 1;   // '.', '/', digits

/** ASCII lowercase map for bytes. */
export const H1_LOWER = new Uint8Array(256);
for (let c = 0; c < 256; c++) H1_LOWER[c] = c >= 0x41 && c <= 0x5a ? c + 0x20 : c;

// Special header ids, found by length + bytes on the lowercased name.
const HDR_OTHER = 0;
const HDR_CLEN = 1;
const HDR_TE = 2;
const HDR_CONN = 3;
const HDR_HOST = 4;
const HDR_UPGRADE = 5;
const HDR_EXPECT = 6;
const HDR_WS_KEY = 7;                  // sec-websocket-key in a request, sec-websocket-accept in a response
const HDR_TE_HOP = 8;                  // TE (the hop-by-hop one, not transfer-encoding)
const N_CONTENT_LENGTH = Buffer.from('content-length');
const N_TRANSFER_ENCODING = Buffer.from('transfer-encoding');
const N_CONNECTION = Buffer.from('connection');
const N_HOST = Buffer.from('host');
const N_TE = Buffer.from('te');
const T_TRAILERS = Buffer.from('trailers');
const N_UPGRADE = Buffer.from('upgrade');
const N_EXPECT = Buffer.from('expect');
const V_100_CONTINUE = Buffer.from('100-continue');
const N_WS_KEY = Buffer.from('sec-websocket-key');
const N_WS_ACCEPT = Buffer.from('sec-websocket-accept');
const T_WEBSOCKET = Buffer.from('websocket');

/**
 * buf[s, s + lit.length) equals `lit` (the caller checked the length). A JS loop over these short names costs ~10x
 * less than Buffer.compare's native call with offsets (callgrind: ~700 instructions per call, 6 per keep-alive request).
 */
/**
 * Buffer#indexOf called through one module-level reference: `buf.indexOf` was a property lookup that stayed an
 * inline-cache miss in the optimized parser (buffers of several shapes), ~20 per keep-alive request.
 */
const bufIndexOf = Buffer.prototype.indexOf;

function litEq(buf: Buffer, s: number, lit: Buffer): boolean {
  for (let i = 0; i < lit.length; i++) if (buf[s + i] !== lit[i]) return false;
  return true;
}

/** litEq ignoring ASCII case in buf (header names are lowercased only once the head is complete). */
function litEqi(buf: Buffer, s: number, lit: Buffer): boolean {
  for (let i = 0; i < lit.length; i++) if (H1_LOWER[buf[s + i]] !== lit[i]) return false;
  return true;
}

/**
 * The HDR_* id of the name buf[s, e): lowercase already unless `anyCase` (a relaxed message's names). Its first byte
 * rules out most names before a compare.
 */
function headerId(buf: Buffer, s: number, e: number, anyCase: boolean): number {
  const c0 = anyCase ? H1_LOWER[buf[s]] : buf[s];
  switch (e - s) {
    case 2: return c0 === 116 && nameIs(buf, s, N_TE, anyCase) ? HDR_TE_HOP : HDR_OTHER;
    case 4: return c0 === 104 && nameIs(buf, s, N_HOST, anyCase) ? HDR_HOST : HDR_OTHER;
    case 6: return c0 === 101 && nameIs(buf, s, N_EXPECT, anyCase) ? HDR_EXPECT : HDR_OTHER;
    case 7: return c0 === 117 && nameIs(buf, s, N_UPGRADE, anyCase) ? HDR_UPGRADE : HDR_OTHER;
    case 10: return c0 === 99 && nameIs(buf, s, N_CONNECTION, anyCase) ? HDR_CONN : HDR_OTHER;
    case 14: return c0 === 99 && nameIs(buf, s, N_CONTENT_LENGTH, anyCase) ? HDR_CLEN : HDR_OTHER;
    case 17:
      if (c0 === 116) return nameIs(buf, s, N_TRANSFER_ENCODING, anyCase) ? HDR_TE : HDR_OTHER;
      return c0 === 115 && nameIs(buf, s, N_WS_KEY, anyCase) ? HDR_WS_KEY : HDR_OTHER;
    case 20: return c0 === 115 && nameIs(buf, s, N_WS_ACCEPT, anyCase) ? HDR_WS_KEY : HDR_OTHER;
    default: return HDR_OTHER;
  }
}

function nameIs(buf: Buffer, s: number, lit: Buffer, anyCase: boolean): boolean {
  return anyCase ? litEqi(buf, s, lit) : litEq(buf, s, lit);
}

/** buf[s, e) is a comma list holding `tok` (case-insensitive, OWS around elements). */
function hasToken(buf: Buffer, s: number, e: number, tok: Buffer): boolean {
  let i = s;
  while (i < e) {
    while (i < e && (buf[i] === 32 || buf[i] === 9 || buf[i] === 44)) i++;
    const ts = i;
    while (i < e && buf[i] !== 44 && buf[i] !== 32 && buf[i] !== 9) i++;
    if (h1TokenIs(buf, ts, i, tok)) return true;
  }
  return false;
}

/** Case-insensitive compare of buf[s..e) with a lowercase ASCII token. */
export function h1TokenIs(buf: Buffer, s: number, e: number, tok: Buffer): boolean {
  if (e - s !== tok.length) return false;
  for (let i = 0; i < tok.length; i++) if (H1_LOWER[buf[s + i]] !== tok[i]) return false;
  return true;
}

const T_CHUNKED = Buffer.from('chunked');
const T_CLOSE = Buffer.from('close');
const T_KEEPALIVE = Buffer.from('keep-alive');
const T_UPGRADE = Buffer.from('upgrade');
const M_HEAD = Buffer.from('HEAD');
const M_CONNECT = Buffer.from('CONNECT');

/**
 * One HTTP/1.x message head being parsed. Offsets are into the Buffer last passed to h1Parse (the caller keeps it
 * alive and calls rebase() when it moves the bytes). All fields are set here; reset() reuses the object per message.
 */
export class H1Msg {
  state = H1_ST_START;
  flags = 0;
  /** Where parsing resumes (start of the first incomplete line). */
  next = 0;
  /** Where the LF search of the current incomplete line resumes. */
  scan = 0;
  /** Start of the start line (after skipped empty lines). */
  start = 0;
  /** Offset just after the empty line ending the head (H1_ST_DONE). */
  headEnd = 0;
  err = H1_ERR_NONE;
  errPos = -1;
  // start line: request = method, uri, version; response = version, status digits, reason
  l0s = 0; l0e = 0; l1s = 0; l1e = 0; l2s = 0; l2e = 0;
  status = 0;
  /** Content-Length value, -1 = none. */
  bodyLen = -1;
  /** Flat header index, H1_HDR_STRIDE ints per header; starts small and doubles up to maxhdr (idle memory). */
  hdr: Int32Array;
  nhdr = 0;
  maxhdr: number;
  /** Index of the Host header (-1 none), for fetches. */
  hostIdx = -1;
  teCount = 0;
  /** The last header parsed when it is one acted upon (HDR_*), handled once its obs-fold lines are known. */
  pendId = HDR_OTHER;
  pendX = 0;
  /**
   * Where an error 2.6 reports only once the head is complete starts (-1 none): a malformed request version, a header
   * name over 255 bytes. An unfinished head with one times out (408) instead.
   */
  lateErr = -1;
  /**
   * `option accept-invalid-http-request|response` (set by the stream, kept across reset()): header names may hold
   * any byte but CTLs, space and ':', the URI bytes >= 0x80 and '#', the version any number of digits, as 2.6.
   */
  relaxed = false;

  constructor(isResponse: boolean, maxhdr: number) {
    this.maxhdr = maxhdr;
    const n = (maxhdr < H1_HDR_INITIAL ? maxhdr : H1_HDR_INITIAL) * H1_HDR_STRIDE;
    this.hdr = n === HDR_POOLED && hdrFree.length !== 0 ? hdrFree.pop() as Int32Array : new Int32Array(n);
    this.flags = isResponse ? H1_MF_RESP : 0;
  }

  reset(): void {
    this.state = H1_ST_START;
    this.flags &= H1_MF_RESP;
    this.next = 0; this.scan = 0; this.start = 0; this.headEnd = 0;
    this.err = H1_ERR_NONE; this.errPos = -1;
    this.l0s = 0; this.l0e = 0; this.l1s = 0; this.l1e = 0; this.l2s = 0; this.l2e = 0;
    this.status = 0; this.bodyLen = -1; this.nhdr = 0; this.hostIdx = -1; this.teCount = 0;
    this.pendId = HDR_OTHER; this.pendX = 0; this.lateErr = -1;
  }

  /** Shifts every offset by -delta after the caller moved the unparsed bytes down by delta. */
  rebase(delta: number): void {
    this.next -= delta; this.scan -= delta; this.start -= delta; this.headEnd -= delta;
    this.l0s -= delta; this.l0e -= delta; this.l1s -= delta; this.l1e -= delta; this.l2s -= delta; this.l2e -= delta;
    const h = this.hdr;
    for (let i = 0; i < this.nhdr * H1_HDR_STRIDE; i += H1_HDR_STRIDE) {
      if (h[i] >= 0) h[i] -= delta;
      h[i + 1] -= delta; h[i + 2] -= delta; h[i + 3] -= delta;
    }
  }
}

/** HTX bytes of a request head beyond its wire size and 4 per header (start line block, end of headers, struct). */
const H1_HTX_EXTRA = 79;

/** tune.bufsize - tune.maxrewrite: the room a request head's HTX form must fit in (defaults 16384 - 1024). */
let htxHeadLimit = 16384 - 1024;

/** Sets that room (proxy/http/stream.ts httpSetGlobals, from the global section). */
export function h1SetHtxLimit(n: number): void { htxHeadLimit = n; }

/** Header slots allocated per message up front: two messages per connection stay ~0.5 KB instead of ~3.2 KB. */
const H1_HDR_INITIAL = 16;

/*
 * Header indexes of the initial size outlive their message: a session gives its messages' back when it ends
 * (h1MsgRelease) and the next messages take them. Each is a typed array over 64 bytes, so its memory is malloc'ed
 * outside V8's heap and freed by the young generation's array-buffer sweep: two per Connection: close session were
 * ~1.5% of the proxy's CPU (CreateTypedArray, malloc/free, sweep). 256 spare ones hold 64 KiB at most.
 */
const HDR_POOLED = H1_HDR_INITIAL * H1_HDR_STRIDE;
const HDR_FREE_MAX = 256;
const hdrFree: Int32Array[] = [];
/** The index of released messages: shared, so a late read finds no header of a live message and a write harms none. */
const RELEASED_HDR = new Int32Array(HDR_POOLED);

/**
 * The owner is done with `m` (session end): its header index goes back for the next messages. `m` must not be
 * parsed again; it is left with no headers and a shared scratch index.
 */
export function h1MsgRelease(m: H1Msg): void {
  const h = m.hdr;
  if (h === RELEASED_HDR) return;
  m.hdr = RELEASED_HDR;
  m.nhdr = 0;
  if (h.length === HDR_POOLED && hdrFree.length < HDR_FREE_MAX) hdrFree.push(h);
}

/**
 * Whether a response head in buf[s, e) is already refused (a parse error; an unfinished one is not), looking past
 * complete interim (1xx) heads. For the rare interim response followed by more bytes in the same read
 * (http/stream.ts): allocates a message.
 */
export function h1RspHeadRefused(maxhdr: number, buf: Buffer, s: number, e: number, limit: number): boolean {
  const m = new H1Msg(true, maxhdr);
  let r = 0;
  for (;;) {
    r = h1Parse(m, buf.subarray(s, e), e - s, limit);
    if (r <= 0 || m.status < 100 || m.status >= 200 || m.status === 101 || s + r >= e) break;
    s += r;
    m.reset();
  }
  h1MsgRelease(m);
  return r < 0;
}

function growHdr(m: H1Msg): void {
  const n = m.hdr.length * 2 < m.maxhdr * H1_HDR_STRIDE ? m.hdr.length * 2 : m.maxhdr * H1_HDR_STRIDE;
  const h = new Int32Array(n);
  h.set(m.hdr);
  m.hdr = h;
}

function fail(m: H1Msg, pos: number, code: number): number {
  m.state = H1_ST_ERROR;
  // a 422 (Transfer-Encoding) is found after what 2.6 refuses at the head's end (a malformed version): 400
  m.err = code === H1_ERR_UNPROCESSABLE && m.lateErr >= 0 ? H1_ERR_BAD : code;
  m.errPos = pos;
  return -1;
}

/**
 * Parses buf[m.next, end). Returns > 0 = head complete (the offset just after it, also m.headEnd), 0 = need more
 * bytes (call again with the same message start and more bytes), -1 = error (m.err = status to answer, m.errPos).
 * `limit` is the largest head size accepted (tune.bufsize - tune.maxrewrite): longer heads fail with 400.
 * Modifies buf in place (header names lowercased, obs-fold CR/LF turned into spaces). Keeps no reference to buf.
 */
export function h1Parse(m: H1Msg, buf: Buffer, end: number, limit: number): number {
  nUndo = 0;
  lowFrom = m.nhdr;
  const r = parseHead(m, buf, end, limit);
  if (r <= 0 && nUndo !== 0) undoLower(buf);
  return r;
}

/*
 * Header names are lowercased in place as they are read (their first 31 bytes: one pass over the bytes instead of
 * two), but a head that is refused or not complete yet must keep its bytes as received (`show errors`, and the next
 * read's call): the names this call lowered are listed here, (name start, mask of the bytes changed) pairs, and
 * restored before h1Parse returns anything but a complete head. finishHead lowercases the rest: names read by an
 * earlier call (index < lowFrom), bytes past the 31st, names of a relaxed message.
 */
let caseUndo = new Int32Array(64);
let nUndo = 0;
let lowFrom = 0;

function undoLower(buf: Buffer): void {
  for (let k = 0; k < nUndo; k += 2) {
    const s = caseUndo[k];
    for (let mask = caseUndo[k + 1], i = s; mask !== 0; mask >>>= 1, i++) if ((mask & 1) !== 0) buf[i] -= 32;
  }
  nUndo = 0;
}

function pushUndo(s: number, mask: number): void {
  if (nUndo + 2 > caseUndo.length) { const n = new Int32Array(caseUndo.length * 2); n.set(caseUndo); caseUndo = n; }
  caseUndo[nUndo] = s; caseUndo[nUndo + 1] = mask;
  nUndo += 2;
}

function parseHead(m: H1Msg, buf: Buffer, end: number, limit: number): number {
  let p = m.next;
  while (p < end) {
    let lf = bufIndexOf.call(buf, 10, m.scan > p ? m.scan : p);
    if (lf < 0 || lf >= end) {
      m.next = p;
      m.scan = end;
      if (m.state === H1_ST_START) m.start = p;
      if (end - m.start > limit) return fail(m, end, m.flags & H1_MF_RESP ? 502 : H1_ERR_BAD);
      // Content-Length, Host and a request's Transfer-Encoding are checked once the next line's first byte shows they
      // are not folded (2.6: a bad Content-Length, a second chunked or a coding after chunked followed by an unfinished
      // line is a 400 now, not a 408 later; codings not ending with chunked wait for the head's end, onTransferEncoding)
      if ((m.pendId === HDR_CLEN || m.pendId === HDR_HOST || (m.pendId === HDR_TE && (m.flags & H1_MF_RESP) === 0)) &&
          p < end && buf[p] !== 32 && buf[p] !== 9 && specialHeader(m, buf) < 0) return -1;
      // 2.6 parses byte by byte: a start line or header line already wrong in its first bytes fails now, not at its
      // line end
      const bad = m.state !== H1_ST_HDR ? badLineStart(m, buf, m.start, end) : p < end ? badHeaderStart(m, buf, p, end) : -1;
      if (bad >= 0) return fail(m, bad, m.flags & H1_MF_RESP ? 502 : H1_ERR_BAD);
      return 0;
    }
    // line is [p, le) with le excluding an optional CR before LF
    const le = lf > p && buf[lf - 1] === 13 ? lf - 1 : lf;
    if (m.state === H1_ST_START) {
      if (le === p) { p = lf + 1; continue; }  // leading empty line
      m.start = p;
      m.state = H1_ST_LINE;
    }
    switch (m.state) {
      case H1_ST_LINE: {
        const r = (m.flags & H1_MF_RESP) ? parseStatusLine(m, buf, p, le) : parseRequestLine(m, buf, p, le);
        if (r < 0) return -1;
        m.state = H1_ST_HDR;
        break;
      }
      case H1_ST_HDR: {
        if (le === p) {
          m.headEnd = lf + 1;
          if (m.headEnd - m.start > limit) return fail(m, p, m.flags & H1_MF_RESP ? 502 : H1_ERR_BAD);
          if (m.pendId !== HDR_OTHER && specialHeader(m, buf) < 0) return -1;
          if (finishHead(m, buf) < 0) return -1;
          m.state = H1_ST_DONE;
          m.next = m.headEnd;
          m.scan = m.headEnd;
          return m.headEnd;
        }
        const c0 = buf[p];
        if (c0 === 32 || c0 === 9) {
          // obs-fold: the line continues the previous header value; turn the line break into spaces
          if (m.nhdr === 0) return fail(m, p, H1_ERR_BAD);
          const vi = (m.nhdr - 1) * H1_HDR_STRIDE;
          const prevEnd = m.hdr[vi + 3];
          for (let i = prevEnd; i < p; i++) { const c = buf[i]; if (c === 13 || c === 10) buf[i] = 32; }
          if (bufIndexOf.call(buf, 13, p) < le) return fail(m, p, m.flags & H1_MF_RESP ? 502 : H1_ERR_BAD);
          let ve = le;
          while (ve > p && (buf[ve - 1] === 32 || buf[ve - 1] === 9)) ve--;
          if (ve > p) m.hdr[vi + 3] = ve;
          if (m.hdr[vi + 2] === prevEnd && m.hdr[vi + 3] > prevEnd) {
            let vs = prevEnd;
            while (vs < ve && (buf[vs] === 32 || buf[vs] === 9)) vs++;
            m.hdr[vi + 2] = vs;
          }
          break;
        }
        if (parseHeader(m, buf, p, le) < 0) return -1;
        break;
      }
      default:
        return m.state === H1_ST_DONE ? m.headEnd : -1;
    }
    // m.next / m.scan are stored when the loop leaves (m.scan only matters before the first line: p passes it)
    p = lf + 1;
  }
  m.next = p;
  m.scan = p;
  if (m.state !== H1_ST_START && end - m.start > limit) return fail(m, end, m.flags & H1_MF_RESP ? 502 : H1_ERR_BAD);
  return 0;
}

/**
 * Where an incomplete start line buf[s, e) (no LF yet) already goes wrong, or -1: a response not opening with
 * "HTTP/d.d" then a space, a request method holding a non-token byte. A CR may still start a line end.
 */
function badLineStart(m: H1Msg, buf: Buffer, s: number, e: number): number {
  if ((m.flags & H1_MF_RESP) !== 0) {
    // version bytes, SP/HT, digits, then SP/HT or the line end (the version's form is checked at the head's end)
    let k = s;
    while (k < e && versionBytes(buf, k, k + 1)) k++;
    if (k === e) return -1;
    if (buf[k] === 13) return crEnd(buf, k, e);
    if ((buf[k] !== 32 && buf[k] !== 9) || k === s) return k;
    while (k < e && (buf[k] === 32 || buf[k] === 9)) k++;
    while (k < e && buf[k] >= 48 && buf[k] <= 57) k++;
    if (k < e && buf[k] === 13) return crEnd(buf, k, e);
    return k === e || buf[k] === 32 || buf[k] === 9 ? -1 : k;
  }
  let i = s;
  while (i < e && H1_TOKEN[buf[i]] === 1) i++;
  if (i === e) return -1;
  if (buf[i] === 13) return crEnd(buf, i, e);
  // a space or tab ends the method, but cannot start the line (" world" after a body: 400 at once, as 2.6)
  if (buf[i] !== 32 && buf[i] !== 9) return i;
  if (i === s) return i;
  // then the URI, and a version whose bytes can only be capitals, digits, '/' and '.' ("HTTP/1.x": at the 'x')
  while (i < e && (buf[i] === 32 || buf[i] === 9)) i++;
  while (i < e && buf[i] > 32) i++;
  if (i < e && buf[i] === 13) return crEnd(buf, i, e);
  if (i === e || (buf[i] !== 32 && buf[i] !== 9)) return -1;
  while (i < e && (buf[i] === 32 || buf[i] === 9)) i++;
  while (i < e && versionBytes(buf, i, i + 1)) i++;
  if (i < e && buf[i] === 13) return crEnd(buf, i, e);
  if (i === e || m.relaxed) return -1;
  return i;
}

/** A CR at buf[k] of an unfinished line: fine while it may still be a CRLF, wrong at once with a byte after it. */
function crEnd(buf: Buffer, k: number, e: number): number {
  return k + 1 < e ? k : -1;
}

/**
 * Where an incomplete header line buf[s, e) (no LF yet) already goes wrong, or -1: a CR not followed by LF, a byte no
 * name can hold before the colon (an empty name too), a CR inside the value with a byte after it.
 */
function badHeaderStart(m: H1Msg, buf: Buffer, s: number, e: number): number {
  const c0 = buf[s];
  if (c0 === 13) return s + 1 < e ? s + 1 : -1;
  let i = s;
  if (c0 !== 32 && c0 !== 9) {
    while (i < e) {
      const c = buf[i];
      if (H1_TOKEN[c] !== 1 && (!m.relaxed || c === 58)) break;
      i++;
    }
    if (i === e) return -1;
    if (buf[i] !== 58 || i === s) return i;
  }
  const cr = bufIndexOf.call(buf, 13, i);
  return cr >= 0 && cr < e - 1 ? cr : -1;
}

function parseRequestLine(m: H1Msg, buf: Buffer, p: number, le: number): number {
  // 2.6 takes runs of spaces and tabs between the three parts; the URI refuses CTLs, '#' and bytes >= 0x80
  let i = p;
  while (i < le && H1_TOKEN[buf[i]] === 1) i++;
  if (i === p || i >= le || (buf[i] !== 32 && buf[i] !== 9)) return fail(m, i, H1_ERR_BAD);
  m.l0s = p; m.l0e = i;
  if (buf[i] !== 32 || buf[i + 1] === 32 || buf[i + 1] === 9) m.flags |= H1_MF_SL_REBUILD;
  while (i < le && (buf[i] === 32 || buf[i] === 9)) i++;
  const us = i;
  // as 2.6.12 on x86: 4 bytes at a time while a word passes its two-subtraction test (which also lets DEL and
  // 0x80-0xa3 through inside a word of other bytes), then byte by byte to the URI's end, where DEL, CTLs, '#' and
  // bytes >= 0x80 fail (fixtures/proxy/http-diff d3-uri-*)
  while (i + 4 <= le) {
    let x = ((buf[i] | (buf[i + 1] << 8) | (buf[i + 2] << 16) | (buf[i + 3] << 24)) - 0x24242424) | 0;
    if ((x & 0x80808080) !== 0) break;
    x = (x - 0x5b5b5b5b) | 0;
    if ((x & 0x80808080) === 0) break;
    i += 4;
  }
  while (i < le) {
    const c = buf[i];
    if (c <= 32 || c === 127 || ((c >= 128 || c === 35) && !m.relaxed)) break;
    i++;
  }
  if (i === us || i >= le || (buf[i] !== 32 && buf[i] !== 9)) return fail(m, i, H1_ERR_BAD);
  m.l1s = us; m.l1e = i;
  if (buf[i] !== 32 || buf[i + 1] === 32 || buf[i + 1] === 9) m.flags |= H1_MF_SL_REBUILD;
  while (i < le && (buf[i] === 32 || buf[i] === 9)) i++;
  // "HTTP/" DIGIT "." DIGIT
  if (le - i !== 8 || buf[i] !== 72 || buf[i + 1] !== 84 || buf[i + 2] !== 84 || buf[i + 3] !== 80 || buf[i + 4] !== 47 ||
      buf[i + 5] < 48 || buf[i + 5] > 57 || buf[i + 6] !== 46 || buf[i + 7] < 48 || buf[i + 7] > 57) {
    // 2.6 reads a version made of capitals, "/.", digits ("HTTP/10.1", "XXXX/1.1") to its line end and refuses it only
    // once the head is complete (an unfinished head times out: 408); another byte fails at once
    if (i === le || !versionBytes(buf, i, le)) return fail(m, i, H1_ERR_BAD);
    // accept-invalid-http-request: such a version passes ("HTTP/1.10", "HTTP/1." taken as below 1.1: 2.6 adds
    // keep-alive); "????/d.d" is read as d.d ("XXXX/1.1" goes out as "HTTP/1.1")
    if (!m.relaxed) { if (m.lateErr < 0) m.lateErr = i; }
    else if (le - i === 8 && buf[i + 4] === 47 && buf[i + 5] >= 48 && buf[i + 5] <= 57 && buf[i + 6] === 46 &&
      buf[i + 7] >= 48 && buf[i + 7] <= 57 && (buf[i + 5] > 49 || (buf[i + 5] === 49 && buf[i + 7] >= 49))) m.flags |= H1_MF_VER_11;
  } else if (buf[i + 5] > 49 || (buf[i + 5] === 49 && buf[i + 7] >= 49)) m.flags |= H1_MF_VER_11;
  m.l2s = i; m.l2e = le;
  const ml = m.l0e - m.l0s;
  if (ml === 4 && litEq(buf, m.l0s, M_HEAD)) m.flags |= H1_MF_METH_HEAD;
  else if (ml === 7 && litEq(buf, m.l0s, M_CONNECT)) m.flags |= H1_MF_METH_CONNECT;
  // 2.6 checks the target's form against the method once the head is complete (an unfinished head: 408)
  if (!targetFormOk(m, buf, us, m.l1e) && m.lateErr < 0) m.lateErr = us;
  return 0;
}

/**
 * The request-target's form against the method, as 2.6 checks it: CONNECT takes only "host:port" (a 400 once the head
 * is complete); for other methods the target's authority must match the Host header (http/normalize.ts).
 */
function targetFormOk(m: H1Msg, buf: Buffer, us: number, ue: number): boolean {
  const c0 = buf[us];
  if ((m.flags & H1_MF_METH_CONNECT) !== 0) {
    const colon = buf.lastIndexOf(58, ue - 1);
    if (c0 === 47 || colon <= us || colon === ue - 1) return false;
    for (let i = colon + 1; i < ue; i++) if (buf[i] < 48 || buf[i] > 57) return false;
    return true;
  }
  return true;       // other forms: normalize.ts compares their authority with the Host header
}

function parseStatusLine(m: H1Msg, buf: Buffer, p: number, le: number): number {
  // 2.6: version bytes up to SP/HT ("HTTP/d.d", another form refused only at the head's end), spaces/tabs, one or more
  // digits (any count: "99", "1000", "65736" pass), then nothing or spaces/tabs and a reason (CTLs but CR taken); a line it
  // would write differently is flagged for re-emission
  const i = p;
  let k = i;
  while (k < le && VERSION_CHAR[buf[k]] === 1) k++;
  if (k === i || k === le || (buf[k] !== 32 && buf[k] !== 9)) return fail(m, k, 502);
  // a response's version only needs the form "????/d.d" ("XXXX/1.0" passes, and is written back as it came unless it
  // is 1.1 or above: "1234/1.1" goes out as "HTTP/1.1")
  const verOk = k - i === 8 && buf[i + 4] === 47 && buf[i + 5] >= 48 && buf[i + 5] <= 57 && buf[i + 6] === 46 &&
    buf[i + 7] >= 48 && buf[i + 7] <= 57;
  // accept-invalid-http-response: any such version passes ("HTTP/1.10", "HTTP/1."), taken as below 1.1, written as it came
  if (!verOk && m.lateErr < 0 && !m.relaxed) m.lateErr = i;
  let rebuild = buf[k] !== 32;
  let c = k + 1;
  while (c < le && (buf[c] === 32 || buf[c] === 9)) { c++; rebuild = true; }
  const ds = c;
  let st = 0;
  // 2.6 keeps the code's low 16 bits ("65736" is a 200, "99999" is 34463; logged signed, as -31073)
  while (c < le && buf[c] >= 48 && buf[c] <= 57) { st = (st * 10 + buf[c] - 48) & 0xffff; c++; }
  if (c === ds) return fail(m, ds, 502);
  if (c < le && buf[c] !== 32 && buf[c] !== 9) return fail(m, c, 502);
  m.l0s = i; m.l0e = k;
  if (verOk && (buf[i + 5] > 49 || (buf[i + 5] === 49 && buf[i + 7] >= 49))) {
    m.flags |= H1_MF_VER_11;
    if (buf[i + 5] !== 49 || buf[i + 7] !== 49 || buf[i] !== 72 || buf[i + 1] !== 84 || buf[i + 2] !== 84 || buf[i + 3] !== 80) {
      rebuild = true;
    }
  }
  m.status = st;
  m.l1s = ds; m.l1e = c;
  if (c === le) rebuild = true;                       // no reason: written "HTTP/1.1 200 "
  else if (buf[c] !== 32) rebuild = true;
  let r = c;
  while (r < le && (buf[r] === 32 || buf[r] === 9)) r++;
  if (r > c + 1) rebuild = true;
  m.l2s = r; m.l2e = le;
  if (rebuild) m.flags |= H1_MF_SL_REBUILD;
  const cr = bufIndexOf.call(buf, 13, i);
  if (cr >= 0 && cr < le) return fail(m, i, 502);
  return 0;
}

/** The start line as 2.6 writes it from its parsed parts (versions above 1.1 as HTTP/1.1), for H1_MF_SL_REBUILD. */
export function h1StartLine(m: H1Msg, buf: Buffer): string {
  const resp = (m.flags & H1_MF_RESP) !== 0;
  const vs = resp ? m.l0s : m.l2s, ve = resp ? m.l0e : m.l2e;
  const ver = (m.flags & H1_MF_VER_11) !== 0 ? 'HTTP/1.1' : buf.toString('latin1', vs, ve);
  if (resp) return ver + ' ' + buf.toString('latin1', m.l1s, m.l1e) + ' ' + buf.toString('latin1', m.l2s, m.l2e);
  return buf.toString('latin1', m.l0s, m.l0e) + ' ' + buf.toString('latin1', m.l1s, m.l1e) + ' ' + ver;
}

/** buf[i, le) holds only bytes 2.6 reads as version bytes (capitals, digits, '/', '.'; "XXXX/1.0" is one). */
function versionBytes(buf: Buffer, i: number, le: number): boolean {
  for (let k = i; k < le; k++) {
    const c = buf[k];
    if (c !== 47 && c !== 46 && (c < 48 || c > 57) && (c < 65 || c > 90)) return false;
  }
  return true;
}

function parseHeader(m: H1Msg, buf: Buffer, p: number, le: number): number {
  let i = p | 0;
  const e = le | 0;
  if (!m.relaxed) {
    // token bytes; the uppercase ones among the first 31 lowercased now (see caseUndo)
    const lim = e - i > 31 ? i + 31 : e;
    let mask = 0;
    while (i < lim) {
      const c = buf[i];
      const t = NAME_CHAR[c];
      if (t !== 1) {
        if (t === 0) break;
        buf[i] = c + 32;
        mask |= 1 << (i - p);
      }
      i++;
    }
    if (mask !== 0) pushUndo(p, mask);
    if (i === lim) while (i < e && H1_TOKEN[buf[i]] === 1) i++;
  } else {
    // accept-invalid-http-*: any name byte but ':' (2.6.12 takes spaces, CTLs, DEL and 8-bit bytes there)
    while (i < e && buf[i] !== 58) i++;
  }
  if (i === p || i >= e || buf[i] !== 58) return fail(m, i, m.flags & H1_MF_RESP ? 502 : H1_ERR_BAD);
  // HTX stores a header name's length in 8 bits: 2.6 refuses longer names (400 / 502) when it converts the head
  if (i - p > 255 && m.lateErr < 0) m.lateErr = p;
  const ne = i;
  i++;
  while (i < le && (buf[i] === 32 || buf[i] === 9)) i++;
  let ve = le;
  while (ve > i && (buf[ve - 1] === 32 || buf[ve - 1] === 9)) ve--;
  const cr = bufIndexOf.call(buf, 13, i);
  if (cr >= 0 && cr < le) return fail(m, cr, m.flags & H1_MF_RESP ? 502 : H1_ERR_BAD);
  const n = m.nhdr;
  if (n >= m.maxhdr - 1) return fail(m, p, m.flags & H1_MF_RESP ? 502 : H1_ERR_BAD);
  if ((n + 1) * H1_HDR_STRIDE > m.hdr.length) growHdr(m);
  if (m.pendId !== HDR_OTHER && specialHeader(m, buf) < 0) return -1;
  const x = n * H1_HDR_STRIDE;
  const h = m.hdr;
  h[x] = p; h[x + 1] = ne; h[x + 2] = i; h[x + 3] = ve;
  m.nhdr = n + 1;
  // the value may go on over obs-fold lines ("Content-Length:\r\n 5"): read it once the next line is not one
  m.pendId = headerId(buf, p, ne, m.relaxed);
  m.pendX = x;
  return 0;
}

/** Acts on the last header parsed, a framing or routing one (m.pendId), now that its value is complete. */
function specialHeader(m: H1Msg, buf: Buffer): number {
  const bad = m.flags & H1_MF_RESP ? 502 : H1_ERR_BAD;
  const id = m.pendId, x = m.pendX;
  const i = m.hdr[x + 2], ve = m.hdr[x + 3];
  m.pendId = HDR_OTHER;
  switch (id) {
    case HDR_CLEN: return onContentLength(m, buf, i, ve, x);
    case HDR_TE: return onTransferEncoding(m, buf, i, ve);
    case HDR_CONN: return onConnection(m, buf, i, ve, x);
    case HDR_HOST:
      if (m.hostIdx >= 0) {
        const h = m.hostIdx * H1_HDR_STRIDE;
        if (!sameTextIgnoringCase(buf, i, ve, m.hdr[h + 2], m.hdr[h + 3])) return fail(m, m.hdr[x], bad);
        m.hdr[x] = -1;
      } else {
        m.hostIdx = x / H1_HDR_STRIDE;
      }
      return 0;
    case HDR_UPGRADE:
      m.flags |= H1_MF_UPGRADE;
      if (hasToken(buf, i, ve, T_WEBSOCKET)) m.flags |= H1_MF_UPG_WS;
      return 0;
    case HDR_WS_KEY:
      // the key names the request's header, the accept the response's: each only counts on its own side, and a
      // request's key only when 24 bytes long (base64 of 16 bytes; 2.6 checks its length alone)
      if ((m.flags & H1_MF_RESP) === 0 ? m.hdr[x + 1] - m.hdr[x] === 17 && ve - i === 24 : m.hdr[x + 1] - m.hdr[x] === 20) m.flags |= H1_MF_WS_KEY;
      return 0;
    case HDR_EXPECT:
      if (h1TokenIs(buf, i, ve, V_100_CONTINUE)) m.flags |= H1_MF_EXPECT;
      return 0;
    case HDR_TE_HOP: return (m.flags & H1_MF_RESP) === 0 ? onTeHop(m, buf, i, ve, x) : 0;
    default: return 0;
  }
}

/**
 * A request's TE header: 2.6 forwards it as "te: trailers" when its list holds the token "trailers" (exactly so: not
 * "Trailers", not "trailers;q=1"), and drops it otherwise (compared side by side with 2.6.12).
 */
function onTeHop(m: H1Msg, buf: Buffer, s: number, e: number, x: number): number {
  let i = s;
  while (i < e) {
    while (i < e && (buf[i] === 32 || buf[i] === 9 || buf[i] === 44)) i++;
    const ts = i;
    while (i < e && buf[i] !== 44 && buf[i] !== 32 && buf[i] !== 9) i++;
    if (i - ts === 8 && litEq(buf, ts, T_TRAILERS)) { m.hdr[x + 2] = ts; m.hdr[x + 3] = i; return 0; }
  }
  m.hdr[x] = -1;
  return 0;
}

/** buf[s, e) and buf[s2, e2) hold the same bytes but for ASCII case (2.6 drops a second Host equal to the first so). */
function sameTextIgnoringCase(buf: Buffer, s: number, e: number, s2: number, e2: number): boolean {
  if (e - s !== e2 - s2) return false;
  for (let k = 0; k < e - s; k++) if (H1_LOWER[buf[s + k]] !== H1_LOWER[buf[s2 + k]]) return false;
  return true;
}

/**
 * A Content-Length value of more than 15 digits, as 2.6.12 reads it into 64 bits: a multiplication past 2^64 is an
 * error (-1); the addition of each digit is checked with a signed compare, so only a sum crossing 2^63 fails
 * (9223372036854775808 and ...809), and 2^64 to 2^64 + 3 wrap to 0 to 3 (measured, fixtures/proxy/http-diff).
 * Values past 2^53 come out as inexact doubles (a body that long never completes). Rare path (BigInt).
 */
function longContentLength(buf: Buffer, s: number, e: number): number {
  let v = 0n;
  for (let k = s; k < e; k++) {
    if (v > 1844674407370955161n) return -1;
    const m = BigInt.asUintN(64, v * 10n);
    const sum = BigInt.asUintN(64, m + BigInt(buf[k] - 48));
    if (BigInt.asIntN(64, sum) < BigInt.asIntN(64, m)) return -1;
    v = sum;
  }
  return Number(v);
}

/** Content-Length: "digits" or a comma list of equal digits; a second header must carry the same value. */
function onContentLength(m: H1Msg, buf: Buffer, s: number, e: number, x: number): number {
  const bad = m.flags & H1_MF_RESP ? 502 : H1_ERR_BAD;
  let val = -1;
  let i = s;
  let firstEnd = -1;
  for (;;) {
    let n = 0, digits = 0;
    const ds = i;
    while (i < e) {
      const d = buf[i] - 48;
      if (d < 0 || d > 9) break;
      n = n * 10 + d;
      digits++;
      i++;
    }
    if (digits === 0) return fail(m, i, bad);
    if (digits > 15 && (n = longContentLength(buf, ds, i)) < 0) return fail(m, i, bad);
    if (val >= 0 && n !== val) return fail(m, i, bad);
    val = n;
    if (firstEnd < 0) firstEnd = i;
    while (i < e && (buf[i] === 32 || buf[i] === 9)) i++;
    if (i === e) break;
    if (buf[i] !== 44) return fail(m, i, bad);
    i++;
    while (i < e && (buf[i] === 32 || buf[i] === 9)) i++;
  }
  if (m.flags & H1_MF_CLEN) {
    if (val !== m.bodyLen) return fail(m, s, bad);
    m.hdr[x] = -1;                       // same value again: keep one
    return 0;
  }
  m.flags |= H1_MF_CLEN;
  m.bodyLen = val;
  // a list "5, 5" is forwarded as its first value, a single value as it came ("005" stays "005", as in 2.6)
  m.hdr[x + 3] = firstEnd;
  return 0;
}

/**
 * Transfer-Encoding: only a single `chunked` (a response: 502). A request's codings add up over its Transfer-Encoding
 * headers ("gzip" then "chunked" is "gzip, chunked"): a coding after chunked or a second chunked is a 400 at once,
 * the rest is judged by finishHead once the head is complete (not chunked last: 400, other codings: 422).
 */
function onTransferEncoding(m: H1Msg, buf: Buffer, s: number, e: number): number {
  const resp = (m.flags & H1_MF_RESP) !== 0;
  let i = s;
  let others = 0;
  let chunkedLast = false;
  while (i < e) {
    while (i < e && (buf[i] === 32 || buf[i] === 9)) i++;
    const ts = i;
    // a coding with parameters ("chunked;q=1") or more words ("chunked chunked") is not chunked (2.6: 400)
    while (i < e && buf[i] !== 44 && buf[i] !== 32 && buf[i] !== 9) i++;
    const te = i;
    while (i < e && (buf[i] === 32 || buf[i] === 9)) i++;
    const alone = i === e || buf[i] === 44;
    while (i < e && buf[i] !== 44) i++;
    if (i < e) i++;                              // the comma
    if (alone && h1TokenIs(buf, ts, te, T_CHUNKED)) {
      if (chunkedLast || (m.flags & H1_MF_CHNK)) return fail(m, ts, resp ? 502 : H1_ERR_BAD);
      chunkedLast = true;
    } else {
      if (chunkedLast) {
        if (resp) { chunkedLast = false; others++; continue; }
        return fail(m, ts, H1_ERR_BAD);
      }
      if (!resp && (m.flags & H1_MF_CHNK) !== 0) return fail(m, ts, H1_ERR_BAD);
      others++;
    }
  }
  m.teCount++;
  if (resp) {
    // 2.6 refuses a response whose codings are not chunked alone (502: "gzip, chunked" too, a request's is a 422)
    if (!chunkedLast || others > 0) return fail(m, s, 502);
    m.flags = (m.flags | H1_MF_CHNK) & ~H1_MF_TE_OTHER;
    return 0;
  }
  if (chunkedLast) m.flags |= H1_MF_CHNK;
  if (others > 0) m.flags |= H1_MF_TE_OTHER;
  return 0;
}

function onConnection(m: H1Msg, buf: Buffer, s: number, e: number, x: number): number {
  let i = s;
  let other = false, known = false;
  while (i < e) {
    while (i < e && (buf[i] === 32 || buf[i] === 9 || buf[i] === 44)) i++;
    if (i >= e) break;
    // an element runs to the next comma, spaces inside it included ("kee/p;alive- close" is no "close": 2.6.12)
    const ts = i;
    while (i < e && buf[i] !== 44) i++;
    let te = i;
    while (te > ts && (buf[te - 1] === 32 || buf[te - 1] === 9)) te--;
    if (h1TokenIs(buf, ts, te, T_CLOSE)) { m.flags |= H1_MF_CONN_CLO; known = true; }
    else if (h1TokenIs(buf, ts, te, T_KEEPALIVE)) { m.flags |= H1_MF_CONN_KAL; known = true; }
    else {
      if (h1TokenIs(buf, ts, te, T_UPGRADE)) m.flags |= H1_MF_CONN_UPG;
      other = true;
    }
  }
  if (!other) { m.hdr[x] = -1; return 0; }   // only close/keep-alive: the stream writes its own Connection header
  m.flags |= H1_MF_CONN_OTHER;
  if (known) m.hdr[x + 3] = dropConnTokens(buf, s, e);
  return 0;
}

/**
 * Removes the close/keep-alive elements from the Connection value buf[s, e) in place, as 2.6 does: an element goes
 * with the separator after it ("a,keep-alive,  b" -> "a,b"), the last one with the separator before it ("a, close"
 * -> "a"). Returns the new end. Rare path (a Connection header mixing them with other tokens).
 */
function dropConnTokens(buf: Buffer, s: number, e: number): number {
  let v = buf.toString('latin1', s, e);
  for (let from = 0; ;) {
    const c = v.indexOf(',', from);
    const el = v.slice(from, c < 0 ? v.length : c).trim().toLowerCase();
    if (el === 'close' || el === 'keep-alive') {
      if (c >= 0) {
        let n = c + 1;
        while (n < v.length && (v[n] === ' ' || v[n] === '\t')) n++;
        v = v.slice(0, from) + v.slice(n);
        continue;
      }
      let p = from;
      while (p > 0 && (v[p - 1] === ' ' || v[p - 1] === '\t')) p--;
      v = v.slice(0, p > 0 ? p - 1 : 0);
      break;
    }
    if (c < 0) break;
    from = c + 1;
    while (from < v.length && (v[from] === ' ' || v[from] === '\t')) from++;
  }
  return s + buf.write(v, s, 'latin1');
}

/** Cross-header checks once the head is complete: TE wins over CL (CL removed, connection closed after). */
function finishHead(m: H1Msg, buf: Buffer): number {
  if (m.lateErr >= 0) return fail(m, m.lateErr, m.flags & H1_MF_RESP ? 502 : H1_ERR_BAD);
  if ((m.flags & (H1_MF_CHNK | H1_MF_TE_OTHER)) !== 0 && (m.flags & H1_MF_CLEN) !== 0) {
    const h = m.hdr;
    for (let x = 0; x < m.nhdr * H1_HDR_STRIDE; x += H1_HDR_STRIDE) {
      if (h[x] >= 0 && h[x + 1] - h[x] === 14 && litEqi(buf, h[x], N_CONTENT_LENGTH)) h[x] = -1;
    }
    m.flags = (m.flags & ~H1_MF_CLEN) | H1_MF_TE_CL;
    m.bodyLen = -1;
  }
  // 2.6 refuses a head whose HTX form (4 bytes more per header than on the wire, plus a fixed part) would not fit:
  // measured with tune.bufsize 16384 (8192), the largest request or response head passing is 15281 (7081) - 4 x headers
  if (m.headEnd - m.start + 4 * m.nhdr + H1_HTX_EXTRA > htxHeadLimit) return fail(m, m.start, m.flags & H1_MF_RESP ? 502 : H1_ERR_BAD);
  // a request's Transfer-Encoding codings (onTransferEncoding), judged before the WebSocket key: not ending with
  // chunked, 400; chunked after other codings, 422
  if (m.teCount !== 0 && (m.flags & H1_MF_RESP) === 0) {
    if ((m.flags & H1_MF_CHNK) === 0) return fail(m, m.start, H1_ERR_BAD);
    if ((m.flags & H1_MF_TE_OTHER) !== 0) return fail(m, m.start, H1_ERR_UNPROCESSABLE);
  }
  // a WebSocket upgrade request without a key of 24 bytes is refused (2.6: 400)
  if ((m.flags & (H1_MF_RESP | H1_MF_CONN_UPG | H1_MF_UPG_WS | H1_MF_WS_KEY)) === (H1_MF_CONN_UPG | H1_MF_UPG_WS)) {
    return fail(m, m.start, H1_ERR_BAD);
  }
  // a chunked HTTP/1.0 request is served, then the connection closes (2.6, even with Connection: keep-alive)
  if ((m.flags & (H1_MF_RESP | H1_MF_VER_11 | H1_MF_CHNK)) === H1_MF_CHNK) m.flags |= H1_MF_TE_CL;
  if ((m.flags & (H1_MF_CHNK | H1_MF_CLEN)) !== 0) m.flags |= H1_MF_XFER_LEN;
  // the method "PRI" (any case, any target and version: the HTTP/2 preface's line) is refused by 2.6's stream once the
  // head passed every check above (a whole preface in a connection's first read is answered as HTTP/2: h1IsH2Preface)
  if ((m.flags & H1_MF_RESP) === 0 && m.l0e - m.l0s === 3 && (buf[m.l0s] | 32) === 112 && (buf[m.l0s + 1] | 32) === 114 &&
      (buf[m.l0s + 2] | 32) === 105) return fail(m, m.l0s, H1_ERR_H2_PRI);
  // "close" wins over "keep-alive" wherever each stands (2.6 closes an HTTP/1.0 "Connection: close, keep-alive")
  if ((m.flags & H1_MF_CONN_CLO) !== 0) m.flags &= ~H1_MF_CONN_KAL;
  // names are all lowercase now that the head is accepted (a refused one keeps its bytes as received: caseUndo): those
  // parseHeader has not lowercased yet
  const h = m.hdr;
  const relaxed = m.relaxed;
  for (let x = 0; x < m.nhdr * H1_HDR_STRIDE; x += H1_HDR_STRIDE) {
    let i = h[x];
    if (i < 0) continue;                             // removed (its start is gone): never written out
    const e = h[x + 1];
    if (!relaxed && x >= lowFrom * H1_HDR_STRIDE) {
      if (e - i <= 31) continue;
      i += 31;
    }
    for (; i < e; i++) { const c = buf[i]; if (c >= 0x41 && c <= 0x5a) buf[i] = c + 0x20; }
  }
  return 0;
}

const H2_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

/**
 * A connection's first request starts with the whole 24-byte HTTP/2 connection preface. 2.6 takes such a connection as
 * HTTP/2 on an HTTP/1 bind; Sluice answers it as 2.6 does to a client that says nothing more (its SETTINGS frame, then
 * GOAWAY with no error) and closes, forwarding nothing. A shorter or altered preface is an HTTP/1 request of method
 * PRI, refused (400). Rare path: one byte compare per read of a connection's first head.
 */
export function h1IsH2Preface(buf: Buffer, end: number): boolean {
  return end >= 24 && buf[0] === 80 && buf.compare(H2_PREFACE, 0, 24, 0, 24) === 0;
}

/** 2.6's SETTINGS (MAX_CONCURRENT_STREAMS 100, ENABLE_CONNECT_PROTOCOL 1) and GOAWAY (last stream 0, NO_ERROR). */
export const H2_PREFACE_REPLY = Buffer.from('00000c0400000000000008000000010003000000640000080700000000000000000000000000', 'hex');
