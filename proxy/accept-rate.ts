/*
 * Global `maxconnrate <n>` and `maxsessrate <n>`: at most n connections (sessions) accepted per second by the whole
 * process; past it, accepted sockets wait unread in their frontend's queue (frontend.ts) until the next second, as
 * connections wait in HAProxy's backlog: never refused. Sessions start at accept here, so both limits apply there
 * (the lower one wins). Parsed into GlobalSettings.ext, applied by runtime.ts when a configuration starts.
 * Hot path: acceptRateWait/acceptRateCount per accept, only when a limit is set (acceptRate.on).
 */
import type { CfgKeyword, KwCtx } from './config/types.ts';
import type { GlobalSettings } from './model/types.ts';
import { atol } from './config/values.ts';

const EXT_KEY = 'accept-rate';
interface AcceptRateCfg { conn: number; sess: number }

/** The running limits and the current second's count. */
export const acceptRate = { on: false, limit: 0, sec: 0, count: 0 };

/** 0 when one more connection may be accepted now, else the ms to wait for the next second. No allocation. */
export function acceptRateWait(now: number): number {
  const sec = Math.floor(now / 1000);
  if (sec !== acceptRate.sec) { acceptRate.sec = sec; acceptRate.count = 0; }
  return acceptRate.count < acceptRate.limit ? 0 : (sec + 1) * 1000 - now + 1;
}

/** One connection accepted. */
export function acceptRateCount(): void { acceptRate.count++; }

/** A configuration starts: its limits replace the running ones. */
export function acceptRateApply(g: GlobalSettings): void {
  const c = g.ext.get(EXT_KEY) as AcceptRateCfg | undefined;
  const conn = c?.conn ?? 0, sess = c?.sess ?? 0;
  const limit = conn > 0 && sess > 0 ? Math.min(conn, sess) : conn > 0 ? conn : sess;
  acceptRate.limit = limit;
  acceptRate.on = limit > 0;
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
