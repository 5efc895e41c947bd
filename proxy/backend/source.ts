/*
 * `source <addr>[:<port>]` (defaults/backend/listen) and the server parameter `source <addr>[:<port>[-<port>]]`: the
 * local address (and port, or a port range used in turn) server connections are bound to before connecting. A
 * server's own `source` wins over its backend's. `usesrc` and `interface` need transparent proxying / device binding
 * Node cannot do: refused with an alert naming the line. backend/connect.ts asks srcBindFor() per connection only
 * when some `source` exists (sourceUse.on). Hot path: srcBindFor, for configurations using `source`.
 */
import type { CfgKeyword, KwCtx, SrvKeyword } from '../config/types.ts';
import { PR_CAP_BE, PR_CAP_DEF } from '../config/types.ts';
import type { Proxy, Server } from '../model/types.ts';
import { parseAddr } from '../config/values.ts';
import { srvAlert } from '../config/server-alert.ts';
import { isIP } from 'node:net';

/** A local address to bind: host '' = any address of the family, port 0 = any; [port, portEnd] a range. */
export interface SrcBind { host: string; port: number; portEnd: number; next: number }

const pxSrc = new WeakMap<Proxy, SrcBind>();
const srvSrc = new WeakMap<Server, SrcBind>();

/** Whether any `source` is configured (the connect path tests this first). */
export const sourceUse = { on: false };

/** The bind of server `srv`'s connections (its own `source`, else its backend's), or null. */
export function srcBindFor(srv: Server): SrcBind | null {
  return srvSrc.get(srv) ?? pxSrc.get(srv.proxy) ?? null;
}

/** The local port for the next connection from `b`: its port, or the next one of its range in turn. */
export function srcPortNext(b: SrcBind): number {
  if (b.portEnd <= b.port) return b.port;
  const p = b.next;
  b.next = p >= b.portEnd ? b.port : p + 1;
  return p;
}

/** Model init hooks (proxy/modules.ts): a proxy inherits its defaults' `source`, a server its default-server's. */
export function sourceProxyInit(px: Proxy, def: Proxy | null): void {
  const b = def !== null ? pxSrc.get(def) : undefined;
  if (b !== undefined) pxSrc.set(px, { ...b });
}
export function sourceServerInit(srv: Server, tmpl: Server | null): void {
  const b = tmpl !== null ? srvSrc.get(tmpl) : undefined;
  if (b !== undefined) srvSrc.set(srv, { ...b });
}

/** Checks the words after the address: `usesrc ...` / `interface <name>`; returns an error text or ''. */
function extraWords(args: readonly string[], from: number, server: boolean): { err: string; used: number } {
  let i = from;
  while (i < args.length) {
    const w = args[i];
    if (w === 'usesrc') {
      return { err: `'source ... usesrc ${args[i + 1] ?? ''}' needs transparent proxying (IP_TRANSPARENT), which sluice does not support; remove 'usesrc'.`, used: 0 };
    }
    if (w === 'interface') {
      if (args[i + 1] === undefined) return { err: `'source' : missing interface name.`, used: 0 };
      return { err: `'source ... interface ${args[i + 1]}' binds to a network device (SO_BINDTODEVICE), which sluice does not support; remove 'interface'.`, used: 0 };
    }
    if (server) break;
    return { err: `'source' only supports optional keywords 'interface' and 'usesrc'.`, used: 0 };
  }
  return { err: '', used: i - from };
}

/** Parses `addr[:port[-port]]`; error text in 2.6's words or ''. */
function parseSrc(spec: string, rangeOk: boolean, out: SrcBind): string {
  // port 0 (or 0-0) = any port, as 2.6 takes it
  const a = parseAddr(spec.endsWith(':0') ? spec.slice(0, -2) : spec.endsWith(':0-0') && rangeOk ? spec.slice(0, -4) : spec, false);
  if (a.err !== '') {
    if (a.err.startsWith('invalid port')) {
      const ports = spec.slice(spec.lastIndexOf(':') + 1);
      return ports.includes('-') && rangeOk ? `'source ${spec}' : invalid port range '${ports}'` : `'source ${spec}' : ${a.err}`;
    }
    return `'source ${spec}' : ${a.err}`;
  }
  if (a.path !== '' || (a.host !== '' && isIP(a.host) === 0)) {
    const bad = a.host.includes(':') && a.family !== 6 ? ':' : a.host;
    return `'source ${spec}' : invalid address: '${bad}' in '${spec}'\n`;
  }
  if (a.portEnd > a.port && !rangeOk) return `'source ${spec}' : port range not permitted here in '${spec}'`;
  out.host = a.host; out.port = a.port; out.portEnd = a.portEnd; out.next = a.port;
  return '';
}

function parseSource(args: readonly string[], ctx: KwCtx): void {
  const px = ctx.proxy!;
  if (args.length < 2 || args[1] === '') {
    ctx.alert(`'${args[0]}' expects <addr>[:<port>], and optionally 'usesrc' <addr>, and 'interface' <name>.`);
    return;
  }
  const b: SrcBind = { host: '', port: 0, portEnd: 0, next: 0 };
  const err = parseSrc(args[1], false, b);
  if (err !== '') { ctx.alert(err); return; }
  const x = extraWords(args, 2, false);
  if (x.err !== '') { ctx.alert(x.err); return; }
  pxSrc.set(px, b);
  sourceUse.on = true;
}

const sourceParam: SrvKeyword = {
  name: 'source',
  defaultOk: true,
  parse(srv, args, i, ctx, tmpl) {
    const v = args[i + 1];
    if (v === undefined || v === '') {
      srvAlert(ctx, srv, tmpl, `'source' expects <addr>[:<port>[-<port>]], and optionally 'usesrc' <addr>, and 'interface' <name> as argument..`);
      return -1;
    }
    const b: SrcBind = { host: '', port: 0, portEnd: 0, next: 0 };
    const err = parseSrc(v, true, b);
    if (err !== '') { srvAlert(ctx, srv, tmpl, err.endsWith('\n') ? err : err + '.'); return -1; }
    const x = extraWords(args, i + 2, true);
    if (x.err !== '') { srvAlert(ctx, srv, tmpl, x.err); return -1; }
    srvSrc.set(srv, b);
    sourceUse.on = true;
    return 2;
  },
};

export const keywords: CfgKeyword[] = [
  { section: 'listen', name: 'source', cap: PR_CAP_BE | PR_CAP_DEF, parse: parseSource },
];
export const serverKeywords: SrvKeyword[] = [sourceParam];
