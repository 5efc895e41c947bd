/*
 * What the HTTP stream hands to logging once a message head is parsed: `capture request|response header` slots,
 * `capture cookie` (log/cookie.ts), the request counter (%rt) and the unique id (%ID). Two calls per transaction,
 * taking the parser's flat header index (name start, name end, value start, value end; name start -1 = removed).
 * Callers: proxy/http/stream.ts (request head parsed / response head parsed), tcp/forward.ts (logNextStreamId).
 * Hot path: yes (a byte compare per header and capture slot; one string per captured value).
 */
import type { Proxy, StreamLog } from '../model/types.ts';
import { H1_HDR_STRIDE } from '../http/types.ts';
import type { CaptureCfg } from './types.ts';
import { LOG_FMT_RFC5424 } from './types.ts';
import { captureReqCookie, captureResCookie } from './cookie.ts';

/** HAProxy's global request counter (%rt): one id per stream, HTTP transaction or TCP session, from 0. */
let nextStreamId = 0;

/** Takes the next %rt value (TCP sessions and HTTP transactions that do not go through logRequestHead). */
export function logNextStreamId(): number {
  return nextStreamId++;
}

/** Lowercase ASCII compare of buf[s, e) with `name` (already lowercase). */
function nameIs(buf: Buffer, s: number, e: number, name: string): boolean {
  if (e - s !== name.length) return false;
  for (let i = 0; i < name.length; i++) {
    let c = buf[s + i];
    if (c >= 0x41 && c <= 0x5a) c += 0x20;
    if (c !== name.charCodeAt(i)) return false;
  }
  return true;
}

/** Resets `caps` to one null per slot, then stores each matching header's value cut to the slot length (last wins). */
function fillCaptures(slots: readonly CaptureCfg[], caps: (string | null)[], buf: Buffer, hdr: Int32Array,
  nhdr: number): void {
  if (caps.length !== slots.length) caps.length = slots.length;    // the store is a runtime call even when equal
  for (let k = 0; k < slots.length; k++) caps[k] = null;
  if (slots.length === 0) return;
  for (let x = 0; x < nhdr * H1_HDR_STRIDE; x += H1_HDR_STRIDE) {
    const ns = hdr[x];
    if (ns < 0) continue;
    for (let k = 0; k < slots.length; k++) {
      const c = slots[k];
      if (c.hdr === '' || !nameIs(buf, ns, hdr[x + 1], c.hdr)) continue;
      const vs = hdr[x + 2];
      const ve = hdr[x + 3] - vs > c.len ? vs + c.len : hdr[x + 3];
      caps[k] = buf.toString('latin1', vs, ve);
    }
  }
}

function cookieHeaders(fe: Proxy, s: StreamLog, buf: Buffer, hdr: Int32Array, nhdr: number, response: boolean): void {
  const name = response ? 'set-cookie' : 'cookie';
  for (let x = 0; x < nhdr * H1_HDR_STRIDE; x += H1_HDR_STRIDE) {
    if (hdr[x] < 0 || !nameIs(buf, hdr[x], hdr[x + 1], name)) continue;
    if (response) captureResCookie(fe, s, buf, hdr[x + 2], hdr[x + 3]);
    else captureReqCookie(fe, s, buf, hdr[x + 2], hdr[x + 3]);
  }
}

/**
 * A request head was parsed (a new transaction): sets `s.reqCounter` (%rt), fills `s.reqCaptures` (header slots;
 * declared slots are left null for `http-request capture` rules), resets the response side, captures the cookie and
 * clears the unique id (built after the rules for unique-id-header, else when the line is logged, as 2.6). Header
 * offsets index `buf`; nothing keeps a reference to it.
 */
export function logRequestHead(fe: Proxy, s: StreamLog, buf: Buffer, hdr: Int32Array, nhdr: number): void {
  const lc = fe.log;
  s.reqCounter = nextStreamId++;
  fillCaptures(lc.reqCaptures, s.reqCaptures, buf, hdr, nhdr);
  fillCaptures(lc.resCaptures, s.resCaptures, buf, hdr, 0);
  s.cookieCapReq = '';
  s.cookieCapRes = '';
  if (lc.cookieName !== '') cookieHeaders(fe, s, buf, hdr, nhdr, false);
  s.uniqueId = '';
}

/** The response head was parsed: fills `s.resCaptures` and the response cookie capture. */
export function logResponseHead(fe: Proxy, s: StreamLog, buf: Buffer, hdr: Int32Array, nhdr: number): void {
  const lc = fe.log;
  fillCaptures(lc.resCaptures, s.resCaptures, buf, hdr, nhdr);
  if (lc.cookieName !== '') cookieHeaders(fe, s, buf, hdr, nhdr, true);
}

/**
 * A request that could not be parsed (<BADREQ>): %rt taken, no capture arrays (%hr/%hs print nothing); `sent` = the
 * client sent bytes (a connection closed or timed out before its first byte is a null connection). HAProxy 2.6
 * logs these at session level, where each run of a format without a stream takes a new id: with an RFC 5424 target the
 * (empty) structured-data part runs first, so the logged %rt is one further on (a `format rfc5424` target's BADREQ
 * skips one id, with one or several such targets, checked on 2.6.12).
 */
export function logBadRequest(s: StreamLog, sent: boolean): void {
  s.badReqData = sent;
  const targets = s.frontend.log.targets;
  for (let i = 0; i < targets.length; i++) {
    if (targets[i].format === LOG_FMT_RFC5424) { nextStreamId++; break; }
  }
  s.reqCounter = nextStreamId++;
  s.reqCaptures.length = 0;
  s.resCaptures.length = 0;
  s.cookieCapReq = '';
  s.cookieCapRes = '';
  s.uniqueId = '';
}
