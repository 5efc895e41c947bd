/*
 * Dynamic servers, 2.6's runtime `add server <bk>/<srv> <addr>[:port] [params]` and `del server <bk>/<srv>`: a new
 * server is parsed with the server keyword tables (2.6's dynamic subset, backend/server-keywords.ts dynParse), starts
 * in forced maintenance (`enable server` brings it in, `enable health` / `enable agent` start its checks), and joins
 * be.servers, which
 * the LB, stats, `show servers state` and hatop all read. Deletion wants maintenance, no connection and no reference.
 * Replies are 2.6.12's texts (without the CLI's closing empty line). Caller: stats/cli-dyn-server.ts. Hot path: no.
 */
import type { KwCtx, SectionKind } from '../config/types.ts';
import { PR_CAP_BE } from '../config/types.ts';
import type { GlobalSettings, Proxy } from '../model/types.ts';
import { SRV_ADMF_FMAINT, SRV_ST_STOPPED } from '../model/types.ts';
import { dynParse } from './server-keywords.ts';
import { recalcBackend, srvDelTracker, srvIsTracked, srvIsDynamic, srvSetDynamic, SRV_ADMF_MAINT } from './server.ts';
import { srvUsedByRule } from './persist-rules.ts';
import { isStaticHash } from '../lb/hashed.ts';
import { startServerCheck, stopServerCheck } from '../checks/health.ts';
import { startServerAgent, stopServerAgent } from '../checks/agent.ts';
import { poolFlush } from './pool.ts';
import { finalizeServerSsl } from '../ssl/keywords.ts';

const HASHED = new Set(['source', 'uri', 'url_param', 'hdr', 'rdp-cookie', 'hash']);

/** The backend's algorithm takes servers at runtime (2.6's BE_LB_PROP_DYN): not static-rr, not map-based hashing. */
function lbDynamic(be: Proxy): boolean {
  const lb = be.lb;
  if (lb === null) return true;
  return lb.dynamic && !(HASHED.has(lb.name) && isStaticHash(be));
}

/** Result of add/del: the reply text and whether it is an error (LOG_ERR) or a message (LOG_INFO). */
export interface DynReply { text: string; err: boolean }
const fail = (text: string): DynReply => ({ text, err: true });

function splitName(arg: string | undefined): [string, string] | null {
  if (arg === undefined) return null;
  const slash = arg.indexOf('/');
  if (slash <= 0 || slash === arg.length - 1) return null;
  return [arg.slice(0, slash), arg.slice(slash + 1)];
}

function backendByName(proxies: readonly Proxy[], name: string): Proxy | null {
  for (const px of proxies) if ((px.cap & PR_CAP_BE) !== 0 && px.name === name) return px;
  return null;
}

/** A KwCtx for one `add server` line: its alert is kept without the config file:line prefixes. */
class DynCtx implements KwCtx {
  readonly file = '(null)';
  readonly line = 0;
  readonly section: SectionKind = 'backend';
  readonly proxy: Proxy;
  readonly global: GlobalSettings;
  readonly proxies: ReadonlyMap<string, Proxy>;
  readonly prefix: string;
  error = '';
  readonly post: (() => void)[] = [];
  constructor(px: Proxy, name: string, global: GlobalSettings, proxies: readonly Proxy[]) {
    this.proxy = px;
    this.global = global;
    this.proxies = new Map(proxies.map((p) => [p.name, p]));
    this.prefix = `[(null):0] : 'server ${px.name}/${name}' : `;
  }
  // the last one is the CLI's answer when a keyword reports two (ca-file: "Couldn't open", then "unable to load")
  alertRaw(msg: string): void {
    this.error = msg.startsWith(this.prefix) ? msg.slice(this.prefix.length) : msg.startsWith('[(null):0] : ') ? msg.slice(13) : msg;
  }
  alert(msg: string): void { this.alertRaw(msg); }
  warn(): void {}
  warnRaw(): void {}
  postParse(fn: () => void): void { this.post.push(fn); }
}

