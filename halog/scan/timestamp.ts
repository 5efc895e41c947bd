// -time filter: "[dd/Mmm/yyyy:hh:mm:ss..." at `p` → Unix time in the local time zone (TZ), following
// halog's byte walk (including its month-name shortcuts); -1 when a 0 byte ends the date early.
// Like the C tool, fields are 32-bit ints that wrap, the date is normalised like mktime() on a 64-bit
// time_t and the result is cut to 32 bits (a mangled year 2026920 gives 754817900, not 0).
// The conversion of a given minute is cached. Hot path: yes when -time is used.

let cY = -1, cMo = -1, cD = -1, cH = -1, cM = -1;
let cacheRes = 0;

/* JS dates stop at +-8.64e15 ms (year 275760); beyond, the 400-year Gregorian cycle (146097 days) is used */
const CYCLE_SECS = 146097n * 86400n;
const Y2K_SECS = 946684800n;

function floorDivBig(a: bigint, b: bigint): bigint {
  const q = a / b;
  return (a % b !== 0n && (a < 0n) !== (b < 0n)) ? q - 1n : q;
}

/* days from 1970-01-01 to the first day of month `mon` (1..12) of year `y` (proleptic Gregorian) */
function daysFromCivil(y: bigint, mon: number): bigint {
  if (mon <= 2) y -= 1n;
  const era = floorDivBig(y, 400n);
  const yoe = y - era * 400n;
  const doy = BigInt(Math.floor((153 * (mon + (mon > 2 ? -3 : 9)) + 2) / 5));
  return era * 146097n + yoe * 365n + yoe / 4n - yoe / 100n + doy - 719468n;
}

/* year of the day `days` after 1970-01-01 (proleptic Gregorian), the inverse of daysFromCivil */
function civilYear(days: bigint): bigint {
  const z = days + 719468n;
  const era = floorDivBig(z, 146097n);
  const doe = z - era * 146097n;
  const yoe = (doe - doe / 1460n + doe / 36524n - doe / 146096n) / 365n;
  const doy = doe - (365n * yoe + yoe / 4n - yoe / 100n);
  const mp = (5n * doy + 2n) / 153n;
  return yoe + era * 400n + (mp >= 10n ? 1n : 0n);
}

/* tm_year's range: mktime() fails (returns -1) when the normalised date's year - 1900 is not an int */
const TM_YEAR_MIN = -2147483648n + 1900n;
const TM_YEAR_MAX = 2147483647n + 1900n;

/**
 * Local time of (year, month 0-based, day, hour, minute), each possibly out of range, cut to an int32
 * like halog's cast of mktime(); -1 like mktime() when the normalised year does not fit tm_year. Allocates (Date, BigInt); called once per distinct minute.
 */
function localMinuteInt32(y: number, mon0: number, d: number, h: number, m: number): number {
  const dt = new Date(2000, 0, 1, 0, 0, 0, 0);
  dt.setFullYear(y, mon0, d);
  dt.setHours(h, m, 0, 0);
  const ms = dt.getTime();
  if (ms === ms) return Math.floor(ms / 1000) | 0;
  /* naive seconds, then the zone offset of the same instant moved into 2000..2399 */
  const yy = BigInt(y) + BigInt(Math.floor(mon0 / 12));
  const mm = ((mon0 % 12) + 12) % 12;
  const naive = (daysFromCivil(yy, mm + 1) + BigInt(d - 1)) * 86400n + BigInt(h) * 3600n + BigInt(m) * 60n;
  const year = civilYear(floorDivBig(naive, 86400n));
  if (year < TM_YEAR_MIN || year > TM_YEAR_MAX) return -1;
  const k = floorDivBig(naive - Y2K_SECS, CYCLE_SECS);
  const inCycle = Number(naive - k * CYCLE_SECS);
  const u = new Date(inCycle * 1000);
  const loc = new Date(u.getUTCFullYear(), u.getUTCMonth(), u.getUTCDate(), u.getUTCHours(), u.getUTCMinutes());
  const off = BigInt(inCycle - Math.floor(loc.getTime() / 1000));
  return Number(BigInt.asIntN(32, naive + off));
}

export function acceptTimestamp(buf: Uint8Array, p: number): number {
  let d = 0, mo = 0, y = 0, h = 0, m = 0, s = 0, c: number;
  p++; /* '[' */
  for (;;) { c = (buf[p++] - 48) & 255; if (c > 9) break; d = (Math.imul(d, 10) + c) | 0; }
  c = buf[p++];
  if (c === 70) { mo = 2; p += 3; } /* F */
  else if (c === 83) { mo = 9; p += 3; } /* S */
  else if (c === 79) { mo = 10; p += 3; } /* O */
  else if (c === 78) { mo = 11; p += 3; } /* N */
  else if (c === 68) { mo = 12; p += 3; } /* D */
  else if (c === 65) { /* A */
    c = buf[p++];
    if (c === 112) { mo = 4; p += 2; } else if (c === 117) { mo = 8; p += 2; } else return -1;
  } else if (c === 74) { /* J */
    c = buf[p++];
    if (c === 97) { mo = 1; p += 2; } else if (c === 117) {
      c = buf[p++];
      if (c === 110) { mo = 6; p += 1; } else if (c === 108) { mo = 7; p++; }
    } else return -1;
  } else if (c === 77) { /* M */
    p++;
    c = buf[p++];
    if (c === 114) { mo = 3; p += 1; } else if (c === 121) { mo = 5; p += 1; } else return -1;
  } else return -1;
  for (;;) { c = (buf[p++] - 48) & 255; if (c > 9) break; y = (Math.imul(y, 10) + c) | 0; }
  for (;;) { c = (buf[p++] - 48) & 255; if (c > 9) break; h = (Math.imul(h, 10) + c) | 0; }
  if (c === 208) return -1;
  for (;;) { c = (buf[p++] - 48) & 255; if (c > 9) break; m = (Math.imul(m, 10) + c) | 0; }
  if (c === 208) return -1;
  for (;;) { c = (buf[p++] - 48) & 255; if (c > 9) break; s = (Math.imul(s, 10) + c) | 0; }
  if (y !== cY || mo !== cMo || d !== cD || h !== cH || m !== cM) {
    /* tm_year = year - 1900 is an int in C too: it wraps before mktime adds 1900 back */
    cacheRes = localMinuteInt32(((y - 1900) | 0) + 1900, mo - 1, d, h, m);
    cY = y; cMo = mo; cD = d; cH = h; cM = m;
  }
  return (cacheRes + s) | 0;
}
