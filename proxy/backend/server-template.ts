/*
 * `server-template <prefix> <num | range> <fqdn>[:<port>] [params*]`: declares servers <prefix>1..<prefix>N (or
 * <prefix>A..<prefix>B) as if each had its own `server` line with the same address and parameters, so they share a
 * DNS name that dns/runtime.ts spreads its answers over (without `resolvers` every server gets the address).
 * Errors as 2.6 words them. Hot path: no.
 */
import type { CfgKeyword, KwCtx } from '../config/types.ts';
import { PR_CAP_BE } from '../config/types.ts';
import type { KeywordRegistry } from '../config/registry.ts';

/** [first, last] of a `<num | range>` argument, or null when 2.6 refuses it. */
export function templateRange(v: string): [number, number] | null {
  const m = /^(\d+)(?:-(\d+))?$/.exec(v);
  if (m === null) return null;
  const a = +m[1];
  const b = m[2] !== undefined ? +m[2] : a;
  if (m[2] === undefined) return a >= 1 ? [1, a] : null;
  return a >= 1 && b >= a ? [a, b] : null;
}

/** The keyword needs the registry's `server` parser, so modules bind it once (proxy/edge.ts). */
export function makeServerTemplateKeywords(reg: KeywordRegistry): CfgKeyword[] {
  function parseServerTemplate(args: readonly string[], ctx: KwCtx): void {
    if (args.length < 4) {
      ctx.alertRaw(`[${ctx.file}:${ctx.line}] : '${args[0]}' expects <prefix> <nb | range> <addr>[:<port>] as arguments.`);
      return;
    }
    const range = templateRange(args[2]);
    if (range === null) { ctx.alertRaw(`[${ctx.file}:${ctx.line}] : Wrong ${args[0]} number or range arg '${args[2]}'.`); return; }
    const server = reg.lookup(ctx.section, ['server'], 0);
    if (server === null) return;
    const line = ['server', '', ...args.slice(3)];
    for (let i = range[0]; i <= range[1]; i++) {
      line[1] = args[1] + i;
      server.kw.parse(line, ctx);
    }
  }
  return [{ section: 'listen', name: 'server-template', cap: PR_CAP_BE, parse: parseServerTemplate }];
}
