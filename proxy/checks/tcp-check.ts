/*
 * Rule-based health checks, as haproxy 2.6.12 runs them (statuses and messages checked side by side):
 * `option tcp-check` with `tcp-check connect|send|send-binary|expect|comment` rules, and the protocol checks 2.6 builds
 * from such rules: `option redis-check` and `option smtpchk`. An expect rule waits for more bytes until its pattern
 * matches, the server closes (then "TCPCHK did not match content ...") or `timeout check` ends (L7TOUT); a send starts
 * a new reply buffer. Keywords for proxy/modules.ts; runTcpCheck is called by checks/probe.ts. Hot path: no.
 */
import type { Socket } from 'node:net';
import { isIP } from 'node:net';
import type { Server } from '../model/types.ts';
import type { CfgKeyword, KwCtx } from '../config/types.ts';
import { PR_CAP_BE, PR_CAP_DEF, CHK_RANK_CHECK_RULES } from '../config/types.ts';
import { parseUint } from '../config/values.ts';
import { checkProxyHeader } from '../backend/send-proxy.ts';
import type { CheckCfg, TcpCheckRule } from './types.ts';
import type { RuleFmt } from '../http/types.ts';
import { compileRuleFormat } from '../http/rule-format.ts';
import {
  CHK_TYPE_TCPCHK, CHK_TYPE_HTTP, TCPCHK_CONNECT, TCPCHK_SEND, TCPCHK_EXPECT, TCPCHK_COMMENT, TCPCHK_SET_VAR, TCPCHK_UNSET_VAR, TCPCHK_EXP_STRING, TCPCHK_EXP_RSTRING, TCPCHK_EXP_BINARY,
  TCPCHK_EXP_RBINARY, TCPCHK_MSG_DEFAULT, TCPCHK_MSG_LINE, TCPCHK_MSG_AFTER_CODE, TCPCHK_MSG_TEXT, TCPCHK_MSG_PG_ERROR,
  TCPCHK_CUSTOM_NONE, TCPCHK_CUSTOM_MYSQL_HELLO, TCPCHK_CUSTOM_MYSQL_OK, TCPCHK_CUSTOM_LDAP_BIND, HCHK_STATUS_NAMES,
  HCHK_STATUS_L4OK, HCHK_STATUS_L4CON, HCHK_STATUS_L4TOUT, HCHK_STATUS_L6OK, HCHK_STATUS_L6RSP, HCHK_STATUS_L6TOUT,
  HCHK_STATUS_L7OK, HCHK_STATUS_L7RSP, HCHK_STATUS_L7STS, HCHK_STATUS_L7TOUT, HCHK_STATUS_SOCKERR,
} from './types.ts';
import type { ProbeResult } from './probe.ts';
import { errnoText, openCheckSocket, checkLf } from './probe.ts';
import { ppEncodeV1 } from '../net/proxy-protocol.ts';
import { varSet, varUnset } from '../http/vars.ts';

// ---- rules ----

function rule(kind: number): TcpCheckRule {
  return {
    kind, port: 0, data: Buffer.alloc(0), match: TCPCHK_EXP_STRING, re: null, pattern: '', inverse: false, minRecv: -1,
    errorStatus: HCHK_STATUS_L7RSP, onError: TCPCHK_MSG_DEFAULT, onErrorText: '', onSuccess: TCPCHK_MSG_DEFAULT,
    onSuccessText: '', codeFromReply: false, okStatus: HCHK_STATUS_L7OK, toutStatus: HCHK_STATUS_L7TOUT,
    custom: TCPCHK_CUSTOM_NONE, build: null, comment: '', lf: null, lfHex: false, onErrorFmt: null, onSuccessFmt: null,
    statusCode: null, varName: '', sendProxy: false, addr: '', ssl: false, sni: '', alpn: '',
  };
}

function send(text: string): TcpCheckRule { const r = rule(TCPCHK_SEND); r.data = Buffer.from(text, 'latin1'); return r; }

function expectRe(re: string, errorStatus: number, onError: number, codeFromReply: boolean): TcpCheckRule {
  const r = rule(TCPCHK_EXPECT);
  r.match = TCPCHK_EXP_RSTRING; r.pattern = re; r.re = new RegExp(re); r.minRecv = 4;
  r.errorStatus = errorStatus; r.onError = onError; r.codeFromReply = codeFromReply;
  return r;
}

/** `option redis-check`: PING, and a reply that must hold "+PONG" (2.6's rule set and messages). */
function redisRules(): TcpCheckRule[] {
  const e = rule(TCPCHK_EXPECT);
  e.data = Buffer.from('+PONG'); e.pattern = '+PONG';
  e.errorStatus = HCHK_STATUS_L7STS; e.onError = TCPCHK_MSG_LINE;
  e.onSuccess = TCPCHK_MSG_TEXT; e.onSuccessText = 'Redis server is ok';
  return [send('*1\r\n$4\r\nPING\r\n'), e];
}

/** `option smtpchk [HELO|EHLO <domain>]`: a 2xx banner, a 2xx answer to the greeting, then to QUIT. */
function smtpRules(greeting: string): TcpCheckRule[] {
  const reply = (ok: string, last: boolean): TcpCheckRule[] => {
    const code = expectRe(`^2[0-9]{2}[${ok}]`, HCHK_STATUS_L7STS, TCPCHK_MSG_AFTER_CODE, true);
    if (last) code.onSuccess = TCPCHK_MSG_AFTER_CODE;
    return [expectRe(`^[0-9]{3}[${ok}]`, HCHK_STATUS_L7RSP, TCPCHK_MSG_LINE, false), code];
  };
  return [rule(TCPCHK_CONNECT), ...reply(' \\r', false), send(greeting + '\r\n'), ...reply('- \\r', false), send('QUIT\r\n'),
    ...reply('- \\r', true)];
}

