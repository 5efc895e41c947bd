/*
 * Server parameters of DNS resolution: `resolvers <name>`, `init-addr last,libc,none,<ip>`, `resolve-prefer
 * ipv4|ipv6`, `resolve-net <net>[,...]`, `resolve-opts allow-dup-ip,ignore-weight,prevent-dup-ip`, with 2.6's
 * messages. Settings live beside the server (WeakMap, inherited from default-server); the `resolvers` name is looked
 * up at post-parse ("unable to find required resolvers"); a name starting with '_' is an SRV record. Read by
 * dns/runtime.ts. Hot path: no.
 */
import { isIP } from 'node:net';
import type { Server } from '../model/types.ts';
import type { KwCtx, SrvKeyword } from '../config/types.ts';
import type { SrvDnsCfg, InitAddrStep } from './types.ts';
import { INIT_ADDR_LAST, INIT_ADDR_LIBC, INIT_ADDR_NONE, INIT_ADDR_IP } from './types.ts';
import { resolversOf } from './resolvers-section.ts';
import { srvAlert as srvErr } from '../config/server-alert.ts';

const cfgs = new WeakMap<Server, SrvDnsCfg>();

function cfgOf(s: Server): SrvDnsCfg {
  let c = cfgs.get(s);
  if (c === undefined) {
    c = { resolversName: '', resolversSet: false, resolvers: null, fqdn: '', initAddr: [], preferV6: true, nets: [], allowDupIp: false, ignoreWeight: false, srvRecord: '', srvTaken: false };
    cfgs.set(s, c);
  }
  return c;
}

/** The DNS settings of `s`, or null when it has none of these parameters. */
export function srvDns(s: Server): SrvDnsCfg | null { return cfgs.get(s) ?? null; }

/** The name a DNS-resolved server resolves (show servers state's srv_fqdn), '' for others. */
export function srvFqdn(s: Server): string {
  const c = cfgs.get(s);
  return c !== undefined && c.resolvers !== null ? c.fqdn : '';
}

/** show servers state's srvrecord (the SRV name) and whether the HMAINT bit shows, for `s`. */
export function srvRecordOf(s: Server): { name: string; taken: boolean } {
  const c = cfgs.get(s);
  return c !== undefined && c.resolvers !== null ? { name: c.srvRecord, taken: c.srvTaken } : { name: '', taken: false };
}

/** Server init hook: a server inherits its default-server's DNS parameters. */
export function dnsServerInit(srv: Server, tmpl: Server | null): void {
  if (tmpl === null) return;
  const t = cfgs.get(tmpl);
  if (t === undefined) return;
  cfgs.set(srv, { ...t, initAddr: t.initAddr.slice(), nets: t.nets.slice(), resolvers: null });
}


/** Configurations (by their global settings) whose `resolvers` names are checked at post-parse already. */
const checking = new WeakSet<object>();

/** At post-parse, every server with a `resolvers` name (own or from default-server) gets its section, or 2.6's alert. */
function registerPost(ctx: KwCtx): void {
  if (checking.has(ctx.global)) return;
  checking.add(ctx.global);
  ctx.postParse(() => {
    const all = resolversOf(ctx.global);
    const seen = new Set<object>();
    for (const px of ctx.proxies.values()) {
      if (seen.has(px)) continue;
      seen.add(px);
      for (const srv of px.servers) {
        const c = cfgs.get(srv);
        if (c === undefined || (c.resolversName === '' && !c.resolversSet)) continue;
        const r = all.get(c.resolversName);
        if (r === undefined) {
          ctx.alertRaw(`backend '${px.name}', server '${srv.name}': unable to find required resolvers '${c.resolversName}'`);
          continue;
        }
        c.resolvers = r;
        // 2.6 resolves a name starting with '_' as an SRV record (service discovery, dns/runtime.ts)
        if (srv.host.startsWith('_')) c.srvRecord = srv.host.toLowerCase();
      }
    }
  });
}

