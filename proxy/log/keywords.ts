/*
 * Logging configuration keywords: `log` (targets, `log global`, `no log`), `log-tag`, `log-send-hostname`,
 * `log-format`, `log-format-sd`, `option httplog [clf]|tcplog|dontlognull|dontlog-normal|log-separate-errors|logasap`,
 * `capture request|response header|cookie`, `declare capture`, `unique-id-format`, `unique-id-header`; plus the
 * post-parse step that resolves `log global`, picks the preset or custom format and compiles emitters.
 * Registered by proxy/modules.ts. Hot path: no (load time).
 */
import { hostname } from 'node:os';
import { isIPv6 } from 'node:net';
import { lookupHostSync } from '../net/host-lookup.ts';
import type { CfgKeyword, KwCtx } from '../config/types.ts';
import { PR_CAP_FE, PR_CAP_BE, PR_CAP_DEF, CHK_RANK_LOG_FORMAT, CHK_RANK_LOG_ADDRESS } from '../config/types.ts';
import type { GlobalSettings, Proxy } from '../model/types.ts';
import {
  PR_MODE_HTTP, PR_O_HTTPLOG, PR_O_HTTPLOG_CLF, PR_O_TCPLOG, PR_O_DONTLOGNULL, PR_O_DONTLOG_NORMAL, PR_O_LOGASAP,
  PR_O_LOG_SEPARATE_ERRORS,
} from '../model/types.ts';
import type { LogCfg, LogTarget } from './types.ts';
import {
  LOG_FMT_NAMES, LOG_LEVEL_NAMES, LOG_FACILITY_NAMES, LOG_TGT_FD, LOG_TGT_UDP,
  LOG_TGT_UNIX, LOG_FMT_LOCAL_ONLY, LW_INIT, LW_REQ, LW_BYTES, LW_REQHDR, LW_RSPHDR,
} from './types.ts';
import { newLogTarget, addCaptureSlot } from './cfg.ts';
import { compileLogFormat } from './format.ts';
import { patRefDry, patRefLate } from '../acl/pat-ref.ts';
import { setCfgPosition } from '../config/position.ts';
import { setLogMessageCap } from './emit.ts';
import { tokenizeLogFormat } from './format-tokens.ts';
import { atol, envExpand } from '../config/values.ts';
import { LF_CTX_LOG, LF_CTX_UNIQUE_ID } from './sample-avail.ts';
import { LOG_FORMAT_HTTPLOG, LOG_FORMAT_CLF, LOG_FORMAT_TCPLOG, LOG_FORMAT_HTTPSLOG } from './presets.ts';
import { COOKIE_CAPTURE_MAX } from './cookie.ts';
import { capName, allProxies } from '../config/sections.ts';

const FE = PR_CAP_FE | PR_CAP_DEF;
const ALL = PR_CAP_FE | PR_CAP_BE | PR_CAP_DEF;

/** The LogCfg a keyword writes to: the proxy's, or the global one in the `global` section. */
function slot(ctx: KwCtx): LogCfg {
  return ctx.proxy === null ? ctx.global.log : ctx.proxy.log;
}

type AddrResult = Pick<LogTarget, 'kind' | 'host' | 'port' | 'family' | 'path' | 'fd'> | string;

/**
 * Parses a log target address: `host[:port]`, `udp@`/`udp4@`/`udp6@`/`ipv4@`/`ipv6@` prefixes, `unix@/path` or
 * `/path` (unix datagram), `stdout`, `stderr`, `fd@N`. Returns the address fields or an error message.
 */
