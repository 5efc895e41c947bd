/*
 * `balance uri [len N] [depth N] [whole]`: hashes the request URI path (up to '?' unless `whole`), cut after `depth`
 * slashes-delimited directories and/or the first `len` characters. Needs mode http (tcp: round robin). Hot path: yes.
 */
import { makeHashAlgo } from './hashed.ts';
import { hashRange } from './hash-fn.ts';

export const uri = makeHashAlgo('uri', true, (be, req) => {
  if (req === null || req.reqBuf === null) return -1;
  const b = be.balance;
  const buf = req.reqBuf;
  const s = req.uriStart;
  let e = req.uriEnd;
  if (!b.uriWhole) { const q = buf.indexOf(0x3f, s); if (q >= 0 && q < e) e = q; }
  if (b.uriDepth > 0) {
    let slashes = 0;
    for (let i = s; i < e; i++) {
      if (buf[i] === 0x2f) { slashes++; if (slashes > b.uriDepth) { e = i; break; } }
    }
  }
  if (b.uriLen > 0 && e - s > b.uriLen) e = s + b.uriLen;
  return hashRange(b.hashFunc, b.hashAvalanche, buf, s, e);
});
