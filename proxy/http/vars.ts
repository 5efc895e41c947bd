/*
 * HAProxy variables for the HTTP stream: `http-request|http-response set-var(<scope>.<name>) <expr>`, `set-var-fmt`,
 * `unset-var`, read by the `var(<name>)` fetch in ACLs, rule values and log formats. Scopes proc (process-wide), sess
 * (the client connection), txn/req/res (one transaction). Names are kept lowercased (ACL arguments are). Values are
 * strings or numbers. Callers: http/rules.ts, http/stream.ts, acl/fetches.ts, log/sample.ts. Hot path: only for
 * configurations that use variables.
 */

export type VarMap = Map<string, string | number>;

const procVars: VarMap = new Map();

/** True for "proc.x", "sess.x", "txn.x", "req.x", "res.x" (x non-empty, [a-z0-9._-]). */
export function varNameOk(name: string): boolean {
  return /^(proc|sess|txn|req|res)\.[a-z0-9._-]+$/.test(name);
}

export function varGet(vars: VarMap | null | undefined, name: string): string | number | null {
  const m = name.startsWith('proc.') ? procVars : vars;
  if (m === null || m === undefined) return null;
  const v = m.get(name);
  return v === undefined ? null : v;
}

export function varSet(vars: VarMap, name: string, v: string | number): void {
  (name.startsWith('proc.') ? procVars : vars).set(name, v);
}

export function varUnset(vars: VarMap, name: string): void {
  (name.startsWith('proc.') ? procVars : vars).delete(name);
}

/** End of a transaction: drops txn/req/res variables, keeps sess ones. */
export function varsEndTxn(vars: VarMap): void {
  if (vars.size === 0) return;
  for (const k of vars.keys()) if (!k.startsWith('sess.')) vars.delete(k);
}