/*
 * `option ssl-hello-chk`: an SSLv3 ClientHello (the record HAProxy sends: version 3.0, the date, a 28-byte random,
 * 39 common RSA/DH cipher suites, no compression); any TLS server answers a handshake or an alert record (0x16/0x15).
 */
function sslHello(): Buffer {
  const ciphers: number[] = [];
  for (let c = 0x01; c <= 0x1b; c++) ciphers.push(c);
  for (let c = 0x2f; c <= 0x3a; c++) ciphers.push(c);
  const b = Buffer.alloc(5 + 4 + 2 + 4 + 28 + 1 + 2 + ciphers.length * 2 + 2);
  let o = 0;
  o = b.writeUInt8(0x16, o); o = b.writeUInt16BE(0x0300, o); o = b.writeUInt16BE(b.length - 5, o);
  o = b.writeUInt8(0x01, o); o = b.writeUIntBE(b.length - 9, o, 3); o = b.writeUInt16BE(0x0300, o);
  o = b.writeUInt32BE(Math.floor(Date.now() / 1000) >>> 0, o);
  o += b.write('HAPROXYSSLCHK\nHAPROXYSSLCHK\n', o, 'latin1');
  o = b.writeUInt8(0, o); o = b.writeUInt16BE(ciphers.length * 2, o);
  for (const c of ciphers) o = b.writeUInt16BE(c, o);
  o = b.writeUInt8(1, o); b.writeUInt8(0, o);
  return b;
}

function sslHelloRules(): TcpCheckRule[] {
  const s = rule(TCPCHK_SEND);
  s.build = sslHello;
  const e = rule(TCPCHK_EXPECT);
  e.match = TCPCHK_EXP_RBINARY; e.pattern = '^1[56]'; e.re = /^1[56]/; e.minRecv = 5;
  e.errorStatus = HCHK_STATUS_L6RSP; e.okStatus = HCHK_STATUS_L6OK; e.toutStatus = HCHK_STATUS_L6TOUT;
  return [s, e];
}

/** A MySQL packet: 3-byte little-endian length, sequence number, payload. */
function mysqlPacket(seq: number, payload: Buffer): Buffer {
  const h = Buffer.alloc(4);
  h.writeUIntLE(payload.length, 0, 3);
  h[3] = seq;
  return Buffer.concat([h, payload]);
}

/**
 * `option mysql-check [user <name> [post-41]]`: the server's initial handshake must come (its version is the info);
 * with a user, a login without password (4.0 or 4.1 format) must get an OK packet, then QUIT.
 */
function mysqlRules(user: string, post41: boolean): TcpCheckRule[] {
  const hello = rule(TCPCHK_EXPECT);
  hello.custom = TCPCHK_CUSTOM_MYSQL_HELLO; hello.errorStatus = HCHK_STATUS_L7RSP;
  if (user === '') return [rule(TCPCHK_CONNECT), hello];
  const name = Buffer.from(user + '\0', 'latin1');
  const login = post41
    ? Buffer.concat([Buffer.from([0x00, 0xa2, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x21]), Buffer.alloc(23), name, Buffer.from([0x00])])
    : Buffer.concat([Buffer.from([0x00, 0x80, 0x00, 0x00, 0x01]), name, Buffer.from([0x00])]);
  const s = rule(TCPCHK_SEND);
  s.data = Buffer.concat([mysqlPacket(1, login), mysqlPacket(0, Buffer.from([0x01]))]);
  const ok = rule(TCPCHK_EXPECT);
  ok.custom = TCPCHK_CUSTOM_MYSQL_OK; ok.errorStatus = HCHK_STATUS_L7STS;
  // 2.6 sends the login before reading the greeting (its step 2: an empty reply fails "at step 3")
  return [rule(TCPCHK_CONNECT), s, hello, ok];
}

/**
 * `option ldap-check`: an anonymous LDAPv3 simple bind (message 1); the reply must start an LDAPMessage (0x30, 14
 * bytes at least: "Not LDAPv3 protocol") and be a bindResponse whose resultCode is 0 (2.6's rules and messages).
 */
function ldapRules(): TcpCheckRule[] {
  const s = rule(TCPCHK_SEND);
  s.data = Buffer.from('300c020101600702010304008000', 'hex');
  const seq = rule(TCPCHK_EXPECT);
  seq.match = TCPCHK_EXP_RBINARY; seq.pattern = '^30'; seq.re = /^30/; seq.minRecv = 14;
  seq.onError = TCPCHK_MSG_TEXT; seq.onErrorText = 'Not LDAPv3 protocol';
  const bind = rule(TCPCHK_EXPECT);
  bind.custom = TCPCHK_CUSTOM_LDAP_BIND;
  return [s, seq, bind];
}

/** `option pgsql-check user <name>`: a startup message must get an authentication request ('R'), not an error ('E'). */
function pgsqlRules(user: string): TcpCheckRule[] {
  const body = Buffer.from(`\0\x03\0\0user\0${user}\0\0`, 'latin1');
  const len = Buffer.alloc(4);
  len.writeUInt32BE(body.length + 4);
  const s = rule(TCPCHK_SEND);
  s.data = Buffer.concat([len, body]);
  const notErr = rule(TCPCHK_EXPECT);
  notErr.match = TCPCHK_EXP_RSTRING; notErr.re = /^E/; notErr.pattern = '^E'; notErr.inverse = true; notErr.minRecv = 5;
  notErr.onError = TCPCHK_MSG_PG_ERROR;
  const auth = rule(TCPCHK_EXPECT);
  auth.match = TCPCHK_EXP_RBINARY; auth.pattern = '^520000000(8|2|3)000000(00|02|03|04|05|06|07|09|0A)';
  auth.re = new RegExp(auth.pattern); auth.minRecv = 9; auth.errorStatus = HCHK_STATUS_L7STS;
  auth.onError = TCPCHK_MSG_TEXT; auth.onErrorText = 'PostgreSQL unknown error';
  auth.onSuccess = TCPCHK_MSG_TEXT; auth.onSuccessText = 'PostgreSQL server is ok';
  return [rule(TCPCHK_CONNECT), s, notErr, auth];
}