function parseResolvers(srv: Server, args: readonly string[], i: number, ctx: KwCtx, tmpl: boolean): number {
  const v = args[i + 1] ?? '';
  const c = cfgOf(srv);
  c.resolversName = v;
  c.resolversSet = true;
  registerPost(ctx);
  return v === '' ? 1 : 2;
}

function parseInitAddr(srv: Server, args: readonly string[], i: number, ctx: KwCtx, tmpl: boolean): number {
  const v = args[i + 1];
  if (v === undefined || v === '') return 1;       // 2.6 takes a missing list as "no method" and goes on
  const steps: InitAddrStep[] = [];
  for (const m of v.split(',')) {
    if (m === 'last') steps.push({ method: INIT_ADDR_LAST, ip: '' });
    else if (m === 'libc') steps.push({ method: INIT_ADDR_LIBC, ip: '' });
    else if (m === 'none') steps.push({ method: INIT_ADDR_NONE, ip: '' });
    else if (isIP(m) !== 0) steps.push({ method: INIT_ADDR_IP, ip: m });
    else {
      srvErr(ctx, srv, tmpl, `'init-addr' : unknown init-addr method '${m}', supported methods are 'libc', 'last', 'none'..`);
      return -1;
    }
  }
  cfgOf(srv).initAddr = steps;
  return 2;
}

function parsePrefer(srv: Server, args: readonly string[], i: number, ctx: KwCtx, tmpl: boolean): number {
  const v = args[i + 1];
  if (v !== 'ipv4' && v !== 'ipv6') { srvErr(ctx, srv, tmpl, `'resolve-prefer' expects either ipv4 or ipv6 as argument..`); return -1; }
  cfgOf(srv).preferV6 = v === 'ipv6';
  return 2;
}

/** `a.b.c.d[/len]` or an IPv6 network; false when invalid. */
function validNet(n: string): boolean {
  const slash = n.indexOf('/');
  const ip = slash >= 0 ? n.slice(0, slash) : n;
  const f = isIP(ip);
  if (f === 0) return false;
  if (slash < 0) return true;
  const len = n.slice(slash + 1);
  if (!/^\d+$/.test(len)) return f === 4 && isIP(len) === 4;
  return +len <= (f === 4 ? 32 : 128);
}

function parseNet(srv: Server, args: readonly string[], i: number, ctx: KwCtx, tmpl: boolean): number {
  const v = args[i + 1];
  if (v === undefined || v === '') { srvErr(ctx, srv, tmpl, `'resolve-net' expects a list of networks..`); return -1; }
  const nets = v.split(',');
  for (const n of nets) if (!validNet(n)) { srvErr(ctx, srv, tmpl, `'resolve-net' invalid network '${n}'..`); return -1; }
  cfgOf(srv).nets = nets;
  return 2;
}

function parseOpts(srv: Server, args: readonly string[], i: number, ctx: KwCtx, tmpl: boolean): number {
  const v = args[i + 1];
  if (v === undefined || v === '') return 1;
  const c = cfgOf(srv);
  for (const o of v.split(',')) {
    if (o === 'allow-dup-ip') c.allowDupIp = true;
    else if (o === 'prevent-dup-ip') c.allowDupIp = false;
    else if (o === 'ignore-weight') c.ignoreWeight = true;
    else {
      srvErr(ctx, srv, tmpl, `'resolve-opts' : unknown resolve-opts option '${o}', supported methods are 'allow-dup-ip', 'ignore-weight', and 'prevent-dup-ip'..`);
      return -1;
    }
  }
  return 2;
}

export const dnsServerKeywords: SrvKeyword[] = [
  { name: 'resolvers', defaultOk: true, parse: parseResolvers },
  { name: 'init-addr', defaultOk: true, parse: parseInitAddr },
  { name: 'resolve-prefer', defaultOk: true, parse: parsePrefer },
  { name: 'resolve-net', defaultOk: true, parse: parseNet },
  { name: 'resolve-opts', defaultOk: true, parse: parseOpts },
];
