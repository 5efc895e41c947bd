/*
 * Conditional blocks of the configuration, as HAProxy 2.6 reads them (configuration.txt 2.4): the directives `.if`,
 * `.elif`, `.else`, `.endif` keep or drop the lines that follow; `.alert`, `.warning`, `.notice`, `.diag` report
 * a message. Conditions are 2.6's expressions: integers (strtol, base 0), `( )`, `!`, `&&` over `||`, and the
 * predicates defined, feature, streq, strneq, version_atleast, version_before, with 2.6's error texts and positions
 * (checked against haproxy 2.6.12, fixtures/configs/errors/cond-*). `feature()` reads CFG_COND_FEATURES (what Sluice
 * has, also printed by `sluice -vv`); the version predicates compare with 2.6.12, the release Sluice follows.
 * Called by config/loader.ts for every tokenized line before anything else looks at it. Hot path: no.
 */

/** Sluice's build features as `haproxy -vv` names them; feature(<name>) is true for the ones listed with '+'. */
export const CFG_COND_FEATURES = '+OPENSSL +PROMEX +ZLIB +GETADDRINFO +TFO -LUA -QUIC -PCRE -PCRE2 -THREAD -51DEGREES ' +
  '-DEVICEATLAS -WURFL -OT -LINUX_SPLICE -LINUX_TPROXY -NETFILTER';

/** What the loader does with a line once the blocks have seen it. */
export const COND_PASS = 0;     // an ordinary line in a kept block: parse it
export const COND_NEXT = 1;     // a directive or a dropped line: go on with the next line
export const COND_REPORT = 2;   // `msg` at `level`, then the next line
export const COND_STOP = 3;     // alert `msg`, stop reading this file (then the end-of-file check runs)
export const COND_ABORT = 4;    // alert `msg`, stop everything (2.6's ERR_ABORT: no later check, no "Fatal errors")

export const COND_LVL_ALERT = 0;
export const COND_LVL_WARNING = 1;
export const COND_LVL_NOTICE = 2;

export interface CondResult { act: number; msg: string; level: number }

// state of one nesting level
const LVL_TAKE = 0;        // this block's lines are kept
const LVL_DROP = 1;        // dropped, a later .elif/.else may still be taken
const LVL_DONE = 2;        // dropped, a previous branch was taken
const LVL_ELSE_TAKE = 3;
const LVL_ELSE_DROP = 4;
const LVL_OUTER_DROP = 5;  // inside a dropped block: everything up to the matching .endif is dropped

/** The open levels of one file (2.6 starts each file at level 0). */
export interface CondState { levels: number[] }

export function newCondState(): CondState { return { levels: [] }; }

function dropping(st: CondState): boolean {
  const n = st.levels.length;
  return n > 0 && st.levels[n - 1] !== LVL_TAKE && st.levels[n - 1] !== LVL_ELSE_TAKE;
}

const NEXT: CondResult = { act: COND_NEXT, msg: '', level: 0 };
const PASS: CondResult = { act: COND_PASS, msg: '', level: 0 };

/**
 * One tokenized, non-empty line. `trailingBlank`: the line had blanks after its last word (2.6 rebuilds the
 * condition from the line's words, so its error texts keep one trailing space).
 */
