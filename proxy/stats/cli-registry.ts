/*
 * The CLI keyword registry: every 2.6 help line (cli-usage.ts) plus the commands modules register (registerCli),
 * command lookup by words, the `help [words]` reply and the "Unknown command" suggestions ranked by HAProxy's word
 * fingerprint distance. A registry is a plain object so tests build their own; proxy/modules.ts fills the default.
 * Hot path: no.
 */
import type { CliCommand, CliReply, CliSession, CliEnv } from './types.ts';
import { LOG_INFO, LOG_ERR } from './types.ts';
import { CLI_USAGE_26, CLI_USAGE_TAIL } from './cli-usage.ts';
import { CLI_ORDER_26 } from './cli-order.ts';
import { wordFingerprint, fingerprintDistance } from '../config/fingerprint.ts';

export interface CliEntry {
  words: readonly string[];
  usage: string | null;
  cmd: CliCommand | null;
}

export interface CliRegistry {
  entries: CliEntry[];
}

const MAX_MATCHES = 5;

/** Leading words of a usage line, up to the first placeholder or option token. */
export function usageWords(usage: string): string[] {
  const end = usage.indexOf(': ', 39) >= 0 && usage.length > 40 && usage[40] === ':' ? 40 : usage.indexOf(':');
  const head = usage.slice(0, end).trim().split(/\s+/);
  const w: string[] = [];
  for (const t of head) {
    const c = t[0]!;
    if (c === '[' || c === '<' || c === '(' || c === '{' || c === '#' || t.includes('<') || t.includes('|')) break;
    w.push(t);
  }
  return w;
}

/** A registry with every 2.6 help line (unimplemented ones answer "not supported") and the hidden keywords. */
export function newCliRegistry(): CliRegistry {
  const entries: CliEntry[] = [];
  for (const u of CLI_USAGE_26) entries.push({ words: usageWords(u), usage: u, cmd: null });
  for (const w of [['help'], ['prompt'], ['quit'], ['_getsocks'], ['expert-mode'], ['experimental-mode']]) {
    entries.push({ words: w, usage: null, cmd: null });
  }
  return { entries };
}

