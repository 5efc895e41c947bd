/*
 * Config keywords of the acl module: `acl`, `use_backend`, `default_backend`, and condCompile() used by every keyword
 * that takes `if|unless <cond>` (http-request rules, redirect, ...). Names are resolved once all files are parsed
 * (postParse): use_backend/default_backend point at the backend Proxy directly. Registered by proxy/modules.ts.
 * Hot path: no (load time).
 */
import type { CfgKeyword, KwCtx } from '../config/types.ts';
import { PR_CAP_FE, PR_CAP_BE, PR_CAP_DEF, CHK_RANK_BACKEND_MODE, CHK_RANK_DEFAULT_BACKEND } from '../config/types.ts';
import { capName } from '../config/sections.ts';
import { PR_MODE_HTTP } from '../model/types.ts';
import type { Proxy } from '../model/types.ts';
import type { AclCond, AclDef } from './types.ts';
import { compileAclTerm, compileCond } from './compile.ts';
import type { UseBackendRule } from '../model/types.ts';
import { compileRuleFormat } from '../http/rule-format.ts';
import { patRefLate } from './pat-ref.ts';

const ACL_NAME = /^[A-Za-z0-9_.:-]+$/;

/**
 * Compiles `if|unless ...` starting at args[at] for the current proxy; on error alerts `<prefix><reason>.` (HAProxy's
 * wording differs per keyword: "error detected while parsing switching rule : ", "... an 'http-request deny'
 * condition : ") and returns null.
 */
export function condCompile(args: readonly string[], at: number, ctx: KwCtx, prefix: string): AclCond | null {
  const px = ctx.proxy;
  const acls = px ? px.acls : [];
  const r = compileCond(args, at, (n) => acls.find((a) => a.name === n), '', ctx.file, ctx.line, (m) => ctx.warnRaw(m));
  if (typeof r === 'string') {
    ctx.alert(prefix + r + (r.endsWith('.') ? '' : '.'));
    return null;
  }
  aclCondAtLoad(r, ctx);
  return r;
}

/** Lets the fetches of a compiled condition know the configuration uses them (FetchDef.atLoad). */
export function aclCondAtLoad(cond: AclCond, ctx: KwCtx): void {
  for (const g of cond.groups) for (const c of g) for (const t of c.acl.terms) if (t.fetch.atLoad !== undefined) t.fetch.atLoad(ctx, t);
}

function parseAcl(args: readonly string[], ctx: KwCtx): void {
  const px = ctx.proxy;
  if (!px) return;
  const name = args[1];
  if (name === undefined || args.length < 3) { ctx.alert("'acl' expects an ACL name and a criterion."); return; }
  if (!ACL_NAME.test(name)) { ctx.alert(`character '${[...name].find((c) => !ACL_NAME.test(c))}' is not permitted in acl name '${name}'.`); return; }
  const t = compileAclTerm(args.slice(2), '', (m) => ctx.warnRaw(m), false, args[1]);
  if (typeof t === 'string') { ctx.alert(`error detected while parsing ACL '${name}' : ${t}${t.endsWith('.') ? '' : '.'}`); return; }
  if (t.fetch.atLoad !== undefined) t.fetch.atLoad(ctx, t);
  let def: AclDef | undefined = px.acls.find((a) => a.name === name);
  if (!def) { def = { name, terms: [], file: ctx.file, line: ctx.line }; px.acls.push(def); }
  def.terms.push(t);
}

function parseUseBackend(args: readonly string[], ctx: KwCtx): void {
  const px = ctx.proxy;
  if (!px) return;
  const name = args[1];
  if (name === undefined || name === '') { ctx.alert("'use_backend' expects a backend name."); return; }
  let cond: AclCond | null = null;
  if (args.length > 2) {
    cond = condCompile(args, 2, ctx, 'error detected while parsing switching rule : ');
    if (cond === null) return;
  }
  const rule: UseBackendRule = { name, cond, backend: null, fmt: null, lookup: null };
  px.useBackend.push(rule);
  if (name.includes('%')) {
    // a log-format name: evaluated per request; a name matching no backend lets the default backend take it (2.6)
    const f = patRefLate(() => compileRuleFormat(name));   // 2.6 parses it in its post-parse check
    if (typeof f === 'string') {
      // reported after parsing, as 2.6.12's check does (without the "Error(s) found in" line)
      const msg = `Parsing [${ctx.file}:${ctx.line}]: failed to parse use_backend rule '${name}' : ${f}.`;
      ctx.postParse(() => ctx.alertRaw(msg));
      return;
    }
    rule.fmt = f;
    rule.lookup = ctx.proxies;
    return;
  }
  checkBackendModes(ctx, px);
  ctx.postParse(() => {
    const be = ctx.proxies.get(name);
    if (!be || (be.cap & PR_CAP_BE) === 0) {
      ctx.alertRaw(`Proxy '${px.name}': unable to find required use_backend: '${name}'.`);
      return;
    }
    rule.backend = be;
  });
}

