/*
 * 2.6's fetches on the live state of proxies and servers, used by overload and failover rules
 * (`acl busy be_conn(app) ge 500`, `use_backend spare if !{ srv_is_up(app/main) }`): be_conn, be_sess_rate, queue,
 * avg_queue, connslots ([<backend>], default the stream's backend), fe_conn, fe_req_rate, fe_sess_rate
 * ([<frontend>], default the stream's frontend), srv_conn, srv_is_up, srv_queue, srv_sess_rate (<backend>/<server>),
 * and the name check of nbsrv's argument. Arguments are resolved once parsed with 2.6's "unable to find ..."
 * messages (grouped per proxy by the loader). Registered by proxy/modules.ts through registerAclFetches. Hot path: no.
 */
import type { FetchDef, SampleCtx, MatchFn, AclPatterns, AclTerm } from './types.ts';
import { ACL_M_INT, ACL_M_BOOL } from './types.ts';
import type { KwCtx } from '../config/types.ts';
import { PR_CAP_FE, PR_CAP_BE } from '../config/types.ts';
import type { Proxy, Server } from '../model/types.ts';
import { SRV_ST_RUNNING, SRV_ST_STOPPING, SRV_ST_STOPPED, SRV_ADMF_FMAINT, SRV_ADMF_IMAINT, SRV_ADMF_CMAINT, SRV_ADMF_RMAINT } from '../model/types.ts';
import { readFreqCtr } from '../stats/counters.ts';

/** What an argument names once resolved: per argument Buffer (one per ACL term). */
const targets = new WeakMap<Buffer, Proxy | Server | null>();
const digits = Buffer.alloc(24);
const checked = new WeakSet<AclTerm>();

function matchInt(n: number, match: MatchFn, p: AclPatterns): boolean {
  const len = digits.write(String(n), 0, 'latin1');
  return match(p, digits, 0, len);
}

/**
 * The stream's proxies: an HTTP or TCP stream's `be`/`fe`, else its log record's (rule views carry only that); before
 * switching the stream's backend is its frontend, as in 2.6.
 */
function streamBe(ctx: SampleCtx): Proxy | null {
  const c = ctx as SampleCtx & { be?: Proxy | null; fe?: Proxy };
  return c.be ?? ctx.log?.backend ?? c.fe ?? ctx.log?.frontend ?? null;
}
function streamFe(ctx: SampleCtx): Proxy | null { return (ctx as SampleCtx & { fe?: Proxy }).fe ?? ctx.log?.frontend ?? null; }

/** Streams waiting for a server of `be` (its own queue and its servers'): 2.6's totpend. */
function totalPending(be: Proxy): number {
  let n = be.totalQueued;
  for (const s of be.servers) n += s.queued;
  return n;
}

function usable(s: Server): boolean { return s.curState === SRV_ST_RUNNING || s.curState === SRV_ST_STOPPING; }

const MAINT = SRV_ADMF_FMAINT | SRV_ADMF_IMAINT | SRV_ADMF_CMAINT | SRV_ADMF_RMAINT;

/** 2.6's srv_is_up: not in maintenance, and not stopped by its health check (a server without check is up). */
function isUp(s: Server): number {
  return (s.adminState & MAINT) === 0 && (!s.check.enabled || s.curState !== SRV_ST_STOPPED) ? 1 : 0;
}

type Kind = 'be' | 'fe' | 'srv';

/** A proxy by name: exact, else ignoring case (nbsrv's argument arrives lowercased). */
function byName(ctx: KwCtx, name: string): Proxy | null {
  const px = ctx.proxies.get(name);
  if (px !== undefined) return px;
  for (const [n, p] of ctx.proxies) if (n.toLowerCase() === name) return p;
  return null;
}

/**
 * Resolves `term`'s argument once everything is parsed; a missing one is 2.6's argument resolution error. `kind`: a
 * backend, a frontend or a `backend/server` name. An empty optional argument means the stream's own proxy.
 */
