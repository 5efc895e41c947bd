/*
 * PROXY protocol v1 (text) and v2 (binary) codec on Buffers: ppDecode() reads a header from the first bytes of a
 * client connection (version auto-detected, as `bind ... accept-proxy` does in HAProxy 2.6, with its error classes),
 * ppEncodeV1/ppEncodeV2 build the header `server ... send-proxy[-v2]` sends first. No socket I/O here: frontend.ts
 * (proxy/net/accept-proxy.ts) feeds bytes and backend/connect.ts writes the encoded header.
 * Hot path: no (once per accept-proxy connection / send-proxy server connection; never on other connections).
 */

/** ppDecode() results below zero; PP_ERR_TRUNCATED/EMPTY/TIMEOUT/ABORT are decided by the caller (EOF, timer). */
export const PP_NEED_MORE = 0;
export const PP_ERR_NOT_HDR = -1;
export const PP_ERR_BAD_HDR = -2;
export const PP_ERR_BAD_PROTO = -3;
export const PP_ERR_TRUNCATED = -4;
export const PP_ERR_EMPTY = -5;
export const PP_ERR_TIMEOUT = -6;
export const PP_ERR_ABORT = -7;

/** HAProxy 2.6's words for each error, as its embryonic-session log line prints them (index = -code). */
export const PP_ERR_TEXT: readonly string[] = [
  '',
  'Received something which does not look like a PROXY protocol header',
  'Received an invalid PROXY protocol header',
  'Received an unhandled protocol in the PROXY protocol header',
  'Truncated PROXY protocol header received',
  'Connection closed while waiting for PROXY protocol header',
  'Timeout while waiting for PROXY protocol header',
  'Connection error while waiting for PROXY protocol header',
];

/** Longest v1 line (spec: 107 bytes with CRLF). */
export const PP_V1_MAX = 107;
/** v2 fixed part: 12-byte signature, version/command, family, length. */
export const PP_V2_HDR_LEN = 16;
const PP_V2_SIG = Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a]);

/** v2 TLV types Sluice reads or writes. */
export const PP2_TYPE_AUTHORITY = 0x02;
export const PP2_TYPE_CRC32C = 0x03;
export const PP2_TYPE_UNIQUE_ID = 0x05;

/**
 * What a header said. `local` = keep the connection's real addresses (v1 UNKNOWN, v2 LOCAL). `addrSet` is true once
 * the addresses were read, also when a later TLV was bad (2.6 logs that error with the header's address).
 */
export class PpInfo {
  version = 0;
  local = false;
  addrSet = false;
  srcIp = '';
  srcPort = 0;
  dstIp = '';
  dstPort = 0;
  /** v2 PP2_TYPE_AUTHORITY / PP2_TYPE_UNIQUE_ID values, '' when absent. */
  authority = '';
  uniqueId = '';
  reset(): void {
    this.version = 0; this.local = false; this.addrSet = false; this.srcIp = ''; this.srcPort = 0;
    this.dstIp = ''; this.dstPort = 0; this.authority = ''; this.uniqueId = '';
  }
}

/**
 * Decodes a PROXY header at buf[start, end). Returns the header length (> 0) with `out` filled, PP_NEED_MORE when
 * the bytes so far may still become a valid header, or a PP_ERR_* (< 0). Like 2.6 it waits for 16 bytes before
 * deciding that something is not a header at all. Does not keep `buf`; allocates only the address strings.
 */
export function ppDecode(buf: Buffer, start: number, end: number, out: PpInfo): number {
  out.reset();
  const n = end - start;
  if (n >= 6 && buf[start] === 0x50 && buf.toString('latin1', start, start + 6) === 'PROXY ') return decodeV1(buf, start, end, out);
  if (n < PP_V2_HDR_LEN) {
    // a prefix of either signature may still complete (2.6 waits for 16 bytes whatever it got)
    return PP_NEED_MORE;
  }
  for (let i = 0; i < 12; i++) if (buf[start + i] !== PP_V2_SIG[i]) return PP_ERR_NOT_HDR;
  if ((buf[start + 12] & 0xf0) !== 0x20) return PP_ERR_NOT_HDR;
  return decodeV2(buf, start, end, out);
}

