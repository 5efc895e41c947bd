/*
 * External health checks, as 2.6: `option external-check` with `external-check command <cmd>` and `external-check
 * path <PATH>` (proxies) and the global `external-check` they need (and `insecure-fork-wanted`, else 2.6's warning).
 * Each check runs <cmd> <proxy_addr> <proxy_port> <server_addr> <server_port> with 2.6's HAPROXY_* environment and
 * only that PATH; exit status 0 passes (PROCOK), another fails with it as the code (PROCERR; 255 when it cannot be
 * run), `timeout check` (else inter) kills it (PROCTOUT). Called by checks/probe.ts runProbe. Hot path: no.
 */
import { spawn } from 'node:child_process';
import type { CfgKeyword, KwCtx } from '../config/types.ts';
import { PR_CAP_BE, PR_CAP_DEF } from '../config/types.ts';
import type { Proxy, Server } from '../model/types.ts';
import type { CheckCfg } from './types.ts';
import { CHK_TYPE_EXTERNAL, HCHK_STATUS_PROCOK, HCHK_STATUS_PROCERR, HCHK_STATUS_PROCTOUT } from './types.ts';
import type { ProbeResult } from './probe.ts';

interface ExtCfg { command: string; path: string }
const cfgs = new WeakMap<CheckCfg, ExtCfg>();
const checkedProxies = new WeakSet<Proxy>();

/** Proxy init hook (proxy/modules.ts): a proxy inherits its defaults section's command and path. */
export function externalCheckProxyInit(px: Proxy, def: Proxy | null): void {
  const d = def === null ? undefined : cfgs.get(def.httpCheck);
  if (d !== undefined) cfgs.set(px.httpCheck, { command: d.command, path: d.path });
}

function extOf(c: CheckCfg): ExtCfg {
  let e = cfgs.get(c);
  if (e === undefined) { e = { command: '', path: '' }; cfgs.set(c, e); }
  return e;
}

/** The address and port `px` listens on first, as the command's first arguments ("NOT_USED" without a bind). */
function listenAddr(px: Proxy): [string, string] {
  const b = px.binds[0];
  if (b === undefined) return ['NOT_USED', 'NOT_USED'];
  return [b.host === '' ? '0.0.0.0' : b.host, String(b.port)];
}

/** Runs one external check of `srv`; `done` is called once. */
export function runExternalCheck(srv: Server, cfg: CheckCfg, timeout: number, done: (r: ProbeResult) => void): void {
  const px = srv.proxy;
  const e = cfgs.get(cfg) ?? { command: '', path: '' };
  const [pa, pp] = listenAddr(px);
  const sp = String(srv.check.port > 0 ? srv.check.port : srv.port);
  const sa = srv.check.addr !== '' ? srv.check.addr : srv.host;
  const env: Record<string, string> = {
    PATH: e.path, HAPROXY_PROXY_ADDR: pa === 'NOT_USED' ? '' : pa, HAPROXY_PROXY_ID: String(px.id), HAPROXY_PROXY_NAME: px.name,
    HAPROXY_PROXY_PORT: pp === 'NOT_USED' ? '' : pp, HAPROXY_SERVER_ADDR: sa, HAPROXY_SERVER_CURCONN: String(srv.served),
    HAPROXY_SERVER_ID: String(srv.id), HAPROXY_SERVER_MAXCONN: String(srv.maxconn), HAPROXY_SERVER_NAME: srv.name,
    HAPROXY_SERVER_PORT: sp,
  };
  const t0 = Date.now();
  let finished = false;
  const finish = (status: number, code: number): void => {
    if (finished) return;
    finished = true;
    clearTimeout(timer);
    done({ status, ok: status === HCHK_STATUS_PROCOK, code, info: '', duration: Date.now() - t0 });
  };
  const child = spawn(e.command, [pa, pp, sa, sp], { env, stdio: 'ignore' });
  const timer = setTimeout(() => { child.kill('SIGKILL'); finish(HCHK_STATUS_PROCTOUT, 0); }, timeout > 0 ? timeout : srv.check.inter);
  timer.unref();
  child.on('error', () => finish(HCHK_STATUS_PROCERR, 255));         // 2.6's child exits 255 when exec fails
  child.on('exit', (code, sig) => {
    if (code === 0) finish(HCHK_STATUS_PROCOK, 0);
    else finish(HCHK_STATUS_PROCERR, code ?? (sig !== null ? 128 : 255));
  });
}

/** 2.6's post-parse checks of a proxy using external checks. */
function checkProxy(px: Proxy, ctx: KwCtx): void {
  if (checkedProxies.has(px)) return;
  checkedProxies.add(px);
  ctx.postParse(() => {
    if ((px.cap & PR_CAP_DEF) !== 0 || px.httpCheck.type !== CHK_TYPE_EXTERNAL) return;
    if (ctx.global.ext.get('external-check') !== true) {
      const m = `Proxy '${px.name}' : 'option external-check' unable to find required 'global.external-check'.`;
      if (ctx.alertProxy !== undefined) ctx.alertProxy(px, 42, m); else ctx.alertRaw(m);
      return;
    }
    const e = cfgs.get(px.httpCheck);
    if (e !== undefined && e.command !== '' && !e.command.startsWith('/') && e.path === '') {
      const m = `Proxy '${px.name}': 'external-check command' does not have a leading '/' and 'external-check path' is not set.`;
      if (ctx.alertProxy !== undefined) ctx.alertProxy(px, 42, m); else ctx.alertRaw(m);
      return;
    }
    if (ctx.global.ext.get('insecure-fork-wanted') !== true) {
      const m = `Proxy '${px.name}' : 'insecure-fork-wanted' not enabled in the global section, 'option external-check' will likely fail.`;
      if (ctx.warnProxy !== undefined) ctx.warnProxy(px, 42, m); else ctx.warnRaw(m);
    }
  });
}

export const keywords: CfgKeyword[] = [
  { section: 'global', name: 'external-check', parse(_a, ctx) { ctx.global.ext.set('external-check', true); } },
  { section: 'global', name: 'insecure-fork-wanted', allowNo: true, parse(a, ctx) { ctx.global.ext.set('insecure-fork-wanted', a[0] !== 'no'); } },
  {
    section: 'listen', name: 'option external-check', cap: PR_CAP_BE | PR_CAP_DEF,
    parse(_args, ctx) {
      const px = ctx.proxy!;
      px.httpCheck.type = CHK_TYPE_EXTERNAL;
      extOf(px.httpCheck);
      checkProxy(px, ctx);
    },
  },
  {
    section: 'listen', name: 'external-check', cap: PR_CAP_BE | PR_CAP_DEF,
    parse(args, ctx) {
      const px = ctx.proxy!;
      const k = args[1] ?? '';
      if (k !== 'command' && k !== 'path') { ctx.alert(`'external-check' only supports 'command' and 'path'. but got '${k}'.`); return; }
      if ((args[2] ?? '') === '') { ctx.alert(`missing argument after '${k}'.`); return; }
      const e = extOf(px.httpCheck);
      if (k === 'command') e.command = args[2]; else e.path = args[2];
      checkProxy(px, ctx);
      if ((px.cap & PR_CAP_DEF) === 0) {
        ctx.postParse(() => {
          if (px.httpCheck.type !== CHK_TYPE_EXTERNAL) ctx.warnRaw(`'external-check ${k}' will be ignored for proxy '${px.name}' (requires 'option external-check').`);
        });
      }
    },
  },
];
