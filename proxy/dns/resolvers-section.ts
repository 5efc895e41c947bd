/*
 * The `resolvers <name>` section: `nameserver <name> <ip>:<port>`, `parse-resolv-conf`, `accepted_payload_size`,
 * `hold <status> <period>`, `resolve_retries`, `timeout resolve|retry`, with HAProxy 2.6's messages, and the "has no
 * nameservers configured!" check. Sections are kept in global.ext under 'resolvers' (by name) for dns/runtime.ts and
 * the server keywords. Hot path: no.
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import type { CfgKeyword, KwCtx } from '../config/types.ts';
import type { GlobalSettings } from '../model/types.ts';
import type { ResolversCfg, NsCounters } from './types.ts';
import { parseTime, parseAddr, atol } from '../config/values.ts';

/** The resolvers sections of a configuration, by name. */
export function resolversOf(g: GlobalSettings): Map<string, ResolversCfg> {
  let m = g.ext.get('resolvers') as Map<string, ResolversCfg> | undefined;
  if (m === undefined) { m = new Map(); g.ext.set('resolvers', m); }
  return m;
}

export function newNsCounters(): NsCounters {
  return {
    sent: 0, sndError: 0, valid: 0, update: 0, cname: 0, cnameError: 0, anyErr: 0, nx: 0, timeout: 0, refused: 0,
    other: 0, invalid: 0, tooBig: 0, truncated: 0, outdated: 0,
  };
}

let current: ResolversCfg | null = null;

function parseResolvers(args: readonly string[], ctx: KwCtx): void {
  // 2.6 stops reading the configuration on both errors (and, for a second section of a name, says "out of memory")
  if (args.length < 2 || args[1] === '') { ctx.alert(`missing name for resolvers section.`); current = null; ctx.abort?.(); return; }
  const all = resolversOf(ctx.global);
  const prev = all.get(args[1]);
  if (prev !== undefined) {
    ctx.alertRaw(`Parsing [${ctx.file}:${ctx.line}]: resolvers '${args[1]}' has same name as another resolvers (declared at ${prev.file}:${prev.line}).`);
    ctx.alert('out of memory.');
    current = null;
    ctx.abort?.();
    return;
  }
  const r: ResolversCfg = {
    name: args[1], file: ctx.file, line: ctx.line, nameservers: [], acceptedPayloadSize: 512, holdNx: 30000,
    holdOther: 30000, holdRefused: 30000, holdTimeout: 30000, holdValid: 10000, holdObsolete: 0, resolveRetries: 3,
    timeoutResolve: 1000, timeoutRetry: 1000,
  };
  current = r;
  if (prev === undefined) all.set(r.name, r);
  ctx.postParse(() => {
    if (r.nameservers.length === 0) ctx.warnRaw(`resolvers '${r.name}' [${r.file}:${r.line}] has no nameservers configured!`);
  });
}

function cur(ctx: KwCtx): ResolversCfg | null {
  if (current === null) ctx.alert(`'${ctx.section}' section without a resolvers name.`);
  return current;
}

/** Where each `nameserver` line was (2.6 names it when a later one reuses its name). */
const nsDeclared = new WeakMap<object, string>();

function parseNameserver(args: readonly string[], ctx: KwCtx): void {
  const r = cur(ctx);
  if (r === null) return;
  if (args.length < 3) { ctx.alert(`'${args[0]}' expects <name> and <addr>[:<port>] as arguments.`); return; }
  const name = args[1];
  for (const ns of r.nameservers) {
    if (ns.name === name) {
      ctx.alertRaw(`Parsing [${ctx.file}:${ctx.line}]: nameserver '${name}' has same name as another nameserver (declared at ${nsDeclared.get(ns) ?? `${r.file}:${r.line}`}).`);
      return;
    }
  }
  const spec = args[2].startsWith('udp@') ? args[2].slice(4) : args[2];
  const a = parseAddr(spec, true);
  if (a.err !== '') {
    ctx.alert(`'${args[0]} ${name}' : ${a.err}`);
    return;
  }
  if (a.path !== '' || isIP(a.host) === 0) { ctx.alert(`'${args[0]} ${name}' : invalid address: '${a.host}' in '${args[2]}'\n`); return; }
  const ns = { name, host: a.host, port: a.port, counters: newNsCounters() };
  nsDeclared.set(ns, `${ctx.file}:${ctx.line}`);
  r.nameservers.push(ns);
}

