/* TCP-mode types (owned by the tcp module). Types only. STUB. */
export interface TcpProxyCfg { readonly _stub?: never }
