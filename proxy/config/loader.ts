/*
 * Loads configuration files (several -f, or directories whose *.cfg files are read in lexical order) into the runtime
 * model: tokenizes each line, opens sections (config/sections.ts), dispatches each line to the keyword found in the
 * registry, and collects HAProxy-style messages (`parsing [file:line] : ...`). It knows no keyword by name; unknown
 * words get "did you mean" hints, known-but-unimplemented HAProxy keywords get a clear "not supported" alert.
 * Parsing continues after errors so one run lists them all. Called by main.ts and tests. Hot path: no.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve as resolvePath } from 'node:path';
import { hostname } from 'node:os';
import type { GlobalSettings, Proxy } from '../model/types.ts';
import type { KwCtx, SectionKind } from './types.ts';
import { PR_CAP_BE, PR_CAP_FE, PR_CAP_DEF, CHK_RANK_L7_HASH, CHK_RANK_LOG_FORMAT } from './types.ts';
import { tcpModeWarnings } from './mode-checks.ts';
import { REMOVED_PROXY_KEYWORDS, REMOVED_OPTIONS, REMOVED_GLOBAL_KEYWORDS, DEPRECATED_PROXY_KEYWORDS } from './removed-keywords.ts';
import { IGNORED_OPTION_SIDE } from '../ignored.ts';
import { tokenizeLine } from './tokenizer.ts';
import { setTimeWarnSink } from './values.ts';
import { bestMatch } from './registry.ts';
import type { KeywordRegistry } from './registry.ts';
import { newGlobal } from '../model/factories.ts';
import type { StatsGlobalCfg } from '../stats/types.ts';
import { SLUICE_VERSION } from '../stats/info.ts';
import { haproxyCliEnv } from '../stats/socket-addr.ts';
import { derivedMaxconn, fdReserve } from '../stats/fd-limits.ts';
import { PR_MODE_HTTP } from '../model/types.ts';
import {
  isSectionHeader, openProxySection, newSectionState, finalizeSections, capName, UNSUPPORTED_SECTIONS,
  PROXY_SECTION_CAP,
} from './sections.ts';
import type { SectionState } from './sections.ts';
import { setCfgPosition } from './position.ts';
import { ignoredArgError } from './ignored-args.ts';
import { defaultPathFileStart, defaultPathRestore } from './default-path.ts';
import { argumentCountAlert } from './arg-limits.ts';
import {
  newCondState, condLine, condEnd, sanitizeForPrinting, COND_PASS, COND_NEXT, COND_REPORT, COND_STOP, COND_LVL_WARNING,
  COND_LVL_NOTICE,
} from './cond-blocks.ts';

export const CFG_ALERT = 0;
export const CFG_WARNING = 1;
export const CFG_NOTICE = 2;
/**
 * Printed as an [ALERT] but not an error (the configuration stays valid): the "Error(s) found in configuration file"
 * summary after a file, and 2.6's "'maxconn' already specified. Continuing.".
 */
export const CFG_ALERT_NOTE = 3;

/** One operator-facing message; `text` is what follows `config : ` in HAProxy's output. */
export interface CfgMessage {
  level: number;   // CFG_ALERT | CFG_WARNING | CFG_NOTICE
  text: string;
}

export interface LoadedConfig {
  global: GlobalSettings;
  /** frontends, backends and listens in declaration order (defaults sections excluded). */
  proxies: Proxy[];
  frontends: Map<string, Proxy>;
  backends: Map<string, Proxy>;
  defaults: Map<string, Proxy>;
  messages: CfgMessage[];
  alerts: number;
  warnings: number;
  files: string[];
  /** Files in which at least one alert was reported while parsing. */
  filesWithErrors: string[];
  /** Alerts raised after parsing (cross references, whole-config checks): HAProxy's "Fatal errors". */
  fatal: boolean;
  /** A section error stopped parsing (HAProxy's ERR_ABORT): no cross-reference checks, no "Fatal errors" line. */
  aborted: boolean;
  /** Messages emitted before a global `quiet` line (2.6 printed them before it went quiet), -1 without one. */
  quietAt: number;
}

/** Expands -f arguments: a directory gives its *.cfg regular files in lexical order. Missing paths are errors. */
export function expandConfigPaths(paths: readonly string[], msgs: CfgMessage[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    let st;
    try { st = statSync(p); } catch {
      msgs.push({ level: CFG_ALERT, text: `Cannot open configuration file/directory ${p} : No such file or directory` });
      continue;
    }
    if (st.isDirectory()) {
      const names = readdirSync(p).filter((n) => n.endsWith('.cfg')).sort();
      for (const n of names) { const f = join(p, n); if (statSync(f).isFile()) out.push(f); }
    } else out.push(p);
  }
  return out;
}

