/*
 * `balance hdr(<name>) [use_domain_only]`: hashes the value of request header <name> (with use_domain_only, only the
 * label before the last dot, as HAProxy 2.6: fixtures/lb *_dom). Missing header: round robin. Needs mode http.
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
    // the label before the last dot ("1wt" of haproxy.1wt.eu:80); no dot, or only a leading one: the whole value
    let dot = e - 1;
    while (dot >= s && buf[dot] !== 0x2e) dot--;
    if (dot > s) {
      let st = dot - 1;
      while (st >= s && buf[st] !== 0x2e) st--;
      s = st + 1;
      e = dot;
    }
  }
  return hashRange(b.hashFunc, b.hashAvalanche, buf, s, e);
});
