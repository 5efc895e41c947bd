/*
 * Per-stream logging entry point for the data path: decides whether a finished (or `option logasap`) stream is
 * logged and at which level, runs the proxy's compiled log-format (log/format.ts) into a reused Buffer, frames it per
 * target (log/syslog.ts) and hands it to each target's sender (log/sender.ts). Also builds unique ids.
 * Callers: tcp/forward.ts and http/ at stream / transaction end (or at request time with logasap); frontend accept
 * for `logConnect`. Never blocks, never throws, no-op when the frontend has no log target. Hot path: yes.
 */
import { hostname } from 'node:os';
import type { Proxy, StreamLog } from '../model/types.ts';
import type { LogEmitter, LogTarget } from './types.ts';
import {
  PR_O_DONTLOGNULL, PR_O_DONTLOG_NORMAL, PR_O_LOGASAP, PR_O_LOG_SEPARATE_ERRORS, PR_MODE_HTTP,
  SF_ERR_NONE, SF_ERR_LOCAL, SF_ERR_CHARS, SF_FINST_CHARS,
} from '../model/types.ts';
import { LOG_ERR, LOG_INFO, LOG_FMT_RFC5424 } from './types.ts';
import { LF_FLAG_Q, LF_FLAG_X, LF_FLAG_E } from './format-tokens.ts';
import * as op from './format.ts';
import { putUint } from './syslog.ts';
import { putDateLocalMs, putDateGmt, putDateLocalZone, putPadded } from './dates.ts';
import { openLogSink, logRing, logCounters } from './sender.ts';

const MSG_CAP = 65536;
const SLACK = 1024;
/* Reused buffers: the message, the structured data (RFC 5424), unique ids. Never escape this module. */
const msgBuf = Buffer.allocUnsafe(MSG_CAP + SLACK);
const sdBuf = Buffer.allocUnsafe(8192 + SLACK);
const idBuf = Buffer.allocUnsafe(4096 + SLACK);
/* Upper bound of a syslog header without tag/hostname/SD (log/syslog.ts): PRI, ISO date, pid, separators. */
const HDR_MAX = 96;

const HOSTNAME = hostname();
const PID = process.pid;
const DEFAULT_TAG = 'haproxy';
const BADREQ = '<BADREQ>';
const HEX = '0123456789ABCDEF';

/* Encoding maps (1 = write as #XX): control chars, DEL and above, plus `"#` for URLs and `"#{|}` for headers. */
const URL_ENC = new Uint8Array(256);
const HDR_ENC = new Uint8Array(256);
for (let c = 0; c < 256; c++) {
  const ctl = c < 32 || c >= 127 ? 1 : 0;
  URL_ENC[c] = ctl;
  HDR_ENC[c] = ctl;
}
for (const ch of '"#') URL_ENC[ch.charCodeAt(0)] = 1;
for (const ch of '"#{|}') HDR_ENC[ch.charCodeAt(0)] = 1;

/** Microseconds since epoch, for syslog header dates (HAProxy prints µs in RFC 5424 / ISO dates). */
function nowUs(): number {
  return Math.floor((performance.timeOrigin + performance.now()) * 1000);
}

/** Writes `-` (or `""` under +Q) for an absent value. */
function putAbsent(buf: Buffer, off: number, opts: number): number {
  if ((opts & LF_FLAG_Q) !== 0) { buf[off] = 0x22; buf[off + 1] = 0x22; return off + 2; }
  buf[off] = 0x2d;
  return off + 1;
}

/**
 * Writes `str` (latin1) with HAProxy's string options: +Q quotes, +E backslash-escapes `"`, `\` and `]`, `enc`
 * (URL_ENC/HDR_ENC or null) writes flagged bytes as `#XX`. Cuts the text so the buffer is never overrun.
 */
