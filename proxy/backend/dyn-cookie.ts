/*
 * Dynamic persistence cookies (`cookie <name> ... dynamic` with `dynamic-cookie-key <key>`): a server without its own
 * `cookie` value gets XXH64(key bytes, IPv4/IPv6 address bytes, port as 4 big-endian bytes) in 16 hex digits, as 2.6
 * computes it, so a farm of load balancers sharing the key agrees on the values. Recomputed whenever the server's
 * address changes (backend/server.ts srvSetAddr). Hot path: no.
 */
import { isIPv4, isIPv6 } from 'node:net';
import type { Server } from '../model/types.ts';
import { xxh64 } from './xxh64.ts';
import { ipv6Parse } from '../net/proxy-protocol.ts';

/** Servers whose cookie is the dynamic one (the others have none or their own `cookie` value). */
const dynamic = new WeakSet<Server>();

/** Sets `s.cookie` to its dynamic value when its backend asks for one and `s` has no `cookie` of its own. */
export function srvSetDynCookie(s: Server): void {
  const ck = s.proxy.cookie;
  if (s.cookie !== '' && !dynamic.has(s)) return;
  if (!ck.dynamic || ck.dynamicKey === '' || s.path !== '') return;
  let addr: Buffer;
  if (isIPv4(s.host)) addr = Buffer.from(s.host.split('.').map(Number));
  else if (isIPv6(s.host)) {
    const g = new Uint16Array(8);
    if (!ipv6Parse(s.host, g)) return;
    addr = Buffer.alloc(16);
    for (let i = 0; i < 8; i++) addr.writeUInt16BE(g[i], i * 2);
  } else return;
  const port = Buffer.alloc(4);
  port.writeUInt32BE(s.port);
  s.cookie = xxh64(Buffer.concat([Buffer.from(ck.dynamicKey, 'latin1'), addr, port])).toString(16).padStart(16, '0');
  dynamic.add(s);
}
