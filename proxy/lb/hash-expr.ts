/*
 * `balance hash <expr>` (2.6): hashes the value of a sample expression of the request (a stick-key expression:
 * req.hdr(x), req.cook(x), src, path, url_param(x), base, ... with converters), per the backend's `hash-type`; no
 * value: round robin, as the other hash balancers. The expression is compiled once at load (lb/balance.ts); the
 * value is copied into a reused buffer for hashing. Hot path: yes (backends with this algorithm).
 */
import type { SampleCtx } from '../acl/types.ts';
import type { StkKeyFn } from '../stick/types.ts';
import type { Proxy } from '../model/types.ts';
import { makeHashAlgo } from './hashed.ts';
import { hashRange } from './hash-fn.ts';

const exprs = new WeakMap<Proxy, StkKeyFn>();
let scratch = Buffer.allocUnsafe(1024);

/** Binds `be`'s compiled expression (lb/balance.ts at post-parse). */
export function hashExprSet(be: Proxy, fn: StkKeyFn): void { exprs.set(be, fn); }

export const hashExpr = makeHashAlgo('hash', false, (be, req) => {
  const fn = exprs.get(be);
  if (fn === undefined || req === null) return -1;
  const v = fn(req as unknown as SampleCtx);
  if (v === null) return -1;
  if (v.length > scratch.length) scratch = Buffer.allocUnsafe(v.length * 2);
  const n = scratch.write(v, 0, 'latin1');
  const b = be.balance;
  return hashRange(b.hashFunc, b.hashAvalanche, scratch, 0, n);
});
