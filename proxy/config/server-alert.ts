/*
 * The one builder of `server` / `default-server` parameter messages in haproxy 2.6's form: `[file:line] : 'server
 * bk/s1' : <msg>` on a server line, `[file:line] : <msg>` on a default-server line (2.6 names no server there).
 * Used by every module that registers server keywords (backend, checks, dns, ssl, send-proxy). Hot path: no.
 */
import type { KwCtx } from './types.ts';
import type { Server } from '../model/types.ts';

/** `[file:line] : ` plus `'server <px>/<srv>' : ` unless `tmpl` (a default-server line). Allocates the string. */
export function srvMsgPrefix(ctx: KwCtx, srv: Server, tmpl: boolean): string {
  return tmpl ? `[${ctx.file}:${ctx.line}] : ` : `[${ctx.file}:${ctx.line}] : 'server ${srv.proxy.name}/${srv.name}' : `;
}

/** Reports `msg` as an alert about a server / default-server parameter. */
export function srvAlert(ctx: KwCtx, srv: Server, tmpl: boolean, msg: string): void {
  ctx.alertRaw(srvMsgPrefix(ctx, srv, tmpl) + msg);
}

/** Reports `msg` as a warning about a server / default-server parameter. */
export function srvWarn(ctx: KwCtx, srv: Server, tmpl: boolean, msg: string): void {
  ctx.warnRaw(srvMsgPrefix(ctx, srv, tmpl) + msg);
}
