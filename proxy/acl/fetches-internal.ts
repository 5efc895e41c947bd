/*
 * 2.6's fetches of internal states and constants as sample values (set-var, rule values, `%[...]`, and ACLs through
 * acl/compile.ts): bool(), ipv4(), ipv6(), fe_defbe, so_id, so_name, the proxies' timeouts
 * (be_server_timeout, cur_server_timeout, be_tunnel_timeout, cur_tunnel_timeout, fe_client_timeout), thread, proc,
 * the profiling counters (cpu_ns_*, lat_ns_*: 0, as 2.6 gives without `profiling.tasks on`), prio_class/prio_offset
 * (0: no set-priority-* action), fc_http_major, and whether an address is local (src_is_local, dst_is_local, ...).
 * Registered by proxy/modules.ts (registerLogArgFetches). Hot path: per evaluation of such a sample.
 */
import { networkInterfaces } from 'node:os';
import { isIP } from 'node:net';
import type { StreamLog } from '../model/types.ts';
import { PR_MODE_HTTP } from '../model/types.ts';

type Value = string | number | null;
type Fetch = (s: StreamLog) => Value;

/** Names of the fetches below that give integers or booleans (ACLs match them as such when used bare). */
export const INTERNAL_INT_FETCHES: readonly string[] = ['so_id', 'be_server_timeout', 'cur_server_timeout',
  'be_tunnel_timeout', 'cur_tunnel_timeout', 'fe_client_timeout', 'thread', 'proc', 'cpu_ns_avg',
  'cpu_ns_tot', 'lat_ns_avg', 'lat_ns_tot', 'prio_class', 'prio_offset', 'fc_http_major'];
export const INTERNAL_BOOL_FETCHES: readonly string[] = ['bool', 'src_is_local', 'dst_is_local'];

let localAddrs: Set<string> | null = null;
/** The host's own addresses (read once, on first use). */
function isLocal(ip: string): number {
  if (localAddrs === null) {
    localAddrs = new Set();
    for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) localAddrs.add(a.address);
  }
  const v4 = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
  return localAddrs.has(v4) || localAddrs.has(ip) ? 1 : 0;
}

const be = (s: StreamLog) => s.backend ?? s.frontend;

/** `head` as a log/sample.ts fetch, or undefined for other fetches. */
export function internalLogFetch(head: string): Fetch | undefined {
  const open = head.indexOf('(');
  if (open >= 0 && !head.endsWith(')')) return undefined;
  const name = open < 0 ? head : head.slice(0, open);
  const arg = open < 0 ? '' : head.slice(open + 1, -1).trim();
  if (open >= 0 && name !== 'bool' && name !== 'ipv4' && name !== 'ipv6') return undefined;
  switch (name) {
    case 'bool': {
      const t = arg.toLowerCase();
      const v = t === '1' || t === 'true' ? 1 : t === '0' || t === 'false' ? 0 : -1;
      return v < 0 ? undefined : () => v;
    }
    case 'ipv4': return isIP(arg) === 4 ? () => arg : undefined;
    case 'ipv6': return isIP(arg) === 6 ? () => arg : undefined;
    case 'fe_defbe': return (s) => s.frontend.defaultBackend?.name ?? null;
    case 'so_name': return (s) => (s.bindName === '' ? null : s.bindName);
    case 'so_id': return (s) => { const i = s.frontend.binds.findIndex((b) => b.name === s.bindName); return i < 0 ? null : i + 1; };
    case 'be_server_timeout': return (s) => be(s).timeouts.server;
    case 'be_tunnel_timeout': return (s) => be(s).timeouts.tunnel;
    // the stream's own timeouts are set when it gets its backend: 0 before (2.6.12 in a listen's http-request rules)
    case 'cur_server_timeout': return (s) => (s.backend === null ? 0 : s.backend.timeouts.server);
    case 'cur_tunnel_timeout': return (s) => (s.backend === null ? 0 : s.backend.timeouts.tunnel);
    case 'fe_client_timeout': return (s) => s.frontend.timeouts.client;
    case 'thread': case 'cpu_ns_avg': case 'cpu_ns_tot': case 'lat_ns_avg': case 'lat_ns_tot':
    case 'prio_class': case 'prio_offset': return () => 0;
    case 'proc': return () => 1;
    case 'fc_http_major': return (s) => (s.frontend.mode === PR_MODE_HTTP ? 1 : null);
    case 'src_is_local': return (s) => (s.clientIp === '' ? null : isLocal(s.clientIp));
    case 'dst_is_local': return (s) => (s.frontendIp === '' ? null : isLocal(s.frontendIp));
    default: return undefined;
  }
}
