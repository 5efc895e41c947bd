/*
 * Server tables of the map-based algorithms and the consistent-hash ring, laid out as HAProxy 2.6 lays them out (learnt
 * from its choices, fixtures/lb): the map lists each server weight/gcd times, interleaved by a smooth weighted scan in
 * which a server's score is counted in whole "rounds" (ties go to the first declared); static-rr walks it, map-based
 * hashing indexes it with hash % size. The ring holds 16 points per weight unit at fullHash(id * 4096 + n); a key
 * goes to the nearest point, either side, the lower one on a tie. Built at init, looked up
 * without allocation. Hot path: yes (lookup).
 */
import type { Server } from '../model/types.ts';
import { LB_HASH_CONSISTENT } from './types.ts';
import { fullHash } from './hash-fn.ts';

/** Ring points per unit of user weight, and the id stride between two servers' point seeds. */
export const CHASH_POINTS_PER_WEIGHT = 16;
const CHASH_ID_STRIDE = 4096;

export interface HashTable {
  consistent: boolean;
  map: Server[];                 // map-based: server per slot
  ringKeys: Uint32Array;         // consistent: sorted point hashes
  ringSrv: Server[];             // server of each point
  rrPos: number;                 // round-robin fallback (no key): next map slot / ring point
  /** `hash-balance-factor` (consistent only; 0 = off): a server takes at most factor% of the average load. */
  balanceFactor: number;
  /** With balanceFactor: the usable servers, each one's weight and the sum of the weights before it, their total. */
  servers: Server[];
  weights: Int32Array;
  cumWeights: Int32Array;
  totWeight: number;
}

function gcd(a: number, b: number): number { while (b !== 0) { const t = a % b; a = b; b = t; } return a; }

/** The weighted map of `servers` (weights from `weightOf`, zero weights left out). */
export function buildMap(servers: readonly Server[], weightOf: (s: Server) => number): Server[] {
  const n = servers.length;
  const w = new Array<number>(n);
  let g = 0;
  for (let i = 0; i < n; i++) { w[i] = weightOf(servers[i]); if (w[i] > 0) g = gcd(g, w[i]); }
  const map: Server[] = [];
  if (g === 0) return map;
  let tot = 0;
  for (let i = 0; i < n; i++) { w[i] /= g; tot += w[i]; }
  const score = new Array<number>(n).fill(0);
  for (let o = 0; o < tot; o++) {
    let best = -1;
    let max = 0;
    for (let i = 0; i < n; i++) {
      if (w[i] <= 0) continue;
      score[i] += w[i];
      const v = Math.floor((score[i] + tot) / tot);
      if (best < 0 || v > max) { max = v; best = i; }
    }
    map.push(servers[best]);
    score[best] -= tot;
  }
  return map;
}

export function buildHashTable(servers: readonly Server[], hashType: number, balanceFactor = 0): HashTable {
  const t: HashTable = {
    consistent: hashType === LB_HASH_CONSISTENT, map: [], ringKeys: new Uint32Array(0), ringSrv: [], rrPos: 0,
    balanceFactor: 0, servers: [], weights: new Int32Array(0), cumWeights: new Int32Array(0), totWeight: 0,
  };
  if (!t.consistent) { t.map = buildMap(servers, (s) => s.eweight); return t; }
  if (balanceFactor > 0) {
    t.balanceFactor = balanceFactor;
    t.servers = servers.filter((s) => s.eweight > 0);
    t.weights = new Int32Array(t.servers.length);
    t.cumWeights = new Int32Array(t.servers.length);
    for (let i = 0; i < t.servers.length; i++) {
      t.weights[i] = t.servers[i].eweight;
      t.cumWeights[i] = t.totWeight;
      t.totWeight += t.servers[i].eweight;
    }
  }
  const pts: { k: number; s: Server }[] = [];
  for (const s of servers) {
    const n = s.eweight * CHASH_POINTS_PER_WEIGHT;
    for (let i = 0; i < n; i++) pts.push({ k: fullHash(s.id * CHASH_ID_STRIDE + i), s });
  }
  pts.sort((a, b) => a.k - b.k);
  t.ringKeys = new Uint32Array(pts.length);
  for (let i = 0; i < pts.length; i++) { t.ringKeys[i] = pts[i].k; t.ringSrv.push(pts[i].s); }
  return t;
}

function full(s: Server): boolean { return s.maxconn > 0 && s.served >= s.maxconn; }

/** Ring index of the point nearest to `h` (either side; the lower one on a tie). n > 0. */
function nearest(keys: Uint32Array, h: number): number {
  const n = keys.length;
  let lo = 0;
  let hi = n;
  while (lo < hi) { const mid = (lo + hi) >>> 1; if (keys[mid] < h) lo = mid + 1; else hi = mid; }
  const next = lo === n ? 0 : lo;
  const prev = (next === 0 ? n : next) - 1;
  const dp = (h - keys[prev]) >>> 0;
  const dn = (keys[next] - h) >>> 0;
  return dp <= dn ? prev : next;
}

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
  const n = t.ringKeys.length;
  if (n === 0) return null;
  const start = nearest(t.ringKeys, hash);
  if (t.balanceFactor > 0) return boundedLookup(t, start, avoid);
  const s = t.ringSrv[start];
  if (s !== avoid && !(avoid !== null && full(s))) return s;
  for (let k = 1; k < n; k++) { const o = t.ringSrv[(start + k) % n]; if (o !== avoid) return o; }
  return s;
}

/**
 * Whether `s` (index `i` of t.servers) is under its share of the backend's load plus one connection, times the
 * balance factor: HAProxy 2.6's bounded-load rule, the slots of the total spread by weight, at least one each.
 */
function underBound(t: HashTable, i: number, served: number): boolean {
  const tot = Math.floor(((served + 1) * t.balanceFactor + 99) / 100);
  const tw = t.totWeight;
  const per = Math.floor(tot / tw);
  const rem = tot % tw;
  const w = t.weights[i], cum = t.cumWeights[i];
  let slots = w * per + Math.floor(((cum + w) * rem) / tw) - Math.floor((cum * rem) / tw);
  if (slots === 0) slots = 1;
  return t.servers[i].served < slots;
}

/** `hash-balance-factor`: from ring point `start`, the first server other than `avoid` still under its bound. */
function boundedLookup(t: HashTable, start: number, avoid: Server | null): Server | null {
  const list = t.servers;
  let served = 0;
  for (let i = 0; i < list.length; i++) served += list[i].served;
  const n = t.ringSrv.length;
  for (let k = 0; k < n; k++) {
    const o = t.ringSrv[(start + k) % n];
    if (o === avoid) continue;
    const i = list.indexOf(o);
    if (i >= 0 && underBound(t, i, served)) return o;
  }
  // nobody under its bound: 2.6 stops its walk after passing the ring's end twice, on the last point's server
  return t.ringSrv[n - 1];
}

/** Round robin for requests without a key: the next map slot, or the next ring point, skipping full and `avoid`. */
export function hashNext(t: HashTable, avoid: Server | null): Server | null {
  const n = t.consistent ? t.ringSrv.length : t.map.length;
  const list = t.consistent ? t.ringSrv : t.map;
  let fallback: Server | null = null;
  for (let k = 0; k < n; k++) {
    const i = (t.rrPos + k) % n;
    const s = list[i];
    if (full(s)) continue;
    if (s === avoid) { fallback = s; continue; }
    t.rrPos = (i + 1) % n;
    return s;
  }
  return fallback;
}
