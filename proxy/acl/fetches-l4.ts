/*
 * Layer-4 content fetches for `tcp-request content` rules and mode tcp switching: req.len, req.payload(off,len),
 * res.len / res.payload (tcp-response content rules, on the server bytes held: TcpStream.l4Res),
 * req.payload_lv / res.payload_lv (length-prefixed blocks: an SSL session id), req.ssl_hello_type and
 * rep_ssl_hello_type, req.ssl_sni (TLS ClientHello server name), req.ssl_ver, dst_port, wait_end (the WAIT_END ACL). They read
 * SampleCtx.l4Data (client bytes not yet forwarded) and report through mayChange() when more data could change a
 * failed result. No strings are built; integers go through a small reused buffer. Callers: acl/compile.ts terms.
 * Hot path: yes (per inspected tcp stream).
 */
import type { FetchDef, SampleCtx, MatchFn, AclPatterns } from './types.ts';
import { ACL_M_INT, ACL_M_BIN, ACL_M_STR, ACL_M_BOOL } from './types.ts';
import { RDP_FETCHES } from '../tcp/rdp-cookie.ts';

const intBuf = Buffer.alloc(24);
function matchNumber(n: number, match: MatchFn, p: AclPatterns): boolean {
  let e = intBuf.length;
  let v = n < 0 ? -n : n;
  do { intBuf[--e] = 0x30 + (v % 10); v = Math.floor(v / 10); } while (v > 0);
  if (n < 0) intBuf[--e] = 0x2d;
  return match(p, intBuf, e, intBuf.length);
}

function notFinal(ctx: SampleCtx): boolean { return ctx.l4Final === false; }

type DataOf = (ctx: SampleCtx) => Buffer | null;
function reqData(ctx: SampleCtx): Buffer | null { return ctx.l4Data ?? null; }
/** tcp-response content: the server bytes a tcp stream holds while its response rules run (l4Final is theirs then). */
function resData(ctx: SampleCtx): Buffer | null { return (ctx as { l4Res?: Buffer | null }).l4Res ?? null; }

/** `req.len` / `res.len`: the bytes held so far. */
function lenFetch(name: string, data: DataOf): FetchDef {
  return {
    name, defaultMatch: ACL_M_INT, needsArg: false, bool: false,
    run(ctx, _arg, match, p) { const d = data(ctx); return matchNumber(d === null ? 0 : d.length, match, p); },
    mayChange: notFinal,
  };
}
const reqLen = lenFetch('req.len', reqData);

/** Parses "off,len" digits from the argument bytes into payloadArg[0..1]; false when malformed. */
const payloadArg = new Int32Array(2);
function parsePayloadArg(arg: Buffer): boolean {
  let k = 0;
  let v = 0;
  let digits = 0;
  for (let i = 0; i < arg.length; i++) {
    const c = arg[i];
    if (c === 0x2c) { if (k > 0 || digits === 0) return false; payloadArg[k++] = v; v = 0; digits = 0; continue; }
    if (c === 0x20) continue;
    if (c < 0x30 || c > 0x39) return false;
    v = v * 10 + c - 0x30; digits++;
  }
  if (k !== 1 || digits === 0) return false;
  payloadArg[1] = v;
  return true;
}

/** `req.payload(<offset>,<length>)` / `res.payload`: the bytes at [off, off+len) once received (len 0 = up to the end). */
function payloadFetch(name: string, data: DataOf): FetchDef {
  return {
    name, defaultMatch: ACL_M_BIN, needsArg: true, bool: false, rawArg: true,
    run(ctx, arg, match, p) {
      const d = data(ctx);
      if (d === null || !parsePayloadArg(arg)) return false;
      const off = payloadArg[0];
      const end = payloadArg[1] === 0 ? d.length : off + payloadArg[1];
      if (end > d.length || off > end) return false;
      return match(p, d, off, end);
    },
    mayChange(ctx, arg) {
      if (ctx.l4Final !== false) return false;
      if (!parsePayloadArg(arg)) return false;
      const d = data(ctx);
      return payloadArg[1] === 0 || payloadArg[0] + payloadArg[1] > (d === null ? 0 : d.length);
    },
  };
}
const reqPayload = payloadFetch('req.payload', reqData);

