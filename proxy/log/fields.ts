/*
 * Field writers of log lines: each writes one value (text with HAProxy's +Q/+E quoting and #XX encoding, integers
 * in decimal or +X hex, addresses, ports, captures) into a Buffer at an offset and returns the new offset; no
 * allocation. Used by the code that log/emit-gen.ts generates per log-format. Hot path: yes.
 */
import { LF_FLAG_Q, LF_FLAG_X, LF_FLAG_E } from './format-tokens.ts';
import { putUint } from './syslog.ts';

const HEX = '0123456789ABCDEF';

/* Encoding maps (1 = write as #XX): control chars, DEL and above, plus `"#` for URLs and `"#{|}` for headers. */
export const URL_ENC = new Uint8Array(256);
export const HDR_ENC = new Uint8Array(256);
for (let c = 0; c < 256; c++) {
  const ctl = c < 32 || c >= 127 ? 1 : 0;
  URL_ENC[c] = ctl;
  HDR_ENC[c] = ctl;
}
for (const ch of '"#') URL_ENC[ch.charCodeAt(0)] = 1;
for (const ch of '"#{|}') HDR_ENC[ch.charCodeAt(0)] = 1;

/** Writes `-` (or `""` under +Q) for an absent value. */
export function putAbsent(buf: Buffer, off: number, opts: number): number {
  if ((opts & LF_FLAG_Q) !== 0) { buf[off] = 0x22; buf[off + 1] = 0x22; return off + 2; }
  buf[off] = 0x2d;
  return off + 1;
}

/** An empty text as 2.6 prints an empty capture or a `%{-M}` sample: nothing, or `""` under +Q. */
export function putEmpty(buf: Buffer, off: number, opts: number): number {
  if ((opts & LF_FLAG_Q) !== 0) { buf[off] = 0x22; buf[off + 1] = 0x22; return off + 2; }
  return off;
}

/**
 * Writes `str` (latin1) with HAProxy's string options: +Q quotes, +E backslash-escapes `"`, `\` and `]`, `enc`
 * (URL_ENC/HDR_ENC or null) writes flagged bytes as `#XX`. Cuts the text so the buffer is never overrun.
 */
export function putText(buf: Buffer, off: number, str: string, opts: number, enc: Uint8Array | null, cap: number): number {
  const q = (opts & LF_FLAG_Q) !== 0;
  if (q) buf[off++] = 0x22;
  // the text is cut where the line's room ends (an escaped byte only whole), keeping room for the closing quote
  const end = q ? cap - 1 : cap;
  if (enc === null && (opts & LF_FLAG_E) === 0) {
    let n = str.length;
    if (n > end - off) n = end > off ? end - off : 0;
    if (n <= 48) { for (let i = 0; i < n; i++) buf[off + i] = str.charCodeAt(i); off += n; }
    else off += buf.write(n === str.length ? str : str.slice(0, n), off, 'latin1');
  } else {
    const esc = (opts & LF_FLAG_E) !== 0;
    for (let i = 0; i < str.length; i++) {
      const c = str.charCodeAt(i) & 0xff;
      if (esc && (c === 0x22 || c === 0x5c || c === 0x5d)) {
        if (off + 2 > end) break;
        buf[off++] = 0x5c; buf[off++] = c;
      } else if (enc !== null && enc[c] === 1) {
        if (off + 3 > end) break;
        buf[off++] = 0x23; buf[off++] = HEX.charCodeAt(c >> 4); buf[off++] = HEX.charCodeAt(c & 15);
      } else {
        if (off + 1 > end) break;
        buf[off++] = c;
      }
    }
  }
  if (q) buf[off++] = 0x22;
  return off;
}

/** Writes a string field, or `-`/`""` when it is empty. */
export function putField(buf: Buffer, off: number, str: string | null, opts: number, enc: Uint8Array | null, cap: number): number {
  if (str === null || str.length === 0) return putAbsent(buf, off, opts);
  return putText(buf, off, str, opts, enc, cap);
}

/** putField for a field without +Q, +E or encoding (most names): the text as is, cut at `cap`; `-` when empty. */
export function putFieldPlain(buf: Buffer, off: number, str: string | null, cap: number): number {
  if (str === null || str.length === 0) { buf[off] = 0x2d; return off + 1; }
  let n = str.length;
  if (n > cap - off) n = cap > off ? cap - off : 0;
  if (n <= 48) { for (let i = 0; i < n; i++) buf[off + i] = str.charCodeAt(i); return off + n; }
  return off + buf.write(n === str.length ? str : str.slice(0, n), off, 'latin1');
}

const HEX_B = Buffer.from(HEX, 'latin1');

/**
 * putField for an encoded field without +E (`%{+Q}r`, captures): one test per byte when the line has room for every
 * byte encoded, else putText (which cuts exactly where the room ends).
 */
