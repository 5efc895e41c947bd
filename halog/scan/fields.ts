// Field scanning over a line held in a Buffer and terminated by a 0 byte (the reader writes 0 over the
// LF), with halog's exact rules: only ' ' separates fields, runs of spaces count as one, a 0 byte ends
// the line wherever it appears. Integers are read from digits with 32-bit wrap-around like C's int.
// Called by the scanner for every line. Hot path: yes (no allocation, no strings).

/** A DataView over the whole of `buf` (same memory), as fieldStart expects. */
export function scanView(buf: Uint8Array): DataView {
  return new DataView(buf.buffer, buf.byteOffset, buf.length);
}

/**
 * Position of field `n` (1-based) counted from `p`, where the field under `p` (if `p` is not on a space)
 * is field 1. Returns the position of the terminating 0 byte when the line has fewer fields (n <= 0
 * always runs to the end, as in halog). `dv` is scanView(buf) (made once per buffer by the caller: a
 * DataView reached through a module variable or made per call is slower than the plain byte loop).
 * Inside a field it tests 4 bytes per step for "a byte < 0x21" (SWAR) and takes the first such byte of
 * the word from the lowest flag bit: ~77-105 -> ~55 ns per line for the 3 seeks of -pct
 * (bench/halog/fields.bench.ts; the bit index instead of a byte loop after the hit: ~58 -> ~55 ns,
 * not visible in a whole -pct scan). Does not allocate.
 */
export function fieldStart(buf: Uint8Array, dv: DataView, p: number, n: number): number {
  const lim = buf.length - 3;
  for (;;) {
    let c = buf[p];
    while (c === 32) c = buf[++p];
    if (c === 0) return p;
    if (--n === 0) return p;
    for (;;) {
      p++;
      for (;;) {
        if (p >= lim) {
          c = buf[p];
          while (c > 32) c = buf[++p];
          break;
        }
        const x = dv.getInt32(p, true);
        const m = (x - 0x21212121) & ~x & 0x80808080;
        if (m !== 0) {
          /* the lowest flagged byte is exact (a borrow only flags bytes above a real hit) */
          p += (31 - Math.clz32(m & -m)) >>> 3;
          c = buf[p];
          break;
        }
        p += 4;
      }
      if (c === 32) break;
      if (c === 0) return p;
    }
  }
}

/** Position of the first ' ' or 0 byte at or after `p` (halog's field_stop). */
export function fieldStop(buf: Uint8Array, p: number): number {
  let c = buf[p];
  while (c !== 32 && c !== 0) c = buf[++p];
  return p;
}

/* Where the last str2ic stopped (its first byte that is not part of the number). */
export let intEnd = 0;

/**
 * C-style signed decimal read at `p`: an optional '-' then digits, stopping at any other byte, with
 * 32-bit wrap-around on overflow (halog's str2ic). Never fails; returns 0 when there is no digit.
 * Sets intEnd, so that timer loops go on with skipChar(buf, intEnd, '/') instead of walking the digits
 * again (the skipped bytes are digits or '-', never '/' nor <= ' ', so the result is the same).
 */
export function str2ic(buf: Uint8Array, p: number): number {
  let i = 0;
  if (buf[p] !== 45) {
    let j = buf[p] - 48;
    while (j >= 0 && j <= 9) {
      i = (Math.imul(i, 10) + j) | 0;
      j = buf[++p] - 48;
    }
  } else {
    let j = buf[++p] - 48;
    while (j >= 0 && j <= 9) {
      i = (Math.imul(i, 10) - j) | 0;
      j = buf[++p] - 48;
    }
  }
  intEnd = p;
  return i;
}

/**
 * Skips past the next `c` byte after `p`, or stops on the first byte <= ' ' without consuming it
 * (halog's SKIP_CHAR). Returns the new position.
 */
export function skipChar(buf: Uint8Array, p: number, c: number): number {
  for (;;) {
    const x = buf[p++];
    if (x === c) return p;
    if (x <= 32) return p - 1;
  }
}

/** Length of the 0-terminated string at `p` (halog prints lines and keys up to the first 0 byte). */
export function strEnd(buf: Uint8Array, p: number): number {
  /* native memchr: a JS byte loop here made line output (-H, -e, ...) ~5x slower than halog */
  const e = buf.indexOf(0, p);
  return e < 0 ? buf.length : e;
}
