/* Syslog frame dispatcher: recognises every header form HAProxy 2.6 sends (`log ... format raw|short|priority|
 * timed|iso|local|rfc3164|rfc5424`) and fills one reused SyslogFrame. Does not parse the message itself.
 * Callers: the collector's ingest loop and halog's file readers. Hot path: yes.
 */
import { isoOut, parseIsoTimestamp } from './dates.ts';
import { parseRfc3164 } from './rfc3164.ts';
import { parseRfc5424 } from './rfc5424.ts';
import { rareStamp, tagPidAt } from './rare-headers.ts';
import { SYSLOG_FMT_ISO, SYSLOG_FMT_RAW, SYSLOG_FMT_SHORT, SYSLOG_FMT_TIMED } from './types.ts';
import type { SyslogFrame } from './types.ts';

export function newSyslogFrame(): SyslogFrame {
  return {
    format: SYSLOG_FMT_RAW, pri: -1, tsMs: NaN, hostStart: -1, hostEnd: -1, progStart: -1, progEnd: -1, pid: -1,
    msgidStart: -1, msgidEnd: -1, sdStart: -1, sdEnd: -1, msgStart: 0, msgEnd: 0,
  };
}

/**
 * Parses the header of the message buf[start, end). Never fails: anything unrecognised is a RAW message spanning
 * the whole input (a `<PRI>` that is not followed by a known header makes it SHORT). Lines of syslog-written files
 * (`Mmm dd hh:mm:ss host tag[pid]: `, no PRI) are RFC 3164 with pri -1. `year` is used for RFC 3164
 * stamps. Trailing LF/CR/NUL bytes are excluded from the message. Does not keep `buf`.
 */
export function parseSyslogFrame(buf: Uint8Array, start: number, end: number, year: number, f: SyslogFrame): void {
  while (end > start && (buf[end - 1] === 10 || buf[end - 1] === 13 || buf[end - 1] === 0)) end--;
  f.format = SYSLOG_FMT_RAW; f.pri = -1; f.tsMs = NaN; f.hostStart = -1; f.hostEnd = -1; f.progStart = -1;
  f.progEnd = -1; f.pid = -1; f.msgidStart = -1; f.msgidEnd = -1; f.sdStart = -1; f.sdEnd = -1;
  f.msgStart = start; f.msgEnd = end;
  let p = start;
  if (end - start >= 3 && buf[p] === 60) {
    let pri = 0;
    let k = p + 1;
    while (k < end && k < p + 5 && buf[k] >= 48 && buf[k] <= 57) { pri = pri * 10 + buf[k] - 48; k++; }
    if (k > p + 1 && k < end && buf[k] === 62 && pri <= 191) {
      f.pri = pri;
      p = k + 1;
      const c = buf[p];
      if (c === 49 && buf[p + 1] === 32 && parseRfc5424(buf, p, end, f)) return;
      if (c >= 65 && c <= 90 && (parseRfc3164(buf, p, end, year, f) || rareHeader(buf, p, end, f, SYSLOG_FMT_TIMED))) return;
      f.hostStart = f.hostEnd = f.progStart = f.progEnd = f.pid = f.msgidStart = f.msgidEnd = f.sdStart = f.sdEnd = -1;
      f.tsMs = NaN;
      if (c >= 48 && c <= 57) {
        const ts = parseIsoTimestamp(buf, p, end);
        if (ts === ts && buf[isoOut.end] === 32) {
          f.format = SYSLOG_FMT_TIMED; f.tsMs = ts; f.msgStart = isoOut.end + 1;
          hostTagAfterIso(buf, f.msgStart, end, f);
          return;
        }
      }
      f.format = SYSLOG_FMT_SHORT;
      f.msgStart = p;
      return;
    }
  }
  const c = buf[p];
  // Log files written by syslog daemons: `Mmm dd hh:mm:ss host tag[pid]: msg` without <PRI>.
  if (c >= 65 && c <= 90) {
    if (parseRfc3164(buf, p, end, year, f) || rareHeader(buf, p, end, f, SYSLOG_FMT_ISO)) return;
    f.format = SYSLOG_FMT_RAW; f.tsMs = NaN; f.hostStart = f.hostEnd = f.progStart = f.progEnd = f.pid = -1;
    f.msgStart = start;
    return;
  }
  if (c >= 48 && c <= 57 && end - p > 20) {
    const ts = parseIsoTimestamp(buf, p, end);
    if (ts === ts && buf[isoOut.end] === 32) {
      f.format = SYSLOG_FMT_ISO; f.tsMs = ts; f.msgStart = isoOut.end + 1;
      if (isCriStream(buf, f.msgStart, end)) f.msgStart += 9;
      else hostTagAfterIso(buf, f.msgStart, end, f);
    } else if (buf[p + 10] === 46) rareHeader(buf, p, end, f, SYSLOG_FMT_ISO);
  } else if (c === 91) rareHeader(buf, p, end, f, SYSLOG_FMT_ISO);
}

