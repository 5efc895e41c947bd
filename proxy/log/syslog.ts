/*
 * Syslog framing: writes the header HAProxy 2.6 puts before a log message for each `format` of a `log` target
 * (local/rfc3164/rfc5424/priority/short/timed/iso/raw), byte for byte as captured from haproxy 2.6.12
 * (fixtures/log/, fixtures/collectors/haproxy-2.6/). Does not write the message, the RFC 5424 structured data, nor
 * the final "\n". HeaderCache keeps a target's whole header for the current second where it has no sub-second date
 * (every format but rfc5424/timed/iso). Callers: log/emit.ts. Hot path: yes (no allocation; dates cached per second
 * by log/dates.ts).
 */
import { LOG_FMT_LOCAL_ONLY, LOG_FMT_LOCAL, LOG_FMT_RFC3164, LOG_FMT_RFC5424, LOG_FMT_PRIORITY, LOG_FMT_SHORT, LOG_FMT_TIMED,
  LOG_FMT_ISO } from './types.ts';
import { putDateIso, putDateRfc3164 } from './dates.ts';
import { putBytes } from '../net/buf-copy.ts';

/** Writes a non-negative integer in decimal; returns the new offset. */
export function putUint(buf: Buffer, off: number, n: number): number {
  if (n < 10) { buf[off] = 0x30 + n; return off + 1; }
  if (n < 0x80000000) {
    // int32 arithmetic: ~2x faster than the Math.floor loop below for the small values logs are made of (a table of
    // digit pairs measured slower: callgrind, 1168 against 712 instructions per httplog line)
    const digits = n < 100 ? 2 : n < 1000 ? 3 : n < 10000 ? 4 : n < 100000 ? 5 : n < 1000000 ? 6 : n < 10000000 ? 7
      : n < 100000000 ? 8 : n < 1000000000 ? 9 : 10;
    let v = n | 0;
    for (let i = off + digits - 1; i >= off; i--) { const q = (v / 10) | 0; buf[i] = 0x30 + v - q * 10; v = q; }
    return off + digits;
  }
  let digits = 1;
  for (let t = n; t >= 10; t = Math.floor(t / 10)) digits++;
  let i = off + digits - 1;
  while (n >= 10) { buf[i--] = 0x30 + (n % 10); n = Math.floor(n / 10); }
  buf[i] = 0x30 + n;
  return off + digits;
}

/** Short latin1 text as a byte loop (cheaper than Buffer#write's native call for a few bytes). */
function putShort(buf: Buffer, off: number, str: string): number {
  for (let i = 0; i < str.length; i++) buf[off + i] = str.charCodeAt(i);
  return off + str.length;
}

function putPri(buf: Buffer, off: number, pri: number): number {
  buf[off++] = 0x3c;
  off = putUint(buf, off, pri);
  buf[off++] = 0x3e;
  return off;
}

/**
 * Writes the header of `format` at `off` and returns the new offset. `pri` = facility * 8 + severity; `us` = send
 * date in microseconds since epoch; `tag` = log-tag (or "haproxy"); `host` = log-send-hostname value, '' = not set.
 * For RFC 5424 the header stops after the MSGID field and its space: the caller writes the structured data.
 * `buf` must have 128 + tag + host bytes free.
 */
export function putSyslogHeader(buf: Buffer, off: number, format: number, facility: number, severity: number,
  us: number, tag: string, pid: number, host: string): number {
  if (format === LOG_FMT_LOCAL_ONLY) { format = LOG_FMT_LOCAL; host = ''; }
  switch (format) {
    case LOG_FMT_LOCAL:
    case LOG_FMT_RFC3164:
      off = putPri(buf, off, facility * 8 + severity);
      off = putDateRfc3164(buf, off, Math.floor(us / 1000));
      buf[off++] = 0x20;
      if (host !== '') {
        off = putShort(buf, off, host);
        buf[off++] = 0x20;
      } else if (format === LOG_FMT_RFC3164) {
        off = putShort(buf, off, 'localhost ');
      }
      off = putShort(buf, off, tag);
      buf[off++] = 0x5b;
      off = putUint(buf, off, pid);
      buf[off++] = 0x5d;
      buf[off++] = 0x3a;
      buf[off++] = 0x20;
      return off;
    case LOG_FMT_RFC5424:
      off = putPri(buf, off, facility * 8 + severity);
      buf[off++] = 0x31;
      buf[off++] = 0x20;
      off = putDateIso(buf, off, us);
      buf[off++] = 0x20;
      if (host !== '') off = putShort(buf, off, host);
      else buf[off++] = 0x2d;
      buf[off++] = 0x20;
      off = putShort(buf, off, tag);
      buf[off++] = 0x20;
      off = putUint(buf, off, pid);
      buf[off++] = 0x20;
      buf[off++] = 0x2d;
      buf[off++] = 0x20;
      return off;
    case LOG_FMT_PRIORITY:
      return putPri(buf, off, facility * 8 + severity);
    case LOG_FMT_SHORT:
      return putPri(buf, off, severity);
    case LOG_FMT_TIMED:
      off = putPri(buf, off, severity);
      off = putDateIso(buf, off, us);
      buf[off++] = 0x20;
      return off;
    case LOG_FMT_ISO:
      off = putDateIso(buf, off, us);
      buf[off++] = 0x20;
      return off;
    default:
      return off;
  }
}

/** Formats whose header has microseconds (rewritten per line); the others change once a second at most. */
function headerHasMicros(format: number): boolean {
  return format === LOG_FMT_RFC5424 || format === LOG_FMT_TIMED || format === LOG_FMT_ISO;
}

/**
 * One target's header bytes for the second, severity, tag and host it was last built for: a line in the same second
 * copies them (~40 bytes) instead of rebuilding PRI, date, tag and pid. Same arguments and result as putSyslogHeader.
 */
export class HeaderCache {
  private sec = -1;
  private sev = -1;
  private facility = -1;
  private format = -1;
  private tag = '';
  private host = '';
  /** Exactly the header (copied with one set(): net/buf-copy.ts putBytes). */
  private bytes = Buffer.allocUnsafe(0);
  private scratch = Buffer.allocUnsafe(0);

  put(buf: Buffer, off: number, format: number, facility: number, severity: number, us: number, tag: string,
    pid: number, host: string): number {
    if (headerHasMicros(format)) return putSyslogHeader(buf, off, format, facility, severity, us, tag, pid, host);
    const sec = Math.floor(us / 1000000);
    if (sec !== this.sec || severity !== this.sev || facility !== this.facility || format !== this.format ||
      tag !== this.tag || host !== this.host) {
      const need = 128 + tag.length + host.length;
      if (this.scratch.length < need) this.scratch = Buffer.allocUnsafe(need);
      const len = putSyslogHeader(this.scratch, 0, format, facility, severity, us, tag, pid, host);
      this.bytes = Buffer.from(this.scratch.subarray(0, len));
      this.sec = sec;
      this.sev = severity;
      this.facility = facility;
      this.format = format;
      this.tag = tag;
      this.host = host;
    }
    return putBytes(buf, off, this.bytes);
  }
}