export function parseLogAddress(orig: string): AddrResult {
  const a = envExpand(orig);      // as 2.6 expands addresses, outside quotes too
  const base = { kind: LOG_TGT_UDP, host: '', port: 514, family: 4 as 4 | 6, path: '', fd: -1 };
  if (a === 'stdout' || a === 'fd@1') return { ...base, kind: LOG_TGT_FD, fd: 1 };
  if (a === 'stderr' || a === 'fd@2') return { ...base, kind: LOG_TGT_FD, fd: 2 };
  if (a.startsWith('fd@')) return "fd@ log targets other than fd@1 and fd@2 are not supported";
  if (a.startsWith('ring@')) return "ring@ log targets are not supported";
  if (a.startsWith('unix@')) return { ...base, kind: LOG_TGT_UNIX, path: a.slice(5) };
  if (a.startsWith('/')) return { ...base, kind: LOG_TGT_UNIX, path: a };
  let rest = a;
  let want: 0 | 4 | 6 = 0;               // the family a name must resolve to (udp@ and no prefix: any)
  const at = a.indexOf('@');
  if (at >= 0) {
    const pfx = a.slice(0, at);
    if (pfx === 'udp4' || pfx === 'ipv4') want = 4;
    if (pfx === 'udp6' || pfx === 'ipv6') want = 6;
    else if (pfx !== 'udp' && pfx !== 'udp4' && pfx !== 'ipv4') return "unsupported address family '" + pfx + "@'";
    rest = a.slice(at + 1);
  }
  let host = rest;
  let port = 514;
  const colon = rest.lastIndexOf(':');
  if (colon >= 0 && (rest.indexOf(':') === colon || rest.startsWith('['))) {
    host = rest.slice(0, colon);
    const p = rest.slice(colon + 1);
    if (!/^\d+$/.test(p) || Number(p) < 1 || Number(p) > 65535) return "invalid port '" + p + "'";
    port = Number(p);
  } else if (colon >= 0) {
    const p = rest.slice(colon + 1);
    if (/^\d+$/.test(p)) { host = rest.slice(0, colon); port = Number(p); }
  }
  const shown = host;
  const bracket = host.startsWith('[') && host.endsWith(']');
  if (bracket) host = host.slice(1, -1);
  if (host === '') return "missing address in '" + a + "'";
  // names resolve now, as 2.6 resolves them while parsing (its alert ends with an empty line)
  const ip = bracket && !isIPv6(host) ? '' : lookupHostSync(host, want);
  if (ip === '') return "invalid address: '" + shown + "' in '" + a + "'\n";
  return { ...base, host: ip, port, family: isIPv6(ip) ? 6 : 4 };
}

function parseLog(args: readonly string[], ctx: KwCtx): void {
  const lc = slot(ctx);
  if (args[0] === 'no') {
    if (args.length > 2) { ctx.alert("'no log' does not expect arguments"); return; }
    lc.targets = [];
    lc.useGlobal = false;
    lc.noLog = true;
    return;
  }
  if (args[1] === 'global') {
    if (ctx.proxy === null) { ctx.alert("log : 'global' is only allowed in proxy sections"); return; }
    if (args.length > 2) { ctx.alert("log : 'global' does not expect further arguments"); return; }
    lc.useGlobal = true;
    lc.noLog = false;
    ensureFinalize(ctx);
    return;
  }
  if (args.length < 3) {
    ctx.alert("'log' expects either <address[:port]> and <facility> or 'global' as arguments.");
    return;
  }
  const addr = parseLogAddress(args[1]);
  if (typeof addr === 'string') { ctx.alert('log : ' + addr); return; }
  const t = newLogTarget(ctx.file, ctx.line);
  Object.assign(t, addr);
  let i = 2;
  if (args[i] === 'len') {
    const n = Number(args[i + 1]);
    if (!/^\d+$/.test(args[i + 1] ?? '') || n < 80 || n > 65535) {
      ctx.alert("log : invalid log length '" + (args[i + 1] ?? '') + "', must be between 80 and 65535");
      return;
    }
    t.maxLen = n;
    i += 2;
  }
  if (args[i] === 'format') {
    // an explicit `format local` never carries the hostname; the default format does with log-send-hostname (2.6.12)
    const f = args[i + 1] === 'local' ? LOG_FMT_LOCAL_ONLY : LOG_FMT_NAMES.indexOf(args[i + 1] ?? '');
    if (f < 0) { ctx.alert("log : unknown log format '" + (args[i + 1] ?? '') + "'"); return; }
    t.format = f;
    i += 2;
  }
  if (args[i] === 'sample') {
    const err = parseSample(args[i + 1] ?? '', t);
    if (err !== '') { ctx.alert('log : ' + err); return; }
    i += 2;
  }
  const fac = LOG_FACILITY_NAMES.indexOf(args[i] ?? '');
  if (fac < 0) { ctx.alert("log : unknown log facility '" + (args[i] ?? '') + "'"); return; }
  t.facility = fac;
  i++;
  if (i < args.length) {
    const lv = LOG_LEVEL_NAMES.indexOf(args[i]);
    if (lv < 0) { ctx.alert("log : unknown optional log level '" + args[i] + "'"); return; }
    t.level = lv;
    i++;
  }
  if (i < args.length) {
    const lv = LOG_LEVEL_NAMES.indexOf(args[i]);
    if (lv < 0) { ctx.alert("log : unknown optional minimum log level '" + args[i] + "'"); return; }
    t.minLevel = lv;
    i++;
  }
  if (i < args.length) { ctx.alert("log : cannot handle unexpected argument '" + args[i] + "'"); return; }
  lc.targets.push(t);
  lc.noLog = false;
  ensureFinalize(ctx);
}

