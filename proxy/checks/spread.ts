/*
 * `spread-checks <0..50>` (global): each health and agent check interval is varied at random by up to +/- that
 * percentage, as 2.6 does, so that checks of many servers drift apart. Used by checks/health.ts and checks/agent.ts
 * when they schedule the next check; reset at each configuration load. Hot path: no.
 */
import type { CfgKeyword } from '../config/types.ts';
import type { GlobalSettings } from '../model/types.ts';

let spreadPct = 0;

/** Global init hook (registered by proxy/modules.ts): no spread until a `spread-checks` line says so. */
export function spreadChecksInit(_g: GlobalSettings): void { spreadPct = 0; }

/** `ms` varied by a random part of +/- spreadPct percent (unchanged without spread-checks). */
export function checkSpread(ms: number): number {
  if (spreadPct === 0) return ms;
  const rnd = Math.floor(Math.random() * (2 * spreadPct + 1)) - spreadPct;
  return Math.max(1, ms + Math.trunc((ms * rnd) / 100));
}

export const keywords: CfgKeyword[] = [
  {
    section: 'global', name: 'spread-checks',
    parse(args, ctx) {
      if (args.length > 2) { ctx.alert(`'${args[0]}' cannot handle unexpected argument '${args[2]}'.`); return; }
      if ((args[1] ?? '') === '') { ctx.alertRaw(`parsing [${ctx.file}:${ctx.line}]: '${args[0]}' expects an integer argument (0..50).`); return; }
      // C atol: leading digits, else 0 ("x" is 0 in 2.6)
      const m = /^\s*([+-]?\d+)/.exec(args[1]);
      const v = m === null ? 0 : Number(m[1]);
      if (v < 0 || v > 50) { ctx.alertRaw(`parsing [${ctx.file}:${ctx.line}]: '${args[0]}' needs a positive value in range 0..50.`); return; }
      spreadPct = v;
    },
  },
];
