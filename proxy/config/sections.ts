/*
 * Section headers and whole-config checks: `global`, `defaults [name] [from name]`, `frontend|backend|listen <name>
 * [from name]`, with HAProxy 2.6's defaults inheritance (a proxy inherits the last defaults section above it, or the
 * one named by `from`; a defaults section starts empty unless it has `from`), name checks, duplicate detection, and the
 * post-parse checks (ids, missing timeouts, frontends without bind). Called by config/loader.ts. Hot path: no.
 */
import type { Proxy } from '../model/types.ts';
import type { SectionKind, KwCtx } from './types.ts';
import { PR_CAP_FE, PR_CAP_BE, PR_CAP_DEF, PR_CAP_LISTEN, CHK_RANK_TIMEOUTS, CHK_RANK_NO_BIND } from './types.ts';
import { newProxy } from '../model/factories.ts';

/** Sections Sluice parses. */
export const PROXY_SECTION_CAP: Readonly<Record<string, number>> = {
  defaults: PR_CAP_DEF, frontend: PR_CAP_FE, backend: PR_CAP_BE, listen: PR_CAP_LISTEN,
};
/** HAProxy 2.6 sections Sluice recognises but does not implement: their content is skipped with one alert. */
export const UNSUPPORTED_SECTIONS: readonly string[] = [
  'peers', 'resolvers', 'mailers', 'program', 'http-errors', 'ring', 'cache', 'fcgi-app',
];

export function isSectionHeader(word: string): boolean {
  return word === 'global' || word === 'userlist' || word in PROXY_SECTION_CAP || UNSUPPORTED_SECTIONS.includes(word);
}

/** What the loader keeps while parsing: proxies by kind, defaults sections, the current defaults. */
export interface SectionState {
  proxies: Proxy[];                       // frontends, backends, listens in declaration order
  byName: Map<string, Proxy>;             // by name; a frontend and a backend may share a name (backend wins here)
  frontends: Map<string, Proxy>;
  backends: Map<string, Proxy>;
  defaults: Map<string, Proxy>;           // named defaults sections
  curDefaults: Proxy | null;              // last defaults section seen
  explicitlyUsed: Set<Proxy>;             // defaults referenced by `from`
  ambiguousDefaults: Map<string, string>; // a name given to 2+ defaults sections -> "at F:L1 and F:L2" (first two)
}

export function newSectionState(): SectionState {
  return {
    proxies: [], byName: new Map(), frontends: new Map(), backends: new Map(), defaults: new Map(),
    curDefaults: null, explicitlyUsed: new Set(), ambiguousDefaults: new Map(),
  };
}

export function capName(cap: number): string {
  if ((cap & PR_CAP_DEF) !== 0) return 'defaults';
  if ((cap & PR_CAP_LISTEN) === PR_CAP_LISTEN) return 'proxy';
  return (cap & PR_CAP_FE) !== 0 ? 'frontend' : 'backend';
}

function checkName(name: string): string {
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    const ok = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) ||
      c === 0x2d || c === 0x5f || c === 0x2e || c === 0x3a;
    if (!ok) return name[i];
  }
  return '';
}

export interface OpenResult {
  proxy: Proxy | null;
  /** Messages with the `parsing [file:line] : ` prefix, and whether they are fatal (stop parsing, like ERR_ABORT). */
  alerts: string[];
  rawAlerts: string[];
  fatal: boolean;
}

/**
 * Opens a proxy section from its header words (`args[0]` is defaults|frontend|backend|listen). Registers the proxy
 * in `st`; returns the alerts to print. The caller reports them with file:line.
 */
