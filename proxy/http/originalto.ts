/*
 * `option originalto [except <network>] [header <name>]` and `http-send-name-header <name>`: the request sent to the
 * server carries the address the client connected to (X-Original-To, the PROXY header's destination when there was
 * one; not when it is in `except`), and the name of the server it is sent to (any such header from the client is
 * removed; a retry or redispatch to another server carries that server's name), as HAProxy 2.6. Per-proxy settings
 * live here; http/stream.ts tests the PR_O_ORIGINALTO / PR_O_SEND_NAME_HDR option bits before calling in.
 * Hot path: originalToLine and withServerName, per request of a proxy using them.
 */
import type { CfgKeyword, KwCtx } from '../config/types.ts';
import { PR_CAP_BE, PR_CAP_DEF, PR_CAP_FE } from '../config/types.ts';
import type { Proxy, Server } from '../model/types.ts';
import { PR_O_ORIGINALTO, PR_O_SEND_NAME_HDR } from '../model/types.ts';
import type { H1Msg } from './h1-parser.ts';
import { H1_HDR_STRIDE } from './types.ts';
import { ipv4Value, ipv4Net } from '../net/ipv4.ts';

interface OriginalToCfg { header: string; net: number; mask: number }
const otCfgs = new WeakMap<Proxy, OriginalToCfg>();
const nameHdrs = new WeakMap<Proxy, { name: string; lc: string }>();

/** Proxy init hook: `defaults` settings are inherited (the option bits come with the options). */
export function originalToProxyInit(px: Proxy, def: Proxy | null): void {
  if (def === null) return;
  const o = otCfgs.get(def);
  if (o !== undefined) otCfgs.set(px, { ...o });
  const n = nameHdrs.get(def);
  if (n !== undefined) nameHdrs.set(px, n);
}

function parseOriginalTo(args: readonly string[], ctx: KwCtx): void {
  const px = ctx.proxy!;
  const c: OriginalToCfg = { header: 'x-original-to', net: 0, mask: 0 };
  let i = 2;
  while (i < args.length) {
    const w = args[i];
    if (w === 'except') {
      const v = args[i + 1];
      if (v === undefined || v === '') { ctx.alert(`'${args[0]} ${args[1]} ${w}' expects <address>[/mask] as argument.`); return; }
      const n = ipv4Net(v);
      if (n === null) { ctx.alert(`'${args[0]} ${args[1]} ${w}' expects <address>[/mask] as argument.`); return; }
      c.net = n[0]; c.mask = n[1];
      i += 2;
    } else if (w === 'header') {
      const v = args[i + 1];
      if (v === undefined || v === '') { ctx.alert(`'${args[0]} ${args[1]} ${w}' expects <header_name> as argument.`); return; }
      c.header = v.toLowerCase();
      i += 2;
    } else {
      ctx.alert(`'${args[0]} ${args[1]}' only supports optional values: 'except' and 'header'.`);
      return;
    }
  }
  otCfgs.set(px, c);
  px.options |= PR_O_ORIGINALTO;
}

function parseSendNameHeader(args: readonly string[], ctx: KwCtx): void {
  const px = ctx.proxy!;
  const v = args[1];
  if (v === undefined || v === '') { ctx.alert(`'${args[0]}' requires a header string.`); return; }
  nameHdrs.set(px, { name: v.toLowerCase(), lc: v.toLowerCase() });
  px.options |= PR_O_SEND_NAME_HDR;
}

/** An IPv4 destination inside the `except` network of `c` (2.6 checks no `except` for IPv6). */
function excepted(c: OriginalToCfg | undefined, v: number): boolean {
  return c !== undefined && c.mask !== 0 && v >= 0 && ((v & c.mask) >>> 0) === c.net;
}

/**
 * The `\r\n<name>: <dst>` line for a request through `fe` to `be`, as 2.6 builds it: the backend's header name when
 * the backend has the option, else the frontend's; none when an IPv4 destination is in either one's `except`.
 * Allocates the string.
 */
export function originalToLine(fe: Proxy, be: Proxy, dstIp: string): string {
  const fc = (fe.options & PR_O_ORIGINALTO) !== 0 ? otCfgs.get(fe) : undefined;
  const bc = (be.options & PR_O_ORIGINALTO) !== 0 ? otCfgs.get(be) : undefined;
  const c = bc ?? fc;
  if (c === undefined || dstIp === '') return '';
  const ip = dstIp.startsWith('::ffff:') ? dstIp.slice(7) : dstIp;
  const v = ipv4Value(ip);
  if (excepted(fc, v) || excepted(bc, v)) return '';
  return '\r\n' + c.header + ': ' + ip;
}

/** Marks the client's own headers named like `be`'s http-send-name-header as removed (index entries set to -1). */
export function stripNameHeader(be: Proxy, buf: Buffer, m: H1Msg): void {
  const n = nameHdrs.get(be);
  if (n === undefined) return;
  const h = m.hdr;
  const len = n.lc.length;
  for (let x = 0; x < m.nhdr * H1_HDR_STRIDE; x += H1_HDR_STRIDE) {
    if (h[x] >= 0 && h[x + 1] - h[x] === len && buf.toString('latin1', h[x], h[x + 1]) === n.lc) h[x] = -1;
  }
}

/**
 * `head` (a request head ending in CRLF CRLF) with `<name>: <server>` added as its last header, for the connection
 * to `srv`. Allocates a new Buffer; `head` is left as it is (a retry adds the next server's name to it).
 */
export function withServerName(head: Buffer, be: Proxy, srv: Server): Buffer {
  const n = nameHdrs.get(be);
  if (n === undefined || head.length < 4) return head;
  const add = Buffer.from(n.name + ': ' + srv.name + '\r\n\r\n', 'latin1');
  return Buffer.concat([head.subarray(0, head.length - 2), add]);
}

export const originalToKeywords: CfgKeyword[] = [
  { section: 'listen', name: 'option originalto', cap: PR_CAP_FE | PR_CAP_BE | PR_CAP_DEF, parse: parseOriginalTo },
  { section: 'listen', name: 'http-send-name-header', cap: PR_CAP_BE | PR_CAP_DEF, parse: parseSendNameHeader },
];