class LineCtx implements KwCtx {
  readonly file: string;
  readonly line: number;
  readonly section: SectionKind;
  readonly proxy: Proxy | null;
  readonly global: GlobalSettings;
  readonly proxies: ReadonlyMap<string, Proxy>;
  readonly proxyList: readonly Proxy[];
  private readonly ld: Loading;
  constructor(ld: Loading, file: string, line: number, section: SectionKind, proxy: Proxy | null) {
    this.ld = ld; this.file = file; this.line = line; this.section = section; this.proxy = proxy;
    this.global = ld.global; this.proxies = ld.st.byName; this.proxyList = ld.st.proxies;
  }
  alert(msg: string): void { this.ld.alert(this.file, `parsing [${this.file}:${this.line}] : ${msg}`); }
  warn(msg: string): void { this.ld.warn(`parsing [${this.file}:${this.line}] : ${msg}`); }
  alertRaw(msg: string): void { this.ld.alert(this.ld.postParsing ? '' : this.file, msg); }
  warnRaw(msg: string): void { this.ld.warn(msg); }
  postParse(fn: () => void): void { this.ld.post.push(fn); }
  abort(): void { this.ld.abortReq = true; }
  alertNote(msg: string): void { this.ld.messages.push({ level: CFG_ALERT_NOTE, text: `parsing [${this.file}:${this.line}] : ${msg}` }); }
  warnAbort(msg: string): void {
    this.ld.warn(`parsing [${this.file}:${this.line}]: ${msg}`);
    this.ld.alerts++;
    this.ld.filesWithErrors.add(this.file);
    this.ld.abortReq = true;
  }
  sectionEnd(fn: () => void): void { this.ld.sectionEnd.push(fn); }
  postCheck(fn: () => void): void { this.ld.late.push(fn); }
  warnProxy(px: Proxy, rank: number, msg: string): void { this.ld.warnProxy(px, rank, msg); }
  alertProxy(px: Proxy, rank: number, msg: string): void { this.ld.warnProxy(px, rank, msg, true); }
}

/**
 * A post-parse alert of sample argument resolution ("... referenced in arg N of ... in proxy 'x'.", "error in regex
 * ... in arg N of ... proxy 'x' : ..."): m[1] or m[2] = proxy.
 */
