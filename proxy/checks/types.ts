/* Health-check types (owned by the checks module). Types only. STUB. */
export interface CheckCfg { readonly _stub?: never }
export interface CheckState { readonly _stub?: never }
