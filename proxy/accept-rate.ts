/*
 * Global `maxconnrate <n>` and `maxsessrate <n>`: at most n connections (sessions) accepted per second by the whole
 * process; past it, accepted sockets wait unread in their frontend's queue (frontend.ts) until the next second, as
 * connections wait in HAProxy's backlog: never refused. Sessions start at accept here, so both limits apply there
 * (the lower one wins). Parsed into GlobalSettings.ext, applied by runtime.ts when a configuration starts into the
 * process limits `show info` prints (ConnRateLimit, SessRateLimit) and `set rate-limit connections|sessions global`
 * changes (stats/info.ts processRateLimits). Hot path: acceptRateOn per accept; the rest only with a limit set.
 */
import type { CfgKeyword, KwCtx } from './config/types.ts';
import type { GlobalSettings } from './model/types.ts';
import { atol } from './config/values.ts';
import { processRateLimits } from './stats/info.ts';

const EXT_KEY = 'accept-rate';
interface AcceptRateCfg { conn: number; sess: number }

/** The current second and how many connections it accepted. */
const acceptRate = { sec: 0, count: 0 };

/** Whether a connection or session rate limit is set. */
export function acceptRateOn(): boolean { return (processRateLimits.conn | processRateLimits.sess) !== 0; }

/** 0 when one more connection may be accepted now, else the ms to wait for the next second. No allocation. */
export function acceptRateWait(now: number): number {
  const c = processRateLimits.conn, s = processRateLimits.sess;
  const limit = c > 0 && s > 0 ? (c < s ? c : s) : c > 0 ? c : s;
  const sec = Math.floor(now / 1000);
  if (sec !== acceptRate.sec) { acceptRate.sec = sec; acceptRate.count = 0; }
  return acceptRate.count < limit ? 0 : (sec + 1) * 1000 - now + 1;
}

/** One connection accepted. */
export function acceptRateCount(): void { acceptRate.count++; }

/** A configuration starts: its limits replace the running ones. */
export function acceptRateApply(g: GlobalSettings): void {
  const c = g.ext.get(EXT_KEY) as AcceptRateCfg | undefined;
  processRateLimits.conn = c?.conn ?? 0;
  processRateLimits.sess = c?.sess ?? 0;
}

/** maxconnrate / maxsessrate: an integer read as C's atol (2.6 takes "abc" as 0 = no limit). */
function parseRate(args: readonly string[], ctx: KwCtx): void {
  if (args.length < 2 || args[1] === '') { ctx.alert(`'${args[0]}' expects an integer argument.`); return; }
  if (args.length > 2) { ctx.alert(`'${args[0]}' cannot handle unexpected argument '${args[2]}'.`); return; }
  const g = ctx.global;
  let c = g.ext.get(EXT_KEY) as AcceptRateCfg | undefined;
  if (c === undefined) { c = { conn: 0, sess: 0 }; g.ext.set(EXT_KEY, c); }
  const v = Math.max(0, atol(args[1]));
  if (args[0] === 'maxconnrate') c.conn = v; else c.sess = v;
}

export const keywords: CfgKeyword[] = [
  { section: 'global', name: 'maxconnrate', parse: parseRate },
  { section: 'global', name: 'maxsessrate', parse: parseRate },
];
