/*
 * DNS resolution of servers at run time: `init-addr` at startup (last, libc, none, <ip>), then one periodic
 * resolution per (resolvers section, name, preferred family) with node's dns Resolver pointed at the section's
 * nameservers. Answers are spread over the servers sharing the name (a server keeps an address still announced; the
 * others take free ones; no two servers of a backend share one unless allow-dup-ip), servers left without an address
 * go to resolution maintenance, and errors do so once `hold <status>` has passed since the last valid answer. The
 * period is `hold valid` (at least `timeout resolve`) after a valid answer, `timeout resolve` after an error.
 * Called by proxy/runtime.ts (dnsInitAddrs, dnsStart, dnsStop). Hot path: no (timers, once per period).
 */
import type { Resolver } from 'node:dns/promises';
import { nodeDnsPromises } from '../lazy-builtins.ts';
import { isIP } from 'node:net';
import type { Proxy, Server } from '../model/types.ts';
import { SRV_ADMF_RMAINT } from '../model/types.ts';
import type { ResolversCfg, SrvDnsCfg, NsCounters } from './types.ts';
import { INIT_ADDR_LAST, INIT_ADDR_LIBC, INIT_ADDR_NONE, INIT_ADDR_IP } from './types.ts';
import { srvDns } from './server-keywords.ts';
import { dnsSetAddr, dnsEnterMaint, dnsLeaveMaint } from './srv-state.ts';
import { emitEvent, EV_WARNING } from '../events.ts';
import { xxh32 } from './xxh32.ts';
import { ipv6Parse } from '../net/proxy-protocol.ts';
import { ipv4Value, ipv4Net } from '../net/ipv4.ts';
import { srvSetWeight, srvMaintHealth } from '../backend/server.ts';
import { querySrvRaw, SRVQ_NX, SRVQ_TIMEOUT, SRVQ_REFUSED, SRVQ_INVALID, SRVQ_NODATA } from './srv-query.ts';
import type { SrvAnswer } from './srv-query.ts';

/**
 * Startup addresses of the servers with DNS settings whose address is a name, per `init-addr` (default last,libc, plus
 * none with `resolvers`; `last` has no server-state file to read here). `none` starts the server in resolution
 * maintenance without an address, with 2.6's "could not resolve address 'x', disabling server." warning when a libc
 * lookup failed before. When no method gives an address the name is left to runtime.ts (its fatal error). Returns the
 * number of warnings printed (they count for -c's "Warnings were found.").
 */
export async function dnsInitAddrs(proxies: readonly Proxy[]): Promise<number> {
  let warnings = 0;
  for (const px of proxies) {
    for (const s of px.servers) {
      const c = srvDns(s);
      if (c === null || s.path !== '' || s.host === '' || isIP(s.host) !== 0) continue;
      // an SRV name: no address until a record gives the server one (2.6 resolves no target at startup)
      if (c.srvRecord !== '') { s.host = ''; s.port = 0; s.adminState |= SRV_ADMF_RMAINT; srvMaintHealth(s); continue; }
      c.fqdn = s.host;
      // 2.6's default is last,libc, and last,libc,none for a server with resolvers
      const steps = c.initAddr.length > 0 ? c.initAddr : c.resolversSet ? DEFAULT_WITH_RESOLVERS : DEFAULT_INIT_ADDR;
      let libcFailed = false;
      for (const st of steps) {
        if (st.method === INIT_ADDR_LIBC) {
          try { s.host = (await nodeDnsPromises().lookup(c.fqdn)).address; break; } catch { libcFailed = true; }
        } else if (st.method === INIT_ADDR_IP) { s.host = st.ip; break; }
        else if (st.method === INIT_ADDR_NONE) {
          if (libcFailed) {
            emitEvent(EV_WARNING, `config : [${s.file}:${s.line}] : 'server ${px.name}/${s.name}' : could not resolve address '${c.fqdn}', disabling server.`);
            warnings++;
          }
          s.host = '';
          s.adminState |= SRV_ADMF_RMAINT;
          srvMaintHealth(s);
          break;
        }
      }
    }
  }
  return warnings;
}

const DEFAULT_INIT_ADDR = [{ method: INIT_ADDR_LAST, ip: '' }, { method: INIT_ADDR_LIBC, ip: '' }];
const DEFAULT_WITH_RESOLVERS = [...DEFAULT_INIT_ADDR, { method: INIT_ADDR_NONE, ip: '' }];

