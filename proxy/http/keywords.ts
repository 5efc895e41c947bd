/*
 * Config keywords of the HTTP module: http-request, http-response, http-after-response (actions: allow, deny, tarpit, set/add/del-header,
 * replace-header/-value, set-path/-pathq/-query/-uri/-method, replace-path/-pathq/-uri, capture, redirect, return; values with `%`
 * compiled by proxy/log/format.ts), redirect, errorfile, http-reuse, option
 * forwardfor, option http-server-close, option httpclose, option http-keep-alive, option http-buffer-request; plus
 * httpProxyInit, the init hook that gives every proxy its HttpProxyCfg slot (errorfiles, http-reuse and
 * http-buffer-request inherited from defaults). Registered by
 * proxy/modules.ts. Unsupported rule actions are load errors, never ignored. Hot path: no (load time).
 */
import fs from 'node:fs';
import type { CfgKeyword, KwCtx } from '../config/types.ts';
import { PR_CAP_FE, PR_CAP_BE, PR_CAP_DEF } from '../config/types.ts';
import type { Proxy } from '../model/types.ts';
import { PR_O_FORWARDFOR, PR_O_HTTP_SERVER_CLOSE, PR_O_HTTPCLOSE, PR_O_HTTP_KEEP_ALIVE } from '../model/types.ts';
import type { HttpProxyCfg, HttpRule, RedirectRule, RuleFmt, HttpCustomAction } from './types.ts';
import {
  HTTP_ACT_ALLOW, HTTP_ACT_DENY, HTTP_ACT_EARLY_HINT, HTTP_ACT_SET_HDR, HTTP_ACT_ADD_HDR, HTTP_ACT_DEL_HDR, HTTP_ACT_REDIRECT,
  HTTP_ACT_RETURN, HTTP_ACT_SET_PATH, HTTP_ACT_SET_QUERY, HTTP_ACT_SET_URI, HTTP_ACT_SET_METHOD, HTTP_ACT_REPLACE_HDR,
  HTTP_ACT_REPLACE_VAL, HTTP_ACT_REPLACE_PATH, HTTP_ACT_REPLACE_URI, HTTP_ACT_TARPIT, HTTP_ACT_CAPTURE, HTTP_ACT_SET_VAR,
  HTTP_ACT_REJECT, HTTP_ACT_SILENT_DROP, HTTP_ACT_SET_SRC, HTTP_ACT_SET_SRC_PORT, HTTP_ACT_WAIT_BODY,
  HTTP_ACT_UNSET_VAR, HTTP_ACT_AUTH, HTTP_ACT_SET_STATUS, HTTP_ACT_PROMETHEUS, HTTP_ACT_CAPTURE_RES, HTTP_ACT_STRICT_MODE, HTTP_ACT_CUSTOM, REDIR_LOCATION, REDIR_PREFIX, REDIR_SCHEME, HTTP_REUSE_NEVER, HTTP_REUSE_SAFE,
  HTTP_REUSE_AGGRESSIVE, HTTP_REUSE_ALWAYS,
} from './types.ts';
import { HTTP_ERR_CODES, cannedReply } from './canned-errors.ts';
import { buildReturnReply } from './rules.ts';
import { condCompile } from '../acl/keywords.ts';
import {
  HTTP_REQ_ACTIONS_26, HTTP_RES_ACTIONS_26, HTTP_AFTER_ACTIONS_26, isHaproxyAction, unknownActionAlert, ruleErrorPrefix, abortOnAlert,
} from './rule-errors.ts';
import { capName } from '../config/sections.ts';
import { sampleUnavailableInRequest } from '../log/sample-avail.ts';
import { atol, parseTime } from '../config/values.ts';
import { compileRuleFormat } from './rule-format.ts';
import { addCaptureSlot } from '../log/cfg.ts';
import { varNameOk } from './vars.ts';
import { keywords as userlistKeywords } from './userlist.ts';
import { httpErrorsSections } from './http-errors-store.ts';
import { httpSetDstAction } from './set-dst.ts';

const ALL = PR_CAP_FE | PR_CAP_BE | PR_CAP_DEF;
const BE = PR_CAP_BE | PR_CAP_DEF;

export function newHttpProxyCfg(def: HttpProxyCfg | null): HttpProxyCfg {
  return {
    reqRules: [], resRules: [], afterRules: [], redirects: [],
    errorFiles: def && def.errorFiles ? new Map(def.errorFiles) : new Map(),
    errorRules: def && def.errorRules ? new Map(def.errorRules) : new Map(),
    monitorUri: def !== null && def.monitorUri !== undefined ? def.monitorUri : null,
    monitorFail: [],
    reuse: def && def.reuse !== undefined ? def.reuse : HTTP_REUSE_SAFE,
    bufferRequest: def !== null && def.bufferRequest === true,
    preferLastServer: def !== null && def.preferLastServer === true,
    comp: def !== null && def.comp !== undefined && def.comp !== null ? { algos: def.comp.algos.slice(), types: def.comp.types.slice(), offload: false } : null,
    ignoreProbes: def !== null && def.ignoreProbes === true,
    pretendKeepAlive: def !== null && def.pretendKeepAlive === true,
    retryOn: def !== null && def.retryOn !== undefined ? def.retryOn : 1,     // RETRY_CONN_FAILURE
  };
}

/** Proxy init hook (proxy/modules.ts registers it with registerProxyInit). */
export function httpProxyInit(px: Proxy, def: Proxy | null): void {
  px.http = newHttpProxyCfg(def ? def.http : null);
}