function resolveAtLoad(kind: Kind, kw: string) {
  return (ctx: KwCtx, term: AclTerm): void => {
    if (checked.has(term)) return;          // a named ACL's term comes again with each condition using it
    checked.add(term);
    const arg = term.arg.toString('latin1');
    const where = `parsing [${ctx.file}:${ctx.line}]: `;
    const user = ctx.proxy === null ? '' : ` in proxy '${ctx.proxy.name}'`;
    const own = ctx.proxy;
    ctx.postParse(() => {
      if (arg === '') { targets.set(term.arg, null); return; }
      if (kind === 'srv') {
        const slash = arg.indexOf('/');
        const pxName = slash < 0 ? '' : arg.slice(0, slash);
        const sName = slash < 0 ? arg : arg.slice(slash + 1);
        const px = slash < 0 ? own : byName(ctx, pxName);
        if (px === null || (slash >= 0 && (px.cap & PR_CAP_BE) === 0)) {
          ctx.alertRaw(`${where}unable to find proxy '${pxName}' referenced in arg 1 of ACL keyword '${kw}'${user}.`);
          return;
        }
        const s = px.servers.find((x) => x.name === sName) ?? null;
        if (s === null) {
          ctx.alertRaw(`${where}unable to find server '${sName}' in proxy '${px.name}', referenced in arg 1 of ACL keyword '${kw}'${user}.`);
          return;
        }
        targets.set(term.arg, s);
        return;
      }
      const cap = kind === 'fe' ? PR_CAP_FE : PR_CAP_BE;
      const px = byName(ctx, arg);
      if (px === null || (px.cap & cap) === 0) {
        ctx.alertRaw(`${where}unable to find ${kind === 'fe' ? 'frontend' : 'backend'} '${arg}' referenced in arg 1 of ACL keyword '${kw}'${user}.`);
        return;
      }
      targets.set(term.arg, px);
    });
  };
}

function pxFetch(name: string, kind: 'be' | 'fe', value: (px: Proxy) => number): FetchDef {
  return {
    name, defaultMatch: ACL_M_INT, needsArg: false, bool: false, argCase: true,
    atLoad: resolveAtLoad(kind, name),
    run(ctx, arg, match, p) {
      const t = arg.length > 0 ? targets.get(arg) as Proxy | undefined : kind === 'fe' ? streamFe(ctx) : streamBe(ctx);
      if (t === undefined || t === null) return false;
      return matchInt(value(t), match, p);
    },
  };
}

function srvFetch(name: string, bool: boolean, value: (s: Server) => number): FetchDef {
  return {
    name, defaultMatch: bool ? ACL_M_BOOL : ACL_M_INT, needsArg: true, bool, argCase: true,
    atLoad: resolveAtLoad('srv', name),
    run(_ctx, arg, match, p) {
      const s = targets.get(arg) as Server | undefined;
      if (s === undefined || s === null) return false;
      return bool ? value(s) !== 0 : matchInt(value(s), match, p);     // a boolean fetch answers itself
    },
  };
}

/** Free connection and queue slots of `be` (2.6's connslots): -1 when a usable server has no maxconn. */
function connslots(be: Proxy): number {
  let n = 0;
  for (const s of be.servers) {
    if (!usable(s)) continue;
    if (s.maxconn === 0 || s.maxqueue === 0) return -1;
    n += (s.maxconn - s.served) + (s.maxqueue - s.queued);
  }
  return n;
}

/** Pending streams per usable server, rounded up (2.6's avg_queue); all of them when none is usable. */
function avgQueue(be: Proxy): number {
  let n = 0;
  for (const s of be.servers) if (usable(s)) n++;
  const pend = totalPending(be);
  return n > 0 ? Math.floor((pend + n - 1) / n) : pend;
}

export const PROXY_STATE_FETCHES: readonly FetchDef[] = [
  pxFetch('be_conn', 'be', (px) => px.beconn),
  pxFetch('be_sess_rate', 'be', (px) => readFreqCtr(px.beCounters.sessPerSec)),
  pxFetch('queue', 'be', totalPending),
  pxFetch('avg_queue', 'be', avgQueue),
  pxFetch('connslots', 'be', connslots),
  pxFetch('fe_conn', 'fe', (px) => px.feconn),
  pxFetch('fe_req_rate', 'fe', (px) => readFreqCtr(px.feCounters.reqPerSec)),
  pxFetch('fe_sess_rate', 'fe', (px) => readFreqCtr(px.feCounters.sessPerSec)),
  srvFetch('srv_conn', false, (s) => s.served),
  srvFetch('srv_queue', false, (s) => s.queued),
  srvFetch('srv_is_up', true, isUp),
  srvFetch('srv_sess_rate', false, (s) => readFreqCtr(s.counters.sessPerSec)),
];

/** nbsrv's argument checked as 2.6 does ('unable to find backend ...'); its value is computed by acl/nbsrv.ts. */
export const nbsrvCheck = resolveAtLoad('be', 'nbsrv');
