/*
 * Error message customisation beyond `errorfile` (http/keywords.ts): `errorloc`/`errorloc302`/`errorloc303 <code>
 * <url>` (a redirect sent instead of the error, logged with the error's status, as 2.6), `http-error status <code>
 * [content-type ..] [default-errorfiles|errorfile <f>|errorfiles <name>|string|lf-string|file|lf-file] [hdr n fmt]*`,
 * `http-errors <name>` sections of `errorfile` lines and `errorfiles <name> [code]*` importing them. The last
 * declaration of a code wins. Replies land in HttpProxyCfg.errorFiles (static) or errorRules (evaluated per request);
 * proxyErrorReply() is what http/stream.ts asks. Registered by proxy/modules.ts. Hot path: no (errors only).
 */
import fs from 'node:fs';
import type { CfgKeyword, KwCtx } from '../config/types.ts';
import { PR_CAP_FE, PR_CAP_BE, PR_CAP_DEF } from '../config/types.ts';
import type { SampleCtx } from '../acl/types.ts';
import type { Proxy } from '../model/types.ts';
import { HTTP_ACT_RETURN } from './types.ts';
import { HTTP_ERR_CODES } from './canned-errors.ts';
import { newRule, replyOption, finishReply, readErrorfile, replyNoCtype } from './keywords.ts';
import { ruleReply, type RuleOut } from './rules.ts';
import { httpErrorsSections } from './http-errors-store.ts';

const ALL = PR_CAP_FE | PR_CAP_BE | PR_CAP_DEF;

let current: Map<number, Buffer> | null = null;
/** Parse order of each proxy's last direct setting per code, so that a deferred `errorfiles` does not override it. */
const setAt = new WeakMap<Proxy, Map<number, number>>();
let seq = 0;

/** The custom reply of `px` for `status`, evaluated for this request when needed; undefined = none. */
export function proxyErrorReply(px: Proxy, status: number, ctx: SampleCtx, out: RuleOut): Buffer | undefined {
  const b = px.http.errorFiles.get(status);
  if (b !== undefined) return b;
  if (px.http.errorRules.size === 0) return undefined;
  const r = px.http.errorRules.get(status);
  return r === undefined ? undefined : ruleReply(r, ctx, out);
}

function readFile(f: string, ctx: KwCtx): Buffer | null {
  try { return fs.readFileSync(f); } catch { return null; }
}

function mark(px: Proxy, code: number): void {
  let m = setAt.get(px);
  if (m === undefined) { m = new Map(); setAt.set(px, m); }
  m.set(code, ++seq);
}

function setStatic(px: Proxy, code: number, b: Buffer): void {
  px.http.errorFiles.set(code, b);
  px.http.errorRules.delete(code);
  mark(px, code);
}

/** The redirect 2.6 sends for errorloc302/303 (header order as it writes them). */
export function errorlocReply(code: number, url: string): Buffer {
  return Buffer.from(`HTTP/1.1 ${code} ${code === 303 ? 'See Other' : 'Found'}\r\ncache-control: no-cache\r\ncontent-length: 0\r\nlocation: ${url}\r\n\r\n`, 'latin1');
}

function parseErrorloc(args: readonly string[], ctx: KwCtx): void {
  const px = ctx.proxy;
  if (!px) return;
  if (args.length < 3) { ctx.alert(`${args[0]} : expects <status_code> and <url> as arguments.\n`); return; }
  const code = Number(args[1]);
  if (!HTTP_ERR_CODES.includes(code)) { ctx.alert(`${args[0]} : status code '${args[1]}' not handled.`); return; }
  setStatic(px, code, errorlocReply(args[0] === 'errorloc303' ? 303 : 302, args[2]));
}

/** Applies `errorfiles <name> [codes]` to `px`; `after` = only codes not set directly after that line. */
function importSection(px: Proxy, sec: Map<number, Buffer>, codes: number[], after: number, ctx: KwCtx, name: string): void {
  const m = setAt.get(px);
  for (const c of codes.length > 0 ? codes : [...sec.keys()]) {
    const b = sec.get(c);
    if (b === undefined) {
      ctx.warnRaw(`config: ${px.cap & PR_CAP_DEF ? 'defaults' : 'proxy'} '${px.name}' : status '${c}' not declared in http-errors section '${name}' (at ${ctx.file}:${ctx.line}).`);
      continue;
    }
    if (after > 0 && m !== undefined && (m.get(c) ?? 0) > after) continue;
    setStatic(px, c, b);
  }
}