/** One name resolved periodically for the servers using it. */
class Resolution {
  readonly rs: ResolversCfg;
  readonly resolver: Resolver;
  readonly fqdn: string;
  readonly preferV6: boolean;
  readonly servers: Server[] = [];
  readonly cfgs: SrvDnsCfg[] = [];
  timer: NodeJS.Timeout | null = null;
  /** Addresses of the answers by the date they were last seen (kept `hold obsolete`). */
  readonly seen = new Map<string, number>();
  lastValid: number;
  stopped = false;
  /** An SRV name: each record (target:port) goes to one server; `free` are the servers without one, in 2.6's order. */
  readonly srv: boolean;
  readonly free: Server[] = [];
  readonly srvOf = new Map<string, Server>();
  readonly seenSrv = new Map<string, { it: SrvAnswer; t: number }>();
  constructor(rs: ResolversCfg, resolver: Resolver, fqdn: string, preferV6: boolean, srv = false) {
    this.rs = rs; this.resolver = resolver; this.fqdn = fqdn; this.preferV6 = preferV6; this.srv = srv;
    this.lastValid = Date.now();
  }
}

const running: Resolution[] = [];

/** Counters of the first nameserver (node's resolver does not say which one answered). */
function nsCounters(rs: ResolversCfg): NsCounters | null { return rs.nameservers.length > 0 ? rs.nameservers[0].counters : null; }

/** Starts resolving every name used by a server with `resolvers` in `proxies` (after dnsInitAddrs). */
export function dnsStart(proxies: readonly Proxy[]): void {
  const resolvers = new Map<ResolversCfg, Resolver>();
  const byKey = new Map<string, Resolution>();
  for (const px of proxies) {
    for (const s of px.servers) {
      const c = srvDns(s);
      if (c === null || c.resolvers === null || (c.fqdn === '' && c.srvRecord === '')) continue;
      const rs = c.resolvers;
      if (rs.nameservers.length === 0) continue;
      let r = resolvers.get(rs);
      if (r === undefined) {
        r = new (nodeDnsPromises().Resolver)({ timeout: Math.max(1, rs.timeoutRetry), tries: Math.max(1, rs.resolveRetries) });
        r.setServers(rs.nameservers.map((n) => (n.host.indexOf(':') >= 0 ? `[${n.host}]:${n.port}` : `${n.host}:${n.port}`)));
        resolvers.set(rs, r);
      }
      const srv = c.srvRecord !== '';
      const key = rs.name + '\0' + (srv ? c.srvRecord + '\0SRV' : c.fqdn) + '\0' + (c.preferV6 ? '6' : '4');
      let res = byKey.get(key);
      if (res === undefined) {
        res = new Resolution(rs, r, srv ? c.srvRecord : c.fqdn, c.preferV6, srv);
        byKey.set(key, res); running.push(res);
        if (srv) res.free.push(s);
      } else if (srv) res.free.push(s);
      res.servers.push(s);
      res.cfgs.push(c);
    }
  }
  for (const res of byKey.values()) void runResolution(res);
}

/** Stops the resolutions of `proxies` (reload, stop); an answer in flight is dropped. */
export function dnsStop(proxies: readonly Proxy[]): void {
  const set = new Set<Proxy>(proxies);
  for (let i = running.length - 1; i >= 0; i--) {
    const res = running[i];
    if (res.servers.length > 0 && !set.has(res.servers[0].proxy)) continue;
    res.stopped = true;
    if (res.timer !== null) clearTimeout(res.timer);
    running.splice(i, 1);
  }
}

const ERR_NX = 1, ERR_TIMEOUT = 2, ERR_REFUSED = 3, ERR_OTHER = 4, ERR_NODATA = 5;

/** One query of `fam` (4 or 6): the addresses, or an ERR_* code. */
async function query(res: Resolution, fam: number): Promise<string[] | number> {
  const c = nsCounters(res.rs);
  if (c !== null) c.sent++;
  try {
    const a = fam === 6 ? await res.resolver.resolve6(res.fqdn) : await res.resolver.resolve4(res.fqdn);
    if (a.length === 0) { if (c !== null) c.anyErr++; return ERR_NODATA; }
    if (c !== null) c.valid++;
    return a;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENODATA') { if (c !== null) c.anyErr++; return ERR_NODATA; }
    if (code === 'ENOTFOUND') { if (c !== null) c.nx++; return ERR_NX; }
    if (code === 'ETIMEOUT') { if (c !== null) c.timeout++; return ERR_TIMEOUT; }
    if (code === 'EREFUSED' || code === 'ECONNREFUSED') { if (c !== null) c.refused++; return ERR_REFUSED; }
    if (code === 'EBADRESP' || code === 'EFORMERR') { if (c !== null) c.invalid++; return ERR_OTHER; }
    if (c !== null) c.other++;
    return ERR_OTHER;
  }
}

