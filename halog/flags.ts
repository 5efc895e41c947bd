// halog's command line: a hand-written argv loop with halog 2.6's exact semantics (unknown single-dash
// options are ignored, parsing stops at the first non-dash word, errors print the usage and exit 1),
// plus Sluice's long options (--json, --duckdb, --parquet, --sql, --threads, --progress). Hot path: no.
import type { HalogArgs, HalogOptions } from './types.ts';
import {
  FILT_ACC_COUNT, FILT_ACC_DELAY, FILT_COUNT_COOK_CODES, FILT_COUNT_IP_COUNT, FILT_COUNT_ONLY,
  FILT_COUNT_SRV_STATUS, FILT_COUNT_STATUS, FILT_COUNT_TERM_CODES, FILT_COUNT_URL_BAVG, FILT_COUNT_URL_BTOT,
  FILT_COUNT_URL_COUNT, FILT_COUNT_URL_ERR, FILT_COUNT_URL_ONLY, FILT_COUNT_URL_TAVG, FILT_COUNT_URL_TAVGO,
  FILT_COUNT_URL_TTOT, FILT_COUNT_URL_TTOTO, FILT_ERRORS_ONLY, FILT_GRAPH_TIMERS, FILT_HTTP_ONLY,
  FILT_HTTP_STATUS, FILT_INVERT_ERRORS, FILT_INVERT_HTTP_STATUS, FILT_INVERT_TERM_CODE_NAME,
  FILT_INVERT_TIME_RESP, FILT_PERCENTILE, FILT_QUEUE_ONLY, FILT_QUEUE_SRV_ONLY, FILT_QUIET,
  FILT_TERM_CODE_NAME, FILT_TIME_RESP, FILT2_EXTRACT_CAPTURE, FILT2_PRESERVE_QUERY, FILT2_TIMESTAMP,
} from './types.ts';
import { HALOG_LONG_HELP, HALOG_USAGE, SLUICE_LONG_HELP } from './help-text.ts';

/* Flags without an argument: name → bits ORed into filter (or filter2 for -query). */
const SIMPLE_FLAGS: ReadonlyMap<string, number> = new Map([
  ['-e', FILT_ERRORS_ONLY], ['-E', FILT_ERRORS_ONLY | FILT_INVERT_ERRORS], ['-H', FILT_HTTP_ONLY],
  ['-Q', FILT_QUEUE_ONLY], ['-QS', FILT_QUEUE_SRV_ONLY], ['-c', FILT_COUNT_ONLY], ['-q', FILT_QUIET],
  ['-gt', FILT_GRAPH_TIMERS], ['-pct', FILT_PERCENTILE], ['-st', FILT_COUNT_STATUS],
  ['-srv', FILT_COUNT_SRV_STATUS], ['-cc', FILT_COUNT_COOK_CODES], ['-tc', FILT_COUNT_TERM_CODES],
  ['-u', FILT_COUNT_URL_ONLY], ['-uc', FILT_COUNT_URL_COUNT], ['-ue', FILT_COUNT_URL_ERR],
  ['-ua', FILT_COUNT_URL_TAVG], ['-ut', FILT_COUNT_URL_TTOT], ['-uao', FILT_COUNT_URL_TAVGO],
  ['-uto', FILT_COUNT_URL_TTOTO], ['-uba', FILT_COUNT_URL_BAVG], ['-ubt', FILT_COUNT_URL_BTOT],
  ['-ic', FILT_COUNT_IP_COUNT],
]);

/**
 * C's atol(): leading blanks, optional sign, decimal digits, stops at the first other character;
 * clamps to the 64-bit range like glibc's strtol. Returns a BigInt so callers can truncate like C.
 */
export function cAtol(s: string): bigint {
  let i = 0;
  while (i < s.length && (s[i] === ' ' || (s.charCodeAt(i) >= 9 && s.charCodeAt(i) <= 13))) i++;
  let neg = false;
  if (s[i] === '+' || s[i] === '-') { neg = s[i] === '-'; i++; }
  let v = 0n;
  const max = neg ? 9223372036854775808n : 9223372036854775807n;
  while (i < s.length && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) {
    v = v * 10n + BigInt(s.charCodeAt(i) - 48);
    if (v > max) { v = max; }
    i++;
  }
  return neg ? -v : v;
}
const toInt32 = (v: bigint): number => Number(BigInt.asIntN(32, v));
const toUint32 = (v: bigint): number => Number(BigInt.asUintN(32, v));

function die(msg: string): HalogArgs {
  return { kind: 'exit', stdout: '', stderr: msg + HALOG_USAGE, status: 1 };
}

export function defaultHalogOptions(): HalogOptions {
  return {
    filter: 0, filter2: 0, invert: false, accDelay: 0, accCount: 0, timeResp: 0, statusLow: 0, statusHigh: 0,
    timeLow: 0, timeHigh: 0, captureBlock: 0, captureField: 0, skipFields: 1, linesMax: -1,
    termCode0: 0, termCode1: 0, files: [], json: false, duckdb: null, parquet: null, sql: null, threads: -1,
    progress: true,
  };
}

/**
 * Parses halog's argv (without node and script). Never throws: bad input gives an 'exit' result with
 * halog's own message and usage on stderr and status 1; -h/--help gives the long help on stdout.
 * Words that do not start with '-' end option parsing and, beyond halog, name input files.
 */