// ---- keywords ----

function statusByName(name: string): number { return HCHK_STATUS_NAMES.indexOf(name); }

/** A log-format argument of a tcp-check rule, or null after an alert. */
function fmtArg(v: string, what: string, ctx: KwCtx): RuleFmt | null {
  const f = compileRuleFormat(v);
  if (typeof f === 'string') { ctx.alert(`'tcp-check ${what}' : ${f}.`); return null; }
  return f;
}

const STATUS_SETS: Record<string, [readonly string[], string]> = {
  'ok-status': [['L4OK', 'L6OK', 'L7OK', 'L7OKC'], "'L4OK', 'L6OK', 'L7OK' or 'L7OKC'"],
  'error-status': [['L4CON', 'L6RSP', 'L7RSP', 'L7STS'], "'L4CON', 'L6RSP', 'L7RSP' or 'L7STS'"],
  'tout-status': [['L4TOUT', 'L6TOUT', 'L7TOUT'], "'L4TOUT', 'L6TOUT' or 'L7TOUT'"],
};

const CONNECT_UNSUPPORTED = ['proto', 'via-socks4'];

/** `set-var(<scope.name>) <expr>`, `set-var-fmt(<scope.name>) <fmt>`, `unset-var(<scope.name>)` of tcp-check. */
export function parseVarRule(args: readonly string[], ctx: KwCtx): TcpCheckRule | null {
  const m = /^(set-var|set-var-fmt|unset-var)\(([^,)]+)\)$/.exec(args[1]);
  const kw = args[0];
  if (m === null) { ctx.alert(`'${kw} ${args[1]}' : expects a variable name between parentheses.`); return null; }
  const name = m[2].trim().toLowerCase();
  if (!/^(check|proc|sess|txn|req|res)\.[a-z0-9._-]+$/.test(name)) {
    ctx.alert(`invalid variable name '${m[2]}'. A variable name must be start by its scope. The scope can be 'proc', 'sess', 'txn', 'req', 'res' or 'check'`);
    return null;
  }
  const r = rule(m[1] === 'unset-var' ? TCPCHK_UNSET_VAR : TCPCHK_SET_VAR);
  // a check has a session but no stream: 2.6 keeps check.* and sess.* (and proc.*), drops txn/req/res ones
  if (/^(txn|req|res)\./.test(name)) ctx.warn(`'${kw} ${args[1]}' has no effect: a health check has no stream, its txn, req and res variables are dropped (as in haproxy 2.6); use check.* or sess.*.`);
  else r.varName = name;
  if (m[1] === 'unset-var') return r;
  if (args[2] === undefined) { ctx.alert(m[1] === 'set-var' ? `'${kw} ${args[1]}' : missing fetch method.` : `'${kw} ${args[1]}' : expects a format string.`); return null; }
  r.lf = fmtArg(m[1] === 'set-var' ? '%[' + args[2] + ']' : args[2], args[1], ctx);
  return r.lf === null ? null : r;
}

