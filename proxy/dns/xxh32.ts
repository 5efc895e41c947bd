/*
 * XXH32 of a few bytes (an IPv4 or IPv6 address): HAProxy 2.6 keys the records of a DNS answer by XXH32(address,
 * seed = record type) and hands them to servers in that key order, so Sluice orders them the same way to give each
 * server the address 2.6 would. Pure function on a Buffer, no allocation. Hot path: no (once per record and answer).
 */
const P1 = 2654435761 | 0;
const P2 = 2246822519 | 0;
const P3 = 3266489917 | 0;
const P4 = 668265263 | 0;
const P5 = 374761393 | 0;

function rotl(x: number, r: number): number { return (x << r) | (x >>> (32 - r)); }
function round(v: number, input: number): number { return Math.imul(rotl((v + Math.imul(input, P2)) | 0, 13), P1); }

/** XXH32 of b[0, len) with `seed`, as an unsigned 32-bit number. */
export function xxh32(b: Buffer, len: number, seed: number): number {
  let p = 0;
  let h: number;
  if (len >= 16) {
    let v1 = (seed + P1 + P2) | 0, v2 = (seed + P2) | 0, v3 = seed | 0, v4 = (seed - P1) | 0;
    while (p + 16 <= len) {
      v1 = round(v1, b.readInt32LE(p)); v2 = round(v2, b.readInt32LE(p + 4));
      v3 = round(v3, b.readInt32LE(p + 8)); v4 = round(v4, b.readInt32LE(p + 12));
      p += 16;
    }
    h = (rotl(v1, 1) + rotl(v2, 7) + rotl(v3, 12) + rotl(v4, 18)) | 0;
  } else h = (seed + P5) | 0;
  h = (h + len) | 0;
  while (p + 4 <= len) { h = Math.imul(rotl((h + Math.imul(b.readInt32LE(p), P3)) | 0, 17), P4); p += 4; }
  while (p < len) { h = Math.imul(rotl((h + Math.imul(b[p], P5)) | 0, 11), P1); p++; }
  h ^= h >>> 15; h = Math.imul(h, P2);
  h ^= h >>> 13; h = Math.imul(h, P3);
  h ^= h >>> 16;
  return h >>> 0;
}
