/* HAProxy `option tcplog` line → one tcp_log row in a batch's typed-array columns:
 * `ci:cp [t] ft b/s Tw/Tc/Tt B ts ac/fc/bc/sc/rc sq/bq`. Shared with halog. Hot path: yes.
 */
import {
  COL_ACTCONN, COL_BACKEND_QUEUE, COL_BECONN, COL_BYTES_READ, COL_FECONN, COL_REDISPATCHED, COL_RETRIES,
  COL_SRV_CONN, COL_SRV_QUEUE, COL_TA_PLUS, COL_TC, COL_TERM_STATE, COL_TT, COL_TW,
} from '../arrow/types.ts';
import type { LogRowWriter } from '../arrow/types.ts';
import { lf, nextSpace, parseLogPrefix, readBigInt, readIntList } from './fields.ts';
import { PARSE_ERR_NUMBER, PARSE_ERR_SYNTAX, PARSE_ERR_TRUNCATED, PARSE_OK } from './types.ts';

const TCP_TIMERS = [COL_TW, COL_TC, COL_TT];
const CONN_COUNTS = [COL_ACTCONN, COL_FECONN, COL_BECONN, COL_SRV_CONN, COL_RETRIES];
const QUEUES = [COL_SRV_QUEUE, COL_BACKEND_QUEUE];

/** Parses one tcplog message into row `w.rows` (LogLineParser contract). A '+' on Tt sets ta_plus. */
export function parseTcpLog(buf: Uint8Array, start: number, end: number, w: LogRowWriter): number {
  let r = parseLogPrefix(buf, start, end, w);
  if (r !== PARSE_OK) return r;
  const row = w.rows;
  r = readIntList(buf, lf.pos, end, w, TCP_TIMERS, 2, COL_TA_PLUS);
  if (r !== PARSE_OK) return r;
  let p = lf.pos;
  const bytes = readBigInt(buf, p, end);
  if (bytes !== bytes) return PARSE_ERR_NUMBER;
  if (lf.pos >= end) return PARSE_ERR_TRUNCATED;
  if (buf[lf.pos] !== 32) return PARSE_ERR_SYNTAX;
  w.f64[COL_BYTES_READ][row] = bytes;
  p = lf.pos + 1;
  const sp = nextSpace(buf, p, end);
  if (sp < 0) return PARSE_ERR_TRUNCATED;
  w.setDict(COL_TERM_STATE, buf, p, sp);
  r = readIntList(buf, sp + 1, end, w, CONN_COUNTS, 4, COL_REDISPATCHED);
  if (r !== PARSE_OK) return r;
  r = readIntList(buf, lf.pos, end, w, QUEUES, -1, -1);
  if (r !== PARSE_OK) return r;
  return lf.pos >= end ? PARSE_OK : PARSE_ERR_SYNTAX;
}