export function newRule(action: number, ctx: KwCtx): HttpRule {
  return {
    action, cond: null, name: '', nameBuf: Buffer.alloc(0), value: '', fmt: null, regex: null, slot: -1, len: 0,
    status: 0, contentType: '', payload: 'none', redirect: null, reply: null, hdrs: [], errReply: false, file: ctx.file, line: ctx.line,
  };
}

/** A byte count with an optional k/m/g suffix (2.6's parse_size_err); -(i + 1) for a bad character at index i. */
function waitSize(v: string): number {
  let i = 0, n = 0;
  while (i < v.length && v.charCodeAt(i) >= 0x30 && v.charCodeAt(i) <= 0x39) n = n * 10 + v.charCodeAt(i++) - 0x30;
  if (i === 0) return -1;
  if (i === v.length) return n;
  const u = v[i].toLowerCase();
  if ((u !== 'k' && u !== 'm' && u !== 'g') || i + 1 < v.length) return -(u !== 'k' && u !== 'm' && u !== 'g' ? i + 1 : i + 2);
  return n * (u === 'k' ? 1024 : u === 'm' ? 1048576 : 1073741824);
}

/** Index of 'if'/'unless' in args from `from`, or args.length. */
function condAt(args: readonly string[], from: number): number {
  for (let i = from; i < args.length; i++) if (args[i] === 'if' || args[i] === 'unless') return i;
  return args.length;
}

/**
 * A rule value: static text, or a log-format string when it holds '%' (compiled once; an invalid one is an alert).
 * Returns undefined after an alert.
 */
function valueFormat(v: string, ctx: KwCtx, what: string, sampleOnly = false): RuleFmt | null | undefined {
  if (!v.includes('%')) return null;
  const r = compileRuleFormat(v);
  if (typeof r === 'string') {
    // 2.6.12's words: "error detected in frontend 'fe' while parsing 'http-request set-header' rule : failed to parse
    // sample expression <rest> : unknown fetch method 'x'."; a sample argument (set-var, capture) names no expression
    const px = ctx.proxy;
    const name = what.replace(/^'|'$/g, '');
    const pre = px === null ? `${what}: ` : `error detected in ${capName(px.cap)} '${px.name}' while parsing ${name === 'redirect' ? name : `'${name}'`} rule : `;
    // a sample argument was compiled as `%[<expr>]`: its quoted rest ends before that ']'
    ctx.alert(pre + (sampleOnly ? r.replace(/^failed to parse sample expression <[\s\S]*?> : /, '').replace(/ before '([^]*)\]'$/, " before '$1'") : r) + '.');
    return undefined;
  }
  return r;
}


function regexOf(src: string, ctx: KwCtx, what: string): RegExp | null {
  try { return new RegExp(src); } catch (e) { ctx.alert(`${what}: invalid regex '${src}': ${(e as Error).message}.`); return null; }
}

/**
 * Parses `redirect location|prefix|scheme <to> [code N] [drop-query] [append-slash] [set-cookie X] [clear-cookie X]`
 * from args[at] to args[end], the words in any order as 2.6.12 takes them (`redirect code 301 location /x`; the last
 * type given wins), with its messages.
 */
function parseRedirect(args: readonly string[], at: number, end: number, ctx: KwCtx, what: string): RedirectRule | null {
  const px = ctx.proxy!;
  const pre = what === 'redirect' ? `error detected in ${capName(px.cap)} '${px.name}' while parsing redirect rule : `
    : ruleErrorPrefix(px, 'http-request', 'redirect');
  const fail = (m: string): null => { ctx.alert(pre + m); return null; };
  let type = -1;
  let value = '';
  const r: RedirectRule = { type: REDIR_LOCATION, value: '', fmt: null, code: 302, dropQuery: false, appendSlash: false, setCookie: '', clearCookie: '' };
  for (let i = at; i < end; i++) {
    const w = args[i];
    const t = w === 'location' ? REDIR_LOCATION : w === 'prefix' ? REDIR_PREFIX : w === 'scheme' ? REDIR_SCHEME : -1;
    const needsArg = t >= 0 || w === 'code' || w === 'set-cookie' || w === 'clear-cookie';
    if (needsArg && i + 1 >= end) return fail(`missing argument for '${w}'.`);
    if (t >= 0) { type = t; value = args[++i]; continue; }
    if (w === 'code') {
      const c = Number(args[++i]);
      if (![301, 302, 303, 307, 308].includes(c)) return fail(`'code': unsupported HTTP code '${args[i]}' (must be one of 301, 302, 303, 307 or 308).`);
      r.code = c;
    } else if (w === 'drop-query') r.dropQuery = true;
    else if (w === 'append-slash') r.appendSlash = true;
    else if (w === 'set-cookie') r.setCookie = args[++i];
    else if (w === 'clear-cookie') r.clearCookie = args[++i];
    else if (w === 'ignore-empty') return fail("'ignore-empty' is not supported by sluice yet.");
    else return fail(`expects 'code', 'prefix', 'location', 'scheme', 'set-cookie', 'clear-cookie', 'drop-query', 'ignore-empty' or 'append-slash' (was '${w}').`);
  }
  if (type < 0) return fail("redirection type expected ('prefix', 'location', or 'scheme').");
  const fmt = type === REDIR_LOCATION ? valueFormat(value, ctx, what) : null;
  if (fmt === undefined) return null;
  r.type = type;
  r.value = value;
  r.fmt = fmt;
  return r;
}

/** deny/tarpit options of 2.6 (its `return`-style reply) that Sluice does not take yet: "unsupported", not a typo. */
const RETURN_OPTIONS = ['content-type', 'string', 'lf-string', 'file', 'lf-file', 'errorfile', 'errorfiles', 'hdr', 'default-errorfiles', 'status'];
/** A return/deny rule's reply taken from an error message (errorfile <f>, errorfiles <name>, default-errorfiles). */
const ERROR_REPLY_OPTIONS = ['errorfile', 'errorfiles', 'default-errorfiles'];

