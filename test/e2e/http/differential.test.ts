/*
 * The second HTTP/1.1 corpus (fixtures/http/cases.mjs CASES2: framing and smuggling shapes, request-line and header
 * edge cases, size limits at their boundaries, scripted server replies, rules, ACL routing, captures) against HAProxy
 * 2.6.12's goldens, log lines compared whole (timers and dates masked).
 */
// @ts-expect-error plain JS fixture module shared with the capture script
import { CASES2 } from '../../../fixtures/http/cases.mjs';
import { replayCases, type Case, type LogCheck } from './cases-replay.ts';

/** Byte counts that vary from run to run in HAProxy itself: the log is compared by its summary. */
const LOG_SUMMARY = new Set(['rules-response-deny']);

/** Still different from 2.6 (see README "Known differences"): their log lines are not compared. */
const LOG_DIFFERENT = new Set<string>([]);

/**
 * Still different from 2.6 in the reply itself: left out. h2-preface: 2.6 answers the HTTP/2 preface on an HTTP/1
 * bind with its SETTINGS frame and a GOAWAY at timeout http-request.
 */
const DIFFERENT = new Set<string>(['h2-preface']);

replayCases((CASES2 as Case[]).filter((c) => !DIFFERENT.has(c.name)),
  (name): LogCheck => (LOG_SUMMARY.has(name) ? 'summary' : LOG_DIFFERENT.has(name) ? 'none' : 'full'));
