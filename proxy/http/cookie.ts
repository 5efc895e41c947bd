/*
 * The header side of cookie persistence (`cookie NAME insert|rewrite|prefix [indirect] [preserve] [httponly] [secure]
 * [domain D]`, parsed by backend/cookie.ts): on the request, finds the persistence cookie, picks its server and strips
 * what the server must not see (the whole cookie with insert+indirect, the "srv~" part with prefix); on the response,
 * deletes/rewrites/prefixes the server's own Set-Cookie and inserts ours. Sets the %tsc cookie flags (3rd char: N no
 * cookie, V valid, I unknown, D server down; 4th: N, I inserted, D deleted, R rewritten, P preserved) as 2.6 does
 * (fixtures/http/cookie). Called by http/stream.ts only for backends with a cookie. Hot path: yes (such backends).
 */
import type { Proxy, Server, StreamLog } from '../model/types.ts';
import type { H1Msg } from './h1-parser.ts';
import type { RuleOut } from './rules.ts';
import { H1_HDR_STRIDE } from './types.ts';
import { srvAcceptsPersistent } from '../backend/server.ts';
import { PRST_FORCE, PRST_IGNORE, PRST_OPTION, PRST_DIRECT } from '../backend/types.ts';

/** The 64 digits of the cookie dates (a date is its seconds / 4, 30 bits, as five digits, most significant first). */
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Date (seconds) to its five cookie digits. */
export function cookieDateEnc(sec: number): string {
  let v = Math.floor(sec / 4) & 0x3fffffff;
  let o = '';
  for (let i = 0; i < 5; i++) { o = B64[v & 63] + o; v >>>= 6; }
  return o;
}

/** buf[s..e) as cookie date digits to seconds, 0 unless it is five digits. */
export function cookieDateDec(buf: Buffer, s: number, e: number): number {
  if (e - s !== 5) return 0;
  let v = 0;
  for (let i = s; i < e; i++) {
    const c = buf[i];
    const d = c >= 65 && c <= 90 ? c - 65 : c >= 97 && c <= 122 ? c - 71 : c >= 48 && c <= 57 ? c + 4 : c === 43 ? 62 : c === 47 ? 63 : -1;
    if (d < 0) return 0;
    v = v * 64 + d;
  }
  return v * 4;
}

/**
 * Per stream record (reused across its transactions): [last seen, first seen] dates (seconds, 0 = none) the request's
 * cookie carried after a '|' (`maxidle`/`maxlife`), for the response's refresh. Created the first time a dated cookie
 * or a dated backend is seen on the stream.
 */
const dates = new WeakMap<StreamLog, Float64Array>();

function isName(buf: Buffer, s: number, e: number, name: string): boolean {
  if (e - s !== name.length) return false;
  for (let i = 0; i < name.length; i++) if (buf[s + i] !== name.charCodeAt(i)) return false;
  return true;
}

/**
 * Looks for `be.cookie.name` in the request's Cookie headers (buf holds the head, header names lowercase). Returns
 * the server it designates when that server takes persistent traffic (or is down but `prst` forces persistence:
 * force-persist, option persist), else null (also under ignore-persist or once use-server chose: PRST_DIRECT in `prst`); sets log.cookieReq. Edits the header
 * in place (values only shrink): removes the cookie (insert+indirect) or its "srv~" prefix (prefix mode).
 */