/** Reply options `return` and `deny` take (2.6), handled by replyOption. */
const REPLY_OPTIONS = ['content-type', 'string', 'lf-string', 'file', 'lf-file', 'hdr', ...ERROR_REPLY_OPTIONS];

/**
 * Reads one reply option at args[i] (content-type, string, lf-string, file, lf-file, hdr) into `rule` (contentType,
 * body in value, fmt, hdrs). Returns the index of its last word, or -1 after an alert.
 */
export function replyOption(args: readonly string[], i: number, end: number, rule: HttpRule, ctx: KwCtx, what: string): number {
  const w = args[i];
  const want = MISSING_VALUE[w];
  if (want !== undefined && (i + 1 >= end || (w === 'hdr' && i + 2 >= end))) { ctx.alert(replyArgErr(ctx, what, `'${w}' expects ${want}`)); return -1; }
  if (w === 'content-type') { rule.contentType = args[++i] ?? ''; return i; }
  if (w === 'string' || w === 'lf-string') {
    rule.value = args[++i] ?? '';
    rule.payload = w === 'string' ? 'raw' : 'lf';
    if (w === 'lf-string') {
      const f = valueFormat(rule.value, ctx, what);
      if (f === undefined) return -1;
      rule.fmt = f;
    }
    return i;
  }
  if (w === 'file' || w === 'lf-file') {
    const f = args[++i] ?? '';
    try { rule.value = fs.readFileSync(f, 'latin1'); } catch { ctx.alert(fileErr(ctx, what, f, '.')); return -1; }
    rule.payload = w === 'file' ? 'raw' : 'lf';
    if (w === 'lf-file') {
      const fmt = valueFormat(rule.value, ctx, what);
      if (fmt === undefined) return -1;
      rule.fmt = fmt;
    }
    return i;
  }
  if (w === 'hdr') {
    const n = args[++i] ?? '', v = args[++i] ?? '';
    if (n === '' || i >= end) { ctx.alert(`${what} : 'hdr' expects <name> and <fmt>.`); return -1; }
    const f = valueFormat(v, ctx, what);
    if (f === undefined) return -1;
    rule.hdrs.push({ name: n.toLowerCase(), value: v, fmt: f });
    return i;
  }
  if (ERROR_REPLY_OPTIONS.includes(w)) return errorReplyOption(args, i, rule, ctx, what);
  ctx.alert(`${what} : unsupported argument '${w}'.`);
  return -1;
}

/**
 * `errorfile <f>` (that file as is), `errorfiles <name>` (the section's message for the rule's status) or
 * `default-errorfiles` (the proxy's message for it: its errorfile/errorloc/static http-error, else the canned one),
 * resolved once everything is parsed (sections and errorfile lines may come later), as 2.6. Returns the index of the
 * option's last word, -1 after an alert.
 */
/**
 * A reply file that cannot be read, in 2.6.12's words: "error detected in frontend 'fe' while parsing 'http-request
 * return' rule : error opening file 'f'" + `end`; an `http-error` line says only "http-error : error opening file 'f'".
 */
/** What a reply option names when its value is missing, in 2.6.12's words. */
const MISSING_VALUE: Readonly<Record<string, string>> = {
  'content-type': '<ctype> as argument', 'string': '<str> as argument', 'lf-string': '<fmt> as argument',
  'file': '<file> as argument', 'lf-file': '<file> as argument', 'hdr': '<name> and <value> as arguments',
};

/** A reply option's error in 2.6.12's words: the rule's prefix and a period, bare after `http-error`. */
function replyArgErr(ctx: KwCtx, what: string, msg: string): string {
  const px = ctx.proxy;
  const name = what.replace(/^'|'$/g, '');
  if (px === null || name === 'http-error') return `${name} : ${msg}`;
  return `error detected in ${capName(px.cap)} '${px.name}' while parsing '${name}' rule : ${msg}.`;
}

function fileErr(ctx: KwCtx, what: string, f: string, end: string): string {
  const px = ctx.proxy;
  const name = what.replace(/^'|'$/g, '');
  if (px === null || name === 'http-error') return `${name} : error opening file '${f}'`;
  return `error detected in ${capName(px.cap)} '${px.name}' while parsing '${name}' rule : error opening file '${f}'${end}`;
}

function errorReplyOption(args: readonly string[], i: number, rule: HttpRule, ctx: KwCtx, what: string): number {
  const w = args[i];
  const px = ctx.proxy as Proxy;
  rule.errReply = true;
  if (w === 'errorfile') {
    const f = args[++i] ?? '';
    // 2.6.12 ends this one with two periods
    try { rule.reply = fs.readFileSync(f); } catch { ctx.alert(fileErr(ctx, what, f, '..')); return -1; }
    return i;
  }
  const name = w === 'errorfiles' ? args[++i] ?? '' : '';
  ctx.postParse(() => {
    if (w === 'errorfiles') {
      const sec = httpErrorsSections(ctx.global).get(name);
      if (sec === undefined) { ctx.alertRaw(`proxy '${px.name}': unknown http-errors section '${name}' (at ${ctx.file}:${ctx.line}).`); return; }
      rule.reply = sec.get(rule.status) ?? px.http.errorFiles.get(rule.status) ?? cannedReply(rule.status);
    } else rule.reply = px.http.errorFiles.get(rule.status) ?? cannedReply(rule.status);
  });
  return i;
}

