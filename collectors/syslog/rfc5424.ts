/* RFC 5424 syslog header parser: `<PRI>1 TIMESTAMP HOST APP PROCID MSGID SD [BOM]MSG`, `-` for absent fields,
 * structured data with quoted, escaped param values. Fills a SyslogFrame with offsets; allocates nothing.
 * Callers: frame.ts, tests. Hot path: yes.
 */
import { isoOut, parseIsoTimestamp } from './dates.ts';
import { SYSLOG_FMT_RFC5424 } from './types.ts';
import type { SyslogFrame } from './types.ts';

/** End of the space-delimited field at i (offset of the space or `end`). */
function fieldEnd(buf: Uint8Array, i: number, end: number): number {
  const sp = buf.indexOf(32, i);
  return sp < 0 || sp > end ? end : sp;
}

/**
 * Parses from just after `<PRI>` (at `i`, which must hold `1 `). Returns true and fills `f`, or false when the
 * version, the timestamp or the structured data is malformed. `-` fields stay absent (-1 / NaN).
 */
export function parseRfc5424(buf: Uint8Array, i: number, end: number, f: SyslogFrame): boolean {
  if (i + 2 > end || buf[i] !== 49 || buf[i + 1] !== 32) return false;
  let p = i + 2;
  if (buf[p] === 45) p++;
  else {
    const ts = parseIsoTimestamp(buf, p, end);
    if (ts !== ts) return false;
    f.tsMs = ts;
    p = isoOut.end;
  }
  if (p >= end || buf[p] !== 32) return false;
  p++;
  let e = fieldEnd(buf, p, end);                       // HOSTNAME
  if (!(e === p + 1 && buf[p] === 45)) { f.hostStart = p; f.hostEnd = e; }
  p = e + 1;
  if (p >= end) return false;
  e = fieldEnd(buf, p, end);                           // APP-NAME
  if (!(e === p + 1 && buf[p] === 45)) { f.progStart = p; f.progEnd = e; }
  p = e + 1;
  if (p >= end) return false;
  e = fieldEnd(buf, p, end);                           // PROCID
  if (!(e === p + 1 && buf[p] === 45)) {
    let pid = 0;
    let k = p;
    for (; k < e; k++) { const c = buf[k] - 48; if (c < 0 || c > 9) break; pid = pid * 10 + c; }
    f.pid = k === e ? pid : -1;
  }
  p = e + 1;
  if (p >= end) return false;
  e = fieldEnd(buf, p, end);                           // MSGID
  if (!(e === p + 1 && buf[p] === 45)) { f.msgidStart = p; f.msgidEnd = e; }
  p = e + 1;
  if (p > end) return false;
  if (p === end) { f.msgStart = end; return true; }
  if (buf[p] === 45) p++;                              // STRUCTURED-DATA: "-" or [id k="v" ...]...
  else if (buf[p] === 91) {
    const sd = p;
    while (p < end && buf[p] === 91) {
      p++;
      let inQuote = false;
      for (; p < end; p++) {
        const c = buf[p];
        if (c === 92 && inQuote) { p++; continue; }
        if (c === 34) inQuote = !inQuote;
        else if (c === 93 && !inQuote) break;
      }
      if (p >= end) return false;
      p++;
    }
    f.sdStart = sd;
    f.sdEnd = p;
  } else return false;
  if (p < end && buf[p] === 32) p++;
  if (p + 3 <= end && buf[p] === 0xef && buf[p + 1] === 0xbb && buf[p + 2] === 0xbf) p += 3;
  // rsyslog's RSYSLOG_SyslogProtocol23Format (files, and relays with omfwd) writes %msg% with the space that
  // followed the sender's 'tag:', so the message starts after a second space (they were all raw_log)
  while (p < end && buf[p] === 32) p++;
  f.msgStart = p;
  f.format = SYSLOG_FMT_RFC5424;
  return true;
}
