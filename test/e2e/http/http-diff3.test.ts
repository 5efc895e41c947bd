/*
 * The third HTTP/1.1 corpus (fixtures/proxy/http-diff/cases3.mjs CASES3, session 7's differential run with
 * bench/edge/http-diff.ts): Content-Length values past 2^53 and around 2^63/2^64, chunk sizes at 2^52, trailers (no
 * colon, obs-fold, split between reads), a final CRLF split between CR and LF, leading bytes that fail at once, header
 * names past 255 bytes, Host duplicates differing in case, Connection close + keep-alive, Expect variants, pipelining,
 * scripted server replies (status line shapes, 1xx runs, HEAD/204/304 with bodies, chunked HTTP/1.0, bad trailers),
 * a server timeout before a pipelined request; final codes below 100, control bytes in chunk extensions and the URI,
 * Transfer-Encoding codings over several headers (422), bad chunks after the head went out (session 11). Against HAProxy 2.6.12's goldens, logs compared whole (timers masked).
 */
// @ts-expect-error plain JS fixture module shared with the capture script
import { CASES3, UNSTABLE } from '../../../fixtures/proxy/http-diff/cases3.mjs';
import { replayCases, type Case } from './cases-replay.ts';

replayCases((CASES3 as Case[]).filter((c) => !(UNSTABLE as Set<string>).has(c.name)), () => 'full',
  new URL('../../../fixtures/proxy/http-diff/cases/', import.meta.url));