/** A reply payload without content-type, in 2.6.12's words ('' when it has one or needs none). */
export function replyNoCtype(rule: HttpRule): string {
  if (rule.contentType !== '') return '';
  if (rule.payload === 'lf') return 'a content type must be defined with a log-format payload';
  if (rule.payload === 'raw' && rule.value !== '') return 'a content type must be defined when non-empty payload is configured';
  return '';
}

/** Checks a reply rule's options and prebuilds its reply when nothing in it is evaluated per request. */
export function finishReply(rule: HttpRule, args: readonly string[], ctx: KwCtx, act: string): boolean {
  if (rule.errReply) {
    if (rule.hdrs.length > 0) ctx.warn('hdr parameters ignored by the http reply when used with an erorrfile.');   // sic
    rule.hdrs = []; rule.fmt = null; rule.value = '';
    return true;
  }
  const what = act === 'http-error' ? act : `${args[0]} ${act}`;
  if ((rule.status === 204 || rule.status === 304) && (rule.payload === 'lf' || rule.value !== '')) {
    ctx.alert(replyArgErr(ctx, what, `No body expected for ${rule.status} responses`)); return false;
  }
  const noCtype = replyNoCtype(rule);
  if (noCtype !== '') { ctx.alert(replyArgErr(ctx, what, noCtype)); return false; }
  // 2.6.12 tells an absent payload from an empty raw one (string/file); an lf-file, even empty, is a payload
  if (rule.contentType !== '' && (rule.payload === 'none' || (rule.payload === 'raw' && rule.value === ''))) {
    ctx.warn(`content-type '${rule.contentType}' ignored by the http reply ${rule.payload === 'none' ? 'because neither errorfile nor payload defined' : 'when used with an empty payload'}.`);
    rule.contentType = '';
  }
  if (rule.fmt === null && rule.hdrs.every((h) => h.fmt === null)) {
    rule.reply = buildReturnReply(rule.status, rule.contentType, rule.value, rule.hdrs.map((h) => h.name + ': ' + h.value + '\r\n').join(''));
  }
  return true;
}

/**
 * http-request / http-response actions of other modules (proxy/stick's track-sc*, sc-inc-gpc*, sc-set-gpt*), by name
 * prefix: parse(args, end, ctx) gets the whole line and where its condition starts; null = it alerted.
 */
export interface HttpActionKw {
  prefix: string;
  req: boolean;
  res: boolean;
  parse(args: readonly string[], end: number, ctx: KwCtx, isReq: boolean): HttpCustomAction | null;
}
const extActions: HttpActionKw[] = [];
export function registerHttpActions(kws: readonly HttpActionKw[]): void { for (const k of kws) if (!extActions.includes(k)) extActions.push(k); }