export function cookieRequest(be: Proxy, m: H1Msg, buf: Buffer, log: StreamLog, prst: number): Server | null {
  const ck = be.cookie;
  const h = m.hdr;
  log.cookieReq = 'N';
  log.cookieRes = 'N';      // as 2.6 logs it when no response comes (a 503 after the retries)
  const strip = ck.mode === 'insert' && ck.indirect;
  let dt = dates.get(log);
  if (dt !== undefined) { dt[0] = 0; dt[1] = 0; }
  for (let x = 0; x < m.nhdr * H1_HDR_STRIDE; x += H1_HDR_STRIDE) {
    if (h[x] < 0 || !isName(buf, h[x], h[x + 1], 'cookie')) continue;
    const vs = h[x + 2], ve = h[x + 3];
    let p = vs;
    while (p < ve) {
      // one "name=value" pair up to ';'
      let ps = p;
      while (ps < ve && (buf[ps] === 32 || buf[ps] === 9)) ps++;
      let pe = buf.indexOf(0x3b, ps);
      if (pe < 0 || pe > ve) pe = ve;
      const eq = buf.indexOf(0x3d, ps);
      if (eq < 0 || eq >= pe || !isName(buf, ps, eq, ck.name)) { p = pe + 1; continue; }
      let valEnd = pe;
      while (valEnd > eq + 1 && (buf[valEnd - 1] === 32 || buf[valEnd - 1] === 9)) valEnd--;
      let idEnd = valEnd;
      let last = 0, first = 0;
      if (ck.mode === 'prefix') { const t = buf.indexOf(0x7e, eq + 1); idEnd = t >= 0 && t < valEnd ? t : valEnd; }
      else {
        // "id|<last seen>|<first seen>": the dates of maxidle / maxlife
        const b1 = buf.indexOf(0x7c, eq + 1);
        if (b1 >= 0 && b1 < valEnd) {
          idEnd = b1;
          let b2 = buf.indexOf(0x7c, b1 + 1);
          if (b2 < 0 || b2 > valEnd) b2 = valEnd;
          last = cookieDateDec(buf, b1 + 1, b2);
          if (b2 < valEnd) first = cookieDateDec(buf, b2 + 1, valEnd);
        }
      }
      const id = buf.toString('latin1', eq + 1, idEnd);
      let srv: Server | null = null;
      for (let i = 0; i < be.servers.length; i++) if (be.servers[i].cookie !== '' && be.servers[i].cookie === id) { srv = be.servers[i]; break; }
      // ignore-persist, or a server already chosen (use-server): the cookie is 'U'nused, still stripped
      if ((prst & (PRST_IGNORE | PRST_DIRECT)) !== 0) { log.cookieReq = 'U'; srv = null; }
      else if (srv === null) log.cookieReq = 'I';
      else if (!srvAcceptsPersistent(srv)) { log.cookieReq = 'D'; if ((prst & (PRST_FORCE | PRST_OPTION)) === 0) srv = null; }
      else log.cookieReq = 'V';
      if (last !== 0 || first !== 0 || ck.maxidle !== 0 || ck.maxlife !== 0) {
        // too old (first seen over maxlife ago) or expired (last seen over maxidle ago), or over a day ahead: ignored
        const now = Math.floor(Date.now() / 1000);
        const life = Math.floor(ck.maxlife / 1000), idle = Math.floor(ck.maxidle / 1000);
        if (first !== 0 && life !== 0 && (now - first > life || first - now > 86400)) { log.cookieReq = 'O'; srv = null; last = 0; first = 0; }
        else if (last !== 0 && idle !== 0 && (now - last > idle || last - now > 86400)) { log.cookieReq = 'E'; srv = null; last = 0; first = 0; }
        if (dt === undefined) { dt = new Float64Array(2); dates.set(log, dt); }
        dt[0] = last; dt[1] = first;
      }
      if (strip) {
        // drop the pair: "a=1; SRV=b; c=2" -> "a=1; c=2" (written back in place, it only shrinks)
        let le = ps;
        while (le > vs && (buf[le - 1] === 32 || buf[le - 1] === 9 || buf[le - 1] === 0x3b)) le--;
        let rs = pe < ve ? pe + 1 : ve;
        while (rs < ve && (buf[rs] === 32 || buf[rs] === 9)) rs++;
        const left = buf.toString('latin1', vs, le), right = buf.toString('latin1', rs, ve);
        const nv = left !== '' && right !== '' ? left + '; ' + right : left + right;
        if (nv === '') h[x] = -1;
        else { buf.write(nv, vs, 'latin1'); h[x + 3] = vs + nv.length; }
      } else if (ck.mode === 'prefix' && idEnd < valEnd) {
        buf.copy(buf, eq + 1, idEnd + 1, ve);
        h[x + 3] = ve - (idEnd + 1 - (eq + 1));
      }
      return srv;
    }
  }
  return null;
}