function putText(buf: Buffer, off: number, str: string, opts: number, enc: Uint8Array | null, cap: number): number {
  const q = (opts & LF_FLAG_Q) !== 0;
  if (q) buf[off++] = 0x22;
  let n = str.length;
  const room = (cap - off) / 3 - 2;
  if (n > room) n = room > 0 ? Math.floor(room) : 0;
  if (enc === null && (opts & LF_FLAG_E) === 0) {
    if (n <= 48) { for (let i = 0; i < n; i++) buf[off + i] = str.charCodeAt(i); off += n; }
    else off += buf.write(n === str.length ? str : str.slice(0, n), off, 'latin1');
  } else {
    const esc = (opts & LF_FLAG_E) !== 0;
    for (let i = 0; i < n; i++) {
      const c = str.charCodeAt(i) & 0xff;
      if (esc && (c === 0x22 || c === 0x5c || c === 0x5d)) { buf[off++] = 0x5c; buf[off++] = c; }
      else if (enc !== null && enc[c] === 1) { buf[off++] = 0x23; buf[off++] = HEX.charCodeAt(c >> 4); buf[off++] = HEX.charCodeAt(c & 15); }
      else buf[off++] = c;
    }
  }
  if (q) buf[off++] = 0x22;
  return off;
}

/** Writes a string field, or `-`/`""` when it is empty. */
function putField(buf: Buffer, off: number, str: string | null, opts: number, enc: Uint8Array | null, cap: number): number {
  if (str === null || str.length === 0) return putAbsent(buf, off, opts);
  return putText(buf, off, str, opts, enc, cap);
}

/** Writes a (possibly negative) integer, in uppercase hex under +X. */
function putInt(buf: Buffer, off: number, n: number, opts: number): number {
  if ((opts & LF_FLAG_X) !== 0 && n >= 0) return putHex(buf, off, n, 0);
  if (n < 0) { buf[off++] = 0x2d; n = -n; }
  return putUint(buf, off, n);
}

/** Uppercase hex, left-padded with zeros to `width` digits (0 = no padding). */
function putHex(buf: Buffer, off: number, n: number, width: number): number {
  let digits = 1;
  for (let t = n; t >= 16; t = Math.floor(t / 16)) digits++;
  if (digits < width) digits = width;
  for (let i = digits - 1; i >= 0; i--) { buf[off + i] = HEX.charCodeAt(n % 16); n = Math.floor(n / 16); }
  return off + digits;
}

/** An IP address field; under +X an IPv4 address is written as 8 hex digits (`7F000001`). */
function putIp(buf: Buffer, off: number, ip: string, opts: number, cap: number): number {
  if (ip === '') return putAbsent(buf, off, opts);
  if ((opts & LF_FLAG_X) !== 0) {
    let v = 0;
    let part = 0;
    let dots = 0;
    for (let i = 0; i < ip.length; i++) {
      const c = ip.charCodeAt(i);
      if (c === 0x2e) { v = v * 256 + part; part = 0; dots++; }
      else if (c >= 0x30 && c <= 0x39) part = part * 10 + c - 0x30;
      else { dots = -1; break; }
    }
    if (dots === 3) return putHex(buf, off, v * 256 + part, 8);
  }
  return putText(buf, off, ip, opts, null, cap);
}

function putPort(buf: Buffer, off: number, port: number, ip: string, opts: number): number {
  if (ip === '') return putAbsent(buf, off, opts);
  if ((opts & LF_FLAG_X) !== 0) return putHex(buf, off, port, 4);
  return putUint(buf, off, port);
}

/** Captures as `{v1|v2}` (%hr/%hs); nothing at all when the stream has no capture array (bad request). */
function putCapturesBraced(buf: Buffer, off: number, caps: readonly (string | null)[], opts: number, cap: number): number {
  if (caps.length === 0) return off;
  if ((opts & LF_FLAG_Q) !== 0) buf[off++] = 0x22;
  buf[off++] = 0x7b;
  for (let i = 0; i < caps.length; i++) {
    if (i > 0) buf[off++] = 0x7c;
    const v = caps[i];
    if (v !== null) off = putText(buf, off, v, opts & ~LF_FLAG_Q, HDR_ENC, cap);
  }
  buf[off++] = 0x7d;
  if ((opts & LF_FLAG_Q) !== 0) buf[off++] = 0x22;
  return off;
}

/** Captures as separate fields (%hrl/%hsl). */
function putCapturesList(buf: Buffer, off: number, caps: readonly (string | null)[], opts: number, cap: number): number {
  for (let i = 0; i < caps.length; i++) {
    if (i > 0) buf[off++] = 0x20;
    off = putField(buf, off, caps[i], opts, HDR_ENC, cap);
  }
  return off;
}

