/*
 * A `cache-use` hit as HAProxy 2.6's cache applet produces it (compared with haproxy 2.6.12, fixtures/cache): the
 * stored head plus `age: <seconds>` (now - storage + the origin's Age), then the stored body; a request whose
 * If-None-Match matches the ETag (weakly, or `*`), or without it whose If-Modified-Since is not before the entry's
 * Last-Modified, gets "304 Not Modified" with the stored headers. http/stream.ts then handles it as a server response
 * (http-response and after-response rules, compression, HEAD, connection header), logged with server `<CACHE>`,
 * LR, Tw/Tc/Tr 0. Callers: http/stream.ts cacheReply. Hot path: yes (per hit: one head copy, the body as stored).
 */
import type { Proxy, StreamLog } from '../model/types.ts';
import type { CacheEntry } from './types.ts';
import type { CacheOwner } from './actions.ts';
import type { SampleCtx } from '../acl/types.ts';
import { CACHE_ENTRY_MAX_AGE } from './types.ts';
import { headerValues, etagsMatch, parseHttpDate } from './cacheability.ts';
import { cacheTouch } from './store.ts';
import { CACHE_APPLET, cacheAnsweredBy, cacheVarsLogs } from './fetches.ts';

/** What serving a hit needs from the stream besides CacheOwner. */
export interface CacheServeOwner extends CacheOwner {
  readonly log: StreamLog;
  be: Proxy | null;
  /** The stream's variables (shared by its request and response rule contexts). */
  readonly vars: object;
}


const NOT_MODIFIED = ' 304 Not Modified';

/** Whether the request (its conditional headers) gets a 304 for entry `e` (2.6's should_send_notmodified_response). */
export function cacheNotModified(req: SampleCtx, e: CacheEntry): boolean {
  const inm = headerValues(req, 'if-none-match', false);
  if (inm.length > 0) {
    for (const v of inm) {
      if (v === '*') return true;
      if (e.etag === '') return false;
      if (etagsMatch(e.etag, v)) return true;
    }
    return false;
  }
  const ims = headerValues(req, 'if-modified-since', true);
  if (ims.length === 0) return false;
  const t = parseHttpDate(ims[0]);
  return t >= 0 && e.lastModified <= t;
}

/**
 * Prepares the reply of the hit in `own.cacheHit` for proxy `px` (whose cache-use rule found it): marks the entry used,
 * fills the log (backend `px`, server `<CACHE>`, Tw/Tc 0) and counts a frontend hit as intercepted; returns the response
 * head to process as if a server had sent it: the stored head plus `age`, with "304 Not Modified" for a satisfied
 * conditional request. Clears cacheHit; the caller then sends `e.body` (cacheBodyOf) after the head.
 */
export function cacheServe(own: CacheServeOwner, px: Proxy, req: SampleCtx): Buffer {
  const e = own.cacheHit as CacheEntry;
  own.cacheHit = null;
  if (own.cache !== null) own.cache.txn = -1;       // a response from the cache is never stored again (2.6)
  cacheTouch(e.cache, e);
  const log = own.log;
  own.be = px;
  log.backend = px;
  if (px === own.fe) px.feCounters.interceptedReq++;
  log.server = null;
  log.applet = CACHE_APPLET;
  log.srvconn = 0;
  cacheAnsweredBy.set(log, e.cache);
  cacheVarsLogs.set(own.vars, log);
  log.tQueue = 0; log.tConnect = 0;
  const now = Math.floor(Date.now() / 1000);
  let age = now - e.latestValidation;
  if (age < 0) age = 0;
  age += e.age;
  if (age > CACHE_ENTRY_MAX_AGE) age = CACHE_ENTRY_MAX_AGE;
  const tail = Buffer.from('\r\nage: ' + age + '\r\n\r\n', 'latin1');
  if (!cacheNotModified(req, e)) return Buffer.concat([e.head, tail], e.head.length + tail.length);
  const sl = e.head.indexOf(13);
  return Buffer.concat([Buffer.from((e.ver11 ? 'HTTP/1.1' : 'HTTP/1.0') + NOT_MODIFIED, 'latin1'), e.head.subarray(sl), tail]);
}
