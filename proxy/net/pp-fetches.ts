/*
 * ACL sample fetches about the PROXY header a client connection started with (net/accept-proxy.ts): fc_rcvd_proxy
 * (boolean), fc_pp_authority and fc_pp_unique_id (v2 TLVs, absent when empty). Streams (http/stream.ts HttpSession,
 * tcp/forward.ts TcpStream) are their own SampleCtx and hold the client socket as `cli`; contexts without one (the
 * tcp-request connection stage) see no header. Registered by proxy/edge.ts. Hot path: per evaluation of these fetches.
 */
import type { FetchDef, SampleCtx } from '../acl/types.ts';
import { ACL_M_BOOL, ACL_M_STR } from '../acl/types.ts';
import { ppReceived } from './accept-proxy.ts';
import type { PpInfo } from './proxy-protocol.ts';

function infoOf(ctx: SampleCtx): PpInfo | null {
  const cli = (ctx as { cli?: object }).cli;
  return cli === undefined ? null : ppReceived(cli);
}

function strFetch(name: string, get: (i: PpInfo) => string): FetchDef {
  return {
    name, defaultMatch: ACL_M_STR, needsArg: false, bool: false,
    run(ctx, _arg, match, p) {
      const i = infoOf(ctx);
      if (i === null) return false;
      const v = get(i);
      if (v === '') return false;
      const b = Buffer.from(v, 'latin1');
      return match(p, b, 0, b.length);
    },
  };
}

export const ppAclFetches: FetchDef[] = [
  { name: 'fc_rcvd_proxy', defaultMatch: ACL_M_BOOL, needsArg: false, bool: true, run(ctx) { return infoOf(ctx) !== null; } },
  strFetch('fc_pp_authority', (i) => i.authority),
  strFetch('fc_pp_unique_id', (i) => i.uniqueId),
];