function parseHttpRule(args: readonly string[], ctx: KwCtx): void {
  const px = ctx.proxy;
  if (!px) return;
  const isReq = args[0] === 'http-request';
  const isAfter = args[0] === 'http-after-response';
  const act = args[1];
  const end = condAt(args, 2);
  const rerr = (m: string): void => ctx.alert(ruleErrorPrefix(px, args[0], act ?? '') + m);
  const condExpected = (w: string): void => ctx.alertRaw(`parsing [${ctx.file}:${ctx.line}]: '${args[0]} ${act}' expects either 'if' or 'unless' followed by a condition but found '${w}'.`);
  let rule: HttpRule | null = null;
  // http-after-response takes the header, status, variable and capture actions only (2.6)
  switch (isAfter && !isHaproxyAction(HTTP_AFTER_ACTIONS_26, act ?? '') ? '' : act) {
    case 'allow':
      if (end > 2) { condExpected(args[2]); return; }
      rule = newRule(HTTP_ACT_ALLOW, ctx);
      break;
    case 'deny': case 'tarpit': {
      if (act === 'tarpit' && !isReq) break;
      rule = newRule(act === 'deny' ? HTTP_ACT_DENY : HTTP_ACT_TARPIT, ctx);
      rule.status = act === 'tarpit' ? 500 : isReq ? 403 : 502;
      let custom = false;
      for (let i = 2; i < end; i++) {
        if (args[i] === 'deny_status') {
          const c = atol(args[++i] ?? '');
          if (c < 200 || c > 599) { rerr(`Unexpected status code '${c}'.`); return; }
          if (!HTTP_ERR_CODES.includes(c)) { rerr(`status code '${c}' not handled by default with 'default-errorfiles' argument..`); return; }
          rule.status = c;
        } else if (args[i] === 'status' && act === 'deny') {
          // 2.6: `status <code>` makes a reply like `return`'s: any code from 200 to 599, no body unless one is given
          const c = atol(args[++i] ?? '');
          if (c < 200 || c > 599) { rerr(`Unexpected status code '${c}'.`); return; }
          rule.status = c;
          custom = true;
        } else if (act === 'deny' && REPLY_OPTIONS.includes(args[i])) {
          // deny with its own reply (2.6: like `return`, sent with deny_status and logged as a deny)
          const n = replyOption(args, i, end, rule, ctx, `'${args[0]} deny'`);
          if (n < 0) return;
          i = n;
          custom = true;
        } else if (RETURN_OPTIONS.includes(args[i])) { ctx.alert(`'${args[0]} ${act}' : unsupported argument '${args[i]}'.`); return; }
        else { condExpected(args[i]); return; }
      }
      if (custom && !finishReply(rule, args, ctx, 'deny')) return;
      break;
    }
    case 'set-header': case 'add-header': case 'del-header': {
      const del = act === 'del-header';
      if (end > (del ? 3 : 4)) { condExpected(args[del ? 3 : 4]); return; }
      if (end < (del ? 3 : 4)) { rerr(del ? 'expects at least 1 argument.' : 'expects exactly 2 arguments.'); return; }
      rule = newRule(act === 'set-header' ? HTTP_ACT_SET_HDR : act === 'add-header' ? HTTP_ACT_ADD_HDR : HTTP_ACT_DEL_HDR, ctx);
      rule.name = args[2].toLowerCase();
      rule.nameBuf = Buffer.from(rule.name, 'latin1');
      if (!del) {
        rule.value = args[3];
        const f = valueFormat(rule.value, ctx, `'${args[0]} ${act}'`);
        if (f === undefined) return;
        rule.fmt = f;
      }
      break;
    }
    case 'early-hint': {
      if (!isReq) break;
      if (end > 4) { condExpected(args[4]); return; }
      if (end < 4) { rerr('expects exactly 2 arguments.'); return; }
      rule = newRule(HTTP_ACT_EARLY_HINT, ctx);
      rule.name = args[2].toLowerCase();           // 2.6's H1 output writes header names in lower case
      rule.value = args[3];
      const f = valueFormat(rule.value, ctx, `'${args[0]} ${act}'`);
      if (f === undefined) return;
      rule.fmt = f;
      break;
    }
    case 'set-path': case 'set-pathq': case 'set-query': case 'set-uri': case 'set-method': {
      if (!isReq) break;
      if (end !== 3) { rerr('expects exactly 1 argument <format>.'); return; }
      rule = newRule(act === 'set-path' || act === 'set-pathq' ? HTTP_ACT_SET_PATH : act === 'set-query' ? HTTP_ACT_SET_QUERY :
        act === 'set-uri' ? HTTP_ACT_SET_URI : HTTP_ACT_SET_METHOD, ctx);
      if (act === 'set-pathq') rule.len = 1;          // the path and the query
      rule.value = args[2];
      const f = valueFormat(rule.value, ctx, `'${args[0]} ${act}'`);
      if (f === undefined) return;
      rule.fmt = f;
      break;
    }
    case 'replace-header': case 'replace-value': case 'replace-path': case 'replace-pathq': case 'replace-uri': {
      const hdr = act === 'replace-header' || act === 'replace-value';
      if (!hdr && !isReq) break;
      if (hdr && end > 5) { condExpected(args[5]); return; }
      if (end !== (hdr ? 5 : 4)) { rerr(hdr ? 'expects exactly 3 arguments.' : 'expects exactly 2 arguments <match-regex> and <replace-format>.'); return; }
      rule = newRule(act === 'replace-header' ? HTTP_ACT_REPLACE_HDR : act === 'replace-value' ? HTTP_ACT_REPLACE_VAL :
        act === 'replace-path' || act === 'replace-pathq' ? HTTP_ACT_REPLACE_PATH : HTTP_ACT_REPLACE_URI, ctx);
      if (act === 'replace-pathq') rule.len = 1;      // matched against the path and the query
      const at = hdr ? 3 : 2;
      if (hdr) { rule.name = args[2].toLowerCase(); rule.nameBuf = Buffer.from(rule.name, 'latin1'); }
      rule.regex = regexOf(args[at], ctx, `'${args[0]} ${act}'`);
      if (rule.regex === null) return;
      rule.value = args[at + 1];
      const f = valueFormat(rule.value, ctx, `'${args[0]} ${act}'`);
      if (f === undefined) return;
      rule.fmt = f;
      break;
    }
    case 'set-status': {
      // http-response set-status <code> [reason <text>]
      if (isReq) break;
      const c = Number(args[2]);
      if (!(Number.isInteger(c) && c >= 100 && c <= 999)) { rerr('expects an integer status code between 100 and 999.'); return; }
      rule = newRule(HTTP_ACT_SET_STATUS, ctx);
      rule.status = c;
      for (let i = 3; i < end; i++) {
        if (args[i] === 'reason' && args[i + 1] !== undefined) rule.value = args[++i];
        else { ctx.alert(`'${args[0]} set-status' expects 'reason' <text> after the code (got '${args[i]}').`); return; }
      }
      break;
    }
    case 'auth': {
      // http-request auth [realm <realm>]: the canned 401 plus www-authenticate (realm: the proxy name by default)
      if (!isReq) break;
      let realm = px.name;
      for (let i = 2; i < end; i++) {
        if (args[i] === 'realm' && args[i + 1] !== undefined) realm = args[++i];
        else { ctx.alert(`'${args[0]} auth' : expects 'realm' <realm> (got '${args[i]}').`); return; }
      }
      rule = newRule(HTTP_ACT_AUTH, ctx);
      rule.status = 401;
      const c = cannedReply(401);
      const he = c.indexOf('\r\n\r\n');
      rule.reply = Buffer.concat([c.subarray(0, he), Buffer.from('\r\nwww-authenticate: Basic realm="' + realm + '"', 'latin1'), c.subarray(he)]);
      break;
    }
    case 'capture': {
      // http-request capture <sample> len <n> | id <slot>; http-response capture <sample> id <slot>
      if (!isReq) {
        if (end !== 5 || (args[3] !== 'id' && args[3] !== 'len')) { rerr('expects <expression> id <idx>.'); return; }
        if (args[3] !== 'id') { rerr(`expects 'id', found '${args[3]}'.`); return; }
        const id = Number(args[4]);
        if (!/^[0-9]+$/.test(args[4])) { rerr(`cannot parse id '${args[4]}'.`); return; }
        if (id >= px.log.resCaptures.length) {
          ctx.alertRaw(`Proxy '${px.name}': unable to find capture id '${id}' referenced by http-response capture rule.`);
          return;
        }
        const f = valueFormat('%[' + args[2] + ']', ctx, `'${args[0]} capture'`, true);
        if (f === undefined || f === null) return;
        rule = newRule(HTTP_ACT_CAPTURE_RES, ctx);
        rule.fmt = f;
        rule.slot = id;
        rule.len = px.log.resCaptures[id].len;
        break;
      }
      if (end !== 5 || (args[3] !== 'len' && args[3] !== 'id')) { rerr("expects <expression> [ 'len' <length> | id <idx> ]."); return; }
      const n = Number(args[4]);
      if (!Number.isInteger(n) || n < 0) { ctx.alert(`'${args[0]} capture' : invalid ${args[3]} '${args[4]}'.`); return; }
      rule = newRule(HTTP_ACT_CAPTURE, ctx);
      const f = valueFormat('%[' + args[2] + ']', ctx, `'${args[0]} capture'`, true);
      if (f === undefined || f === null) return;
      rule.fmt = f;
      if (args[3] === 'len') { rule.len = n; rule.slot = addCaptureSlot(px, 'request', '', n); }
      else {
        const slots = px.log.reqCaptures;
        if (n >= slots.length) { ctx.alert(`'${args[0]} capture' : unable to find capture id '${n}'.`); return; }
        rule.slot = n; rule.len = slots[n].len;
      }
      break;
    }
    case 'set-src': case 'set-src-port': case 'set-dst': case 'set-dst-port': {
      // the request's client address (or port) from a sample (behind a CDN: req.hdr(CF-Connecting-IP)); a value
      // that is no address (no port number) leaves it unchanged; set-dst*: the destination (http/set-dst.ts)
      if (!isReq) break;
      if (end > 3) { condExpected(args[3]); return; }
      const dst = act === 'set-dst' || act === 'set-dst-port';
      const na = end > 2 ? sampleUnavailableInRequest(args[2]) : '';
      if (na !== '') { rerr(`fetch method '${args[2]}' extracts information from '${na}', none of which is available here.`); return; }
      rule = newRule(dst ? HTTP_ACT_CUSTOM : act === 'set-src' ? HTTP_ACT_SET_SRC : HTTP_ACT_SET_SRC_PORT, ctx);
      const f = valueFormat('%[' + (end > 2 ? args[2] : '') + ']', ctx, `'${args[0]} ${act}'`, true);
      if (f === undefined) return;
      if (dst) { if (f !== null) rule.custom = httpSetDstAction(f, act === 'set-dst-port'); } else rule.fmt = f;
      break;
    }
    case 'reject': case 'silent-drop': {
      if (!isReq && act === 'reject') break;   // http-response has no reject
      if (end > 2) { condExpected(args[2]); return; }
      rule = newRule(act === 'reject' ? HTTP_ACT_REJECT : HTTP_ACT_SILENT_DROP, ctx);
      break;
    }
    case 'wait-for-body': {
      // http-request wait-for-body time <time> [at-least <bytes>]: the rules wait here for the body (http/stream.ts)
      if (!isReq) break;                 // http-response wait-for-body stays unsupported
      let ms = -1, least = 0, i = 2;
      for (; i < end; i += 2) {
        const w = args[i];
        if (w !== 'time' && w !== 'at-least') break;
        const v = args[i + 1];
        if (i + 1 >= end) { rerr(`missing argument for '${w}'.`); return; }
        if (w === 'time') {
          const t = parseTime(v);
          if (t.err === 'overflow') { rerr(`timer overflow in argument '${v}' (maximum value is 2147483647 ms or ~24.8 days)`); return; }
          if (t.err !== '') { rerr(`unexpected character '${t.badChar}'.`); return; }
          ms = t.ms;
        } else {
          least = waitSize(v);
          if (least < 0) { rerr(`unexpected character '${v[-least - 1] ?? ''}'.`); return; }
        }
      }
      if (ms < 0) { rerr('expects time <time> [ at-least <bytes> ].'); return; }
      if (i < end) { condExpected(args[i]); return; }
      rule = newRule(HTTP_ACT_WAIT_BODY, ctx);
      rule.slot = ms;
      rule.len = least;
      break;
    }
    case 'strict-mode': {
      if (end !== 3 || (args[2] !== 'on' && args[2] !== 'off')) { rerr(`expects 'on' or 'off' as argument.`); return; }
      rule = newRule(HTTP_ACT_STRICT_MODE, ctx);
      break;
    }
    case 'use-service': {
      if (!isReq || args[2] !== 'prometheus-exporter' || end !== 3) {
        ctx.alert(`'${args[0]} use-service' : only 'prometheus-exporter' is supported by Sluice, got '${args[2] ?? ''}'.`);
        return;
      }
      rule = newRule(HTTP_ACT_PROMETHEUS, ctx);
      break;
    }
    case 'redirect': {
      if (!isReq) break;
      const rd = parseRedirect(args, 2, end, ctx, 'http-request redirect');
      if (!rd) return;
      rule = newRule(HTTP_ACT_REDIRECT, ctx);
      rule.redirect = rd;
      break;
    }
    case 'return': {
      rule = newRule(HTTP_ACT_RETURN, ctx);
      rule.status = 200;
      let statusArg = '200';
      for (let i = 2; i < end; i++) {
        const w = args[i];
        if (w === 'status') { statusArg = args[++i] ?? ''; rule.status = Number(statusArg); continue; }
        const n = replyOption(args, i, end, rule, ctx, `'${args[0]} return'`);
        if (n < 0) return;
        i = n;
      }
      if (!(rule.status >= 200 && rule.status <= 599)) { rerr(`Unexpected status code '${statusArg}'.`); return; }
      if (!finishReply(rule, args, ctx, 'return')) return;
      break;
    }
    default: {
      const ext = extActions.find((k) => (act ?? '').startsWith(k.prefix) && (isReq ? k.req : !isAfter && k.res));
      if (ext !== undefined) {
        const c = ext.parse(args, end, ctx, isReq);
        if (c === null) return;
        rule = newRule(HTTP_ACT_CUSTOM, ctx);
        rule.custom = c;
        break;
      }
      // set-var(<scope.name>[,<cond>...]) <expr> | set-var-fmt(<scope.name>) <fmt> | unset-var(<scope.name>)
      const vm = /^(set-var|set-var-fmt|unset-var)\(([^,)]+)(?:,[^)]*)?\)$/.exec(act ?? '');
      if (vm === null) break;
      const name = vm[2].trim().toLowerCase();
      if (!varNameOk(name)) {
        rerr(`invalid variable name '${vm[2]}'. A variable name must be start by its scope. The scope can be 'proc', 'sess', 'txn', 'req', 'res' or 'check'.`);
        return;
      }
      const unset = vm[1] === 'unset-var';
      if (end !== (unset ? 2 : 3)) { ctx.alert(`'${args[0]} ${vm[1]}' expects ${unset ? 'no argument' : 'exactly 1 argument'}.`); return; }
      rule = newRule(unset ? HTTP_ACT_UNSET_VAR : HTTP_ACT_SET_VAR, ctx);
      rule.name = name;
      if (!unset) {
        rule.value = args[2];
        const na = isReq && vm[1] === 'set-var' ? sampleUnavailableInRequest(args[2]) : '';
        if (na !== '') {
          ctx.alert(`error detected in ${capName(ctx.proxy!.cap)} '${ctx.proxy!.name}' while parsing '${args[0]} ${args[1]}' rule : fetch method '${args[1]}' extracts information from '${na}', none of which is available here.`);
          return;
        }
        const f = valueFormat(vm[1] === 'set-var' ? '%[' + args[2] + ']' : args[2], ctx, `'${args[0]} ${args[1]}'`, vm[1] === 'set-var');
        if (f === undefined) return;
        rule.fmt = f;
        rule.len = vm[1] === 'set-var' ? 1 : 0;
      }
      break;
    }
  }
  if (rule === null) {
    if (act === 'normalize-uri' && isReq && ctx.global.ext.get('expose-experimental-directives') !== true) {
      ctx.alert(`'normalize-uri' action is experimental, must be allowed via a global 'expose-experimental-directives'`);
      return;
    }
    if (!isHaproxyAction(isReq ? HTTP_REQ_ACTIONS_26 : isAfter ? HTTP_AFTER_ACTIONS_26 : HTTP_RES_ACTIONS_26, act ?? '')) {
      ctx.alertRaw(unknownActionAlert(ctx.file, ctx.line, args[0], act));
      return;
    }
    ctx.alert(`'${args[0]}' action '${act ?? ''}' is not supported by Sluice yet (supported: allow, deny, set-header, add-header, del-header, replace-header, replace-value, set-var, set-var-fmt, unset-var${isReq ? ', auth, tarpit, reject, silent-drop, set-src, set-src-port, set-dst, set-dst-port, set-timeout, set-path, set-pathq, set-query, set-uri, set-method, replace-path, replace-pathq, replace-uri, capture, redirect, wait-for-body, early-hint, use-service prometheus-exporter' : ', set-status, capture, silent-drop'}, return).`);
    return;
  }
  if (end < args.length) {
    rule.cond = condCompile(args, end, ctx, act === 'redirect' ? ruleErrorPrefix(px, args[0], act) + 'error in condition: '
      : `error detected while parsing an '${args[0]} ${act}' condition : `);
    if (rule.cond === null) return;
  }
  (isReq ? px.http.reqRules : isAfter ? px.http.afterRules : px.http.resRules).push(rule);
}

