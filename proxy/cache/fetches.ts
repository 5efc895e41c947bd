/*
 * The cache's sample fetches (2.6): `res.cache_hit` (boolean: the response came from a cache) and `res.cache_name`
 * (the name of that cache), for ACL conditions (`http-response set-header x-cache HIT if { res.cache_hit }`) and
 * log-format values (`%[res.cache_hit]`). Both read the stream's log record: a hit is logged with the applet
 * `<CACHE>` (cache/serve.ts). Registered by cache/register.ts. Hot path: no.
 */
import type { FetchDef, SampleCtx } from '../acl/types.ts';
import { ACL_M_BOOL, ACL_M_STR } from '../acl/types.ts';
import type { StreamLog } from '../model/types.ts';
import type { CacheCfg } from './types.ts';

/** 2.6 names its cache applet `<CACHE>`: the server field of a hit's log line (StreamLog.applet). */
export const CACHE_APPLET = '<CACHE>';
/** The cache that answered a stream's current transaction (valid while its log's applet is CACHE_APPLET). */
export const cacheAnsweredBy = new WeakMap<StreamLog, CacheCfg>();
/**
 * The log record of a stream by its variables map, recorded on its first hit: the response views http-response
 * conditions get (http/stream.ts rspCtx, http/rules.ts views) carry the stream's `vars` but not its log.
 */
export const cacheVarsLogs = new WeakMap<object, StreamLog>();

function logOf(ctx: SampleCtx): StreamLog | undefined {
  return ctx.log ?? (ctx.vars !== undefined ? cacheVarsLogs.get(ctx.vars) : undefined);
}

function cacheName(s: StreamLog | undefined): string | null {
  return s !== undefined && s.applet === CACHE_APPLET ? cacheAnsweredBy.get(s)?.name ?? null : null;
}

/** Log-format fetches: `res.cache_hit` (1 when the response came from a cache, else 0), `res.cache_name`. */
export const cacheLogFetches: ReadonlyArray<readonly [string, (s: StreamLog) => string | number | null]> = [
  ['res.cache_hit', (s) => (s.applet === CACHE_APPLET ? 1 : 0)],
  ['res.cache_name', (s) => cacheName(s)],
];

/** ACL fetches over the rule context's stream log record. */
export const cacheAclFetches: FetchDef[] = [
  {
    name: 'res.cache_hit', defaultMatch: ACL_M_BOOL, needsArg: false, bool: true,
    run(ctx: SampleCtx) { const l = logOf(ctx); return l !== undefined && l.applet === CACHE_APPLET; },
  },
  {
    name: 'res.cache_name', defaultMatch: ACL_M_STR, needsArg: false, bool: false,
    run(ctx, _arg, match, p) {
      const n = cacheName(logOf(ctx));
      if (n === null) return false;
      const b = Buffer.from(n, 'latin1');
      return match(p, b, 0, b.length);
    },
  },
];