export function openProxySection(st: SectionState, args: readonly string[], file: string, line: number): OpenResult {
  const kind = args[0];
  const cap = PROXY_SECTION_CAP[kind];
  const res: OpenResult = { proxy: null, alerts: [], rawAlerts: [], fatal: false };
  let name = '';
  let fromName: string | null = null;
  let i = 1;
  if (i < args.length && args[i] !== 'from') { name = args[i]; i++; }
  if (i < args.length && args[i] === 'from') {
    if (i + 1 >= args.length) { res.alerts.push(`'from' expects a defaults section name.`); res.fatal = true; return res; }
    fromName = args[i + 1];
    if (i + 2 < args.length && kind !== 'defaults') res.alerts.push(`'${kind}' cannot handle unexpected argument '${args[i + 2]}'.`);
  }
  if (name === '' && kind !== 'defaults') {
    res.alerts.push(`'${kind}' expects an <id> argument`); res.fatal = true; return res;
  }
  const bad = checkName(name);
  if (bad !== '') {
    // 2.6 goes on parsing the section (its lines are checked; the config is rejected anyway)
    res.alerts.push(`character '${bad}' is not permitted in '${kind}' name '${name}'.`);
  }
  // duplicates: frontend vs frontend, backend vs backend, listen vs both; defaults vs defaults
  if (cap !== PR_CAP_DEF) {
    const prev = ((cap & PR_CAP_FE) !== 0 ? st.frontends.get(name) : undefined) ??
      ((cap & PR_CAP_BE) !== 0 ? st.backends.get(name) : undefined);
    if (prev) {
      res.rawAlerts.push(`Parsing [${file}:${line}]: ${capName(cap)} '${name}' has the same name as ${capName(prev.cap)} '${name}' declared at ${prev.file}:${prev.line}.`);
    }
  } else if (name !== '' && st.defaults.has(name) && !st.ambiguousDefaults.has(name)) {
    // 2.6 accepts two defaults sections of one name; only a `from` naming them is refused
    const prev = st.defaults.get(name)!;
    st.ambiguousDefaults.set(name, `at least at ${prev.file}:${prev.line} and ${file}:${line}`);
  }
  let def: Proxy | null = null;
  if (fromName !== null) {
    def = st.defaults.get(fromName) ?? null;
    if (!def) {
      res.alerts.push(`defaults section '${fromName}' not found for ${capName(cap)} '${name}'.`);
      res.fatal = true; return res;
    }
    const amb = st.ambiguousDefaults.get(fromName);
    if (amb !== undefined) res.alerts.push(`ambiguous defaults section name '${fromName}' referenced by ${capName(cap)} '${name}' exists ${amb}.`);
    st.explicitlyUsed.add(def);
  } else if (cap !== PR_CAP_DEF) {
    def = st.curDefaults;
    if (def && st.explicitlyUsed.has(def)) {
      res.alerts.push(`defaults section '${def.name}' (declared at ${def.file}:${def.line}) is explicitly referenced by another proxy and implicitly used here. To avoid any ambiguity don't mix both usage. Add a last defaults section not explicitly used or always use explicit references.`);
    }
  }
  if (def !== null && cap !== PR_CAP_DEF && defaultsHaveRules(def)) {
    // HAProxy 2.6: rules of a defaults section run on one side only
    if ((cap & PR_CAP_LISTEN) === PR_CAP_LISTEN) {
      res.rawAlerts.push(`parsing [${file}:${line}]: a listen section cannot inherit from a defaults section defining TCP/HTTP rules.`);
      res.fatal = true; return res;
    }
    if (cap === PR_CAP_FE && def.tcp.resRules.length > 0) {
      res.rawAlerts.push(`parsing [${file}:${line}]: a frontend section cannot inherit from a defaults section defining 'tcp-response content' rules (defaults section at ${def.file}:${def.line}).`);
      res.fatal = true; return res;
    }
    const used = defaultsUsers.get(def) ?? 0;
    if ((used | cap) === PR_CAP_LISTEN) {
      res.rawAlerts.push(`parsing [${file}:${line}]: frontends and backends cannot inherit from the same defaults section if it defines TCP/HTTP rules (defaults section at ${def.file}:${def.line}).`);
      res.fatal = true; return res;
    }
    defaultsUsers.set(def, used | cap);
  }
  const px = newProxy(name, cap, file, line, def);
  res.proxy = px;
  if (cap === PR_CAP_DEF) {
    if (name !== '') st.defaults.set(name, px);
    st.curDefaults = px;
  } else {
    st.proxies.push(px);
    st.byName.set(name, px);
    if ((cap & PR_CAP_FE) !== 0 && !st.frontends.has(name)) st.frontends.set(name, px);
    if ((cap & PR_CAP_BE) !== 0 && !st.backends.has(name)) st.backends.set(name, px);
  }
  return res;
}

