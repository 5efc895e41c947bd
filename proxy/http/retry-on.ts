/*
 * `retry-on <keywords>` (2.6): which failures are retried, within `retries`. conn-failure (the default) is the
 * connection retry of backend/connect.ts; the others are layer-7 retries done by http/stream.ts on a copy of the
 * request kept when it is complete and fits in a buffer (bodiless, or Content-Length with the whole body received):
 * empty-response, junk-response, response-timeout and response statuses. As 2.6.12 (checked): a retry goes to the
 * same server, or to another one at each retry with `option redispatch`; any method is retried; Tc counts from the
 * first attempt; the final failure is answered as without retry-on (502 SH, 504 sH, or the server's status).
 * `http-request disable-l7-retry` turns it off for a request. Registered by proxy/modules.ts (registerRetryOn). Hot path: retryOnStatus once per response when L7 retries are configured.
 */
import type { CfgKeyword, KwCtx } from '../config/types.ts';
import { PR_CAP_BE, PR_CAP_DEF } from '../config/types.ts';
import type { KeywordRegistry } from '../config/registry.ts';
import type { SampleCtx } from '../acl/types.ts';
import type { HttpCustomAction } from './types.ts';
import { registerHttpActions, type HttpActionKw } from './keywords.ts';
import { unknownActionAlert } from './rule-errors.ts';

export const RETRY_CONN_FAILURE = 1 << 0;
export const RETRY_EMPTY_RESPONSE = 1 << 1;
export const RETRY_JUNK_RESPONSE = 1 << 2;
export const RETRY_RESPONSE_TIMEOUT = 1 << 3;
export const RETRY_0RTT_REJECTED = 1 << 4;
/** Status bits: 1 << (RETRY_STATUS_SHIFT + index in RETRY_STATUSES). */
const RETRY_STATUS_SHIFT = 5;
const RETRY_STATUSES: readonly number[] = [404, 408, 425, 500, 501, 502, 503, 504];
/** Every bit but conn-failure: what needs the request kept. */
export const RETRY_L7 = ~RETRY_CONN_FAILURE;
const ALL_RETRYABLE = RETRY_CONN_FAILURE | RETRY_EMPTY_RESPONSE | RETRY_JUNK_RESPONSE | RETRY_RESPONSE_TIMEOUT |
  RETRY_0RTT_REJECTED | statusBit(500) | statusBit(502) | statusBit(503) | statusBit(504);

function statusBit(s: number): number {
  const i = RETRY_STATUSES.indexOf(s);
  return i < 0 ? 0 : 1 << (RETRY_STATUS_SHIFT + i);
}

/** Whether a response with `status` is to be retried under the `retry-on` mask `mask`. */
export function retryOnStatus(mask: number, status: number): boolean {
  const b = statusBit(status);
  return b !== 0 && (mask & b) !== 0;
}

const WORDS: Readonly<Record<string, number>> = {
  'conn-failure': RETRY_CONN_FAILURE, 'empty-response': RETRY_EMPTY_RESPONSE, 'junk-response': RETRY_JUNK_RESPONSE,
  'response-timeout': RETRY_RESPONSE_TIMEOUT, '0rtt-rejected': RETRY_0RTT_REJECTED,
  'all-retryable-errors': ALL_RETRYABLE,
};

function parseRetryOn(args: readonly string[], ctx: KwCtx): void {
  const px = ctx.proxy;
  if (!px) return;
  if (args.length < 2) { ctx.alert(`'${args[0]}' needs at least one keyword to specify when to retry`); return; }
  let mask = 0;
  for (let i = 1; i < args.length; i++) {
    const w = args[i];
    if (w === 'none') {
      if (i !== 1 || args.length > 2) { ctx.alert(`'${args[0]}' 'none' keyworld only usable alone`); return; }   // sic, 2.6's text
      continue;
    }
    const b = WORDS[w] ?? (/^[0-9]{3}$/.test(w) ? statusBit(Number(w)) : 0);
    if (b === 0) { ctx.alert(`'${args[0]}': unknown keyword '${w}'`); return; }
    mask |= b;
  }
  px.http.retryOn = mask;
}

export const keywords: CfgKeyword[] = [
  { section: 'listen', name: 'retry-on', cap: PR_CAP_BE | PR_CAP_DEF, parse: parseRetryOn },
];

/** `http-request disable-l7-retry`: this transaction's request is not kept, so never retried at layer 7. */
const DISABLE_L7_RETRY: HttpCustomAction = {
  run(_ctx: SampleCtx, sess: SampleCtx): void { (sess as SampleCtx & { noL7Retry: boolean }).noL7Retry = true; },
};

const disableL7Retry: HttpActionKw = {
  prefix: 'disable-l7-retry', req: true, res: false,
  parse(args, end, ctx) {
    if (args[1] !== 'disable-l7-retry') { ctx.alertRaw(unknownActionAlert(ctx.file, ctx.line, args[0], args[1])); return null; }
    if (end !== 2) {
      ctx.alertRaw(`parsing [${ctx.file}:${ctx.line}]: '${args[0]} disable-l7-retry' expects either 'if' or 'unless' followed by a condition but found '${args[2]}'.`);
      return null;
    }
    return DISABLE_L7_RETRY;
  },
};

let hooked = false;

/** Registers `retry-on` into `reg`, and the disable-l7-retry action once per process. */
export function registerRetryOn(reg: KeywordRegistry): void {
  reg.register(keywords);
  if (hooked) return;
  hooked = true;
  registerHttpActions([disableL7Retry]);
}
