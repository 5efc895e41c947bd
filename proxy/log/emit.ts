/*
 * Per-stream logging entry point for the data path: decides whether a finished (or `option logasap`) stream is
 * logged and at which level, runs the proxy's compiled log-format (log/format.ts, as the function log/emit-gen.ts
 * generates for it) into a reused Buffer, frames it per
 * target (log/syslog.ts) and hands it to each target's sender (log/sender.ts). Also builds unique ids.
 * Callers: tcp/forward.ts and http/ at stream / transaction end (or at request time with logasap); frontend accept
 * for `logConnect`. Never blocks, never throws, no-op when the frontend has no log target. Hot path: yes.
 */
import { hostname } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { BindCfg, Proxy, StreamLog } from '../model/types.ts';
import type { LogEmitter, LogTarget } from './types.ts';
import {
  PR_O_DONTLOGNULL, PR_O_DONTLOG_NORMAL, PR_O_LOG_SEPARATE_ERRORS, PR_MODE_HTTP, SF_ERR_NONE, SF_ERR_LOCAL,
} from '../model/types.ts';
import { LOG_ERR, LOG_INFO, LOG_LEVEL_SILENT, LOG_FMT_RFC5424, LOG_TGT_FD } from './types.ts';
import { putUint } from './syslog.ts';
import { bufCopy } from '../net/buf-copy.ts';
import { putDateLocalMs } from './dates.ts';
import { buildEmitFn } from './emit-gen.ts';
import { openLogSink, logRing, logCounters } from './sender.ts';

const MSG_CAP = 65536;
const SLACK = 1024;
/* Reused buffers: the message, the structured data (RFC 5424), unique ids. Never escape this module. */
const msgBuf = Buffer.allocUnsafe(MSG_CAP + SLACK);
const sdBuf = Buffer.allocUnsafe(8192 + SLACK);
const idBuf = Buffer.allocUnsafe(4096 + SLACK);
/* Upper bound of a syslog header without tag/hostname/SD (log/syslog.ts): PRI, ISO date, pid, separators. */
const HDR_MAX = 96;

/*
 * 2.6 builds a line into a buffer as large as the largest `len` of all log targets (1024 without `len`), then cuts
 * header + message to each target's own `len`: a line is at most that size minus one (its NUL). Set at config load
 * (log/keywords.ts); a raw-format target with the largest `len` thus sends len - 1 bytes then "\n".
 */
let msgCap = 1023;
export function setLogMessageCap(n: number): void { msgCap = n < 1 ? 1 : n > MSG_CAP ? MSG_CAP : n; }

const HOSTNAME = hostname();
const PID = process.pid;
const DEFAULT_TAG = 'haproxy';

/*
 * The process's time origin, read once: `performance.timeOrigin` is a getter (with an own-property check) behind
 * node's lazy `performance` global, ~0.2 µs per log line.
 */
const TIME_ORIGIN = performance.timeOrigin;

/** Microseconds since epoch, for syslog header dates (HAProxy prints µs in RFC 5424 / ISO dates). */
function nowUs(): number {
  return Math.floor((TIME_ORIGIN + performance.now()) * 1000);
}

/**
 * Runs emitter `em` for stream `s` into `buf` from offset 0, stopping short of `cap`; returns the length written.
 * Keeps no reference to `buf` or `s`; allocates only for sample expressions that build strings. The emitter's
 * program runs as the function log/emit-gen.ts generates for it, built on its first line.
 */
export function runLogEmitter(em: LogEmitter, fe: Proxy, s: StreamLog, buf: Buffer, cap: number): number {
  const run = em.run ?? (em.run = buildEmitFn(em, HOSTNAME));
  return run(fe, s, buf, 0, cap);
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
    // `len` bytes then "\n", except on stdout/stderr/fd@ where the "\n" is within `len` (2.6.12)
    const lim = at + (t.kind === LOG_TGT_FD ? t.maxLen - 1 : t.maxLen);
    let off = t.hdr.put(data, at, t.format, t.facility, sev, us, tag, PID, lc.hostname);
    if (t.format === LOG_FMT_RFC5424) {
      if (sdLen > 0) { bufCopy(sdBuf, data, off, 0, sdLen); off += sdLen; }
      else data[off++] = 0x2d;
      data[off++] = 0x20;
    }
    if (off > lim) off = lim;
    let end = off + msgLen;
    if (end > lim) end = lim;
    if (end - off <= 16) { for (let k = off; k < end; k++) data[k] = msgBuf[k - off]; }
    else bufCopy(msgBuf, data, off, 0, end - off);
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
  if (s.logLevel === LOG_LEVEL_SILENT) return;
  const err = isErrorStream(fe, s);
  if (!err && (fe.options & PR_O_DONTLOG_NORMAL) !== 0) return;
  const level = s.logLevel >= 0 ? s.logLevel : err && (fe.options & PR_O_LOG_SEPARATE_ERRORS) !== 0 ? LOG_ERR : LOG_INFO;
  // the unique id not built yet is built now, for a parsed request (2.6: none for <BADREQ>)
  if (lc.uniqueId !== null && s.uniqueId === '' && s.method !== '') buildUniqueId(fe, s);
  const targets = lc.targets;
  if (targets.length === 1) {
    const t = targets[0];
    if (level <= t.level && t.sampleSize === 0 && t.format !== LOG_FMT_RFC5424 && msgCap <= DIRECT_MAX) {
      sendDirect(fe, t, level, em, s);
      return;
    }
  }
  const len = runLogEmitter(em, fe, s, msgBuf, msgCap);
  lc.logCount++;
  sendToTargets(fe, level, len, s);
}