function parseTcpCheckRule(args: readonly string[], ctx: KwCtx): TcpCheckRule | null {
  const sub = args[1] ?? '';
  if (sub === 'send' || sub === 'send-binary' || sub === 'send-lf' || sub === 'send-binary-lf') {
    const v = args[2];
    const bin = sub === 'send-binary' || sub === 'send-binary-lf';
    if (v === undefined) {
      ctx.alert(sub.endsWith('-lf') ? `'tcp-check ${sub}' : '${bin ? 'binary string' : 'string'}' expects a ${sub} as argument.`
        : `'tcp-check ${sub}' expects a ${sub === 'send' ? 'string' : 'binary string'} as argument.`);
      return null;
    }
    const r = rule(TCPCHK_SEND);
    for (let i = 3; i < args.length; i += 2) {
      if (args[i] !== 'comment') { ctx.alert(`'tcp-check ${sub}' : expects 'comment' but got '${args[i]}' as argument..`); return null; }
      if (args[i + 1] === undefined) { ctx.alert(`'tcp-check ${sub}' : 'comment' expects a string as argument..`); return null; }
      r.comment = args[i + 1];
    }
    if (sub.endsWith('-lf')) { r.lf = fmtArg(v, sub, ctx); r.lfHex = bin; return r.lf === null ? null : r; }
    if (sub === 'send') r.data = Buffer.from(v, 'latin1');
    else {
      if (v.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(v)) { ctx.alert(`'tcp-check send-binary' : invalid binary string '${v}'.`); return null; }
      r.data = Buffer.from(v, 'hex');
    }
    return r;
  }
  if (sub.startsWith('set-var') || sub.startsWith('unset-var')) return parseVarRule(args, ctx);
  if (sub === 'connect') {
    const r = rule(TCPCHK_CONNECT);
    for (let i = 2; i < args.length; i++) {
      const k = args[i];
      if (k === 'port') {
        const p = parseUint(args[i + 1] ?? '');
        if (p <= 0 || p > 65535) { ctx.alert(`'tcp-check connect' : invalid port '${args[i + 1] ?? ''}'.`); return null; }
        r.port = p; i++;
      } else if (k === 'addr') {
        const a = args[i + 1] ?? '';
        if (isIP(a) === 0) { ctx.alert(`'tcp-check connect' : invalid address '${a}'.`); return null; }
        r.addr = a; i++;
      } else if (k === 'send-proxy') r.sendProxy = true;
      else if (k === 'ssl') r.ssl = true;
      else if (k === 'sni' || k === 'alpn') {
        const v = args[i + 1] ?? '';
        if (v === '') { ctx.alert(`'tcp-check connect' : '${k}' expects a ${k === 'sni' ? 'server name' : 'list of protocols'} as argument.`); return null; }
        if (k === 'sni') r.sni = v; else r.alpn = v;
        i++;
      }
      // Sluice closes every check connection cleanly: what `linger` asks (2.6 resets it without)
      else if (k === 'default' || k === 'linger') continue;
      else if (k === 'comment') { r.comment = args[i + 1] ?? ''; i++; }
      else if (CONNECT_UNSUPPORTED.includes(k)) { ctx.alert(`'tcp-check connect' : '${k}' is not supported by sluice yet (port, addr, default, linger, send-proxy, ssl, sni, alpn, comment are).`); return null; }
      else { ctx.alert(`'tcp-check connect' expects 'comment', 'port', 'addr', 'send-proxy', 'via-socks4', 'ssl', 'sni', 'alpn', 'proto', 'linger' or 'default' but got '${k}' as argument.`); return null; }
    }
    return r;
  }
  if (sub === 'expect') {
    const r = rule(TCPCHK_EXPECT);
    let i = 2;
    for (let n = expectOpt(args, i, r, ctx); n !== 0; n = expectOpt(args, i, r, ctx)) { if (n < 0) return null; i += n; }
    if (args[i] === '!') { r.inverse = true; i++; }
    const kind = args[i];
    const pat = args[i + 1];
    if (kind === 'string-lf' || kind === 'binary-lf') {
      if (pat === undefined) { ctx.alert(`'tcp-check expect' : '${kind}' expects a <pattern> as argument.`); return null; }
      r.lf = fmtArg(pat, 'expect', ctx);
      if (r.lf === null) return null;
      r.lfHex = kind === 'binary-lf';
      r.match = r.lfHex ? TCPCHK_EXP_BINARY : TCPCHK_EXP_STRING;
      r.pattern = pat;
      return expectTail(args, i + 2, r, ctx);
    }
    if (pat === undefined || (kind !== 'string' && kind !== 'rstring' && kind !== 'binary' && kind !== 'rbinary')) {
      ctx.alert(`'tcp-check expect' expects 'string', 'rstring', 'binary' or 'rbinary' followed by a pattern.`);
      return null;
    }
    r.pattern = pat;
    if (kind === 'string') r.data = Buffer.from(pat, 'latin1');
    else if (kind === 'binary') {
      if (pat.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(pat)) { ctx.alert(`'tcp-check expect' : invalid binary string '${pat}'.`); return null; }
      r.match = TCPCHK_EXP_BINARY; r.data = Buffer.from(pat, 'hex');
    } else {
      try { r.re = new RegExp(pat); } catch { ctx.alert(`'tcp-check expect' : regex '${pat}' is invalid.`); return null; }
      r.match = kind === 'rstring' ? TCPCHK_EXP_RSTRING : TCPCHK_EXP_RBINARY;
    }
    return expectTail(args, i + 2, r, ctx);
  }
  if (sub === 'comment') {
    if (args[2] === undefined) { ctx.alert(`'tcp-check comment' expects a string as argument.`); return null; }
    const r = rule(TCPCHK_COMMENT);
    r.comment = args[2];
    return r;
  }
  ctx.alert(sub === '' ? `'tcp-check' expects 'comment', 'connect', 'send', 'send-binary', 'send-lf', 'send-binary-lf', 'expect', 'set-var' or 'unset-var'.`
    : `'tcp-check ${sub}' is not supported by sluice yet (comment, connect, send, send-binary, send-lf, send-binary-lf, expect, set-var, unset-var are).`);
  return null;
}

/**
 * One option of an expect rule at args[i] (min-recv, *-status, on-error, on-success, status-code, comment): the words
 * it took, 0 when args[i] is no option, -1 after an alert.
 */
function expectOpt(args: readonly string[], i: number, r: TcpCheckRule, ctx: KwCtx): number {
  const k = args[i];
  const v = args[i + 1];
  if (k === 'min-recv') {
    r.minRecv = parseUint(v ?? '');
    if (r.minRecv < 0) { ctx.alert(`'tcp-check expect' : invalid min-recv '${v ?? ''}'.`); return -1; }
    return 2;
  }
  if (k === 'error-status' || k === 'ok-status' || k === 'tout-status') {
    const [names, list] = STATUS_SETS[k];
    if (v === undefined || !names.includes(v)) { ctx.alert(`'tcp-check expect' : '${k}' only supports ${list} status (got '${v ?? ''}')..`); return -1; }
    const st = statusByName(v);
    if (k === 'error-status') r.errorStatus = st; else if (k === 'ok-status') r.okStatus = st; else r.toutStatus = st;
    return 2;
  }
  if (k === 'on-error' || k === 'on-success' || k === 'status-code') {
    if (v === undefined) { ctx.alert(`'tcp-check expect' : '${k}' expects ${k === 'status-code' ? 'an expression' : 'a string'} as argument.`); return -1; }
    const f = fmtArg(k === 'status-code' ? '%[' + v + ']' : v, 'expect', ctx);
    if (f === null) return -1;
    if (k === 'on-error') { r.onError = TCPCHK_MSG_TEXT; r.onErrorFmt = f; }
    else if (k === 'on-success') { r.onSuccess = TCPCHK_MSG_TEXT; r.onSuccessFmt = f; }
    else r.statusCode = f;
    return 2;
  }
  if (k === 'comment') { r.comment = v ?? ''; return 2; }
  return 0;
}

/** The options 2.6 also takes after an expect rule's pattern. */
function expectTail(args: readonly string[], from: number, r: TcpCheckRule, ctx: KwCtx): TcpCheckRule | null {
  let i = from;
  while (i < args.length) {
    const n = expectOpt(args, i, r, ctx);
    if (n < 0) return null;
    if (n === 0) { ctx.alert(`'tcp-check expect' : unexpected '${args[i]}' after the pattern.`); return null; }
    i += n;
  }
  return r;
}

