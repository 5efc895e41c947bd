/*
 * Types of the TLS module (proxy/ssl/): the settings of a `bind ... ssl` line, of a `server ... ssl` line, the global
 * TLS defaults, and what a TLS connection exposes to fetches and log lines (TlsInfo). Types and constants only.
 * Hot path: no (types).
 */
import type { SecureContext, TLSSocket } from 'node:tls';

/** One loaded certificate: PEM text of the chain (leaf first) and key, and the names it serves (CN + SAN DNS). */
export interface SslCert {
  file: string;
  certPem: string;
  keyPem: string;
  /** Lowercase DNS names (may start with '*.'), from subjectAltName, else the CN. */
  names: string[];
  /** crt-list SNI filters (replace `names` when non-empty; '!name' negative filters are dropped). */
  sniFilters: string[];
  /** Subject DN as ssl_f_s_dn prints it (/C=../CN=..). */
  subject: string;
  ctx: SecureContext | null;
}

/** Protocol bits for no-xxx / force-xxx / ssl-min-ver / ssl-max-ver, HAProxy's methods in order. */
export const SSL_V_SSLV3 = 0;
export const SSL_V_TLSV10 = 1;
export const SSL_V_TLSV11 = 2;
export const SSL_V_TLSV12 = 3;
export const SSL_V_TLSV13 = 4;
export const SSL_V_COUNT = 5;

/** Options shared by binds and servers (and the global ssl-default-* lines). -1 / '' / null = not set. */
export interface SslOptions {
  /** SSL_V_* lower/upper bound, -1 = not set. */
  minVer: number;
  maxVer: number;
  /** bit (1 << SSL_V_*) per `no-xxx`. */
  noVersions: number;
  ciphers: string;
  ciphersuites: string;
  curves: string;
  ecdhe: string;
  alpn: string[] | null;
  noTlsTickets: boolean;
  preferClientCiphers: boolean;
}

/** A `bind` line's TLS settings (ssl/keywords.ts fills it; ssl/context.ts builds the contexts at post-parse). */
export interface SslBindCfg {
  enabled: boolean;
  certs: SslCert[];
  opts: SslOptions;
  caFile: string;
  caPem: string;
  crlFile: string;
  crlPem: string;
  /** 0 none, 1 optional, 2 required; -1 = not set (HAProxy: none unless ca-file... default none). */
  verify: number;
  strictSni: boolean;
  /** crt-ignore-err / ca-ignore-err given: a client certificate that does not verify is accepted (ssl_c_verify says why). */
  ignoreVerifyErr: boolean;
  file: string;
  line: number;
  /** Built by ssl/context.ts: the default context (first certificate) and the SNI lookup. */
  defaultCtx: SecureContext | null;
  exact: Map<string, SecureContext>;
  wildcard: Map<string, SecureContext>;
  /** Subject DN of each context's certificate (ssl_f_s_dn without parsing per handshake). */
  subjects: Map<SecureContext, string>;
  /** Server-side handshake timeout (the frontend's `timeout client`, ms; 0 = none). */
  handshakeTimeout: number;
}

/** A `server` line's TLS settings. */
export interface SslServerCfg {
  enabled: boolean;
  /** 0 none, 2 required, -1 = not set (ssl-server-verify decides). */
  verify: number;
  caFile: string;
  caPem: string;
  crlFile: string;
  crlPem: string;
  certFile: string;
  certPem: string;
  keyPem: string;
  /** `sni` expression as written, '' = none; compiled into `sniFn`. */
  sni: string;
  sniFn: ((req: unknown) => string | null) | null;
  /** The SNI depends on the request (not `str()`): such connections are not reused by other requests. */
  sniDynamic: boolean;
  verifyHost: string;
  opts: SslOptions;
  reuse: boolean;
  checkSsl: boolean;
  /** `check-sni`: the SNI of TLS health checks ('' = none). */
  checkSni: string;
  /** Built once at post-parse by ssl/context.ts. */
  ctx: SecureContext | null;
  /** Last session for resumption (ssl-reuse), per server, and the SNI it was made with (only offered for that SNI:
   * node skips the host name check on a resumed session). */
  session: Buffer | null;
  sessionSni: string;
}

/** Global TLS settings (GlobalSettings.ext 'ssl'). */
export interface SslGlobalCfg {
  caBase: string;
  crtBase: string;
  bindOpts: SslOptions;
  serverOpts: SslOptions;
  /** ssl-server-verify: true = required (HAProxy's default). */
  serverVerify: boolean;
  dhParamBits: number;
  dhParamFile: string;
  cacheSize: number;
  lifetimeSec: number;
}

/** What a TLS connection tells fetches and log lines (ssl_fc_*, ssl_c_*, %sslv, %sslc). Set once, after the handshake. */
export interface TlsInfo {
  /** 'TLSv1.3', ... */
  version: string;
  /** OpenSSL cipher name (TLS_AES_256_GCM_SHA384, ECDHE-RSA-AES128-GCM-SHA256). */
  cipher: string;
  sni: string;
  alpn: string;
  /** A client certificate was presented. */
  clientCert: boolean;
  /** X509 verify result code of the client certificate (0 = ok). */
  clientVerify: number;
  clientSubject: string;
  clientIssuer: string;
  /** Our certificate's subject DN (ssl_f_s_dn). */
  readonly frontSubject: string;
  resumed: boolean;
  /** Client side: the TCP accept date (ms; the stream starts after the handshake), 0 for server connections. */
  acceptMs: number;
  /** The TLS connection (certificate fetches read it on use); absent on records built without one. */
  readonly sock?: TLSSocket;
}
