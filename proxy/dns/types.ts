/*
 * Types of the DNS resolution of servers (proxy/dns): `resolvers` sections, their nameservers' counters (as `show
 * resolvers` prints them), and the per-server settings (`resolvers`, `init-addr`, `resolve-prefer`, `resolve-net`,
 * `resolve-opts`). Types and numeric constants only. Hot path: no.
 */

/** The counters 2.6's `show resolvers` prints per nameserver, in its order. */
export interface NsCounters {
  sent: number;
  sndError: number;
  valid: number;
  update: number;
  cname: number;
  cnameError: number;
  anyErr: number;
  nx: number;
  timeout: number;
  refused: number;
  other: number;
  invalid: number;
  tooBig: number;
  truncated: number;
  outdated: number;
}

export interface NameserverCfg {
  name: string;
  host: string;
  port: number;
  counters: NsCounters;
}

/** One `resolvers <name>` section; times in ms. */
export interface ResolversCfg {
  name: string;
  file: string;
  line: number;
  nameservers: NameserverCfg[];
  acceptedPayloadSize: number;   // default 512
  holdNx: number;                // default 30s
  holdOther: number;             // default 30s
  holdRefused: number;           // default 30s
  holdTimeout: number;           // default 30s
  holdValid: number;             // default 10s
  holdObsolete: number;          // default 0
  resolveRetries: number;        // default 3
  timeoutResolve: number;        // default 1s: period between resolutions
  timeoutRetry: number;          // default 1s: wait before retrying an unanswered query
}

/** `init-addr` methods, tried in order at startup. */
export const INIT_ADDR_LAST = 0;
export const INIT_ADDR_LIBC = 1;
export const INIT_ADDR_NONE = 2;
export const INIT_ADDR_IP = 3;

export interface InitAddrStep { method: number; ip: string }

/** A server's DNS settings (beside the server, dns/server-keywords.ts). */
export interface SrvDnsCfg {
  resolversName: string;         // `resolvers <name>`
  resolversSet: boolean;         // the keyword was given (even without a name: 2.6 then looks for '')
  resolvers: ResolversCfg | null;
  fqdn: string;                  // the name of the server line, '' when it is an address
  initAddr: InitAddrStep[];      // empty = 2.6's default (last,libc)
  preferV6: boolean;             // `resolve-prefer`, ipv6 by default
  nets: string[];                // `resolve-net` networks as written
  allowDupIp: boolean;
  ignoreWeight: boolean;
  srvRecord: string;             // a name starting with '_' (SRV record, show servers state's srvrecord), else ''
  srvTaken: boolean;             // the server was given an SRV record once (2.6's HMAINT bit, 0x40, in the state)
}
