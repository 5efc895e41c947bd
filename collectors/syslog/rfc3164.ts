/* RFC 3164 (BSD) syslog header parser, including HAProxy's "local" variant without a hostname:
 * `<PRI>Mmm dd hh:mm:ss [host ]tag[pid]: msg`. Fills a SyslogFrame with offsets; allocates nothing.
 * Callers: frame.ts (format detection), tests. Hot path: yes.
 */
import { daysFromCivil, digitsAt, monthAt } from './dates.ts';
import { SYSLOG_FMT_LOCAL, SYSLOG_FMT_RFC3164 } from './types.ts';
import type { SyslogFrame } from './types.ts';

/** The last stamp parsed (`Mmm dd hh:mm:ss`), its year and its value in ms (NaN = none). */
const stampKey = new Uint8Array(15);
let stampYear = -1;
let stampMs = NaN;

/**
 * Parses the part after `<PRI>` (at `i`) up to `end`. `year` supplies the year RFC 3164 leaves out.
 * Returns true and fills `f` (format, tsMs, host, prog, pid, msg), or false if there is no `Mmm dd hh:mm:ss ` stamp.
 * A tag without `:` is accepted: the rest of the line becomes the message and the program stays absent.
 */
export function parseRfc3164(buf: Uint8Array, i: number, end: number, year: number, f: SyslogFrame): boolean {
  if (i + 16 > end || buf[i + 3] !== 32 || buf[i + 6] !== 32 || buf[i + 9] !== 58 || buf[i + 12] !== 58 ||
      (buf[i + 15] !== 32 && buf[i + 15] !== 46)) return false;
  // Consecutive lines mostly share their second: comparing the 15 bytes with the last stamp costs less than
  // parsing them (~70 ns per line, bench/collectors).
  let j = 0;
  if (year === stampYear) while (j < 15 && stampKey[j] === buf[i + j]) j++;
  if (j === 15) f.tsMs = stampMs;
  else {
    const mo = monthAt(buf, i);
    const d = buf[i + 4] === 32 ? digitsAt(buf, i + 5, 1) : digitsAt(buf, i + 4, 2);
    const h = digitsAt(buf, i + 7, 2), mi = digitsAt(buf, i + 10, 2), s = digitsAt(buf, i + 13, 2);
    if (mo === 0 || (d | h | mi | s) < 0 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return false;
    f.tsMs = ((daysFromCivil(year, mo, d) * 24 + h) * 60 + mi) * 60000 + s * 1000;
    for (j = 0; j < 15; j++) stampKey[j] = buf[i + j];
    stampYear = year;
    stampMs = f.tsMs;
  }
  let p = i + 16;
  if (buf[i + 15] === 46) {
    // `Mmm dd hh:mm:ss.ffffff` (rsyslog/syslog-ng high-precision templates, journalctl -o short-precise).
    let scale = 100;
    let ms = 0;
    p = i + 16;
    while (p < end && buf[p] >= 48 && buf[p] <= 57) { if (scale >= 1) { ms += (buf[p] - 48) * scale; scale /= 10; } p++; }
    if (p === i + 16 || p >= end || buf[p] !== 32) return false;
    f.tsMs += Math.floor(ms);
    p++;
  }
  // First word: a hostname, unless it already looks like a tag (`name[` or `name: `), as HAProxy's "local" sends.
  // A colon not followed by a space belongs to the host (an IPv6 address written by a relay).
  let w = p;
  while (w < end && buf[w] !== 32 && buf[w] !== 91 && (buf[w] !== 58 || (w + 1 < end && buf[w + 1] !== 32))) w++;
  let isTag = w < end && (buf[w] === 91 || buf[w] === 58);
  if (isTag) {
    f.format = SYSLOG_FMT_LOCAL;
  } else {
    f.format = SYSLOG_FMT_RFC3164;
    f.hostStart = p;
    f.hostEnd = w;
    p = w < end ? w + 1 : w;
    w = p;
    while (w < end && buf[w] !== 32 && buf[w] !== 91 && buf[w] !== 58) w++;
    isTag = w < end && (buf[w] === 91 || buf[w] === 58);
  }
  if (!isTag) {
    f.msgStart = p;
    return true;
  }
  f.progStart = p;
  f.progEnd = w;
  if (buf[w] === 91) {
    let close = w + 1;   // a byte loop: the pid is a few digits, less than Buffer.indexOf's call cost
    while (close < end && buf[close] !== 93) close++;
    if (close >= end) { f.progStart = f.progEnd = -1; f.msgStart = p; return true; }
    let pid = 0;
    let k = w + 1;
    for (; k < close; k++) {
      const c = buf[k] - 48;
      if (c < 0 || c > 9) break;
      pid = pid * 10 + c;
    }
    f.pid = k === close && close > w + 1 ? pid : -1;
    w = close + 1;
  }
  if (w < end && buf[w] === 58) w++;
  if (w < end && buf[w] === 32) w++;
  f.msgStart = w;
  return true;
}