function schedule(res: Resolution, ms: number): void {
  if (res.stopped) return;
  res.timer = setTimeout(runResolutionCb, ms, res);
  res.timer.unref();
}
function runResolutionCb(res: Resolution): void { void runResolution(res); }

/** The SRV query (dns/srv-query.ts: node's resolver hides the additional records), counted as 2.6 counts. */
async function querySrv(res: Resolution): Promise<SrvAnswer[] | number> {
  const c = nsCounters(res.rs);
  if (c !== null) c.sent++;
  const r = await querySrvRaw(res.rs, res.fqdn);
  if (typeof r !== 'number') { if (c !== null) c.valid++; return r; }
  if (r === SRVQ_NX) { if (c !== null) c.nx++; return ERR_NX; }
  if (r === SRVQ_TIMEOUT) { if (c !== null) c.timeout++; return ERR_TIMEOUT; }
  if (r === SRVQ_REFUSED) { if (c !== null) c.refused++; return ERR_REFUSED; }
  if (c !== null) { if (r === SRVQ_INVALID) c.invalid++; else if (r === SRVQ_NODATA) c.anyErr++; else c.other++; }
  return ERR_OTHER;
}

async function runResolution(res: Resolution): Promise<void> {
  if (res.stopped) return;
  const first = res.preferV6 ? 6 : 4;
  let r: string[] | SrvAnswer[] | number;
  if (res.srv) r = await querySrv(res);
  else {
    r = await query(res, first);
    if (r === ERR_NODATA) r = await query(res, first === 6 ? 4 : 6);
  }
  if (res.stopped) return;
  const rs = res.rs;
  if (typeof r !== 'number') {
    res.lastValid = Date.now();
    if (res.srv) applySrv(res, r as SrvAnswer[]);
    else applyAnswer(res, r as string[]);
    schedule(res, Math.max(rs.timeoutResolve, rs.holdValid));
    return;
  }
  // a failed SRV query leaves the servers as the last answer set them (2.6.12, seen past `hold nx` and `hold timeout`)
  if (res.srv) { schedule(res, rs.timeoutResolve); return; }
  const code = r === ERR_NODATA ? ERR_OTHER : r;
  const hold = code === ERR_NX ? rs.holdNx : code === ERR_TIMEOUT ? rs.holdTimeout : code === ERR_REFUSED ? rs.holdRefused : rs.holdOther;
  if (Date.now() - res.lastValid >= hold) {
    const why = code === ERR_NX ? 'DNS NX status' : code === ERR_TIMEOUT ? 'DNS timeout status' : code === ERR_REFUSED ? 'DNS refused status' : 'unspecified DNS error';
    // 2.6 forgets the address too: the next valid answer is a change "from (none)"
    for (const s of res.servers) { s.host = ''; dnsEnterMaint(s, why); }
  }
  schedule(res, rs.timeoutResolve);
}

/** `ip` inside one of `nets` (`a.b.c.d/len` or an exact address; IPv6 networks compared by prefix text). */
function inNets(ip: string, nets: readonly string[]): boolean {
  const v = ipv4Value(ip);
  for (const n of nets) {
    const net = v >= 0 ? ipv4Net(n) : null;
    if (net !== null) { if (((v & net[1]) >>> 0) === net[0]) return true; }
    else if (ip === (n.includes('/') ? n.slice(0, n.indexOf('/')) : n)) return true;
  }
  return false;
}

/**
 * The answer's addresses in the order 2.6 walks them: by XXH32 of the address bytes seeded with the record type
 * (its answer tree's key), not in the order the nameserver sent them.
 */
function answerOrder(ips: readonly string[]): string[] {
  const keyed: [number, string][] = [];
  const b = Buffer.alloc(16);
  for (const ip of ips) {
    if (isIP(ip) === 4) {
      let k = 0, v = 0;
      for (let i = 0; i <= ip.length; i++) {
        const c = i < ip.length ? ip.charCodeAt(i) : 0x2e;
        if (c === 0x2e) { b[k++] = v; v = 0; } else v = v * 10 + c - 0x30;
      }
      keyed.push([xxh32(b, 4, 1), ip]);
    } else {
      ipv6Parse(ip, v6Groups);
      for (let i = 0; i < 8; i++) b.writeUInt16BE(v6Groups[i], 2 * i);
      keyed.push([xxh32(b, 16, 28), ip]);
    }
  }
  keyed.sort((x, y) => x[0] - y[0]);
  return keyed.map((x) => x[1]);
}
const v6Groups = new Uint16Array(8);

