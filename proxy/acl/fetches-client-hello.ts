/*
 * Fetches reading a TLS ClientHello from the request buffer (tcp-request content rules, like req.ssl_sni in
 * acl/fetches-l4.ts): req.ssl_alpn (the first protocol offered), req.ssl_ec_ext (a supported groups extension is
 * there). Each waits for more data while the inspect delay runs and the hello is incomplete (req.ssl_ver:
 * acl/fetches-l4.ts). Not here: req.ssl_st_ext (2.6.12 answered 0 to a hello carrying an empty session ticket
 * extension: rule not known well enough).
 * Registered by proxy/modules.ts (registerAclFetches); as sample values through acl/fetch-value.ts. Hot path: per
 * evaluation on tcp streams that use them.
 */
import type { FetchDef, SampleCtx, MatchFn, AclPatterns } from './types.ts';
import { ACL_M_STR, ACL_M_BOOL } from './types.ts';

const HELLO_OK = 0;
const HELLO_MORE = 1;
const HELLO_NONE = -1;

/** Where the extensions of a complete ClientHello are in `d`: [start, end) in helloOut; HELLO_* */
const helloOut = new Int32Array(2);
function findHello(d: Buffer): number {
  if (d.length < 5) return d.length === 0 || d[0] === 0x16 ? HELLO_MORE : HELLO_NONE;
  if (d[0] !== 0x16 || d[1] !== 0x03) return HELLO_NONE;
  const recEnd = 5 + ((d[3] << 8) | d[4]);
  if (d.length < recEnd) return HELLO_MORE;
  let i = 5;
  if (recEnd < i + 4 || d[i] !== 0x01) return HELLO_NONE;
  const hsEnd = Math.min(recEnd, i + 4 + ((d[i + 1] << 16) | (d[i + 2] << 8) | d[i + 3]));
  i += 4 + 2 + 32;                                  // version, random
  if (i >= hsEnd) return HELLO_NONE;
  i += 1 + d[i];                                    // session id
  if (i + 2 > hsEnd) return HELLO_NONE;
  i += 2 + ((d[i] << 8) | d[i + 1]);                // cipher suites
  if (i + 1 > hsEnd) return HELLO_NONE;
  i += 1 + d[i];                                    // compression methods
  if (i + 2 > hsEnd) { helloOut[0] = hsEnd; helloOut[1] = hsEnd; return HELLO_OK; }
  helloOut[0] = i + 2;
  helloOut[1] = Math.min(hsEnd, i + 2 + ((d[i] << 8) | d[i + 1]));
  return HELLO_OK;
}

/** [start, end) of the data of extension `type` in extOut: true when the hello carries it. */
const extOut = new Int32Array(2);
function findExt(d: Buffer, type: number): boolean {
  let i = helloOut[0];
  const end = helloOut[1];
  while (i + 4 <= end) {
    const t = (d[i] << 8) | d[i + 1];
    const len = (d[i + 2] << 8) | d[i + 3];
    if (t === type) { extOut[0] = i + 4; extOut[1] = Math.min(end, i + 4 + len); return true; }
    i += 4 + len;
  }
  return false;
}


function data(ctx: SampleCtx): Buffer | null { return ctx.l4Data ?? null; }

function helloFetch(name: string, defaultMatch: number, run: (d: Buffer, match: MatchFn, p: AclPatterns) => boolean): FetchDef {
  return {
    name, defaultMatch, needsArg: false, bool: defaultMatch === ACL_M_BOOL,
    run(ctx, _arg, match, p) {
      const d = data(ctx);
      if (d === null) return false;
      if (findHello(d) !== HELLO_OK) return false;
      return run(d, match, p);
    },
    mayChange(ctx) {
      if (ctx.l4Final !== false) return false;
      const d = data(ctx);
      return d === null || findHello(d) === HELLO_MORE;
    },
  };
}

const sslAlpn = helloFetch('req.ssl_alpn', ACL_M_STR, (d, match, p) => {
  if (!findExt(d, 16) || extOut[1] - extOut[0] < 3) return false;
  const i = extOut[0] + 2, n = d[i];
  return i + 1 + n <= extOut[1] && match(p, d, i + 1, i + 1 + n);
});

const sslEcExt = helloFetch('req.ssl_ec_ext', ACL_M_BOOL, (d) => findExt(d, 10));

export const CLIENT_HELLO_FETCHES: readonly FetchDef[] = [
  sslAlpn, sslEcExt,
];
