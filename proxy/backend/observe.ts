/*
 * Passive health checks, as 2.6: server `observe layer4|layer7`, `error-limit <n>` (10) and `on-error
 * fastinter|fail-check|sudden-death|mark-down` (fail-check). Traffic reports each server connection (layer4: failed
 * or established) and, with layer7, each HTTP response status (500, 502-504 and 506+ are errors, 501 and 505 are
 * not); `error-limit` consecutive errors act like a failed check (fail-check), bring the health to its last step
 * (sudden-death) or put the server DOWN (mark-down), with 2.6's "Health analyze" reason; only on servers with `check`. Callers: backend/connect.ts
 * and http/stream.ts, only when some server observes (observeUse.on). Hot path: one boolean test when unused.
 */
import type { SrvKeyword } from '../config/types.ts';
import type { Server } from '../model/types.ts';
import { srvAlert } from '../config/server-alert.ts';
import { srvSetStopped } from './server.ts';

const OBS_NONE = 0;
const OBS_LAYER4 = 1;
const OBS_LAYER7 = 2;
const ON_ERROR = ['fastinter', 'fail-check', 'sudden-death', 'mark-down'] as const;
const ON_FAIL_CHECK = 1;

interface ObserveCfg { mode: number; limit: number; onError: number; errors: number }

const cfgs = new WeakMap<Server, ObserveCfg>();

/** Whether any server observes its traffic (the traffic paths test this first). */
export const observeUse = { on: false };

function cfgOf(srv: Server): ObserveCfg {
  let c = cfgs.get(srv);
  if (c === undefined) { c = { mode: OBS_NONE, limit: 10, onError: ON_FAIL_CHECK, errors: 0 }; cfgs.set(srv, c); }
  return c;
}

/** True when `srv` observes its traffic (`observe layer4|layer7`): stats show its hanafail counter then. */
export function srvObserves(srv: Server): boolean { const c = cfgs.get(srv); return c !== undefined && c.mode !== OBS_NONE; }

/** Model init hook (proxy/modules.ts): a server inherits its default-server's settings. */
export function observeServerInit(srv: Server, tmpl: Server | null): void {
  const t = tmpl === null ? undefined : cfgs.get(tmpl);
  if (t !== undefined) cfgs.set(srv, { mode: t.mode, limit: t.limit, onError: t.onError, errors: 0 });
}

/** 2.6's texts of what traffic reported (its analyze statuses). */
export const OBS_L4_ERR = 'L4 unsuccessful connection';
export const OBS_HTTP_STS = 'Wrong http response';

/**
 * The outcome of one use of `srv` by traffic: `layer` 4 (a server connection) or 7 (an HTTP response), `ok` or not
 * with `what` (OBS_*). Counts consecutive errors and acts at the limit.
 */
export function srvObserve(srv: Server, layer: number, ok: boolean, what: string): void {
  const c = cfgs.get(srv);
  // 2.6 adjusts the health of checked servers only
  if (c === undefined || c.mode === OBS_NONE || (layer === 7 && c.mode !== OBS_LAYER7) || !srv.check.enabled) return;
  if (ok) { if (layer === 7 || c.mode === OBS_LAYER4) c.errors = 0; return; }   // a connection does not clear layer7's
  if (++c.errors < c.limit) return;
  const n = c.errors;
  c.errors = 0;
  srv.counters.failedHana++;
  const chk = srv.check;
  const reason = `Health analyze, info: "Detected ${n} consecutive errors, last one was: ${what}"`;
  // fastinter only shortens the next check's delay (the check scheduler's fastinter while transitioning)
  if (c.onError === 0) return;
  if (c.onError === 1 && chk.health > chk.rise) { chk.health--; return; }                  // fail-check
  if (c.onError === 2 && chk.health > chk.rise) { chk.health = chk.rise; return; }         // sudden-death
  chk.health = 0;
  srvSetStopped(srv, reason);
}

export const serverKeywords: SrvKeyword[] = [
  {
    name: 'observe', defaultOk: true,
    parse(srv, args, i, ctx, tmpl) {
      const v = args[i + 1] ?? '';
      if (v === '') { srvAlert(ctx, srv, tmpl, `'observe' expects <mode> as argument..`); return -1; }
      const m = v === 'none' ? OBS_NONE : v === 'layer4' ? OBS_LAYER4 : v === 'layer7' ? OBS_LAYER7 : -1;
      if (m < 0) { srvAlert(ctx, srv, tmpl, `'observe' expects one of 'none', 'layer4', 'layer7' but got '${v}'.`); return -1; }
      cfgOf(srv).mode = m;
      if (m !== OBS_NONE) observeUse.on = true;
      return 2;
    },
  },
  {
    name: 'error-limit', defaultOk: true,
    parse(srv, args, i, ctx, tmpl) {
      const v = args[i + 1] ?? '';
      if (v === '') { srvAlert(ctx, srv, tmpl, `'error-limit' expects an integer argument..`); return -1; }
      const n = /^\d+/.test(v) ? parseInt(v, 10) : 0;
      if (n <= 0) { srvAlert(ctx, srv, tmpl, `error-limit has to be > 0..`); return -1; }
      cfgOf(srv).limit = n;
      return 2;
    },
  },
  {
    name: 'on-error', defaultOk: true,
    parse(srv, args, i, ctx, tmpl) {
      const v = args[i + 1] ?? '';
      const k = (ON_ERROR as readonly string[]).indexOf(v);
      if (k < 0) { srvAlert(ctx, srv, tmpl, `'on-error' expects one of 'fastinter', 'fail-check', 'sudden-death' or 'mark-down' but got '${v}'.`); return -1; }
      cfgOf(srv).onError = k;
      return 2;
    },
  },
];