/** The "scheme://authority" prefix length of an absolute URI, 0 for an origin-form URI. */
function authorityLen(uri: string): number {
  if (uri.length === 0 || uri.charCodeAt(0) === 0x2f) return 0;
  const p = uri.indexOf('://');
  if (p < 0) return 0;
  const slash = uri.indexOf('/', p + 3);
  return slash < 0 ? uri.length : slash;
}

/**
 * Runs emitter `em` for stream `s` into `buf` from offset 0, stopping short of `cap`; returns the length written.
 * Keeps no reference to `buf` or `s`; allocates only for sample expressions that build strings.
 */
export function runLogEmitter(em: LogEmitter, fe: Proxy, s: StreamLog, buf: Buffer, cap: number): number {
  const ops = em.ops;
  const plus = (fe.options & PR_O_LOGASAP) !== 0;
  let off = 0;
  let lastSpace = true;
  for (let pc = 0; pc < ops.length; pc += 3) {
    if (off >= cap) break;
    const code = ops[pc];
    const o = ops[pc + 1];
    const start = off;
    switch (code) {
      case op.LF_OP_SEP:
        if (!lastSpace) { buf[off++] = 0x20; lastSpace = true; }
        continue;
      case op.LF_OP_LIT: {
        const lit = em.lits[ops[pc + 2]];
        const n = lit.length < cap - off ? lit.length : cap - off;
        if (n <= 16) { for (let i = 0; i < n; i++) buf[off + i] = lit[i]; } // a JS loop beats copy() below ~16 bytes
        else lit.copy(buf, off, 0, n);
        off += n;
        break;
      }
      case op.LF_OP_SAMPLE: {
        const v = em.samples[ops[pc + 2]](s);
        if (v === null) off = putAbsent(buf, off, o);
        else if (typeof v === 'number') off = putInt(buf, off, v, o);
        else off = putField(buf, off, v, o, null, cap);
        break;
      }
      case op.LF_OP_CI: off = putIp(buf, off, s.clientIp, o, cap); break;
      case op.LF_OP_CP: off = putPort(buf, off, s.clientPort, s.clientIp, o); break;
      case op.LF_OP_FI: off = putIp(buf, off, s.frontendIp, o, cap); break;
      case op.LF_OP_FP: off = putPort(buf, off, s.frontendPort, s.frontendIp, o); break;
      case op.LF_OP_BI: off = putIp(buf, off, s.backendSrcIp, o, cap); break;
      case op.LF_OP_BP: off = putPort(buf, off, s.backendSrcPort, s.backendSrcIp, o); break;
      case op.LF_OP_SI: off = putIp(buf, off, s.serverIp, o, cap); break;
      case op.LF_OP_SP: off = putPort(buf, off, s.serverPort, s.serverIp, o); break;
      case op.LF_OP_T: off = putDateLocalMs(buf, off, s.acceptMs); break;
      case op.LF_OP_TR: off = putDateLocalMs(buf, off, s.reqDateMs); break;
      case op.LF_OP_TRG: off = putDateGmt(buf, off, s.reqDateMs); break;
      case op.LF_OP_TRL: off = putDateLocalZone(buf, off, s.reqDateMs); break;
      case op.LF_OP_TG: off = putDateGmt(buf, off, s.acceptMs); break;
      case op.LF_OP_TL: off = putDateLocalZone(buf, off, s.acceptMs); break;
      case op.LF_OP_TS: {
        const sec = Math.floor(s.acceptMs / 1000);
        off = (o & LF_FLAG_X) !== 0 ? putHex(buf, off, sec, 8) : putUint(buf, off, sec);
        break;
      }
      case op.LF_OP_MS: {
        const ms = s.acceptMs - Math.floor(s.acceptMs / 1000) * 1000;
        off = (o & LF_FLAG_X) !== 0 ? putHex(buf, off, ms, 0) : putPadded(buf, off, ms, 3);
        break;
      }
      case op.LF_OP_FT:
      case op.LF_OP_F: off = putField(buf, off, fe.name, o, null, cap); break;
      case op.LF_OP_B: off = putField(buf, off, s.backend === null ? fe.name : s.backend.name, o, null, cap); break;
      case op.LF_OP_S: off = putField(buf, off, s.server === null ? '<NOSRV>' : s.server.name, o, null, cap); break;
      case op.LF_OP_TREQ: off = putInt(buf, off, s.tRequest, o); break;
      case op.LF_OP_TW: off = putInt(buf, off, s.tQueue, o); break;
      case op.LF_OP_TC: off = putInt(buf, off, s.tConnect, o); break;
      case op.LF_OP_TRES: off = putInt(buf, off, s.tResponse, o); break;
      case op.LF_OP_TH: off = putInt(buf, off, s.tHandshake, o); break;
      case op.LF_OP_TI: off = putInt(buf, off, s.tIdle, o); break;
      case op.LF_OP_TQ:
        off = putInt(buf, off, s.tRequest < 0 ? -1 : s.tHandshake + s.tIdle + s.tRequest, o);
        break;
      case op.LF_OP_TA:
        if (plus) buf[off++] = 0x2b;
        off = putInt(buf, off, s.tTotal - s.tHandshake - s.tIdle, o);
        break;
      case op.LF_OP_TT:
        if (plus) buf[off++] = 0x2b;
        off = putInt(buf, off, s.tTotal, o);
        break;
      case op.LF_OP_TU: off = putInt(buf, off, s.tTotal - s.tIdle, o); break;
      case op.LF_OP_TD:
        off = putInt(buf, off, s.tResponse < 0 ? -1 : s.tTotal -
          (s.tHandshake + s.tIdle + s.tRequest + s.tQueue + s.tConnect + s.tResponse), o);
        break;
      case op.LF_OP_ST: off = putInt(buf, off, s.status, o & ~LF_FLAG_X); break;
      case op.LF_OP_BYTES:
        if (plus) buf[off++] = 0x2b;
        off = putInt(buf, off, s.bytesOut, o);
        break;
      case op.LF_OP_UBYTES: off = putInt(buf, off, s.bytesIn, o); break;
      case op.LF_OP_CC: off = putField(buf, off, s.cookieCapReq, o, null, cap); break;
      case op.LF_OP_CS: off = putField(buf, off, s.cookieCapRes, o, null, cap); break;
      case op.LF_OP_SSL:
        off = putAbsent(buf, off, o);
        break;
      case op.LF_OP_TSC:
      case op.LF_OP_TSS:
        buf[off++] = SF_ERR_CHARS.charCodeAt(s.errCause);
        buf[off++] = SF_FINST_CHARS.charCodeAt(s.finishState);
        if (code === op.LF_OP_TSC) {
          buf[off++] = s.cookieReq.length > 0 ? s.cookieReq.charCodeAt(0) : 0x2d;
          buf[off++] = s.cookieRes.length > 0 ? s.cookieRes.charCodeAt(0) : 0x2d;
        }
        break;
      case op.LF_OP_AC: off = putInt(buf, off, s.actconn, o); break;
      case op.LF_OP_FC: off = putInt(buf, off, s.feconn, o); break;
      case op.LF_OP_BC: off = putInt(buf, off, s.beconn, o); break;
      case op.LF_OP_SC: off = putInt(buf, off, s.srvconn, o); break;
      case op.LF_OP_RC:
        if (s.redispatched) buf[off++] = 0x2b;
        off = putInt(buf, off, s.retries, o);
        break;
      case op.LF_OP_RT:
        off = (o & LF_FLAG_X) !== 0 ? putHex(buf, off, s.reqCounter, 4) : putUint(buf, off, s.reqCounter);
        break;
      case op.LF_OP_SQ: off = putInt(buf, off, s.srvQueue, o); break;
      case op.LF_OP_BQ: off = putInt(buf, off, s.backendQueue, o); break;
      case op.LF_OP_HR: off = putCapturesBraced(buf, off, s.reqCaptures, o, cap); break;
      case op.LF_OP_HS: off = putCapturesBraced(buf, off, s.resCaptures, o, cap); break;
      case op.LF_OP_HRL: off = putCapturesList(buf, off, s.reqCaptures, o, cap); break;
      case op.LF_OP_HSL: off = putCapturesList(buf, off, s.resCaptures, o, cap); break;
      case op.LF_OP_R: off = putField(buf, off, s.reqLine === '' ? BADREQ : s.reqLine, o, URL_ENC, cap); break;
      case op.LF_OP_HM: off = putField(buf, off, s.method === '' ? BADREQ : s.method, o, URL_ENC, cap); break;
      case op.LF_OP_HV: off = putField(buf, off, s.method === '' ? BADREQ : s.httpVersion, o, URL_ENC, cap); break;
      case op.LF_OP_HU: off = putField(buf, off, s.method === '' ? BADREQ : s.uri, o, URL_ENC, cap); break;
      case op.LF_OP_HP:
      case op.LF_OP_HPO: {
        if (s.method === '') { off = putField(buf, off, BADREQ, o, URL_ENC, cap); break; }
        const u = s.uri;
        const qm = u.indexOf('?');
        const from = code === op.LF_OP_HPO ? authorityLen(u) : 0;
        const end = qm < 0 ? u.length : qm;
        off = putField(buf, off, from === 0 && end === u.length ? u : u.slice(from, end), o, URL_ENC, cap);
        break;
      }
      case op.LF_OP_HQ: {
        if (s.method === '') { off = putField(buf, off, BADREQ, o, URL_ENC, cap); break; }
        const qm = s.uri.indexOf('?');
        if (qm >= 0) off = putText(buf, off, s.uri.slice(qm), o, URL_ENC, cap);
        else if ((o & LF_FLAG_Q) !== 0) { buf[off++] = 0x22; buf[off++] = 0x22; }
        break;
      }
      case op.LF_OP_ID: off = putField(buf, off, s.uniqueId, o, null, cap); break;
      case op.LF_OP_PID: off = putInt(buf, off, PID, o); break;
      case op.LF_OP_H: off = putField(buf, off, HOSTNAME, o, null, cap); break;
      case op.LF_OP_LC: off = putInt(buf, off, fe.log.logCount, o); break;
    }
    if (off !== start) lastSpace = false;
  }
  return off < cap ? off : cap;
}

