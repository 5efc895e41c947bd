/* Field readers shared by the HAProxy log line parsers: integers from bytes, and the common line prefix
 * `client_ip:port [accept_date] frontend[~] backend/server ` of httplog and tcplog (written into the row).
 * Results go through the module-level `lf` cursor so nothing is allocated per field. Hot path: yes.
 */
import { digitsAt, parseAcceptDate } from '../syslog/dates.ts';
import {
  COL_BACKEND, COL_CLIENT_IP, COL_CLIENT_PORT, COL_FRONTEND, COL_SERVER, COL_TRANSPORT, COL_TS,
} from '../arrow/types.ts';
import type { LogRowWriter } from '../arrow/types.ts';
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

/**
 * Reads `n` integers separated by '/' and ending with a space (or `end` when `last`), e.g. `0/0/0/4/4 `, into
 * w.i32[cols[k]][row]. The '+' seen on the column `plusCol` index is stored in `plusOut` (column id) when >= 0.
 * Returns PARSE_OK and sets lf.pos after the separator, or an error code.
 */
export function readIntList(buf: Uint8Array, p: number, end: number, w: LogRowWriter, cols: readonly number[],
  plusAt: number, plusOut: number): number {
  // readInt inlined, the cursor written once per list (12 integers per httplog line): read + frame + httplog parse of
  // bench:collect's file 1.01 -> 0.95 CPU us/row (medians of 15 rounds, 5 interleaved runs, chrt; min 0.93 -> 0.85).
  const row = w.rows;
  const i32 = w.i32;
  const last = cols.length - 1;
  for (let k = 0; k <= last; k++) {
    let neg = false;
    let plus = 0;
    if (p < end) {
      const c = buf[p];
      if (c === 45) { neg = true; p++; } else if (c === 43) { plus = 1; p++; }
    }
    const p0 = p;
    let v = 0;
    while (p < end) {
      const d = buf[p] - 48;
      if (d < 0 || d > 9) break;
      v = v * 10 + d;
      p++;
    }
    if (p === p0 || v > 2147483647) { lf.pos = p; return p >= end ? PARSE_ERR_TRUNCATED : PARSE_ERR_NUMBER; }
    i32[cols[k]][row] = neg ? -v : v;
    if (k === plusAt && plusOut >= 0) i32[plusOut][row] = plus;
    if (p >= end) { lf.pos = p; return k === last ? PARSE_OK : PARSE_ERR_TRUNCATED; }
    if (buf[p] !== (k === last ? 32 : 47)) { lf.pos = p; return PARSE_ERR_SYNTAX; }
    p++;
  }
  lf.pos = p;
  return PARSE_OK;
}

/**
 * Offset of the first byte `c` in buf[p, end), or -1. A JS loop: log fields are a few bytes long, and Buffer.indexOf's
 * fixed cost (~20 ns a call through its JS wrapper) was ~10 calls per httplog line (bench/collectors stages).
 */
export function findByte(buf: Uint8Array, c: number, p: number, end: number): number {
  for (; p < end; p++) if (buf[p] === c) return p;
  return -1;
}

/** Offset of the next space at or after p, or -1 if none before `end`. */
export function nextSpace(buf: Uint8Array, p: number, end: number): number {
  return findByte(buf, 32, p, end);
}

/** Stores a client address `ip:port` spanning buf[p, e) (split at the last ':', IPv6-safe). */
export function writeClient(buf: Uint8Array, p: number, e: number, w: LogRowWriter): number {
  let c = e - 1;
  while (c > p && buf[c] !== 58) c--;
  if (c <= p) return PARSE_ERR_SYNTAX;
  w.setStr(COL_CLIENT_IP, buf, p, c);
  const port = readInt(buf, c + 1, e);
  if (port !== port || lf.pos !== e) return PARSE_ERR_NUMBER;
  w.i32[COL_CLIENT_PORT][w.rows] = port;
  return PARSE_OK;
}

/** The first 20 bytes (`dd/Mon/yyyy:hh:mm:ss`) of the last accept date parsed, and their value in ms (NaN = none). */
const dateKey = new Uint8Array(20);
let dateKeyMs = NaN;

/**
 * parseAcceptDate(buf, i, 24) for `dd/Mon/yyyy:hh:mm:ss.mmm` at buf[i], through a one-entry cache of the part before
 * the milliseconds: consecutive lines mostly share their second, and comparing 20 bytes costs less than parsing them
 * (~100 ns per date parsed, bench/collectors stage table).
 */
function acceptDateMs(buf: Uint8Array, i: number): number {
  if (dateKeyMs === dateKeyMs && buf[i + 20] === 46) {
    let j = 0;
    while (j < 20 && dateKey[j] === buf[i + j]) j++;
    if (j === 20) {
      const ms = digitsAt(buf, i + 21, 3);
      return ms < 0 ? NaN : dateKeyMs + ms;
    }
  }
  const ts = parseAcceptDate(buf, i, 24);
  if (ts === ts) {
    for (let j = 0; j < 20; j++) dateKey[j] = buf[i + j];
    dateKeyMs = ts - digitsAt(buf, i + 21, 3);
  }
  return ts;
}

/**
 * Parses `ip:port [dd/Mon/yyyy:hh:mm:ss.mmm] frontend[~] backend/server ` at buf[start] into the row.
 * Returns PARSE_OK with lf.pos at the first byte after the backend/server field's space, or an error code.
 */
export function parseLogPrefix(buf: Uint8Array, start: number, end: number, w: LogRowWriter): number {
  let sp = nextSpace(buf, start, end);
  if (sp < 0) return PARSE_ERR_TRUNCATED;
  let r = writeClient(buf, start, sp, w);
  if (r !== PARSE_OK) return r;
  let p = sp + 1;
  if (p + 27 > end) return PARSE_ERR_TRUNCATED;
  if (buf[p] !== 91 || buf[p + 25] !== 93 || buf[p + 26] !== 32) return PARSE_ERR_SYNTAX;
  const ts = acceptDateMs(buf, p + 1);
  if (ts !== ts) return PARSE_ERR_DATE;
  w.f64[COL_TS][w.rows] = ts;
  p += 27;
  sp = nextSpace(buf, p, end);
  if (sp < 0) return PARSE_ERR_TRUNCATED;
  const feEnd = buf[sp - 1] === 126 && sp - 1 > p ? sp - 1 : sp;
  w.setDict(COL_FRONTEND, buf, p, feEnd);
  if (feEnd !== sp) w.setDict(COL_TRANSPORT, buf, feEnd, sp);   // '~' = TLS; null otherwise
  p = sp + 1;
  sp = nextSpace(buf, p, end);
  if (sp < 0) return PARSE_ERR_TRUNCATED;
  const slash = findByte(buf, 47, p, sp);
  if (slash < 0) return PARSE_ERR_SYNTAX;
  w.setDict(COL_BACKEND, buf, p, slash);
  w.setDict(COL_SERVER, buf, slash + 1, sp);
  lf.pos = sp + 1;
  r = PARSE_OK;
  return r;
}