/** Proxies whose backend modes are checked (once each). */
const modeChecked = new WeakSet<object>();

/**
 * 2.6 refuses an http frontend switching to a tcp backend (a tcp frontend may use an http one): its default backend
 * first, then each use_backend rule with a static name, once parsed, among the proxy's post-parse messages.
 */
function checkBackendModes(ctx: KwCtx, px: Proxy): void {
  if (modeChecked.has(px)) return;
  modeChecked.add(px);
  ctx.postParse(() => {
    if (px.mode !== PR_MODE_HTTP) return;
    const who = `http ${capName(px.cap)} '${px.name}' (${px.file}:${px.line}) tries to use incompatible tcp`;
    const bad = (be: Proxy | undefined): be is Proxy => be !== undefined && (be.cap & PR_CAP_BE) !== 0 && be.mode !== PR_MODE_HTTP;
    const report = (m: string): void => { if (ctx.alertProxy) ctx.alertProxy(px, CHK_RANK_BACKEND_MODE, m); else ctx.alertRaw(m); };
    const def = px.defaultBackendName === '' ? undefined : ctx.proxies.get(px.defaultBackendName);
    if (bad(def)) report(`${who} ${capName(def.cap)} '${def.name}' (${def.file}:${def.line}) as its default backend (see 'mode').`);
    for (const r of px.useBackend) {
      const be = r.fmt === null ? ctx.proxies.get(r.name) : undefined;
      if (bad(be)) report(`${who} ${capName(be.cap)} '${be.name}' (${be.file}:${be.line}) in a 'use_backend' rule (see 'mode').`);
    }
  });
}

/** Proxies whose default_backend is checked after parsing (once each). */
const defaultBackendChecked = new WeakSet<object>();

function parseDefaultBackend(args: readonly string[], ctx: KwCtx): void {
  const px = ctx.proxy;
  if (!px) return;
  if (args.length !== 2) { ctx.alert(`'${args[0]}' expects a backend name.`); return; }
  px.defaultBackendName = args[1];
  if (px.cap & PR_CAP_DEF) {
    // frontends inherit the name from this defaults section without a line of their own: resolve them all
    ctx.postParse(() => {
      for (const fe of ctx.proxies.values()) {
        if ((fe.cap & PR_CAP_FE) === 0 || fe.defaultBackend !== null || fe.defaultBackendName === '') continue;
        const be = ctx.proxies.get(fe.defaultBackendName);
        if (be && (be.cap & PR_CAP_BE) !== 0) { fe.defaultBackend = be; checkBackendModes(ctx, fe); }
        else ctx.alertRaw(`Proxy '${fe.name}': unable to find required default_backend: '${fe.defaultBackendName}'.`);
      }
    });
    return;
  }
  checkBackendModes(ctx, px);
  // a later default_backend line replaces the name: one check of the last one (2.6 says it once)
  if (defaultBackendChecked.has(px)) return;
  defaultBackendChecked.add(px);
  ctx.postParse(() => {
    if (px.defaultBackendName === '') return;
    if ((px.cap & PR_CAP_BE) !== 0 && px.servers.length > 0) {
      const m = `In proxy '${px.name}', the 'default_backend' rule always has precedence over the servers, which will never be used.`;
      if (ctx.warnProxy !== undefined) ctx.warnProxy(px, CHK_RANK_DEFAULT_BACKEND, m); else ctx.warnRaw(m);
    }
    const be = ctx.proxies.get(px.defaultBackendName);
    if (!be || (be.cap & PR_CAP_BE) === 0) {
      ctx.alertRaw(`Proxy '${px.name}': unable to find required default_backend: '${px.defaultBackendName}'.`);
      return;
    }
    px.defaultBackend = be;
  });
}

export const keywords: CfgKeyword[] = [
  { section: 'listen', name: 'acl', cap: PR_CAP_FE | PR_CAP_BE, parse: parseAcl },
  { section: 'listen', name: 'use_backend', cap: PR_CAP_FE, parse: parseUseBackend },
  { section: 'listen', name: 'default_backend', cap: PR_CAP_FE | PR_CAP_DEF, parse: parseDefaultBackend },
];
