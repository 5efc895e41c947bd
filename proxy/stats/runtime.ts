/*
 * Entry point of the stats module at runtime: builds the CLI registry with the stats commands and starts one
 * listener per `stats socket`. proxy/main.ts calls startStats() once the configuration is loaded (and stopStats() on
 * reload/exit), and keeps the running StatsSource for the stats page and the Prometheus exporter. Hot path: no.
 */
import type { StatsSource } from './types.ts';
import { newCliRegistry, registerCli, moduleCliCommands } from './cli-registry.ts';
import type { CliRegistry } from './cli-registry.ts';
import { statsCliCommands } from './cli-commands.ts';
import { aclMapCliCommands } from './cli-acl-map.ts';
import { CliServer } from './cli-server.ts';
import { statsGlobalCfg } from './keywords.ts';
import { startActivitySampler, stopActivitySampler } from './cli-activity.ts';
import { processRateLimits, processTotals } from './info.ts';
import { beFullconn } from './fill.ts';
import { PR_CAP_BE } from '../config/types.ts';

let current: StatsSource | null = null;

/** The source of the running configuration (set by startStats), read by the stats page and the exporter. */
export function currentStatsSource(): StatsSource | null { return current; }

/** A registry holding every 2.6 help line with the stats commands attached (tests and main.ts use it). */
export function defaultCliRegistry(): CliRegistry {
  const reg = newCliRegistry();
  registerCli(reg, statsCliCommands);
  registerCli(reg, aclMapCliCommands);
  registerCli(reg, moduleCliCommands);
  return reg;
}

/**
 * Starts the CLI on every configured `stats socket` (unix sockets get their `mode`). Resolves with the server once
 * all are listening; rejects on the first bind error (the caller reports it like HAProxy's startup alert).
 */
export async function startStats(src: StatsSource, reg: CliRegistry = defaultCliRegistry()): Promise<CliServer> {
  current = src;
  // a (re)loaded configuration starts from its own maxconn and no CLI rate limits, like a new 2.6 process
  Object.assign(processRateLimits, { maxconn: 0, conn: 0, sess: 0, ssl: 0, compKb: 0 });
  Object.assign(processTotals, { conns: 0, req: 0, bytesOut: 0 });
  for (const px of src.proxies) if ((px.cap & PR_CAP_BE) !== 0) beFullconn(src, px);
  startActivitySampler();
  const cfg = statsGlobalCfg(src.global);
  const cli = new CliServer(reg, src, cfg.timeoutMs, cfg.maxconn);
  for (const s of cfg.sockets) await cli.listen(s);
  return cli;
}

export function stopStats(cli: CliServer): Promise<void> {
  stopActivitySampler();
  return cli.close();
}
