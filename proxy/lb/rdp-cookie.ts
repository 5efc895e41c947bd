/*
 * `balance rdp-cookie[(<name>)]` (default name mstshash): hashes the value of the RDP client's routing cookie found
 * in the client bytes held before connecting (tcp/rdp-cookie.ts; `tcp-request inspect-delay` + `tcp-request content
 * accept if RDP_COOKIE` make sure it has arrived). No cookie: round robin, as HAProxy. Hot path: yes.
 */
import { makeHashAlgo } from './hashed.ts';
import { hashRange } from './hash-fn.ts';
import { rdpCookieFind, RDP_FOUND } from '../tcp/rdp-cookie.ts';

const out = new Int32Array(2); // reused: cookie value offsets

export const rdpCookie = makeHashAlgo('rdp-cookie', false, (be, req) => {
  const d = req === null ? null : req.l4Data ?? null;
  if (d === null) return -1;
  const b = be.balance;
  if (rdpCookieFind(d, b.rdpCookieName, out) !== RDP_FOUND || out[1] === out[0]) return -1;
  return hashRange(b.hashFunc, b.hashAvalanche, d, out[0], out[1]);
});
