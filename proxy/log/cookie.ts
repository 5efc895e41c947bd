/*
 * `capture cookie <name> len <n>` (%CC / %CS): picks the first request cookie (Cookie headers) and the first response
 * cookie (Set-Cookie headers) whose name starts with <name> (case-sensitive) and keeps `name=value` up to the `;`,
 * cut to <n> bytes, unencoded, as haproxy 2.6.12 logs them (fixtures/log/cookie). The HTTP stream calls the two
 * entry points per Cookie / Set-Cookie header while the slot is still empty. Hot path: yes (no regex, one string).
 */
import type { Proxy, StreamLog } from '../model/types.ts';

/** HAProxy truncates a `capture cookie` length above this (with a warning at load). */
export const COOKIE_CAPTURE_MAX = 63;

/**
 * Scans `buf[start, end)`, a header value, for the first cookie whose name starts with `name`. Request values hold
 * several `a=1; b=2` pairs; a Set-Cookie value holds one cookie and its attributes (only its first pair counts).
 * Returns `name=value` (latin1, at most `len` bytes) or '' when none matches. Keeps no reference to `buf`.
 */
export function findCookie(name: string, len: number, buf: Buffer, start: number, end: number, response: boolean): string {
  const n = name.length;
  let p = start;
  while (p < end) {
    while (p < end && (buf[p] === 0x20 || buf[p] === 0x09)) p++;
    let semi = buf.indexOf(0x3b, p);
    if (semi < 0 || semi > end) semi = end;
    let match = p + n <= semi;
    for (let i = 0; match && i < n; i++) if (buf[p + i] !== name.charCodeAt(i)) match = false;
    if (match) {
      let e = semi;
      while (e > p && (buf[e - 1] === 0x20 || buf[e - 1] === 0x09)) e--;
      if (e - p > len) e = p + len;
      return buf.toString('latin1', p, e);
    }
    if (response) return '';
    p = semi + 1;
  }
  return '';
}

/** Request side: call for each `Cookie` header value until `s.cookieCapReq` is set; no-op without `capture cookie`. */
export function captureReqCookie(fe: Proxy, s: StreamLog, buf: Buffer, start: number, end: number): void {
  const lc = fe.log;
  if (lc.cookieName === '' || s.cookieCapReq !== '') return;
  s.cookieCapReq = findCookie(lc.cookieName, lc.cookieLen, buf, start, end, false);
}

/** Response side: call for each `Set-Cookie` header value until `s.cookieCapRes` is set. */
export function captureResCookie(fe: Proxy, s: StreamLog, buf: Buffer, start: number, end: number): void {
  const lc = fe.log;
  if (lc.cookieName === '' || s.cookieCapRes !== '') return;
  s.cookieCapRes = findCookie(lc.cookieName, lc.cookieLen, buf, start, end, true);
}