function parseErrorfiles(args: readonly string[], ctx: KwCtx): void {
  const px = ctx.proxy;
  if (!px) return;
  if (args.length < 2) { ctx.alert(`${args[0]} : expects <name> as argument.`); return; }
  const codes: number[] = [];
  for (let i = 2; i < args.length; i++) {
    const c = Number(args[i]);
    if (!HTTP_ERR_CODES.includes(c)) { ctx.alert(`${args[0]} : status code '${args[i]}' not handled.`); return; }
    codes.push(c);
  }
  const name = args[1];
  const sec = httpErrorsSections(ctx.global).get(name);
  if (sec !== undefined) { importSection(px, sec, codes, 0, ctx, name); return; }
  // a section declared further down: resolved once everything is parsed (2.6 resolves them all then)
  const at = ++seq;
  ctx.postParse(() => {
    const s = httpErrorsSections(ctx.global).get(name);
    if (s === undefined) { ctx.alertRaw(`proxy '${px.name}': unknown http-errors section '${name}' (at ${ctx.file}:${ctx.line}).`); return; }
    importSection(px, s, codes, at, ctx, name);
  });
}

function parseHttpError(args: readonly string[], ctx: KwCtx): void {
  const px = ctx.proxy;
  if (!px) return;
  if (args[1] !== 'status' || args[2] === undefined) { ctx.alert('http-error : expects at least a <status> as arguments.\n'); return; }
  const code = Number(args[2]);
  if (!HTTP_ERR_CODES.includes(code)) { ctx.alert(`http-error : status code '${args[2]}' not handled.`); return; }
  const rule = newRule(HTTP_ACT_RETURN, ctx);
  rule.status = code;
  let fromFile: Buffer | null = null;
  let canned = false;
  for (let i = 3; i < args.length; i++) {
    const w = args[i];
    if (w === 'default-errorfiles') { canned = true; continue; }
    if (w === 'errorfile') {
      fromFile = readFile(args[++i] ?? '', ctx);
      if (fromFile === null) { ctx.alert(`http-error : error opening file '${args[i] ?? ''}'.`); return; }
      continue;
    }
    if (w === 'errorfiles') {
      const sec = httpErrorsSections(ctx.global).get(args[++i] ?? '');
      const b = sec?.get(code);
      if (b === undefined) { ctx.alert(`http-error : unknown http-errors section '${args[i] ?? ''}' or status '${code}' not declared there.`); return; }
      fromFile = b;
      continue;
    }
    if (!['content-type', 'string', 'lf-string', 'file', 'lf-file', 'hdr'].includes(w)) { ctx.alert(`http-error : unknown keyword '${w}'.`); return; }
    const n = replyOption(args, i, args.length, rule, ctx, 'http-error');
    if (n < 0) return;
    i = n;
  }
  const noCtype = replyNoCtype(rule);
  if (noCtype !== '') { ctx.alert('http-error : ' + noCtype); return; }
  if (canned) {
    px.http.errorFiles.delete(code); px.http.errorRules.delete(code);
    mark(px, code);
    return;
  }
  if (fromFile !== null) { setStatic(px, code, fromFile); return; }
  if (!finishReply(rule, args, ctx, 'http-error')) return;
  if (rule.reply !== null) { setStatic(px, code, rule.reply); return; }
  px.http.errorFiles.delete(code);
  px.http.errorRules.set(code, rule);
  mark(px, code);
}

/** Where each http-errors section of a load (by its GlobalSettings) was declared, "file:line". */
const sectionDeclared = new WeakMap<object, Map<string, string>>();

function parseSection(args: readonly string[], ctx: KwCtx): void {
  if (args.length < 2) { ctx.alert('missing name for http-errors section.'); current = null; ctx.abort?.(); return; }
  const all = httpErrorsSections(ctx.global);
  let at = sectionDeclared.get(ctx.global);
  if (at === undefined) { at = new Map(); sectionDeclared.set(ctx.global, at); }
  const prev = at.get(args[1]);
  if (prev !== undefined) {
    ctx.alertRaw(`parsing [${ctx.file}:${ctx.line}]: http-errors section '${args[1]}' already exists (declared at ${prev}).`);
  } else at.set(args[1], `${ctx.file}:${ctx.line}`);
  current = new Map();
  all.set(args[1], current);
}

function parseSectionErrorfile(args: readonly string[], ctx: KwCtx): void {
  if (current === null) return;
  const e = readErrorfile(args, ctx, ': ');
  if (e !== null) current.set(e.code, e.data);
}

export const keywords: CfgKeyword[] = [
  { section: 'listen', name: 'errorloc', cap: ALL, parse: parseErrorloc },
  { section: 'listen', name: 'errorloc302', cap: ALL, parse: parseErrorloc },
  { section: 'listen', name: 'errorloc303', cap: ALL, parse: parseErrorloc },
  { section: 'listen', name: 'errorfiles', cap: ALL, parse: parseErrorfiles },
  { section: 'listen', name: 'http-error', cap: ALL, parse: parseHttpError },
  { section: 'http-errors', name: 'http-errors', parse: parseSection },
  { section: 'http-errors', name: 'errorfile', parse: parseSectionErrorfile },
];