function decodeV1(buf: Buffer, start: number, end: number, out: PpInfo): number {
  const lim = Math.min(end, start + PP_V1_MAX);
  let eol = buf.indexOf(0x0d, start + 6);
  while (eol >= 0 && eol + 1 < lim && buf[eol + 1] !== 0x0a) eol = buf.indexOf(0x0d, eol + 1);
  if (eol < 0 || eol + 1 >= lim) return end - start >= PP_V1_MAX ? PP_ERR_BAD_HDR : PP_NEED_MORE;
  out.version = 1;
  let p = start + 6;
  // "PROXY UNKNOWN\r\n" exactly (2.6 refuses anything after UNKNOWN as an unhandled protocol)
  if (eol - p === 7 && buf.toString('latin1', p, eol) === 'UNKNOWN') { out.local = true; return eol + 2 - start; }
  if (eol - p < 5) return PP_ERR_BAD_PROTO;
  const proto = buf.toString('latin1', p, p + 5);
  let v6: boolean;
  if (proto === 'TCP4 ') v6 = false;
  else if (proto === 'TCP6 ') v6 = true;
  else return PP_ERR_BAD_PROTO;
  p += 5;
  const f1 = buf.indexOf(0x20, p);
  if (f1 < 0 || f1 >= eol) return PP_ERR_BAD_HDR;
  const src = v6 ? ipv6Text(buf.toString('latin1', p, f1)) : ipv4Text(buf, p, f1);
  if (src === '') return PP_ERR_BAD_HDR;
  p = f1 + 1;
  const f2 = buf.indexOf(0x20, p);
  if (f2 < 0 || f2 >= eol) return PP_ERR_BAD_HDR;
  const dst = v6 ? ipv6Text(buf.toString('latin1', p, f2)) : ipv4Text(buf, p, f2);
  if (dst === '') return PP_ERR_BAD_HDR;
  p = f2 + 1;
  const f3 = buf.indexOf(0x20, p);
  if (f3 < 0 || f3 >= eol) return PP_ERR_BAD_HDR;
  const sport = digits(buf, p, f3);
  const dport = digits(buf, f3 + 1, eol);
  if (sport < 0 || dport < 0) return PP_ERR_BAD_HDR;
  out.srcIp = src; out.dstIp = dst;
  // 2.6 reads the ports as unsigned ints and keeps their low 16 bits (99999 is not refused)
  out.srcPort = sport & 0xffff; out.dstPort = dport & 0xffff;
  out.addrSet = true;
  return eol + 2 - start;
}

