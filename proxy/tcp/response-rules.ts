/*
 * `tcp-response inspect-delay <time>` and `tcp-response content <action> [if|unless <cond>]` (backends and named
 * defaults, 2.6's messages elsewhere): accept, reject, close, silent-drop, set-log-level, set-var(-fmt)/unset-var (tcp/vars.ts)
 * and the stick counter actions (sc-inc-gpc*, sc-set-gpt*). Compiled into TcpProxyCfg.resRules; tcp/forward.ts runs them on the server's data
 * (res.len, res.payload: acl/fetches-l4.ts) from the moment the server connection is established; an HTTP backend
 * runs them once at connect (http/stream.ts), or with an inspect delay on the response head, as 2.6. Hot path: no.
 */
import type { CfgKeyword, KwCtx } from '../config/types.ts';
import { PR_CAP_BE, PR_CAP_DEF } from '../config/types.ts';
import type { StreamLog } from '../model/types.ts';
import type { TcpRule, TcpCustomAction } from './types.ts';
import { TCP_ACT_ACCEPT, TCP_ACT_REJECT, TCP_ACT_CLOSE, TCP_ACT_CUSTOM, TCP_ACT_SILENT_DROP } from './types.ts';
import { tcpActionFind, tcpRuleCond } from './rules.ts';
import { parseTime, TIME_MAX_MS } from '../config/values.ts';
import { capName } from '../config/sections.ts';
import { l6HttpWarnOnce } from './l6-http-warn.ts';
import { LOG_LEVEL_NAMES, LOG_LEVEL_SILENT } from '../log/types.ts';

const RES_ACTIONS = "'accept', 'close', 'reject', 'ot-group', 'set-log-level', 'set-nice', 'sc-inc-gpc(*)', " +
  "'sc-inc-gpc0(*)', 'sc-inc-gpc1(*)', 'sc-set-gpt(*)', 'sc-set-gpt0(*)', 'send-spoe-group', 'set-var-fmt(*)', " +
  "'set-var(*)', 'unset-var(*)', 'set-mark', 'set-tos', 'silent-drop'";
/** 2.6 actions of tcp-response content that Sluice refuses by name (no variables on tcp streams, no socket marks). */
const RES_UNSUPPORTED = ['ot-group', 'set-nice', 'send-spoe-group', 'set-mark', 'set-tos'];

/** set-log-level on a tcp stream: its log line goes out at that level (log/emit.ts reads StreamLog.logLevel). */
class SetLogLevel implements TcpCustomAction {
  readonly level: number;
  constructor(level: number) { this.level = level; }
  run(ctx: { log?: StreamLog }): void { if (ctx.log !== undefined) ctx.log.logLevel = this.level; }
}


function parseTcpResponse(args: readonly string[], ctx: KwCtx): void {
  const px = ctx.proxy!;
  const where = `${capName(px.cap)} '${px.name}'`;
  const kind = args[1] ?? '';
  if ((px.cap & PR_CAP_DEF) !== 0 ? px.name === '' : (px.cap & PR_CAP_BE) === 0) {
    if (kind === 'content' || kind === 'inspect-delay') {
      ctx.alert(`tcp-response ${kind} is only allowed in 'backend' sections or 'defaults' section with a name`);
      return;
    }
  }
  if (kind === '') { ctx.alert(`missing argument for '${args[0]}' in ${where}`); return; }
  if (kind === 'inspect-delay') {
    const v = args[2] ?? '';
    const t = parseTime(v);
    const head = `'tcp-response inspect-delay' expects a positive delay in milliseconds, in ${where}`;
    if (v === '' || t.err === 'empty') { ctx.alert(head); return; }
    if (t.err === 'overflow') { ctx.alert(`${head} (timer overflow in '${v}', maximum value is ${TIME_MAX_MS} ms or ~24.8 days)`); return; }
    if (t.err !== '') { ctx.alert(`${head} (unexpected character '${t.badChar}')`); return; }
    px.tcp.resInspectDelay = t.ms;
    return;
  }
  if (kind !== 'content') { ctx.alert(`'tcp-response' expects 'inspect-delay' or 'content' in ${where} (got '${kind}')`); return; }
  const label = 'tcp-response content';
  const act = args[2] ?? '';
  let action = -1;
  let argc = 3;
  let custom: TcpCustomAction | undefined;
  const ext = act.startsWith('sc-') || act.startsWith('set-var') || act.startsWith('unset-var') ? tcpActionFind(act) : undefined;
  if (ext !== undefined) {
    const r = ext.parse(args, 'content', ctx);
    if (r === null) return;
    action = TCP_ACT_CUSTOM; custom = r.action; argc = r.argc;
  } else if (act === 'accept') action = TCP_ACT_ACCEPT;
  else if (act === 'reject') action = TCP_ACT_REJECT;
  else if (act === 'close') action = TCP_ACT_CLOSE;
  else if (act === 'silent-drop') action = TCP_ACT_SILENT_DROP;
  else if (act === 'set-log-level') {
    const name = args[3] ?? '';
    const level = name === 'silent' ? LOG_LEVEL_SILENT : LOG_LEVEL_NAMES.indexOf(name);
    if (level === -1) { ctx.alert(`expects exactly 1 argument (log level name or 'silent')`); return; }
    action = TCP_ACT_CUSTOM; custom = new SetLogLevel(level); argc = 4;
  } else if (RES_UNSUPPORTED.some((a) => act.startsWith(a))) {
    ctx.alert(`'${label} ${act}' is a HAProxy 2.6 action not supported by sluice yet (accept, reject, close, silent-drop, set-log-level, set-var, unset-var, sc-inc-gpc* and sc-set-gpt* are).`);
    return;
  } else { ctx.alert(`'${label}' expects ${RES_ACTIONS} in ${where} (got '${act}').`); return; }
  const cond = tcpRuleCond(args, argc, `${label} ${act}`, where, ctx);
  if (cond === undefined) return;
  const rule: TcpRule = { action, cond, file: ctx.file, line: ctx.line };
  if (custom !== undefined) rule.custom = custom;
  px.tcp.resRules.push(rule);
  l6HttpWarnOnce(px, ctx);
}

export const keywords: CfgKeyword[] = [
  { section: 'listen', name: 'tcp-response', parse: parseTcpResponse },
];
