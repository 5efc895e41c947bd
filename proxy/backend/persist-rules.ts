/*
 * Persistence overrides of a backend: `use-server <srv> if|unless <cond>`, `force-persist if|unless <cond>`,
 * `ignore-persist if|unless <cond>` and `option persist`, with HAProxy 2.6's parse errors. At request time the HTTP and
 * TCP streams call prstFlags() (first matching force/ignore rule, plus `option persist`) before the cookie lookup, then
 * useServerPick() when no cookie chose a server. Rules live in a per-backend table, so a backend without them pays one
 * boolean test (prstState.on). Hot path: yes, for backends with these keywords only.
 */
import path from 'node:path';
import type { CfgKeyword, KwCtx } from '../config/types.ts';
import { PR_CAP_BE, PR_CAP_DEF } from '../config/types.ts';
import type { Proxy, Server } from '../model/types.ts';
import type { AclCond, SampleCtx } from '../acl/types.ts';
import { compileCond, aclCondExec } from '../acl/compile.ts';
import { aclCondAtLoad } from '../acl/keywords.ts';
import { capName } from '../config/sections.ts';
import { srvAcceptsPersistent } from './server.ts';
import { PRST_FORCE, PRST_IGNORE, PRST_OPTION } from './types.ts';

interface UseServerRule { name: string; srv: Server | null; cond: AclCond | null }
interface PersistRule { force: boolean; cond: AclCond | null }
interface PersistCfg { optPersist: boolean; useServer: UseServerRule[]; rules: PersistRule[] }

const cfgs = new WeakMap<Proxy, PersistCfg>();

/** Whether any proxy of the running configuration uses these keywords (streams test it before calling in). */
export const prstState = { on: false };

function cfgOf(px: Proxy): PersistCfg {
  let c = cfgs.get(px);
  if (c === undefined) { c = { optPersist: false, useServer: [], rules: [] }; cfgs.set(px, c); }
  return c;
}

/** Model init hook (proxy/modules.ts): a proxy inherits `option persist` from its defaults section. */
export function persistProxyInit(px: Proxy, def: Proxy | null): void {
  const d = def !== null ? cfgs.get(def) : undefined;
  if (d !== undefined && d.optPersist) { cfgOf(px).optPersist = true; prstState.on = true; }
}

/**
 * The persistence flags of a request to `be` (PRST_*): the first force-persist/ignore-persist rule whose condition
 * holds, plus PRST_OPTION with `option persist`. 0 for a backend without any of these. Allocates nothing.
 */
export function prstFlags(ctx: SampleCtx, be: Proxy): number {
  const c = cfgs.get(be);
  if (c === undefined) return 0;
  let f = c.optPersist ? PRST_OPTION : 0;
  const rules = c.rules;
  for (let i = 0; i < rules.length; i++) {
    const r = rules[i];
    if (aclCondExec(r.cond, ctx)) { f |= r.force ? PRST_FORCE : PRST_IGNORE; break; }
  }
  return f;
}

/**
 * The server of the first `use-server` rule whose condition holds and whose server may take the request (not down
 * nor in maintenance, unless `flags` has PRST_FORCE or PRST_OPTION), else null (the LB decides).
 */
export function useServerPick(ctx: SampleCtx, be: Proxy, flags: number): Server | null {
  const c = cfgs.get(be);
  if (c === undefined) return null;
  const rules = c.useServer;
  for (let i = 0; i < rules.length; i++) {
    const r = rules[i];
    if (!aclCondExec(r.cond, ctx)) continue;
    const s = r.srv!;
    if (srvAcceptsPersistent(s) || (flags & (PRST_FORCE | PRST_OPTION)) !== 0) return s;
  }
  return null;
}

function parseCondTail(args: readonly string[], at: number, label: string, ctx: KwCtx): AclCond | null | undefined {
  const px = ctx.proxy!;
  const w = args[at];
  if (w !== 'if' && w !== 'unless') {
    ctx.alert(`'${label}' requires either 'if' or 'unless' followed by a condition.`);
    return undefined;
  }
  if (args.length <= at + 1) return null;
  const r = compileCond(args, at, (n) => px.acls.find((a) => a.name === n), path.dirname(ctx.file), ctx.file, ctx.line);
  if (typeof r === 'string') {
    const msg = r.endsWith('.') ? r : r + '.';
    ctx.alert(`error detected while parsing ${label === 'use-server' ? 'switching rule' : `a '${label}' rule`} : ${msg}`);
    return undefined;
  }
  aclCondAtLoad(r, ctx);
  return r;
}

function parseUseServer(args: readonly string[], ctx: KwCtx): void {
  const px = ctx.proxy!;
  if (args.length < 2 || args[1] === '') { ctx.alert(`'${args[0]}' expects a server name.`); return; }
  const cond = parseCondTail(args, 2, args[0], ctx);
  if (cond === undefined) return;
  const rule: UseServerRule = { name: args[1], srv: null, cond };
  cfgOf(px).useServer.push(rule);
  prstState.on = true;
  ctx.postParse(() => {
    const s = px.servers.find((x) => x.name === rule.name);
    if (s === undefined) { ctx.alertRaw(`${capName(px.cap)} '${px.name}' : unable to find server '${rule.name}' referenced in a 'use-server' rule.`); return; }
    rule.srv = s;
  });
}

function parsePersistRule(args: readonly string[], ctx: KwCtx): void {
  const px = ctx.proxy!;
  const cond = parseCondTail(args, 1, args[0], ctx);
  if (cond === undefined) return;
  cfgOf(px).rules.push({ force: args[0] === 'force-persist', cond });
  prstState.on = true;
}

function parseOptionPersist(args: readonly string[], ctx: KwCtx): void {
  const neg = args[0] === 'no';
  const from = neg || args[0] === 'default' ? 1 : 0;
  if (args.length > from + 2) { ctx.alert(`'${args[from]} ${args[from + 1]}' cannot handle unexpected argument '${args[from + 2]}'.`); return; }
  cfgOf(ctx.proxy!).optPersist = !neg;
  if (!neg) prstState.on = true;
}

export const keywords: CfgKeyword[] = [
  { section: 'listen', name: 'use-server', cap: PR_CAP_BE, parse: parseUseServer },
  { section: 'listen', name: 'force-persist', cap: PR_CAP_BE, parse: parsePersistRule },
  { section: 'listen', name: 'ignore-persist', cap: PR_CAP_BE, parse: parsePersistRule },
  { section: 'listen', name: 'option persist', cap: PR_CAP_BE | PR_CAP_DEF, allowNo: true, parse: parseOptionPersist },
];