function parseRedirectKw(args: readonly string[], ctx: KwCtx): void {
  const px = ctx.proxy;
  if (!px) return;
  const end = condAt(args, 1);
  const rd = parseRedirect(args, 1, end, ctx, 'redirect');
  if (!rd) return;
  const rule = newRule(HTTP_ACT_REDIRECT, ctx);
  rule.redirect = rd;
  if (end < args.length) {
    rule.cond = condCompile(args, end, ctx, `error detected in ${capName(px.cap)} '${px.name}' while parsing redirect rule : error in condition: `);
    if (rule.cond === null) return;
  }
  px.http.redirects.push(rule);
}

/**
 * `errorfile <code> <file>` of a proxy (`sep` ' : ') or an http-errors section (`sep` ': '), with 2.6's alerts:
 * words after the file are ignored, the code is read as atoi() reads it. Returns the code and the file's bytes.
 */
export function readErrorfile(args: readonly string[], ctx: KwCtx, sep: string): { code: number; data: Buffer } | null {
  if (args.length < 3) { ctx.alert(`errorfile${sep}expects <status_code> and <file> as arguments.${sep === ' : ' ? '\n' : ''}`); return null; }
  const code = parseInt(args[1], 10) || 0;
  if (!HTTP_ERR_CODES.includes(code)) { ctx.alert(`errorfile : status code '${code}' not handled.`); return null; }
  let data: Buffer;   // a relative path is the current directory's, as 2.6
  try { data = fs.readFileSync(args[2]); } catch { ctx.alert(`errorfile : error opening file '${args[2]}'.`); return null; }
  return { code, data };
}