/** Which sides (PR_CAP_FE/BE) inherited from a defaults section that defines rules. */
const defaultsUsers = new WeakMap<Proxy, number>();

function defaultsHaveRules(def: Proxy): boolean {
  const t = def.tcp;
  const h = def.http as { reqRules?: unknown[]; resRules?: unknown[] } | undefined;
  return t.connRules.length + t.sessRules.length + t.contentRules.length + t.resRules.length > 0 ||
    (h?.reqRules?.length ?? 0) + (h?.resRules?.length ?? 0) > 0;
}

/** Messages produced by the whole-config checks. */
export interface FinalizeMessages { alerts: string[]; warnings: { px: Proxy; rank: number; text: string }[] }

/**
 * Whole-config checks once every file is parsed: assigns proxy ids in declaration order from `firstId`, skipping ids
 * set with `id` (HAProxy starts at 2 when a `stats socket` exists, its internal CLI proxy holding id 1, else at 1),
 * and server ids, and warns about missing timeouts.
 */
export function finalizeSections(st: SectionState, firstId: number): FinalizeMessages {
  const out: FinalizeMessages = { alerts: [], warnings: [] };
  const used = new Set<number>();
  for (const px of st.proxies) if (px.id > 0) used.add(px.id);
  let next = firstId;
  for (const px of st.proxies) {
    if (px.id === 0) { while (used.has(next)) next++; px.id = next; used.add(next); }
    // 2.6 numbers no server of a proxy `disabled` in the configuration (show servers state prints id 0)
    if (px.disabled) continue;
    const sused = new Set<number>();
    for (const s of px.servers) if (s.id > 0) sused.add(s.id);
    let sn = 1;
    for (const s of px.servers) if (s.id === 0) { while (sused.has(sn)) sn++; s.id = sn; sused.add(sn); }
  }
  for (const px of st.proxies) {
    // a listen section is its own default backend
    if ((px.cap & PR_CAP_LISTEN) === PR_CAP_LISTEN && px.defaultBackend === null && px.defaultBackendName === '') px.defaultBackend = px;
    if (px.disabled) continue;
    const t = px.timeouts;
    const missFe = (px.cap & PR_CAP_FE) !== 0 && t.client === 0;
    const missBe = (px.cap & PR_CAP_BE) !== 0 && (t.connect === 0 || t.server === 0) && px.servers.length > 0;
    if (missFe || missBe) {
      out.warnings.push({ px, rank: CHK_RANK_TIMEOUTS, text: `missing timeouts for ${capName(px.cap)} '${px.name}'.\n` +
        `   | While not properly invalid, you will certainly encounter various problems\n` +
        `   | with such a configuration. To fix this, please ensure that all following\n` +
        `   | timeouts are set to a non-zero value: 'client', 'connect', 'server'.` });
    }
    if ((px.cap & PR_CAP_FE) !== 0 && px.binds.length === 0) {
      out.warnings.push({ px, rank: CHK_RANK_NO_BIND, text: `${capName(px.cap)} '${px.name}' has no 'bind' directive. Please declare it as a backend if this was intended.` });
    }
  }
  return out;
}

export type { SectionKind };

/** All frontends, backends and listens a keyword context knows (both of a frontend/backend pair sharing a name). */
export function allProxies(ctx: KwCtx): readonly Proxy[] {
  return ctx.proxyList ?? [...new Set(ctx.proxies.values())];
}
