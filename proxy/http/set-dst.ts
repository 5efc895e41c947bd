/*
 * `http-request set-dst <expr>` / `set-dst-port <expr>` and their `tcp-request content` forms (2.6): the stream's
 * destination address or port as the `dst` / `dst_port` fetches, %fi / %fp and what follows them see it. On an HTTP
 * session it lasts for the transaction (haproxy 2.6.12: the next request of a keep-alive connection sees the
 * connection's address again), on a tcp stream for the stream; `tcp-request connection|session` forms change the
 * connection's (every request of it). A value that is no address (set-dst) or does not start
 * with digits (set-dst-port) changes nothing; a port keeps its low 16 bits (70000 -> 4464). A server at 0.0.0.0
 * and/or port 0 connects to the destination so set (backend/connect.ts).
 * Parsed by http/keywords.ts (http-request) and registered for tcp-request content by proxy/modules.ts.
 * Hot path: no (runs only when such a rule matches).
 */
import { isIP } from 'node:net';
import type { SampleCtx } from '../acl/types.ts';
import type { StreamLog } from '../model/types.ts';
import type { HttpCustomAction, RuleFmt } from './types.ts';
import type { TcpActionKw } from '../tcp/rules.ts';
import { L4AcceptCtx, l4DstSet } from '../tcp/rules.ts';
import { l4Log } from '../tcp/vars.ts';
import { compileRuleFormat, ruleFormatSample } from './rule-format.ts';
import { requestSample } from '../log/sample.ts';

type SampleFn = (s: StreamLog) => string | number | null;

/** What an HTTP session keeps to restore its connection's destination at the next transaction (http/stream.ts). */
export interface DstRestore { connDstIp: string | null; connDstPort: number }

/** `v` as a port: an integer, or a string's leading digits; -1 when it is neither (nothing changes then). */
export function dstPortValue(v: string | number | null): number {
  if (v === null) return -1;
  if (typeof v === 'number') return Math.trunc(v) & 0xffff;
  let i = 0, n = 0;
  while (i < v.length && v.charCodeAt(i) >= 0x30 && v.charCodeAt(i) <= 0x39) n = (n * 10 + v.charCodeAt(i++) - 0x30) % 0x100000000;
  return i === 0 ? -1 : n & 0xffff;
}

/** Applies a set-dst (port = false) or set-dst-port sample value to the stream of `ctx`. */
function applyDst(ctx: SampleCtx, log: StreamLog, v: string | number | null, port: boolean): void {
  let ip = '', p = -1;
  if (port) { p = dstPortValue(v); if (p < 0) return; } else {
    if (typeof v !== 'string') return;
    ip = v.trim();
    if (isIP(ip) === 0) return;
  }
  const keep = ctx as unknown as Partial<DstRestore>;
  if (keep.connDstIp === null) { keep.connDstIp = log.frontendIp; keep.connDstPort = log.frontendPort; }
  if (port) {
    log.frontendPort = p;
    if (typeof (ctx as { dstPort?: number }).dstPort === 'number') (ctx as { dstPort: number }).dstPort = p;
  } else log.frontendIp = ip;
}

function runSample(fn: SampleFn, ctx: SampleCtx, port: boolean): void {
  if (ctx.log !== undefined) applyDst(ctx, ctx.log, requestSample(fn, ctx), port);
}

/** The http-request action for a compiled one-sample `fmt` (http/keywords.ts checked it). */
export function httpSetDstAction(fmt: RuleFmt, port: boolean): HttpCustomAction {
  const fn = fmt.fns[0] as SampleFn;
  return { run(_ctx: SampleCtx, sess: SampleCtx): void { runSample(fn, sess, port); } };
}

/**
 * `tcp-request connection|session|content set-dst|set-dst-port <expr> [if|unless ...]`; connection and session rules
 * change the connection's destination (tcp/rules.ts keeps it by socket for the rules after and the stream).
 */
export const tcpSetDstAction: TcpActionKw = {
  prefix: 'set-dst',
  parse(args, kind, ctx) {
    const act = args[2];
    if (act !== 'set-dst' && act !== 'set-dst-port') {
      ctx.alert(`'tcp-request ${kind}' expects a known action in proxy '${ctx.proxy!.name}' (got '${act}').`);
      return null;
    }
    const expr = args[3] ?? '';
    if (expr === '' || expr === 'if' || expr === 'unless') { ctx.alert('missing fetch method'); return null; }
    const f = compileRuleFormat('%[' + expr + ']');
    if (typeof f === 'string') { ctx.alert(f.replace(/^failed to parse sample expression <[\s\S]*?> : /, '')); return null; }
    const fn = ruleFormatSample(f);
    if (fn === null) { ctx.alert(`unknown fetch method '${expr}'`); return null; }
    const port = act === 'set-dst-port';
    if (kind === 'content') return { action: { run(c: SampleCtx): void { runSample(fn, c, port); } }, argc: 4 };
    // connection/session rules: no stream yet; the socket keeps the destination for the rules after and its stream
    const px = ctx.proxy!;
    return {
      action: {
        run(c: SampleCtx): void {
          if (!(c instanceof L4AcceptCtx) || c.conn === null) return;
          const log = l4Log(c, px);
          runSample(fn, c, port);
          l4DstSet(c.conn, log.frontendIp, log.frontendPort);
        },
      },
      argc: 4,
    };
  },
};
