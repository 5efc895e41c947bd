/*
 * The file-descriptor arithmetic 2.6 shows in `show info` (Ulimit-n, Maxsock, Maxconn) and applies when the global
 * section sets no maxconn: the sockets it reserves besides connections (20, 3 per thread, one per listener and stats
 * socket, one per health check, two per agent check), and maxconn = (hard fd limit - reserved) / 2. Threads are
 * those haproxy would start (nbthread, else the CPU count). Measured with
 * haproxy 2.6.12 -f under several limits, thread, listener and check counts (test/proxy/stats/fd-limits.test.ts).
 * Hot path: no.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { GlobalSettings, Proxy } from '../model/types.ts';
import type { StatsGlobalCfg } from './types.ts';

/** The maxconn used when the fd limit cannot be read (not Linux). */
export const FALLBACK_MAXCONN = 10000;

let hardLimit = -1;

/** The hard RLIMIT_NOFILE of this process (from /proc/self/limits), 0 when unknown. */
export function fdHardLimit(): number {
  if (hardLimit >= 0) return hardLimit;
  hardLimit = 0;
  try {
    const m = /^Max open files\s+\S+\s+(\d+)/m.exec(readFileSync('/proc/self/limits', 'latin1'));
    if (m !== null) hardLimit = Number(m[1]);
  } catch { /* not Linux */ }
  return hardLimit;
}

/**
 * The threads 2.6 would run for this configuration: `nbthread`, else one per CPU it may use (at most 64). Sluice runs
 * one event loop, but the limits it shows are those haproxy shows for the same configuration on the same machine.
 */
export function haproxyThreads(g: GlobalSettings): number {
  const n = g.ext.get('nbthread');
  return typeof n === 'number' && n > 0 ? n : Math.min(64, availableParallelism());
}

/** Sockets 2.6 reserves besides the two of each connection. */
export function fdReserve(g: GlobalSettings, proxies: readonly Proxy[]): number {
  let n = 20 + 3 * haproxyThreads(g);
  const stats = g.ext.get('stats') as StatsGlobalCfg | undefined;
  if (stats !== undefined) n += stats.sockets.length;
  for (const px of proxies) {
    if (!px.disabled) n += px.binds.length;
    for (const sv of px.servers) {
      if (sv.check !== null && sv.check.enabled) n++;
      if (sv.agent !== null && sv.agent.enabled) n += 2;
    }
  }
  return n;
}

/** The maxconn 2.6 derives from the fd limit when none is configured. */
export function derivedMaxconn(reserve: number, hard = fdHardLimit()): number {
  return hard > reserve ? Math.floor((hard - reserve) / 2) : FALLBACK_MAXCONN;
}
