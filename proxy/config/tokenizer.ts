/*
 * Splits one configuration line into words the way HAProxy 2.6 does: blanks separate words, `#` starts a comment
 * (even inside a word), '...' keeps everything literally, "..." allows escapes and `$VAR`, `${VAR}`, `${VAR-default}`
 * environment expansion (not expanded outside double quotes), quoted parts glue to neighbours (`"a"b'c'` = `abc`).
 * Backslash escapes outside single quotes: `\ ` `\#` `\\` `\'` `\"` `\r` `\n` `\t` `\xHH`, plus `\$` in double quotes;
 * an unknown escape keeps the backslash. There is no line continuation (HAProxy has none). An empty word ends the
 * line's arguments, as in 2.6 (`set-header Server ""` lacks its value).
 * Called by config/loader.ts, one line at a time so `setenv` on a line affects the next ones. Hot path: no.
 */

export interface TokenizeResult {
  args: string[];
  /** '' when the line parsed; else a message and `errPos` (0-based character index) like HAProxy's. */
  err: string;
  errPos: number;
}

function isBlank(c: number): boolean { return c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a; }
function hexVal(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}
function isVarChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f;
}

/**
 * Tokenizes `line` (no trailing newline). `env` is read for `${VAR}` expansion (process.env by default).
 * Never throws; an unmatched quote or a bad `\x` escape returns err != ''.
 */
export function tokenizeLine(line: string, env: NodeJS.ProcessEnv = process.env): TokenizeResult {
  const args: string[] = [];
  const n = line.length;
  let i = 0;
  let cur = '';
  let inWord = false;
  let quote = 0; // 0, 0x22 ("), 0x27 (')
  let quoteStart = 0;
  while (i < n) {
    const c = line.charCodeAt(i);
    if (quote === 0x27) {
      if (c === 0x27) { quote = 0; i++; continue; }
      cur += line[i]; i++; continue;
    }
    if (quote === 0 && isBlank(c)) {
      if (inWord) { args.push(cur); cur = ''; inWord = false; }
      i++; continue;
    }
    if (quote === 0 && c === 0x23) break; // '#': comment to end of line
    if (c === 0x5c) { // backslash
      const d = i + 1 < n ? line.charCodeAt(i + 1) : -1;
      inWord = true;
      if (d === 0x20 || d === 0x23 || d === 0x5c || d === 0x27 || d === 0x22) { cur += line[i + 1]; i += 2; continue; }
      if (d === 0x72) { cur += '\r'; i += 2; continue; }
      if (d === 0x6e) { cur += '\n'; i += 2; continue; }
      if (d === 0x74) { cur += '\t'; i += 2; continue; }
      if (d === 0x24 && quote === 0x22) { cur += '$'; i += 2; continue; }
      if (d === 0x78) {
        const h1 = i + 2 < n ? hexVal(line.charCodeAt(i + 2)) : -1;
        const h2 = i + 3 < n ? hexVal(line.charCodeAt(i + 3)) : -1;
        if (h1 < 0 || h2 < 0) return { args, err: 'truncated or invalid hexadecimal sequence', errPos: i };
        cur += String.fromCharCode(h1 * 16 + h2); i += 4; continue;
      }
      cur += '\\'; i++; continue;
    }
    if (c === 0x22) {
      inWord = true;
      if (quote === 0x22) { quote = 0; } else { quote = 0x22; quoteStart = i; }
      i++; continue;
    }
    if (c === 0x27 && quote === 0) { inWord = true; quote = 0x27; quoteStart = i; i++; continue; }
    if (c === 0x24 && quote === 0x22) { // '$' environment variable, double quotes only
      let j = i + 1;
      let name = '';
      let dflt: string | null = null;
      if (j < n && line.charCodeAt(j) === 0x7b) { // ${NAME} or ${NAME-default}
        const close = line.indexOf('}', j + 1);
        if (close < 0) return { args, err: 'missing closing brace', errPos: i };
        const body = line.slice(j + 1, close);
        const dash = body.indexOf('-');
        if (dash >= 0) { name = body.slice(0, dash); dflt = body.slice(dash + 1); } else name = body;
        j = close + 1;
      } else {
        // 2.6: a name starts with a letter or '_' ("$1", "$,", a lone "$" are errors in double quotes)
        const f = j < n ? line.charCodeAt(j) | 0x20 : 0;
        if (!((f >= 0x61 && f <= 0x7a) || line.charCodeAt(j) === 0x5f)) {
          return { args, err: 'forbidden first char in environment variable name', errPos: i + 1 };
        }
        while (j < n && isVarChar(line.charCodeAt(j))) j++;
        name = line.slice(i + 1, j);
      }
      const v = env[name];
      cur += v !== undefined ? v : (dflt !== null ? dflt : '');
      i = j; continue;
    }
    inWord = true;
    cur += line[i]; i++;
  }
  if (quote !== 0) return { args, err: 'unmatched quote', errPos: quoteStart };
  if (inWord) args.push(cur);
  // an empty word ("", an unset "$VAR") ends the arguments in 2.6: the keywords never see what follows it
  const empty = args.indexOf('');
  if (empty >= 0) args.length = empty;
  return { args, err: '', errPos: -1 };
}
