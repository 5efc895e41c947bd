/*
 * The `nbsrv([<backend>])` sample fetch (2.6): usable servers of the named backend, or of the stream's backend (the
 * frontend itself for a listen section before one is chosen): the active ones, else 1 when `option allbackups` is off
 * and a backup is usable, else the usable backups. Classic use: `monitor fail if { nbsrv(app) lt 1 }`. The backend is
 * looked up once per argument among the proxies of the configuration being loaded (exact name, then ignoring case:
 * ACL arguments arrive lowercased); a name that is no backend is 2.6's argument resolution error (acl/proxy-state.ts).
 * Registered by proxy/modules.ts through registerAclFetches. Hot path: no.
 */
import type { FetchDef, SampleCtx, AclTerm } from './types.ts';
import { nbsrvCheck } from './proxy-state.ts';
import { ACL_M_INT } from './types.ts';
import type { KwCtx } from '../config/types.ts';
import type { Proxy } from '../model/types.ts';
import { PR_O_ALLBACKUPS } from '../model/types.ts';

let proxies: ReadonlyMap<string, Proxy> | null = null;
const resolved = new WeakMap<Buffer, Proxy | null>();
const digits = Buffer.alloc(12);

function lookup(arg: Buffer): Proxy | null {
  let px = resolved.get(arg);
  if (px !== undefined) return px;
  const name = arg.toString('latin1');
  px = null;
  if (proxies !== null) {
    px = proxies.get(name) ?? null;
    if (px === null) for (const [n, p] of proxies) if (n.toLowerCase() === name) { px = p; break; }
  }
  resolved.set(arg, px);
  return px;
}

/** Usable servers of `be`, 2.6's be_usable_srv(). */
export function nbsrvOf(be: Proxy): number {
  if (be.srvActive > 0) return be.srvActive;
  if (be.srvBackup > 0 && (be.options & PR_O_ALLBACKUPS) === 0) return 1;
  return be.srvBackup;
}

export const nbsrvFetch: FetchDef = {
  name: 'nbsrv', defaultMatch: ACL_M_INT, needsArg: false, bool: false,
  atLoad(ctx: KwCtx, term: AclTerm) { proxies = ctx.proxies; nbsrvCheck(ctx, term); },
  run(ctx, arg, match, p) {
    const be = arg.length > 0 ? lookup(arg) : ((ctx as SampleCtx & { be?: Proxy | null; fe?: Proxy }).be ?? (ctx as { fe?: Proxy }).fe ?? null);
    if (be === null || be === undefined) return false;
    const s = String(nbsrvOf(be));
    const n = digits.write(s, 0, 'latin1');
    return match(p, digits, 0, n);
  },
};
