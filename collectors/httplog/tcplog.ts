/* HAProxy `option tcplog` line → one tcp_log row in a batch's typed-array columns:
 * `ci:cp [t] ft b/s Tw/Tc/Tt B ts ac/fc/bc/sc/rc sq/bq`. Shared with halog. Hot path: yes.
 */
import { COL_TERM_STATE } from '../arrow/types.ts';
import type { LogRowWriter } from '../arrow/types.ts';
import { lf, nums, parseLogPrefix, readInts } from './fields.ts';
import { PrevValues } from './prev-values.ts';
import { RowCols } from './row-cols.ts';
import { PARSE_ERR_NUMBER, PARSE_ERR_SYNTAX, PARSE_ERR_TRUNCATED, PARSE_OK } from './types.ts';

const prev = new PrevValues();
const cols = new RowCols();

/**
 * Parses one tcplog message into row `w.rows` (LogLineParser contract). A '+' on Tt sets ta_plus. The fields after
 * the timers are read as in parseHttpLog, written out again rather than shared: helpers per field group are not
 * inlined there and cost parseHttpLog ~60 ns/line (in-process A/B over bench:collect's lines, 2 x 12 interleaved
 * rounds at SCHED_FIFO, minimum 600-620 -> 660-680 ns/line).
 */
export function parseTcpLog(buf: Uint8Array, start: number, end: number, w: LogRowWriter): number {
  const c = cols;
  c.bind(w);
  let r = parseLogPrefix(buf, start, end, w, prev, c);
  if (r !== PARSE_OK) return r;
  const row = w.rows;
  r = readInts(buf, lf.pos, end, 3, 0);
  if (r !== PARSE_OK) return r;
  c.tw[row] = nums[0]; c.tc[row] = nums[1]; c.tt[row] = nums[2]; c.taPlus[row] = lf.plus >> 2;
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
  c.bytesRead[row] = v;
  p = q + 1;
  q = prev.hit(COL_TERM_STATE, c.termState, row, buf, p, end, 32);   // termination state
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
  return lf.pos >= end ? PARSE_OK : PARSE_ERR_SYNTAX;
}
