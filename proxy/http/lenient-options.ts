/*
 * HTTP/1 leniency options of 2.6: `option accept-invalid-http-request` (frontends: the request parser takes header
 * names with any byte but CTLs, space and ':', URIs with bytes >= 0x80 and '#', versions like "HTTP/1.10"),
 * `option accept-invalid-http-response` (backends: the same for response header names), and `option
 * http-use-proxy-header`, accepted without effect as in 2.6.12 (its HTX H1 layer ignores it: Proxy-Connection is
 * forwarded untouched). The stream sets H1Msg.relaxed from these bits. Hot path: no.
 */
import type { CfgKeyword, KwCtx } from '../config/types.ts';
import { PR_CAP_FE, PR_CAP_BE, PR_CAP_DEF } from '../config/types.ts';
import { PR_O_ACCEPT_INV_REQ, PR_O_ACCEPT_INV_RSP } from '../model/types.ts';

/** The parser of a proxy `option` that sets (`no option`: clears) `bit` in Proxy.options; 0 = accepted, no effect. */
export function optionBit(bit: number) {
  return function parseLenient(args: readonly string[], ctx: KwCtx): void {
    const neg = args[0] === 'no';
    const from = neg || args[0] === 'default' ? 1 : 0;
    if (args.length > from + 2) { ctx.alert(`'${args[from]} ${args[from + 1]}' cannot handle unexpected argument '${args[from + 2]}'.`); return; }
    const px = ctx.proxy!;
    if (neg) px.options &= ~bit; else px.options |= bit;
  };
}

export const keywords: CfgKeyword[] = [
  { section: 'listen', name: 'option accept-invalid-http-request', cap: PR_CAP_FE | PR_CAP_DEF, allowNo: true, parse: optionBit(PR_O_ACCEPT_INV_REQ) },
  { section: 'listen', name: 'option accept-invalid-http-response', cap: PR_CAP_BE | PR_CAP_DEF, allowNo: true, parse: optionBit(PR_O_ACCEPT_INV_RSP) },
  { section: 'listen', name: 'option http-use-proxy-header', cap: PR_CAP_FE | PR_CAP_DEF, allowNo: true, parse: optionBit(0) },
];
