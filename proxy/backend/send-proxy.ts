/*
 * Server `send-proxy`, `send-proxy-v2[-ssl[-cn]]`, `proxy-v2-options`, `check-send-proxy` and their `no-` forms: which PROXY
 * header (proxy/net/proxy-protocol.ts) a server connection starts with, and the one its health checks send. Settings
 * live beside the server (WeakMap, copied from default-server by an init hook). backend/connect.ts asks
 * sendProxyHeader() for each new server connection, only when some server uses it (sendProxyUse.servers).
 * Hot path: sendProxyHeader (per new connection to a send-proxy server); the rest runs at load.
 */
import type { Server, StreamLog } from '../model/types.ts';
import type { KwCtx, SrvKeyword } from '../config/types.ts';
import { ppEncodeV1, ppEncodeV2 } from '../net/proxy-protocol.ts';
import type { PpV2Opts, PpV2Ssl } from '../net/proxy-protocol.ts';
import { PP2_CLIENT_SSL, PP2_CLIENT_CERT_CONN, PP2_CLIENT_CERT_SESS } from '../net/proxy-protocol.ts';
import { srvAlert } from '../config/server-alert.ts';

export interface SendProxyCfg {
  /** 0 = none, 1 = `send-proxy`, 2 = `send-proxy-v2` (also `-ssl`, `-ssl-cn`). */
  version: number;
  /** `check-send-proxy`: health checks send a header even without send-proxy on the traffic. */
  checkSendProxy: boolean;
  /** `proxy-v2-options` TLVs (and `send-proxy-v2-ssl[-cn]`): crc32c, authority, unique-id, ssl, cert-cn, ssl-cipher. */
  crc32c: boolean;
  authority: boolean;
  uniqueId: boolean;
  ssl: boolean;
  sslCn: boolean;
  sslCipher: boolean;
}

const cfgs = new WeakMap<Server, SendProxyCfg>();
/** How many servers send a PROXY header: connect.ts skips the lookup entirely while 0. */
export const sendProxyUse = { servers: 0 };

function cfgOf(s: Server): SendProxyCfg {
  let c = cfgs.get(s);
  if (c === undefined) {
    c = { version: 0, checkSendProxy: false, crc32c: false, authority: false, uniqueId: false, ssl: false, sslCn: false, sslCipher: false };
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
  cfgs.set(srv, { ...t });
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

/** The CN of a `/C=../O=../CN=name` subject, '' without one. */
function cnOf(dn: string): string {
  const i = dn.lastIndexOf('/CN=');
  if (i < 0) return '';
  const j = dn.indexOf('/', i + 4);
  return dn.slice(i + 4, j < 0 ? dn.length : j);
}

/**
 * The v2 TLV options of a connection for the stream `log` (its client's TLS session: authority = the SNI, the SSL
 * TLV's flags, version, client CN and cipher as 2.6 fills them), null when `c` asks for none.
 */
function v2Opts(c: SendProxyCfg, log: StreamLog): PpV2Opts | null {
  if (!c.crc32c && !c.authority && !c.uniqueId && !c.ssl) return null;
  const t = log.tls;
  let ssl: PpV2Ssl | null = null;
  if (c.ssl) {
    ssl = t === null ? { client: 0, verify: 0, version: '', cn: '', cipher: '' } : {
      client: PP2_CLIENT_SSL | (t.clientCert ? PP2_CLIENT_CERT_CONN | PP2_CLIENT_CERT_SESS : 0),
      verify: t.clientCert ? t.clientVerify : 0,
      version: t.version,
      cn: c.sslCn && t.clientCert ? cnOf(t.clientSubject) : '',
      cipher: c.sslCipher ? t.cipher : '',
    };
  }
  return { crc32c: c.crc32c, authority: c.authority && t !== null ? t.sni : '', uniqueId: c.uniqueId ? log.uniqueId : '', ssl };
}

/**
 * The header a new connection to `srv` starts with, for the stream described by `log` (its client address and the
 * address it reached, which are the PROXY header's when the client connection had one), or null for none.
 * Allocates the header.
 */
export function sendProxyHeader(srv: Server, log: StreamLog): Buffer | null {
  const c = cfgs.get(srv);
  if (c === undefined || c.version === 0) return null;
  if (c.version === 1) return ppEncodeV1(log.clientIp, log.clientPort, log.frontendIp, log.frontendPort);
  return ppEncodeV2(log.clientIp, log.clientPort, log.frontendIp, log.frontendPort, false, v2Opts(c, log));
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


const V2_OPTS = ['ssl', 'cert-cn', 'ssl-cipher', 'cert-sig', 'cert-key', 'authority', 'crc32c', 'unique-id'];

function parseV2Options(srv: Server, args: readonly string[], i: number, ctx: KwCtx, tmpl: boolean): number {
  const v = args[i + 1] ?? '';
  const c = cfgOf(srv);
  for (const o of v.split(',')) {
    if (!V2_OPTS.includes(o)) {
      srvAlert(ctx, srv, tmpl, `'${o}' : proxy v2 option not implemented.`);
      return -1;
    }
    // cert-sig / cert-key (the frontend certificate's algorithms) are accepted and not sent
    if (o === 'crc32c') c.crc32c = true;
    else if (o === 'authority') c.authority = true;
    else if (o === 'unique-id') c.uniqueId = true;
    else if (o === 'ssl') c.ssl = true;
    else if (o === 'cert-cn') { c.ssl = true; c.sslCn = true; }
    else if (o === 'ssl-cipher') { c.ssl = true; c.sslCipher = true; }
  }
  return 2;
}

export const sendProxyServerKeywords: SrvKeyword[] = [
  { name: 'send-proxy', defaultOk: true, parse(s, _a, _i, _c, tmpl) { setVersion(s, 1, tmpl); return 1; } },
  { name: 'send-proxy-v2', defaultOk: true, parse(s, _a, _i, _c, tmpl) { setVersion(s, 2, tmpl); return 1; } },
  { name: 'no-send-proxy', defaultOk: true, parse(s, _a, _i, _c, tmpl) { if (cfgOf(s).version === 1) setVersion(s, 0, tmpl); return 1; } },
  { name: 'no-send-proxy-v2', defaultOk: true, parse(s, _a, _i, _c, tmpl) { if (cfgOf(s).version === 2) setVersion(s, 0, tmpl); return 1; } },
  { name: 'send-proxy-v2-ssl', defaultOk: true, parse(s, _a, _i, _c, tmpl) { setVersion(s, 2, tmpl); cfgOf(s).ssl = true; return 1; } },
  { name: 'send-proxy-v2-ssl-cn', defaultOk: true, parse(s, _a, _i, _c, tmpl) { setVersion(s, 2, tmpl); const c = cfgOf(s); c.ssl = true; c.sslCn = true; return 1; } },
  { name: 'no-send-proxy-v2-ssl', defaultOk: true, parse(s, _a, _i, _c, tmpl) { const c = cfgOf(s); if (c.ssl) { c.ssl = false; c.sslCn = false; setVersion(s, 0, tmpl); } return 1; } },
  { name: 'no-send-proxy-v2-ssl-cn', defaultOk: true, parse(s, _a, _i, _c, tmpl) { const c = cfgOf(s); if (c.sslCn) { c.ssl = false; c.sslCn = false; setVersion(s, 0, tmpl); } return 1; } },
  { name: 'check-send-proxy', defaultOk: true, parse(s) { cfgOf(s).checkSendProxy = true; return 1; } },
  { name: 'proxy-v2-options', defaultOk: true, parse: parseV2Options },
];
