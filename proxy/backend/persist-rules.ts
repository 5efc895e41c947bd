/*
 * Persistence overrides of a backend: `use-server <srv> if|unless <cond>`, `force-persist if|unless <cond>`,
 * `ignore-persist if|unless <cond>`, `option persist` and `persist rdp-cookie[(<name>)]` (tcp streams: the RDP
 * broker's msts cookie names the server's address), with HAProxy 2.6's parse errors. At request time the HTTP and
 * TCP streams call prstFlags() (first matching force/ignore rule, plus `option persist`) before the cookie lookup, then
 * useServerPick() when no cookie chose a server. Rules live in a per-backend table, so a backend without them pays one
 * boolean test (prstState.on). Hot path: yes, for backends with these keywords only.
 */
import { condUsesL6, l6HttpWarn } from '../tcp/l6-http-warn.ts';
import type { CfgKeyword, KwCtx } from '../config/types.ts';
import { PR_CAP_BE, PR_CAP_DEF } from '../config/types.ts';
import type { Proxy, Server } from '../model/types.ts';
import type { AclCond, SampleCtx } from '../acl/types.ts';
import { compileCond, aclCondExec } from '../acl/compile.ts';
import { aclCondAtLoad } from '../acl/keywords.ts';
import { capName } from '../config/sections.ts';
import { srvAcceptsPersistent } from './server.ts';
import { PRST_FORCE, PRST_IGNORE, PRST_OPTION } from './types.ts';
import { rdpCookieFind, RDP_FOUND } from '../tcp/rdp-cookie.ts';
import { ipv4Value } from '../net/ipv4.ts';

interface UseServerRule { name: string; srv: Server | null; cond: AclCond | null }
interface PersistRule { force: boolean; cond: AclCond | null }
interface PersistCfg { optPersist: boolean; useServer: UseServerRule[]; rules: PersistRule[]; rdpName: string }

const cfgs = new WeakMap<Proxy, PersistCfg>();

/** Whether any proxy of the running configuration uses these keywords (streams test it before calling in). */
export const prstState = { on: false };

function cfgOf(px: Proxy): PersistCfg {
  let c = cfgs.get(px);
  if (c === undefined) { c = { optPersist: false, useServer: [], rules: [], rdpName: '' }; cfgs.set(px, c); }
  return c;
}

/** Model init hook (proxy/modules.ts): a proxy inherits `option persist` and `persist rdp-cookie` from its defaults. */
export function persistProxyInit(px: Proxy, def: Proxy | null): void {
  const d = def !== null ? cfgs.get(def) : undefined;
  if (d === undefined || (!d.optPersist && d.rdpName === '')) return;
  const c = cfgOf(px);
  c.optPersist = d.optPersist;
  c.rdpName = d.rdpName;
  prstState.on = true;
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

const rdpPos = new Int32Array(2);

/**
 * `persist rdp-cookie`: the server whose IPv4 address and port the client's "msts=<addr>.<port>.<x>" cookie names
 * (both decimal, in network byte order read as little-endian numbers, as the RDP broker writes them), when it is up
 * or `option persist` is set; else null. Reads the client bytes held by the tcp stream (ctx.l4Data).
 */
export function rdpPersistPick(ctx: SampleCtx, be: Proxy, flags: number): Server | null {
  const c = cfgs.get(be);
  const d = ctx.l4Data;
  if (c === undefined || c.rdpName === '' || d === undefined || d === null) return null;
  if (rdpCookieFind(d, c.rdpName, rdpPos) !== RDP_FOUND) return null;
  let i = rdpPos[0];
  const e = rdpPos[1];
  let addr = 0, port = 0, n = 0;
  for (; i < e && d[i] >= 0x30 && d[i] <= 0x39; i++, n++) addr = addr * 10 + d[i] - 0x30;
  if (n === 0 || i >= e || d[i] !== 0x2e) return null;
  for (i++, n = 0; i < e && d[i] >= 0x30 && d[i] <= 0x39; i++, n++) port = port * 10 + d[i] - 0x30;
  if (n === 0 || i >= e || d[i] !== 0x2e) return null;
  addr = addr >>> 0;
  port &= 0xffff;
  // little-endian reading of network-order bytes: addr's low byte is the first octet, port's bytes are swapped
  const ip4 = (((addr & 0xff) << 24) | (((addr >>> 8) & 0xff) << 16) | (((addr >>> 16) & 0xff) << 8) | (addr >>> 24)) >>> 0;
  const p = ((port & 0xff) << 8) | (port >>> 8);
  const list = be.servers;
  for (let k = 0; k < list.length; k++) {
    const s = list[k];
    if (s.port !== p || s.path !== '' || ipv4Value(s.host) !== ip4) continue;
    if (srvAcceptsPersistent(s) || (flags & PRST_OPTION) !== 0) return s;
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
  const r = compileCond(args, at, (n) => px.acls.find((a) => a.name === n), '', ctx.file, ctx.line);
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
  const file = ctx.file, line = ctx.line;
  ctx.postParse(() => {
    if (condUsesL6(cond)) l6HttpWarn(px, ctx, file, line);
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

function parsePersist(args: readonly string[], ctx: KwCtx): void {
  const m = args[1] ?? '';
  if (m === '') { ctx.alert(`missing persist method.`); return; }
  if (m !== 'rdp-cookie' && !m.startsWith('rdp-cookie(')) { ctx.alert(`unknown persist method.`); return; }
  // 2.6 ignores words after a bare `rdp-cookie`, but not after `rdp-cookie(name)`
  if (args.length > 2 && m !== 'rdp-cookie') { ctx.alert(`'${args[0]}' cannot handle unexpected argument '${args[2]}'.`); return; }
  let name = 'msts';
  if (m !== 'rdp-cookie') {
    if (!m.endsWith(')') || m.length <= 12) { ctx.alert(`persist rdp-cookie(name)' requires an rdp cookie name.`); return; }
    name = m.slice(11, -1).toLowerCase();
  }
  const px = ctx.proxy!;
  if ((px.cap & (PR_CAP_BE | PR_CAP_DEF)) === 0) return;     // a frontend ignores it silently, as 2.6
  cfgOf(px).rdpName = name;
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
  { section: 'listen', name: 'persist', parse: parsePersist },
  { section: 'listen', name: 'option persist', cap: PR_CAP_BE | PR_CAP_DEF, allowNo: true, parse: parseOptionPersist },
];

/** A `use-server` rule of `srv`'s backend names it: 2.6 will not delete such a server at runtime. */
export function srvUsedByRule(srv: Server): boolean {
  const c = cfgs.get(srv.proxy);
  return c !== undefined && c.useServer.some((r) => r.srv === srv || r.name === srv.name);
}
