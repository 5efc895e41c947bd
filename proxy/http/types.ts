/* HTTP types (owned by the http module). Types only. STUB. */
export interface HttpProxyCfg { readonly _stub?: never }
