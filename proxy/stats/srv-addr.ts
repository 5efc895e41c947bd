/*
 * `set server <b>/<s> addr <ip> [port <port>]`: validates the address and the port the way HAProxy 2.6 does
 * (numeric IPv4/IPv6 only, brackets allowed; the port read as leading digits truncated to 16 bits, '+'/'-' refused as
 * a port map) and builds its one-line reply. An invalid address changes nothing; a bad port keeps the new address.
 * Called by cli-commands.ts. Hot path: no.
 */
import { isIP } from 'node:net';
import type { Server } from '../model/types.ts';
import type { CliEnv } from './types.ts';

const PORT_MAP_REFUSED = "can't change <port> to port map because it is incompatible with current health check port " +
  "configuration (use 'port' statement from the 'server' directive.";

/** The port as HAProxy reads it: leading decimal digits, kept modulo 2^16 (strtol saturates past 2^63-1); -1 = none. */
export function parseSrvPort(v: string): number {
  let n = 0;
  while (n < v.length && v.charCodeAt(n) >= 48 && v.charCodeAt(n) <= 57) n++;
  if (n === 0) return -1;
  const big = BigInt(v.slice(0, n));
  return big > 0x7fffffffffffffffn ? 0xffff : Number(big & 0xffffn);
}

/**
 * Applies the change through env.api and returns the reply text (with its trailing "\n"). `port` is the word after
 * `port`, '' when `port` ends the line, null when no `port` keyword was given.
 */
export function setServerAddr(env: CliEnv, sv: Server, addr: string, port: string | null): string {
  const ip = addr.length > 2 && addr.charCodeAt(0) === 91 && addr.charCodeAt(addr.length - 1) === 93
    ? addr.slice(1, -1) : addr;
  if (isIP(ip) === 0 || ip.includes('%')) return "Invalid addr '" + addr + "' by 'stats socket command'\n";
  let out = sv.host === ip ? 'no need to change the addr' : "IP changed from '" + sv.host + "' to '" + addr + "'";
  let newPort = 0;
  if (port !== null) {
    const c = port.charCodeAt(0);
    if (c === 43 || c === 45) out += ', ' + PORT_MAP_REFUSED;
    else {
      const p = parseSrvPort(port);
      if (p < 0) out += ", problem converting port '" + port + "' to an int";
      else if (p === sv.port) out += ', no need to change the port';
      else { out += ", port changed from '" + sv.port + "' to '" + p + "'"; newPort = p; }
    }
  }
  const e = env.api.setAddr(sv, ip, newPort);
  if (e !== '') return e;
  return out + " by 'stats socket command'\n";
}
