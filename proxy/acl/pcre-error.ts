/*
 * PCRE2's compile error for a regex, as haproxy 2.6.12 reports it ("regex '<re>' is invalid (error=<text>,
 * erroffset=<n>)"): a scan of the pattern for the errors PCRE2 10.42 finds while parsing (quantifiers, groups, classes,
 * escapes, names, backreferences), with its words and offsets (checked against haproxy -c). It does not compile
 * anything: callers still build a JavaScript RegExp and fall back to its message for what this scan does not know.
 * Called by acl/compile.ts (-m reg, *_reg) and log/converters.ts (regsub) at config load. Hot path: no.
 */

/** PCRE2's error text and offset. */
export interface PcreError { text: string; offset: number }

const POSIX_CLASSES = new Set(['alpha', 'lower', 'upper', 'alnum', 'ascii', 'blank', 'cntrl', 'digit', 'graph', 'print',
  'punct', 'space', 'word', 'xdigit']);
/** Escapes that stand for a set of characters: not a range's end in a class. */
const CLASS_ESCAPES = 'dDsSwWhHvVNRX';
const QUANT_MAX = 65535;

/** An error found at `offset`, in PCRE2's words. */
function err(text: string, offset: number): PcreError { return { text, offset }; }

function isDigit(c: string | undefined): boolean { return c !== undefined && c >= '0' && c <= '9'; }
function isNameChar(c: string | undefined): boolean { return c !== undefined && /[A-Za-z0-9_]/.test(c); }

/**
 * `{n}`, `{n,}` or `{n,m}` at `i` (PCRE2 10.42: anything else, `{,m}` included, is literal): the index of its '}', -1
 * when not a quantifier, or an error.
 */
function braceQuant(p: string, i: number): number | PcreError {
  let j = i + 1;
  const s1 = j;
  while (isDigit(p[j])) j++;
  if (j === s1) return -1;
  const min = Number(p.slice(s1, j));
  let max = min;
  if (p[j] === ',') {
    j++;
    const s2 = j;
    while (isDigit(p[j])) j++;
    max = j === s2 ? Infinity : Number(p.slice(s2, j));
  }
  if (p[j] !== '}') return -1;
  if (min > QUANT_MAX || (max !== Infinity && max > QUANT_MAX)) return err('number too big in {} quantifier', j);
  if (max < min) return err('numbers out of order in {} quantifier', j);
  return j;
}

interface Group { start: number; lookbehind: boolean; variable: boolean }

/**
 * The first error PCRE2 would report compiling `p`, or null when this scan finds none (the pattern may still be one
 * JavaScript refuses, or one PCRE2 refuses for a reason not scanned here). Without `cap` plain groups do not capture
 * (2.6 compiles ACL patterns so: a backreference to one does not exist), named ones still do.
 */
