/*
 * `option redispatch [<interval>]` (2.6): on which connection retries a backend picks a server again. Default -1:
 * the last retry; P > 0: every Pth retry; N < 0: every (retries + 1 + N)th retry; 0 (or a word that is no number):
 * never for the interval (a down server or a spreadable balance still redispatches, backend/connect.ts). Checked
 * against haproxy 2.6.12 with `retries 4` (fixtures/proxy/actions/redispatch). Parsed by config/proxy-keywords.ts,
 * inherited from defaults (redispatchProxyInit, registered by proxy/modules.ts). Hot path: no (failed connects only).
 */
import type { Proxy } from '../model/types.ts';
import { atol } from '../config/values.ts';

/** Proxies whose interval is not the default -1. */
const intervals = new WeakMap<Proxy, number>();

/** Proxy init hook: a proxy starts with its defaults section's interval. */
export function redispatchProxyInit(px: Proxy, def: Proxy | null): void {
  const d = def !== null ? intervals.get(def) : undefined;
  if (d !== undefined) intervals.set(px, d);
}

/** `option redispatch <word>`: the interval as 2.6 reads it (C atol: leading digits with a sign, else 0). */
export function redispatchSetInterval(px: Proxy, word: string | undefined): void {
  const n = word === undefined ? -1 : atol(word);
  if (n === -1) intervals.delete(px); else intervals.set(px, n);
}

/** Whether retry number `n` (1 = the first) of `be` redispatches by the interval. */
export function redispatchDue(be: Proxy, n: number): boolean {
  const p = intervals.get(be);
  if (p === undefined) return n === be.retries;
  if (p > 0) return n % p === 0;
  if (p === 0) return false;
  const m = be.retries + 1 + p;
  return m !== 0 && n % m === 0;
}
