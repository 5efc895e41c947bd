/*
 * `balance hdr(<name>) [use_domain_only]`: hashes the value of request header <name> (with use_domain_only on Host,
 * only the registrable part: the last two labels, port removed). Missing header: round robin. Needs mode http.
 * Hot path: yes.
 */
import { makeHashAlgo } from './hashed.ts';
import { hashRange } from './hash-fn.ts';

const out = new Int32Array(2); // reused: header value offsets

export const hdr = makeHashAlgo('hdr', true, (be, req) => {
  if (req === null || req.reqBuf === null) return -1;
  const b = be.balance;
  if (!req.findHeader(b.hdrName, out)) return -1;
  const buf = req.reqBuf;
  let s = out[0];
  let e = out[1];
  if (b.hdrDomainOnly) {
    const colon = buf.indexOf(0x3a, s);
    if (colon >= 0 && colon < e) e = colon;
    let dots = 0;
    for (let i = e - 1; i >= s; i--) if (buf[i] === 0x2e && ++dots === 2) { s = i + 1; break; }
  }
  return hashRange(b.hashFunc, b.hashAvalanche, buf, s, e);
});