export function pcreCompileError(p: string, cap: boolean): PcreError | null {
  const groups: Group[] = [];
  const names = new Set<string>();
  let captures = 0;
  let maxRef = 0, maxRefAt = -1;
  // can the next quantifier apply: false at the start, after '(' '|' an assertion or a quantifier
  let repeatable = false;
  // the previous item was a quantifier (one '?' or '+' may still follow it)
  let quantified = false;
  let i = 0;
  const n = p.length;
  while (i < n) {
    const c = p[i];
    if (c === '\\') {
      if (i + 1 >= n) return err('\\ at end of pattern', n);
      const e = p[i + 1];
      if (e === 'Q') {
        // literal up to \E
        const end = p.indexOf('\\E', i + 2);
        i = end < 0 ? n : end + 2; repeatable = true; quantified = false; continue;
      }
      if (e === 'c') {
        if (i + 2 >= n) return err('\\c at end of pattern', n);
        i += 3; repeatable = true; quantified = false; continue;
      }
      if (e === 'k' && !'{<\''.includes(p[i + 2] ?? ' ')) return err('\\k is not followed by a braced, angle-bracketed, or quoted name', i + 2);
      if (e === 'g' && !'{<\''.includes(p[i + 2] ?? ' ') && !isDigit(p[i + 2]) && !((p[i + 2] === '+' || p[i + 2] === '-') && isDigit(p[i + 3]))) {
        return err('\\g is not followed by a braced, angle-bracketed, or quoted name/number or by a plain number', i + 2);
      }
      if (e === 'p' || e === 'P') {
        // a one-letter property (a braced one is not scanned)
        const q = p[i + 2];
        if (q === '{') return null;
        if (q === undefined || !/[A-Za-z]/.test(q)) return err('malformed \\P or \\p sequence', Math.min(i + 3, n));
        if (!'CLMNPSZ'.includes(q)) return err('unknown property after \\P or \\p', i + 3);
        i += 3; repeatable = true; quantified = false; continue;
      }
      if (e >= '1' && e <= '9' && !isDigit(p[i + 2])) {
        // a backreference (longer numbers, octal or not, are left alone)
        const r = Number(e);
        if (r > maxRef) { maxRef = r; maxRefAt = i + 1; }
      }
      if (e === 'x' && p[i + 2] === '{') {
        let j = i + 3;
        while (j < n && /[0-9A-Fa-f]/.test(p[j])) j++;
        if (p[j] !== '}') return err('non-hex character in \\x{} (closing brace missing?)', j);
      }
      const assertion = 'bBAzZG'.includes(e);
      i += 2; repeatable = !assertion; quantified = false; continue;
    }
    if (c === '[') {
      const r = scanClass(p, i);
      if (r === null || typeof r !== 'number') return r;
      i = r + 1; repeatable = true; quantified = false; continue;
    }
    if (c === '(') {
      const g: Group = { start: i, lookbehind: false, variable: false };
      if (p[i + 1] === '*') {
        let j = i + 2;
        while (j < n && /[a-z_]/.test(p[j])) j++;
        if (j > i + 2 && (p[j] === ':' || p[j] === ')') && !ALPHA_ASSERTIONS.has(p.slice(i + 2, j))) return err('(*alpha_assertion) not recognized', j);
        return null;                 // verbs and start options: not scanned
      }
      if (p[i + 1] === '?') {
        const k = p[i + 2];
        if (k === 'P') {
          if (p[i + 3] !== '<' && p[i + 3] !== '=' && p[i + 3] !== '>') return err('unrecognized character after (?P', i + 3);
          if (p[i + 3] === '<') { const r = groupName(p, i + 4, '>', names); if (r !== null) return r; captures++; }
        } else if (k === '<' && p[i + 3] !== '=' && p[i + 3] !== '!') {
          const r = groupName(p, i + 3, '>', names);
          if (r !== null) return r;
          captures++;
        } else if (k === '\'') {
          const r = groupName(p, i + 3, '\'', names);
          if (r !== null) return r;
          captures++;
        } else if (k === '<') g.lookbehind = true;
        else if (k !== undefined && !GROUP_STARTS.includes(k)) {
          // option letters, then ':' or ')': anything else is refused where it stands
          let j = i + 2;
          while (j < n && OPTION_LETTERS.includes(p[j])) j++;
          if (j < n && p[j] !== ':' && p[j] !== ')') return err('unrecognized character after (? or (?-', j);
        }
      } else if (cap) captures++;
      groups.push(g);
      i++; repeatable = false; quantified = false;
      // the group's head ('?:', '?<name>', ...) holds no quantifiable item: skip to its body
      if (p[i] === '?') { i++; while (i < n && p[i] !== ')' && p[i] !== ':' && p[i] !== '>' && p[i] !== '=' && p[i] !== '!' && p[i] !== '\'' && p[i] !== '(') i++; if (p[i] !== ')' && p[i] !== '(' && i < n) i++; }
      continue;
    }
    if (c === ')') {
      const g = groups.pop();
      if (g === undefined) return err('unmatched closing parenthesis', i);
      if (g.lookbehind && g.variable) return err('lookbehind assertion is not fixed length', g.start);
      if (g.variable && groups.length > 0) groups[groups.length - 1].variable = true;
      i++; repeatable = true; quantified = false; continue;
    }
    if (c === '|') { i++; repeatable = false; quantified = false; continue; }
    if (c === '^' || c === '$') { i++; repeatable = false; quantified = false; continue; }
    if (c === '*' || c === '+' || c === '?' || c === '{') {
      let end = i;
      if (c === '{') {
        const q = braceQuant(p, i);
        if (typeof q !== 'number') return q;
        if (q < 0) { i++; repeatable = true; quantified = false; continue; }      // a literal '{'
        end = q;
        const exact = /^\{(\d+)\}$/.test(p.slice(i, end + 1));
        if (!exact && groups.length > 0) groups[groups.length - 1].variable = true;
      } else if (groups.length > 0) groups[groups.length - 1].variable = true;
      if (quantified && (c === '?' || c === '+') && end === i) { i++; quantified = false; repeatable = false; continue; }
      if (!repeatable) return err('quantifier does not follow a repeatable item', end);
      i = end + 1; repeatable = false; quantified = true; continue;
    }
    i++; repeatable = true; quantified = false;
  }
  if (groups.length > 0) return err('missing closing parenthesis', n);
  if (maxRef > captures) return err('reference to non-existent subpattern', maxRefAt);
  return null;
}

