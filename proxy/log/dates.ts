/*
 * Date texts used in log lines and syslog headers, cached per second: each kind keeps the text of the last second it
 * printed and only rewrites the sub-second digits. Kinds: HAProxy's `%t` (local, with ms), `%T`/`%trg` (GMT, +0000),
 * `%Tl`/`%trl` (local with zone), the RFC 3164 header date and the ISO 8601 date with microseconds (RFC 5424, iso,
 * timed). Callers: log/emit.ts, log/syslog.ts. Hot path: yes (no allocation unless the second changed).
 */
import { putBytes } from '../net/buf-copy.ts';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function p2(n: number): string { return n < 10 ? '0' + n : '' + n; }

function zone(d: Date, colon: boolean): string {
  const off = -d.getTimezoneOffset();
  const a = off < 0 ? -off : off;
  return (off < 0 ? '-' : '+') + p2(Math.floor(a / 60)) + (colon ? ':' : '') + p2(a % 60);
}

/** One cached per-second text. `build` runs at most once per distinct second. */
class SecondText {
  sec = -1;
  /** Exactly the text (copied with one set(): net/buf-copy.ts putBytes). */
  bytes: Buffer = Buffer.alloc(0);
  constructor(private readonly build: (d: Date) => string) {}
  /** Copies the text for `ms` into `buf` at `off`; returns the new offset. */
  put(buf: Buffer, off: number, ms: number): number {
    const sec = Math.floor(ms / 1000);
    if (sec !== this.sec) {
      this.sec = sec;
      this.bytes = Buffer.from(this.build(new Date(sec * 1000)), 'latin1');
    }
    return putBytes(buf, off, this.bytes);
  }
}

const localSec = new SecondText((d) => p2(d.getDate()) + '/' + MONTHS[d.getMonth()] + '/' + d.getFullYear() + ':' +
  p2(d.getHours()) + ':' + p2(d.getMinutes()) + ':' + p2(d.getSeconds()));
const gmtSec = new SecondText((d) => p2(d.getUTCDate()) + '/' + MONTHS[d.getUTCMonth()] + '/' + d.getUTCFullYear() +
  ':' + p2(d.getUTCHours()) + ':' + p2(d.getUTCMinutes()) + ':' + p2(d.getUTCSeconds()) + ' +0000');
const localZoneSec = new SecondText((d) => p2(d.getDate()) + '/' + MONTHS[d.getMonth()] + '/' + d.getFullYear() +
  ':' + p2(d.getHours()) + ':' + p2(d.getMinutes()) + ':' + p2(d.getSeconds()) + ' ' + zone(d, false));
const rfc3164Sec = new SecondText((d) => {
  const day = d.getDate();
  return MONTHS[d.getMonth()] + (day < 10 ? '  ' : ' ') + day + ' ' + p2(d.getHours()) + ':' + p2(d.getMinutes()) +
    ':' + p2(d.getSeconds());
});
const isoSec = new SecondText((d) => d.getFullYear() + '-' + p2(d.getMonth() + 1) + '-' + p2(d.getDate()) + 'T' +
  p2(d.getHours()) + ':' + p2(d.getMinutes()) + ':' + p2(d.getSeconds()));
const isoZone = new SecondText((d) => zone(d, true));

/** Writes `n` (0 <= n < 10^width) zero-padded to `width` digits. */
export function putPadded(buf: Buffer, off: number, n: number, width: number): number {
  for (let i = width - 1; i >= 0; i--) { buf[off + i] = 0x30 + (n % 10); n = Math.floor(n / 10); }
  return off + width;
}

/** `%t`/`%tr`: `23/Nov/2026:20:18:12.197` (local time). */
export function putDateLocalMs(buf: Buffer, off: number, ms: number): number {
  off = localSec.put(buf, off, ms);
  buf[off++] = 0x2e;
  return putPadded(buf, off, ms - Math.floor(ms / 1000) * 1000, 3);
}

/** `%T`/`%trg`: `23/Nov/2026:20:18:12 +0000`. */
export function putDateGmt(buf: Buffer, off: number, ms: number): number {
  return gmtSec.put(buf, off, ms);
}

/** `%Tl`/`%trl`: `23/Nov/2026:20:18:12 +0100` (local time and its zone). */
export function putDateLocalZone(buf: Buffer, off: number, ms: number): number {
  return localZoneSec.put(buf, off, ms);
}

/** RFC 3164 header date: `Nov 23 20:18:12`, day padded with a space. */
export function putDateRfc3164(buf: Buffer, off: number, ms: number): number {
  return rfc3164Sec.put(buf, off, ms);
}

/** ISO 8601 with microseconds and zone: `2026-11-23T20:18:12.204416+00:00`; `us` = microseconds since epoch. */
export function putDateIso(buf: Buffer, off: number, us: number): number {
  const ms = Math.floor(us / 1000);
  off = isoSec.put(buf, off, ms);
  buf[off++] = 0x2e;
  off = putPadded(buf, off, us - Math.floor(ms / 1000) * 1000000, 6);
  return isoZone.put(buf, off, ms);
}
