/*
 * The second HTTP/1.1 corpus (fixtures/http/cases.mjs CASES2: framing and smuggling shapes, request-line and header
 * edge cases, size limits at their boundaries, scripted server replies, rules, ACL routing, captures, the HTTP/2
 * preface) against HAProxy 2.6.12's goldens, log lines compared whole (timers and dates masked).
 */
// @ts-expect-error plain JS fixture module shared with the capture script
import { CASES2 } from '../../../fixtures/http/cases.mjs';
import { replayCases, type Case } from './cases-replay.ts';

/** Byte counts that vary from run to run in HAProxy itself: the log is compared by its summary. */
const LOG_SUMMARY = new Set(['rules-response-deny']);

replayCases(CASES2 as Case[], (name) => (LOG_SUMMARY.has(name) ? 'summary' : 'full'));
