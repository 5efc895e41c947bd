/* HAProxy 2.6 log-format string tokenizer: turns a `log-format` string into a flat list of items (literal text,
 * separators, `%var`, `%{flags}var`, `%[sample,conv]`, `%{flags}o`). Pure, no proxy runtime dependency.
 * Callers: the proxy's log-format compiler (items → emitter) and collectors/httplog/custom-format.ts (items → parser).
 * It does not know what a variable means or how it is printed; it only checks the name against the 2.6 list.
 * Hot path: no (runs once per format at load).
 * Behaviour checked against haproxy 2.6.12: runs of spaces are one separator (printed as one space), `%%` is a
 * literal `%`, a variable name is the longest run of ASCII letters after `%`, flags are `+X`/`-X` for X in Q, X, E
 * (comma-separated; anything else in braces is ignored).
 */

/** Flag bits of `%{+Q}` (quote strings), `%{+X}` (numbers in hex), `%{+E}` (escape `"` and `\`). */
export const LF_FLAG_Q = 1;
export const LF_FLAG_X = 2;
export const LF_FLAG_E = 4;
/** `-M` (2.6's mandatory flag cleared): a sample that finds nothing or an empty string prints nothing (`""` under +Q). */
export const LF_FLAG_NM = 8;

/** Every `%name` HAProxy 2.6 accepts in a log-format (checked with `haproxy -c` on 2.6.12). */
export const LOG_FORMAT_VAR_NAMES: readonly string[] = [
  'o', 'B', 'CC', 'CS', 'H', 'HM', 'HP', 'HPO', 'HQ', 'HU', 'HV', 'ID', 'ST', 'T', 'Ta', 'Tc', 'Td', 'Th', 'Ti', 'Tl',
  'Tq', 'TR', 'Tr', 'Ts', 'Tt', 'Tu', 'Tw', 'U', 'ac', 'b', 'bc', 'bi', 'bp', 'bq', 'ci', 'cp', 'f', 'fc', 'fi', 'fp',
  'ft', 'hr', 'hrl', 'hs', 'hsl', 'lc', 'ms', 'pid', 'r', 'rc', 'rt', 's', 'sc', 'si', 'sp', 'sq', 'sslc', 'sslv', 't',
  'tr', 'trg', 'trl', 'ts', 'tsc',
];
const VAR_SET: ReadonlySet<string> = new Set(LOG_FORMAT_VAR_NAMES);

/** One token of a log-format string. `add`/`remove` are LF_FLAG_* bit sets from `%{+Q-X}`. */
export type LogFormatItem =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'sep' }
  | { readonly kind: 'var'; readonly name: string; readonly add: number; readonly remove: number }
  | { readonly kind: 'sample'; readonly expr: string; readonly add: number; readonly remove: number; readonly rest: string }
  | { readonly kind: 'options'; readonly add: number; readonly remove: number };

export type LogFormatTokens =
  | { readonly ok: true; readonly items: LogFormatItem[] }
  | { readonly ok: false; readonly error: string; readonly pos: number };

export interface TokenizeOptions {
  /** Undo haproxy.cfg word escapes first (`\ `, `\"`, `\\`, `\#`, `\t`, `\n`, `\r`, `\xNN`, surrounding quotes), for
   * a string copied verbatim from a config line. Default false: the string is what the config parser produced. */
  readonly configEscapes?: boolean;
}

/**
 * Tokenizes `fmt`. Never throws; on a malformed string returns `{ ok: false, error, pos }` where `pos` is the offset in
 * the (unescaped) string. Adjacent literal characters are merged into one `text` item; a run of spaces becomes one
 * `sep` item. Errors (2.6.12's texts): unknown variable, unknown flag, unterminated `%{` or `%[`, `%` at end of
 * string or followed by anything other than a letter, `{`, `[` or `%`. A sample item keeps its expression as written
 * (an empty or space-led one is the sample compiler's "missing fetch method") and `rest`, the string from it on.
 */
