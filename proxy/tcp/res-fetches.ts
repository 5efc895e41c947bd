/*
 * Response-side layer-4 fetches for `tcp-response content` rules: res.len and res.payload(<off>,<len>). They read the
 * server bytes tcp/forward.ts holds while its response rules inspect (TcpStream.l4Res; absent elsewhere, where they
 * find nothing) and say through mayChange() when more data could change a failed result (ctx.l4Final is the
 * response's own while those rules run). Registered by proxy/modules.ts. Hot path: yes (per inspected response).
 */
import type { FetchDef, SampleCtx, MatchFn, AclPatterns } from '../acl/types.ts';
import { ACL_M_INT, ACL_M_BIN } from '../acl/types.ts';

function resData(ctx: SampleCtx): Buffer | null { return (ctx as { l4Res?: Buffer | null }).l4Res ?? null; }

const intBuf = Buffer.alloc(24);
function matchUint(n: number, match: MatchFn, p: AclPatterns): boolean {
  let e = intBuf.length;
  let v = n;
  do { intBuf[--e] = 0x30 + (v % 10); v = Math.floor(v / 10); } while (v > 0);
  return match(p, intBuf, e, intBuf.length);
}

/** "off,len" from the argument bytes into resArg[0..1]; false when malformed. */
const resArg = new Int32Array(2);
function parseOffLen(arg: Buffer): boolean {
  let k = 0, v = 0, digits = 0;
  for (let i = 0; i < arg.length; i++) {
    const c = arg[i];
    if (c === 0x2c) { if (k > 0 || digits === 0) return false; resArg[k++] = v; v = 0; digits = 0; continue; }
    if (c === 0x20) continue;
    if (c < 0x30 || c > 0x39) return false;
    v = v * 10 + c - 0x30; digits++;
  }
  if (k !== 1 || digits === 0) return false;
  resArg[1] = v;
  return true;
}

const resLen: FetchDef = {
  name: 'res.len', defaultMatch: ACL_M_INT, needsArg: false, bool: false,
  run(ctx, _arg, match, p) { const d = resData(ctx); return matchUint(d === null ? 0 : d.length, match, p); },
  mayChange(ctx) { return ctx.l4Final === false; },
};

const resPayload: FetchDef = {
  name: 'res.payload', defaultMatch: ACL_M_BIN, needsArg: true, bool: false, rawArg: true,
  run(ctx, arg, match, p) {
    const d = resData(ctx);
    if (d === null || !parseOffLen(arg)) return false;
    const off = resArg[0];
    const end = resArg[1] === 0 ? d.length : off + resArg[1];
    if (end > d.length || off > end) return false;
    return match(p, d, off, end);
  },
  mayChange(ctx, arg) {
    if (ctx.l4Final !== false || !parseOffLen(arg)) return false;
    const d = resData(ctx);
    return resArg[1] === 0 || resArg[0] + resArg[1] > (d === null ? 0 : d.length);
  },
};

export const TCP_RES_FETCHES: readonly FetchDef[] = [resLen, resPayload];
