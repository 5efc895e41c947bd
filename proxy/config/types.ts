/*
 * Configuration types: sections, the keyword-table contract every module registers into, and the parse context.
 * Types only (the -t.h of config/). The loader (config/loader.ts) knows no keyword by name: each module exports
 * `keywords: CfgKeyword[]` and proxy/modules.ts registers them. Hot path: no (load time only).
 */
import type { Proxy, GlobalSettings, Server, BindCfg } from '../model/types.ts';

/** Section kinds as written in the file. `listen` = frontend + backend in one proxy. */
export type SectionKind = 'global' | 'defaults' | 'frontend' | 'backend' | 'listen' | 'userlist' | 'peers' | 'resolvers' | 'mailers' | 'program' | 'http-errors' | 'ring' | 'cache';

/** Proxy capabilities, a bit mask: what a keyword may appear in. */
export const PR_CAP_NONE = 0;
export const PR_CAP_FE = 1;
export const PR_CAP_BE = 2;
export const PR_CAP_DEF = 4;
export const PR_CAP_LISTEN = PR_CAP_FE | PR_CAP_BE;

/**
 * The parse context handed to every keyword parser. `alert` marks the load as failed (non-zero exit) but parsing
 * goes on so one run lists every error; `warn` only prints. Both prefix `file:line` themselves.
 */
export interface KwCtx {
  readonly file: string;
  readonly line: number;
  readonly section: SectionKind;
  /** The proxy being parsed (a `defaults` section is a proxy too, cap PR_CAP_DEF); null in `global`. */
  readonly proxy: Proxy | null;
  readonly global: GlobalSettings;
  /** All proxies parsed so far, by name (for `use_backend` checks at post-parse, `track`, ...). */
  readonly proxies: ReadonlyMap<string, Proxy>;
  /**
   * Every frontend, backend and listen parsed so far, in order (the map above keeps one proxy per name: a frontend
   * and a backend may share one). Walk this one, through allProxies(), to visit them all.
   */
  readonly proxyList?: readonly Proxy[];
  alert(msg: string): void;
  warn(msg: string): void;
  /** Same, without the `parsing [file:line] : ` prefix (HAProxy's post-parse messages: "Proxy 'fe': ..."). */
  alertRaw(msg: string): void;
  warnRaw(msg: string): void;
  /** Registers a check to run once every file is parsed (name resolution, cross-references). */
  postParse(fn: () => void): void;
  /** Stops parsing after this line, as HAProxy's ERR_ABORT (its http-request/-response rule errors do that). */
  abort?(): void;
  /**
   * A post-parse warning about one proxy: the loader prints them proxy by proxy in declaration order, sorted by
   * `rank` (CHK_RANK_*: the order of HAProxy's checks). Falls back to warnRaw where the loader has no such pass.
   */
  warnProxy?(px: Proxy, rank: number, msg: string): void;
  /** The same for a post-parse [ALERT] (it rejects the configuration), printed among them by rank. */
  alertProxy?(px: Proxy, rank: number, msg: string): void;
  /** An [ALERT] line (with `parsing [file:line] : `) that leaves the configuration valid, as 2.6's "already specified". */
  alertNote?(msg: string): void;
  /** A [WARNING] line (with `parsing [file:line]: `) that still rejects the file and stops parsing (2.6's ERR_ABORT). */
  warnAbort?(msg: string): void;
  /** Runs `fn` when the current section ends (next section header or end of file), as 2.6's post-section parsers. */
  sectionEnd?(fn: () => void): void;
  /**
   * Registers a check run after the whole-config checks, when parsing raised no alert: 2.6's last checks and
   * startup steps (incomplete peers sections), whose messages follow every other one.
   */
  postCheck?(fn: () => void): void;
}

/** Order of HAProxy 2.6's per-proxy post-parse warnings (check_config_validity), for KwCtx.warnProxy. */
export const CHK_RANK_DEFAULT_BACKEND = 5;
export const CHK_RANK_COOKIE = 10;
export const CHK_RANK_L7_HASH = 20;
export const CHK_RANK_LOG_FORMAT = 30;
export const CHK_RANK_NO_BIND = 35;
export const CHK_RANK_BACKEND_MODE = 37;
export const CHK_RANK_TIMEOUTS = 40;
export const CHK_RANK_LOG_ADDRESS = 45;
export const CHK_RANK_STATS = 48;
export const CHK_RANK_REQ_RULES = 50;
export const CHK_RANK_RES_RULES = 55;
export const CHK_RANK_FORWARDFOR = 60;
export const CHK_RANK_SRV_COOKIE = 90;
export const CHK_RANK_CHECK_RULES = 95;    // http-check / tcp-check / external-check lines without their option

/**
 * One configuration keyword. `name` may have several words ("option httplog", "timeout connect",
 * "http-request", "stats socket"); the registry picks the longest registered prefix of the line's words.
 * `args` is the whole line's words, args[0] the first word ("option" for "option httplog").
 * A line starting with `no` or `default` is passed with `ctx`-visible `args[0] === 'no'` only for keywords
 * that set `allowNo`.
 */
export interface CfgKeyword {
  readonly section: SectionKind | readonly SectionKind[];
  readonly name: string;
  /** For proxy sections: where the keyword is allowed (PR_CAP_* mask; default: all proxy kinds). */
  readonly cap?: number;
  readonly allowNo?: boolean;
  parse(args: readonly string[], ctx: KwCtx): void;
}

/**
 * One keyword of a `server` / `default-server` line (after `<name> <addr>`), like HAProxy's srv_kws. `args` is the
 * whole line, `i` the index of this keyword; parse returns how many words it consumed (1 for a flag, 2 for
 * `weight 10`), or a negative number after ctx.alert() to stop parsing that line. `tmpl` is true on default-server.
 */
export interface SrvKeyword {
  readonly name: string;
  /** Allowed on default-server (most are). */
  readonly defaultOk: boolean;
  parse(srv: Server, args: readonly string[], i: number, ctx: KwCtx, tmpl: boolean): number;
}

/** One keyword of a `bind` line (after the address), like HAProxy's bind_kws. Same return convention as SrvKeyword. */
export interface BindKeyword {
  readonly name: string;
  parse(bind: BindCfg, args: readonly string[], i: number, ctx: KwCtx): number;
}