/** Line sizes (`len` - 1) up to this are formatted straight into the send batch (larger ones would shrink batches). */
const DIRECT_MAX = 4096;

/**
 * The common case of logStream: one target taking every line, without structured data. The header and then the
 * message are written straight into the send batch (no copy from msgBuf), room reserved for a whole `msgCap` line
 * and the emitter's slack; the line is then cut to the target's `len` as sendToTargets cuts it. Measured (callgrind,
 * function-level, httplog): the formatting functions ~6.1k -> ~5.2k instructions per line; end to end through the
 * proxy (keep-alive, 3 interleaved runs) the per-request count did not move beyond its +-1.5k run-to-run spread.
 * (The per-line totals in bf9f3d3/c513c7b's messages came from a harness whose first run also paid tsx's transpile.)
 */
function sendDirect(fe: Proxy, t: LogTarget, level: number, em: LogEmitter, s: StreamLog): void {
  const lc = fe.log;
  const w = logRing();
  const tag = lc.tag === '' ? DEFAULT_TAG : lc.tag;
  const at = w === null ? -1 : w.reserve(HDR_MAX + tag.length + lc.hostname.length + msgCap + SLACK);
  if (w === null || at < 0) {
    runLogEmitter(em, fe, s, msgBuf, msgCap);
    lc.logCount++;
    logCounters.ringDropped++;
    return;
  }
  const slot = t.sink === null ? openLogSink(t).slot : t.sink.slot;
  const data = w.v.data;
  const sev = level < t.minLevel ? t.minLevel : level;
  const off = t.hdr.put(data, at, t.format, t.facility, sev, nowUs(), tag, PID, lc.hostname);
  const run = em.run ?? (em.run = buildEmitFn(em, HOSTNAME));
  let end = run(fe, s, data, off, off + msgCap);
  lc.logCount++;
  const lim = at + (t.kind === LOG_TGT_FD ? t.maxLen - 1 : t.maxLen);
  if (end > lim) end = lim;
  data[end] = 0x0a;
  w.commit(slot, end + 1 - at);
  logCounters.sent++;
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
 * A connection that never became a stream (bad PROXY header: net/accept-proxy.ts; failed TLS handshake:
 * ssl/accept.ts), logged as HAProxy 2.6 does for frontends with a log format:
 * `<ci>:<cp> [<accept date>] <fe>/<bind name or listener number>: <why>`, an IPv4-mapped `ip` printed as IPv4.
 * Rare path.
 */
export function logConnError(fe: Proxy, bind: BindCfg, ip: string, port: number, acceptMs: number, why: string): void {
  const lc = fe.log;
  if (lc.emitter === null || lc.targets.length === 0) return;
  let off = msgBuf.write(ip.startsWith('::ffff:') ? ip.slice(7) : ip, 0, 'latin1');
  msgBuf[off++] = 0x3a;
  off = putUint(msgBuf, off, port);
  off += msgBuf.write(' [', off, 'latin1');
  off = putDateLocalMs(msgBuf, off, acceptMs);
  off += msgBuf.write('] ', off, 'latin1');
  off += msgBuf.write(fe.name, off, 'latin1');
  msgBuf[off++] = 0x2f;
  off += msgBuf.write(bind.name !== '' ? bind.name : String(fe.binds.indexOf(bind) + 1), off, 'latin1');
  off += msgBuf.write(': ', off, 'latin1');
  off += msgBuf.write(why, off, 'latin1');
  lc.logCount++;
  sendToTargets(fe, (fe.options & PR_O_LOG_SEPARATE_ERRORS) !== 0 ? LOG_ERR : LOG_INFO, off, null);
}

/**
 * An operator message for `px`'s log targets at syslog `level` (LOG_*), whatever its log format: server state changes
 * and `option log-health-checks` lines (checks/log-checks.ts). Rare path.
 */
export function logProxyText(px: Proxy, level: number, text: string): void {
  if (px.log.targets.length === 0) return;
  sendToTargets(px, level, msgBuf.write(text, 0, MSG_CAP, 'latin1'), null);
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
