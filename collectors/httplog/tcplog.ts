/* HAProxy `option tcplog` line → one tcp_log row in a batch's typed-array columns:
 * `ci:cp [t] ft b/s Tw/Tc/Tt B ts ac/fc/bc/sc/rc sq/bq`. Shared with halog. Hot path: yes.
 */
import {
  COL_ACTCONN, COL_BACKEND_QUEUE, COL_BECONN, COL_BYTES_READ, COL_FECONN, COL_REDISPATCHED, COL_RETRIES,
  COL_SRV_CONN, COL_SRV_QUEUE, COL_TA_PLUS, COL_TC, COL_TERM_STATE, COL_TT, COL_TW,
} from '../arrow/types.ts';
import type { LogRowWriter } from '../arrow/types.ts';
import { lf, nums, parseLogPrefix, readInts } from './fields.ts';
import { PrevValues } from './prev-values.ts';
import { PARSE_ERR_NUMBER, PARSE_ERR_SYNTAX, PARSE_ERR_TRUNCATED, PARSE_OK } from './types.ts';

const prev = new PrevValues();

/**
 * Parses one tcplog message into row `w.rows` (LogLineParser contract). A '+' on Tt sets ta_plus. The fields after
 * the timers are read as in parseHttpLog, written out again rather than shared: helpers per field group are not
 * inlined there and cost parseHttpLog ~60 ns/line (in-process A/B over bench:collect's lines, 2 x 12 interleaved
 * rounds at SCHED_FIFO, minimum 600-620 -> 660-680 ns/line).
 */
export function parseTcpLog(buf: Uint8Array, start: number, end: number, w: LogRowWriter): number {
  let r = parseLogPrefix(buf, start, end, w, prev);
  if (r !== PARSE_OK) return r;
  const row = w.rows;
  const i32 = w.i32;
  r = readInts(buf, lf.pos, end, 3, 0);
  if (r !== PARSE_OK) return r;
  i32[COL_TW][row] = nums[0]; i32[COL_TC][row] = nums[1]; i32[COL_TT][row] = nums[2]; i32[COL_TA_PLUS][row] = lf.plus >> 2;
  let p = lf.pos;
  if (p < end && buf[p] === 43) p++;                       // bytes read: up to 2^53, optional '+'
  let q = p;
  let v = 0;
  for (; q < end; q++) {
    const d = buf[q] - 48;
    if (d < 0 || d > 9) break;
    v = v * 10 + d;
  }
  if (q === p) return PARSE_ERR_NUMBER;
  if (q >= end) return PARSE_ERR_TRUNCATED;
  if (buf[q] !== 32) return PARSE_ERR_SYNTAX;
  w.f64[COL_BYTES_READ][row] = v;
  p = q + 1;
  q = prev.hit(w, COL_TERM_STATE, buf, p, end, 32);       // termination state
  if (q < 0) {
    for (q = p; q < end && buf[q] !== 32; q++);
    if (q >= end) return PARSE_ERR_TRUNCATED;
    prev.set(w, COL_TERM_STATE, buf, p, q);
  }
  r = readInts(buf, q + 1, end, 7, 1 << 4);                 // ac/fc/bc/sc/rc sq/bq
  if (r !== PARSE_OK) return r;
  i32[COL_ACTCONN][row] = nums[0]; i32[COL_FECONN][row] = nums[1]; i32[COL_BECONN][row] = nums[2];
  i32[COL_SRV_CONN][row] = nums[3]; i32[COL_RETRIES][row] = nums[4]; i32[COL_REDISPATCHED][row] = (lf.plus >> 4) & 1;
  i32[COL_SRV_QUEUE][row] = nums[5]; i32[COL_BACKEND_QUEUE][row] = nums[6];
  return lf.pos >= end ? PARSE_OK : PARSE_ERR_SYNTAX;
}
