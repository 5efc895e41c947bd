/*
 * Hash functions of `hash-type <method> <function> [avalanche]` over a byte range: sdbm (default), djb2, wt6, crc32,
 * and the avalanche mixer. All four and the avalanche give the values HAProxy 2.6's converters of the same
 * names print (checked against `%[path,sdbm(1)]`, `%[path,wt6]` etc.).
 * No allocation. Hot path: yes.
 */
import { LB_HFN_DJB2, LB_HFN_WT6, LB_HFN_CRC32 } from './types.ts';

function sdbm(b: Buffer, s: number, e: number): number {
  let h = 0;
  for (let i = s; i < e; i++) h = (b[i] + (h << 6) + (h << 16) - h) | 0;
  return h >>> 0;
}

function djb2(b: Buffer, s: number, e: number): number {
  let h = 5381;
  for (let i = s; i < e; i++) h = ((h << 5) + h + b[i]) | 0;
  return h >>> 0;
}

/*
 * wt6: two 32-bit lanes, each byte complements/adds into them, the lanes swap through rotations whose counts come
 * from the previous round's state (initial lanes 0xa53c965a / 0x5ca6953a, rotations 6 and 18). Bytes are unsigned.
 * Checked against `%[path,wt6]` and `%[req.hdr(x),wt6]` of HAProxy 2.6.12 (test/proxy/lb/hash-fn.test.ts).
 */
const rotl = (x: number, n: number): number => (n === 0 ? x : (x << n) | (x >>> (32 - n)));
function wt6(b: Buffer, s: number, e: number): number {
  let h0 = 0xa53c965a | 0;
  let h1 = 0x5ca6953a | 0;
  let r0 = 6;
  let r1 = 18;
  for (let i = s; i < e; i++) {
    const c = b[i];
    const a0 = ~(h0 ^ c);
    const a1 = ~((h1 + c) | 0);
    h0 = rotl(a1, r0);
    h1 = rotl(a0, r1);
    const t = ((h0 >>> 16) ^ h1) & 0xffff;
    r0 = t & 0x1f;
    r1 = t >>> 11;
  }
  return (h0 ^ h1) >>> 0;
}

let crcTable: Int32Array | null = null;
function crc32(b: Buffer, s: number, e: number): number {
  let t = crcTable;
  if (t === null) {
    t = new Int32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = (c & 1) !== 0 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      t[n] = c;
    }
    crcTable = t;
  }
  let c = -1;
  for (let i = s; i < e; i++) c = t[(c ^ b[i]) & 0xff] ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

/**
 * The avalanche: Bob Jenkins' public 6-shift 32-bit integer hash, then a multiplication by 0xC0000001. Observed to give
 * exactly HAProxy 2.6's `avalanche` values (the converters' `(1)` argument) and its consistent-hash ring positions.
 */
export function fullHash(a: number): number {
  a = (a + 0x7ed55d16 + (a << 12)) | 0;
  a = (a ^ 0xc761c23c ^ (a >>> 19)) | 0;
  a = (a + 0x165667b1 + (a << 5)) | 0;
  a = ((a + 0xd3a2646c) ^ (a << 9)) | 0;
  a = (a + 0xfd7046c5 + (a << 3)) | 0;
  a = (a ^ 0xb55a4f09 ^ (a >>> 16)) | 0;
  return Math.imul(a, 0xc0000001) >>> 0;
}

/** Hash of b[s..e) with function `fn` (LB_HFN_*), optionally avalanched. Returns an unsigned 32-bit value. */
export function hashRange(fn: number, avalanche: boolean, b: Buffer, s: number, e: number): number {
  let h: number;
  if (fn === LB_HFN_DJB2) h = djb2(b, s, e);
  else if (fn === LB_HFN_WT6) h = wt6(b, s, e);
  else if (fn === LB_HFN_CRC32) h = crc32(b, s, e);
  else h = sdbm(b, s, e);
  return avalanche ? fullHash(h) : h;
}
