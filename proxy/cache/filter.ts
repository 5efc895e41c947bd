/*
 * The `filter` keyword of HAProxy 2.6 as far as Sluice has filters: `filter cache <name>` (the cache filter, also
 * declared implicitly by cache-use / cache-store rules) and `filter compression` (orders HTTP compression after the
 * cache); spoe, trace, fcgi-app and opentracing are 2.6 filters Sluice refuses with a clear error; other names get
 * 2.6's "unknown keyword" list. Post-parse: the checks 2.6's cache filter makes (the cache exists, no compression
 * before it, an implicit cache filter only next to compression). Per-proxy filter lists live here (WeakMap), read by
 * cache/actions.ts. Hot path: no.
 */
import type { CfgKeyword, KwCtx } from '../config/types.ts';
import { PR_CAP_FE, PR_CAP_BE, PR_CAP_DEF } from '../config/types.ts';
import type { Proxy } from '../model/types.ts';
import type { CacheFilter } from './types.ts';
import { capName } from '../config/sections.ts';
import { cachesOf } from './section.ts';

const filters = new WeakMap<Proxy, CacheFilter[]>();

/** The filters of `px` in declaration order (explicit ones, and the cache filters rules implied). */
export function proxyFilters(px: Proxy): readonly CacheFilter[] {
  return filters.get(px) ?? [];
}

function listOf(px: Proxy, ctx: KwCtx): CacheFilter[] {
  let l = filters.get(px);
  if (l === undefined) {
    l = [];
    filters.set(px, l);
    const list = l;
    ctx.postParse(() => checkFilters(px, list, ctx));
  }
  return l;
}

/** A cache-use / cache-store rule naming cache `name`: adds the implicit filter unless one exists for that name. */
export function implyCacheFilter(px: Proxy, name: string, ctx: KwCtx): void {
  const l = listOf(px, ctx);
  for (const f of l) if (f.kind === 'cache' && f.name === name) return;
  l.push({ kind: 'cache', name, implicit: true });
}

const UNSUPPORTED_FILTERS = ['spoe', 'trace', 'fcgi-app', 'opentracing'];
const REGISTERED = '    [CACHE] cache\n    [COMP] compression\n    [FCGI] fcgi-app\n    [  OT] opentracing\n    [SPOE] spoe\n    [TRACE] trace';

function parseFilter(args: readonly string[], ctx: KwCtx): void {
  const px = ctx.proxy;
  if (px === null) return;
  if ((px.cap & PR_CAP_DEF) !== 0) { ctx.alert(`parsing [${ctx.file}:${ctx.line}] : filter is not allowed in a 'default' section.`); return; }
  const name = args[1] ?? '';
  if (name === '') {
    ctx.alert(`parsing [${ctx.file}:${ctx.line}] : missing argument for '${args[0]}' in ${capName(px.cap)} '${px.name}'.`);
    return;
  }
  if (name === 'cache') {
    const cname = args[2] ?? '';
    if (cname === '') { ctx.alert(`'filter' : 'cache : expects a <name> argument'`); return; }
    if (args.length > 3) { ctx.alert(`'filter' : 'cache' : unexpected argument '${args[3]}'`); return; }
    const l = listOf(px, ctx);
    const i = l.findIndex((f) => f.kind === 'cache' && f.name === cname);
    if (i >= 0) {
      if (!l[i].implicit) { ctx.alert(`'filter' : '${px.name}: multiple explicit declarations of the cache filter '${cname}''`); return; }
      l.splice(i, 1);
    }
    l.push({ kind: 'cache', name: cname, implicit: false });
    return;
  }
  if (name === 'compression') {
    if (args.length > 2) { ctx.alert(`'filter' : 'compression' : unexpected argument '${args[2]}'`); return; }
    listOf(px, ctx).push({ kind: 'compression', name: '', implicit: false });
    return;
  }
  if (UNSUPPORTED_FILTERS.includes(name)) {
    ctx.alert(`'filter' : '${name}' is a HAProxy 2.6 filter not supported by sluice yet (supported: cache, compression).`);
    return;
  }
  ctx.alert(`'filter' : unknown keyword '${name}'. Registered keywords :\n${REGISTERED}`);
}

/** 2.6's post-parse checks of the cache filters of one proxy (and of an explicit compression filter before them). */
function checkFilters(px: Proxy, l: readonly CacheFilter[], ctx: KwCtx): void {
  const where = `config: ${capName(px.cap)} '${px.name}'`;
  const caches = cachesOf(ctx.global);
  const ci = l.findIndex((f) => f.kind === 'compression');
  // (the compression filter's own check, made only when the proxy compresses)
  if (ci >= 0 && px.http.comp !== null && l.some((f, i) => i > ci && f.kind === 'cache')) {
    ctx.alertRaw(`${where}: unable to enable the compression filter before any cache filter.`);
  }
  for (let i = 0; i < l.length; i++) {
    const f = l[i];
    if (f.kind !== 'cache') continue;
    if (!caches.has(f.name)) { ctx.alertRaw(`${where}: unable to find the cache '${f.name}' referenced by the filter 'cache'.`); continue; }
    let comp = false;
    for (let j = 0; j < l.length; j++) {
      const o = l[j];
      if (j === i) {
        if (comp) { ctx.alertRaw(`${where}: unable to enable the compression filter before the cache '${f.name}'.`); break; }
      } else if (o.kind === 'compression') comp = true;
      else if (o.kind === 'other' && f.implicit) {
        ctx.alertRaw(`${where}: require an explicit filter declaration to use the cache '${f.name}'.`);
        break;
      }
    }
  }
}

export const filterKeywords: CfgKeyword[] = [
  { section: 'listen', name: 'filter', cap: PR_CAP_FE | PR_CAP_BE | PR_CAP_DEF, parse: parseFilter },
];