export function condLine(st: CondState, args: readonly string[], trailingBlank: boolean, env: NodeJS.ProcessEnv): CondResult {
  const w = args[0];
  const lv = st.levels;
  const top = lv.length - 1;
  switch (w) {
    case '.if': {
      if (dropping(st)) { lv.push(LVL_OUTER_DROP); return NEXT; }
      lv.push(LVL_TAKE);
      const r = evalDirective(w, args, trailingBlank, env);
      if (typeof r === 'string') return { act: COND_ABORT, msg: r, level: COND_LVL_ALERT };
      lv[lv.length - 1] = r ? LVL_TAKE : LVL_DROP;
      return NEXT;
    }
    case '.elif': {
      if (top < 0) return { act: COND_ABORT, msg: "lone '.elif' with no matching '.if'.", level: COND_LVL_ALERT };
      if (lv[top] === LVL_ELSE_TAKE || lv[top] === LVL_ELSE_DROP) return { act: COND_ABORT, msg: "'.elif' after '.else' is not permitted.", level: COND_LVL_ALERT };
      if (lv[top] === LVL_OUTER_DROP) return NEXT;
      if (lv[top] === LVL_TAKE || lv[top] === LVL_DONE) { lv[top] = LVL_DONE; return NEXT; }
      const r = evalDirective(w, args, trailingBlank, env);
      if (typeof r === 'string') return { act: COND_ABORT, msg: r, level: COND_LVL_ALERT };
      lv[top] = r ? LVL_TAKE : LVL_DROP;
      return NEXT;
    }
    case '.else':
    case '.endif': {
      if (args.length > 1) return { act: COND_STOP, msg: `Unexpected argument '${args[1]}' for '${w}'.`, level: COND_LVL_ALERT };
      if (top < 0) return { act: COND_ABORT, msg: `lone '${w}' with no matching '.if'.`, level: COND_LVL_ALERT };
      if (w === '.endif') { lv.pop(); return NEXT; }
      if (lv[top] === LVL_ELSE_TAKE || lv[top] === LVL_ELSE_DROP) return { act: COND_ABORT, msg: "'.else' after '.else' is not permitted.", level: COND_LVL_ALERT };
      if (lv[top] !== LVL_OUTER_DROP) lv[top] = lv[top] === LVL_DROP ? LVL_ELSE_TAKE : LVL_ELSE_DROP;
      return NEXT;
    }
    default:
  }
  if (dropping(st)) return NEXT;
  if (w.charCodeAt(0) !== 0x2e) return PASS;
  const level = w === '.alert' ? COND_LVL_ALERT : w === '.warning' ? COND_LVL_WARNING : w === '.notice' ? COND_LVL_NOTICE
    : w === '.diag' ? -1 : -2;
  if (level === -2) return { act: COND_STOP, msg: `unknown directive '${w}'.`, level: COND_LVL_ALERT };
  if (args.length > 2) {
    return { act: COND_REPORT, msg: `Unexpected argument '${args[2]}' for '${w}'. Use quotes if the message should contain spaces.`, level: COND_LVL_ALERT };
  }
  if (level === -1) return NEXT; // .diag: only printed in diagnostic mode (haproxy -dD)
  const msg = `'${args[1] ?? ''}'.`;
  return { act: level === COND_LVL_ALERT ? COND_ABORT : COND_REPORT, msg, level };
}

/** At the end of a file: 2.6's alert when a block is still open (an abort), else null. */
export function condEnd(st: CondState): string | null {
  return st.levels.length > 0 ? "non-terminated '.if' block." : null;
}

/** Evaluates the condition of `.if`/`.elif`: true/false, or the alert text 2.6 prints (with its caret line). */
function evalDirective(w: string, args: readonly string[], trailingBlank: boolean, env: NodeJS.ProcessEnv): boolean | string {
  let expr = args.slice(1).join(' ');
  if (trailingBlank && expr !== '') expr += ' ';
  const r = evalCondition(expr, env);
  if (typeof r === 'boolean') return r;
  const shown = sanitizeForPrinting(expr, r.pos, 76);
  return `${r.err} in '${w}' at position ${r.pos + 1}:\n  ${w} ${shown.text}\n  ${' '.repeat(shown.pos + w.length + 1)}^`;
}

interface CondErr { err: string; pos: number }
/** A parsed part: its value and where it ends; EMPTY when nothing is left to parse. */
interface Part { val: boolean; end: number }
const EMPTY = null;

