/*
 * A converter's argument list checked as haproxy 2.6.12 parses it (make_arg_list) before the converter sees it: each
 * converter's declared argument types and how many are mandatory, arguments split at ',' up to the first ')' (no
 * nesting; quotes protect them), integers and masks parsed, and 2.6's words for a missing, extra,
 * empty or unparsable argument ("invalid arg <n> in converter '<name>' : ..."). Called by log/sample.ts at config
 * load, before log/converters.ts compiles the converter. Converters not listed are not checked here. Hot path: no.
 */

/** Argument types, by 2.6's names for them in these errors. */
const T_SINT = 'integer';
const T_STR = 'string';
const T_REG = 'regex';
const T_MSK4 = 'IPv4 mask';
const T_MSK6 = 'IPv6 mask';
const T_TAB = 'table';

/** [mandatory count, ...types] per converter (2.6.12's ARGn() declarations). */
const NONE: readonly (number | string)[] = [0];
const HASH: readonly (number | string)[] = [0, T_SINT];
const ONE_STR: readonly (number | string)[] = [1, T_STR];
const ARITH = ONE_STR;
const TIME: readonly (number | string)[] = [1, T_STR, T_SINT];
const CONV_ARGS: ReadonlyMap<string, readonly (number | string)[]> = new Map<string, readonly (number | string)[]>([
  ['lower', NONE], ['upper', NONE], ['hex', NONE], ['hex2i', NONE], ['base64', NONE], ['b64dec', NONE], ['ub64enc', NONE],
  ['ub64dec', NONE], ['length', NONE], ['not', NONE], ['odd', NONE], ['even', NONE], ['bool', NONE], ['neg', NONE],
  ['cpl', NONE], ['sha1', NONE], ['htonl', NONE], ['cut_crlf', NONE],
  ['sdbm', HASH], ['djb2', HASH], ['wt6', HASH], ['crc32', HASH], ['crc32c', HASH], ['xxh32', HASH], ['xxh64', HASH],
  ['xxh3', HASH], ['sha2', HASH], ['url_dec', HASH],
  ['url_enc', [0, T_STR]], ['json', ONE_STR], ['ltrim', ONE_STR], ['rtrim', ONE_STR], ['strcmp', ONE_STR],
  ['secure_memcmp', ONE_STR], ['digest', ONE_STR],
  ['add', ARITH], ['sub', ARITH], ['mul', ARITH], ['div', ARITH], ['mod', ARITH], ['and', ARITH], ['or', ARITH], ['xor', ARITH],
  ['ltime', TIME], ['utime', TIME],
  ['http_date', [0, T_SINT, T_STR]],
  ['field', [2, T_SINT, T_STR, T_SINT]], ['word', [2, T_SINT, T_STR, T_SINT]],
  ['bytes', [1, T_SINT, T_SINT]], ['regsub', [2, T_REG, T_STR, T_STR]], ['iif', [2, T_STR, T_STR]],
  ['concat', [0, T_STR, T_STR, T_STR]], ['hmac', [2, T_STR, T_STR]], ['ipmask', [1, T_MSK4, T_MSK6]],
  ['table_gpc', [2, T_SINT, T_TAB]], ['table_gpc_rate', [2, T_SINT, T_TAB]], ['table_gpt', [2, T_SINT, T_TAB]],
  ['json_query', [1, T_STR, T_STR]], ['debug', [0, T_STR, T_STR]], ['be2dec', [1, T_STR, T_SINT, T_SINT]],
  ['be2hex', [1, T_STR, T_SINT, T_SINT]], ['capture-req', [1, T_SINT]], ['capture-res', [1, T_SINT]],
  ['in_table', [1, T_TAB]],
]);

/** C read_int64's syntax: an optional sign and digits, nothing else. */
const SINT_RE = /^[-+]?\d+$/;

function typeOk(type: string, w: string): boolean {
  if (type === T_SINT) return SINT_RE.test(w);
  if (type === T_MSK4) return /^\d+$/.test(w) ? Number(w) <= 32 : /^\d+\.\d+\.\d+\.\d+$/.test(w);
  if (type === T_MSK6) return /^\d+$/.test(w) && Number(w) <= 128;
  return true;
}

/** Types whose empty argument is "nothing" (the others are an empty string). */
function emptyIsNothing(type: string): boolean { return type === T_SINT || type === T_MSK4 || type === T_MSK6; }

/**
 * Checks converter `name`'s arguments as 2.6 parses them. `after` is the source text right after its '(' up to the end
 * of the expression's source (what follows the expression included, as 2.6 quotes it), or null without parentheses.
 * Returns 2.6's error ("invalid arg <n> in converter '<name>' : ...") or '' when the list is accepted (or the
 * converter is not listed here).
 */
export function convArgListError(name: string, after: string | null): string {
  const spec = CONV_ARGS.get(name);
  if (spec === undefined) return '';
  const min = spec[0] as number;
  const types = spec.slice(1) as string[];
  const fail = (pos: number, msg: string): string => `invalid arg ${pos + 1} in converter '${name}' : ${msg}`;
  const src = after ?? '';
  let i = 0;
  let pos = 0;
  while (pos < types.length) {
    // one argument: up to ',' or ')' outside quotes (a backslash protects neither, as 2.6.12 reads them)
    let w = '';
    let q = '';
    for (; i < src.length; i++) {
      const c = src[i];
      if (q !== '') { if (c === q) q = ''; else w += c; continue; }
      if (c === '"' || c === '\'') { q = c; continue; }
      if (c === ',' || c === ')') break;
      w += c;
    }
    const type = types[pos];
    if (w === '' && emptyIsNothing(type)) {
      // nothing where a value is needed: fine once the mandatory ones are there and it is the last one
      // (`be2dec(:,)`); followed by more (`be2hex(:,,1)`) 2.6.12 expects the list to end there
      if (pos >= min) return src[i] === ',' ? fail(pos, `expected ')' before '${src.slice(i)}'`) : '';
      return fail(pos, `expected type '${type}' at position ${pos + 1}, but got nothing`);
    }
    if (!typeOk(type, w)) return fail(pos, `failed to parse '${w}' as type '${type}' at position ${pos + 1}`);
    pos++;
    if (src[i] === ',' && pos < types.length) { i++; continue; }
    break;
  }
  if (pos < min) return fail(pos, `missing arguments (got ${pos}/${min}), type '${types[pos]}' expected`);
  if (after === null || src[i] === ')') return '';
  const rest = src.slice(i);
  // the empty argument before a missing ')' was counted: 2.6 reports the one before it
  return fail(pos > 1 ? pos - 1 : pos, rest === '' ? "expected ')'" : `expected ')' before '${rest}'`);
}
