/*
 * Types of the HTTP cache (HAProxy 2.6's small-object cache: `cache` sections, `http-request cache-use`,
 * `http-response cache-store`, `filter cache`). Types and numeric constants only. Hot path: no.
 */

/** 2.6 stores objects in blocks of this many bytes (`total-max-size` MB = MB * 1024 blocks). */
export const CACHE_BLOCKSIZE = 1024;
/** Bytes 2.6's entry header (struct cache_entry) adds to every stored row (`show cache` size:). */
export const CACHE_ENTRY_HDR = 112;
/** 2.6 caps the Age it computes at this many seconds. */
export const CACHE_ENTRY_MAX_AGE = 2147483648;

/** Vary headers 2.6 knows (the bits of a vary signature). */
export const VARY_ACCEPT_ENCODING = 1;
export const VARY_REFERER = 2;

/** Accept-Encoding / Content-Encoding bits of the secondary key. */
export const ENC_GZIP = 1 << 0;
export const ENC_DEFLATE = 1 << 1;
export const ENC_BR = 1 << 2;
export const ENC_COMPRESS = 1 << 3;
export const ENC_AES128GCM = 1 << 4;
export const ENC_EXI = 1 << 5;
export const ENC_PACK200_GZIP = 1 << 6;
export const ENC_ZSTD = 1 << 7;
export const ENC_IDENTITY = 1 << 8;
export const ENC_STAR = 1 << 9;
export const ENC_OTHER = 1 << 10;

/** Body framing of a stored response, for its replay. */
export const CACHE_BODY_LEN = 0;
export const CACHE_BODY_CHUNKED = 1;
export const CACHE_BODY_CLOSE = 2;

/** One stored response. */
export interface CacheEntry {
  /** Primary key: "https://" + Host + URI (or the absolute URI), and the first 32 bits (LE) of its SHA-1 (2.6's). */
  key: string;
  hash32: number;
  /** Vary signature (VARY_*) and secondary key: accept-encoding bitmap, referer hash (0 when not varying). */
  sig: number;
  aeBits: number;
  refHash: number;
  /** Start line and headers as sent (no Connection, no Age), without the final CRLF. */
  head: Buffer;
  /** The body as it goes out (chunked framing included for CACHE_BODY_CHUNKED). */
  body: Buffer;
  bodyLen: number;
  framing: number;
  /** The stored response is HTTP/1.1 (else 1.0). */
  ver11: boolean;
  /** 2.6's byte accounting of the stored head (HTX size), for %B. */
  htxHead: number;
  /** Row size and block count as 2.6's `show cache` prints them. */
  size: number;
  blocks: number;
  /** Seconds (wall clock): expiry, storage time, and the origin's Age. */
  expire: number;
  latestValidation: number;
  age: number;
  /** ETag value (with quotes, maybe W/), '' = none; Last-Modified (or Date, or storage time) in seconds. */
  etag: string;
  lastModified: number;
  /** The cache holding it. */
  cache: CacheCfg;
  /** LRU list links (most recently stored/used at the tail). */
  prev: CacheEntry | null;
  next: CacheEntry | null;
  /** A pseudo address for `show cache` (2.6 prints pointers). */
  addr: number;
}

/** A `cache <name>` section and its storage. */
export interface CacheCfg {
  name: string;
  file: string;
  line: number;
  maxBlocks: number;
  /** Bytes; 0 = unset (post-section: total / 256). */
  maxObjSz: number;
  maxAge: number;
  processVary: boolean;
  maxSecondary: number;
  /** Entries by primary key (several when the responses vary). */
  entries: Map<string, CacheEntry[]>;
  /** Keys of responses being stored, with the second until which they block other stores of the same key. */
  pending: Map<string, number>;
  usedBlocks: number;
  lruHead: CacheEntry | null;
  lruTail: CacheEntry | null;
  addr: number;
}

/** The cache filter of a proxy: `filter cache <name>` (explicit) or the one a cache-use/cache-store rule implies. */
export interface CacheFilter {
  kind: 'cache' | 'compression' | 'other';
  name: string;
  implicit: boolean;
}

/**
 * Per-transaction cache state of an HTTP stream (held by the stream, created by the first cache-use): the request's
 * key, whether it may be stored, its secondary key parts.
 */
export interface CacheTxn {
  /** The stream's transaction number this state belongs to (stale states are ignored). */
  txn: number;
  /** "https://" + Host + URI (or the absolute URI), '' = no key. */
  key: string;
  /** The request is HTTP/1.1 GET (storable), or the method when unsafe (invalidation), and its flags. */
  method: string;
  ver11: boolean;
  /** TX_CACHE_IGNORE / TX_CACHEABLE / TX_CACHE_COOK of 2.6. */
  ignore: boolean;
  cacheable: boolean;
  cook: boolean;
  aeBits: number;
  aeOk: boolean;
  refHash: number;
}

/** A response being stored: the entry (not yet in the cache) and the body parts received so far. */
export interface CacheStoreState {
  cache: CacheCfg;
  entry: CacheEntry;
  parts: Buffer[];
  partsLen: number;
  nparts: number;
  /** The body went over max-object-size (or was compressed before the cache filter): dropped at the end. */
  tooBig: boolean;
  /** A compression filter runs before this cache filter (frontend compression, backend cache). */
  compFirst: boolean;
}
