/*
 * Server parameters `non-stick` (the server's streams are never stored in stick tables: `stick on`/`store-*` rules
 * skip it, as 2.6) and `stick` (undoes a default-server's non-stick). stick/persist.ts asks srvNonStick() when it
 * stores a transaction's server. Hot path: no (one WeakSet lookup per store, with stick rules only).
 */
import type { SrvKeyword } from '../config/types.ts';
import type { Server } from '../model/types.ts';

const nonStick = new WeakSet<Server>();

/** True when `srv` has `non-stick`. */
export function srvNonStick(srv: Server): boolean { return nonStick.has(srv); }

/** Model init hook (proxy/modules.ts): a server inherits its default-server's non-stick. */
export function nonStickServerInit(srv: Server, tmpl: Server | null): void {
  if (tmpl !== null && nonStick.has(tmpl)) nonStick.add(srv);
}

export const serverKeywords: SrvKeyword[] = [
  { name: 'non-stick', defaultOk: true, parse(srv) { nonStick.add(srv); return 1; } },
  { name: 'stick', defaultOk: true, parse(srv) { nonStick.delete(srv); return 1; } },
];
