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
import type { CheckTlsForce } from '../checks/types.ts';
import { srvSslAny } from './keywords.ts';

function noHostCheck(): undefined { return undefined; }

/**
 * A connecting TLS socket for a check of `srv` at host:port, or null when the check is plain. `force` (`tcp-check
 * connect ssl [sni <name>] [alpn <list>]`) makes it TLS with that name and ALPN list, on the server's context if it has
 * one (its `verify`), else a default one that verifies nothing (2.6 refuses such a server without `verify none`).
 */
export function sslCheckConnect(srv: Server, host: string, port: number, force: CheckTlsForce | null = null): TLSSocket | null {
  const c = srvSslAny(srv);
  if (force !== null) {
    const name = force.sni !== '' && isIP(force.sni) === 0 ? force.sni : '';
    const verify = c !== null && c.ctx !== null && c.verify === 2;
    const opts: ConnectionOptions = {
      host, port, rejectUnauthorized: verify, servername: name,
      checkServerIdentity: verify && name !== '' ? (_n, cert) => nodeTls().checkServerIdentity(name, cert) : noHostCheck,
    };
    if (c !== null && c.ctx !== null) opts.secureContext = c.ctx;
    if (force.alpn !== '') opts.ALPNProtocols = force.alpn.split(',');
    return nodeTls().connect(opts);
  }
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
