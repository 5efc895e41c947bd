/*
 * Server parameter `redir <prefix>`: GET and HEAD requests assigned to this server get a 302 to <prefix> followed by
 * the request's path (from its leading '/') instead of a connection; other methods are forwarded as usual. The HTTP
 * stream builds the reply (BackendClient.onServerRedir); backend/connect.ts asks srvRedir() before connecting, only
 * when some server has one (redirUse.on). Hot path: no.
 */
import type { SrvKeyword } from '../config/types.ts';
import type { Server } from '../model/types.ts';
import { srvAlert } from '../config/server-alert.ts';

const prefixes = new WeakMap<Server, string>();

/** Whether any server has `redir` (the connect path tests this first). */
export const redirUse = { on: false };

/** The `redir` prefix of `srv`, or null. */
export function srvRedir(srv: Server): string | null { return prefixes.get(srv) ?? null; }

/** Model init hook (proxy/modules.ts): a server inherits its default-server's redir. */
export function redirServerInit(srv: Server, tmpl: Server | null): void {
  const p = tmpl !== null ? prefixes.get(tmpl) : undefined;
  if (p !== undefined) prefixes.set(srv, p);
}

/** The reply to a redirected request for `path` (its target from the leading '/'); `close` adds connection: close. */
export function redirReply(prefix: string, target: string, close: boolean): Buffer {
  let p = target;
  if (p.charCodeAt(0) !== 0x2f) {
    // absolute form: the path starts after "scheme://authority"
    const s = p.indexOf('://');
    const slash = s < 0 ? -1 : p.indexOf('/', s + 3);
    p = slash < 0 ? '/' : p.slice(slash);
  }
  return Buffer.from('HTTP/1.1 302 Found\r\ncache-control: no-cache\r\ncontent-length: 0\r\nlocation: ' + prefix + p +
    (close ? '\r\nconnection: close' : '') + '\r\n\r\n', 'latin1');
}

export const serverKeywords: SrvKeyword[] = [{
  name: 'redir',
  defaultOk: true,
  parse(srv, args, i, ctx, tmpl) {
    const v = args[i + 1];
    if (v === undefined || v === '') { srvAlert(ctx, srv, tmpl, `'redir' expects <prefix> as argument..`); return -1; }
    prefixes.set(srv, v);
    redirUse.on = true;
    return 2;
  },
}];