/**
 * Spreads the answer `ips` over the resolution's servers as 2.6 does: a server whose address is still announced
 * keeps it; the others take the best-scored address in answer order (+4 inside resolve-net, +2 not used by another
 * server of the same backend, used ones skipped unless allow-dup-ip); servers left over go to maintenance ("No IP
 * for server "). Only the first server of the resolution reports the nameserver, the others "DNS cache", as 2.6.
 */
function applyAnswer(res: Resolution, fresh: string[]): void {
  const c0 = nsCounters(res.rs);
  // records missing from this answer stay usable for `hold obsolete` after they were last seen, as in 2.6
  const now = Date.now();
  const seen = res.seen;
  for (const a of fresh) seen.set(a, now);
  const ips: string[] = [];
  for (const [a, t] of seen) {
    if (now - t <= res.rs.holdObsolete) ips.push(a);
    else seen.delete(a);
  }
  const order = answerOrder(ips);
  const used = new Map<Proxy, Map<string, number>>();
  const usedBy = (px: Proxy): Map<string, number> => { let u = used.get(px); if (u === undefined) { u = new Map(); used.set(px, u); } return u; };
  const keep: boolean[] = [];
  for (let i = 0; i < res.servers.length; i++) {
    const s = res.servers[i];
    const ok = s.host !== '' && ips.includes(s.host);
    keep.push(ok);
    if (ok) { const u = usedBy(s.proxy); u.set(s.host, (u.get(s.host) ?? 0) + 1); }
  }
  const ns = `${res.rs.name}/${res.rs.nameservers[0].name}`;
  for (let i = 0; i < res.servers.length; i++) {
    const s = res.servers[i];
    const c = res.cfgs[i];
    if (keep[i]) { dnsLeaveMaint(s, res.fqdn); continue; }
    const u = usedBy(s.proxy);
    let pick = '';
    let best = -1;
    for (const a of order) {
      let score = 0;
      if (c.nets.length > 0 && inNets(a, c.nets)) score += 4;
      if ((u.get(a) ?? 0) === 0) score += 2;
      else if (!c.allowDupIp) continue;
      if (score > best) { best = score; pick = a; }
    }
    if (pick === '') { s.host = ''; dnsEnterMaint(s, 'No IP for server '); continue; }
    u.set(pick, (u.get(pick) ?? 0) + 1);
    dnsSetAddr(s, pick, i === 0 ? ns : 'DNS cache');
    if (c0 !== null) c0.update++;
    dnsLeaveMaint(s, res.fqdn);
  }
}

/** 2.6's answer-tree key of an SRV record: XXH32 of the target in DNS label form (no root label), seed 33. */
function srvKey(target: string): number {
  const parts: Buffer[] = [];
  for (const l of target.split('.')) if (l !== '') parts.push(Buffer.from([l.length]), Buffer.from(l, 'latin1'));
  const b = Buffer.concat(parts);
  return xxh32(b, b.length, 33);
}

/**
 * Gives each SRV record (target:port) a server as 2.6 does, walking the records by srvKey: the server holding it
 * already, else the first free one. A server gets the target's address from the additional records ("by DNS
 * additional record"; without one, the target joins the A/AAAA resolutions), the record's port and fqdn, and the
 * weight (w + 255) / 256 unless ignore-weight. A record gone for `hold obsolete` frees its
 * server: no address, port 0, maintenance ("entry removed from SRV record"), back at the end of the free list.
 */
