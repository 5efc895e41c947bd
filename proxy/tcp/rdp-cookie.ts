/*
 * The RDP routing cookie of a Remote Desktop client's first packet (X.224 Connection Request: 11 header bytes, then
 * "Cookie: <name>=<value>\r\n"): rdpCookieFind() on the client bytes held by a tcp stream, and the fetches built on it,
 * req.rdp_cookie([<name>]) and req.rdp_cookie_cnt([<name>]) (the RDP_COOKIE ACL). Used by lb/rdp-cookie.ts (`balance
 * rdp-cookie`) and backend/persist-rdp.ts (`persist rdp-cookie`). No allocation. Hot path: yes (tcp streams with these).
 */
import type { FetchDef, SampleCtx, MatchFn, AclPatterns } from '../acl/types.ts';
import { ACL_M_STR, ACL_M_INT } from '../acl/types.ts';

export const RDP_FOUND = 1;
export const RDP_MORE = 0;      // too short yet: more data may bring it
export const RDP_NONE = -1;     // not a cookie (or another name)

const COOKIE = 'cookie:';

/**
 * Looks for the cookie `name` (any name when '') in `d`, 2.6's way: the 11 bytes of TPKT + X.224 headers skipped,
 * "Cookie:" (any case), spaces, `name=` (name compared ignoring case), the value up to "\r\n". Returns RDP_FOUND with
 * the value's [start, end) in out[0], out[1], RDP_MORE when the bytes stop before that, else RDP_NONE.
 */
export function rdpCookieFind(d: Buffer, name: string, out: Int32Array): number {
  const len = d.length;
  let i = 11;
  if (len <= i + 7) return RDP_MORE;
  for (let k = 0; k < 7; k++) if ((d[i + k] | 0x20) !== COOKIE.charCodeAt(k) && d[i + k] !== COOKIE.charCodeAt(k)) return RDP_NONE;
  i += 7;
  while (i < len && d[i] === 0x20) i++;
  if (name !== '') {
    if (len - i <= name.length) return RDP_MORE;
    if (d[i + name.length] !== 0x3d) return RDP_NONE;
    for (let k = 0; k < name.length; k++) {
      const c = d[i + k];
      const lc = c >= 0x41 && c <= 0x5a ? c | 0x20 : c;
      if (lc !== name.charCodeAt(k)) return RDP_NONE;
    }
    i += name.length + 1;
  } else {
    while (i < len && d[i] !== 0x3d) { if (d[i] === 0x0d || d[i] === 0x0a) return RDP_NONE; i++; }
    if (len - i <= 1) return RDP_MORE;
    i++;
  }
  const vs = i;
  while (i < len && d[i] !== 0x0d) i++;
  if (len - i < 2) return RDP_MORE;
  if (d[i + 1] !== 0x0a) return RDP_NONE;
  out[0] = vs; out[1] = i;
  return RDP_FOUND;
}

const pos = new Int32Array(2);

/** The cookie's value as text (stick keys: `stick on req.rdp_cookie(mstshash)`), null when absent. */
export function rdpCookieText(d: Buffer | null | undefined, name: string): string | null {
  if (d === null || d === undefined || rdpCookieFind(d, name, pos) !== RDP_FOUND) return null;
  return d.toString('latin1', pos[0], pos[1]);
}
const intBuf = Buffer.alloc(2);

/** Argument bytes of the ACL compiler, lower case already: the name as a string (one per distinct ACL, at load). */
const names = new WeakMap<Buffer, string>();
function argName(arg: Buffer): string {
  let n = names.get(arg);
  if (n === undefined) { n = arg.toString('latin1').toLowerCase(); names.set(arg, n); }
  return n;
}

function l4(ctx: SampleCtx): Buffer | null { return ctx.l4Data ?? null; }

const rdpCookie: FetchDef = {
  name: 'req.rdp_cookie', defaultMatch: ACL_M_STR, needsArg: false, bool: false,
  run(ctx, arg, match, p) {
    const d = l4(ctx);
    if (d === null || rdpCookieFind(d, argName(arg), pos) !== RDP_FOUND) return false;
    return match(p, d, pos[0], pos[1]);
  },
  mayChange(ctx, arg) {
    if (ctx.l4Final !== false) return false;
    const d = l4(ctx);
    return d === null || rdpCookieFind(d, argName(arg), pos) === RDP_MORE;
  },
};

const rdpCookieCnt: FetchDef = {
  name: 'req.rdp_cookie_cnt', defaultMatch: ACL_M_INT, needsArg: false, bool: false,
  run(ctx, arg, match: MatchFn, p: AclPatterns) {
    const d = l4(ctx);
    const n = d !== null && rdpCookieFind(d, argName(arg), pos) === RDP_FOUND ? 1 : 0;
    intBuf[0] = 0x30 + n;
    return match(p, intBuf, 0, 1);
  },
  mayChange: rdpCookie.mayChange,
};

export const RDP_FETCHES: readonly FetchDef[] = [
  rdpCookie, { ...rdpCookie, name: 'rdp_cookie' }, rdpCookieCnt, { ...rdpCookieCnt, name: 'rdp_cookie_cnt' },
];