export function tokenizeLogFormat(fmt: string, opts?: TokenizeOptions): LogFormatTokens {
  let s = fmt;
  if (opts?.configEscapes) {
    const u = unescapeConfigWord(fmt);
    if (typeof u !== 'string') return u;
    s = u;
  }
  const items: LogFormatItem[] = [];
  let text = '';
  let i = 0;
  const n = s.length;
  const flushText = (): void => {
    if (text.length > 0) { items.push({ kind: 'text', text }); text = ''; }
  };
  while (i < n) {
    const c = s.charCodeAt(i);
    if (c === 0x20) {
      flushText();
      while (i < n && s.charCodeAt(i) === 0x20) i++;
      items.push({ kind: 'sep' });
      continue;
    }
    if (c !== 0x25 /* % */) { text += s[i]; i++; continue; }
    const at = i;
    i++;
    if (i >= n) return { ok: false, error: "truncated line after '%'", pos: at };
    if (s.charCodeAt(i) === 0x25) { text += '%'; i++; continue; }
    let add = 0;
    let remove = 0;
    if (s.charCodeAt(i) === 0x7b /* { */) {
      const close = s.indexOf('}', i + 1);
      if (close < 0) return { ok: false, error: "truncated line after '" + s.slice(i + 1) + "'", pos: at };
      const f = parseFlags(s, i + 1, close);
      add = f.add;
      remove = f.remove;
      i = close + 1;
      // 2.6.12 words the end of the string as any other character after %{...}
      const nc = i < n ? s.charCodeAt(i) : 0;
      if (nc !== 0x5b && !isLetter(nc) && !(nc >= 0x30 && nc <= 0x39)) {
        return { ok: false, error: "parse argument modifier without variable name near '%{" + s.slice(at + 2, close) + "}'", pos: at };
      }
    }
    if (s.charCodeAt(i) === 0x5b /* [ */) {
      // 2.6 ends the expression at the first ']' (a ']' inside parentheses is then the sample parser's "expected
      // ')'"); its errors quote the rest of the string from the expression on
      let end = findSampleEnd(s, i + 1);
      if (end < 0) end = s.indexOf(']', i + 1);
      if (end < 0) return { ok: false, error: "missing ']' after '" + s.slice(i + 1) + "'", pos: at };
      const expr = s.slice(i + 1, end);
      flushText();
      items.push({ kind: 'sample', expr, add, remove, rest: s.slice(i + 1) });
      i = end + 1;
      continue;
    }
    const start = i;
    while (i < n && isLetter(s.charCodeAt(i))) i++;
    if (i === start) {
      return { ok: false, error: "unexpected character '" + s[i] + "' after '%' (use '%%' for a literal '%')", pos: at };
    }
    const name = s.slice(start, i);
    if (!VAR_SET.has(name)) {
      return { ok: false, error: "no such format variable '" + name + "'. If you wanted to emit the '%' character verbatim, you need to use '%%'", pos: at };
    }
    flushText();
    if (name === 'o') items.push({ kind: 'options', add, remove });
    else items.push({ kind: 'var', name, add, remove });
  }
  flushText();
  return { ok: true, items };
}

function isLetter(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

/**
 * Parses the flags between `start` and `end` as 2.6.12 does: comma-separated items, each applying the flag named
 * after its last `+` (set) or `-` (clear); names other than Q, X, E, M ("mandatory", on by default) and items
 * without a sign are ignored, never an error (`%{+Q-X}` only clears X, `%{+QX}` does nothing).
 */
function parseFlags(s: string, start: number, end: number): { add: number; remove: number } {
  let add = 0;
  let remove = 0;
  let sp = -1;
  let sign = 0;
  for (let i = start; i <= end; i++) {
    const c = i < end ? s[i] : ',';
    if (c === '+' || c === '-') { sp = i + 1; sign = c === '+' ? 1 : 2; continue; }
    if (c !== ',') continue;
    if (sp >= 0) {
      const f = s.slice(sp, i);
      const bit = f === 'Q' ? LF_FLAG_Q : f === 'X' ? LF_FLAG_X : f === 'E' ? LF_FLAG_E : f === 'M' ? LF_FLAG_NM : 0;
      // M is set by default: +M clears the "not mandatory" bit, -M sets it
      if ((sign === 1) !== (bit === LF_FLAG_NM)) { add |= bit; remove &= ~bit; } else { remove |= bit; add &= ~bit; }
    }
    sp = -1;
  }
  return { add, remove };
}

/** Offset of the `]` closing a sample expression started at `from`, skipping brackets inside `(...)`; -1 if none. */
function findSampleEnd(s: string, from: number): number {
  let depth = 0;
  for (let i = from; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') { i++; continue; }
    if (c === '(') depth++;
    else if (c === ')') { if (depth > 0) depth--; }
    else if (c === ']' && depth === 0) return i;
  }
  return -1;
}

/**
 * Undoes one haproxy.cfg word's quoting: `"..."` and `'...'` segments lose their quotes, and outside single quotes a
 * backslash escapes the next character (`\t`, `\n`, `\r`, `\xNN` decoded, anything else kept as itself).
 * Returns the string, or an error item for an unterminated quote or a bad `\x`.
 */
export function unescapeConfigWord(w: string): string | { ok: false; error: string; pos: number } {
  let out = '';
  let quote = '';
  for (let i = 0; i < w.length; i++) {
    const c = w[i];
    if (quote !== "'" && c === '\\') {
      const e = w[i + 1];
      if (e === undefined) return { ok: false, error: 'backslash at end of string', pos: i };
      if (e === 't') out += '\t';
      else if (e === 'n') out += '\n';
      else if (e === 'r') out += '\r';
      else if (e === 'x') {
        const hex = w.slice(i + 2, i + 4);
        if (!/^[0-9a-fA-F]{2}$/.test(hex)) return { ok: false, error: "invalid '\\x' escape", pos: i };
        out += String.fromCharCode(parseInt(hex, 16));
        i += 2;
      } else out += e;
      i++;
      continue;
    }
    if ((c === '"' || c === "'") && (quote === '' || quote === c)) { quote = quote === '' ? c : ''; continue; }
    out += c;
  }
  if (quote !== '') return { ok: false, error: 'unterminated ' + quote + ' quote', pos: w.length };
  return out;
}
