/*
 * How checks are spread in time, as 2.6 does: the first check of every health and agent check of the configuration
 * staggered over the smallest interval (`max-spread-checks` caps it), then `spread-checks <0..50>` (global) varying
 * each interval at random by up to +/- that percentage, so that checks of many servers drift apart. Used by
 * checks/health.ts and checks/agent.ts when they schedule checks; reset at each configuration load. Hot path: no.
 */
import type { CfgKeyword } from '../config/types.ts';
import type { GlobalSettings, Proxy, Server } from '../model/types.ts';
import { SRV_ST_STOPPED } from '../model/types.ts';
import type { CheckState } from './types.ts';
import { parseTime, TIME_MAX_MS } from '../config/values.ts';

let spreadPct = 0;
/** `max-spread-checks` in ms, 0 = none. */
let maxSpreadMs = 0;

/** Global init hook (registered by proxy/modules.ts): no spread until a `spread-checks` line says so. */
export function spreadChecksInit(_g: GlobalSettings): void { spreadPct = 0; maxSpreadMs = 0; }

/** 2.6's srv_getinter() at startup: inter at the top of the health range, downinter once down, else fastinter. */
function startInter(c: CheckState, srv: Server): number {
  if (c.health === c.rise + c.fall - 1) return c.inter;
  if (srv.curState === SRV_ST_STOPPED && c.health === 0) return c.downinter > 0 ? c.downinter : c.inter;
  return c.fastinter > 0 ? c.fastinter : c.inter;
}

/** The first check's delay of each configured check and agent, from firstCheckPlan(). */
const firstDelays = new WeakMap<CheckState, number>();

/**
 * Plans the first check of every check and agent of `proxies` as 2.6's start_checks(): numbered in configuration
 * order (a server's check, then its agent), the Nth of all starts at N x its interval / their count, where its
 * interval is the smallest one of 1 s or more among them all unless its own is longer, capped by max-spread-checks.
 * So with 7 checks of 2 s the first ones start 0, 285, 571 ... ms after startup; one of 4 s in the 4th place at 1714.
 */
export function firstCheckPlan(proxies: readonly Proxy[]): void {
  const all: [CheckState, Server][] = [];
  for (const px of proxies) {
    for (const srv of px.servers) {
      if (srv.check.enabled) all.push([srv.check, srv]);
      if (srv.agent !== null && srv.agent.enabled) all.push([srv.agent, srv]);
    }
  }
  let minInter = 0;
  for (const [c, srv] of all) {
    const i = c === srv.agent ? c.inter : startInter(c, srv);
    if (i >= 1000 && (minInter === 0 || i < minInter)) minInter = i;
  }
  all.forEach(([c, srv], pos) => {
    let m = Math.max(minInter, c === srv.agent ? c.inter : startInter(c, srv));
    if (maxSpreadMs > 0 && m > maxSpreadMs) m = maxSpreadMs;
    firstDelays.set(c, Math.floor((m * pos) / all.length));
  });
}

/** The planned first check delay of `c` (a check or agent of a configured server), `dflt` when not planned. */
export function firstCheckDelay(c: CheckState, dflt: number): number { return firstDelays.get(c) ?? dflt; }

/** `ms` varied by a random part of +/- spreadPct percent (unchanged without spread-checks). */
export function checkSpread(ms: number): number {
  if (spreadPct === 0) return ms;
  const rnd = Math.floor(Math.random() * (2 * spreadPct + 1)) - spreadPct;
  return Math.max(1, ms + Math.trunc((ms * rnd) / 100));
}

export const keywords: CfgKeyword[] = [
  {
    section: 'global', name: 'max-spread-checks',
    parse(args, ctx) {
      if (args.length > 2) { ctx.alert(`'${args[0]}' cannot handle unexpected argument '${args[2]}'.`); return; }
      const v = args[1] ?? '';
      if (v === '') { ctx.alertRaw(`parsing [${ctx.file}:${ctx.line}]: '${args[0]}' expects an integer argument (0..50).`); return; }
      const t = parseTime(v);
      if (t.err === 'overflow') {
        ctx.alertRaw(`parsing [${ctx.file}:${ctx.line}]: timer overflow in argument <${v}> to <${args[0]}>, maximum value is ${TIME_MAX_MS} ms (~24.8 days).`);
        return;
      }
      if (t.err !== '') { ctx.alertRaw(`parsing [${ctx.file}:${ctx.line}]: unsupported character '${t.badChar}' in '${args[0]}' (wants an integer delay).`); return; }
      maxSpreadMs = t.ms;
    },
  },
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
