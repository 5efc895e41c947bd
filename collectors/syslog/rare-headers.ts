/* Rarer file-line stamps in front of `host tag[pid]: msg`, tried by frame.ts only where it would otherwise give the
 * line up as raw: BSD stamps with a year (`Nov 24 2026 09:00:00`, syslog-ng / rsyslog templates) and journalctl's
 * `-o short-full` (`Tue 2026-11-24 09:00:00 UTC`), `-o short-unix` (`1795512711.169000`) and `-o short-monotonic`
 * (`[98765.432101]`, no wall clock: tsMs stays NaN). Also a tag right after the stamp (`haproxy[12]:`, no host).
 * Hot path: no (reached by lines no common header matched; nothing allocated).
 */
import { daysFromCivil, digitsAt, monthAt } from './dates.ts';
import type { SyslogFrame } from './types.ts';

/** Epoch ms of y-mo-d h:mi:s, or NaN when a value is out of range (or -1 from digitsAt). */
function civilMs(y: number, mo: number, d: number, h: number, mi: number, s: number): number {
  if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 60) return NaN;
  return ((daysFromCivil(y, mo, d) * 24 + h) * 60 + mi) * 60000 + s * 1000;
}

/** Digits from buf[p] up to a non-digit: value in num.v, end in num.end (num.end === p: none). */
const num = { v: 0, end: 0 };
function digits(buf: Uint8Array, p: number, end: number): void {
  let v = 0;
  let q = p;
  while (q < end && q - p < 16 && buf[q] >= 48 && buf[q] <= 57) { v = v * 10 + buf[q] - 48; q++; }
  num.v = v; num.end = q;
}

/** `.fraction ` at buf[p] → its milliseconds in num.v and the offset after the space in num.end, else num.end = -1. */
function fraction(buf: Uint8Array, p: number, end: number): void {
  digits(buf, p + 1, end);
  if (buf[p] !== 46 || num.end === p + 1 || num.end >= end || buf[num.end] !== 32) { num.end = -1; return; }
  const n = num.end - p - 1;
  num.v = n >= 3 ? Math.floor(num.v / 10 ** (n - 3)) : num.v * 10 ** (3 - n);
  num.end++;
}

/**
 * Parses one of the stamps above at buf[p]. Returns the offset after it and its space, with f.tsMs set (NaN for the
 * monotonic clock), or -1 without touching `f`.
 */
export function rareStamp(buf: Uint8Array, p: number, end: number, f: SyslogFrame): number {
  if (p + 12 > end) return -1;
  const c = buf[p];
  if (c >= 65 && c <= 90) {
    if (p + 21 > end || buf[p + 3] !== 32) return -1;
    if (buf[p + 6] === 32 && buf[p + 11] === 32 && buf[p + 14] === 58 && buf[p + 17] === 58) {
      // Mmm dd yyyy hh:mm:ss[.fff]
      const d = buf[p + 4] === 32 ? digitsAt(buf, p + 5, 1) : digitsAt(buf, p + 4, 2);
      const ms = civilMs(digitsAt(buf, p + 7, 4), monthAt(buf, p), d, digitsAt(buf, p + 12, 2), digitsAt(buf, p + 15, 2),
        digitsAt(buf, p + 18, 2));
      if (ms !== ms) return -1;
      if (buf[p + 20] === 32) { f.tsMs = ms; return p + 21; }
      fraction(buf, p + 20, end);
      if (num.end < 0) return -1;
      f.tsMs = ms + num.v;
      return num.end;
    }
    if (p + 25 <= end && buf[p + 8] === 45 && buf[p + 11] === 45 && buf[p + 14] === 32 && buf[p + 17] === 58 &&
        buf[p + 20] === 58 && buf[p + 23] === 32) {
      // Ddd yyyy-mm-dd hh:mm:ss ZONE (journalctl -o short-full): kept as the wall clock written, like RFC 3164 stamps
      const ms = civilMs(digitsAt(buf, p + 4, 4), digitsAt(buf, p + 9, 2), digitsAt(buf, p + 12, 2), digitsAt(buf, p + 15, 2),
        digitsAt(buf, p + 18, 2), digitsAt(buf, p + 21, 2));
      if (ms !== ms) return -1;
      let z = p + 24;
      while (z < end && z < p + 40 && buf[z] > 32) z++;
      if (z === p + 24 || z >= end || buf[z] !== 32) return -1;
      f.tsMs = ms;
      return z + 1;
    }
    return -1;
  }
  if (c >= 48 && c <= 57) {
    // seconds.micros (journalctl -o short-unix)
    digits(buf, p, end);
    if (num.end - p < 9 || num.end - p > 12) return -1;
    const sec = num.v;
    if (buf[num.end + 7] !== 32) return -1;                  // always 6 digits
    fraction(buf, num.end, end);
    if (num.end < 0) return -1;
    f.tsMs = sec * 1000 + num.v;
    return num.end;
  }
  if (c === 91) {
    // [   seconds.micros] (journalctl -o short-monotonic): time since boot, no date
    let q = p + 1;
    while (q < end && buf[q] === 32) q++;
    digits(buf, q, end);
    if (num.end === q || buf[num.end] !== 46) return -1;
    digits(buf, num.end + 1, end);
    if (buf[num.end] !== 93 || buf[num.end + 1] !== 32) return -1;
    f.tsMs = NaN;
    return num.end + 2;
  }
  return -1;
}

/**
 * `tag[pid]:` at buf[p] with `[` at buf[w] (no host before it), the message after the colon and an optional space.
 * Returns false without touching `f` when the brackets do not hold digits followed by ':'.
 */
export function tagPidAt(buf: Uint8Array, p: number, w: number, end: number, f: SyslogFrame): boolean {
  digits(buf, w + 1, end);
  const r = num.end;
  if (r === w + 1 || r + 1 >= end || buf[r] !== 93 || buf[r + 1] !== 58) return false;
  f.progStart = p; f.progEnd = w; f.pid = num.v;
  f.msgStart = r + 2 < end && buf[r + 2] === 32 ? r + 3 : r + 2;
  return true;
}
