/*
 * Name resolution shared by the CLI commands and the stats page: `<backend>/<server>`, frontends and backends by
 * name or `#<id>`, with HAProxy's exact error texts. Returns either the object or the error reply. Hot path: no.
 */
import type { Proxy, Server } from '../model/types.ts';
import { PR_CAP_FE, PR_CAP_BE } from '../config/types.ts';
import type { StatsSource } from './types.ts';

export function findProxy(src: StatsSource, name: string, cap: number): Proxy | null {
  if (name.length > 1 && name[0] === '#') {
    const id = Number(name.slice(1));
    for (const px of src.proxies) if ((px.cap & cap) !== 0 && px.id === id) return px;
    return null;
  }
  for (const px of src.proxies) if ((px.cap & cap) !== 0 && px.name === name) return px;
  return null;
}

export function findBackend(src: StatsSource, name: string): Proxy | null { return findProxy(src, name, PR_CAP_BE); }
export function findFrontend(src: StatsSource, name: string): Proxy | null { return findProxy(src, name, PR_CAP_FE); }

export function findServerIn(px: Proxy, name: string): Server | null {
  if (name.length > 1 && name[0] === '#') {
    const id = Number(name.slice(1));
    for (const sv of px.servers) if (sv.id === id) return sv;
    return null;
  }
  for (const sv of px.servers) if (sv.name === name) return sv;
  return null;
}

/** `bk/srv` → the server, or the 2.6 error text (with its trailing LF). */
export function lookupServer(src: StatsSource, arg: string | undefined): Server | string {
  if (arg === undefined || arg === '') return "Require 'backend/server'.\n";
  const slash = arg.indexOf('/');
  if (slash < 0 || slash === arg.length - 1) return "Require 'backend/server'.\n";
  const px = findBackend(src, arg.slice(0, slash));
  if (px === null) return 'No such backend.\n';
  const sv = findServerIn(px, arg.slice(slash + 1));
  if (sv === null) return 'No such server.\n';
  return sv;
}
