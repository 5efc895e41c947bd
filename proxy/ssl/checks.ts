/*
 * Health checks over TLS: the socket checks/probe.ts uses for a server checked over TLS, i.e. with `check-ssl`, or
 * with `ssl` and no `port`/`addr` check override (as haproxy 2.6 decides). The handshake uses the server's context
 * (CA, client certificate, versions), `verify`, `verifyhost` and `check-sni`. Wired by proxy/modules.ts through
 * setCheckTlsConnector. Hot path: no (one per check).
 */
import type { TLSSocket, ConnectionOptions } from 'node:tls';
import { nodeTls } from '../lazy-builtins.ts';
import { isIP } from 'node:net';
import type { Server } from '../model/types.ts';
import { srvSslAny } from './keywords.ts';

function noHostCheck(): undefined { return undefined; }

/** A connecting TLS socket for a check of `srv` at host:port, or null when the check is plain. */
export function sslCheckConnect(srv: Server, host: string, port: number): TLSSocket | null {
  const c = srvSslAny(srv);
  if (c === null || c.ctx === null) return null;
  const overridden = srv.check.port > 0 || srv.check.addr !== '';
  if (!c.checkSsl && !(c.enabled && !overridden)) return null;
  const sni = c.checkSni !== '' && isIP(c.checkSni) === 0 ? c.checkSni : '';
  const name = c.verifyHost !== '' ? c.verifyHost : sni;
  const opts: ConnectionOptions = {
    host, port, secureContext: c.ctx, rejectUnauthorized: c.verify === 2, servername: sni,
    checkServerIdentity: c.verify === 2 && name !== '' ? (_n, cert) => nodeTls().checkServerIdentity(name, cert) : noHostCheck,
  };
  return nodeTls().connect(opts);
}
