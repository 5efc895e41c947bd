/*
 * What 2.6 names in its post-parse argument resolution errors ("... in arg N of conversion keyword 'x' for sample
 * fetch keyword 'y' in http-request expression in proxy 'p'"): where the current configuration line's sample
 * expression is, and its fetch. Also defers a converter's bad regex to that stage, as 2.6 compiles regex arguments
 * there. Read at config load from config/position.ts; used by stick/fetches.ts (table names) and log/converters.ts
 * (regsub). Hot path: no.
 */
import { cfgPosition } from '../config/position.ts';
import { splitTopLevel } from './sample.ts';
import type { Proxy } from '../model/types.ts';

/** Where 2.6 says a rule's sample expression is, in its argument resolution errors; null for other lines. */
export function exprWhere(w: readonly string[]): string | null {
  switch (w[0]) {
    case 'tcp-request': case 'tcp-response': return `${w[0]} ${w[1] ?? ''} expression`;
    case 'http-request': return w[1] === 'capture' ? 'http-response response' : w[1] === 'redirect' ? 'redirect format string' : 'http-request expression';
    case 'http-response': case 'http-after-response': return 'http-response response';
    case 'redirect': return 'redirect format string';
    case 'stick': case 'stick-store': return 'stick rule';
    case 'use_backend': return 'use_backend expression';
    default: return null;
  }
}

/** The fetch of the line's sample expression holding converter `conv` (`str` for `str(a),table_gpc0(t)`). */
export function exprFetchOf(conv: string): string {
  for (const w of cfgPosition.words) {
    const at = w.indexOf(conv);
    if (at < 0) continue;
    const open = w.lastIndexOf('%[', at);
    const head = splitTopLevel(open >= 0 ? w.slice(open + 2) : w)[0];
    return head.replace(/\(.*$/, '').trim();
  }
  return '';
}

/**
 * A converter's regex argument PCRE2 refuses (`why`: 2.6's "regex '<re>' is invalid (...)"), on the line being parsed:
 * reported once every file is parsed, in 2.6's words, as 2.6 compiles regex arguments then. Returns false when the
 * line is not one 2.6 resolves so (the caller reports the error itself).
 */
export function deferRegexArgError(conv: string, convText: string, re: string, argPos: number, why: string): boolean {
  const ctx = cfgPosition.ctx;
  const px = cfgPosition.proxy as Proxy | null;
  const words = cfgPosition.words;
  const acl = cfgPosition.acl;
  const where = acl ? '' : exprWhere(words);
  if (ctx === null || px === null || where === null) return false;
  // an ACL criterion is compiled twice (its fetch, then its converters): one report
  const key = `${cfgPosition.file}:${cfgPosition.line}:${convText}`;
  let seen = deferred.get(ctx.proxies);
  if (seen === undefined) { seen = new Set(); deferred.set(ctx.proxies, seen); }
  if (seen.has(key)) return true;
  seen.add(key);
  const fetch = exprFetchOf(convText);
  const what = acl ? `ACL keyword '${fetch}' in` : `sample fetch keyword '${fetch}' in ${where} in`;
  const text = `parsing [${cfgPosition.file}:${cfgPosition.line}]: error in regex '${re}' in arg ${argPos} of conversion keyword '${conv}' for ${what} proxy '${px.name}' : ${why}.`;
  // a dynamic use_backend rule's format is compiled at the end of 2.6's checks: its arguments are resolved last
  if (words[0] === 'use_backend') ctx.postParse(() => ctx.postParse(() => ctx.alertRaw(text)));
  else ctx.postParse(() => ctx.alertRaw(text));
  return true;
}

/** The regex errors deferred per load (keyed by its proxy table): file:line:converter. */
const deferred = new WeakMap<object, Set<string>>();
