/*
 * `balance url_param <name>`: hashes the value of query-string parameter <name>; requests without it are balanced
 * round robin (as HAProxy; the `check_post` body lookup is not implemented). Needs mode http. Hot path: yes.
 */
import { makeHashAlgo } from './hashed.ts';
import { hashRange } from './hash-fn.ts';

export const urlParam = makeHashAlgo('url_param', true, (be, req) => {
  if (req === null || req.reqBuf === null) return -1;
  const b = be.balance;
  const buf = req.reqBuf;
  const end = req.uriEnd;
  const name = b.urlParam;
  const nl = name.length;
  let i = buf.indexOf(0x3f, req.uriStart);
  if (i < 0 || i >= end) return -1;
  i++;
  while (i < end) {
    let amp = buf.indexOf(0x26, i);
    if (amp < 0 || amp > end) amp = end;
    // compare name then '='
    if (amp - i > nl && buf[i + nl] === 0x3d) {
      let ok = true;
      for (let k = 0; k < nl; k++) if (buf[i + k] !== name.charCodeAt(k)) { ok = false; break; }
      if (ok) return hashRange(b.hashFunc, b.hashAvalanche, buf, i + nl + 1, amp);
    }
    i = amp + 1;
  }
  return -1;
});