function parseErrorfile(args: readonly string[], ctx: KwCtx): void {
  const px = ctx.proxy;
  if (!px) return;
  const e = readErrorfile(args, ctx, ' : ');
  if (e === null) return;
  px.http.errorFiles.set(e.code, e.data);
  px.http.errorRules.delete(e.code);
}

function parseReuse(args: readonly string[], ctx: KwCtx): void {
  const px = ctx.proxy;
  if (!px) return;
  const m = ['never', 'safe', 'aggressive', 'always'].indexOf(args[1] ?? '');
  if (m < 0 || args.length !== 2) { ctx.alert("'http-reuse' only supports 'never', 'safe', 'aggressive', 'always'."); return; }
  px.http.reuse = [HTTP_REUSE_NEVER, HTTP_REUSE_SAFE, HTTP_REUSE_AGGRESSIVE, HTTP_REUSE_ALWAYS][m];
}

function parseForwardFor(args: readonly string[], ctx: KwCtx): void {
  const px = ctx.proxy;
  if (!px) return;
  if (args[0] === 'no') { px.options &= ~PR_O_FORWARDFOR; return; }
  px.options |= PR_O_FORWARDFOR;
  px.forwardForHeader = 'x-forwarded-for';
  px.forwardForExcept = '';
  px.forwardForIfNone = false;
  for (let i = 2; i < args.length; i++) {
    const w = args[i];
    if (w === 'except') {
      const net = args[++i] ?? '';
      if (!/^\d{1,3}(\.\d{1,3}){3}(\/\d{1,2})?$/.test(net)) { ctx.alert(`'option forwardfor except' expects an IPv4 network (got '${net}').`); return; }
      px.forwardForExcept = net;
    } else if (w === 'header') {
      const h = args[++i];
      if (!h) { ctx.alert("'option forwardfor header' expects <header_name> as argument."); return; }
      px.forwardForHeader = h.toLowerCase();
    } else if (w === 'if-none') px.forwardForIfNone = true;
    else { ctx.alert(`'option forwardfor' only supports optional values: 'header', 'if-none' and 'except' (got '${w}').`); return; }
  }
}