function applySrv(res: Resolution, fresh: SrvAnswer[]): void {
  const now = Date.now();
  const seen = res.seenSrv;
  for (const it of fresh) seen.set(it.target + ':' + it.port, { it, t: now });
  // expired records free their servers in answer-tree order too
  const gone = [...seen].filter(([, v]) => now - v.t > res.rs.holdObsolete);
  gone.sort((x, y) => srvKey(x[1].it.target) - srvKey(y[1].it.target));
  for (const [k] of gone) {
    seen.delete(k);
    const s = res.srvOf.get(k);
    if (s === undefined) continue;
    res.srvOf.delete(k);
    const c = srvDns(s);
    if (c !== null) c.fqdn = '';
    detach(s);
    s.host = ''; s.port = 0;
    dnsEnterMaint(s, 'entry removed from SRV record');
    res.free.push(s);
  }
  const items = [...seen.values()].map((v) => v.it);
  const keyed = items.map((it) => ({ k: srvKey(it.target), it }));
  keyed.sort((a, b) => a.k - b.k);
  for (const { it } of keyed) {
    const key = it.target + ':' + it.port;
    let s = res.srvOf.get(key);
    if (s === undefined) {
      s = res.free.shift();
      if (s === undefined) continue;
      res.srvOf.set(key, s);
    }
    const c = srvDns(s);
    if (c === null) continue;
    c.srvTaken = true;
    s.port = it.port;
    if (it.ip !== '') {
      // the additional record's address; the target's own resolution, if any, stops
      detach(s);
      c.fqdn = it.target;
      if (it.ip !== s.host) dnsSetAddr(s, it.ip, 'DNS additional record');
      if (s.host !== '') dnsLeaveMaint(s, it.target, false);
    } else if (c.fqdn !== it.target || !running.some((r) => !r.srv && r.servers.includes(s))) {
      // no additional record: the target is resolved as any server's name (its messages, "DNS cache" when shared)
      detach(s);
      c.fqdn = it.target;
      attach(s, c, res.resolver);
    }
    if (!c.ignoreWeight) srvSetWeight(s, Math.floor((it.weight + 255) / 256));
  }
}

/** A host name as 2.6's resolvers accept it: dot-separated labels of letters, digits, '-' and '_' (1..63 each). */
function validHostname(n: string): boolean {
  if (n.length === 0 || n.length > 255) return false;
  const labels = n.endsWith('.') ? n.slice(0, -1).split('.') : n.split('.');
  return labels.every((l) => l.length > 0 && l.length <= 63 && /^[-_a-zA-Z0-9]+$/.test(l));
}

/** Takes `s` out of the A/AAAA resolution it is in (not its SRV one); returns that resolution's resolver. */
function detach(s: Server): Resolver | null {
  for (let i = 0; i < running.length; i++) {
    const r = running[i];
    if (r.srv) continue;
    const k = r.servers.indexOf(s);
    if (k < 0) continue;
    r.servers.splice(k, 1);
    r.cfgs.splice(k, 1);
    if (r.servers.length === 0) { r.stopped = true; if (r.timer !== null) clearTimeout(r.timer); running.splice(i, 1); }
    return r.resolver;
  }
  return null;
}

/** Puts `s` in the A/AAAA resolution of `c.fqdn` (started now when it is the first server of that name). */
function attach(s: Server, c: SrvDnsCfg, resolver: Resolver | null): void {
  const rs = c.resolvers;
  if (rs === null) return;
  if (resolver === null) {
    resolver = new (nodeDnsPromises().Resolver)({ timeout: Math.max(1, rs.timeoutRetry), tries: Math.max(1, rs.resolveRetries) });
    resolver.setServers(rs.nameservers.map((n) => (n.host.indexOf(':') >= 0 ? `[${n.host}]:${n.port}` : `${n.host}:${n.port}`)));
  }
  let res = running.find((r) => !r.srv && r.rs === rs && r.fqdn === c.fqdn && r.preferV6 === c.preferV6);
  if (res === undefined) {
    res = new Resolution(rs, resolver, c.fqdn, c.preferV6);
    running.push(res);
    res.servers.push(s); res.cfgs.push(c);
    void runResolution(res);
  } else { res.servers.push(s); res.cfgs.push(c); }
}

/**
 * `set server <b>/<s> fqdn <name>` (stats socket): the server resolves `fqdn` from now on (its address changes with
 * the next answer). Returns 2.6's reply and whether it is an error.
 */
export function dnsSetFqdn(s: Server, fqdn: string): { text: string; error: boolean } {
  const c = srvDns(s);
  if (c === null || c.resolvers === null || c.resolvers.nameservers.length === 0) {
    return { text: 'set server <b>/<s> fqdn failed because no resolution is configured.\n', error: true };
  }
  const who = `${s.proxy.name}/${s.name}`;
  if (!validHostname(fqdn)) return { text: `could not update ${who} FQDN by 'stats socket command'\n`, error: true };
  const old = c.fqdn;
  c.fqdn = fqdn.toLowerCase();
  attach(s, c, detach(s));
  return { text: `${who} changed its FQDN from ${old !== '' ? old : '(null)'} to ${c.fqdn} by 'stats socket command'\n`, error: false };
}
