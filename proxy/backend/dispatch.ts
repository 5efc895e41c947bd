/*
 * `dispatch <addr>:<port>` (backends): without a `balance` line, every request that persistence (cookie, use-server,
 * stick) did not send to a server goes to this address, logged as <NOSRV> as 2.6 does; with an explicit `balance`
 * it is ignored with 2.6's warning. The address is held as a hidden server of the backend (not in its server list,
 * so not in stats nor LB). backend/connect.ts asks dispatchFor() only when some dispatch exists. Hot path: no.
 */
import type { CfgKeyword, KwCtx } from '../config/types.ts';
import { PR_CAP_BE } from '../config/types.ts';
import type { Proxy, Server } from '../model/types.ts';
import { parseAddr } from '../config/values.ts';
import { newServer } from '../model/factories.ts';

const dispatchOf = new WeakMap<Proxy, Server>();
const hidden = new WeakSet<Server>();

/** Whether any backend has a dispatch address (the connect path tests this first). */
export const dispatchUse = { on: false };

/** The dispatch "server" of `be`, or null. */
export function dispatchFor(be: Proxy): Server | null { return dispatchOf.get(be) ?? null; }

/** True for a dispatch address (not a configured server). */
export function isDispatch(srv: Server): boolean { return hidden.has(srv); }

function parseDispatch(args: readonly string[], ctx: KwCtx): void {
  const px = ctx.proxy!;
  if (args.length > 2) { ctx.alert(`'${args[0]}' cannot handle unexpected argument '${args[2]}'.`); return; }
  const spec = args[1] ?? '';
  if (spec === '') { ctx.alert(`'${args[0]}' : '' resolves to an empty address (environment variable missing?)\n`); return; }
  const a = parseAddr(spec, true);
  if (a.err !== '') { ctx.alert(`'${args[0]}' : ${a.err}`); return; }
  if (a.path !== '') { ctx.alert(`'${args[0]}' : a unix socket dispatch address is not supported by sluice yet ('${spec}')`); return; }
  const s = newServer('<NOSRV>', px, ctx.file, ctx.line, null);     // named as 2.6 logs it
  s.host = a.host; s.port = a.port;
  hidden.add(s);
  dispatchOf.set(px, s);
  dispatchUse.on = true;
  ctx.postParse(() => {
    if (px.balance.file !== '') {
      dispatchOf.delete(px);
      ctx.warnRaw(`dispatch address of proxy '${px.name}' will be ignored in balance mode.`);
    }
  });
}

export const keywords: CfgKeyword[] = [
  { section: 'listen', name: 'dispatch', cap: PR_CAP_BE, parse: parseDispatch },
];