function parseTcpCheck(args: readonly string[], ctx: KwCtx): void {
  const c = ctx.proxy!.httpCheck;
  const r = parseTcpCheckRule(args, ctx);
  if (r === null) return;
  if (c.tcpPreset) { c.tcpRules = []; c.tcpPreset = false; }
  c.tcpRules.push(r);
  watchCheckRules(ctx);
}

const rulesWatched = new WeakSet<object>();

/**
 * 2.6 drops a backend's http-check rules when its check is not `option httpchk`, and its tcp-check rules when it is
 * not `option tcp-check` (nor a check made of them: redis, smtp, ...), with a warning each; registered once per
 * proxy by the first such rule.
 */
export function watchCheckRules(ctx: KwCtx): void {
  const px = ctx.proxy!;
  if ((px.cap & PR_CAP_DEF) !== 0 || rulesWatched.has(px)) return;
  rulesWatched.add(px);
  ctx.postParse(() => {
    const c = px.httpCheck;
    const warn = (m: string): void => { if (ctx.warnProxy !== undefined) ctx.warnProxy(px, CHK_RANK_CHECK_RULES, m); else ctx.warnRaw(m); };
    if ((c.ruleCount ?? 0) > 0 && c.type !== CHK_TYPE_HTTP) warn(`proxy '${px.name}' uses http-check rules without 'option httpchk', so the rules are ignored.`);
    if (c.tcpRules.length > 0 && !c.tcpPreset && c.type !== CHK_TYPE_TCPCHK) warn(`proxy '${px.name}' uses tcp-check rules without 'option tcp-check', so the rules are ignored.`);
  });
}


function setRules(c: CheckCfg, rules: TcpCheckRule[], preset: boolean): void {
  c.type = CHK_TYPE_TCPCHK;
  c.tcpPreset = preset;
  if (preset || c.tcpPreset) c.tcpRules = rules;
}

export const keywords: CfgKeyword[] = [
  { section: 'listen', name: 'tcp-check', cap: PR_CAP_BE | PR_CAP_DEF, parse: parseTcpCheck },
  {
    section: 'listen', name: 'option tcp-check', cap: PR_CAP_BE | PR_CAP_DEF,
    parse(_args, ctx) { const c = ctx.proxy!.httpCheck; if (c.tcpPreset) c.tcpRules = []; setRules(c, c.tcpRules, false); },
  },
  { section: 'listen', name: 'option redis-check', cap: PR_CAP_BE | PR_CAP_DEF, parse(_args, ctx) { setRules(ctx.proxy!.httpCheck, redisRules(), true); } },
  { section: 'listen', name: 'option ldap-check', cap: PR_CAP_BE | PR_CAP_DEF, parse(_args, ctx) { setRules(ctx.proxy!.httpCheck, ldapRules(), true); } },
  { section: 'listen', name: 'option ssl-hello-chk', cap: PR_CAP_BE | PR_CAP_DEF, parse(_args, ctx) { setRules(ctx.proxy!.httpCheck, sslHelloRules(), true); } },
  {
    section: 'listen', name: 'option mysql-check', cap: PR_CAP_BE | PR_CAP_DEF,
    parse(args, ctx) {
      let user = '';
      let post41 = false;
      if (args[2] === 'user') {
        user = args[3] ?? '';
        if (user === '') { ctx.alert(`'option mysql-check' expects a user name after 'user'.`); return; }
        if (args[4] === 'post-41') post41 = true;
        else if (args[4] === 'pre-41' || args[4] === undefined) post41 = false;
        else { ctx.alert(`'option mysql-check' only supports 'pre-41' and 'post-41' after the user name, got '${args[4]}'.`); return; }
      } else if (args[2] !== undefined) { ctx.alert(`'option mysql-check' only supports 'user' as argument, got '${args[2]}'.`); return; }
      setRules(ctx.proxy!.httpCheck, mysqlRules(user, post41), true);
    },
  },
  {
    section: 'listen', name: 'option pgsql-check', cap: PR_CAP_BE | PR_CAP_DEF,
    parse(args, ctx) {
      if (args[2] !== 'user' || (args[3] ?? '') === '') { ctx.alert(`'option pgsql-check' expects 'user <username>' as argument.`); return; }
      setRules(ctx.proxy!.httpCheck, pgsqlRules(args[3]), true);
    },
  },
  {
    section: 'listen', name: 'option smtpchk', cap: PR_CAP_BE | PR_CAP_DEF,
    parse(args, ctx) {
      const hello = args[2];
      const greeting = hello === 'HELO' || hello === 'EHLO' ? `${hello} ${args[3] ?? 'localhost'}` : 'HELO localhost';
      setRules(ctx.proxy!.httpCheck, smtpRules(greeting), true);
    },
  },
];

// ---- running ----

/** The most a check keeps of a reply (HAProxy's check buffer, tune.bufsize's default). */
const CHECK_BUF_SIZE = 16384;

function firstLine(b: Buffer, from: number): string {
  let e = from;
  while (e < b.length && b[e] !== 0x0d && b[e] !== 0x0a) e++;
  return b.toString('latin1', from, e);
}

function afterCode(b: Buffer): string {
  let i = 4;
  while (i < b.length && b[i] === 0x20) i++;
  return firstLine(b, i);
}

function message(kind: number, text: string, reply: Buffer): string {
  if (kind === TCPCHK_MSG_PG_ERROR) { const z = reply.indexOf(0, 6); return reply.toString('latin1', 6, z < 0 ? reply.length : z); }
  return kind === TCPCHK_MSG_LINE ? firstLine(reply, 0) : kind === TCPCHK_MSG_AFTER_CODE ? afterCode(reply) : text;
}

function replyCode(r: TcpCheckRule, reply: Buffer): number {
  if (!r.codeFromReply || reply.length < 3) return 0;
  const n = parseUint(reply.toString('latin1', 0, 3));
  return n < 0 ? 0 : n;
}

