/*
 * Builds an LbAlgo from a key extractor for the hash-based balancers (source, uri, url_param, hdr): the extractor
 * hashes bytes of the request (via hash-fn.ts, per the backend's `hash-type`) or returns -1 when the key is absent,
 * in which case the pick falls back to round robin over the map or the ring, as HAProxy does. Server lookup is chash.ts. Hot path: yes.
 */
import type { Proxy, Server } from '../model/types.ts';
import type { LbAlgo, LbRequestView } from './types.ts';
import { LB_HASH_MAP_BASED } from './types.ts';
import type { HashTable } from './chash.ts';
import { buildHashTable, hashLookup, hashNext } from './chash.ts';

/** Returns the key's hash (unsigned 32-bit) or -1 when the request has no such key. Must not allocate. */
export type LbKeyFn = (be: Proxy, req: LbRequestView | null) => number;



export function makeHashAlgo(name: string, needsHttp: boolean, key: LbKeyFn): LbAlgo {
  return {
    name,
    dynamic: true,
    needsHttp,
    init(be: Proxy, servers: readonly Server[]) {
      be.lbState = buildHashTable(servers, be.balance.hashType, be.balance.hashBalanceFactor);
    },
    pick(be: Proxy, req: LbRequestView | null, avoid: Server | null): Server | null {
      const t = be.lbState as HashTable;
      const h = key(be, req);
      if (h < 0) return hashNext(t, avoid);
      return hashLookup(t, h, avoid);
    },
    onTake() {},
    onDrop() {},
  };
}

/** map-based hashing is static in HAProxy (weights only 0/100% at runtime); consistent is dynamic. */
export function isStaticHash(be: Proxy): boolean { return be.balance.hashType === LB_HASH_MAP_BASED; }
