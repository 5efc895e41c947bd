/* HAProxy `option httplog` line → one http_log row, written straight into a batch's typed-array columns:
 * `ci:cp [tr] ft b/s TR/Tw/Tc/Tr/Ta ST B CC CS tsc ac/fc/bc/sc/rc sq/bq {hr} {hs} "r"`.
 * Input is the message after any syslog header (datagram or file line alike). Shared with halog.
 * Hot path: yes (no strings except dictionary misses, no regex, no allocation per line).
 */
import { COL_HTTP_VERSION, COL_METHOD, COL_TERM_STATE } from '../arrow/types.ts';
import type { LogRowWriter } from '../arrow/types.ts';
import { writeAfterRequest } from './after-request.ts';
import { scanTo } from '../byte-words.ts';
import { lf, nums, parseLogPrefix, readInts } from './fields.ts';
import { PrevValues } from './prev-values.ts';
import { RowCols } from './row-cols.ts';
import {
  PARSE_ERR_NOT_HTTP, PARSE_ERR_NUMBER, PARSE_ERR_SYNTAX, PARSE_ERR_TRUNCATED, PARSE_OK,
} from './types.ts';

const prev = new PrevValues();
const cols = new RowCols();
const bufIndexOf = Buffer.prototype.indexOf;

/**
 * The error for a timers field that readInts rejected with `r`: a field without a space after it is truncated,
 * one with 2 slashes is a tcplog line, any count but 4 is a syntax error. Checked only after a failure: a field
 * that reads as five '/'-separated integers and a space has 4 slashes (~40 ns/line saved, bench/collectors).
 */
function timersError(buf: Uint8Array, p: number, end: number, r: number): number {
  let e = p;
  while (e < end && buf[e] !== 32) e++;
  if (e >= end) return PARSE_ERR_TRUNCATED;
  let slashes = 0;
  for (let k = p; k < e; k++) if (buf[k] === 47) slashes++;
  if (slashes !== 4) return slashes === 2 ? PARSE_ERR_NOT_HTTP : PARSE_ERR_SYNTAX;
  return r;
}

/**
 * Parses one httplog message buf[start, end) into row `w.rows` (LogLineParser contract: PARSE_OK → caller commits,
 * else caller rolls back). Timers of -1 are stored as -1; '+' prefixes set ta_plus / redispatched. Captured header
 * blocks are optional; the request line keeps HAProxy's #XX encoding. A request line without a version (e.g.
 * `"<BADREQ>"`) stores it whole as the uri with method and version null. One forward pass over the fields (the
 * request line's version is found from its end), integers read inline.
 */