/**
 * Parses "<len offset>,<len size>[,<data offset>]" into lvArg: [0] len offset, [1] len size, [2] data offset
 * (absolute, or relative to the end of the length field when written with a sign: [3] = 1). Returns '' or 2.6's
 * complaint.
 */
const lvArg = new Int32Array(4);
export function parsePayloadLvArg(arg: string): string {
  const w = arg.split(',').map((x) => x.trim());
  if (w.length < 2 || w[1] === '') return `missing arguments (got ${w[0] === '' ? 0 : 1}/2), type 'integer' expected`;
  for (let i = 0; i < 2; i++) if (!/^\d+$/.test(w[i])) return `failed to parse '${w[i]}' as type 'integer' at position ${i + 1}`;
  lvArg[0] = Number(w[0]); lvArg[1] = Number(w[1]); lvArg[2] = 0; lvArg[3] = 0;
  if (lvArg[1] === 0) return 'payload length must be > 0';
  if (w.length > 2 && w[2] !== '') {
    if (!/^[+-]?\d+$/.test(w[2])) return 'payload offset2 is not a number';
    lvArg[2] = Number(w[2]);
    lvArg[3] = w[2][0] === '+' || w[2][0] === '-' ? 1 : 0;
  }
  return '';
}

/**
 * The block `payload_lv` designates in `d`: its span in lvOut, 0 found, 1 not all received yet, -1 none (a zero or
 * oversized length, as 2.6).
 */
const lvOut = new Int32Array(2);
function findLv(d: Buffer, arg: string): number {
  if (parsePayloadLvArg(arg) !== '') return -1;
  const lo = lvArg[0], ls = lvArg[1];
  if (lo + ls > d.length) return 1;
  let n = 0;
  for (let i = 0; i < ls; i++) n = n * 256 + d[lo + i];
  const start = lvArg[3] === 1 ? lo + ls + lvArg[2] : lvArg[2] !== 0 || arg.split(',').length > 2 ? lvArg[2] : lo + ls;
  if (n === 0 || start < 0 || start + n > 16384) return -1;
  if (start + n > d.length) return 1;
  lvOut[0] = start; lvOut[1] = start + n;
  return 0;
}

/** The text of the `payload_lv` block in `d` (stick keys, log-format values: tcp/vars.ts), or null. */
export function payloadLvText(d: Buffer | null, arg: string): string | null {
  return d === null || findLv(d, arg) !== 0 ? null : d.toString('latin1', lvOut[0], lvOut[1]);
}

/** `req.payload_lv(<off>,<len>[,<off2>])` / `res.payload_lv`: a block whose length is written in the data itself. */
function payloadLvFetch(name: string, data: DataOf): FetchDef {
  return {
    name, defaultMatch: ACL_M_BIN, needsArg: true, bool: false, rawArg: true,
    checkArg: (arg) => { const e = parsePayloadLvArg(arg); return e === '' ? null : e; },
    run(ctx, arg, match, p) {
      const d = data(ctx);
      return d !== null && findLv(d, arg.toString('latin1')) === 0 && match(p, d, lvOut[0], lvOut[1]);
    },
    mayChange(ctx, arg) {
      if (ctx.l4Final !== false) return false;
      const d = data(ctx);
      return d === null || findLv(d, arg.toString('latin1')) === 1;
    },
  };
}
const reqPayloadLv = payloadLvFetch('req.payload_lv', reqData);

/**
 * The handshake type of the TLS record at the start of `d` once its whole first handshake message is there (2.6
 * waits for it: a ClientHello split over segments is judged complete), HELLO_MORE while it may still come,
 * HELLO_NOT when `d` is no TLS handshake.
 */
const HELLO_MORE = -1;
const HELLO_NOT = -2;
function helloType(d: Buffer | null): number {
  if (d === null || d.length === 0) return HELLO_MORE;
  if (d[0] !== 0x16) return HELLO_NOT;
  if (d.length < 9) return d.length < 2 || d[1] === 0x03 ? HELLO_MORE : HELLO_NOT;
  if (d[1] !== 0x03 || ((d[3] << 8) | d[4]) < 4) return HELLO_NOT;
  return d.length < 9 + ((d[6] << 16) | (d[7] << 8) | d[8]) ? HELLO_MORE : d[5];
}