/** "(binary)", "(regex)" or "'pattern'", as 2.6 names what an expect rule looked for. */
function what(r: TcpCheckRule): string {
  return r.match === TCPCHK_EXP_STRING ? `'${r.pattern}'` : r.match === TCPCHK_EXP_BINARY ? '(binary)' : '(regex)';
}

class TcpCheckRun {
  readonly start = Date.now();
  sock: Socket | null = null;
  idx = 0;
  /** 1-based number of the rule running, 0 = the implicit first connect. */
  step = 0;
  reply: Buffer[] = [];
  replyLen = 0;
  eof = false;
  waiting = false;
  finished = false;
  lastExpect: TcpCheckRule | null = null;
  lastReply: Buffer = Buffer.alloc(0);
  connected = false;
  timer: NodeJS.Timeout | null = null;
  /** `check.*` variables of this run (set-var rules), read by var() in its formats. */
  vars: Map<string, string | number> | null = null;
  /** The connect rule in use (its port and comment in failure texts), null for the implicit first connect. */
  conn: TcpCheckRule | null = null;
  /** The current connection is TLS (server checked over TLS, or connect ssl). */
  connTls = false;
  /** A socket error met with nothing read: reported by the expect rule that waits for the reply. */
  sockErr: NodeJS.ErrnoException | null = null;

  constructor(readonly srv: Server, readonly cfg: CheckCfg, readonly connectTimeout: number, readonly readTimeout: number,
    readonly done: (r: ProbeResult) => void) {}

  run(): void {
    // no implicit connect when the first rule other than comments and variables is a connect (2.6)
    const rules = this.cfg.tcpRules;
    let i = 0;
    while (i < rules.length && (rules[i].kind === TCPCHK_COMMENT || rules[i].kind === TCPCHK_SET_VAR || rules[i].kind === TCPCHK_UNSET_VAR)) i++;
    if (i < rules.length && rules[i].kind === TCPCHK_CONNECT) this.next();
    else this.connect(null);
  }

  finish(status: number, ok: boolean, code: number, info: string): void {
    if (this.finished) return;
    this.finished = true;
    if (this.timer !== null) clearTimeout(this.timer);
    if (this.sock !== null) this.sock.destroy();
    this.done({ status, ok, code, info, duration: Date.now() - this.start });
  }

