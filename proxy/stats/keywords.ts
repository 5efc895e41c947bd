/*
 * Configuration keywords of the stats module: global `stats socket|timeout|maxconn` and the proxy `stats ...`
 * family (enable, uri, refresh, realm, auth, admin, hide-version, show-legends, show-node, show-desc, scope) and
 * `option socket-stats`.
 * Parsers fill GlobalSettings.ext('stats') (StatsGlobalCfg) and Proxy.statsPage. Registered by proxy/modules.ts.
 * Hot path: no (load time).
 */
import type { CfgKeyword, KwCtx } from '../config/types.ts';
import { PR_CAP_FE, PR_CAP_BE, PR_CAP_DEF, CHK_RANK_STATS } from '../config/types.ts';
import type { GlobalSettings } from '../model/types.ts';
import { PR_O_SOCKET_STATS, PR_MODE_HTTP } from '../model/types.ts';
import type { StatsGlobalCfg, StatsSocketCfg, StatsPageCfg } from './types.ts';
import { ACCESS_LVL_USER, ACCESS_LVL_OPER, ACCESS_LVL_ADMIN } from './types.ts';
import { newStatsPageCfg } from './counters.ts';
import { condCompile } from '../acl/keywords.ts';
import { parseStatsSocketAddr } from './socket-addr.ts';
import { capName } from '../config/sections.ts';

/** The global stats settings, created on first use. */
export function statsGlobalCfg(g: GlobalSettings): StatsGlobalCfg {
  let c = g.ext.get('stats') as StatsGlobalCfg | undefined;
  if (c === undefined) {
    c = { sockets: [], timeoutMs: 10000, maxconn: 10 };
    g.ext.set('stats', c);
  }
  return c;
}

/** Parses a time with HAProxy units (default ms): returns ms or -1. */
export function parseTimeMs(s: string | undefined, defUnitMs: number): number {
  if (s === undefined) return -1;
  const m = /^(\d+)(us|ms|s|m|h|d)?$/.exec(s);
  if (m === null) return -1;
  const n = Number(m[1]);
  switch (m[2]) {
    case 'us': return Math.ceil(n / 1000);
    case 'ms': return n;
    case 's': return n * 1000;
    case 'm': return n * 60000;
    case 'h': return n * 3600000;
    case 'd': return n * 86400000;
    default: return n * defUnitMs;
  }
}

function parseGlobalStats(args: readonly string[], ctx: KwCtx): void {
  const cfg = statsGlobalCfg(ctx.global);
  const sub = args[1];
  if (sub === 'socket') {
    if (args[2] === undefined || args[2] === '') {
      ctx.alert("'stats socket' in global section expects an address or a path to a UNIX socket");
      return;
    }
    const addr = parseStatsSocketAddr(args[2]);
    if (typeof addr === 'string') { ctx.alert(`parsing [${ctx.file}:${ctx.line}] : 'stats socket' : ${addr}`); return; }
    const sc: StatsSocketCfg = { ...addr, mode: -1, level: ACCESS_LVL_ADMIN, exposeFd: false };
    for (let i = 3; i < args.length; i++) {
      const k = args[i];
      if (k === 'mode') {
        const m = args[++i] ?? '';
        if (!/^[0-7]+$/.test(m)) { ctx.alert("'stats socket' : 'mode' expects a numeric mode (octal)"); return; }
        sc.mode = parseInt(m, 8);
      } else if (k === 'level') {
        const l = args[++i];
        if (l === 'user') sc.level = ACCESS_LVL_USER;
        else if (l === 'operator') sc.level = ACCESS_LVL_OPER;
        else if (l === 'admin') sc.level = ACCESS_LVL_ADMIN;
        else { ctx.alert("'stats socket' : ''level' only supports 'user', 'operator', and 'admin' (got '" + (l ?? '') + "')'"); return; }
      } else if (k === 'expose-fd') {
        const t = args[++i];
        if (t === undefined || t === '') { ctx.alert("'stats socket' : ''expose-fd' : missing fd type'"); return; }
        if (t !== 'listeners') { ctx.alert(`'stats socket' : ''expose-fd' only supports 'listeners' (got '${t}')'`); return; }
        sc.exposeFd = true;
      } else if (k === 'uid' || k === 'gid' || k === 'user' || k === 'group' || k === 'name' || k === 'maxconn' ||
        k === 'process' || k === 'backlog' || k === 'nice' || k === 'severity-output') {
        i++;
      } else {
        ctx.alert("'stats socket' : unknown keyword '" + (k ?? '') + "'.");
        return;
      }
    }
    cfg.sockets.push(sc);
  } else if (sub === 'timeout') {
    const t = parseTimeMs(args[2], 1);
    if (t <= 0) { ctx.alert("'stats timeout' expects a positive value"); return; }
    cfg.timeoutMs = t;
    ctx.global.statsTimeout = t;
  } else if (sub === 'maxconn') {
    const n = Number(args[2]);
    if (!Number.isInteger(n) || n <= 0) { ctx.alert("'stats maxconn' expects a positive value"); return; }
    cfg.maxconn = n;
  } else if (sub === 'bind-process') {
    // one process in 2.6 (no nbproc): 1, 1-, all, odd and even pass, other process numbers are refused
    const v = args[2] ?? '';
    if (v === '' || v === 'all' || v === 'odd' || v === 'even') return;
    const m = /^(\d*)(?:-(\d*))?$/.exec(v);
    if (m === null) { ctx.alert(`'stats bind-process' : '${v}' is not a valid number/range.`); return; }
    const low = m[1] === '' ? 0 : Number(m[1]);
    const high = m[2] === undefined ? low : m[2] === '' ? 1 : Number(m[2]);
    if (low < 1 || high > 1 || low > high) ctx.alert(`'stats bind-process' : '${v}' is not a valid number/range. It supports numbers from 1 to 1.\n`);
  } else {
    ctx.alert("'stats' only supports 'socket', 'maxconn', 'bind-process' and 'timeout' (got '" + (sub ?? '') + "')");
  }
}