export function parseHttpLog(buf: Uint8Array, start: number, end: number, w: LogRowWriter): number {
  const c = cols;
  c.bind(w);
  let r = parseLogPrefix(buf, start, end, w, prev, c);
  if (r !== PARSE_OK) return r;
  const row = w.rows;
  let p = lf.pos;
  r = readInts(buf, p, end, 5, 0);
  if (r !== PARSE_OK) return timersError(buf, p, end, r);
  p = lf.pos;
  if (p >= end) return PARSE_ERR_TRUNCATED;                 // the timers ended the line
  c.tr[row] = nums[0]; c.tw[row] = nums[1]; c.tc[row] = nums[2]; c.trSrv[row] = nums[3]; c.ta[row] = nums[4];
  c.taPlus[row] = lf.plus >> 4;
  // status: optionally signed int32, then a space
  let neg = false;
  const sign = buf[p];
  if (sign === 45) { neg = true; p++; } else if (sign === 43) p++;
  let q = p;
  let v = 0;
  for (; q < end; q++) {
    const d = buf[q] - 48;
    if (d < 0 || d > 9) break;
    v = v * 10 + d;
  }
  if (q === p || v > 2147483647) return PARSE_ERR_NUMBER;
  if (q >= end) return PARSE_ERR_TRUNCATED;
  if (buf[q] !== 32) return PARSE_ERR_SYNTAX;
  c.status[row] = neg ? -v : v;
  // bytes read: up to 2^53, optional '+'
  p = q + 1;
  if (p < end && buf[p] === 43) p++;
  v = 0;
  for (q = p; q < end; q++) {
    const d = buf[q] - 48;
    if (d < 0 || d > 9) break;
    v = v * 10 + d;
  }
  if (q === p) return PARSE_ERR_NUMBER;
  if (q >= end) return PARSE_ERR_TRUNCATED;
  if (buf[q] !== 32) return PARSE_ERR_SYNTAX;
  c.bytesRead[row] = v;
  p = q + 1;
  for (q = p; q < end && buf[q] !== 32; q++);               // captured request cookie
  if (q >= end) return PARSE_ERR_TRUNCATED;
  if (!(q === p + 1 && buf[p] === 45)) c.reqCookie.append(row, buf, p, q);
  p = q + 1;
  for (q = p; q < end && buf[q] !== 32; q++);               // captured response cookie
  if (q >= end) return PARSE_ERR_TRUNCATED;
  if (!(q === p + 1 && buf[p] === 45)) c.resCookie.append(row, buf, p, q);
  p = q + 1;
  q = prev.hit(COL_TERM_STATE, c.termState, row, buf, p, end, 32);   // termination state + cookie flags
  if (q < 0) {
    for (q = p; q < end && buf[q] !== 32; q++);
    if (q >= end) return PARSE_ERR_TRUNCATED;
    prev.set(w, COL_TERM_STATE, c.termState, row, buf, p, q);
  }
  r = readInts(buf, q + 1, end, 7, 1 << 4);                 // ac/fc/bc/sc/rc sq/bq
  if (r !== PARSE_OK) return r;
  c.actconn[row] = nums[0]; c.feconn[row] = nums[1]; c.beconn[row] = nums[2]; c.srvConn[row] = nums[3];
  c.retries[row] = nums[4]; c.redispatched[row] = (lf.plus >> 4) & 1; c.srvQueue[row] = nums[5];
  c.backendQueue[row] = nums[6];
  p = lf.pos;
  if (p < end && buf[p] === 123) {                         // {captured request headers}
    q = scanTo(buf, p + 1, end, 125);
    if (q >= end) return PARSE_ERR_TRUNCATED;
    c.reqHeaders.append(row, buf, p + 1, q);
    p = q + 2;
    if (p < end && buf[p] === 123) {                       // {captured response headers}
      q = scanTo(buf, p + 1, end, 125);
      if (q >= end) return PARSE_ERR_TRUNCATED;
      c.resHeaders.append(row, buf, p + 1, q);
      p = q + 2;
    }
  }
  if (p >= end) return PARSE_ERR_TRUNCATED;
  if (buf[p] !== 34) return PARSE_ERR_SYNTAX;
  // The request ends at its closing quote (HAProxy writes a '"' inside it as #22). A line ending in '"' right after an
  // HTTP version ends with the request (plain httplog: the uri is not scanned); else the first '"' ends it and what
  // follows (httpslog's TLS fields, a custom format's %ID ...) goes to extra; no '"' = HAProxy truncated the line.
  p++;
  q = end - 1;
  let s = q - 1;
  const lo = q - 16 > p ? q - 16 : p;                      // a version is 8 bytes: a cut line's uri is not read here
  while (s > lo && buf[s] !== 32 && buf[s] !== 34) s--;
  if (!(q >= p && buf[q] === 34 && buf[s] === 32 && q - s > 5 && buf[s + 1] === 72 && buf[s + 2] === 84)) {
    // a byte loop, then memchr (Buffer#indexOf) past 64 bytes: a line HAProxy cut has no '"' in its ~1 KB request
    // (lines cut at 1 KB: 1.17 us with a byte loop over it and the backward scan above unbounded, 0.70 now, 0.69 before)
    const lim = end - p > 64 ? p + 64 : end;
    for (q = p; q < lim && buf[q] !== 34; q++);
    if (q === lim && lim < end) { q = bufIndexOf.call(buf, 34, lim); if (q < 0 || q > end) q = end; }
    if (q + 1 < end) writeAfterRequest(buf, q + 1, end, w);
    s = -1;
  }
  let m = prev.hit(COL_METHOD, c.method, row, buf, p, q, 32);
  if (m < 0) {
    for (m = p; m < q && buf[m] !== 32; m++);
    if (m >= q) { c.uri.append(row, buf, p, q); return PARSE_OK; }
    prev.set(w, COL_METHOD, c.method, row, buf, p, m);
  }
  if (s < 0) for (s = q - 1; s > m && buf[s] !== 32; s--);
  if (s > m && q - s > 5 && buf[s + 1] === 72 && buf[s + 2] === 84 && buf[s + 3] === 84 && buf[s + 4] === 80) {
    c.uri.append(row, buf, m + 1, s);
    // no '"' in (s, q): a kept version followed by '"' ends at q
    if (prev.hit(COL_HTTP_VERSION, c.httpVersion, row, buf, s + 1, q + 1, 34) < 0) {
      prev.set(w, COL_HTTP_VERSION, c.httpVersion, row, buf, s + 1, q);
    }
  } else {
    c.uri.append(row, buf, m + 1, q);
  }
  return PARSE_OK;
}