/**
 * A stamp of rare-headers.ts at buf[p], then as after an ISO stamp; false when there is none. A number (short-unix)
 * counts only with a tag after it: a custom log-format may start with `%Ts.%ms` (f is then left as RAW at p).
 */
function rareHeader(buf: Uint8Array, p: number, end: number, f: SyslogFrame, format: number): boolean {
  const m = rareStamp(buf, p, end, f);
  if (m < 0) return false;
  f.format = format; f.msgStart = m;
  f.hostStart = f.hostEnd = f.progStart = f.progEnd = f.pid = -1;
  hostTagAfterIso(buf, m, end, f);
  if (f.progStart >= 0 || buf[p] > 57) return true;
  f.format = SYSLOG_FMT_RAW; f.tsMs = NaN; f.msgStart = p; f.hostStart = f.hostEnd = -1;
  return false;
}

/*
 * Container runtimes' log files (CRI: containerd, CRI-O; what /var/log/containers/*.log holds for HAProxy
 * logging to stdout) put `stdout F ` or `stderr P ` (full or partial line) between the RFC 3339 stamp and the
 * message. True when buf[p] starts such a 9-byte prefix.
 */
function isCriStream(buf: Uint8Array, p: number, end: number): boolean {
  if (end - p < 10 || buf[p] !== 115 || buf[p + 1] !== 116 || buf[p + 6] !== 32 || buf[p + 8] !== 32) return false;
  const out = buf[p + 2] === 100 && buf[p + 3] === 111 && buf[p + 4] === 117 && buf[p + 5] === 116;   // 'stdout'
  const err = buf[p + 2] === 100 && buf[p + 3] === 101 && buf[p + 4] === 114 && buf[p + 5] === 114;   // 'stderr'
  return (out || err) && (buf[p + 7] === 70 || buf[p + 7] === 80);                                      // F | P
}

/**
 * Files written by rsyslog in its RFC 3339 file format (RSYSLOG_FileFormat, Debian 12's default), its forwarding format
 * (`<PRI>` + RFC 3339 stamp) and syslog-ng's ISO templates put `host tag[pid]: ` between the stamp and the message; HAProxy's own `iso` format puts the message
 * right after it. Takes the two words as host and program only when the second ends in `[digits]: ` or `: `, so a
 * message starting with an address (`127.0.0.1:5555 [`, `::1:80 `) is left whole.
 */
function hostTagAfterIso(buf: Uint8Array, p: number, end: number, f: SyslogFrame): void {
  let w = p;
  while (w < end && buf[w] > 32 && buf[w] !== 91) w++;   // colons allowed: an IPv6 host
  if (buf[w - 1] === 58) return;
  if (w === p || w >= end || buf[w] !== 32) { if (buf[w] === 91 && w > p) tagPidAt(buf, p, w, end, f); return; }
  const tag = w + 1;
  let q = tag;
  while (q < end && buf[q] > 32 && buf[q] !== 91 && buf[q] !== 58) q++;
  if (q === tag || q >= end) return;
  let pid = -1;
  let r = q;
  if (buf[q] === 91) {
    pid = 0;
    for (r = q + 1; r < end && buf[r] >= 48 && buf[r] <= 57; r++) pid = pid * 10 + buf[r] - 48;
    if (r === q + 1 || r >= end || buf[r] !== 93) return;
    r++;
  }
  if (r >= end || buf[r] !== 58 || (r + 1 < end && buf[r + 1] !== 32 && pid < 0)) return;   // `tag[pid]:msg` too
  f.hostStart = p; f.hostEnd = w; f.progStart = tag; f.progEnd = q; f.pid = pid;
  f.msgStart = r + 1 < end ? (buf[r + 1] === 32 ? r + 2 : r + 1) : end;
}
