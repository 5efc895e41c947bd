/*
 * `http-request set-timeout server|tunnel <time>|<expr>` (2.6): this transaction's server (or tunnel) timeout, from
 * a time or from a sample read as milliseconds. Backends and listens only, as 2.6. The value is stored on the HTTP
 * session (HttpSession.toServer / toTunnel, reset per transaction by http/stream.ts, read by its srvTimeout() and
 * tunnelActive()). Registered by proxy/modules.ts. Hot path: no (one assignment when the rule runs; a session of a
 * configuration without the action reads one field more per server timer arm).
 */
import type { HttpActionKw } from './keywords.ts';
import type { HttpCustomAction } from './types.ts';
import type { SampleCtx } from '../acl/types.ts';
import type { StreamLog } from '../model/types.ts';
import { PR_CAP_BE } from '../config/types.ts';
import { parseTime } from '../config/values.ts';
import { ruleErrorPrefix } from './rule-errors.ts';
import { compileRuleFormat, ruleFormatSample } from './rule-format.ts';
import { requestSample } from '../log/sample.ts';

/** What a set-timeout action writes on the session: ms, 0 = no timeout, -1 = the backend's own. */
export interface TimeoutOverrides { toServer: number; toTunnel: number }

type SampleFn = (s: StreamLog) => string | number | null;

/**
 * A sample as milliseconds for set-timeout: a number as is, a string by its leading digits ("3s" is 3 ms, as
 * haproxy 2.6.12 does); a string not starting with a digit, an empty one or no sample leave the timeout alone (-1).
 */
export function timeoutSampleMs(v: string | number | null): number {
  if (v === null) return -1;
  if (typeof v === 'number') return v > 0 ? Math.min(Math.trunc(v), 2147483647) : -1;
  let i = 0, n = 0;
  while (i < v.length && v.charCodeAt(i) >= 0x30 && v.charCodeAt(i) <= 0x39 && n <= 2147483647) n = n * 10 + v.charCodeAt(i++) - 0x30;
  if (i === 0) return -1;
  return n > 2147483647 ? 2147483647 : n;
}

function staticAction(tunnel: boolean, ms: number): HttpCustomAction {
  return tunnel
    ? { run(_c: SampleCtx, sess: SampleCtx): void { (sess as unknown as TimeoutOverrides).toTunnel = ms; } }
    : { run(_c: SampleCtx, sess: SampleCtx): void { (sess as unknown as TimeoutOverrides).toServer = ms; } };
}

function sampleAction(tunnel: boolean, fn: SampleFn): HttpCustomAction {
  return {
    run(_c: SampleCtx, sess: SampleCtx): void {
      const ms = timeoutSampleMs(requestSample(fn, sess));
      if (ms < 0) return;
      if (tunnel) (sess as unknown as TimeoutOverrides).toTunnel = ms;
      else (sess as unknown as TimeoutOverrides).toServer = ms;
    },
  };
}

export const setTimeoutAction: HttpActionKw = {
  prefix: 'set-timeout',
  req: true,
  res: false,
  parse(args, end, ctx) {
    const px = ctx.proxy!;
    const err = (m: string): null => { ctx.alert(ruleErrorPrefix(px, args[0], 'set-timeout') + m); return null; };
    if (args[1] !== 'set-timeout') return err(`unknown action '${args[1]}'.`);
    if (end < 4) return err('expects exactly 2 arguments.');
    if (end > 4) {
      ctx.alertRaw(`parsing [${ctx.file}:${ctx.line}]: '${args[0]} set-timeout' expects either 'if' or 'unless' followed by a condition but found '${args[4]}'.`);
      return null;
    }
    if ((px.cap & PR_CAP_BE) === 0) return err(`proxy '${px.name}' has no backend capability.`);
    const which = args[2];
    if (which !== 'server' && which !== 'tunnel') return err(`'set-timeout' rule supports 'server'/'tunnel' (got '${which}').`);
    const tunnel = which === 'tunnel';
    const v = args[3];
    const t = parseTime(v);
    if (t.err === 'overflow') {
      return err(`timer overflow in argument '${v}' to rule 'set-timeout ${which}' (maximum value is 2147483647 ms or ~24.8 days).`);
    }
    if (t.err === '') {
      if (t.ms === 0) return err(`null value is not valid for a 'set-timeout ${which}' rule.`);
      return staticAction(tunnel, t.ms);
    }
    // not a time: a sample expression (its own errors are reported as the time's first bad character, as 2.6)
    const fn = /^[a-z_]/i.test(v) ? ruleFormatSample(compileRuleFormat('%[' + v + ']')) : null;
    if (fn === null) return err(`unexpected character '${t.badChar}' in rule 'set-timeout ${which}'.`);
    return sampleAction(tunnel, fn);
  },
};
