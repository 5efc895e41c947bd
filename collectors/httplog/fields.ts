/* Field readers shared by the HAProxy log line parsers: integers from bytes, and the common line prefix
 * `client_ip:port [accept_date] frontend[~] backend/server ` of httplog and tcplog (written into the row).
 * Results go through the module-level `lf` cursor and `nums` so nothing is allocated per field. Hot path: yes.
 */
import { digitsAt, parseAcceptDate } from '../syslog/dates.ts';
import { newByteKey, sameBytes, scanTo } from '../byte-words.ts';
import { COL_BACKEND, COL_FRONTEND, COL_SERVER, COL_TRANSPORT } from '../arrow/types.ts';
import type { LogRowWriter } from '../arrow/types.ts';
import type { PrevValues } from './prev-values.ts';
import type { RowCols } from './row-cols.ts';
import { PARSE_ERR_DATE, PARSE_ERR_NUMBER, PARSE_ERR_SYNTAX, PARSE_ERR_TRUNCATED, PARSE_OK } from './types.ts';

/** Cursor shared by the readers: `pos` = offset after what was read, `plus` = 1 if a '+' prefix was seen. */
export const lf = { pos: 0, plus: 0 };

/**
 * Reads an optionally signed ('-' or '+') decimal integer at buf[p], stopping at the first non-digit before `end`.
 * Returns the value (NaN if there is no digit or it exceeds int32); lf.pos = offset of the stop byte.
 */
export function readInt(buf: Uint8Array, p: number, end: number): number {
  let neg = false;
  lf.plus = 0;
  if (p < end && buf[p] === 45) { neg = true; p++; } else if (p < end && buf[p] === 43) { lf.plus = 1; p++; }
  const p0 = p;
  let v = 0;
  while (p < end) {
    const c = buf[p] - 48;
    if (c < 0 || c > 9) break;
    v = v * 10 + c;
    p++;
  }
  lf.pos = p;
  if (p === p0 || v > 2147483647) return NaN;
  return neg ? -v : v;
}

/** Like readInt for values up to 2^53 (byte counters). */
export function readBigInt(buf: Uint8Array, p: number, end: number): number {
  lf.plus = 0;
  if (p < end && buf[p] === 43) { lf.plus = 1; p++; }
  const p0 = p;
  let v = 0;
  while (p < end) {
    const c = buf[p] - 48;
    if (c < 0 || c > 9) break;
    v = v * 10 + c;
    p++;
  }
  lf.pos = p;
  return p === p0 ? NaN : v;
}

/** readInts' output: nums[k] = the k-th integer read. */
export const nums = new Int32Array(8);

/**
 * Reads `n` (<= 8) integers separated by '/', or by a space after value k when bit k of `spaces` is set, the last one
 * ending with a space (or `end`), e.g. `1/1/0/0/0 0/0 ` (n 7, spaces 0b1010000), into nums[0..n). lf.plus = a mask of
 * the values that had a '+' prefix (bit k). Returns PARSE_OK and sets lf.pos after the last space (or at `end`), or an
 * error code with lf.pos at the offending byte: no digit or over int32 = bad number (truncated at `end`), a missing
 * value = truncated, a wrong separator = syntax.
 */
export function readInts(buf: Uint8Array, p: number, end: number, n: number, spaces: number): number {
  // Integers parsed inline, the cursor written once per list (12 integers per httplog line in two lists). A value
  // starts with a digit but for the rare sign; `stops` has a bit per value followed by a space.
  const stops = spaces | (1 << (n - 1));
  const out = nums;
  let plus = 0;
  for (let k = 0; k < n; k++) {
    if (p >= end) { lf.pos = p; return PARSE_ERR_TRUNCATED; }
    let d = buf[p] - 48;
    let neg = false;
    if (d < 0 || d > 9) {
      if (d === -3) neg = true;                 // '-'
      else if (d === -5) plus |= 1 << k;        // '+'
      else { lf.pos = p; return PARSE_ERR_NUMBER; }
      if (++p >= end) { lf.pos = p; return PARSE_ERR_TRUNCATED; }
      d = buf[p] - 48;
      if (d < 0 || d > 9) { lf.pos = p; return PARSE_ERR_NUMBER; }
    }
    let v = d;
    for (p++; p < end; p++) {
      d = buf[p] - 48;
      if (d < 0 || d > 9) break;
      v = v * 10 + d;
    }
    if (v > 2147483647) { lf.pos = p; return p >= end ? PARSE_ERR_TRUNCATED : PARSE_ERR_NUMBER; }
    out[k] = neg ? -v : v;
    if (p >= end) { lf.pos = p; lf.plus = plus; return k === n - 1 ? PARSE_OK : PARSE_ERR_TRUNCATED; }
    if (buf[p] !== ((stops >> k) & 1 ? 32 : 47)) { lf.pos = p; return PARSE_ERR_SYNTAX; }
    p++;
  }
  lf.pos = p;
  lf.plus = plus;
  return PARSE_OK;
}