/** `sample <ranges>:<size>`, ranges like `1,3-4`; fills t.sampleRanges / t.sampleSize. Returns '' or an error. */
function parseSample(spec: string, t: LogTarget): string {
  const colon = spec.lastIndexOf(':');
  if (colon < 0) return "sample: missing sample size in '" + spec + "'";
  const size = Number(spec.slice(colon + 1));
  if (!Number.isInteger(size) || size < 1) return "sample: invalid sample size in '" + spec + "'";
  const ranges: number[] = [];
  for (const r of spec.slice(0, colon).split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(r);
    if (m === null) return "sample: invalid range '" + r + "'";
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    if (from < 1 || to < from || to > size) return "sample: range '" + r + "' outside of 1.." + size;
    ranges.push(from, to);
  }
  t.sampleRanges = ranges;
  t.sampleSize = size;
  return '';
}

function parseLogTag(args: readonly string[], ctx: KwCtx): void {
  if (args.length !== 2 || args[1] === '') { ctx.alert("'log-tag' expects a tag for use in syslog."); return; }
  slot(ctx).tag = args[1];
}

function parseSendHostname(args: readonly string[], ctx: KwCtx): void {
  ctx.global.log.hostname = args.length > 1 ? args[1] : hostname();
}

/** Fetches that, without an argument, read the current proxy as a backend. */
const IMPLICIT_BACKEND_FETCHES = new Set(['nbsrv', 'be_conn', 'be_sess_rate', 'avg_queue', 'queue', 'connslots']);

/**
 * Validates a format string now so errors carry this line's file:line; returns false after alerting (`partial` is set
 * when the error came after something 2.6.12 had already parsed).
 */
