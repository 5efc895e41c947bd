/*
 * proxy/cache/store.ts and cli.ts: entries counted in 1 KB blocks, least recently stored or served evicted first,
 * expiry on lookup, entries varying on accept-encoding / referer selected by the request's key, the limit of
 * secondary entries, and `show cache`'s layout.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CacheCfg, CacheEntry } from '../../../proxy/cache/types.ts';
import { VARY_ACCEPT_ENCODING, VARY_REFERER, ENC_GZIP, ENC_IDENTITY, ENC_BR } from '../../../proxy/cache/types.ts';
import { newCacheCfg } from '../../../proxy/cache/section.ts';
import { cacheInsert, cacheLookup, cacheTouch, cacheBlocks, cacheFindSame, secondaryMatch, cacheListing } from '../../../proxy/cache/store.ts';
import { showCache } from '../../../proxy/cache/cli.ts';

function cache(blocks: number, maxSecondary = 10): CacheCfg {
  const c = newCacheCfg('c', 'f', 1);
  c.maxBlocks = blocks;
  c.maxSecondary = maxSecondary;
  return c;
}

function entry(c: CacheCfg, key: string, size: number, expire: number, sig = 0, aeBits = 0, refHash = 0): CacheEntry {
  return {
    key, hash32: key.charCodeAt(0), sig, aeBits, refHash, head: Buffer.alloc(0), body: Buffer.alloc(0), bodyLen: 0, framing: 0,
    ver11: true, htxHead: 0, size, blocks: cacheBlocks(size), expire, latestValidation: 0, age: 0, etag: '',
    lastModified: 0, cache: c, prev: null, next: null, addr: 0x1000,
  };
}

test('blocks are 1 KB, rounded up', () => {
  assert.equal(cacheBlocks(1), 1);
  assert.equal(cacheBlocks(1024), 1);
  assert.equal(cacheBlocks(1025), 2);
});

test('a full cache evicts the least recently stored or served entries first', () => {
  const c = cache(10);
  const a = entry(c, 'a', 3000, 100), b = entry(c, 'b', 3000, 100), d = entry(c, 'd', 3000, 100);
  assert.ok(cacheInsert(c, a, 0));
  assert.ok(cacheInsert(c, b, 0));
  assert.ok(cacheInsert(c, d, 0));
  assert.equal(c.usedBlocks, 9);
  cacheTouch(c, a);                        // a served: b is now the oldest
  assert.ok(cacheInsert(c, entry(c, 'e', 3000, 100), 0));
  assert.equal(cacheLookup(c, 'b', 0, null), null);
  assert.equal(cacheLookup(c, 'a', 0, null), a);
  assert.equal(c.usedBlocks, 9);
  assert.equal(cacheInsert(c, entry(c, 'huge', 11 * 1024, 100), 0), false);
});

test('an expired entry is not served and is dropped on lookup', () => {
  const c = cache(10);
  cacheInsert(c, entry(c, 'a', 100, 5), 0);
  assert.notEqual(cacheLookup(c, 'a', 4, null), null);
  assert.equal(cacheLookup(c, 'a', 5, null), null);
  assert.equal(c.entries.size, 0);
  assert.equal(c.usedBlocks, 0);
});

test('varying entries: the stored encoding must be accepted and the referer equal', () => {
  const c = cache(10);
  const gz = entry(c, 'k', 100, 100, VARY_ACCEPT_ENCODING, ENC_GZIP);
  const id = entry(c, 'k', 100, 100, VARY_ACCEPT_ENCODING, ENC_IDENTITY);
  cacheInsert(c, gz, 0);
  cacheInsert(c, id, 0);
  const look = (ae: number): CacheEntry | null => cacheLookup(c, 'k', 0, () => [ae, 0]);
  assert.equal(look(ENC_GZIP | ENC_IDENTITY), gz);
  assert.equal(look(ENC_BR | ENC_IDENTITY), id);
  assert.equal(look(ENC_BR), null);
  assert.equal(cacheLookup(c, 'k', 0, () => null), null);
  assert.equal(cacheFindSame(c, 'k', VARY_ACCEPT_ENCODING, ENC_BR | ENC_IDENTITY, 0), id);
  const ref = entry(c, 'r', 100, 100, VARY_REFERER | VARY_ACCEPT_ENCODING, ENC_IDENTITY, 7);
  assert.equal(secondaryMatch(ref, 0xffffffff, 7), true);
  assert.equal(secondaryMatch(ref, 0xffffffff, 8), false);
  // 2.6.12: varying on referer alone keeps the encoding bits, which a key without accept-encoding never matches
  const refOnly = entry(c, 'r', 100, 100, VARY_REFERER, ENC_IDENTITY, 7);
  assert.equal(secondaryMatch(refOnly, 0xffffffff, 7), false);
});

test('max-secondary-entries: expired duplicates make room, else the new one is refused', () => {
  const c = cache(100, 2);
  assert.ok(cacheInsert(c, entry(c, 'k', 100, 10, VARY_ACCEPT_ENCODING, ENC_GZIP), 0));
  assert.ok(cacheInsert(c, entry(c, 'k', 100, 100, VARY_ACCEPT_ENCODING, ENC_BR), 0));
  assert.equal(cacheInsert(c, entry(c, 'k', 100, 100, VARY_ACCEPT_ENCODING, ENC_IDENTITY), 5), false);
  assert.ok(cacheInsert(c, entry(c, 'k', 100, 100, VARY_ACCEPT_ENCODING, ENC_IDENTITY), 20));
  assert.equal(c.entries.get('k')?.length, 2);
});

test('show cache: the cache line, then the first live entry of each key by hash, as 2.6 prints them', () => {
  const c = cache(1024);
  const b = entry(c, 'b', 221, 160);
  const a = entry(c, 'a', 300, 150, VARY_ACCEPT_ENCODING | VARY_REFERER, ENC_IDENTITY, 0x43beb7e8);
  cacheInsert(c, b, 100);
  cacheInsert(c, a, 100);
  cacheInsert(c, entry(c, 'a', 300, 150, VARY_ACCEPT_ENCODING, ENC_GZIP), 100);
  assert.deepEqual(cacheListing(c, 100).map((e) => e.key), ['a', 'b']);
  const out = showCache([c], 100).replace(/^0x[0-9a-f]+/gm, 'P').replace(/shctx:0x[0-9a-f]+/, 'shctx:P');
  assert.equal(out, 'P: c (shctx:P, available blocks:1024)\n' +
    'P hash:97 vary:0x00010000e8b7be43 size:300 (1 blocks), refcount:0, expire:50\n' +
    'P hash:98 vary:0x0000000000000000 size:221 (1 blocks), refcount:0, expire:60\n');
});
