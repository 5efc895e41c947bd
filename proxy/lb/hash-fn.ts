/*
 * Hash functions of `hash-type <method> <function> [avalanche]` over a byte range: sdbm (default), djb2, wt6, crc32,
 * and the avalanche mixer. Same definitions as the published algorithms (not bit-compatible with HAProxy's server
 * choice, only with its distribution properties). No allocation. Hot path: yes.
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

function wt6(b: Buffer, s: number, e: number): number {
  let h0 = 0x48;
  let h1 = 0x56;
  let h2 = 0x7a;
  let h3 = 0x61;
  for (let i = s; i < e; i++) {
    const c = b[i];
    h0 = ((h0 << 3) + (h0 >>> 29) + c) | 0; // rotations mixing the four lanes
    h1 = ((h1 << 5) + (h1 >>> 27) + (h0 ^ c)) | 0;
    h2 = ((h2 << 7) + (h2 >>> 25) + (h1 ^ c)) | 0;
    h3 = ((h3 << 11) + (h3 >>> 21) + (h2 ^ c)) | 0;
  }
  return (h0 ^ h1 ^ h2 ^ h3) >>> 0;
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

/** Final avalanche (murmur3 fmix32): every input bit affects every output bit. */
export function fullHash(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
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