/**
 * Is this stream an error for `option log-separate-errors` / `dontlognull` / `dontlog-normal`? HAProxy: redispatch,
 * retries, any termination cause other than none/local, or an HTTP status >= 500.
 */
function isErrorStream(fe: Proxy, s: StreamLog): boolean {
  return s.redispatched || s.retries > 0 || (s.errCause !== SF_ERR_NONE && s.errCause !== SF_ERR_LOCAL) ||
    (fe.mode === PR_MODE_HTTP && s.status >= 500);
}

/** Frames `msgLen` bytes of msgBuf for each target of `fe` accepting `level` and sends them. */
function sendToTargets(fe: Proxy, level: number, msgLen: number, s: StreamLog | null): void {
  const lc = fe.log;
  const targets = lc.targets;
  const tag = lc.tag === '' ? DEFAULT_TAG : lc.tag;
  let us = -1;
  let sdLen = -1;
  for (let i = 0; i < targets.length; i++) {
    const t: LogTarget = targets[i];
    if (level > t.level) continue;
    if (t.sampleSize > 0) {
      const idx = t.sampleIdx;
      t.sampleIdx = idx + 1 >= t.sampleSize ? 0 : idx + 1;
      let hit = false;
      for (let r = 0; r < t.sampleRanges.length; r += 2) {
        if (idx + 1 >= t.sampleRanges[r] && idx + 1 <= t.sampleRanges[r + 1]) { hit = true; break; }
      }
      if (!hit) continue;
    }
    const w = logRing();
    if (w === null) { logCounters.ringDropped++; continue; }
    const slot = t.sink === null ? openLogSink(t).slot : t.sink.slot;
    if (us < 0) us = nowUs();
    const sev = level < t.minLevel ? t.minLevel : level;
    if (t.format === LOG_FMT_RFC5424 && sdLen < 0) {
      sdLen = lc.emitterSd !== null && s !== null ? runLogEmitter(lc.emitterSd, fe, s, sdBuf, 8192) : 0;
    }
    // Formatted straight into the ring: header, SD, message cut to `len`, "\n"; the worker sends it.
    const hdrRoom = HDR_MAX + tag.length + lc.hostname.length + (sdLen > 0 ? sdLen + 1 : 2);
    let max = hdrRoom + msgLen;
    if (max > t.maxLen) max = t.maxLen < hdrRoom ? hdrRoom : t.maxLen;
    const at = w.reserve(max + 1);
    if (at < 0) { logCounters.ringDropped++; continue; }
    const data = w.v.data;
    const lim = at + t.maxLen;
    let off = t.hdr.put(data, at, t.format, t.facility, sev, us, tag, PID, lc.hostname);
    if (t.format === LOG_FMT_RFC5424) {
      if (sdLen > 0) { sdBuf.copy(data, off, 0, sdLen); off += sdLen; }
      else data[off++] = 0x2d;
      data[off++] = 0x20;
    }
    if (off > lim) off = lim;
    let end = off + msgLen;
    if (end > lim) end = lim;
    if (end - off <= 16) { for (let k = off; k < end; k++) data[k] = msgBuf[k - off]; }
    else msgBuf.copy(data, off, 0, end - off);
    data[end] = 0x0a;
    w.commit(slot, end + 1 - at);
    logCounters.sent++;
  }
}

