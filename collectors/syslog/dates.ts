/* Date arithmetic on bytes for log timestamps: civil date → epoch days, month names, ISO 8601 and HAProxy's
 * accept date `dd/Mon/yyyy:hh:mm:ss.mmm`. No Date objects, no strings. Used by the syslog and httplog parsers.
 * Hot path: yes.
 */

/** Days since 1970-01-01 of a proleptic Gregorian date (month 1..12). */
export function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Month 1..12 of the 3-letter English abbreviation at buf[i], or 0. */
export function monthAt(buf: Uint8Array, i: number): number {
  const k = (buf[i] << 16) | (buf[i + 1] << 8) | buf[i + 2];
  switch (k) {
    case 0x4a616e: return 1; case 0x466562: return 2; case 0x4d6172: return 3; case 0x417072: return 4;
    case 0x4d6179: return 5; case 0x4a756e: return 6; case 0x4a756c: return 7; case 0x417567: return 8;
    case 0x536570: return 9; case 0x4f6374: return 10; case 0x4e6f76: return 11; case 0x446563: return 12;
    default: return 0;
  }
}

/** Value of `n` decimal digits at buf[i], or -1 if any is not a digit. */
export function digitsAt(buf: Uint8Array, i: number, n: number): number {
  let v = 0;
  for (let k = 0; k < n; k++) {
    const c = buf[i + k] - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

/** Shared output of parseIsoTimestamp: the offset just past the timestamp. */
export const isoOut = { end: 0 };

/**
 * Parses `YYYY-MM-DDThh:mm:ss[.frac](Z|±hh:mm|±hhmm)` at buf[i] (before `limit`) into UTC epoch ms (fraction truncated to
 * ms); sets isoOut.end. Returns NaN if it is not such a timestamp. A missing zone is read as UTC.
 */
export function parseIsoTimestamp(buf: Uint8Array, i: number, limit: number): number {
  if (i + 19 > limit || buf[i + 4] !== 45 || buf[i + 7] !== 45 || buf[i + 10] !== 84 || buf[i + 13] !== 58 ||
      buf[i + 16] !== 58) return NaN;
  const y = digitsAt(buf, i, 4), mo = digitsAt(buf, i + 5, 2), d = digitsAt(buf, i + 8, 2);
  const h = digitsAt(buf, i + 11, 2), mi = digitsAt(buf, i + 14, 2), s = digitsAt(buf, i + 17, 2);
  if ((y | mo | d | h | mi | s) < 0 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return NaN;
  let p = i + 19;
  let ms = 0;
  if (p < limit && buf[p] === 46) {
    p++;
    let scale = 100;
    const f0 = p;
    while (p < limit && buf[p] >= 48 && buf[p] <= 57) { if (scale >= 1) { ms += (buf[p] - 48) * scale; scale /= 10; } p++; }
    if (p === f0) return NaN;
    ms = Math.floor(ms);
  }
  let off = 0;
  if (p < limit && buf[p] === 90) p++;
  else if (p < limit && (buf[p] === 43 || buf[p] === 45)) {
    // ±hh:mm, or ±hhmm as journalctl -o short-iso and strftime's %z write it.
    const colon = buf[p + 3] === 58 ? 1 : 0;
    const oh = digitsAt(buf, p + 1, 2), om = digitsAt(buf, p + 3 + colon, 2);
    if (p + 5 + colon > limit || oh < 0 || om < 0) return NaN;
    off = (oh * 60 + om) * 60000 * (buf[p] === 43 ? 1 : -1);
    p += 5 + colon;
  }
  isoOut.end = p;
  return ((daysFromCivil(y, mo, d) * 24 + h) * 60 + mi) * 60000 + s * 1000 + ms - off;
}

/**
 * Parses HAProxy's accept date `dd/Mon/yyyy:hh:mm:ss.mmm` (24 bytes; also `dd/Mon/yyyy:hh:mm:ss` without ms, 20
 * bytes, when `len` is 20) at buf[i] as a wall-clock epoch ms. Returns NaN when malformed.
 */
export function parseAcceptDate(buf: Uint8Array, i: number, len: number): number {
  if (buf[i + 2] !== 47 || buf[i + 6] !== 47 || buf[i + 11] !== 58 || buf[i + 14] !== 58 || buf[i + 17] !== 58) return NaN;
  const d = digitsAt(buf, i, 2), mo = monthAt(buf, i + 3), y = digitsAt(buf, i + 7, 4);
  const h = digitsAt(buf, i + 12, 2), mi = digitsAt(buf, i + 15, 2), s = digitsAt(buf, i + 18, 2);
  if ((d | y | h | mi | s) < 0 || mo === 0 || h > 23 || mi > 59 || s > 60) return NaN;
  let ms = 0;
  if (len === 24) {
    if (buf[i + 20] !== 46) return NaN;
    ms = digitsAt(buf, i + 21, 3);
    if (ms < 0) return NaN;
  }
  return ((daysFromCivil(y, mo, d) * 24 + h) * 60 + mi) * 60000 + s * 1000 + ms;
}
