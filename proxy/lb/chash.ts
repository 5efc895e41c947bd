/*
 * Server lookup by hash for the hash-based algorithms (source, uri, url_param, hdr): `hash-type map-based` (a table
 * where each server appears `weight` times, index = hash % total weight: best spread, but most keys move when a server
 * changes) and `hash-type consistent` (a sorted ring of CHASH_POINTS_PER_WEIGHT points per weight unit: only the keys
 * of a changed server move). Both built at init, looked up without allocation. Hot path: yes (lookup).
 */
import type { Server } from '../model/types.ts';
import { LB_HASH_CONSISTENT } from './types.ts';
import { fullHash } from './hash-fn.ts';

/** Ring points per unit of weight (HAProxy uses 16 per weight unit of its scaled weights). */
export const CHASH_POINTS_PER_WEIGHT = 40;

export interface HashTable {
  consistent: boolean;
  map: Server[];                 // map-based: server per slot
  ringKeys: Uint32Array;         // consistent: sorted point hashes
  ringSrv: Server[];             // server of each point
}

export function buildHashTable(servers: readonly Server[], hashType: number): HashTable {
  const t: HashTable = { consistent: hashType === LB_HASH_CONSISTENT, map: [], ringKeys: new Uint32Array(0), ringSrv: [] };
  if (!t.consistent) {
    // interleave: for each round, every server whose weight is not exhausted gets one slot
    const w = servers.map((s) => s.eweight);
    let left = w.reduce((a, b) => a + b, 0);
    while (left > 0) {
      for (let i = 0; i < servers.length; i++) if (w[i] > 0) { t.map.push(servers[i]); w[i]--; left--; }
    }
    return t;
  }
  const pts: { k: number; s: Server }[] = [];
  for (const s of servers) {
    const n = Math.max(1, s.eweight) * CHASH_POINTS_PER_WEIGHT;
    for (let i = 0; i < n; i++) pts.push({ k: fullHash((Math.imul(s.id, 0x9e3779b1) + Math.imul(i, 0x85ebca77)) >>> 0), s });
  }
  pts.sort((a, b) => a.k - b.k);
  t.ringKeys = new Uint32Array(pts.length);
  for (let i = 0; i < pts.length; i++) { t.ringKeys[i] = pts[i].k; t.ringSrv.push(pts[i].s); }
  return t;
}

function full(s: Server): boolean { return s.maxconn > 0 && s.served >= s.maxconn; }

/**
 * The server for `hash`. With `avoid` (retry after a failure), walks to the next different server. Full servers are
 * returned too (hashing keeps affinity: the caller queues on them). null when the table is empty.
 */
export function hashLookup(t: HashTable, hash: number, avoid: Server | null): Server | null {
  if (!t.consistent) {
    const n = t.map.length;
    if (n === 0) return null;
    const i = hash % n;
    const s = t.map[i];
    if (s !== avoid) return s;
    for (let k = 1; k < n; k++) { const o = t.map[(i + k) % n]; if (o !== avoid) return o; }
    return s;
  }
  const keys = t.ringKeys;
  const n = keys.length;
  if (n === 0) return null;
  const h = fullHash(hash);
  let lo = 0;
  let hi = n;
  while (lo < hi) { const mid = (lo + hi) >>> 1; if (keys[mid] < h) lo = mid + 1; else hi = mid; }
  const start = lo === n ? 0 : lo;
  const s = t.ringSrv[start];
  if (s !== avoid && !(avoid !== null && full(s))) return s;
  for (let k = 1; k < n; k++) { const o = t.ringSrv[(start + k) % n]; if (o !== avoid) return o; }
  return s;
}