const modeChecked = new WeakSet<object>();

function page(ctx: KwCtx): StatsPageCfg | null {
  const px = ctx.proxy;
  if (px === null) return null;
  if (px.statsPage === undefined || !('uri' in px.statsPage)) px.statsPage = newStatsPageCfg();
  if ((px.cap & PR_CAP_DEF) === 0 && !modeChecked.has(px)) {
    modeChecked.add(px);
    ctx.postParse(() => {
      if (px.statsPage?.enabled === true && px.mode !== PR_MODE_HTTP) {
        const m = `'stats' statement ignored for ${capName(px.cap)} '${px.name}' as it requires HTTP mode.`;
        if (ctx.warnProxy) ctx.warnProxy(px, CHK_RANK_STATS, m); else ctx.warnRaw(m);
      }
    });
  }
  return px.statsPage;
}

const authChecked = new WeakSet<StatsPageCfg>();

/** 2.6 refuses `stats auth`/`stats realm` together with `stats http-request` in one proxy (checked once parsed). */
function checkAuthWithRules(ctx: KwCtx, sp: StatsPageCfg): void {
  const px = ctx.proxy;
  if (px === null || authChecked.has(sp)) return;
  authChecked.add(sp);
  ctx.postParse(() => {
    if (px.statsPage === sp && sp.rules.length > 0 && (sp.auth.length > 0 || sp.realm !== '')) {
      ctx.alert("proxy '" + px.name + "': stats 'auth'/'realm' and 'http-request' can't be used at the same time.");
    }
  });
}

/** 2.6 refuses `stats admin` and `stats http-request` in a defaults section (alert without a space before ':'). */
function inDefaults(ctx: KwCtx, what: string): boolean {
  if (ctx.proxy === null || (ctx.proxy.cap & PR_CAP_DEF) === 0) return false;
  ctx.alertRaw(`parsing [${ctx.file}:${ctx.line}]: ${what} not allowed in 'defaults' section.`);
  return true;
}

