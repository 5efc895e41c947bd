/*
 * The `cache <name>` section of HAProxy 2.6: total-max-size (MB, at most 4095), max-object-size (bytes, default a
 * 256th of the total, at most half of it), max-age (seconds, default 60), process-vary on|off, max-secondary-entries
 * (default 10), with 2.6's messages (its bad values are warnings that still reject the file and stop parsing, its
 * size checks run when the section ends). Caches are kept in global.ext under 'cache', by name, for the actions,
 * filters and `show cache`. Hot path: no.
 */
import type { CfgKeyword, KwCtx } from '../config/types.ts';
import type { GlobalSettings } from '../model/types.ts';
import type { CacheCfg } from './types.ts';
import { CACHE_BLOCKSIZE } from './types.ts';
import { cAtoi } from '../config/values.ts';

/** The cache sections of a configuration, by name (declaration order). */
export function cachesOf(g: GlobalSettings): Map<string, CacheCfg> {
  let m = g.ext.get('cache') as Map<string, CacheCfg> | undefined;
  if (m === undefined) { m = new Map(); g.ext.set('cache', m); }
  return m;
}

let nextAddr = 0x7f0000a00000;

export function newCacheCfg(name: string, file: string, line: number): CacheCfg {
  nextAddr += 0x1000000;
  return {
    name, file, line, maxBlocks: 0, maxObjSz: 0, maxAge: 60, processVary: false, maxSecondary: 10,
    entries: new Map(), pending: new Map(), usedBlocks: 0, lruHead: null, lruTail: null, addr: nextAddr,
  };
}

/** The section being parsed, null after an error that dropped it. */
let current: CacheCfg | null = null;

/** warnAbort when the loader has it (it always does; tests may give a plainer ctx). */
function warnAbort(ctx: KwCtx, msg: string): void {
  if (ctx.warnAbort !== undefined) ctx.warnAbort(msg);
  else ctx.alert(msg);
}

/** 2.6's "too many args" check: `n` arguments allowed after the keyword. */
function tooMany(args: readonly string[], n: number, ctx: KwCtx): boolean {
  if (args.length <= n + 1) return false;
  ctx.alert(`'${args[0]}' cannot handle unexpected argument '${args[n + 1]}'.`);
  ctx.abort?.();
  return true;
}

function parseCacheHeader(args: readonly string[], ctx: KwCtx): void {
  current = null;
  if ((args[1] ?? '') === '') { ctx.alert(`'${args[0]}' expects a <name> argument`); ctx.abort?.(); return; }
  if (tooMany(args, 1, ctx)) return;
  let name = args[1];
  if (name.length > 32) {
    name = name.slice(0, 32);
    ctx.warnRaw(`parsing [${ctx.file}:${ctx.line}]: cache name is limited to 32 characters, truncate to '${name}'.`);
  }
  const all = cachesOf(ctx.global);
  if (all.has(name)) {
    ctx.alertRaw(`parsing [${ctx.file}:${ctx.line}]: Duplicate cache name '${name}'.`);
    ctx.abort?.();
    return;
  }
  const c = newCacheCfg(name, ctx.file, ctx.line);
  current = c;
  ctx.sectionEnd?.(() => endSection(c, ctx));
}

/** 2.6's post-section checks: a size is required, max-object-size defaults to a 256th and is at most half. */
function endSection(c: CacheCfg, ctx: KwCtx): void {
  if (current === c) current = null;
  if (c.maxBlocks <= 0) { ctx.alertRaw(`Size not specified for cache '${c.name}'`); return; }
  const total = c.maxBlocks * CACHE_BLOCKSIZE;
  if (c.maxObjSz === 0) c.maxObjSz = Math.floor(total / 256);
  else if (c.maxObjSz > total / 2) {
    ctx.alertRaw(`"max-object-size" is limited to an half of "total-max-size" => ${Math.floor(total / 2)}`);
    return;
  }
  cachesOf(ctx.global).set(c.name, c);
}

/** strtoul over the whole word: the value, or -1 when it is not all digits (2.6 also takes a leading '-'). */
function ulong(w: string): number {
  const neg = w.startsWith('-');
  const d = neg ? w.slice(1) : w;
  if (!/^[0-9]+$/.test(d)) return -1;
  const n = Number(d);
  return neg ? 2 ** 64 - n : n;
}

function parseCacheKw(args: readonly string[], ctx: KwCtx): void {
  const c = current;
  if (c === null) return;
  const kw = args[0];
  const v = args[1] ?? '';
  if (tooMany(args, 1, ctx)) return;
  switch (kw) {
    case 'total-max-size': {
      const n = ulong(v);
      if (n < 0) { warnAbort(ctx, `total-max-size wrong value '${v}'`); return; }
      if (n > 4095) { warnAbort(ctx, `"total-max-size" (${v}) must not be greater than 4095`); return; }
      c.maxBlocks = n * (1024 * 1024 / CACHE_BLOCKSIZE);
      return;
    }
    case 'max-age':
      if (v === '') ctx.warnRaw(`parsing [${ctx.file}:${ctx.line}]: 'max-age' expects an age parameter in seconds.`);
      c.maxAge = cAtoi(v);
      return;
    case 'max-object-size': {
      if (v === '') ctx.warnRaw(`parsing [${ctx.file}:${ctx.line}]: 'max-object-size' expects a maximum file size parameter in bytes.`);
      const n = ulong(v);
      if (n < 0) { warnAbort(ctx, `max-object-size wrong value '${v}'`); return; }
      c.maxObjSz = n % 2 ** 32;
      return;
    }
    case 'process-vary': {
      const msg = `parsing [${ctx.file}:${ctx.line}]: 'process-vary' expects "on" or "off" (enable or disable vary processing).`;
      if (v === '') ctx.warnRaw(msg);
      if (v === 'on') c.processVary = true;
      else if (v === 'off') c.processVary = false;
      else ctx.warnRaw(msg);
      return;
    }
    case 'max-secondary-entries': {
      if (v === '') ctx.warnRaw(`parsing [${ctx.file}:${ctx.line}]: 'max-secondary-entries' expects a strictly positive number.`);
      const n = ulong(v);
      if (n <= 0) { warnAbort(ctx, `max-secondary-entries wrong value '${v}'`); return; }
      c.maxSecondary = n % 2 ** 32;
      return;
    }
    default:
  }
}

export const cacheSectionKeywords: CfgKeyword[] = [
  { section: 'cache', name: 'cache', parse: parseCacheHeader },
  { section: 'cache', name: 'total-max-size', parse: parseCacheKw },
  { section: 'cache', name: 'max-age', parse: parseCacheKw },
  { section: 'cache', name: 'max-object-size', parse: parseCacheKw },
  { section: 'cache', name: 'process-vary', parse: parseCacheKw },
  { section: 'cache', name: 'max-secondary-entries', parse: parseCacheKw },
];