  arm(ms: number, fn: () => void): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = setTimeout(fn, ms);
  }

  /** Where a connect failed, in 2.6's words (nothing for the protocol checks). */
  connectWhere(): string {
    if (this.cfg.tcpPreset) return '';
    if (this.step === 0) return ' at initial connection step of tcp-check';
    const c = this.conn;
    return ` at step ${this.step} of tcp-check (connect${c !== null && c.port > 0 ? ' port ' + c.port : ''})` + quotedComment(this.commentOf(this.idx - 1));
  }

  /** A rule's comment: its own, else the `tcp-check comment` just before it (set-var rules between skipped). */
  commentOf(i: number): string {
    const rules = this.cfg.tcpRules;
    const r = rules[i];
    if (r === undefined) return '';
    if (r.comment !== '' && r.kind !== TCPCHK_COMMENT) return r.comment;
    for (let k = i - 1; k >= 0; k--) {
      const p = rules[k];
      if (p.kind === TCPCHK_COMMENT) return p.comment;
      if (p.kind !== TCPCHK_SET_VAR && p.kind !== TCPCHK_UNSET_VAR) break;
    }
    return '';
  }

  /** A format of this run: its server and backend, and its check variables. */
  lf(f: RuleFmt): string { return checkLf(f, this.srv, this.vars); }

  connect(rule: TcpCheckRule | null): void {
    const srv = this.srv;
    if (this.sock !== null) this.sock.destroy();
    this.conn = rule;
    const port = rule === null ? 0 : rule.port;
    const { sock: s, tls } = openCheckSocket(srv, port, rule === null ? '' : rule.addr, rule !== null && rule.ssl ? rule : null);
    this.sock = s;
    this.connTls = tls;
    this.reply = []; this.replyLen = 0; this.eof = false; this.connected = false; this.sockErr = null;
    let tcpUp = false;
    if (tls) s.once('connect', () => { tcpUp = true; });
    s.on(tls ? 'secureConnect' : 'connect', () => {
      if (s !== this.sock) return;
      this.connected = true;
      // the PROXY header goes first on a clear connection; none on a TLS one, as the HTTP/TCP probes do
      const pp = tls ? null : rule !== null && rule.sendProxy
        ? ppEncodeV1(s.localAddress ?? '', s.localPort ?? 0, s.remoteAddress ?? '', s.remotePort ?? 0)
        : checkProxyHeader(srv, s.localAddress ?? '', s.localPort ?? 0, s.remoteAddress ?? '', s.remotePort ?? 0);
      if (pp !== null) s.write(pp);
      this.arm(this.readTimeout, () => this.onTimeout());
      this.next();
    });
    s.on('error', (e: NodeJS.ErrnoException) => {
      if (s !== this.sock) return;
      // a TLS connection whose TCP part was up failed its handshake (2.6: L6RSP)
      if (!this.connected && tcpUp) { this.finish(HCHK_STATUS_L6RSP, false, 0, 'SSL handshake failure' + this.connectWhere()); return; }
      // a reset (not a refusal) means the connection was up: 2.6 saw it established before the server's RST, so the
      // rules after the connect run and the one that reads reports the error (node may report it as the connect's)
      if (!this.connected && (tls || e.code !== 'ECONNRESET')) { this.finish(HCHK_STATUS_L4CON, false, 0, errnoText(e) + this.connectWhere()); return; }
      this.sockErr = e;
      this.eof = true;
      if (!this.connected) { this.connected = true; this.next(); }
      else if (this.waiting) this.resume();
      else this.finish(HCHK_STATUS_SOCKERR, false, 0, errnoText(e));
    });
    s.on('data', (d: Buffer) => {
      if (s !== this.sock || this.replyLen >= CHECK_BUF_SIZE) return;
      // a check reads at most a buffer (2.6: tune.bufsize); a reply that fills it is judged as complete
      const room = CHECK_BUF_SIZE - this.replyLen;
      this.reply.push(d.length > room ? d.subarray(0, room) : d);
      this.replyLen += d.length > room ? room : d.length;
      if (this.replyLen >= CHECK_BUF_SIZE) this.eof = true;
      if (this.waiting) this.resume();
    });
    s.on('end', () => { if (s === this.sock) { this.eof = true; if (this.waiting) this.resume(); } });
    this.arm(this.connectTimeout, () => this.finish(HCHK_STATUS_L4TOUT, false, 0, this.cfg.tcpPreset ? '' : this.connectWhere().trimStart()));
  }

  next(): void {
    const rules = this.cfg.tcpRules;
    while (!this.finished && this.idx < rules.length) {
      const r = rules[this.idx++];
      this.step = this.idx;
      if (r.kind === TCPCHK_CONNECT) { this.connect(r); return; }
      if (r.kind === TCPCHK_SEND) {
        this.reply = []; this.replyLen = 0;
        if (this.sockErr === null) (this.sock as Socket).write(r.build !== null ? r.build() : r.lf !== null ? lfBytes(this.lf(r.lf), r.lfHex) : r.data);
        continue;
      }
      if (r.kind === TCPCHK_COMMENT) continue;
      if (r.kind === TCPCHK_SET_VAR || r.kind === TCPCHK_UNSET_VAR) { this.setVar(r); continue; }
      this.waiting = true;
      if (!this.evalExpect()) return;
    }
    if (this.finished) return;
    const e = this.lastExpect;
    // without an expect rule the connection's layer is the verdict's: a TLS one (connect ssl) is L6OK
    if (e === null) { this.finish(rules.length === 0 ? HCHK_STATUS_L4OK : this.connTls && this.conn !== null && this.conn.ssl ? HCHK_STATUS_L6OK : HCHK_STATUS_L7OK, true, 0, rules.length === 0 ? '' : '(tcp-check)'); return; }
    const info = e.onSuccessFmt !== null ? this.lf(e.onSuccessFmt)
      : e.onSuccess === TCPCHK_MSG_DEFAULT ? (this.cfg.tcpPreset ? '' : '(tcp-check)') : message(e.onSuccess, e.onSuccessText, this.lastReply);
    this.finish(e.okStatus, true, this.code(e, this.lastReply), info);
  }

  /** The check code of a concluding expect: its `status-code` expression, or the reply's digits (smtpchk). */
  code(r: TcpCheckRule, reply: Buffer): number {
    if (r.statusCode === null) return replyCode(r, reply);
    const n = parseInt(this.lf(r.statusCode), 10);
    return Number.isNaN(n) ? 0 : n;
  }

  setVar(r: TcpCheckRule): void { this.vars = checkVarRun(r, this.srv, this.vars); }

  /** More bytes (or the end) while an expect rule waits: evaluate it, and run the next rules once it matched. */
  resume(): void {
    if (!this.finished && this.evalExpect()) this.next();
  }

  /** Evaluates the expect rule at idx-1 on the reply so far: true = matched (go on), false = waiting or finished. */
  evalExpect(): boolean {
    const r = this.cfg.tcpRules[this.idx - 1];
    const b = this.reply.length === 1 ? this.reply[0] : Buffer.concat(this.reply, this.replyLen);
    if (b.length === 0 && this.eof) {
      // 2.6: a socket error with nothing read is the connection's (Socket error), a clean close an empty response
      if (this.sockErr !== null) this.finish(HCHK_STATUS_SOCKERR, false, 0, errnoText(this.sockErr) + this.stepWhere());
      else this.finish(r.errorStatus, false, 0, `TCPCHK got an empty response at step ${this.step}`);
      return false;
    }
    if (r.minRecv >= 0 && b.length < r.minRecv && !this.eof) return false;
    if (r.custom === TCPCHK_CUSTOM_LDAP_BIND) return this.evalLdap(b);
    if (r.custom !== TCPCHK_CUSTOM_NONE) return this.evalMysql(r, b);
    let hit: boolean;
    if (r.lf !== null) hit = b.indexOf(lfBytes(this.lf(r.lf), r.lfHex)) >= 0;
    else if (r.match === TCPCHK_EXP_STRING || r.match === TCPCHK_EXP_BINARY) hit = b.indexOf(r.data) >= 0;
    else if (r.match === TCPCHK_EXP_RSTRING) hit = (r.re as RegExp).test(b.toString('latin1'));
    else hit = (r.re as RegExp).test(b.toString('hex').toUpperCase());
    // as 2.6: a pattern not found yet waits for more data (an inverse rule too) unless min-recv makes it conclusive
    if (!hit && !this.eof && r.minRecv < 0) return false;
    if (hit !== r.inverse) {
      this.waiting = false;
      this.lastExpect = r;
      this.lastReply = b;
      return true;
    }
    const text = r.inverse ? `TCPCHK matched unwanted content ${what(r)} at step ${this.step}`
      : `TCPCHK did not match content ${what(r)} at step ${this.step}`;
    // a protocol option's rule without an on-error message says nothing more (ssl-hello-chk), as 2.6
    let info = r.onErrorFmt !== null ? this.lf(r.onErrorFmt) : r.onError !== TCPCHK_MSG_DEFAULT ? message(r.onError, r.onErrorText, b) : this.cfg.tcpPreset ? '' : text;
    const cmt = this.commentOf(this.idx - 1);
    if (cmt !== '') info += ' comment: ' + cmt;
    this.finish(r.errorStatus, false, this.code(r, b), info);
    return false;
  }

  /**
   * mysql-check: one whole packet: an error packet fails with its number and message, else the handshake or the OK.
   * The login went first, so the OK packet follows the handshake in the same reply (2.6 reads it past the handshake).
   */
  evalMysql(r: TcpCheckRule, b: Buffer): boolean {
    const off = r.custom === TCPCHK_CUSTOM_MYSQL_OK ? 4 + b.readUIntLE(0, 3) : 0;
    const len = b.length >= off + 4 ? b.readUIntLE(off, 3) : -1;
    if (len < 0 || b.length < off + 4 + len) {
      // a truncated packet: no info (2.6.12, checked with 'garbage\r\n' and an HTTP answer)
      if (this.eof) this.finish(HCHK_STATUS_L7RSP, false, 0, '');
      return false;
    }
    const kind = b[off + 4];
    if (kind === 0xff) {
      // as 2.6: L7STS, the error number as the code, the rest of the packet ('#' SQL state included) as the info
      this.finish(HCHK_STATUS_L7STS, false, len >= 3 ? b.readUInt16LE(off + 5) : 0, b.toString('latin1', off + 7, off + 4 + len));
      return false;
    }
    if (r.custom === TCPCHK_CUSTOM_MYSQL_HELLO ? kind !== 0x0a : kind !== 0x00) { this.finish(HCHK_STATUS_L7RSP, false, 0, ''); return false; }
    this.waiting = false;
    this.lastExpect = r;
    this.lastReply = b;
    return true;
  }

  /**
   * ldap-check: after the LDAPMessage length (short or long form), messageID 1 and a bindResponse (0x61), then its
   * length and the ldapResult's ENUMERATED resultCode: 0 is "Success" (L7OK, code 0), another is L7STS with that code.
   */
  evalLdap(b: Buffer): boolean {
    // a reply that ended before 14 bytes (it started as an LDAPMessage): 2.6 says nothing more
    if (b.length < 14) { this.finish(HCHK_STATUS_L7RSP, false, 0, ''); return false; }
    let p = 1;
    p += (b[p] & 0x80) !== 0 ? 1 + (b[p] & 0x7f) : 1;
    if (p + 4 > b.length || b[p] !== 0x02 || b[p + 1] !== 0x01 || b[p + 2] !== 0x01 || b[p + 3] !== 0x61) {
      this.finish(HCHK_STATUS_L7RSP, false, 0, 'Not LDAPv3 protocol');
      return false;
    }
    p += 4;
    p += (b[p] & 0x80) !== 0 ? 1 + (b[p] & 0x7f) : 1;
    if (p + 3 > b.length || b[p] !== 0x0a || b[p + 1] !== 0x01) { this.finish(HCHK_STATUS_L7RSP, false, 0, 'Not LDAPv3 protocol'); return false; }
    const code = b[p + 2];
    if (code !== 0) { this.finish(HCHK_STATUS_L7STS, false, code, 'See RFC: http://tools.ietf.org/html/rfc4511#section-4.1.9'); return false; }
    this.finish(HCHK_STATUS_L7OK, true, 0, 'Success');
    return false;
  }

  onTimeout(): void {
    if (!this.waiting) { this.finish(HCHK_STATUS_L7TOUT, false, 0, ''); return; }
    this.finish(this.cfg.tcpRules[this.idx - 1].toutStatus, false, 0, this.stepWhere());
  }

  /** The expect rule waiting when a connection error or timeout ended the check, in 2.6's words (none for the protocol checks). */
  stepWhere(): string {
    if (this.cfg.tcpPreset) return '';
    const r = this.cfg.tcpRules[this.idx - 1];
    // a binary pattern is printed as its bytes, up to a NUL (2.6.12: '2b504f4e47' is '+PONG')
    const nul = r.data.indexOf(0);
    const desc = r.match === TCPCHK_EXP_STRING ? `expect string '${r.pattern}'` : r.match === TCPCHK_EXP_BINARY
      ? `expect binary '${r.data.toString('latin1', 0, nul < 0 ? r.data.length : nul)}'` : r.match === TCPCHK_EXP_RSTRING ? 'expect regex' : 'expect binary regex';
    return ` at step ${this.step} of tcp-check (${desc})` + quotedComment(this.commentOf(this.idx - 1));
  }
}

