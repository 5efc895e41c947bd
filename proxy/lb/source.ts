/*
 * `balance source`: one client keeps reaching the same server while the server set is stable. As HAProxy 2.6 does
 * (observed, fixtures/lb *_src*), the key is the client address read as big-endian 32-bit words XORed together (the
 * IPv4 address itself), not run through the hash function; only the avalanche applies (on by default with
 * `hash-type consistent`). Works in tcp and http mode. Hot path: yes.
 */
import { makeHashAlgo } from './hashed.ts';
import { fullHash } from './hash-fn.ts';

export const source = makeHashAlgo('source', false, (be, req) => {
  if (req === null || req.srcAddr.length === 0) return -1;
  const a = req.srcAddr;
  let h = 0;
  for (let i = 0; i + 4 <= a.length; i += 4) h ^= a.readUInt32BE(i);
  h >>>= 0;
  return be.balance.hashAvalanche ? fullHash(h) : h;
});
