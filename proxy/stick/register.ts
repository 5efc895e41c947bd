/*
 * The stick module's registration (called once from proxy/modules.ts): config keywords (stick-table, stick, peers),
 * ACL and log-format fetches, http-request/-response and tcp-request actions, the tcp reject hook that releases
 * counters of a refused connection, and the CLI commands on tables. Hot path: no.
 */
import type { KeywordRegistry } from '../config/registry.ts';
import type { KwCtx } from '../config/types.ts';
import type { SampleCtx } from '../acl/types.ts';
import { keywords, stkPostParseOnce, stkPeersTables } from './keywords.ts';
import { stkAclFetches, stkLogArgFetch, stkSetFetchAtLoad, stkSetPeersTablesLookup } from './fetches.ts';
import { stkParseAction, STK_ACTION_PREFIXES, STK_WHERE_HTTP_REQ, STK_WHERE_HTTP_RES, STK_WHERE_TCP_CONN, STK_WHERE_TCP_CONTENT } from './actions.ts';
import { stkCliCommands } from './cli.ts';
import { stkSessEnd, stkParked, stkUnpark } from './track.ts';
import { stkKeyLogFetch } from './key-expr.ts';
import { registerAclFetches } from '../acl/fetches.ts';
import { registerLogArgFetches } from '../log/sample.ts';
import { registerHttpActions } from '../http/keywords.ts';
import type { HttpActionKw } from '../http/keywords.ts';
import { registerTcpActions, setTcpRejectHook, setL4CtxInit } from '../tcp/rules.ts';
import type { L4AcceptCtx } from '../tcp/rules.ts';
import type { TcpActionKw } from '../tcp/rules.ts';
import { addModuleCli } from '../stats/cli-registry.ts';
import { twNow } from '../timer-wheel.ts';

function condIndex(args: readonly string[], from: number): number {
  for (let i = from; i < args.length; i++) if (args[i] === 'if' || args[i] === 'unless') return i;
  return args.length;
}

const httpActions: HttpActionKw[] = STK_ACTION_PREFIXES.map((prefix) => ({
  prefix, req: true, res: true,
  parse(args: readonly string[], end: number, ctx: KwCtx, isReq: boolean) {
    const a = stkParseAction(args, 1, end, ctx, args[0], isReq ? STK_WHERE_HTTP_REQ : STK_WHERE_HTTP_RES);
    if (a !== null) stkPostParseOnce(ctx);
    return a;
  },
}));

const tcpActions: TcpActionKw[] = STK_ACTION_PREFIXES.map((prefix) => ({
  prefix,
  parse(args: readonly string[], kind: string, ctx: KwCtx) {
    const end = condIndex(args, 3);
    const a = stkParseAction(args, 2, end, ctx, 'tcp-request ' + kind, kind === 'content' ? STK_WHERE_TCP_CONTENT : STK_WHERE_TCP_CONN);
    if (a === null) return null;
    stkPostParseOnce(ctx);
    return { action: { run(c: SampleCtx): void { a.run(c, c); } }, argc: end };
  },
}));

/** A rejected connection or stream: its tracked counters are released now (no session will end them). */
function onReject(ctx: SampleCtx): void {
  const st = ctx.stk;
  if (st === null || st === undefined) return;
  const conn = (ctx as { conn?: object | null }).conn;
  if (conn !== undefined && conn !== null) stkUnpark(conn);
  stkSessEnd(st, twNow());
}

/** `tcp-request session` rules see what the connection rules of the same socket tracked. */
function l4CtxInit(ctx: L4AcceptCtx): void {
  if (ctx.conn !== null) ctx.stk = stkParked(ctx.conn);
}

let hooked = false;

/** Registers the keywords into `reg` (each registry), the process-wide hooks once. */
export function registerStick(reg: KeywordRegistry): void {
  reg.register(keywords);
  if (hooked) return;
  hooked = true;
  stkSetFetchAtLoad(stkPostParseOnce);
  stkSetPeersTablesLookup(stkPeersTables);
  registerAclFetches(stkAclFetches());
  registerLogArgFetches(stkLogArgFetch);
  registerLogArgFetches(stkKeyLogFetch);
  registerHttpActions(httpActions);
  registerTcpActions(tcpActions);
  setTcpRejectHook(onReject);
  setL4CtxInit(l4CtxInit);
  addModuleCli(stkCliCommands);
}
