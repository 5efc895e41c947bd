// -time filter: "[dd/Mmm/yyyy:hh:mm:ss..." at `p` → Unix time in the local time zone (TZ), following
// halog's byte walk (including its month-name shortcuts); -1 when a 0 byte ends the date early.
// Like the C tool, fields are 32-bit ints that wrap, the date is normalised like mktime() on a 64-bit
// time_t and the result is cut to 32 bits (a mangled year 2026920 gives 754817900, not 0).
// halog converts through one struct tm that it keeps (localtime() of "now" at first, then what mktime()
// normalised it to): its tm_isdst is mktime's DST hint, and a line whose raw fields equal the kept,
// normalised ones reuses the previous result. Both are modelled: in a zone with DST, the first date of
// a run in the other half of the year, or the first after a change, is an hour off as in halog.
// Hot path: yes when -time is used (one cache compare a line; a conversion per new minute).

/* the kept struct tm's fields (tm_year, tm_mon, tm_mday, tm_hour, tm_min as C ints), its DST flag, result */
let cY = 0, cMo = 0, cD = 0, cH = 0, cM = 0;
let cached = false;
let hintDst = false;
let cacheRes = 0;

/** Starts a run as halog's process does: nothing cached, the DST hint of the current time. */
export function resetTimestamps(): void {
  cached = false;
  negativeDst = /^(Europe\/Dublin|Eire)$/.test(Intl.DateTimeFormat().resolvedOptions().timeZone);
  hintDst = isDst(Date.now());
}

/* glibc's mktime() looks for a time with the hinted DST flag this far either side, a week per step */
const DST_STRIDE_MS = 601200 * 1000;
const DST_BOUND_MS = (536454000 / 2 + 601200) * 1000;
const MIN_MS = 60000;

/* UTC offset in minutes at instant `ms` (east positive) */
const offsetAt = (ms: number): number => -new Date(ms).getTimezoneOffset();

/* Irish time is standard in summer in the tz database since 1971: its winter hour is flagged as DST */
let negativeDst = false;

/* tm_isdst of localtime(ms): the offset is above the smaller of its year's January and July offsets */
function isDst(ms: number): boolean {
  const y = new Date(ms).getFullYear();
  const jan = offsetAt(new Date(y, 0, 1).getTime()), jul = offsetAt(new Date(y, 6, 1).getTime());
  const off = offsetAt(ms);
  return negativeDst && y >= 1971 ? off < Math.max(jan, jul) : off > Math.min(jan, jul);
}

/*
 * mktime() of a local wall time (`naiveMs`: its fields read as UTC) whose first reading is `ms`, with
 * the DST hint: when ms's flag differs, the offset of the nearest week-step neighbour that has the
 * hinted flag is used instead (an overlap hour then gives the hinted one of its two instants).
 */
function withHint(naiveMs: number, ms: number): number {
  if (isDst(ms) === hintDst) return ms;
  for (let delta = DST_STRIDE_MS; delta < DST_BOUND_MS; delta += DST_STRIDE_MS) {
    for (let dir = -1; dir <= 1; dir += 2) {
      const ot = ms + dir * delta;
      if (isDst(ot) === hintDst) return naiveMs - offsetAt(ot) * MIN_MS;
    }
  }
  /* no such neighbour (a zone or era without DST): glibc takes DST for one hour more */
  return ms + (hintDst ? -3600000 : 3600000);
}

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
  let ms = dt.getTime();
  if (ms === ms) {
    const naive = Date.UTC(2000, 0, 1);
    const nd = new Date(naive);
    nd.setUTCFullYear(y, mon0, d);
    nd.setUTCHours(h, m, 0, 0);
    ms = withHint(nd.getTime(), ms);
    /* the kept struct tm now holds the normalised date of the result, and its DST flag */
    const r = new Date(ms);
    cY = r.getFullYear() - 1900; cMo = r.getMonth(); cD = r.getDate(); cH = r.getHours(); cM = r.getMinutes();
    hintDst = isDst(ms);
    return Math.floor(ms / 1000) | 0;
  }
  /* naive seconds, then the zone offset of the same instant moved into 2000..2399 */
  const yy = BigInt(y) + BigInt(Math.floor(mon0 / 12));
  const mm = ((mon0 % 12) + 12) % 12;
  const naive = (daysFromCivil(yy, mm + 1) + BigInt(d - 1)) * 86400n + BigInt(h) * 3600n + BigInt(m) * 60n;
  const year = civilYear(floorDivBig(naive, 86400n));
  if (year < TM_YEAR_MIN || year > TM_YEAR_MAX) {
    cY = (y - 1900) | 0; cMo = mon0; cD = d; cH = h; cM = m;
    return -1;
  }
  const k = floorDivBig(naive - Y2K_SECS, CYCLE_SECS);
  const inCycle = Number(naive - k * CYCLE_SECS);
  const u = new Date(inCycle * 1000);
  const loc = new Date(u.getUTCFullYear(), u.getUTCMonth(), u.getUTCDate(), u.getUTCHours(), u.getUTCMinutes());
  const off = BigInt(inCycle - Math.floor(loc.getTime() / 1000));
  /* far dates: the kept fields are taken as the requested ones (the same results at TZ=UTC) */
  cY = (y - 1900) | 0; cMo = mon0; cD = d; cH = h; cM = m;
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
  if (!cached || ((y - 1900) | 0) !== cY || mo - 1 !== cMo || d !== cD || h !== cH || m !== cM) {
    /* tm_year = year - 1900 is an int in C too: it wraps before mktime adds 1900 back */
    cacheRes = localMinuteInt32(((y - 1900) | 0) + 1900, mo - 1, d, h, m);
    cached = true;
  }
  return (cacheRes + s) | 0;
}