function checkFormat(fmt: string, kw: string, ctx: KwCtx, partial?: { v: boolean }): boolean {
  // a check only: the proxy's formats are compiled once parsed (finalizeProxyLog), where 2.6 compiles them
  const r = patRefDry(() => compileLogFormat(fmt, kw === 'unique-id-format' ? LF_CTX_UNIQUE_ID : LF_CTX_LOG));
  if (!r.ok) {
    if (partial !== undefined) partial.v = r.partial === true;
    // 2.6.12 compiles formats after parsing (its check, reported only when parsing succeeded and without the
    // "Error(s) found in" line), in its words; it names no line for log-format-sd (its "[(null):0]", kept)
    const where = kw === 'log-format-sd' ? '(null):0' : ctx.file + ':' + ctx.line;
    const msg = 'Parsing [' + where + ']: failed to parse ' + (kw === 'unique-id-format' ? 'unique-id' : kw) + ' : ' + r.error + '.';
    ctx.postParse(() => ctx.alertRaw(msg));
    return false;
  }
  const px = ctx.proxy;
  if (px !== null && (px.cap & (PR_CAP_BE | PR_CAP_DEF)) === 0) {
    // 2.6.12 resolves these after parsing: a frontend-only proxy is no backend to read
    const tok = tokenizeLogFormat(fmt);
    const it = tok.ok ? tok.items.find((x) => x.kind === 'sample' && IMPLICIT_BACKEND_FETCHES.has(x.expr.split(',')[0].trim())) : undefined;
    if (it !== undefined && it.kind === 'sample') {
      const msg = 'parsing [' + ctx.file + ':' + ctx.line + "]: proxy '" + px.name + "', referenced in arg 1 of sample fetch keyword '" +
        it.expr.split(',')[0].trim() + "' in " + (kw === 'unique-id-format' ? 'unique-id' : kw) + " string in proxy '" + px.name + "', has not backend capability.";
      ctx.postParse(() => ctx.alertRaw(msg));
      return false;
    }
  }
  return true;
}

function oneFormatArg(args: readonly string[], ctx: KwCtx): string | null {
  if (args.length < 2) { ctx.alert(args[0] + ' expects an argument.'); return null; }
  if (args.length > 2) {
    ctx.alert(args[0] + " expects only one argument, don't forget to escape spaces!");
    return null;
  }
  return args[1];
}

function parseLogFormat(args: readonly string[], ctx: KwCtx): void {
  const fmt = oneFormatArg(args, ctx);
  if (fmt === null) return;
  // a format that fails after its first item is still the proxy's format for 2.6.12's "log format ignored" check
  const partial = { v: false };
  if (!checkFormat(fmt, args[0], ctx, partial) && !partial.v) return;
  const lc = slot(ctx);
  const px = ctx.proxy!;
  // 2.6.12 says nothing when log-format and option httplog/tcplog replace each other (checked with haproxy -c)
  px.options &= ~(PR_O_HTTPLOG | PR_O_HTTPLOG_CLF | PR_O_TCPLOG);
  lc.format = fmt;
  lc.formatFile = ctx.file;
  lc.formatLine = ctx.line;
  ensureFinalize(ctx);
}

function parseLogFormatSd(args: readonly string[], ctx: KwCtx): void {
  const fmt = oneFormatArg(args, ctx);
  if (fmt === null || !checkFormat(fmt, args[0], ctx)) return;
  const lc = slot(ctx);
  lc.formatSd = fmt;
  lc.formatSdFile = ctx.file;
  lc.formatSdLine = ctx.line;
  ensureFinalize(ctx);
}

function parseUniqueIdFormat(args: readonly string[], ctx: KwCtx): void {
  const fmt = oneFormatArg(args, ctx);
  if (fmt === null || !checkFormat(fmt, args[0], ctx)) return;
  const lc = slot(ctx);
  lc.uniqueIdFormat = fmt;
  lc.uniqueIdFile = ctx.file;
  lc.uniqueIdLine = ctx.line;
  ensureFinalize(ctx);
}

function parseUniqueIdHeader(args: readonly string[], ctx: KwCtx): void {
  if (args.length < 2) { ctx.alert('unique-id-header expects an argument.'); return; }
  slot(ctx).uniqueIdHeader = args[1].toLowerCase();        // 2.6 sends it lowercased, as any header it adds
}

function parseOptionHttplog(args: readonly string[], ctx: KwCtx): void {
  const px = ctx.proxy!;
  const lc = px.log;
  if (args[0] === 'no') {
    px.options &= ~(PR_O_HTTPLOG | PR_O_HTTPLOG_CLF);
    if (lc.format === LOG_FORMAT_HTTPLOG || lc.format === LOG_FORMAT_CLF) lc.format = '';
    return;
  }
  const clf = args[2] === 'clf';
  if (args.length > 2 && !clf) { ctx.alert("'option httplog' only supports the 'clf' option."); return; }
  px.options = (px.options & ~(PR_O_TCPLOG | PR_O_HTTPLOG_CLF)) | PR_O_HTTPLOG | (clf ? PR_O_HTTPLOG_CLF : 0);
  lc.format = clf ? LOG_FORMAT_CLF : LOG_FORMAT_HTTPLOG;
  lc.formatFile = ctx.file;
  lc.formatLine = ctx.line;
  ensureFinalize(ctx);
}

