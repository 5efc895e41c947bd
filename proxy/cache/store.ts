/*
 * The storage of one cache section: entries by primary key (several per key when responses vary), each counted in
 * 1 KB blocks against `total-max-size`; when a new object does not fit, the least recently stored or served ones
 * go first (2.6's shared-context LRU). Expiry is checked on lookup (an expired entry is dropped then), as 2.6 does.
 * Callers: cache/actions.ts (lookup, insert, invalidate), cache/cli.ts (show cache). Hot path: cacheLookup (per
 * cache-use request).
 */
import type { CacheCfg, CacheEntry } from './types.ts';
import { CACHE_BLOCKSIZE, VARY_ACCEPT_ENCODING, VARY_REFERER, ENC_OTHER } from './types.ts';

function unlink(c: CacheCfg, e: CacheEntry): void {
  if (e.prev !== null) e.prev.next = e.next; else c.lruHead = e.next;
  if (e.next !== null) e.next.prev = e.prev; else c.lruTail = e.prev;
  e.prev = null; e.next = null;
}

function append(c: CacheCfg, e: CacheEntry): void {
  e.prev = c.lruTail;
  e.next = null;
  if (c.lruTail !== null) c.lruTail.next = e; else c.lruHead = e;
  c.lruTail = e;
}

/** Removes `e` from the cache (no-op when it is not stored). */
export function cacheDelete(c: CacheCfg, e: CacheEntry): void {
  const l = c.entries.get(e.key);
  if (l === undefined) return;
  const i = l.indexOf(e);
  if (i < 0) return;
  l.splice(i, 1);
  if (l.length === 0) c.entries.delete(e.key);
  unlink(c, e);
  c.usedBlocks -= e.blocks;
}

/**
 * Whether a request's secondary key (accept-encoding bitmap, referer hash, as built for the entry's signature)
 * selects entry `e`: the stored encoding must be one the client accepts, the referer hashes equal. As 2.6.12, an
 * entry varying on referer only keeps its response's encoding bits, which a request key without accept-encoding
 * never matches.
 */
export function secondaryMatch(e: CacheEntry, aeBits: number, refHash: number): boolean {
  const reqAe = (e.sig & VARY_ACCEPT_ENCODING) !== 0 ? aeBits : 0;
  const reqRef = (e.sig & VARY_REFERER) !== 0 ? refHash : 0;
  if ((e.aeBits & ENC_OTHER) !== 0 || ((e.aeBits & reqAe) >>> 0) !== e.aeBits) return false;
  return e.refHash === reqRef;
}

/**
 * The entry serving `key` at second `now`, or null. `secondary(sig)` builds the request's [aeBits, refHash] for a
 * varying entry's signature, or null when the request cannot have one. Expired entries met are dropped.
 */
export function cacheLookup(c: CacheCfg, key: string, now: number,
  secondary: ((sig: number) => [number, number] | null) | null): CacheEntry | null {
  const l = c.entries.get(key);
  if (l === undefined) return null;
  const first = l[0];
  if (first.expire <= now) { cacheDelete(c, first); return null; }
  if (first.sig === 0) return first;
  const k = secondary !== null ? secondary(first.sig) : null;
  if (k === null) return null;
  for (let i = 0; i < l.length; i++) {
    const e = l[i];
    if (!secondaryMatch(e, k[0], k[1])) continue;
    if (e.expire <= now) { cacheDelete(c, e); return null; }
    return e;
  }
  return null;
}

/**
 * The stored entry a new response for `key` replaces, or null: the first one, or for a varying response the first
 * one the request's secondary key (`aeBits`, `refHash`) selects (2.6 compares with the request's key).
 */
export function cacheFindSame(c: CacheCfg, key: string, sig: number, aeBits: number, refHash: number): CacheEntry | null {
  const l = c.entries.get(key);
  if (l === undefined) return null;
  if (sig === 0) return l[0];
  for (const e of l) if (e.sig !== 0 && secondaryMatch(e, aeBits, refHash)) return e;
  return null;
}

/** A hit: the entry becomes the most recently used. */
export function cacheTouch(c: CacheCfg, e: CacheEntry): void {
  if (c.lruTail === e) return;
  unlink(c, e);
  append(c, e);
}

/**
 * Stores `e` (its size and blocks set): evicts least recently used entries until it fits, then adds it after the
 * entries of its key; more than `maxSecondary` entries for one key drops the expired ones, then refuses the new one.
 * Returns false when it was not stored.
 */
export function cacheInsert(c: CacheCfg, e: CacheEntry, now: number): boolean {
  if (e.blocks > c.maxBlocks) return false;
  let l = c.entries.get(e.key);
  if (l !== undefined && e.sig !== 0 && l.length >= c.maxSecondary) {
    for (const o of l.slice()) if (o.expire <= now) cacheDelete(c, o);
    l = c.entries.get(e.key);
    if (l !== undefined && l.length >= c.maxSecondary) return false;
  }
  while (c.usedBlocks + e.blocks > c.maxBlocks && c.lruHead !== null) cacheDelete(c, c.lruHead);
  if (l === undefined) { l = []; c.entries.set(e.key, l); }
  l.push(e);
  append(c, e);
  c.usedBlocks += e.blocks;
  return true;
}

/** Blocks a row of `size` bytes takes. */
export function cacheBlocks(size: number): number {
  return Math.ceil(size / CACHE_BLOCKSIZE);
}

/**
 * The live entries `show cache` lists, ordered by their 32-bit hash as 2.6's tree walk: it goes from key to next key,
 * so of several entries of one key (Vary) only the first is listed.
 */
export function cacheListing(c: CacheCfg, now: number): CacheEntry[] {
  const out: CacheEntry[] = [];
  for (const l of c.entries.values()) if (l[0].expire > now) out.push(l[0]);
  out.sort((a, b) => a.hash32 - b.hash32);
  return out;
}
