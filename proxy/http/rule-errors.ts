/*
 * HAProxy 2.6's texts for errors in `http-request` / `http-response` rules: the action lists it prints for an unknown
 * action (with a "did you mean" hint), and the "error detected in <proxy> while parsing '<kw> <act>' rule" prefix.
 * Actions 2.6 knows but Sluice does not implement are told apart so that they keep Sluice's "not supported" alert.
 * Called by http/keywords.ts at load time. Hot path: no.
 */
import type { Proxy } from '../model/types.ts';
import type { KwCtx } from '../config/types.ts';
import { capName } from '../config/sections.ts';
import { bestMatch } from '../config/registry.ts';

/** `http-request` actions in the order 2.6.12 lists them ('(*)': takes an argument in parentheses). */
export const HTTP_REQ_ACTIONS_26: readonly string[] = [
  'wait-for-handshake', 'ot-group', 'set-log-level', 'set-nice', 'use-service', 'sc-inc-gpc(*)', 'sc-inc-gpc0(*)',
  'sc-inc-gpc1(*)', 'sc-set-gpt(*)', 'sc-set-gpt0(*)', 'send-spoe-group', 'do-resolve(*)', 'cache-use', 'add-acl(*)',
  'add-header', 'allow', 'auth', 'capture', 'del-acl(*)', 'del-header', 'del-map(*)', 'deny', 'disable-l7-retry',
  'early-hint', 'normalize-uri', 'redirect', 'reject', 'replace-header', 'replace-path', 'replace-pathq', 'replace-uri',
  'replace-value', 'return', 'set-header', 'set-map(*)', 'set-method', 'set-path', 'set-pathq', 'set-query', 'set-uri',
  'strict-mode', 'tarpit', 'track-sc(*)', 'set-timeout', 'wait-for-body', 'set-var-fmt(*)', 'set-var(*)',
  'unset-var(*)', 'set-dst', 'set-dst-port', 'set-mark', 'set-src', 'set-src-port', 'set-tos', 'silent-drop',
  'set-priority-class', 'set-priority-offset',
];

/** `http-response` actions in the order 2.6.12 lists them. */
export const HTTP_RES_ACTIONS_26: readonly string[] = [
  'ot-group', 'set-log-level', 'set-nice', 'sc-inc-gpc(*)', 'sc-inc-gpc0(*)', 'sc-inc-gpc1(*)', 'sc-set-gpt(*)',
  'sc-set-gpt0(*)', 'send-spoe-group', 'cache-store', 'add-acl(*)', 'add-header', 'allow', 'capture', 'del-acl(*)',
  'del-header', 'del-map(*)', 'deny', 'redirect', 'replace-header', 'replace-value', 'return', 'set-header',
  'set-map(*)', 'set-status', 'strict-mode', 'track-sc(*)', 'wait-for-body', 'set-var-fmt(*)', 'set-var(*)',
  'unset-var(*)', 'set-mark', 'set-tos', 'silent-drop',
];

/** `http-after-response` actions in the order 2.6.12 lists them. */
export const HTTP_AFTER_ACTIONS_26: readonly string[] = [
  'ot-group', 'add-header', 'allow', 'capture', 'del-header', 'replace-header', 'replace-value', 'set-header',
  'set-status', 'strict-mode', 'set-var-fmt(*)', 'set-var(*)', 'unset-var(*)',
];

/** True when `act` names an action of `list` (`set-var(txn.x)` for 'set-var(*)', `track-sc0` for 'track-sc(*)'). */
export function isHaproxyAction(list: readonly string[], act: string): boolean {
  for (const a of list) {
    if (!a.endsWith('(*)')) { if (a === act) return true; continue; }
    const stem = a.slice(0, -3);
    if (act.startsWith(stem + '(')) return true;
    if (stem === 'track-sc' && /^track-sc[0-9]+$/.test(act)) return true;
    if (/^sc-(inc-gpc|set-gpt)[01]?$/.test(stem) && act.startsWith(stem) && /^[0-9]+$/.test(act.slice(stem.length))) return true;
  }
  return false;
}

/** The whole alert line (with its `parsing [file:line]:` prefix, no space before the colon, as 2.6) for an unknown action. */
export function unknownActionAlert(file: string, line: number, kw: string, act: string | undefined): string {
  const list = kw === 'http-request' ? HTTP_REQ_ACTIONS_26 : kw === 'http-after-response' ? HTTP_AFTER_ACTIONS_26 : HTTP_RES_ACTIONS_26;
  let msg = `parsing [${file}:${line}]: '${kw}' expects ${list.map((a) => `'${a}'`).join(', ')}, but got '${act ?? ''}'`;
  if (act === undefined || act === '') return msg + ' (missing argument).';
  const hint = bestMatch(act, list.filter((a) => !a.endsWith('(*)')));
  return msg + (hint !== '' ? `. Did you mean '${hint}' maybe ?` : '.');
}

/** "error detected in frontend 'fe' while parsing 'http-request set-header' rule : " */
export function ruleErrorPrefix(px: Proxy, kw: string, act: string): string {
  return `error detected in ${capName(px.cap)} '${px.name}' while parsing '${kw} ${act}' rule : `;
}

/** Wraps a keyword parser so that any alert it raises stops the parse after this line (2.6's ERR_ABORT). */
export function abortOnAlert(parse: (args: readonly string[], ctx: KwCtx) => void): (args: readonly string[], ctx: KwCtx) => void {
  return (args, ctx) => {
    let failed = false;
    const c: KwCtx = {
      file: ctx.file, line: ctx.line, section: ctx.section, proxy: ctx.proxy, global: ctx.global, proxies: ctx.proxies,
      alert: (m) => { failed = true; ctx.alert(m); },
      alertRaw: (m) => { failed = true; ctx.alertRaw(m); },
      warn: (m) => ctx.warn(m),
      warnRaw: (m) => ctx.warnRaw(m),
      postParse: (fn) => ctx.postParse(fn),
    };
    parse(args, c);
    if (failed) ctx.abort?.();
  };
}