function helloTypeFetch(name: string, data: DataOf): FetchDef {
  return {
    name, defaultMatch: ACL_M_INT, needsArg: false, bool: false,
    run(ctx, _arg, match, p) { const t = helloType(data(ctx)); return t >= 0 && matchNumber(t, match, p); },
    mayChange(ctx) { return ctx.l4Final === false && helloType(data(ctx)) === HELLO_MORE; },
  };
}
/** `rep_ssl_hello_type` / `res.ssl_hello_type`: the handshake type of the server's first TLS record (2 = ServerHello). */
const resSslHelloType = helloTypeFetch('res.ssl_hello_type', resData);
/** `req.ssl_hello_type`: the handshake message type of a TLS handshake record (1 = ClientHello). */
const sslHelloType = helloTypeFetch('req.ssl_hello_type', reqData);

/**
 * `req.ssl_ver`: the version a TLS client offers in its hello (major << 16 | minor, 3.3 = TLS 1.2; patterns are dotted
 * versions: FetchDef.dottedVer), once the whole first record is in, as 2.6; also in an SSLv2-format hello (sslV2Ver).
 */
function sslVer(d: Buffer | null): number {
  if (d === null || d.length === 0) return HELLO_MORE;
  if (d[0] < 0x14 || d[0] > 0x17) return sslV2Ver(d);
  if (d.length < 11) return HELLO_MORE;
  const recLen = (d[3] << 8) | d[4];
  if (((d[1] << 16) | d[2]) < 0x30000 || recLen < 6 || recLen > 16384 + 2048) return HELLO_NOT;
  return d.length < 5 + recLen ? HELLO_MORE : (d[9] << 16) | d[10];
}
/**
 * The version field of an SSLv2-format ClientHello (old clients' compatible hello): a 2-byte record header (bit 7
 * set, 15-bit length) or a 3-byte one (14-bit length, then a padding length), message type 1, then the cipher specs,
 * session id and challenge lengths, which must add up to the record's (specs a multiple of 3, a session id of 0 or 16
 * bytes, a challenge of 16 to 32), and all of it in. Any version is returned as is (0.2 for SSLv2, 3.1 for TLS 1.0),
 * as haproxy 2.6.12 does (bench/edge/tcp-diff.ts v2-*). Anything else that does not start a TLS record is no hello.
 */
function sslV2Ver(d: Buffer): number {
  const long = (d[0] & 0x80) === 0;
  const h = long ? 3 : 2;
  if (d.length <= h) return HELLO_MORE;
  if (d[h] !== 0x01) return HELLO_NOT;
  if (d.length < h + 9) return HELLO_MORE;
  const rlen = ((d[0] & (long ? 0x3f : 0x7f)) << 8) | d[1];
  const specs = (d[h + 3] << 8) | d[h + 4], sid = (d[h + 5] << 8) | d[h + 6], chal = (d[h + 7] << 8) | d[h + 8];
  if (specs % 3 !== 0 || (sid !== 0 && sid !== 16) || chal < 16 || chal > 32 || rlen !== 9 + specs + sid + chal) return HELLO_NOT;
  if (d.length < h + rlen + (long ? d[2] : 0)) return HELLO_MORE;
  return (d[h + 1] << 16) | d[h + 2];
}
const reqSslVer: FetchDef = {
  name: 'req.ssl_ver', defaultMatch: ACL_M_INT, needsArg: false, bool: false, dottedVer: true,
  run(ctx, _arg, match, p) { const v = sslVer(reqData(ctx)); return v >= 0 && matchNumber(v, match, p); },
  mayChange(ctx) { return ctx.l4Final === false && sslVer(reqData(ctx)) === HELLO_MORE; },
};