/** `parse-resolv-conf`: the nameservers of /etc/resolv.conf, named after their address, port 53. */
function parseResolvConf(_args: readonly string[], ctx: KwCtx): void {
  const r = cur(ctx);
  if (r === null) return;
  let text: string;
  try { text = readFileSync('/etc/resolv.conf', 'utf8'); } catch {
    ctx.alert(`failed to open /etc/resolv.conf.`);
    return;
  }
  for (const line of text.split('\n')) {
    const w = line.trim().split(/\s+/);
    if (w[0] !== 'nameserver' || w[1] === undefined || isIP(w[1]) === 0) continue;
    if (r.nameservers.some((n) => n.name === w[1])) continue;
    r.nameservers.push({ name: w[1], host: w[1], port: 53, counters: newNsCounters() });
  }
}

function parsePayloadSize(args: readonly string[], ctx: KwCtx): void {
  const r = cur(ctx);
  if (r === null) return;
  if (args[1] === undefined || args[1] === '') { ctx.alert(`'${args[0]}' expects <nb> as argument.`); return; }
  const n = atol(args[1]);
  if (n < 12 || n > 65535) { ctx.alert(`'${args[0]}' must be between 12 and 65535 inclusive (was ${args[1]}).`); return; }
  r.acceptedPayloadSize = n;
}

/** A time argument as 2.6 reads it here: its errors have no space before the colon. */
function timeArg(v: string, what: string, ctx: KwCtx): number {
  const t = parseTime(v);
  if (t.err === 'overflow') { ctx.alertRaw(`parsing [${ctx.file}:${ctx.line}]: timer overflow in argument '${v}' to <${what}> (maximum value is 2147483647 ms or ~24.8 days).`); return -1; }
  if (t.err !== '') { ctx.alertRaw(`parsing [${ctx.file}:${ctx.line}]: unexpected character '${t.badChar}' in argument to <${what}>.`); return -1; }
  return t.ms;
}

function parseHold(args: readonly string[], ctx: KwCtx): void {
  const r = cur(ctx);
  if (r === null) return;
  if (args.length < 3 || args[2] === '') {
    ctx.alert(`'${args[0]}' expects an <event> and a <time> as arguments.`);
    ctx.alertRaw(`<event> can be either 'valid', 'nx', 'refused', 'timeout', or 'other'`);
    return;
  }
  const ev = args[1];
  if (!['nx', 'other', 'refused', 'timeout', 'valid', 'obsolete'].includes(ev)) {
    ctx.alert(`'${args[0]}' unknown <event>: '${ev}', expects either 'nx', 'timeout', 'valid', 'obsolete' or 'other'.`);
    return;
  }
  const ms = timeArg(args[2], 'hold', ctx);
  if (ms < 0) return;
  if (ev === 'nx') r.holdNx = ms;
  else if (ev === 'other') r.holdOther = ms;
  else if (ev === 'refused') r.holdRefused = ms;
  else if (ev === 'timeout') r.holdTimeout = ms;
  else if (ev === 'valid') r.holdValid = ms;
  else r.holdObsolete = ms;
}

function parseRetries(args: readonly string[], ctx: KwCtx): void {
  const r = cur(ctx);
  if (r === null) return;
  if (args[1] === undefined || args[1] === '') { ctx.alert(`'${args[0]}' expects <nb> as argument.`); return; }
  r.resolveRetries = atol(args[1]);
}

function parseTimeout(args: readonly string[], ctx: KwCtx): void {
  const r = cur(ctx);
  if (r === null) return;
  const which = args[1];
  if (which === undefined || which === '') { ctx.alert(`'${args[0]}' expects 'retry' or 'resolve' and <time> as arguments.`); return; }
  if (which !== 'retry' && which !== 'resolve') {
    ctx.alert(`'${args[0]}' expects 'retry' or 'resolve' and <time> as arguments got '${which}'.`);
    return;
  }
  if (args[2] === undefined || args[2] === '') { ctx.alert(`'${args[0]} ${which}' expects <time> as argument.`); return; }
  const ms = timeArg(args[2], `${args[0]} ${which}`, ctx);
  if (ms < 0) return;
  if (which === 'retry') r.timeoutRetry = ms; else r.timeoutResolve = ms;
}

export const resolversKeywords: CfgKeyword[] = [
  { section: 'resolvers', name: 'resolvers', parse: parseResolvers },
  { section: 'resolvers', name: 'nameserver', parse: parseNameserver },
  { section: 'resolvers', name: 'parse-resolv-conf', parse: parseResolvConf },
  { section: 'resolvers', name: 'accepted_payload_size', parse: parsePayloadSize },
  { section: 'resolvers', name: 'hold', parse: parseHold },
  { section: 'resolvers', name: 'resolve_retries', parse: parseRetries },
  { section: 'resolvers', name: 'timeout', parse: parseTimeout },
];
