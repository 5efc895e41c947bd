/* Load-balancing types (owned by the lb module): the LbAlgo descriptor contract. Types only. STUB. */
export interface BalanceCfg { readonly _stub?: never }
export interface LbAlgo { readonly _stub?: never }