/** [start, end) of the host_name of a complete ClientHello's server_name extension in sniOut; 0 found, 1 need more, -1 none. */
const sniOut = new Int32Array(2);
function findSni(d: Buffer): number {
  if (d.length < 5) return d.length === 0 || d[0] === 0x16 ? 1 : -1;
  if (d[0] !== 0x16 || d[1] !== 0x03) return -1;
  const recEnd = 5 + ((d[3] << 8) | d[4]);
  if (d.length < recEnd) return 1;
  let i = 5;
  if (recEnd < i + 4 || d[i] !== 0x01) return -1;
  const hsEnd = Math.min(recEnd, i + 4 + ((d[i + 1] << 16) | (d[i + 2] << 8) | d[i + 3]));
  i += 4 + 2 + 32;                                  // version, random
  if (i >= hsEnd) return -1;
  i += 1 + d[i];                                    // session id
  if (i + 2 > hsEnd) return -1;
  i += 2 + ((d[i] << 8) | d[i + 1]);                // cipher suites
  if (i + 1 > hsEnd) return -1;
  i += 1 + d[i];                                    // compression methods
  if (i + 2 > hsEnd) return -1;
  const extEnd = Math.min(hsEnd, i + 2 + ((d[i] << 8) | d[i + 1]));
  i += 2;
  while (i + 4 <= extEnd) {
    const type = (d[i] << 8) | d[i + 1];
    const len = (d[i + 2] << 8) | d[i + 3];
    i += 4;
    if (type === 0 && i + 5 <= extEnd) {
      // server_name_list length (2), name_type (1, 0 = host_name), name length (2), name
      const nlen = (d[i + 3] << 8) | d[i + 4];
      if (d[i + 2] !== 0 || i + 5 + nlen > extEnd) return -1;
      sniOut[0] = i + 5; sniOut[1] = i + 5 + nlen;
      return 0;
    }
    i += len;
  }
  return -1;
}

/** The server name of the TLS ClientHello in `d` as text (log-format and rule values: tcp/vars.ts), or null. */
export function l4SniText(d: Buffer | null): string | null {
  return d === null || findSni(d) !== 0 ? null : d.toString('latin1', sniOut[0], sniOut[1]);
}

/** `req.ssl_sni`: the server name a TLS client asks for, from its ClientHello. */
const sslSni: FetchDef = {
  name: 'req.ssl_sni', defaultMatch: ACL_M_STR, needsArg: false, bool: false,
  run(ctx, _arg, match, p) {
    const d = ctx.l4Data;
    if (d === undefined || d === null || findSni(d) !== 0) return false;
    return match(p, d, sniOut[0], sniOut[1]);
  },
  mayChange(ctx) { return ctx.l4Final === false && (ctx.l4Data === undefined || ctx.l4Data === null || findSni(ctx.l4Data) === 1); },
};

const dstPort: FetchDef = {
  name: 'dst_port', defaultMatch: ACL_M_INT, needsArg: false, bool: false,
  run(ctx, _arg, match, p) { return ctx.dstPort !== undefined && matchNumber(ctx.dstPort, match, p); },
};

/** `wait_end`: true once the inspect delay is over (WAIT_END); on HTTP streams always true. */
const waitEnd: FetchDef = {
  name: 'wait_end', defaultMatch: ACL_M_BOOL, needsArg: false, bool: true,
  run(ctx) { return ctx.l4Final !== false; },
  mayChange: notFinal,
};

export const L4_FETCHES: readonly [string, FetchDef][] = [
  ['req.len', reqLen], ['req_len', reqLen], ['req.payload', reqPayload], ['payload', reqPayload],
  ['res.len', lenFetch('res.len', resData)], ['res.payload', payloadFetch('res.payload', resData)],
  ['req.ssl_hello_type', sslHelloType], ['req_ssl_hello_type', sslHelloType],
  ['req.payload_lv', reqPayloadLv], ['payload_lv', reqPayloadLv], ['res.payload_lv', payloadLvFetch('res.payload_lv', resData)],
  ['res.ssl_hello_type', resSslHelloType], ['rep_ssl_hello_type', resSslHelloType],
  ['req.ssl_sni', sslSni], ['req_ssl_sni', sslSni], ['req.ssl_ver', reqSslVer], ['req_ssl_ver', reqSslVer], ['dst_port', dstPort], ['wait_end', waitEnd],
  // the RDP_COOKIE predefined ACL needs them in the base table (tcp/rdp-cookie.ts)
  ...RDP_FETCHES.map((f): [string, FetchDef] => [f.name, f]),
];
