/* Syslog envelope types: the result of a frame parser (offsets into the caller's buffer) and format ids.
 * Hot path: no (types only).
 */

/** Which header form a message used (HAProxy `log ... format <name>` names). */
export const SYSLOG_FMT_RAW = 0;       // no header
export const SYSLOG_FMT_RFC3164 = 1;   // <PRI>Mmm dd hh:mm:ss host tag[pid]: msg
export const SYSLOG_FMT_LOCAL = 2;     // <PRI>Mmm dd hh:mm:ss tag[pid]: msg  (HAProxy "local", no host)
export const SYSLOG_FMT_RFC5424 = 3;   // <PRI>1 ISO host app procid msgid sd msg
export const SYSLOG_FMT_SHORT = 4;     // <PRI>msg  ("short" and "priority")
export const SYSLOG_FMT_TIMED = 5;     // <PRI>ISO msg
export const SYSLOG_FMT_ISO = 6;       // ISO msg
export const SYSLOG_FMT_COUNT = 7;

/** Filled in place by the frame parsers; offsets are into the buffer that was parsed, -1 = absent. */
export interface SyslogFrame {
  format: number;
  /** PRI value, -1 when absent; facility = pri >> 3, severity = pri & 7. */
  pri: number;
  /** Header timestamp as epoch ms (wall clock for RFC 3164, UTC for ISO with offset); NaN when absent. */
  tsMs: number;
  hostStart: number;
  hostEnd: number;
  progStart: number;
  progEnd: number;
  /** Process id from `tag[pid]` or PROCID, -1 when absent or not numeric. */
  pid: number;
  msgidStart: number;
  msgidEnd: number;
  /** RFC 5424 structured data, including the brackets. */
  sdStart: number;
  sdEnd: number;
  /** The message proper, trailing "\n", "\r" and NUL removed. */
  msgStart: number;
  msgEnd: number;
}