/** What may follow `(?` other than option letters: group kinds, names, recursion, conditions, callouts. */
const GROUP_STARTS = ':|>=!<\'P#R&+(0123456789C*';
/** `(?imnsxJU-^)` option letters. */
const OPTION_LETTERS = 'imnsxJU-^';

/** Lower-case `(*name:` forms PCRE2 10.42 knows. */
const ALPHA_ASSERTIONS = new Set(['pla', 'plb', 'nla', 'nlb', 'napla', 'naplb', 'sr', 'asr', 'atomic',
  'positive_lookahead', 'positive_lookbehind', 'negative_lookahead', 'negative_lookbehind',
  'non_atomic_positive_lookahead', 'non_atomic_positive_lookbehind', 'script_run', 'atomic_script_run']);

/** A group name at `i` ending with `term`: null when valid (and recorded in `names`), else PCRE2's error. */
function groupName(p: string, i: number, term: string, names: Set<string>): PcreError | null {
  if (isDigit(p[i])) return err('subpattern name must start with a non-digit', i);
  let j = i;
  while (isNameChar(p[j])) j++;
  if (j === i || p[j] !== term) return err(j === i ? 'subpattern name expected' : 'syntax error in subpattern name (missing terminator?)', j);
  const name = p.slice(i, j);
  if (names.has(name)) return err('two named subpatterns have the same name (PCRE2_DUPNAMES not set)', j + 1);
  names.add(name);
  return null;
}

/** A character class starting at `i` ('['): the index of its closing ']', PCRE2's error, or null when not scanned. */
function scanClass(p: string, i: number): number | PcreError | null {
  const n = p.length;
  let j = i + 1;
  if (p[j] === '^') j++;
  let first = true;
  // the previous single character (its code) and whether a '-' followed it: a range in progress
  let prev = -1;
  let prevSet = false;
  let dash = false;
  while (j < n) {
    const c = p[j];
    if (c === ']' && !first) return j;
    first = false;
    let code = -1;
    let set = false;
    let next = j + 1;
    if (c === '[' && p[j + 1] === ':') {
      const close = p.indexOf(':]', j + 2);
      if (close > 0 && /^\^?[a-z]+$/.test(p.slice(j + 2, close))) {
        const name = p.slice(j + 2, close).replace(/^\^/, '');
        if (!POSIX_CLASSES.has(name)) return err('unknown POSIX class name', j + 2 + (p[j + 2] === '^' ? 1 : 0));
        set = true; next = close + 2;
      } else code = 0x5b;
    } else if (c === '\\') {
      if (j + 1 >= n) return err('\\ at end of pattern', n);
      const e = p[j + 1];
      next = j + 2;
      if (e === 'p' || e === 'P' || e === 'x' || e === 'o' || e === 'Q') return null;   // not scanned
      if ('kgBRXN'.includes(e)) return err('escape sequence is invalid in character class', j + 1);
      if (CLASS_ESCAPES.includes(e)) set = true;
      else code = ESCAPE_CODES[e] ?? e.charCodeAt(0);
    } else code = c.charCodeAt(0);
    if (dash) {
      // the end of a range: a set there (or before) is invalid, a lower character out of order
      if (set || prevSet) return err('invalid range in character class', set ? next : j);
      if (code < prev) return err('range out of order in character class', j);
      dash = false; prev = -1; prevSet = false; j = next; continue;
    }
    if (c === '-' && p[j + 1] !== ']' && (prev >= 0 || prevSet) && next === j + 1) {
      if (prevSet) {
        // '[\d-z]': PCRE2 refuses a range from a set, unless the '-' ends the class
        return err('invalid range in character class', j);
      }
      dash = true; j = next; continue;
    }
    prev = code; prevSet = set; j = next;
  }
  return err('missing terminating ] for character class', n);
}

/** Single-character escapes by their letter (others stand for the letter itself). */
const ESCAPE_CODES: Readonly<Record<string, number>> = { n: 10, r: 13, t: 9, f: 12, e: 27, a: 7, '0': 0 };

/**
 * A PCRE2 pattern as a JavaScript RegExp: a leading `(?i)` (PCRE2's inline option, which JavaScript lacks) becomes
 * the `i` flag. Throws as RegExp does.
 */
export function pcreRegExp(pat: string, flags: string): RegExp {
  if (pat.startsWith('(?i)')) return new RegExp(pat.slice(4), flags.includes('i') ? flags : flags + 'i');
  return new RegExp(pat, flags);
}

/** haproxy 2.6's words for a regex PCRE2 refuses: `regex '<re>' is invalid (error=<text>, erroffset=<n>)`. */
export function pcreErrorText(re: string, e: PcreError): string {
  return `regex '${re}' is invalid (error=${e.text}, erroffset=${e.offset})`;
}
