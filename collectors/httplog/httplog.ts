/* HAProxy `option httplog` line → one http_log row, written straight into a batch's typed-array columns:
 * `ci:cp [tr] ft b/s TR/Tw/Tc/Tr/Ta ST B CC CS tsc ac/fc/bc/sc/rc sq/bq {hr} {hs} "r"`.
 * Input is the message after any syslog header (datagram or file line alike). Shared with halog.
 * Hot path: yes (no strings except dictionary misses, no regex, no allocation per line).
 */
import {
  COL_ACTCONN, COL_BACKEND_QUEUE, COL_BECONN, COL_BYTES_READ, COL_FECONN, COL_HTTP_VERSION, COL_METHOD, COL_REDISPATCHED,
  COL_REQ_COOKIE, COL_REQ_HEADERS, COL_RES_COOKIE, COL_RES_HEADERS, COL_RETRIES, COL_SRV_CONN, COL_SRV_QUEUE,
  COL_STATUS, COL_TA, COL_TA_PLUS, COL_TC, COL_TERM_STATE, COL_TR, COL_TR_SRV, COL_TW, COL_URI,
} from '../arrow/types.ts';
import type { LogRowWriter } from '../arrow/types.ts';
import { findByte, lf, nextSpace, parseLogPrefix, readBigInt, readInt, readIntList } from './fields.ts';
import {
  PARSE_ERR_NOT_HTTP, PARSE_ERR_NUMBER, PARSE_ERR_SYNTAX, PARSE_ERR_TRUNCATED, PARSE_OK,
} from './types.ts';

const HTTP_TIMERS = [COL_TR, COL_TW, COL_TC, COL_TR_SRV, COL_TA];
const CONN_COUNTS = [COL_ACTCONN, COL_FECONN, COL_BECONN, COL_SRV_CONN, COL_RETRIES];
const QUEUES = [COL_SRV_QUEUE, COL_BACKEND_QUEUE];

/**
 * The error for a timers field that readIntList rejected with `r`: a field without a space after it is truncated,
 * one with 2 slashes is a tcplog line, any count but 4 is a syntax error. Checked only after a failure: a field
 * that reads as five '/'-separated integers and a space has 4 slashes (~40 ns/line saved, bench/collectors).
 */
function timersError(buf: Uint8Array, p: number, end: number, r: number): number {
  const timersEnd = nextSpace(buf, p, end);
  if (timersEnd < 0) return PARSE_ERR_TRUNCATED;
  let slashes = 0;
  for (let k = p; k < timersEnd; k++) if (buf[k] === 47) slashes++;
  if (slashes !== 4) return slashes === 2 ? PARSE_ERR_NOT_HTTP : PARSE_ERR_SYNTAX;
  return r;
}

/**
 * Parses one httplog message buf[start, end) into row `w.rows` (LogLineParser contract: PARSE_OK → caller commits,
 * else caller rolls back). Timers of -1 are stored as -1; '+' prefixes set ta_plus / redispatched. Captured header
 * blocks are optional; the request line keeps HAProxy's #XX encoding. A request line without a version (e.g.
 * `"<BADREQ>"`) stores it whole as the uri with method and version null.
 */
export function parseHttpLog(buf: Uint8Array, start: number, end: number, w: LogRowWriter): number {
  let r = parseLogPrefix(buf, start, end, w);
  if (r !== PARSE_OK) return r;
  const row = w.rows;
  let p = lf.pos;
  r = readIntList(buf, p, end, w, HTTP_TIMERS, 4, COL_TA_PLUS);
  if (r !== PARSE_OK) return timersError(buf, p, end, r);
  if (lf.pos >= end) return PARSE_ERR_TRUNCATED;            // the timers ended the line
  p = lf.pos;
  const st = readInt(buf, p, end);
  if (st !== st) return PARSE_ERR_NUMBER;
  if (lf.pos >= end) return PARSE_ERR_TRUNCATED;
  if (buf[lf.pos] !== 32) return PARSE_ERR_SYNTAX;
  w.i32[COL_STATUS][row] = st;
  p = lf.pos + 1;
  const bytes = readBigInt(buf, p, end);
  if (bytes !== bytes) return PARSE_ERR_NUMBER;
  if (lf.pos >= end) return PARSE_ERR_TRUNCATED;
  if (buf[lf.pos] !== 32) return PARSE_ERR_SYNTAX;
  w.f64[COL_BYTES_READ][row] = bytes;
  p = lf.pos + 1;
  let sp = nextSpace(buf, p, end);                         // captured request cookie
  if (sp < 0) return PARSE_ERR_TRUNCATED;
  if (!(sp === p + 1 && buf[p] === 45)) w.setStr(COL_REQ_COOKIE, buf, p, sp);
  p = sp + 1;
  sp = nextSpace(buf, p, end);                             // captured response cookie
  if (sp < 0) return PARSE_ERR_TRUNCATED;
  if (!(sp === p + 1 && buf[p] === 45)) w.setStr(COL_RES_COOKIE, buf, p, sp);
  p = sp + 1;
  sp = nextSpace(buf, p, end);                             // termination state + cookie flags
  if (sp < 0) return PARSE_ERR_TRUNCATED;
  w.setDict(COL_TERM_STATE, buf, p, sp);
  p = sp + 1;
  r = readIntList(buf, p, end, w, CONN_COUNTS, 4, COL_REDISPATCHED);
  if (r !== PARSE_OK) return r;
  r = readIntList(buf, lf.pos, end, w, QUEUES, -1, -1);
  if (r !== PARSE_OK) return r;
  p = lf.pos;
  if (p < end && buf[p] === 123) {                         // {captured request headers}
    const close = findByte(buf, 125, p + 1, end);
    if (close < 0) return PARSE_ERR_TRUNCATED;
    w.setStr(COL_REQ_HEADERS, buf, p + 1, close);
    p = close + 2;
    if (p < end && buf[p] === 123) {                       // {captured response headers}
      const c2 = findByte(buf, 125, p + 1, end);
      if (c2 < 0) return PARSE_ERR_TRUNCATED;
      w.setStr(COL_RES_HEADERS, buf, p + 1, c2);
      p = c2 + 2;
    }
  }
  if (p >= end) return PARSE_ERR_TRUNCATED;
  if (buf[p] !== 34) return PARSE_ERR_SYNTAX;
  // The request line runs to the last byte; a closing quote is absent when HAProxy truncated the line.
  let q = end;
  if (buf[end - 1] === 34 && end - 1 > p) q = end - 1;
  p++;
  const m = findByte(buf, 32, p, q);
  if (m < 0) { w.setStr(COL_URI, buf, p, q); return PARSE_OK; }
  w.setDict(COL_METHOD, buf, p, m);
  let v = q - 1;
  while (v > m && buf[v] !== 32) v--;
  if (v > m && q - v > 5 && buf[v + 1] === 72 && buf[v + 2] === 84 && buf[v + 3] === 84 && buf[v + 4] === 80) {
    w.setStr(COL_URI, buf, m + 1, v);
    w.setDict(COL_HTTP_VERSION, buf, v + 1, q);
  } else {
    w.setStr(COL_URI, buf, m + 1, q);
  }
  return PARSE_OK;
}

