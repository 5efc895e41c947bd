/*
 * XXH64 of a few bytes: HAProxy 2.6 names a server's dynamic cookie (`cookie ... dynamic` + `dynamic-cookie-key`) by
 * XXH64(key, address, port) printed as 16 hex digits. BigInt arithmetic: it runs when a server gets an address (load,
 * DNS, `set server addr`), never per request. Hot path: no.
 */
const M = (1n << 64n) - 1n;
const P1 = 11400714785074694791n;
const P2 = 14029467366897019727n;
const P3 = 1609587929392839161n;
const P4 = 9650029242287828579n;
const P5 = 2870177450012600261n;

function rotl(x: bigint, r: bigint): bigint { return ((x << r) | (x >> (64n - r))) & M; }
function round(acc: bigint, lane: bigint): bigint { return (rotl((acc + lane * P2) & M, 31n) * P1) & M; }
function mergeRound(acc: bigint, v: bigint): bigint { return (((acc ^ round(0n, v)) * P1 & M) + P4) & M; }

/** XXH64 of `b` with `seed` (little-endian lanes, as the reference implementation). */
export function xxh64(b: Buffer, seed = 0n): bigint {
  const n = b.length;
  let i = 0;
  let h: bigint;
  if (n >= 32) {
    let v1 = (seed + P1 + P2) & M, v2 = (seed + P2) & M, v3 = seed, v4 = (seed - P1) & M;
    for (; i + 32 <= n; i += 32) {
      v1 = round(v1, b.readBigUInt64LE(i)); v2 = round(v2, b.readBigUInt64LE(i + 8));
      v3 = round(v3, b.readBigUInt64LE(i + 16)); v4 = round(v4, b.readBigUInt64LE(i + 24));
    }
    h = (rotl(v1, 1n) + rotl(v2, 7n) + rotl(v3, 12n) + rotl(v4, 18n)) & M;
    h = mergeRound(mergeRound(mergeRound(mergeRound(h, v1), v2), v3), v4);
  } else h = (seed + P5) & M;
  h = (h + BigInt(n)) & M;
  for (; i + 8 <= n; i += 8) { h ^= round(0n, b.readBigUInt64LE(i)); h = ((rotl(h, 27n) * P1 & M) + P4) & M; }
  if (i + 4 <= n) { h ^= BigInt(b.readUInt32LE(i)) * P1 & M; h = ((rotl(h, 23n) * P2 & M) + P3) & M; i += 4; }
  for (; i < n; i++) { h ^= BigInt(b[i]) * P5 & M; h = rotl(h, 11n) * P1 & M; }
  h ^= h >> 33n; h = h * P2 & M; h ^= h >> 29n; h = h * P3 & M; h ^= h >> 32n;
  return h;
}