/** `option httpslog` (2.6 takes no argument and ignores extra words). */
function parseOptionHttpslog(args: readonly string[], ctx: KwCtx): void {
  const px = ctx.proxy!;
  const lc = px.log;
  if (args[0] === 'no') {
    px.options &= ~(PR_O_HTTPLOG | PR_O_HTTPLOG_CLF);
    if (lc.format === LOG_FORMAT_HTTPSLOG) lc.format = '';
    return;
  }
  px.options = (px.options & ~(PR_O_TCPLOG | PR_O_HTTPLOG_CLF)) | PR_O_HTTPLOG;
  lc.format = LOG_FORMAT_HTTPSLOG;
  lc.formatFile = ctx.file;
  lc.formatLine = ctx.line;
  ensureFinalize(ctx);
}

function parseOptionTcplog(args: readonly string[], ctx: KwCtx): void {
  const px = ctx.proxy!;
  const lc = px.log;
  if (args[0] === 'no') {
    px.options &= ~PR_O_TCPLOG;
    if (lc.format === LOG_FORMAT_TCPLOG) lc.format = '';
    return;
  }
  if (args.length > 2) { ctx.alert("'option tcplog' cannot handle unexpected argument '" + args[2] + "'."); return; }
  px.options = (px.options & ~(PR_O_HTTPLOG | PR_O_HTTPLOG_CLF)) | PR_O_TCPLOG;
  lc.format = LOG_FORMAT_TCPLOG;
  lc.formatFile = ctx.file;
  lc.formatLine = ctx.line;
  ensureFinalize(ctx);
}

function optionBit(bit: number) {
  return function parseLogOptionBit(args: readonly string[], ctx: KwCtx): void {
    const neg = args[0] === 'no';
    const from = neg ? 1 : 0;
    if (args.length > from + 2) {
      ctx.alert("'" + args[from] + ' ' + args[from + 1] + "' cannot handle unexpected argument '" + args[from + 2] + "'.");
      return;
    }
    const px = ctx.proxy!;
    if (neg) px.options &= ~bit; else px.options |= bit;
  };
}

function parseCapture(args: readonly string[], ctx: KwCtx): void {
  // capture request header <name> len <n> | capture response header <name> len <n> | capture cookie ...
  const px = ctx.proxy!;
  if (args[1] === 'cookie') {
    // capture cookie <name> len <n>: like haproxy 2.6, the 'len' word is not checked and a bad number reads as 0
    if (args.length < 5) { ctx.alert("'capture' expects 'cookie' <cookie_name> 'len' <len>."); return; }
    let len = /^\d+/.test(args[4]) ? parseInt(args[4], 10) : 0;
    if (len > COOKIE_CAPTURE_MAX) {
      ctx.warn("truncating capture length to " + COOKIE_CAPTURE_MAX + " bytes for frontend '" + px.name + "'.");
      len = COOKIE_CAPTURE_MAX;
    }
    px.log.cookieName = args[2];
    px.log.cookieLen = len;
    return;
  }
  const dir = args[1];
  if ((dir !== 'request' && dir !== 'response') || args[2] !== 'header') {
    ctx.alert("'capture' expects 'cookie' or 'request header' or 'response header'.");
    return;
  }
  if (args.length > 6) { ctx.alert("'capture " + dir + "' cannot handle unexpected argument '" + args[6] + "'."); return; }
  if (args[4] !== 'len' || args[5] === undefined || args[5] === '') {
    ctx.alert("'capture " + dir + "' expects 'header' <header_name> 'len' <len>.");
    return;
  }
  // 2.6 reads the length with atol() and refuses nothing (`len abc` and `len -5` capture nothing)
  const len = Math.max(0, atol(args[5]));
  addCaptureSlot(px, dir, args[3], len);
}