export function parseHalogArgs(argv: readonly string[]): HalogArgs {
  const o = defaultHalogOptions();
  let outputFile = false;
  let i = 0;
  const need = (): string | null => (i + 1 < argv.length ? argv[++i] : null);
  for (; i < argv.length; i++) {
    const a = argv[i];
    if (a.length === 0 || a[0] !== '-') break;
    const bits = SIMPLE_FLAGS.get(a);
    if (bits !== undefined) { o.filter |= bits; continue; }
    switch (a) {
      case '-ad': case '-ac': case '-rt': case '-RT': case '-s': case '-m': case '-tcn': case '-TCN': {
        const v = need();
        if (v === null) return die(`missing option for ${a}\n`);
        if (a === '-ad') { o.filter |= FILT_ACC_DELAY; o.accDelay = toUint32(cAtol(v)); }
        else if (a === '-ac') { o.filter |= FILT_ACC_COUNT; o.accCount = toUint32(cAtol(v)); }
        else if (a === '-rt') { o.filter |= FILT_TIME_RESP; o.timeResp = toInt32(cAtol(v)); }
        else if (a === '-RT') { o.filter |= FILT_TIME_RESP | FILT_INVERT_TIME_RESP; o.timeResp = toInt32(cAtol(v)); }
        else if (a === '-s') o.skipFields = toInt32(cAtol(v));
        else if (a === '-m') o.linesMax = toInt32(cAtol(v));
        else {
          o.filter |= FILT_TERM_CODE_NAME | (a === '-TCN' ? FILT_INVERT_TERM_CODE_NAME : 0);
          const b = Buffer.from(v, 'latin1');
          o.termCode0 = b.length > 0 ? b[0] : 0;
          o.termCode1 = b.length > 1 ? b[1] : 0;
        }
        break;
      }
      case '-v': o.invert = !o.invert; break;
      case '-hs': case '-HS': {
        const v = need();
        if (v === null) return die('missing option for -hs/-HS ([min]:[max])\n');
        o.filter |= FILT_HTTP_STATUS | (a === '-HS' ? FILT_INVERT_HTTP_STATUS : 0);
        const sep = v.indexOf(':');
        const lo = sep < 0 ? v : v.slice(0, sep);
        const hi = sep < 0 ? v : v.slice(sep + 1);
        o.statusLow = lo.length ? toInt32(cAtol(lo)) : 0;
        o.statusHigh = hi.length ? toInt32(cAtol(hi)) : 65535;
        break;
      }
      case '-time': {
        const v = need();
        if (v === null) return die('missing option for -time ([min]:[max])\n');
        o.filter2 |= FILT2_TIMESTAMP;
        const sep = v.indexOf(':');
        o.timeLow = v.length ? toUint32(cAtol(v)) : 0;
        o.timeHigh = sep < 0 ? 0xffffffff : toUint32(cAtol(v.slice(sep + 1)));
        break;
      }
      case '-query': o.filter2 |= FILT2_PRESERVE_QUERY; break;
      case '-hdr': {
        const v = need();
        if (v === null) return die('missing option for -hdr (<block>:<field>)\n');
        o.filter2 |= FILT2_EXTRACT_CAPTURE;
        const sep = v.indexOf(':');
        if (sep < 0) return die('missing colon in -hdr (<block>:<field>)\n');
        const blk = v.slice(0, sep), fld = v.slice(sep + 1);
        o.captureBlock = blk.length ? toUint32(cAtol(blk)) : 1;
        o.captureField = fld.length ? toUint32(cAtol(fld)) : 1;
        if (o.captureBlock < 1 || o.captureField < 1) return die('block and field must be at least 1 for -hdr (<block>:<field>)\n');
        break;
      }
      case '-o':
        /* halog 2.6 checks -o but neither consumes nor uses its argument: the file name ends parsing */
        if (outputFile) return die('Fatal: output file name already specified.\n');
        if (i + 1 >= argv.length) return die('Fatal: missing output file name.\n');
        outputFile = true;
        break;
      case '-h': case '--help':
        return { kind: 'exit', stdout: HALOG_USAGE + HALOG_LONG_HELP + (a === '--help' ? SLUICE_LONG_HELP : ''), stderr: '', status: 0 };
      case '--json': o.json = true; break;
      case '--no-progress': o.progress = false; break;
      case '--duckdb': case '--parquet': case '--sql': case '--threads': {
        const v = need();
        if (v === null) return die(`missing option for ${a}\n`);
        if (a === '--duckdb') o.duckdb = v;
        else if (a === '--parquet') o.parquet = v;
        else if (a === '--sql') o.sql = v;
        else o.threads = Math.max(1, Number.parseInt(v, 10) || 1);
        break;
      }
      default:
        break; /* halog silently ignores unknown options */
    }
  }
  if (!outputFile) for (; i < argv.length; i++) o.files.push(argv[i]);
  if (o.filter === 0 && o.filter2 === 0 && o.duckdb === null && o.parquet === null && o.sql === null) {
    return die('No action specified.\n');
  }
  if ((o.filter & FILT_ACC_COUNT) && !o.accCount) o.accCount = 1;
  if ((o.filter & FILT_ACC_DELAY) && !o.accDelay) o.accDelay = 1;
  return { kind: 'run', opts: o };
}
