/* ACL types (owned by the acl module). Types only. STUB. */
export interface AclDef { readonly _stub?: never }
export interface AclCond { readonly _stub?: never }