function parseDeclareCapture(args: readonly string[], ctx: KwCtx): void {
  // declare capture request|response len <n>
  const dir = args[2];
  if ((dir !== 'request' && dir !== 'response') || args[3] !== 'len' || args.length !== 5) {
    ctx.alert("'declare capture' expects 'request' or 'response' followed by 'len' <length>.");
    return;
  }
  const len = Number(args[4]);
  if (!/^\d+$/.test(args[4]) || len < 1) { ctx.alert("'declare capture' : invalid length '" + args[4] + "'."); return; }
  addCaptureSlot(ctx.proxy!, dir, '', len);
}

/* ---- post-parse ---- */

const finalizeRegistered = new WeakSet<GlobalSettings>();

/** Registers (once per load) the post-parse step finalizing every proxy's logging. */
function ensureFinalize(ctx: KwCtx): void {
  if (finalizeRegistered.has(ctx.global)) return;
  finalizeRegistered.add(ctx.global);
  const g = ctx.global;
  ctx.postParse(() => {
    let maxLen = 0;
    for (const t of g.log.targets) if (t.maxLen > maxLen) maxLen = t.maxLen;
    for (const px of allProxies(ctx)) {
      if ((px.cap & PR_CAP_DEF) !== 0) continue;
      for (const t of px.log.targets) if (t.maxLen > maxLen) maxLen = t.maxLen;
      const w = finalizeProxyLog(px, g);
      for (const m of w) {
        // printed among the other per-proxy checks in HAProxy's order; each message carries its own file:line
        const rank = m.startsWith('log format ignored') ? CHK_RANK_LOG_ADDRESS : CHK_RANK_LOG_FORMAT;
        if (ctx.warnProxy) ctx.warnProxy(px, rank, m); else ctx.warnRaw(m);
      }
    }
    setLogMessageCap((maxLen === 0 ? 1024 : maxLen) - 1);
  });
}

/**
 * Resolves `log global`, the tag and hostname, picks the format (custom, preset; `option httplog` in a tcp proxy
 * falls back to tcplog as HAProxy does) and compiles the emitters. Returns warnings to print.
 * Exported for tests and for proxies built without the config loader.
 */