/** A whole condition (2.6's cfg_eval_condition): '' is false; `pos` of an error is a 0-based index in `s`. */
export function evalCondition(s: string, env: NodeJS.ProcessEnv): boolean | CondErr {
  const p = new CondParser(s, env);
  const r = p.or(0);
  if (r === EMPTY) return false;
  if ('err' in r) return r;
  const j = p.skip(r.end);
  if (j < s.length) return { err: `unexpected character '${s[j]}' at the end of conditional expression '${s}'`, pos: j };
  return r.val;
}

const PREDICATES: ReadonlyMap<string, number> = new Map([
  ['defined', 1], ['feature', 1], ['streq', 2], ['strneq', 2], ['version_atleast', 1], ['version_before', 1],
]);

class CondParser {
  constructor(readonly s: string, readonly env: NodeJS.ProcessEnv) {}

  skip(i: number): number {
    while (i < this.s.length && (this.s[i] === ' ' || this.s[i] === '\t')) i++;
    return i;
  }

  /** `a || b || ...`: a missing right side names the whole chain, at its first `||` (as 2.6 does). */
  or(i: number): Part | CondErr | null {
    let r = this.and(i);
    if (r === EMPTY || 'err' in r) return r;
    let first = -1;
    for (;;) {
      const j = this.skip(r.end);
      if (this.s[j] !== '|' || this.s[j + 1] !== '|') return r;
      if (first < 0) first = j;
      const r2 = this.and(j + 2);
      if (r2 === EMPTY) return { err: `unparsable conditional expression '${this.s.slice(this.skip(i))}'`, pos: first };
      if ('err' in r2) return r2;
      r = { val: r.val || r2.val, end: r2.end };
    }
  }

  /** `a && b && ...`: a missing right side names the chain from its first `&&`. */
  and(i: number): Part | CondErr | null {
    let r = this.term(i);
    if (r === EMPTY || 'err' in r) return r;
    let first = -1;
    for (;;) {
      const j = this.skip(r.end);
      if (this.s[j] !== '&' || this.s[j + 1] !== '&') return r;
      if (first < 0) first = j;
      const r2 = this.term(j + 2);
      if (r2 === EMPTY) return { err: `unparsable conditional expression '${this.s.slice(first)}'`, pos: first };
      if ('err' in r2) return r2;
      r = { val: r.val && r2.val, end: r2.end };
    }
  }