/**
 * Response side for server `srv` (the one that answered): the server's own Set-Cookie NAME is deleted (insert, unless
 * preserve), rewritten to srv's cookie (rewrite) or prefixed with "srv~" (prefix), the result going to out.extra;
 * with insert, our Set-Cookie is added unless the request already carried a valid cookie. Sets log.cookieRes.
 */
export function cookieResponse(be: Proxy, srv: Server | null, m: H1Msg, buf: Buffer, log: StreamLog, out: RuleOut, prst: number): void {
  const ck = be.cookie;
  const h = m.hdr;
  log.cookieRes = 'N';
  if ((prst & PRST_IGNORE) !== 0) return;
  const id = srv !== null ? srv.cookie : '';
  for (let x = 0; x < m.nhdr * H1_HDR_STRIDE; x += H1_HDR_STRIDE) {
    if (h[x] < 0 || !isName(buf, h[x], h[x + 1], 'set-cookie')) continue;
    let vs = h[x + 2];
    const ve = h[x + 3];
    while (vs < ve && (buf[vs] === 32 || buf[vs] === 9)) vs++;
    const eq = buf.indexOf(0x3d, vs);
    if (eq < 0 || eq >= ve || !isName(buf, vs, eq, ck.name)) continue;
    if (ck.mode === 'insert') {
      if (ck.preserve) { log.cookieRes = 'P'; continue; }
      h[x] = -1;
      log.cookieRes = 'D';
      continue;
    }
    if (id === '') continue;
    let pe = buf.indexOf(0x3b, eq);
    if (pe < 0 || pe > ve) pe = ve;
    h[x] = -1;
    out.extra += '\r\nset-cookie: ' + ck.name + '=' + id + (ck.mode === 'prefix' ? '~' + buf.toString('latin1', eq + 1, ve) : buf.toString('latin1', pe, ve));
    log.cookieRes = 'R';
  }
  if (ck.mode !== 'insert' || id === '' || log.cookieRes === 'P' || (prst & PRST_DIRECT) !== 0) return;
  const dt = dates.get(log);
  const last = dt === undefined ? 0 : dt[0], first = dt === undefined ? 0 : dt[1];
  const dated = ck.maxidle !== 0 || ck.maxlife !== 0;
  let now = 0;
  if (dated || last !== 0 || first !== 0) now = Math.floor(Date.now() / 1000);
  // a valid cookie is re-sent (U) to move its last-seen date on, to add a missing first-seen date or drop a stale one
  const refresh = log.cookieReq === 'V' && ((ck.maxidle !== 0 || last !== 0) && (last === 0 || last < now) ||
    (ck.maxlife !== 0 && first === 0) || (ck.maxlife === 0 && first !== 0));
  if (log.cookieReq !== 'V' || refresh) {
    let v = '\r\nset-cookie: ' + ck.name + '=' + id;
    if (dated) v += '|' + cookieDateEnc(now);
    if (ck.maxlife !== 0) v += '|' + cookieDateEnc(first !== 0 ? first : now);
    v += '; path=/';
    for (let i = 0; i < ck.domain.length; i++) v += '; domain=' + ck.domain[i];
    if (ck.httponly) v += '; HttpOnly';
    if (ck.secure) v += '; Secure';
    for (let i = 0; i < ck.attrs.length; i++) v += '; ' + ck.attrs[i];
    out.extra += v;
    log.cookieRes = refresh ? 'U' : 'I';
  }
}