const ARG_RESOLVE_ERR = /^parsing \[[^\]]*\]: (?:unable to find [a-z ]+ '[^']*'(?: in proxy '[^']*',)? referenced in arg \d+ of .* in proxy '([^']*)'\.|error in regex .*? in arg \d+ of .*? proxy '([^']*)' : .*)$/;

class Loading {
  readonly global = newGlobal();
  readonly st: SectionState = newSectionState();
  readonly messages: CfgMessage[] = [];
  readonly post: (() => void)[] = [];
  readonly late: (() => void)[] = [];
  quietAt = -1;
  readonly filesWithErrors = new Set<string>();
  alerts = 0;
  warnings = 0;
  postParsing = false;
  fatal = false;
  aborted = false;
  abortReq = false;
  /** Checks to run when the current section ends (KwCtx.sectionEnd). */
  sectionEnd: (() => void)[] = [];
  endSection(): void {
    if (this.sectionEnd.length === 0) return;
    const fns = this.sectionEnd;
    this.sectionEnd = [];
    for (const fn of fns) fn();
  }
  /**
   * Post-parse argument resolution errors (unknown table/userlist named in a sample's argument), per proxy name in
   * order of appearance: 2.6 groups 2+ of one proxy under one "multiple argument resolution errors:" alert.
   */
  readonly argErrors = new Map<string, string[]>();
  alert(file: string, text: string): void {
    if (this.postParsing) {
      const m = ARG_RESOLVE_ERR.exec(text);
      if (m !== null) {
        const px = m[1] ?? m[2];
        let l = this.argErrors.get(px);
        if (l === undefined) { l = []; this.argErrors.set(px, l); }
        l.push(text);
        this.alerts++;
        this.fatal = true;
        return;
      }
    }
    this.messages.push({ level: CFG_ALERT, text });
    this.alerts++;
    if (file !== '') this.filesWithErrors.add(file); else this.fatal = true;
  }
  warn(text: string): void { this.messages.push({ level: CFG_WARNING, text }); this.warnings++; }
  /** Prints the argument resolution errors collected by alert(), one alert per proxy. */
  flushArgErrors(): void {
    for (const l of this.argErrors.values()) {
      this.messages.push({ level: CFG_ALERT, text: l.length === 1 ? l[0] : `multiple argument resolution errors:\n        ${l.join('\n        ')}` });
    }
    this.argErrors.clear();
  }
  /** Backends with their own (ignored) `option httplog`: the post-parse warning 2.6 adds when they are tcp. */
  readonly backendHttplog = new Map<Proxy, string>();
  /** Post-parse per-proxy warnings, printed by flushProxyWarnings() in HAProxy's order. */
  readonly proxyWarnings = new Map<Proxy, { rank: number; text: string; alert: boolean }[]>();
  warnProxy(px: Proxy, rank: number, text: string, alert = false): void {
    let l = this.proxyWarnings.get(px);
    if (l === undefined) { l = []; this.proxyWarnings.set(px, l); }
    l.push({ rank, text, alert });
  }
  /** Prints the per-proxy warnings (and alerts) proxy by proxy (declaration order), each proxy's sorted by rank (stable). */
  flushProxyWarnings(order: readonly Proxy[]): void {
    for (const px of order) {
      const l = this.proxyWarnings.get(px);
      if (l === undefined) continue;
      l.sort((a, b) => a.rank - b.rank);
      for (const w of l) { if (w.alert) this.alert('', w.text); else this.warn(w.text); }
    }
    this.proxyWarnings.clear();
  }
}

/**
 * Parses `paths` with the keywords of `reg`. Never throws on bad input: every problem is a message, `alerts > 0`
 * means the configuration must be rejected (exit 1). `env` feeds "${VAR}" expansion and is modified by setenv.
 */
export function loadConfig(paths: readonly string[], reg: KeywordRegistry, env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  const ld = new Loading();
  const early: CfgMessage[] = [];
  const files = expandConfigPaths(paths, early);
  // 2.6 exports these before parsing, so "${HAPROXY_LOCALPEER}" works in the configuration (the startup version stays
  // the first process's across reloads)
  if (env.HAPROXY_STARTUP_VERSION === undefined) env.HAPROXY_STARTUP_VERSION = SLUICE_VERSION;
  env.HAPROXY_LOCALPEER = hostname();
  for (const m of early) ld.alert('', m.text);
  // like 2.6, a missing -f path stops everything before any file is read (and without a "Fatal errors" line)
  if (early.length > 0) ld.aborted = true;
  if (files.length === 0 && early.length === 0) ld.alert('', 'No configuration file specified.');
  setTimeWarnSink((t) => ld.warn(t));
  try { return loadFiles(ld, reg, files, env); } finally { defaultPathRestore(ld.global); }
}

/** loadConfig once the files are known: parses them, runs the post-parse checks, returns the loaded configuration. */
function loadFiles(ld: Loading, reg: KeywordRegistry, files: string[], env: NodeJS.ProcessEnv): LoadedConfig {
  const cwd0 = process.cwd();      // file names are the command line's, whatever `default-path` did since
  for (const f of ld.aborted ? [] : files) {
    defaultPathFileStart(ld.global, f);
    let text: string;
    try { text = readFileSync(resolvePath(cwd0, f), 'utf8'); } catch (e) {
      ld.alert(f, `Could not open configuration file ${f} : ${(e as Error).message}`); continue;
    }
    const ok = parseFile(ld, reg, f, text, env);
    // 2.6 says so right after the file that had errors, before the next file's messages
    if (ld.filesWithErrors.has(f)) ld.messages.push({ level: CFG_ALERT_NOTE, text: `Error(s) found in configuration file : ${f}` });
    if (!ok) { ld.aborted = true; break; }
  }
  setTimeWarnSink(null);
  ld.postParsing = true;
  setCfgPosition('', 0, null);
  // ... and these once parsed (`show env` lists them): the files read and the stats sockets
  env.HAPROXY_CFGFILES = files.join(';');
  const cli = ld.global.ext.get('stats') as StatsGlobalCfg | undefined;
  if (cli !== undefined && cli.sockets.length > 0) env.HAPROXY_CLI = haproxyCliEnv(cli.sockets);
  // HAProxy runs its cross-reference checks only when parsing raised no alert (and was not aborted)
  const checked = !ld.aborted && ld.alerts === 0;
  if (checked) { for (const fn of ld.post) fn(); ld.flushArgErrors(); }
  const fin = finalizeSections(ld.st, ld.global.ext.has('stats') ? 2 : 1);
  // no global maxconn: 2.6 takes what the fd limit leaves once its own sockets are reserved
  if (ld.global.maxconn === 0) ld.global.maxconn = derivedMaxconn(fdReserve(ld.global, ld.st.proxies));
  bindLbAlgos(ld, reg);
  // like HAProxy, whole-config warnings are only printed when parsing itself succeeded
  if (checked) {
    for (const w of fin.warnings) ld.warnProxy(w.px, w.rank, w.text);
    for (const px of ld.st.proxies) for (const w of tcpModeWarnings(px)) ld.warnProxy(px, w.rank, w.text);
    for (const [px, w] of ld.backendHttplog) if (px.mode !== PR_MODE_HTTP) ld.warnProxy(px, CHK_RANK_LOG_FORMAT, w);
    ld.flushProxyWarnings(ld.st.proxies);
  }
  ld.proxyWarnings.clear();
  for (const a of fin.alerts) ld.alert('', a);
  if (checked) for (const fn of ld.late) fn();
  // `zero-warning`: a warning fails the load, in 2.6's words and without its "Fatal errors" line
  if (ld.warnings > 0 && ld.alerts === 0 && ld.global.ext.get('zero-warning') === true) {
    ld.alert('', "Some warnings were found and 'zero-warning' is set. Aborting.");
    ld.aborted = true;
  }
  return {
    global: ld.global, proxies: ld.st.proxies, frontends: ld.st.frontends, backends: ld.st.backends,
    defaults: ld.st.defaults, messages: ld.messages, alerts: ld.alerts, warnings: ld.warnings, files,
    filesWithErrors: [...ld.filesWithErrors], fatal: ld.fatal, aborted: ld.aborted, quietAt: ld.quietAt,
  };
}

/** Binds each backend's `balance` name to its registered LbAlgo (HAProxy warns and uses round robin when an HTTP
 * algorithm is used in tcp mode). */
function bindLbAlgos(ld: Loading, reg: KeywordRegistry): void {
  for (const px of ld.st.proxies) {
    if ((px.cap & PR_CAP_BE) === 0) continue;
    let algo = reg.lbAlgos.get(px.balance.algo) ?? null;
    if (algo === null) {
      ld.alert(px.balance.file, `parsing [${px.balance.file}:${px.balance.line}] : balance algorithm '${px.balance.algo}' is not available in this build.`);
      continue;
    }
    if (algo.needsHttp && px.mode !== PR_MODE_HTTP) {
      ld.warnProxy(px, CHK_RANK_L7_HASH, `Layer 7 hash not possible for ${capName(px.cap)} '${px.name}' (needs 'mode http'). Falling back to round robin.`);
      algo = reg.lbAlgos.get('roundrobin') ?? null;
    }
    px.lb = algo;
  }
}

/** Parses one file's text; returns false when a fatal section error stops the whole parse (as HAProxy's ERR_ABORT). */
function parseFile(ld: Loading, reg: KeywordRegistry, file: string, text: string, env: NodeJS.ProcessEnv): boolean {
  let section: SectionKind | '' = '';
  let px: Proxy | null = null;
  let skipping = false;
  let orphan = false;       // in the lines of a proxy header 2.6 refused (no proxy open)
  let lineNo = 0;
  let lastLine = 0;
  let pos = 0;
  let stopped = false;      // a directive stopped the file (2.6 reads no further line of it)
  const cond = newCondState();
  while (pos <= text.length) {
    let eol = text.indexOf('\n', pos);
    if (eol < 0) eol = text.length;
    const raw = text.slice(pos, eol);
    pos = eol + 1;
    lineNo++;
    if (raw.length === 0 && pos > text.length) break;
    lastLine = lineNo;
    const tk = tokenizeLine(raw, env);
    if (tk.err !== '') {
      const shown = sanitizeForPrinting(raw.trim(), Math.max(0, tk.errPos - (raw.length - raw.trimStart().length)), 80);
      ld.alert(file, `parsing [${file}:${lineNo}]: ${tk.err} at position ${tk.errPos + 1}:\n  ${shown.text}\n  ${' '.repeat(shown.pos)}^`);
      continue;
    }
    const args = tk.args;
    if (args.length === 0) continue;
    const cr = condLine(cond, args, /[ \t\r]$/.test(raw.split('#', 1)[0]), env);
    if (cr.act !== COND_PASS) {
      if (cr.act === COND_NEXT) continue;
      const text1 = `parsing [${file}:${lineNo}]: ${cr.msg}`;
      if (cr.act === COND_REPORT && cr.level === COND_LVL_WARNING) ld.warn(text1);
      else if (cr.act === COND_REPORT && cr.level === COND_LVL_NOTICE) ld.messages.push({ level: CFG_NOTICE, text: text1 });
      else ld.alert(file, text1);
      if (cr.act === COND_REPORT) continue;
      if (cr.act !== COND_STOP) return false;
      stopped = true;
      break;
    }
    if (isSectionHeader(args[0])) {
      ld.endSection();
      skipping = false;
      orphan = false;
      px = null;
      if (args[0] === 'global') {
        if (args.length > 1) ld.alert(file, `parsing [${file}:${lineNo}] : 'global' cannot handle unexpected argument '${args[1]}'.`);
        section = 'global';
        continue;
      }
      if (args[0] === 'userlist' || args[0] === 'http-errors' || reg.lookup(args[0] as SectionKind, args, 0) !== null) {
        // the header line itself goes to the section's keyword (http/userlist.ts, http/errors-cfg.ts,
        // dns/resolvers-section.ts: any section whose module registers a keyword of its name), which opens it
        section = args[0] as SectionKind;
        dispatchLine(ld, reg, file, lineNo, section, null, args);
        if (ld.abortReq) return false;
        continue;
      }
      if (args[0] === 'mailers') {
        // the 'email-alert' lines that use it are ignored with a warning (proxy/ignored.ts): refusing the file
        // for its mailers section alone would refuse a configuration whose traffic sluice proxies as written
        ld.warn(`parsing [${file}:${lineNo}] : section 'mailers' is ignored by sluice (no mail alerts are sent).`);
        section = ''; skipping = true; continue;
      }
      if (UNSUPPORTED_SECTIONS.includes(args[0])) {
        ld.alert(file, `parsing [${file}:${lineNo}] : section '${args[0]}' is not supported by sluice yet; its content is ignored.`);
        section = ''; skipping = true; continue;
      }
      if (args[0] !== 'defaults' && args.length > 2 && (args[2] !== 'from' || args.length === 3)) {
        // `listen <name> <address>` (1.x's listening address on the header line): 2.6 opens no proxy, says so
        // (frontend/listen only; a backend is skipped silently) and refuses each line of the section
        if (args[0] !== 'backend') ld.messages.push({ level: CFG_ALERT_NOTE, text: `parsing [${file}:${lineNo}] : please use the 'bind' keyword for listening addresses.` });
        section = ''; orphan = true; continue;
      }
      const r = openProxySection(ld.st, args, file, lineNo);
      for (const a of r.alerts) ld.alert(file, `parsing [${file}:${lineNo}] : ${a}`);
      for (const a of r.rawAlerts) ld.alert(file, a);
      if (r.fatal) return false;
      section = args[0] as SectionKind;
      px = r.proxy;
      continue;
    }
    if (skipping) continue;
    if (orphan) { ld.alert(file, `parsing [${file}:${lineNo}] : 'listen' or 'defaults' expected.`); continue; }
    if (section === '') {
      ld.alert(file, `parsing [${file}:${lineNo}]: unknown keyword '${args[0]}' out of section.`);
      continue;
    }
    dispatchLine(ld, reg, file, lineNo, section, px, args);
    if (ld.abortReq) return false;
  }
  // 2.6 refuses a file whose last line has no LF (it may have been cut), once that line is parsed
  if (!stopped && text.length > 0 && text.charCodeAt(text.length - 1) !== 10) {
    const last = text.slice(text.lastIndexOf('\n') + 1);
    ld.alert(file, `parsing [${file}:${lineNo}]: Missing LF on last line, file might have been truncated at position ${Buffer.byteLength(last) + 1}.`);
  }
  const open = condEnd(cond);
  if (open !== null) { ld.alert(file, `parsing [${file}:${lastLine}]: ${open}`); return false; }
  ld.endSection();
  return true;
}

/** Global keywords 2.6 refuses unless `expose-experimental-directives` came before (here ignored ones). */
const EXPERIMENTAL_GLOBAL: readonly string[] = ['tune.fd.edge-triggered'];

/** 2.6's alert (or warning) for a keyword removed before 2.6; true when the line was one. */
function removedKeyword(ld: Loading, file: string, line: number, family: string, w0: string, w1: string | undefined): boolean {
  if (family === 'global') {
    const g = REMOVED_GLOBAL_KEYWORDS.get(w0);
    if (g === undefined) return false;
    ld.alert(file, `parsing [${file}:${line}]${g[1] ? '' : ' '}: ${g[0]}`);
    return true;
  }
  const p = REMOVED_PROXY_KEYWORDS.get(w0);
  if (p !== undefined) { ld.alert(file, `parsing [${file}:${line}] : ${p}`); return true; }
  const o = w0 === 'option' && w1 !== undefined ? REMOVED_OPTIONS.get(w1) : undefined;
  if (o !== undefined) { ld.alert(file, `parsing [${file}:${line}]: ${o}`); return true; }
  const d = DEPRECATED_PROXY_KEYWORDS.get(w0);
  if (d !== undefined) { ld.warn(`parsing [${file}:${line}]: ${d}`); return true; }
  return false;
}

/** Options 2.6 words "directive is ignored in backends" for (others: "ignored because ... no frontend capability"). */
const LOG_FORMAT_OPTIONS = ['httplog', 'tcplog', 'httpslog'];

/** Rule keywords a named defaults section may hold in 2.6 (an anonymous one may not). */
const NAMED_DEFAULTS_ONLY = ['acl', 'http-request', 'http-response', 'http-after-response', 'tcp-request', 'tcp-response'];

/** 2.6's words for a keyword refused in a defaults section (they differ per keyword). */
function notInDefaults(ctx: LineCtx, px: Proxy, name: string, args: readonly string[]): void {
  if (name === 'server') { ctx.alertRaw(`[${ctx.file}:${ctx.line}] : 'server' not allowed in 'defaults' section.`); return; }
  if (name === 'capture' && args[1] !== undefined) name = 'capture ' + args[1];
  const anon = px.name === '' && NAMED_DEFAULTS_ONLY.includes(name);
  ctx.alert(`'${name}' not allowed in ${anon ? 'anonymous ' : ''}'defaults' section.`);
}

/** The order 2.6 evaluates request rules in, and the words its "placed after" warnings use for each. */
const RULE_STAGES = ['tcp-request connection', 'tcp-request session', 'tcp-request content', 'monitor fail', 'http-request',
  'redirect', 'use_backend', 'use-server'];
const rulesSeen = new WeakMap<Proxy, number>();

/**
 * After a rule is accepted: 2.6's warning when a rule of an earlier stage follows one of a later stage (it names the
 * earliest such later stage). Among tcp-request rules tcp/rules.ts says it already.
 */
function ruleOrder(ctx: KwCtx, px: Proxy, args: readonly string[]): void {
  const k = args[0] === 'tcp-request' ? RULE_STAGES.indexOf('tcp-request ' + (args[1] ?? ''))
    : args[0] === 'monitor' && args[1] === 'fail' ? 3 : RULE_STAGES.indexOf(args[0] ?? '');
  if (k < 0 || (k < 3 && args[0] !== 'tcp-request')) return;
  const seen = rulesSeen.get(px) ?? 0;
  for (let j = k + 1; j < RULE_STAGES.length; j++) {
    if ((seen & (1 << j)) === 0) continue;
    if (j > 2) ctx.warn(`a '${args[0]}' rule placed after ${j === 4 ? 'an' : 'a'} '${RULE_STAGES[j]}' rule will still be processed before.`);
    break;
  }
  rulesSeen.set(px, seen | (1 << k));
}

/** http-request / http-response actions after which, without a condition, 2.6 evaluates nothing more. */
const FINAL_ACTIONS: Readonly<Record<string, readonly string[]>> = {
  'http-request': ['allow', 'deny', 'tarpit', 'auth', 'redirect', 'return'],
  'http-response': ['allow', 'deny', 'redirect', 'return'],
  'http-after-response': ['allow'],
};
/** Per proxy, the rule lists whose last accepted rule is final and unconditional. */
const lastFinal = new WeakMap<Proxy, Set<string>>();

function noteFinal(px: Proxy, args: readonly string[]): void {
  const finals = FINAL_ACTIONS[args[0] ?? ''];
  if (finals === undefined) return;
  let set = lastFinal.get(px);
  if (set === undefined) { set = new Set(); lastFinal.set(px, set); }
  const unconditional = !args.slice(2).some((a) => a === 'if' || a === 'unless');
  if (finals.includes(args[1] ?? '') && unconditional) set.add(args[0]!); else set.delete(args[0]!);
}

/** Options 2.6 parses by hand, without `no`/`default` forms (checked with haproxy -c: "negation/default is not supported"). */
const NO_NEGATION_OPTIONS = new Set(['external-check', 'forwardfor', 'http-restrict-req-hdr-names', 'httpchk', 'httplog',
  'httpslog', 'ldap-check', 'mysql-check', 'originalto', 'pgsql-check', 'redis-check', 'smtpchk', 'spop-check',
  'ssl-hello-chk', 'tcp-check', 'tcpka', 'tcplog']);

/** Global keywords 2.6 accepts after `no`/`default` that Sluice ignores (proxy/ignored.ts). */
const NEGATABLE_IGNORED = new Set(['busy-polling', 'set-dumpable', 'strict-limits', 'numa-cpu-mapping']);

function dispatchLine(ld: Loading, reg: KeywordRegistry, file: string, lineNo: number, section: SectionKind,
  px: Proxy | null, args: string[]): void {
  const ctx = new LineCtx(ld, file, lineNo, section, px);
  setCfgPosition(file, lineNo, px, args, ctx);
  const neg = args[0] === 'no' || args[0] === 'default';
  const from = neg ? 1 : 0;
  if (neg && args[1] === 'option' && section !== 'global' && NO_NEGATION_OPTIONS.has(args[2] ?? '')) {
    ld.alert(file, `parsing [${file}:${lineNo}]: negation/default is not supported for option '${args[2]}'.`);
    return;
  }
  const m = reg.lookup(section, args, from);
  if (m) {
    if (neg && !m.kw.allowNo) {
      ld.alert(file, `parsing [${file}:${lineNo}]: negation/default currently supported only for options, log, busy-polling, set-dumpable, strict-limits, insecure-fork-wanted and numa-cpu-mapping.`);
      return;
    }
    if (px && m.kw.cap !== undefined && (m.kw.cap & px.cap) === 0) {
      if ((px.cap & PR_CAP_DEF) !== 0) notInDefaults(ctx, px, m.kw.name, args);
      else {
        const missing = (m.kw.cap & PR_CAP_BE) !== 0 && (px.cap & PR_CAP_BE) === 0 ? 'backend' : 'frontend';
        const name = m.kw.name.startsWith('option ') ? m.kw.name.slice(7) : m.kw.name;
        if (name === 'server') {
          ctx.alertRaw(`[${file}:${lineNo}] : parsing [${file}:${lineNo}] : 'server' not allowed because ${capName(px.cap)} '${px.name}' has no ${missing} capability.`);
        } else if (LOG_FORMAT_OPTIONS.includes(name) && missing === 'frontend') {
          ctx.warn(`backend '${px.name}' : '${m.kw.name}' directive is ignored in backends.`);
          // 2.6 still records it, and says again at post-parse that a tcp backend cannot use it
          if (name === 'httplog') ld.backendHttplog.set(px, `parsing [${file}:${lineNo}] : 'option httplog' not usable with backend '${px.name}' (needs 'mode http'). Falling back to 'option tcplog'.`);
        } else ctx.warn(`'${name}' ignored because ${capName(px.cap)} '${px.name}' has no ${missing} capability.`);
      }
      return;
    }
    if (px !== null && lastFinal.get(px)?.has(args[0]!) === true) {
      ctx.warnRaw(`parsing [${file}:${lineNo}]: previous '${args[0]}' action is final and has no condition attached, further entries are NOOP.`);
    }
    const count = section === 'global' ? argumentCountAlert('global', args, from)
      : px !== null ? argumentCountAlert('proxy', args, from) : null;
    if (count !== null) { ctx.alert(count); return; }
    const before = ld.alerts;
    // a time value with letters after its unit on a server line is that server's warning in 2.6
    const srvLine = px !== null && (args[0] === 'server' || args[0] === 'default-server');
    if (srvLine) setTimeWarnSink((t) => ld.warn((args[0] === 'server' ? `[${file}:${lineNo}] : 'server ${px.name}/${args[1] ?? ''}' : ` : `[${file}:${lineNo}] : `) + t));
    m.kw.parse(args, ctx);
    if (section === 'global' && args[0] === 'quiet' && ld.quietAt < 0) ld.quietAt = ld.messages.length;
    if (srvLine) setTimeWarnSink((t) => ld.warn(t));
    if (px !== null && ld.alerts === before) { ruleOrder(ctx, px, args); noteFinal(px, args); }
    return;
  }
  const family = section === 'global' ? 'global' : 'proxy';
  const w0 = args[from] ?? '';
  if (family === 'proxy' && w0 === 'option' && (args[from + 1] ?? '') === '') {
    ld.alert(file, args[0] === 'default' ? `parsing [${file}:${lineNo}]: negation/default is not supported for option 'option'.`
      : `parsing [${file}:${lineNo}]: 'option' expects an option name.`);
    return;
  }
  // global flags 2.6 lets one negate, which Sluice ignores: `no X` turns off what Sluice never does (silent, as in
  // 2.6); `default X` reads X as an argument of X in 2.6 (numa-cpu-mapping excepted)
  if (neg && section === 'global' && NEGATABLE_IGNORED.has(w0)) {
    if (args[0] === 'default' && w0 !== 'numa-cpu-mapping') ld.alert(file, `parsing [${file}:${lineNo}] : '${w0}' cannot handle unexpected argument '${w0}'.`);
    return;
  }
  // 2.6 refuses the prefix first, then looks the word up like any other
  if (neg && w0 !== 'option') {
    ld.alert(file, `parsing [${file}:${lineNo}]: negation/default currently supported only for options, log, busy-polling, set-dumpable, strict-limits, insecure-fork-wanted and numa-cpu-mapping.`);
  }
  if (removedKeyword(ld, file, lineNo, family, w0, args[from + 1])) return;
  const side = px !== null && w0 === 'option' ? IGNORED_OPTION_SIDE.get(args[from + 1] ?? '') : undefined;
  if (side !== undefined && px !== null && (px.cap & PR_CAP_DEF) === 0 && (px.cap & (side === 'backend' ? PR_CAP_BE : PR_CAP_FE)) === 0) {
    ctx.warn(`'${args[from + 1]}' ignored because ${capName(px.cap)} '${px.name}' has no ${side} capability.`);
    return;
  }
  const ign = reg.ignoredKw(family, w0 === 'option' ? 'option ' + (args[from + 1] ?? '') : w0);
  if (ign !== undefined && family === 'global' && EXPERIMENTAL_GLOBAL.includes(w0) && ld.global.ext.get('expose-experimental-directives') !== true) {
    ld.alert(file, `parsing [${file}:${lineNo}] : '${w0}' directive is experimental, must be allowed via a global 'expose-experimental-directives'`);
    return;
  }
  if (ign !== undefined) {
    const count = argumentCountAlert(family, args, from);
    if (count !== null) { ctx.alert(count); return; }
    const bad = ignoredArgError(w0, args[from + 1]);
    if (bad !== null) { ctx.alert(bad); return; }
    ctx.warn(`'${w0 === 'option' ? 'option ' + args[from + 1] : w0}' is ignored by sluice (${ign[1]}).`);
    return;
  }
  if (w0 === 'option' && args.length > from + 1) {
    const opt = args[from + 1];
    if (reg.isUnsupported(family, 'option ' + opt)) {
      ctx.alert(`option '${opt}' is a HAProxy 2.6 option not supported by sluice yet.`);
      return;
    }
    // 2.6.12 answers `no option <unknown>` with the negation message, not the unknown-option one
    if (neg) { ld.alert(file, `parsing [${file}:${lineNo}]: negation/default is not supported for option '${opt}'.`); return; }
    const hint = bestMatch(opt, [...reg.subwords(section, 'option'),
      ...reg.unsupportedNames(family).filter((n) => n.startsWith('option ')).map((n) => n.slice(7))]);
    ctx.alert(`unknown option '${opt}'${hint !== '' ? `; did you mean '${hint}' maybe ?` : '.'}`);
    return;
  }
  if (reg.isUnsupported(family, w0) || (args.length > from + 1 && reg.isUnsupported(family, w0 + ' ' + args[from + 1]))) {
    const name = reg.isUnsupported(family, w0) ? w0 : w0 + ' ' + args[from + 1];
    ctx.alert(`'${name}' is a HAProxy 2.6 keyword not supported by sluice yet (in '${section}' section).`);
    return;
  }
  const cands = new Set<string>();
  for (const n of reg.names(section)) cands.add(n.split(' ')[0]);
  for (const n of SECTION_KEYWORDS) cands.add(n);
  // 2.6 also knows (and may suggest) the keywords Sluice has not implemented
  for (const n of reg.unsupportedNames(family)) if (!n.startsWith('option ')) cands.add(n.split(' ')[0]);
  const hint = NO_HINT_SECTIONS.includes(section) ? '' : bestMatch(w0, cands);
  ctx.alert(`unknown keyword '${w0}' in '${section}' section${hint !== '' ? `; did you mean '${hint}' maybe ?` : ''}`);
}

/** Sections 2.6 parses with a parser of their own, which suggests nothing for an unknown keyword. */
const NO_HINT_SECTIONS: readonly string[] = ['cache'];

/** Section headers, also offered as "did you mean" hints (2.6 suggests 'frontend' for 'frontnd' in any section). */
const SECTION_KEYWORDS = ['global', 'defaults', 'frontend', 'backend', 'listen', 'userlist', 'peers', 'resolvers',
  'mailers', 'ring', 'cache', 'program', 'http-errors'];

export { PROXY_SECTION_CAP };