export function finalizeProxyLog(px: Proxy, g: GlobalSettings): string[] {
  const warnings: string[] = [];
  const lc = px.log;
  if (lc.useGlobal) lc.targets = lc.targets.concat(g.log.targets);
  if (lc.tag === '') lc.tag = g.log.tag;
  lc.hostname = g.log.hostname;
  let fmt = lc.format;
  if (fmt === LOG_FORMAT_HTTPLOG || fmt === LOG_FORMAT_CLF || fmt === LOG_FORMAT_HTTPSLOG) {
    if (px.mode !== PR_MODE_HTTP && (px.cap & PR_CAP_FE) !== 0) {
      const opt = fmt === LOG_FORMAT_HTTPSLOG ? 'httpslog' : 'httplog';
      warnings.push("parsing [" + lc.formatFile + ":" + lc.formatLine + "] : 'option " + opt + "' not usable with " +
        capName(px.cap) + " '" + px.name + "' (needs 'mode http'). Falling back to 'option tcplog'.");
      fmt = LOG_FORMAT_TCPLOG;
    }
  }
  if ((fmt !== '' || lc.formatSd !== '') && lc.targets.length === 0 && (px.cap & PR_CAP_FE) !== 0) {
    warnings.push(`log format ignored for ${capName(px.cap)} '${px.name}' since it has no log address.`);
  }
  // compiled where 2.6 compiles them (its post-parse check: maps they use are numbered after its internal ones),
  // each naming its line (`show map`)
  const compile = (f: string, file: string, line: number, ctx: number) => {
    setCfgPosition(file, line, px);
    const r = patRefLate(() => compileLogFormat(f, ctx));
    setCfgPosition('', 0, null);
    return r.ok ? r.emitter : null;
  };
  lc.emitter = fmt === '' ? null : compile(fmt, lc.formatFile, lc.formatLine, LF_CTX_LOG);
  lc.emitterSd = lc.formatSd === '' ? null : compile(lc.formatSd, lc.formatSdFile, lc.formatSdLine, LF_CTX_LOG);
  lc.uniqueId = lc.uniqueIdFormat === '' ? null : compile(lc.uniqueIdFormat, lc.uniqueIdFile, lc.uniqueIdLine, LF_CTX_UNIQUE_ID);
  // what the formats need together; logasap stops waiting for the end (2.6 drops LW_BYTES from it)
  let lw = LW_INIT | (lc.emitter?.lw ?? 0) | (lc.emitterSd?.lw ?? 0) | (lc.uniqueId?.lw ?? 0);
  // header and cookie captures wait for their headers (2.6.12: not `declare capture` slots)
  if (lc.reqCaptures.some((c) => c.hdr !== '') || lc.cookieName !== '') lw |= LW_REQHDR;
  if (lc.resCaptures.some((c) => c.hdr !== '')) lw |= LW_RSPHDR;
  if ((px.options & PR_O_LOGASAP) !== 0) lw &= ~LW_BYTES;
  lc.logEarly = px.mode === PR_MODE_HTTP && lc.emitter !== null && (lw & LW_REQ) !== 0 && (lw & ~(LW_REQ | LW_INIT)) === 0;
  lc.logAtConnect = px.mode !== PR_MODE_HTTP && lc.emitter !== null && (lw & LW_BYTES) === 0;
  // senders open on a target's first line (log/sender.ts): `sluice -c` and proxies that never log start no worker
  return warnings;
}

export const keywords: CfgKeyword[] = [
  { section: 'global', name: 'log', allowNo: true, parse: parseLog },
  { section: 'global', name: 'log-tag', parse: parseLogTag },
  { section: 'global', name: 'log-send-hostname', parse: parseSendHostname },
  { section: 'listen', name: 'log', cap: ALL, allowNo: true, parse: parseLog },
  { section: 'listen', name: 'log-tag', cap: ALL, parse: parseLogTag },
  { section: 'listen', name: 'log-format', cap: FE, parse: parseLogFormat },
  { section: 'listen', name: 'log-format-sd', cap: FE, parse: parseLogFormatSd },
  { section: 'listen', name: 'unique-id-format', cap: FE, parse: parseUniqueIdFormat },
  { section: 'listen', name: 'unique-id-header', cap: FE, parse: parseUniqueIdHeader },
  { section: 'listen', name: 'option httplog', cap: FE, allowNo: true, parse: parseOptionHttplog },
  { section: 'listen', name: 'option tcplog', cap: FE, allowNo: true, parse: parseOptionTcplog },
  { section: 'listen', name: 'option httpslog', cap: FE, allowNo: true, parse: parseOptionHttpslog },
  { section: 'listen', name: 'option dontlognull', cap: FE, allowNo: true, parse: optionBit(PR_O_DONTLOGNULL) },
  { section: 'listen', name: 'option dontlog-normal', cap: FE, allowNo: true, parse: optionBit(PR_O_DONTLOG_NORMAL) },
  { section: 'listen', name: 'option logasap', cap: FE, allowNo: true, parse: optionBit(PR_O_LOGASAP) },
  { section: 'listen', name: 'option log-separate-errors', cap: FE, allowNo: true,
    parse: optionBit(PR_O_LOG_SEPARATE_ERRORS) },
  { section: 'listen', name: 'capture', cap: PR_CAP_FE, parse: parseCapture },
  { section: 'listen', name: 'declare capture', cap: PR_CAP_FE, parse: parseDeclareCapture },
];