/** The first 20 bytes (`dd/Mon/yyyy:hh:mm:ss`) of the last accept date parsed, and their value in ms (NaN = none). */
const dateKey = newByteKey(20);
let dateKeyMs = NaN;

/**
 * parseAcceptDate(buf, i, 24) for `dd/Mon/yyyy:hh:mm:ss.mmm` at buf[i] (24 bytes the caller checked are in `buf`),
 * through a one-entry cache of the part before the milliseconds: consecutive lines mostly share their second, and
 * comparing 20 bytes costs less than parsing them (~100 ns per date parsed, bench/collectors stage table).
 */
function acceptDateMs(buf: Uint8Array, i: number): number {
  if (dateKeyMs === dateKeyMs && buf[i + 20] === 46 && sameBytes(dateKey, buf, i, 20)) {
    const ms = digitsAt(buf, i + 21, 3);
    return ms < 0 ? NaN : dateKeyMs + ms;
  }
  const ts = parseAcceptDate(buf, i, 24);
  if (ts === ts) {
    const k = dateKey.bytes;
    for (let j = 0; j < 20; j++) k[j] = buf[i + j];
    dateKeyMs = ts - digitsAt(buf, i + 21, 3);
  }
  return ts;
}

/**
 * Parses `ip:port [dd/Mon/yyyy:hh:mm:ss.mmm] frontend[~] backend/server ` at buf[start] into the row, each field in one
 * forward scan (the client split at its last ':', IPv6-safe), dictionary ids through `pv`, the other fields through
 * `c` (bound to `w`). Returns PARSE_OK with lf.pos at the first byte after the backend/server field's space, or an
 * error code.
 */
export function parseLogPrefix(buf: Uint8Array, start: number, end: number, w: LogRowWriter, pv: PrevValues, c: RowCols): number {
  // the client field: its space 4 bytes per step, then its last ':' (IPv6-safe) backwards from there
  let p = scanTo(buf, start, end, 32);
  if (p >= end) return PARSE_ERR_TRUNCATED;
  let colon = p - 1;
  while (colon > start && buf[colon] !== 58) colon--;
  if (colon <= start) return PARSE_ERR_SYNTAX;
  const sp = p;
  let q = colon + 1;
  let neg = false;
  if (q < sp) { if (buf[q] === 45) { neg = true; q++; } else if (buf[q] === 43) q++; }
  const q0 = q;
  let port = 0;
  for (; q < sp; q++) {
    const d = buf[q] - 48;
    if (d < 0 || d > 9) break;
    port = port * 10 + d;
  }
  if (q === q0 || q !== sp || port > 2147483647) return PARSE_ERR_NUMBER;
  const row = w.rows;
  c.clientIp.append(row, buf, start, colon);
  c.clientPort[row] = neg ? -port : port;
  p = sp + 1;
  if (p + 27 > end) return PARSE_ERR_TRUNCATED;
  if (buf[p] !== 91 || buf[p + 25] !== 93 || buf[p + 26] !== 32) return PARSE_ERR_SYNTAX;
  const ts = acceptDateMs(buf, p + 1);
  if (ts !== ts) return PARSE_ERR_DATE;
  c.ts[row] = ts;
  p += 27;
  pv.bind(w);
  const route = pv.hitRoute(c, row, buf, p, end);
  if (route >= 0) { lf.pos = route; return PARSE_OK; }
  const p0 = p;
  let e = pv.hit(COL_FRONTEND, c.frontend, row, buf, p, end, 32);
  if (e < 0 || (buf[e - 1] === 126 && e - 1 > p)) {
    for (e = p; e < end && buf[e] !== 32; e++);
    if (e >= end) return PARSE_ERR_TRUNCATED;
    if (buf[e - 1] === 126 && e - 1 > p) {           // '~' = TLS; transport null otherwise
      pv.set(w, COL_FRONTEND, c.frontend, row, buf, p, e - 1);
      pv.set(w, COL_TRANSPORT, c.transport, row, buf, e - 1, e);
    } else pv.set(w, COL_FRONTEND, c.frontend, row, buf, p, e);
  }
  p = e + 1;
  let slash = pv.hit(COL_BACKEND, c.backend, row, buf, p, end, 47);
  if (slash < 0) {
    for (e = p; e < end; e++) {
      const ch = buf[e];
      if (ch === 32) break;
      if (ch === 47 && slash < 0) slash = e;
    }
    if (e >= end) return PARSE_ERR_TRUNCATED;
    if (slash < 0) return PARSE_ERR_SYNTAX;
    pv.set(w, COL_BACKEND, c.backend, row, buf, p, slash);
  }
  p = slash + 1;
  e = pv.hit(COL_SERVER, c.server, row, buf, p, end, 32);
  if (e < 0) {
    for (e = p; e < end && buf[e] !== 32; e++);
    if (e >= end) return PARSE_ERR_TRUNCATED;
    pv.set(w, COL_SERVER, c.server, row, buf, p, e);
  }
  lf.pos = e + 1;
  pv.setRoute(c, row, buf, p0, e + 1);
  return PARSE_OK;
}
