/*
 * Starts and stops a loaded configuration: resolves server names, initialises backends (LB sets, server states) and
 * their health checks, opens the frontends' listeners (taking over the previous configuration's sockets on reload, so
 * nothing is closed that the new configuration still listens on), starts the stats sockets and installs the server
 * state API. Old TCP streams keep running on the old proxies until they end; old HTTP client connections close when
 * idle, or after the response under way (httpDrain, as the old process of a 2.6 reload). Called by main.ts. Hot path: no.
 */
import { isIP } from 'node:net';
import type { LoadedConfig } from './config/loader.ts';
import type { Proxy } from './model/types.ts';
import { PR_CAP_FE, PR_CAP_BE } from './config/types.ts';
import { initBackendServers } from './backend/server.ts';
import { startChecks, stopChecks } from './checks/health.ts';
import { firstCheckPlan } from './checks/spread.ts';
import { startFrontend, stopListeners, bindKeys, feGlobal, DEFAULT_MAXCONN, closeAllListeners } from './frontend.ts';
import { acceptRateApply } from './accept-rate.ts';
import { whenNoStreams, killStreams, activeStreamList } from './streams.ts';
import { patRefActivate } from './acl/pat-ref.ts';
import { userlistActivate } from './http/userlist.ts';
import { SF_ERR_KILLED } from './model/types.ts';
import { poolIdleCount } from './backend/pool.ts';
import { startStats, stopStats } from './stats/runtime.ts';
import type { CliServer } from './stats/cli-server.ts';
import type { StatsSource } from './stats/types.ts';
import { setServerStateApi } from './stats/srv-admin.ts';
import { coreServerStateApi } from './backend/state-api.ts';
import { httpSetGlobals, httpDrain } from './http/stream.ts';
import { dnsInitAddrs, dnsStart, dnsStop } from './dns/runtime.ts';
import { nodeDnsPromises } from './lazy-builtins.ts';

export interface Runtime {
  cfg: LoadedConfig;
  stats: CliServer | null;
  startMs: number;
}

/**
 * Resolves the servers' host names once, as HAProxy does at startup (and for `-c`): the servers with DNS settings per
 * their `init-addr` (dns/runtime.ts), the others through libc. Returns 2.6's alert lines for the names that did not
 * resolve (one per server, then "Failed to initialize server(s) addr."), empty when all did. The "disabling server"
 * warnings of init-addr none count in cfg.warnings.
 */
export async function resolveServerAddrs(cfg: LoadedConfig): Promise<string[]> {
  cfg.warnings += await dnsInitAddrs(cfg.proxies);
  const errs: string[] = [];
  for (const px of cfg.proxies) {
    for (const s of px.servers) {
      if (s.path !== '' || s.host === '' || isIP(s.host) !== 0) continue;
      try {
        const r = await nodeDnsPromises().lookup(s.host);
        s.host = r.address;
      } catch {
        errs.push(`config : [${s.file}:${s.line}] : 'server ${px.name}/${s.name}' : could not resolve address '${s.host}'.`);
      }
    }
  }
  if (errs.length > 0) errs.push('config : Failed to initialize server(s) addr.');
  return errs;
}

function isFe(px: Proxy): boolean { return (px.cap & PR_CAP_FE) !== 0 && !px.disabled; }
function isBe(px: Proxy): boolean { return (px.cap & PR_CAP_BE) !== 0 && !px.disabled; }

/** Starts `cfg`; with `prev`, replaces that running configuration (reload) without closing shared listeners. */
export async function startRuntime(cfg: LoadedConfig, prev: Runtime | null = null): Promise<Runtime> {
  const addrErrs = await resolveServerAddrs(cfg);
  if (addrErrs.length > 0) throw new Error(addrErrs.join('\n'));   // one [ALERT] per line (main.ts)
  feGlobal.maxconn = cfg.global.maxconn > 0 ? cfg.global.maxconn : DEFAULT_MAXCONN;
  httpSetGlobals(cfg.global.tuneBufsize, cfg.global.tuneMaxrewrite, cfg.global.tuneHttpMaxhdr, cfg.global.tuneHttpLogurilen);
  for (const px of cfg.proxies) if (isBe(px)) initBackendServers(px);
  const newKeys = new Set<string>();
  for (const px of cfg.proxies) if (isFe(px)) for (const k of bindKeys(px)) newKeys.add(k);
  if (prev !== null) {
    for (const px of prev.cfg.proxies) stopChecks(px);
    if (prev.stats !== null) await stopStats(prev.stats);
  }
  for (const px of cfg.proxies) if (isFe(px)) await startFrontend(px);
  if (prev !== null) {
    // the previous configuration's HTTP clients reconnect to this one: idle ones now, busy ones after their response
    const old = new Set<Proxy>(prev.cfg.proxies);
    httpDrain(activeStreamList().filter((s) => old.has(s.fe)));
  }
  if (prev !== null) for (const px of prev.cfg.proxies) if (isFe(px)) await stopListeners(px, newKeys);
  firstCheckPlan(cfg.proxies);
  for (const px of cfg.proxies) if (isBe(px)) startChecks(px);
  if (prev !== null) dnsStop(prev.cfg.proxies);
  dnsStart(cfg.proxies);
  setServerStateApi(coreServerStateApi);
  const startMs = prev !== null ? prev.startMs : Date.now();
  const src: StatsSource = {
    proxies: cfg.proxies, global: cfg.global, startMs, pid: process.pid,
    actconn: () => feGlobal.actconn, idleConns: poolIdleCount,
  };
  patRefActivate(cfg.global);          // the runtime API edits this configuration's ACL/map references
  userlistActivate(cfg.global);        // http_auth checks this configuration's users
  const stats = await startStats(src);
  acceptRateApply(cfg.global);         // after startStats, which resets the process limits to none
  return { cfg, stats, startMs };
}

/**
 * Soft stop (SIGUSR1): stops accepting, checks and stats; idle HTTP client connections close, the others at the end
 * of their transaction (HTTP) or of their session (TCP); waits for every stream to end, at most `hard-stop-after`
 * (then they are killed, as 2.6 does).
 */
export async function gracefulStop(rt: Runtime): Promise<void> {
  await closeAllListeners();
  for (const px of rt.cfg.proxies) stopChecks(px);
  dnsStop(rt.cfg.proxies);
  if (rt.stats !== null) await stopStats(rt.stats);
  httpDrain(activeStreamList());
  const hard = rt.cfg.global.ext.get('hard-stop-after');
  const t = typeof hard === 'number' ? setTimeout(() => killStreams(() => true, SF_ERR_KILLED), hard) : null;
  await whenNoStreams();
  if (t !== null) clearTimeout(t);
}

/** Immediate stop in place (an embedding process, tests): kills streams (each logged K), closes everything. */
export function stopRuntime(rt: Runtime): void {
  for (const px of rt.cfg.proxies) stopChecks(px);
  dnsStop(rt.cfg.proxies);
  killStreams(() => true, SF_ERR_KILLED);
  void closeAllListeners();
}