export function putFieldEnc(buf: Buffer, off: number, str: string | null, opts: number, enc: Uint8Array, cap: number): number {
  if (str === null || str.length === 0) return putAbsent(buf, off, opts);
  const n = str.length;
  if (off + 3 * n + 2 > cap) return putText(buf, off, str, opts, enc, cap);
  const q = (opts & LF_FLAG_Q) !== 0;
  if (q) buf[off++] = 0x22;
  for (let i = 0; i < n; i++) {
    const c = str.charCodeAt(i) & 0xff;
    if (enc[c] === 0) buf[off++] = c;
    else { buf[off] = 0x23; buf[off + 1] = HEX_B[c >> 4]; buf[off + 2] = HEX_B[c & 15]; off += 3; }
  }
  if (q) buf[off++] = 0x22;
  return off;
}

/** Writes a (possibly negative) integer, in uppercase hex under +X. */
export function putInt(buf: Buffer, off: number, n: number, opts: number): number {
  if ((opts & LF_FLAG_X) !== 0 && n >= 0) return putHex(buf, off, n, 0);
  if (n < 0) { buf[off++] = 0x2d; n = -n; }
  return putUint(buf, off, n);
}

/**
 * A numeric `%[sample]`: 2.6 prints every sample as its text, so +Q quotes a number and +X leaves it in decimal.
 */
export function putNumText(buf: Buffer, off: number, n: number, opts: number): number {
  const q = (opts & LF_FLAG_Q) !== 0;
  if (q) buf[off++] = 0x22;
  off = putInt(buf, off, n, 0);
  if (q) buf[off++] = 0x22;
  return off;
}

/** Uppercase hex, left-padded with zeros to `width` digits (0 = no padding). */
export function putHex(buf: Buffer, off: number, n: number, width: number): number {
  let digits = 1;
  for (let t = n; t >= 16; t = Math.floor(t / 16)) digits++;
  if (digits < width) digits = width;
  for (let i = digits - 1; i >= 0; i--) { buf[off + i] = HEX.charCodeAt(n % 16); n = Math.floor(n / 16); }
  return off + digits;
}

/** An IP address field; under +X an IPv4 address is written as 8 hex digits (`7F000001`). */
export function putIp(buf: Buffer, off: number, ip: string, opts: number, cap: number): number {
  if (ip === '') return putAbsent(buf, off, opts);
  if ((opts & LF_FLAG_X) !== 0) {
    let v = 0;
    let part = 0;
    let dots = 0;
    for (let i = 0; i < ip.length; i++) {
      const c = ip.charCodeAt(i);
      if (c === 0x2e) { v = v * 256 + part; part = 0; dots++; }
      else if (c >= 0x30 && c <= 0x39) part = part * 10 + c - 0x30;
      else { dots = -1; break; }
    }
    if (dots === 3) return putHex(buf, off, v * 256 + part, 8);
  }
  return putText(buf, off, ip, opts, null, cap);
}

export function putPort(buf: Buffer, off: number, port: number, ip: string, opts: number): number {
  if (ip === '') return putAbsent(buf, off, opts);
  if ((opts & LF_FLAG_X) !== 0) return putHex(buf, off, port, 4);
  return putUint(buf, off, port);
}

/** Captures as `{v1|v2}` (%hr/%hs); nothing at all when the stream has no capture array (bad request). */
export function putCapturesBraced(buf: Buffer, off: number, caps: readonly (string | null)[], opts: number, cap: number): number {
  if (caps.length === 0) return off;
  if ((opts & LF_FLAG_Q) !== 0) buf[off++] = 0x22;
  buf[off++] = 0x7b;
  for (let i = 0; i < caps.length; i++) {
    if (i > 0) buf[off++] = 0x7c;
    const v = caps[i];
    if (v !== null) off = putText(buf, off, v, opts & ~LF_FLAG_Q, HDR_ENC, cap);
  }
  buf[off++] = 0x7d;
  if ((opts & LF_FLAG_Q) !== 0) buf[off++] = 0x22;
  return off;
}

/** Captures as separate fields (%hrl/%hsl). */
export function putCapturesList(buf: Buffer, off: number, caps: readonly (string | null)[], opts: number, cap: number): number {
  for (let i = 0; i < caps.length; i++) {
    if (i > 0) buf[off++] = 0x20;
    const c = caps[i];
    off = c === '' ? putEmpty(buf, off, opts) : putField(buf, off, c, opts, HDR_ENC, cap);   // captured empty: "" (2.6)
  }
  return off;
}

/** The "scheme://authority" prefix length of an absolute URI, 0 for an origin-form URI. */
export function authorityLen(uri: string): number {
  if (uri.length === 0 || uri.charCodeAt(0) === 0x2f) return 0;
  const p = uri.indexOf('://');
  if (p < 0) return 0;
  const slash = uri.indexOf('/', p + 3);
  return slash < 0 ? uri.length : slash;
}