/**
 * Logs one stream for frontend `fe` (reads `s`, keeps no reference to it). No-op when `fe` has no log target or no
 * log format. Applies dontlognull (any empty connection) / dontlog-normal / log-separate-errors, then sends one line
 * per target.
 */
export function logStream(fe: Proxy, s: StreamLog): void {
  const lc = fe.log;
  const em = lc.emitter;
  if (em === null || lc.targets.length === 0) return;
  // dontlognull drops a connection that sent nothing even when it ended in error (HAProxy 2.6: an empty connection
  // closed by the client is CR-- 400 but not logged, fixtures/log/asap).
  // A rejected request that carried bytes is not null (%U is 0 there, haproxy 2.6.12 still logs it: fixtures/log/smp).
  if ((fe.options & PR_O_DONTLOGNULL) !== 0 && s.bytesIn === 0 && !s.badReqData) return;
  const err = isErrorStream(fe, s);
  if (!err && (fe.options & PR_O_DONTLOG_NORMAL) !== 0) return;
  const level = err && (fe.options & PR_O_LOG_SEPARATE_ERRORS) !== 0 ? LOG_ERR : LOG_INFO;
  const len = runLogEmitter(em, fe, s, msgBuf, MSG_CAP);
  lc.logCount++;
  sendToTargets(fe, level, len, s);
}

