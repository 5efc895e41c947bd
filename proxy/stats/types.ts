/* Stats types (owned by the stats module): counters per object kind and the stats page settings. Types only. STUB. */
export interface FeCounters { readonly _stub?: never }
export interface BeCounters { readonly _stub?: never }
export interface SrvCounters { readonly _stub?: never }
export interface StatsPageCfg { readonly _stub?: never }
