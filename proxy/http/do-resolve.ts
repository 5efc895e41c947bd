/*
 * `http-request do-resolve(<var>,<resolvers>[,ipv4|ipv6]) <expr>` (2.6): resolves the name the sample gives with the
 * nameservers of a `resolvers` section and stores the first address in the variable; the rules wait for the answer
 * (the session's body-wait machinery: rules.ts returns RULES_WAIT_BODY, http/stream.ts resumes at resolveDone()). As
 * haproxy 2.6.12 (fixtures/proxy/actions/do-resolve): the preferred family first (ipv4 by default), the other one
 * when the name has none; no name, NXDOMAIN or no answer leave the variable alone; an address literal is queried as a
 * name. No answer cache (each request asks). Registered by proxy/modules.ts. Hot path: no (runs when the rule does).
 */
import type { Resolver } from 'node:dns/promises';
import type { HttpActionKw } from './keywords.ts';
import type { HttpCustomAction } from './types.ts';
import type { SampleCtx } from '../acl/types.ts';
import type { StreamLog } from '../model/types.ts';
import type { ResolversCfg } from '../dns/types.ts';
import { resolversOf } from '../dns/resolvers-section.ts';
import { nodeDnsPromises } from '../lazy-builtins.ts';
import { ruleErrorPrefix } from './rule-errors.ts';
import { compileRuleFormat, ruleFormatSample } from './rule-format.ts';
import { requestSample } from '../log/sample.ts';
import { varSet } from './vars.ts';

type SampleFn = (s: StreamLog) => string | number | null;

/** What do-resolve needs of the HTTP session (http/stream.ts). */
export interface ResolveWaiter { resolving: boolean; resolveDone(): void; vars: Map<string, string | number>; closed: boolean }

class DoResolve implements HttpCustomAction {
  readonly varName: string; readonly v6: boolean; readonly fn: SampleFn;
  /** Set at post-parse (the section may come later in the file). */
  rs: ResolversCfg | null = null;
  resolver: Resolver | null = null;
  constructor(varName: string, v6: boolean, fn: SampleFn) { this.varName = varName; this.v6 = v6; this.fn = fn; }

  /** Starts the resolution: returns how long the rules may wait (ms), or 0 when there is nothing to resolve. */
  run(_ctx: SampleCtx, sess: SampleCtx): number {
    const rs = this.rs;
    if (rs === null) return 0;
    const v = requestSample(this.fn, sess);
    const name = v === null ? '' : String(v);
    if (name === '') return 0;
    let r = this.resolver;
    if (r === null) {
      r = new (nodeDnsPromises().Resolver)({ timeout: Math.max(1, rs.timeoutRetry), tries: Math.max(1, rs.resolveRetries) });
      r.setServers(rs.nameservers.map((n) => (n.host.indexOf(':') >= 0 ? `[${n.host}]:${n.port}` : `${n.host}:${n.port}`)));
      this.resolver = r;
    }
    const w = sess as unknown as ResolveWaiter;
    w.resolving = true;
    void resolveOne(r, name, this.v6).then((ip) => {
      if (w.closed) return;
      if (ip !== '') varSet(w.vars, this.varName, ip);
      w.resolveDone();
    });
    // the session's wait outlasts the resolver's own tries (each up to `timeout retry`, per family)
    return 2 * Math.max(1, rs.timeoutRetry) * Math.max(1, rs.resolveRetries) + 1000;
  }
}

/** The first address of `name`, the preferred family first; '' when there is none. */
async function resolveOne(r: Resolver, name: string, v6: boolean): Promise<string> {
  for (const six of v6 ? [true, false] : [false, true]) {
    try {
      const a = six ? await r.resolve6(name) : await r.resolve4(name);
      if (a.length > 0) return a[0];
    } catch (e) {
      if ((e as { code?: string }).code === 'ENOTFOUND') return '';      // NXDOMAIN: no other family to try
    }
  }
  return '';
}

/** Configurations (by their global settings) whose do-resolve sections are looked up at post-parse already. */
const pending = new WeakMap<object, { px: string; name: string; act: DoResolve }[]>();

export const doResolveAction: HttpActionKw = {
  prefix: 'do-resolve',
  req: true,
  res: false,
  parse(args, end, ctx) {
    const act = args[1];
    const px = ctx.proxy!;
    const usage = (what: string): null => {
      ctx.alert(ruleErrorPrefix(px, args[0], act) + `Can't parse '${what}'. Expects 'do-resolve(<varname>,<resolvers>[,<options>]) <expr>'. Available options are 'ipv4' and 'ipv6'.`);
      return null;
    };
    const m = /^do-resolve\(([^,)]*),([^,)]*)(?:,([^,)]*))?\)$/.exec(act);
    if (m === null || m[1] === '' || m[2] === '' || (m[3] !== undefined && m[3] !== 'ipv4' && m[3] !== 'ipv6')) return usage(act);
    if (end < 3) return usage('');
    if (end > 3) {
      ctx.alertRaw(`parsing [${ctx.file}:${ctx.line}]: '${args[0]} ${act}' expects either 'if' or 'unless' followed by a condition but found '${args[3]}'.`);
      return null;
    }
    const fn = ruleFormatSample(compileRuleFormat('%[' + args[2] + ']'));
    if (fn === null) return usage(args[2]);
    const a = new DoResolve(m[1].trim().toLowerCase(), m[3] === 'ipv6', fn);
    let list = pending.get(ctx.global);
    if (list === undefined) {
      const l: { px: string; name: string; act: DoResolve }[] = [];
      list = l;
      pending.set(ctx.global, l);
      ctx.postParse(() => {
        const all = resolversOf(ctx.global);
        for (const p of l) {
          const rs = all.get(p.name);
          if (rs === undefined) ctx.alertRaw(`Proxy '${p.px}': Can't find resolvers section '${p.name}' for do-resolve action.`);
          else p.act.rs = rs;
        }
      });
    }
    list.push({ px: px.name, name: m[2], act: a });
    return a;
  },
};