/**
 * For a frontend with log targets but no log format (no `option httplog/tcplog`, no `log-format`), HAProxy logs each
 * accepted connection as `Connect from <ip>:<port> to <ip>:<port> (<frontend>/<HTTP|TCP>)`. The accept path calls
 * this once per connection; no-op otherwise (and with `option dontlognull`).
 */
export function logConnect(fe: Proxy, clientIp: string, clientPort: number, localIp: string, localPort: number): void {
  const lc = fe.log;
  if (lc.emitter !== null || lc.targets.length === 0 || (fe.options & PR_O_DONTLOGNULL) !== 0) return;
  let off = msgBuf.write('Connect from ', 0, 'latin1');
  off += msgBuf.write(clientIp, off, 'latin1');
  msgBuf[off++] = 0x3a;
  off = putUint(msgBuf, off, clientPort);
  off += msgBuf.write(' to ', off, 'latin1');
  off += msgBuf.write(localIp, off, 'latin1');
  msgBuf[off++] = 0x3a;
  off = putUint(msgBuf, off, localPort);
  off += msgBuf.write(' (', off, 'latin1');
  off += msgBuf.write(fe.name, off, 'latin1');
  off += msgBuf.write(fe.mode === PR_MODE_HTTP ? '/HTTP)' : '/TCP)', off, 'latin1');
  sendToTargets(fe, LOG_INFO, off, null);
}

/**
 * Builds the unique id of `s` from `unique-id-format` and stores it in `s.uniqueId` (also returned); '' when the
 * frontend has none. The HTTP stream calls it once the request headers are parsed, then adds `unique-id-header`.
 */
export function buildUniqueId(fe: Proxy, s: StreamLog): string {
  const em = fe.log.uniqueId;
  if (em === null) return '';
  const n = runLogEmitter(em, fe, s, idBuf, 4096);
  s.uniqueId = idBuf.toString('latin1', 0, n);
  return s.uniqueId;
}
