/*
 * Serves a `cache-use` hit as HAProxy 2.6's cache applet does (compared with haproxy 2.6.12, fixtures/cache): the
 * stored head plus `age: <seconds>` (now - storage + the origin's Age), the H1 connection header, the stored body;
 * HEAD gets the head only; a request whose If-None-Match matches the ETag (weakly, or `*`), or without it whose
 * If-Modified-Since is not before the entry's Last-Modified, gets "304 Not Modified" with the stored headers. Logged
 * with server `<CACHE>`, termination LR, Tw/Tc/Tr 0, bytes in 2.6's accounting; a frontend hit counts as
 * intercepted. Writes the stored Buffers as they are (no copy of the body). Callers: http/stream.ts cacheReply.
 * Hot path: yes (per hit; one small Buffer per reply for the age and connection lines).
 */
import type { Proxy, Server, StreamLog } from '../model/types.ts';
import type { CacheEntry } from './types.ts';
import type { CacheOwner } from './actions.ts';
import type { SampleCtx } from '../acl/types.ts';
import { CACHE_ENTRY_MAX_AGE, CACHE_BODY_CLOSE, CACHE_BODY_CHUNKED } from './types.ts';
import { H1_MF_VER_11, H1_MF_METH_HEAD } from '../http/types.ts';
import { SF_ERR_LOCAL, SF_FINST_R } from '../model/types.ts';
import { newServer } from '../model/factories.ts';
import { headerValues, etagsMatch, parseHttpDate } from './cacheability.ts';
import { cacheTouch } from './store.ts';

/** What serving a hit needs from the stream besides CacheOwner. */
export interface CacheServeOwner extends CacheOwner {
  readonly log: StreamLog;
  be: Proxy | null;
  cliKeepAlive: boolean;
  readonly cli: { cork(): void; uncork(): void };
  writeCli(b: Buffer): void;
}

/** The server logged for hits: 2.6 names its cache applet `<CACHE>`. */
let cacheServer: Server | null = null;

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
 * Writes entry `own.cacheHit` to the client for proxy `px` (whose cache-use rule found it) and fills the log; the
 * caller ends the transaction. Clears cacheHit.
 */
export function cacheServe(own: CacheServeOwner, px: Proxy, req: SampleCtx): void {
  const e = own.cacheHit as CacheEntry;
  own.cacheHit = null;
  cacheTouch(e.cache, e);
  const log = own.log;
  own.be = px;
  log.backend = px;
  if (px === own.fe) px.feCounters.interceptedReq++;
  log.server = cacheServer ?? (cacheServer = newServer('<CACHE>', px, '', 0, null));
  log.errCause = SF_ERR_LOCAL;
  log.finishState = SF_FINST_R;
  log.tQueue = 0; log.tConnect = 0; log.tResponse = 0;
  const now = Math.floor(Date.now() / 1000);
  let age = now - e.latestValidation;
  if (age < 0) age = 0;
  age += e.age;
  if (age > CACHE_ENTRY_MAX_AGE) age = CACHE_ENTRY_MAX_AGE;
  const ageText = String(age);
  const nm = cacheNotModified(req, e);
  const head = (own.req.flags & H1_MF_METH_HEAD) !== 0;
  if (e.framing === CACHE_BODY_CLOSE) own.cliKeepAlive = false;
  let conn = '';
  if (!own.cliKeepAlive) { if (e.ver11) conn = '\r\nconnection: close'; }
  else if (!e.ver11 || (own.req.flags & H1_MF_VER_11) === 0) conn = '\r\nconnection: keep-alive';
  const tail = Buffer.from('\r\nage: ' + ageText + conn + '\r\n\r\n', 'latin1');
  let bytes = e.htxHead + 3 + ageText.length;
  own.cli.cork();
  if (nm) {
    log.status = 304;
    const sl = e.head.indexOf(13);
    own.writeCli(Buffer.concat([Buffer.from((e.ver11 ? 'HTTP/1.1' : 'HTTP/1.0') + NOT_MODIFIED, 'latin1'), e.head.subarray(sl), tail]));
    bytes += NOT_MODIFIED.length - 5 - e.reasonLen;     // the reason phrase replaced
  } else {
    log.status = 200;
    own.writeCli(e.head);
    own.writeCli(tail);
    if (!head && e.body.length > 0) {
      own.writeCli(e.body);
      bytes += e.bodyLen + (e.framing === CACHE_BODY_CHUNKED ? 1 : 0);    // 2.6 counts a chunked message's end
    }
  }
  own.cli.uncork();
  log.bytesOut += bytes;
}
