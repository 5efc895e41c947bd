/*
 * `balance source`: hashes the client address bytes so one client keeps reaching the same server while the server
 * set is stable. Works in tcp and http mode. Hot path: yes.
 */
import { makeHashAlgo } from './hashed.ts';
import { hashRange } from './hash-fn.ts';

export const source = makeHashAlgo('source', false, (be, req) => {
  if (req === null || req.srcAddr.length === 0) return -1;
  const b = be.balance;
  return hashRange(b.hashFunc, b.hashAvalanche, req.srcAddr, 0, req.srcAddr.length);
});