/** A run of decimal digits [s, e) as a number, -1 when empty or not all digits. */
function digits(buf: Buffer, s: number, e: number): number {
  if (s >= e || e - s > 10) return -1;
  let v = 0;
  for (let i = s; i < e; i++) {
    const c = buf[i] - 0x30;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

/** Dotted quad [s, e) as inet_pton reads it (no leading zeros in a multi-digit part), '' when invalid. */
function ipv4Text(buf: Buffer, s: number, e: number): string {
  let parts = 0;
  let i = s;
  while (i <= e) {
    const ps = i;
    let v = 0;
    while (i < e && buf[i] >= 0x30 && buf[i] <= 0x39) { v = v * 10 + buf[i] - 0x30; i++; }
    const len = i - ps;
    if (len === 0 || len > 3 || v > 255 || (len > 1 && buf[ps] === 0x30)) return '';
    parts++;
    if (i === e) break;
    if (buf[i] !== 0x2e || parts === 4) return '';
    i++;
  }
  return parts === 4 ? buf.toString('latin1', s, e) : '';
}

const v6Scratch = new Uint16Array(8);

/** IPv6 text in inet_ntop's form (lower case, longest zero run as '::', v4-mapped tail), '' when invalid. */
export function ipv6Text(s: string): string {
  return ipv6Parse(s, v6Scratch) ? ipv6Format(v6Scratch) : '';
}

/**
 * Parses IPv6 text (with an optional dotted-quad tail) into 8 groups; false when invalid. One pass over the
 * characters, no intermediate strings or arrays.
 */
export function ipv6Parse(s: string, g: Uint16Array): boolean {
  g.fill(0);
  const n = s.length;
  let k = 0;              // groups written
  let gap = -1;           // group index where '::' stands
  let i = 0;
  if (n >= 2 && s.charCodeAt(0) === 0x3a) {
    if (s.charCodeAt(1) !== 0x3a) return false;
    gap = 0; i = 2;
    if (i === n) return true;
  }
  while (i < n) {
    const start = i;
    let v = 0;
    let digits = 0;
    let dot = false;
    while (i < n) {
      const c = s.charCodeAt(i);
      const d = c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x57 : c >= 0x41 && c <= 0x46 ? c - 0x37 : -1;
      if (d < 0) { if (c === 0x2e) dot = true; break; }
      v = v * 16 + d; digits++; i++;
    }
    if (dot) {
      // dotted-quad tail: two groups, and the end of the text
      if (k > 6) return false;
      let part = 0, pd = 0, q = 0;
      const hi = k;
      for (let p = start; p <= n; p++) {
        const c = p < n ? s.charCodeAt(p) : 0x2e;
        if (c === 0x2e) {
          if (pd === 0 || pd > 3 || part > 255 || q === 4) return false;
          if ((q & 1) === 0) g[hi + (q >> 1)] = part << 8; else g[hi + (q >> 1)] |= part;
          q++; part = 0; pd = 0;
        } else if (c >= 0x30 && c <= 0x39) {
          if (pd === 1 && part === 0) return false;       // no leading zero, as inet_pton
          part = part * 10 + c - 0x30; pd++;
        } else return false;
      }
      if (q !== 4) return false;
      k += 2;
      break;
    }
    if (digits === 0 || digits > 4 || k >= 8) return false;
    g[k++] = v;
    if (i === n) break;
    if (s.charCodeAt(i) !== 0x3a) return false;
    i++;
    if (i < n && s.charCodeAt(i) === 0x3a) {
      if (gap >= 0) return false;
      gap = k; i++;
      if (i === n) break;
    } else if (i === n) return false;     // a trailing single ':'
  }
  if (gap < 0) return k === 8;
  if (k > 7) return false;
  // the groups written after '::' move to the end
  const tail = k - gap;
  for (let t = tail - 1; t >= 0; t--) g[8 - tail + t] = g[gap + t];
  for (let z = gap; z < 8 - tail; z++) g[z] = 0;
  return true;
}

/** 8 groups as inet_ntop prints them (RFC 5952: longest run of 2+ zero groups as '::', ::ffff:a.b.c.d). */
export function ipv6Format(g: Uint16Array): string {
  if (g[0] === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0xffff) {
    return `::ffff:${g[6] >> 8}.${g[6] & 255}.${g[7] >> 8}.${g[7] & 255}`;
  }
  let bestS = -1, bestL = 0;
  for (let i = 0; i < 8;) {
    if (g[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestL) { bestL = j - i; bestS = i; }
    i = j;
  }
  if (bestL < 2) bestS = -1;
  let s = '';
  for (let i = 0; i < 8; i++) {
    if (i === bestS) { s += '::'; i += bestL - 1; continue; }
    if (s !== '' && !s.endsWith(':')) s += ':';
    s += g[i].toString(16);
  }
  return s;
}

function decodeV2(buf: Buffer, start: number, end: number, out: PpInfo): number {
  const len = buf.readUInt16BE(start + 14);
  const total = PP_V2_HDR_LEN + len;
  if (end - start < total) return PP_NEED_MORE;
  out.version = 2;
  const cmd = buf[start + 12] & 0x0f;
  if (cmd === 0x00) { out.local = true; return total; }   // LOCAL: health checks of the sender, real addresses
  if (cmd !== 0x01) return PP_ERR_BAD_HDR;
  const fam = buf[start + 13];
  let p = start + PP_V2_HDR_LEN;
  const hend = start + total;
  if (fam === 0x11) {
    if (len < 12) return PP_ERR_BAD_HDR;
    out.srcIp = `${buf[p]}.${buf[p + 1]}.${buf[p + 2]}.${buf[p + 3]}`;
    out.dstIp = `${buf[p + 4]}.${buf[p + 5]}.${buf[p + 6]}.${buf[p + 7]}`;
    out.srcPort = buf.readUInt16BE(p + 8);
    out.dstPort = buf.readUInt16BE(p + 10);
    p += 12;
  } else if (fam === 0x21) {
    if (len < 36) return PP_ERR_BAD_HDR;
    for (let i = 0; i < 8; i++) v6Scratch[i] = buf.readUInt16BE(p + 2 * i);
    out.srcIp = ipv6Format(v6Scratch);
    for (let i = 0; i < 8; i++) v6Scratch[i] = buf.readUInt16BE(p + 16 + 2 * i);
    out.dstIp = ipv6Format(v6Scratch);
    out.srcPort = buf.readUInt16BE(p + 32);
    out.dstPort = buf.readUInt16BE(p + 34);
    p += 36;
  } else return PP_ERR_BAD_HDR;   // UNSPEC, UDP and UNIX families are refused by 2.6 under the PROXY command
  out.addrSet = true;
  while (p < hend) {
    if (hend - p < 3) return PP_ERR_BAD_HDR;
    const t = buf[p];
    const tl = buf.readUInt16BE(p + 1);
    const vs = p + 3;
    if (vs + tl > hend) return PP_ERR_BAD_HDR;
    if (t === PP2_TYPE_CRC32C) {
      if (tl !== 4) return PP_ERR_BAD_HDR;
      const want = buf.readUInt32BE(vs);
      if (crc32cHeader(buf, start, hend, vs) !== want) return PP_ERR_BAD_HDR;
    } else if (t === PP2_TYPE_AUTHORITY) out.authority = buf.toString('latin1', vs, vs + tl);
    else if (t === PP2_TYPE_UNIQUE_ID) out.uniqueId = buf.toString('latin1', vs, vs + tl);
    p = vs + tl;
  }
  return total;
}

// ---- CRC32C (Castagnoli), for the v2 PP2_TYPE_CRC32C TLV ----
let crcTable: Uint32Array | null = null;
function crc32cTable(): Uint32Array {
  if (crcTable !== null) return crcTable;
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = (c & 1) !== 0 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    t[i] = c >>> 0;
  }
  return (crcTable = t);
}

/** CRC32C of buf[s, e) with the 4 bytes at `zeroAt` read as zeros (the checksum field itself). */
function crc32cHeader(buf: Buffer, s: number, e: number, zeroAt: number): number {
  const t = crc32cTable();
  let c = 0xffffffff;
  for (let i = s; i < e; i++) {
    const b = i >= zeroAt && i < zeroAt + 4 ? 0 : buf[i];
    c = t[(c ^ b) & 0xff] ^ (c >>> 8);
  }
  return (c ^ 0xffffffff) >>> 0;
}

// ---- encoders ----

/** An IPv4-mapped IPv6 address (node's form for IPv4 peers of a dual-stack listener) as plain IPv4. */
function unmap(ip: string): string {
  return ip.length > 7 && ip.charCodeAt(0) === 0x3a && ip.startsWith('::ffff:') && ip.indexOf('.') > 0 ? ip.slice(7) : ip;
}

/** Address family of a peer address: 4, 6, 0 = none (unix socket). */
function famOf(ip: string): number {
  if (ip === '') return 0;
  return ip.indexOf(':') >= 0 ? 6 : 4;
}

/** IPv4 text as its IPv4-mapped IPv6 form (2.6 maps when the two ends differ in family). */
function mapped(ip: string): string { return '::ffff:' + ip; }

/**
 * The v1 line for a connection from srcIp:srcPort to dstIp:dstPort (the client and the address it reached, or those
 * a PROXY header gave). "PROXY UNKNOWN\r\n" when either end has no IP address (unix sockets).
 */
export function ppEncodeV1(srcIp: string, srcPort: number, dstIp: string, dstPort: number): Buffer {
  srcIp = unmap(srcIp); dstIp = unmap(dstIp);
  let fs = famOf(srcIp), fd = famOf(dstIp);
  if (fs === 0 || fd === 0) return Buffer.from('PROXY UNKNOWN\r\n', 'latin1');
  if (fs !== fd) {
    if (fs === 4) { srcIp = mapped(srcIp); fs = 6; } else { dstIp = mapped(dstIp); fd = 6; }
  }
  return Buffer.from(`PROXY TCP${fs} ${srcIp} ${dstIp} ${srcPort} ${dstPort}\r\n`, 'latin1');
}

/** v2 PP2_TYPE_SSL TLV (`send-proxy-v2-ssl[-cn]`, `proxy-v2-options ssl,cert-cn,ssl-cipher`). */
export const PP2_TYPE_SSL = 0x20;
export const PP2_SUBTYPE_SSL_VERSION = 0x21;
export const PP2_SUBTYPE_SSL_CN = 0x22;
export const PP2_SUBTYPE_SSL_CIPHER = 0x23;
export const PP2_CLIENT_SSL = 0x01;
export const PP2_CLIENT_CERT_CONN = 0x02;
export const PP2_CLIENT_CERT_SESS = 0x04;

/** The PP2_TYPE_SSL TLV's content: client flags, verify result, and sub-TLVs ('' = absent). */
export interface PpV2Ssl {
  client: number;
  verify: number;
  version: string;
  cn: string;
  cipher: string;
}

/** Options of `proxy-v2-options` Sluice honours. */
export interface PpV2Opts {
  crc32c: boolean;
  authority: string;   // '' = no PP2_TYPE_AUTHORITY TLV
  uniqueId: string;    // '' = no PP2_TYPE_UNIQUE_ID TLV
  ssl: PpV2Ssl | null; // null = no PP2_TYPE_SSL TLV
}

/** Bytes of the PP2_TYPE_SSL TLV for `t` (header, client, verify, sub-TLVs). */
function sslTlvLen(t: PpV2Ssl): number {
  let n = 3 + 5;
  if (t.version !== '') n += 3 + Buffer.byteLength(t.version, 'latin1');
  if (t.cn !== '') n += 3 + Buffer.byteLength(t.cn, 'latin1');
  if (t.cipher !== '') n += 3 + Buffer.byteLength(t.cipher, 'latin1');
  return n;
}

/**
 * The v2 header for srcIp:srcPort -> dstIp:dstPort, command PROXY; LOCAL (no address) when `local` or when an end
 * has no IP address, as 2.6 sends for health checks and unix-socket clients. Allocates the returned Buffer.
 */
export function ppEncodeV2(srcIp: string, srcPort: number, dstIp: string, dstPort: number, local: boolean, opts: PpV2Opts | null): Buffer {
  srcIp = unmap(srcIp); dstIp = unmap(dstIp);
  let fs = famOf(srcIp), fd = famOf(dstIp);
  if (local || fs === 0 || fd === 0) {
    const h = Buffer.alloc(PP_V2_HDR_LEN);
    PP_V2_SIG.copy(h, 0);
    h[12] = 0x20;
    return h;
  }
  if (fs !== fd) {
    if (fs === 4) { srcIp = mapped(srcIp); fs = 6; } else { dstIp = mapped(dstIp); fd = 6; }
  }
  const alen = fs === 4 ? 12 : 36;
  let tlen = 0;
  if (opts !== null) {
    if (opts.authority !== '') tlen += 3 + Buffer.byteLength(opts.authority, 'latin1');
    if (opts.uniqueId !== '') tlen += 3 + Buffer.byteLength(opts.uniqueId, 'latin1');
    if (opts.crc32c) tlen += 7;
    if (opts.ssl !== null) tlen += sslTlvLen(opts.ssl);
  }
  const h = Buffer.alloc(PP_V2_HDR_LEN + alen + tlen);
  PP_V2_SIG.copy(h, 0);
  h[12] = 0x21;
  h[13] = fs === 4 ? 0x11 : 0x21;
  h.writeUInt16BE(alen + tlen, 14);
  let p = PP_V2_HDR_LEN;
  if (fs === 4) {
    p = putIp4(h, p, srcIp); p = putIp4(h, p, dstIp);
  } else {
    p = putIp6(h, p, srcIp); p = putIp6(h, p, dstIp);
  }
  h.writeUInt16BE(srcPort & 0xffff, p); h.writeUInt16BE(dstPort & 0xffff, p + 2);
  p += 4;
  if (opts !== null) {
    // 2.6's order: CRC32C (computed last, over the whole header), authority, unique id, SSL
    const crcAt = p;
    if (opts.crc32c) { h[p] = PP2_TYPE_CRC32C; h.writeUInt16BE(4, p + 1); p += 7; }
    if (opts.authority !== '') p = putTlv(h, p, PP2_TYPE_AUTHORITY, opts.authority);
    if (opts.uniqueId !== '') p = putTlv(h, p, PP2_TYPE_UNIQUE_ID, opts.uniqueId);
    const t = opts.ssl;
    if (t !== null) {
      h[p] = PP2_TYPE_SSL; h.writeUInt16BE(sslTlvLen(t) - 3, p + 1);
      h[p + 3] = t.client; h.writeUInt32BE(t.verify >>> 0, p + 4);
      p += 8;
      if (t.version !== '') p = putTlv(h, p, PP2_SUBTYPE_SSL_VERSION, t.version);
      if (t.cn !== '') p = putTlv(h, p, PP2_SUBTYPE_SSL_CN, t.cn);
      if (t.cipher !== '') p = putTlv(h, p, PP2_SUBTYPE_SSL_CIPHER, t.cipher);
    }
    if (opts.crc32c) h.writeUInt32BE(crc32cHeader(h, 0, h.length, crcAt + 3), crcAt + 3);
  }
  return h;
}

function putTlv(h: Buffer, p: number, t: number, v: string): number {
  h[p] = t;
  const n = h.write(v, p + 3, 'latin1');
  h.writeUInt16BE(n, p + 1);
  return p + 3 + n;
}

function putIp4(h: Buffer, p: number, ip: string): number {
  let v = 0, k = 0;
  for (let i = 0; i <= ip.length; i++) {
    const c = i < ip.length ? ip.charCodeAt(i) : 0x2e;
    if (c === 0x2e) { h[p + k++] = v; v = 0; } else v = v * 10 + c - 0x30;
  }
  return p + 4;
}

function putIp6(h: Buffer, p: number, ip: string): number {
  ipv6Parse(ip, v6Scratch);
  for (let i = 0; i < 8; i++) h.writeUInt16BE(v6Scratch[i], p + 2 * i);
  return p + 16;
}
