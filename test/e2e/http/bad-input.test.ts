/*
 * The first HTTP/1.1 input corpus (fixtures/http/cases.mjs CANNED + CASES) against HAProxy 2.6's goldens: canned
 * errors, bad requests, smuggling shapes, bad servers, timeouts, rules. Log lines compared whole (masked).
 */
// @ts-expect-error plain JS fixture module shared with the capture script
import { CASES, CANNED } from '../../../fixtures/http/cases.mjs';
import { replayCases, type Case } from './cases-replay.ts';

// uri-long-fits: the golden's line was cut at 1024 bytes of `format raw`, the replay logs RFC 3164 over UDP (a longer
// header, so a shorter message): its log is compared by its summary.
replayCases([...CANNED, ...CASES] as Case[],
  (name) => (name === 'uri-long-fits' ? 'summary' : 'full'));