/** `add server <bk>/<srv> <addr>[:port] [params]`: `args` are the words after `add server`. */
export function addDynamicServer(proxies: readonly Proxy[], global: GlobalSettings, args: readonly string[]): DynReply {
  const names = splitName(args[0]);
  if (names === null) return fail("Require 'backend/server'.");
  const be = backendByName(proxies, names[0]);
  if (be === null) return fail('No such backend.');
  if (!lbDynamic(be)) return fail('Backend must use a dynamic load balancing to support dynamic servers.');
  if (args.length < 2) return fail("'server' expects <name> and <addr>[:<port>] as arguments.\n");
  const ctx = new DynCtx(be, names[1], global, proxies);
  const srv = dynParse(be, ['server', names[1], ...args.slice(1)], ctx);
  if (srv === null || ctx.error !== '') return fail(ctx.error + '\n');
  if (srv.trackName !== '') {
    const slash = srv.trackName.indexOf('/');
    const tpx = slash >= 0 ? backendByName(proxies, srv.trackName.slice(0, slash)) : be;
    const tname = slash >= 0 ? srv.trackName.slice(slash + 1) : srv.trackName;
    const t = tpx === null ? undefined : tpx.servers.find((x) => x.name === tname);
    if (t !== undefined && srvIsDynamic(t)) return fail(`unable to use ${tpx!.name}/${t.name} for tracking as it is a dynamic server.\n`);
  }
  for (const fn of ctx.post) fn();
  if (ctx.error === '') finalizeServerSsl(global, srv, ctx);
  if (ctx.error !== '') return fail(ctx.error + '\n');
  for (const o of be.servers) if (o.name === srv.name) return fail('Already exists a server with the same name in backend.\n');
  if (srv.id === 0) {
    let id = 1;
    while (be.servers.some((o) => o.id === id)) id++;
    srv.id = id;
  }
  // as 2.6: down, in forced maintenance until `enable server`; a check waits for `enable health`
  srv.adminState |= SRV_ADMF_FMAINT;
  srv.curState = SRV_ST_STOPPED;
  srv.check.health = 0;
  srv.lastChange = Date.now();
  srvSetDynamic(srv, true);
  be.servers.push(srv);
  if (srv.check.enabled) startServerCheck(srv);
  if (srv.agent !== null && srv.agent.enabled) startServerAgent(srv);
  recalcBackend(be);
  return { text: 'New server registered.\n', err: false };
}

/**
 * `del server <bk>/<srv>`. Any server may go (not only added ones), when in maintenance, without active or queued
 * streams, and neither tracked nor named by a use-server rule (2.6's non-purgeable ones). Its idle connections are
 * closed (2.6 has none on a server in maintenance).
 */
export function delDynamicServer(proxies: readonly Proxy[], arg: string | undefined): DynReply {
  const names = splitName(arg);
  if (names === null) return fail("Require 'backend/server'.");
  const be = backendByName(proxies, names[0]);
  if (be === null) return fail('No such backend.');
  const srv = be.servers.find((s) => s.name === names[1]);
  if (srv === undefined) return fail('No such server.');
  if (srvIsTracked(srv) || srvUsedByRule(srv)) return fail('This server cannot be removed at runtime due to other configuration elements pointing to it.');
  if ((srv.adminState & SRV_ADMF_MAINT) === 0) return fail('Only servers in maintenance mode can be deleted.');
  if (srv.served > 0 || srv.queued > 0) return fail('Server still has connections attached to it, cannot remove it.');
  poolFlush(srv);
  stopServerCheck(srv);
  stopServerAgent(srv);
  if (srv.tracked !== null) srvDelTracker(srv.tracked, srv);
  be.servers.splice(be.servers.indexOf(srv), 1);
  srvSetDynamic(srv, false);
  recalcBackend(be);
  return { text: 'Server deleted.', err: false };
}