function sameWords(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** CLI commands of other modules (proxy/stick), attached after the stats commands by stats/runtime.ts. */
export const moduleCliCommands: CliCommand[] = [];
export function addModuleCli(cmds: readonly CliCommand[]): void {
  for (const c of cmds) if (!moduleCliCommands.includes(c)) moduleCliCommands.push(c);
}

/** Attaches commands to their help lines (by words); a command whose words are new is added with its own usage. */
export function registerCli(reg: CliRegistry, cmds: readonly CliCommand[]): void {
  for (const cmd of cmds) {
    const e = reg.entries.find((x) => sameWords(x.words, cmd.words));
    if (e !== undefined) e.cmd = cmd;
    else reg.entries.push({ words: cmd.words, usage: cmd.usage, cmd });
  }
}

/** The entry whose words all prefix `args` (the first such, in registration order), or null. */
export function findCli(reg: CliRegistry, args: readonly string[]): CliEntry | null {
  let best: CliEntry | null = null;
  for (const e of reg.entries) {
    if (e.words.length > args.length) continue;
    let ok = true;
    for (let i = 0; i < e.words.length; i++) if (e.words[i] !== args[i]) { ok = false; break; }
    if (ok && (best === null || e.words.length > best.words.length)) best = e;
  }
  return best;
}

/** The part of a help line before its `: ` description column. */
function usageHead(u: string): string {
  return (u.length > 40 && u[40] === ':' ? u.slice(0, 40) : u.slice(0, Math.max(0, u.indexOf(':')))).trimEnd();
}

const ORDER_RANK = new Map(CLI_ORDER_26.map((h, i) => [h, i]));
const byRegistration = new WeakMap<CliRegistry, { n: number; list: CliEntry[] }>();

/** The entries in 2.6's registration order (CLI_ORDER_26), commands of Sluice's own after them. */
function registrationOrder(reg: CliRegistry): CliEntry[] {
  const c = byRegistration.get(reg);
  if (c !== undefined && c.n === reg.entries.length) return c.list;
  const rank = (e: CliEntry, i: number): number => (e.usage === null ? 1e6 : ORDER_RANK.get(usageHead(e.usage)) ?? 1e3 + i);
  const list = reg.entries.map((e, i) => ({ e, r: rank(e, i) })).sort((a, b) => a.r - b.r).map((x) => x.e);
  byRegistration.set(reg, { n: reg.entries.length, list });
  return list;
}

function cmpUsage(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The `help [words]` reply (ishelp) or the unknown-command reply for `args`, like 2.6: count the longest run of
 * exactly matching leading words, fuzzy-rank the visible commands sharing that prefix on the remaining words, and
 * list the close ones, or every command sharing the prefix when none is close.
 */
export function usageMessage(reg: CliRegistry, args: readonly string[], ishelp: boolean): string {
  let length = 0;
  for (const e of reg.entries) {
    for (let i = 0; i < e.words.length && i < args.length; i++) {
      if (args[i] === '' || e.words[i] !== args[i]) break;
      if (i + 1 > length) length = i + 1;
    }
  }
  let out: string;
  if (ishelp) out = 'The following commands are valid at this level:\n';
  else if (length === 0 && (args.length === 0 || args[0] === '')) out = 'Unknown command. Please enter one of the following commands only:\n';
  else out = 'Unknown command, but maybe one of the following ones is a better match:\n';

  const matches: { e: CliEntry; dist: number }[] = [];
  if (length < args.length && args[length] !== '') {
    for (const e of registrationOrder(reg)) {
      let idx = 0;
      for (; idx < length; idx++) {
        if (idx >= e.words.length || e.words[idx] !== args[idx]) break;
      }
      if (e.usage === null || idx !== length) continue;
      const ws = new Uint8Array(1024);
      const ls = new Uint8Array(1024);
      let totlen = 0;
      for (let i = idx; i < args.length && i < 5 && args[i] !== ''; i++) { wordFingerprint(ws, args[i]!); totlen += args[i]!.length; }
      for (let i = idx; i < e.words.length && i < 5; i++) { wordFingerprint(ls, e.words[i]!); totlen += e.words[i]!.length; }
      const dist = fingerprintDistance(ws, ls);
      if (dist < Math.trunc((5 * totlen) / 2)) {
        if (matches.length < MAX_MATCHES) matches.push({ e, dist });
        else if (dist < matches[MAX_MATCHES - 1]!.dist) matches[MAX_MATCHES - 1] = { e, dist };
        else continue;
        // keep sorted by distance, stable for equal distances (insertion from the end)
        for (let i = matches.length - 1; i > 0 && matches[i]!.dist < matches[i - 1]!.dist; i--) {
          const t = matches[i]!; matches[i] = matches[i - 1]!; matches[i - 1] = t;
        }
      }
    }
  }
  const list: string[] = [];
  if (matches.length > 0) {
    const d0 = matches[0]!.dist;
    for (const m of matches) {
      if (m.dist > Math.trunc((5 * d0) / 2)) break;
      list.push(m.e.usage!);
    }
  } else {
    for (const e of reg.entries) {
      if (e.usage === null) continue;
      let idx = 0;
      for (; idx < length; idx++) {
        if (idx >= e.words.length || idx >= args.length || e.words[idx] !== args[idx]) break;
      }
      if (idx === length) list.push(e.usage);
    }
  }
  list.sort(cmpUsage);
  for (const u of list) out += '  ' + u + '\n';
  return out + CLI_USAGE_TAIL;
}

const NOT_SUPPORTED = 'This command is not supported by Sluice.\n';

/**
 * Runs one command (already split into words) for session `s`: help/unknown handling, the level check, then the
 * command's parse(). `prompt`/`quit` are handled by the server, not here.
 */
export function runCli(reg: CliRegistry, args: readonly string[], s: CliSession, env: CliEnv): CliReply {
  if (args.length > 0 && args[0] === 'help') {
    return { text: usageMessage(reg, args.slice(1), true), severity: LOG_INFO };
  }
  const e = args.length > 0 && args[0] !== '' ? findCli(reg, args) : null;
  if (e === null || (e.usage === null && e.cmd === null)) {
    return { text: usageMessage(reg, args, false), severity: LOG_INFO };
  }
  if (e.cmd === null) return { text: NOT_SUPPORTED, severity: LOG_ERR };
  if (s.level < e.cmd.level) return { text: 'Permission denied\n', severity: LOG_ERR };
  return e.cmd.parse(args, s, env);
}