/** The three HTTP connection modes exclude each other, as in HAProxy (the last one wins). */
function connMode(bit: number) {
  return (args: readonly string[], ctx: KwCtx): void => {
    const px = ctx.proxy;
    if (!px) return;
    const all = PR_O_HTTP_SERVER_CLOSE | PR_O_HTTPCLOSE | PR_O_HTTP_KEEP_ALIVE;
    if (args[0] === 'no') { px.options &= ~bit; return; }
    px.options = (px.options & ~all) | bit;
  };
}

function parseBufferRequest(args: readonly string[], ctx: KwCtx): void {
  if (ctx.proxy) ctx.proxy.http.bufferRequest = args[0] !== 'no';
}

function parsePreferLast(args: readonly string[], ctx: KwCtx): void {
  if (ctx.proxy) ctx.proxy.http.preferLastServer = args[0] !== 'no';
}

function parseIgnoreProbes(args: readonly string[], ctx: KwCtx): void {
  if (ctx.proxy) ctx.proxy.http.ignoreProbes = args[0] !== 'no';
}

function parsePretendKa(args: readonly string[], ctx: KwCtx): void {
  if (ctx.proxy) ctx.proxy.http.pretendKeepAlive = args[0] !== 'no';
}

/** `option idle-close-on-response` only matters during a soft stop (idle keep-alive connections): accepted. */
function parseIdleClose(): void { /* no effect in Sluice */ }

export const keywords: CfgKeyword[] = [
  { section: 'listen', name: 'http-request', cap: PR_CAP_FE | PR_CAP_BE, parse: abortOnAlert(parseHttpRule) },
  { section: 'listen', name: 'http-response', cap: PR_CAP_FE | PR_CAP_BE, parse: abortOnAlert(parseHttpRule) },
  { section: 'listen', name: 'http-after-response', cap: PR_CAP_FE | PR_CAP_BE, parse: abortOnAlert(parseHttpRule) },
  { section: 'listen', name: 'redirect', cap: PR_CAP_FE | PR_CAP_BE, parse: parseRedirectKw },
  { section: 'listen', name: 'errorfile', cap: ALL, parse: parseErrorfile },
  { section: 'listen', name: 'http-reuse', cap: PR_CAP_BE | PR_CAP_DEF, parse: parseReuse },
  { section: 'listen', name: 'option forwardfor', cap: ALL, allowNo: true, parse: parseForwardFor },
  { section: 'listen', name: 'option http-server-close', cap: ALL, allowNo: true, parse: connMode(PR_O_HTTP_SERVER_CLOSE) },
  { section: 'listen', name: 'option httpclose', cap: ALL, allowNo: true, parse: connMode(PR_O_HTTPCLOSE) },
  { section: 'listen', name: 'option http-keep-alive', cap: ALL, allowNo: true, parse: connMode(PR_O_HTTP_KEEP_ALIVE) },
  { section: 'listen', name: 'option http-buffer-request', cap: ALL, allowNo: true, parse: parseBufferRequest },
  { section: 'listen', name: 'option http-ignore-probes', cap: PR_CAP_FE | PR_CAP_DEF, allowNo: true, parse: parseIgnoreProbes },
  { section: 'listen', name: 'option http-pretend-keepalive', cap: BE, allowNo: true, parse: parsePretendKa },
  { section: 'listen', name: 'option idle-close-on-response', cap: PR_CAP_FE | PR_CAP_DEF, allowNo: true, parse: parseIdleClose },
  { section: 'listen', name: 'option prefer-last-server', cap: PR_CAP_BE | PR_CAP_DEF, allowNo: true, parse: parsePreferLast },
  ...userlistKeywords,
];