function parseProxyStats(args: readonly string[], ctx: KwCtx): void {
  const sp = page(ctx);
  if (sp === null) return;
  const sub = args[1];
  const a2 = args[2];
  switch (sub) {
    case 'enable': sp.enabled = true; return;
    case 'disable': sp.enabled = false; return;
    case 'uri':
      if (a2 === undefined || a2 === '') { ctx.alert("'uri' needs an URI prefix."); return; }
      sp.uri = a2; sp.enabled = true; return;
    case 'realm':
      if (a2 === undefined || a2 === '') { ctx.alert("'realm' needs an realm name."); return; }
      sp.realm = args.slice(2).join(' '); sp.enabled = true; checkAuthWithRules(ctx, sp); return;
    case 'refresh': {
      const t = parseTimeMs(a2, 1000);
      if (t < 0) { ctx.alert("'refresh' needs a positive interval in seconds."); return; }
      sp.refresh = Math.floor(t / 1000); sp.enabled = true; return;
    }
    case 'auth': {
      const c = a2 === undefined ? -1 : a2.indexOf(':');
      if (c <= 0) { ctx.alert("'auth' needs a user:password account."); return; }
      sp.auth.push({ user: a2!.slice(0, c), pass: a2!.slice(c + 1) }); sp.enabled = true; checkAuthWithRules(ctx, sp); return;
    }
    case 'admin': {
      if (inDefaults(ctx, "'stats admin'")) return;
      if (a2 !== 'if' && a2 !== 'unless') { ctx.alert("'stats admin' requires either 'if' or 'unless' followed by a condition."); return; }
      if (args.length < 4) { ctx.alert("'stats admin' requires either 'if' or 'unless' followed by a condition."); return; }
      if (a2 === 'if' && args.length === 4 && args[3] === 'TRUE') { sp.adminAlways = true; sp.adminCond = null; }
      else {
        const cond = condCompile(args, 2, ctx, "error detected while parsing a 'stats admin' rule : ");
        if (cond === null) return;
        sp.adminCond = cond;
        sp.adminAlways = false;
      }
      sp.enabled = true;
      return;
    }
    case 'hide-version': sp.hideVersion = true; sp.enabled = true; return;
    case 'show-legends': sp.showLegends = true; sp.enabled = true; return;
    case 'show-node': sp.showNode = a2 ?? ''; sp.enabled = true; return;
    case 'show-desc':
      sp.showDesc = args.slice(2).join(' '); sp.enabled = true;
      if (sp.showDesc === '' && ctx.global.description === '') ctx.warnRaw(`parsing [${ctx.file}:${ctx.line}]: 'show-desc' requires a parameter or 'desc' to be set in the global section.`);
      return;
    case 'scope':
      if (a2 === undefined || a2 === '') { ctx.alert("'scope' needs a proxy name."); return; }
      sp.scope.push(a2); sp.enabled = true; return;
    case 'http-request': {
      if (inDefaults(ctx, "'stats'")) return;
      const act = a2;
      if (act !== 'allow' && act !== 'deny' && act !== 'auth') {
        ctx.alert("'stats http-request' expects 'allow', 'deny', 'auth' (got '" + (act ?? '') + "')."); return;
      }
      let i = 3;
      let realm = '';
      if (act === 'auth' && args[i] === 'realm') { realm = args[i + 1] ?? ''; i += 2; }
      let cond = null;
      if (i < args.length) {
        cond = condCompile(args, i, ctx, `error detected while parsing an 'http-request ${act}' condition : `);
        if (cond === null) { ctx.abort?.(); return; } // 2.6 stops parsing there (ERR_ABORT)
      }
      sp.rules.push({ action: act, realm, cond });
      sp.enabled = true;
      checkAuthWithRules(ctx, sp);
      return;
    }
    // the HTML page's extra module counters (ssl, h2, ...): Sluice has none to show, the page stays as without it
    case 'show-modules': sp.enabled = true; return;
    default:
      // 2.6.12's words (it does not list every sub-keyword it takes)
      ctx.alertRaw(`parsing [${ctx.file}:${ctx.line}]: ${sub === undefined || sub === '' ? "missing keyword in 'stats'" : `unknown stats parameter '${sub}'`}` +
        ", expects 'admin', 'uri', 'realm', 'auth', 'scope', 'enable', 'hide-version', 'show-node', 'show-desc' or 'show-legends'.");
  }
}

/** `[no] option socket-stats`: per-listener rows in `show stat` (type 8) and the Prometheus listener families. */
function parseOptionSocketStats(args: readonly string[], ctx: KwCtx): void {
  const px = ctx.proxy;
  if (px === null) return;
  const neg = args[0] === 'no';
  const from = neg || args[0] === 'default' ? 1 : 0;
  if (args.length > from + 2) { ctx.alert("'option socket-stats' cannot handle unexpected argument '" + args[from + 2] + "'."); return; }
  if (neg) px.options &= ~PR_O_SOCKET_STATS; else px.options |= PR_O_SOCKET_STATS;
}

export const keywords: CfgKeyword[] = [
  { section: 'global', name: 'stats', parse: parseGlobalStats },
  { section: ['defaults', 'frontend', 'backend', 'listen'], name: 'stats', cap: PR_CAP_FE | PR_CAP_BE | PR_CAP_DEF, parse: parseProxyStats },
  { section: 'listen', name: 'option socket-stats', cap: PR_CAP_FE | PR_CAP_DEF, allowNo: true, parse: parseOptionSocketStats },
];
