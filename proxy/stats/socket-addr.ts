/*
 * The address of a `stats socket` line, read the way 2.6 reads it (unix path, abns@, ipv4@/ipv6@/tcp@ host:port,
 * port 1..65535 or a range whose first port is used), with 2.6's error texts, and the HAPROXY_CLI form of the
 * sockets (`unix@/path;ipv4@0.0.0.0:9999`). Host names are resolved at load time (net/host-lookup.ts).
 * Hot path: no (load time).
 */
import { isIPv4, isIPv6 } from 'node:net';
import { lookupHostSync } from '../net/host-lookup.ts';
import { envExpand } from '../config/values.ts';
import type { StatsSocketCfg } from './types.ts';

export type SocketAddr = { host: string; port: number; path: string };

const DGRAM = ['udp@', 'udp4@', 'udp6@', 'uxdg@'];
const STREAM4 = ['ipv4@', 'tcp4@'];
const STREAM6 = ['ipv6@', 'tcp6@'];

/**
 * `a` → a socket address, or the text 2.6 prints after "'stats socket' : " (ending with its own newlines: 2.6
 * leaves one or two empty lines after these alerts).
 */
export function parseStatsSocketAddr(orig: string): SocketAddr | string {
  const a = envExpand(orig);      // "${SOCK_DIR}/admin.sock", as 2.6 expands addresses
  if (a.startsWith('unix@')) return { host: '', port: 0, path: a.slice(5) };
  if (a.startsWith('abns@')) return { host: '', port: 0, path: '\0' + a.slice(5) };
  if (a.startsWith('/')) return { host: '', port: 0, path: a };
  if (DGRAM.some((p) => a.startsWith(p))) return `dgram-type address not acceptable in '${a}'\n\n`;
  let rest = a;
  let fam = 0;                                   // 0 any, 4, 6
  const p4 = STREAM4.find((p) => a.startsWith(p));
  const p6 = STREAM6.find((p) => a.startsWith(p));
  if (p4 !== undefined) { fam = 4; rest = a.slice(p4.length); }
  else if (p6 !== undefined) { fam = 6; rest = a.slice(p6.length); }
  else if (a.startsWith('tcp@')) rest = a.slice(4);
  const c = rest.lastIndexOf(':');
  const close = rest.lastIndexOf(']');
  if (c < 0 || c < close || c === rest.length - 1) return `missing port specification in '${a}'\n`;
  const ps = rest.slice(c + 1);
  if (ps[0] === '+' || ps[0] === '-') return `port offset not permitted here in '${a}'\n`;
  const m = /^(\d+)(?:-(\d+))?$/.exec(ps);
  if (m === null) {
    const bad = [...ps].find((ch) => ch < '0' || ch > '9') ?? '';
    return `invalid character '${bad}' in port number '${ps}' in '${a}'\n\n`;
  }
  const port = Number(m[1]);
  if (port < 1 || port > 65535) return `invalid port '${m[1]}'\n`;
  let host = rest.slice(0, c);
  const bracket = host.startsWith('[') && host.endsWith(']');
  if (bracket) host = host.slice(1, -1);
  const bad = `invalid address: '${rest.slice(0, c)}' in '${a}'\n\n`;
  if (host === '' || host === '*') return { host: fam === 6 ? '::' : '', port, path: '' };
  if (isIPv6(host)) return fam === 4 ? bad : { host, port, path: '' };
  if (bracket) return bad;
  if (isIPv4(host)) return fam === 6 ? bad : { host, port, path: '' };
  const ip = lookupHostSync(host, fam === 6 ? 6 : 4);
  return ip === '' ? bad : { host: ip, port, path: '' };
}

/** HAPROXY_CLI: every stats socket as `unix@<path>`, `abns@<name>`, `ipv4@<ip>:<port>` or `ipv6@[<ip>]:<port>`. */
export function haproxyCliEnv(sockets: readonly StatsSocketCfg[]): string {
  const out: string[] = [];
  for (const s of sockets) {
    if (s.path !== '') out.push(s.path[0] === '\0' ? 'abns@' + s.path.slice(1) : 'unix@' + s.path);
    else if (isIPv6(s.host)) out.push('ipv6@[' + s.host + ']:' + s.port);
    else out.push('ipv4@' + (s.host === '' ? '0.0.0.0' : s.host) + ':' + s.port);
  }
  return out.join(';');
}