/**
 * Runs a set-var / unset-var rule of a check of `srv` on its variables `vars` (made on the first `check.*` one;
 * `proc.*` ones are the process's). Returns the variables.
 */
export function checkVarRun(r: TcpCheckRule, srv: Server, vars: Map<string, string | number> | null): Map<string, string | number> | null {
  if (r.varName === '') return vars;       // a txn/req/res variable: dropped
  const proc = r.varName.startsWith('proc.');
  const store = proc ? null : (vars ?? new Map<string, string | number>());
  if (r.kind === TCPCHK_UNSET_VAR) { if (store !== null) store.delete(r.varName); else varUnset(new Map(), r.varName); return store ?? vars; }
  const v = checkLf(r.lf as RuleFmt, srv, store ?? vars);
  if (store !== null) store.set(r.varName, v); else varSet(new Map(), r.varName, v);
  return store ?? vars;
}

/** A comment as the timeout and connect failure texts append it (quoted there, bare after a mismatch). */
function quotedComment(c: string): string { return c === '' ? '' : ` comment: '${c}'`; }

/** A format's result as bytes: hex digits decoded for the binary forms. */
function lfBytes(s: string, hex: boolean): Buffer { return hex ? Buffer.from(s, 'hex') : Buffer.from(s, 'latin1'); }

/** Runs the tcp-check rules of `cfg` against `srv`; `done` is called exactly once. */
export function runTcpCheck(srv: Server, cfg: CheckCfg, connectTimeout: number, readTimeout: number, done: (r: ProbeResult) => void): void {
  new TcpCheckRun(srv, cfg, connectTimeout, readTimeout, done).run();
}
