/*
 * TCP-mode types (owned by tcp/): per-proxy tcp settings. Types only. Hot path: no.
 */

/** Per-proxy tcp-mode settings (filled by tcp keywords; read by tcp/forward.ts). */
export interface TcpProxyCfg {
  /** `tcp-request inspect-delay` (ms); accepted for compatibility, content rules are not implemented yet. */
  inspectDelay: number;
  /** `option nolinger` */
  nolinger: boolean;
}
