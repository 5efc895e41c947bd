/*
 * Server `send-proxy`, `send-proxy-v2`, `proxy-v2-options`, `check-send-proxy` and their `no-` forms: which PROXY
 * header (proxy/net/proxy-protocol.ts) a server connection starts with, and the one its health checks send. Settings
 * live beside the server (WeakMap, copied from default-server by an init hook). backend/connect.ts asks
 * sendProxyHeader() for each new server connection, only when some server uses it (sendProxyUse.servers).
 * Hot path: sendProxyHeader (per new connection to a send-proxy server); the rest runs at load.
 */
import type { Server, StreamLog } from '../model/types.ts';
import type { KwCtx, SrvKeyword } from '../config/types.ts';
import { ppEncodeV1, ppEncodeV2 } from '../net/proxy-protocol.ts';
import type { PpV2Opts } from '../net/proxy-protocol.ts';

export interface SendProxyCfg {
  /** 0 = none, 1 = `send-proxy`, 2 = `send-proxy-v2`. */
  version: number;
  /** `check-send-proxy`: health checks send a header even without send-proxy on the traffic. */
  checkSendProxy: boolean;
  v2: PpV2Opts;
}

const cfgs = new WeakMap<Server, SendProxyCfg>();
/** How many servers send a PROXY header: connect.ts skips the lookup entirely while 0. */
export const sendProxyUse = { servers: 0 };

function cfgOf(s: Server): SendProxyCfg {
  let c = cfgs.get(s);
  if (c === undefined) {
    c = { version: 0, checkSendProxy: false, v2: { crc32c: false, authority: '', uniqueId: '' } };
    cfgs.set(s, c);
  }
  return c;
}

/** `s` starts its connections with a PROXY header (they then belong to one client: never shared). */
export function srvSendsProxy(s: Server): boolean {
  const c = cfgs.get(s);
  return c !== undefined && c.version !== 0;
}

/** The PROXY settings of `s`, or null when it has none. */
export function srvSendProxy(s: Server): SendProxyCfg | null {
  const c = cfgs.get(s);
  return c !== undefined && (c.version !== 0 || c.checkSendProxy) ? c : null;
}

/** Server init hook (proxy/edge.ts registers it): a server inherits its default-server's PROXY settings. */
export function sendProxyServerInit(srv: Server, tmpl: Server | null): void {
  if (tmpl === null) return;
  const t = cfgs.get(tmpl);
  if (t === undefined) return;
  cfgs.set(srv, { version: t.version, checkSendProxy: t.checkSendProxy, v2: { ...t.v2 } });
  if (t.version !== 0) sendProxyUse.servers++;
}

function setVersion(s: Server, v: number, tmpl: boolean): void {
  const c = cfgOf(s);
  if (!tmpl) {
    if (c.version === 0 && v !== 0) sendProxyUse.servers++;
    else if (c.version !== 0 && v === 0) sendProxyUse.servers--;
  }
  c.version = v;
}

/** `proxy-v2-options authority`: the SNI the client sent over TLS (ssl_fc_sni), '' without one. */
function authorityOf(log: StreamLog): string { return log.tls !== null ? log.tls.sni : ''; }

/**
 * The header a new connection to `srv` starts with, for the stream described by `log` (its client address and the
 * address it reached, which are the PROXY header's when the client connection had one), or null for none.
 * Allocates the header.
 */
export function sendProxyHeader(srv: Server, log: StreamLog): Buffer | null {
  const c = cfgs.get(srv);
  if (c === undefined || c.version === 0) return null;
  if (c.version === 1) return ppEncodeV1(log.clientIp, log.clientPort, log.frontendIp, log.frontendPort);
  let opts: PpV2Opts | null = null;
  const o = c.v2;
  if (o.crc32c || o.authority !== '' || o.uniqueId !== '') {
    opts = { crc32c: o.crc32c, authority: o.authority !== '' ? authorityOf(log) : '', uniqueId: o.uniqueId !== '' ? log.uniqueId : '' };
  }
  return ppEncodeV2(log.clientIp, log.clientPort, log.frontendIp, log.frontendPort, false, opts);
}

/**
 * The header a health check of `srv` sends on its connection (local/remote = the check connection's own ends), or
 * null: v1 for `check-send-proxy` or `send-proxy`, a v2 LOCAL header for `send-proxy-v2`, as 2.6 does.
 */
export function checkProxyHeader(srv: Server, localIp: string, localPort: number, remoteIp: string, remotePort: number): Buffer | null {
  const c = cfgs.get(srv);
  if (c === undefined) return null;
  // the traffic's setting applies to checks only when they go to the traffic's address (no check port/addr)
  const version = c.checkSendProxy || (srv.check.port === 0 && srv.check.addr === '') ? c.version : 0;
  if (version === 2) return ppEncodeV2('', 0, '', 0, true, null);
  if (version === 1 || c.checkSendProxy) return ppEncodeV1(localIp, localPort, remoteIp, remotePort);
  return null;
}

function label(srv: Server, tmpl: boolean): string {
  return tmpl ? 'default-server' : `server ${srv.proxy.name}/${srv.name}`;
}

const V2_OPTS = ['ssl', 'cert-cn', 'ssl-cipher', 'cert-sig', 'cert-key', 'authority', 'crc32c', 'unique-id'];

function parseV2Options(srv: Server, args: readonly string[], i: number, ctx: KwCtx, tmpl: boolean): number {
  const v = args[i + 1] ?? '';
  const c = cfgOf(srv);
  for (const o of v.split(',')) {
    if (!V2_OPTS.includes(o)) {
      ctx.alertRaw(`[${ctx.file}:${ctx.line}] : '${label(srv, tmpl)}' : '${o}' : proxy v2 option not implemented.`);
      return -1;
    }
    // ssl/cert-* TLVs describe a TLS client connection; accepted and not sent (authority/unique-id are)
    if (o === 'crc32c') c.v2.crc32c = true;
    else if (o === 'authority') c.v2.authority = 'yes';
    else if (o === 'unique-id') c.v2.uniqueId = 'yes';
  }
  return 2;
}

export const sendProxyServerKeywords: SrvKeyword[] = [
  { name: 'send-proxy', defaultOk: true, parse(s, _a, _i, _c, tmpl) { setVersion(s, 1, tmpl); return 1; } },
  { name: 'send-proxy-v2', defaultOk: true, parse(s, _a, _i, _c, tmpl) { setVersion(s, 2, tmpl); return 1; } },
  { name: 'no-send-proxy', defaultOk: true, parse(s, _a, _i, _c, tmpl) { if (cfgOf(s).version === 1) setVersion(s, 0, tmpl); return 1; } },
  { name: 'no-send-proxy-v2', defaultOk: true, parse(s, _a, _i, _c, tmpl) { if (cfgOf(s).version === 2) setVersion(s, 0, tmpl); return 1; } },
  { name: 'check-send-proxy', defaultOk: true, parse(s) { cfgOf(s).checkSendProxy = true; return 1; } },
  { name: 'proxy-v2-options', defaultOk: true, parse: parseV2Options },
];
