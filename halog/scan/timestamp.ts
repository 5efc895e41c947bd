// -time filter: "[dd/Mmm/yyyy:hh:mm:ss..." at `p` → Unix time in the local time zone (TZ), following
// halog's byte walk (including its month-name shortcuts); -1 when a 0 byte ends the date early.
// The conversion of a given minute is cached. Hot path: yes when -time is used.

let cacheKey = -1;
let cacheRes = 0;

export function acceptTimestamp(buf: Uint8Array, p: number): number {
  let d = 0, mo = 0, y = 0, h = 0, m = 0, s = 0, c: number;
  p++; /* '[' */
  for (;;) { c = (buf[p++] - 48) & 255; if (c > 9) break; d = d * 10 + c; }
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
  for (;;) { c = (buf[p++] - 48) & 255; if (c > 9) break; y = y * 10 + c; }
  for (;;) { c = (buf[p++] - 48) & 255; if (c > 9) break; h = h * 10 + c; }
  if (c === 208) return -1;
  for (;;) { c = (buf[p++] - 48) & 255; if (c > 9) break; m = m * 10 + c; }
  if (c === 208) return -1;
  for (;;) { c = (buf[p++] - 48) & 255; if (c > 9) break; s = s * 10 + c; }
  const key = ((((y * 13 + mo) * 32 + d) * 25 + h) * 60 + m);
  if (key !== cacheKey) {
    const dt = new Date(2000, 0, 1, 0, 0, 0, 0);
    dt.setFullYear(y, mo - 1, d);
    dt.setHours(h, m, 0, 0);
    cacheRes = Math.floor(dt.getTime() / 1000);
    cacheKey = key;
  }
  return (cacheRes + s) | 0;
}