  term(i: number): Part | CondErr | null {
    const s = this.s;
    const start = this.skip(i);
    if (start >= s.length) return EMPTY;
    const bad = { err: `unparsable conditional expression '${s.slice(start)}'`, pos: start };
    let j = start;
    let neg = false;
    if (s[j] === '!') { neg = true; j = this.skip(j + 1); }
    const c = s.charCodeAt(j);
    if ((c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2b) {
      const n = /^[-+]?(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)/.exec(s.slice(j));
      if (n === null) return bad;
      const v = /[1-9a-fA-F]/.test(n[1].replace(/^0[xX]/, ''));
      return { val: v !== neg, end: j + n[0].length };
    }
    if (c === 0x28) { // '('
      const r = this.or(j + 1);
      if (r === EMPTY) return bad;
      if ('err' in r) return r;
      const k = this.skip(r.end);
      if (s[k] !== ')') return { err: `expected ')' after conditional expression '${s.slice(start)}'`, pos: start };
      return { val: r.val !== neg, end: k + 1 };
    }
    const m = /^[a-z0-9_]+/i.exec(s.slice(j));
    const name = m === null ? '' : m[0];
    const max = PREDICATES.get(name);
    if (max === undefined) return bad;
    const a = this.predicateArgs(name, max, j + name.length);
    if ('err' in a) return a;
    return { val: this.predicate(name, a.args) !== neg, end: a.end };
  }

  /** 2.6's make_arg_list on string arguments: no parenthesis is one empty argument. */
  predicateArgs(name: string, max: number, i: number): { args: string[]; end: number } | CondErr {
    const s = this.s;
    const where = ` in argument 1 of predicate '${name}' used in conditional expression`;
    const args: string[] = [];
    let end = i;
    if (s[i] !== '(') args.push('');
    else {
      let from = i + 1;
      for (let k = from; ; k++) {
        if (k >= s.length) return { err: `expected ')'${where}`, pos: k };
        if (s[k] === ',') {
          if (args.length + 1 >= max) return { err: `expected ')' before '${s.slice(k)}'${where}`, pos: k };
          args.push(s.slice(from, k)); from = k + 1;
        } else if (s[k] === ')') { args.push(s.slice(from, k)); end = k + 1; break; }
      }
    }
    if (args.length < max) {
      return { err: `missing arguments (got ${args.length}/${max}), type 'string' expected${where}`, pos: end === i ? i : end - 1 };
    }
    return { args, end };
  }

  predicate(name: string, a: readonly string[]): boolean {
    switch (name) {
      case 'defined': return a[0] !== '' && this.env[a[0]] !== undefined;
      case 'feature': return a[0] === '' || (' ' + CFG_COND_FEATURES + ' ').includes(' +' + a[0] + ' ');
      case 'streq': return a[0] === a[1];
      case 'strneq': return a[0] !== a[1];
      case 'version_atleast': return compareVersion(a[0]) >= 0;
      default: return compareVersion(a[0]) < 0; // version_before
    }
  }
}

// 2.6's order of pre-releases: -devN < -preN < -rcN < the release < -N (commits after it)
const VSN_DEV = 0;
const VSN_PRE = 1;
const VSN_RC = 2;
const VSN_RELEASE = 3;
const VSN_COMMITS = 4;
const RUNNING_VERSION = [2, 6, 12, 0, VSN_RELEASE, 0];

/** Splits a version as `haproxy -v` writes it; a suffix it cannot read is ignored, unreadable numbers are 0. */
function splitVersion(v: string): number[] {
  const dash = v.indexOf('-');
  const nums = (dash < 0 ? v : v.slice(0, dash)).split('.');
  const out = [0, 0, 0, 0, VSN_RELEASE, 0];
  for (let k = 0; k < 4 && k < nums.length; k++) out[k] = /^[0-9]+/.test(nums[k]) ? parseInt(nums[k], 10) : 0;
  const suf = dash < 0 ? null : /^-(dev|pre|rc)?([0-9]+)$/.exec(v.slice(dash));
  if (suf !== null) {
    out[4] = suf[1] === 'dev' ? VSN_DEV : suf[1] === 'pre' ? VSN_PRE : suf[1] === 'rc' ? VSN_RC : VSN_COMMITS;
    out[5] = parseInt(suf[2], 10);
  }
  return out;
}

/** >0 when the running version (2.6.12) is newer than `v`, 0 when equal, <0 when older. */
function compareVersion(v: string): number {
  const o = splitVersion(v);
  for (let k = 0; k < o.length; k++) if (RUNNING_VERSION[k] !== o[k]) return RUNNING_VERSION[k] - o[k];
  return 0;
}

/**
 * 2.6's sanitize_for_printing: at most `width` columns of `line`, blanks as spaces and other non-printable characters
 * as '?'; an error position beyond the width shows a window around it between '...'. `pos` is the caret's column.
 */
export function sanitizeForPrinting(line: string, pos: number, width: number): { text: string; pos: number } {
  const shift = pos >= width ? pos - (width >> 1) : 0;
  const from = shift > 0 ? shift + 3 : 0;
  const room = shift > 0 ? width - 6 : width;
  let text = shift > 0 ? '...' : '';
  for (let i = from; i < line.length && i < from + room; i++) {
    const c = line.charCodeAt(i);
    text += c === 9 || c === 10 || c === 11 || c === 12 || c === 13 || c === 32 ? ' ' : c > 32 && c < 127 ? line[i] : '?';
  }
  if (shift > 0) text += '...';
  return { text, pos: pos - shift };
}
