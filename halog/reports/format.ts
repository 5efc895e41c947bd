// printf-compatible number formatting for halog reports: %.Nf with glibc's round-half-to-even on exact
// ties (toFixed rounds ties up), and %llu of 64-bit sums that C wraps modulo 2^64. Hot path: no.

const TWO64 = 1n << 64n;

/** printf("%.<digits>f", x) for finite x, as glibc prints it. */
export function printfFixed(x: number, digits: number): string {
  const s = x.toFixed(digits);
  /* an exact tie shows as digit 5 followed only by zeros in a longer exact expansion */
  const long = Math.abs(x).toFixed(Math.min(100, digits + 60));
  const tail = long.slice(long.indexOf('.') + 1 + digits);
  if (tail[0] !== '5' || !/^50*$/.test(tail)) return s;
  /* tie: round half to even on the kept digits */
  const kept = long.slice(0, long.indexOf('.') + 1 + digits).replace('.', '');
  const lastDigit = kept.charCodeAt(kept.length - 1) - 48;
  let n = BigInt(kept);
  if (lastDigit % 2 === 1) n += 1n;
  let str = n.toString().padStart(digits + 1, '0');
  str = digits > 0 ? str.slice(0, str.length - digits) + '.' + str.slice(str.length - digits) : str;
  return (x < 0 || Object.is(x, -0) ? '-' : '') + str;
}

/** A signed running sum as the unsigned 64-bit value C would hold. */
export function toU64(x: number): bigint {
  const b = BigInt(x);
  return b < 0n ? ((b % TWO64) + TWO64) % TWO64 : b % TWO64;
}
