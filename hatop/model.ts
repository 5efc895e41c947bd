// Parses `show info` and `show stat` replies into typed values. Columns are found by NAME from the
// `# pxname,svname,...` header, so extra, missing or reordered columns (HAProxy 2.6, older
// versions, Sluice) all work; an absent numeric column reads as NaN. Pure: no I/O, no clock.
// Called by app.tsx on each refresh, by --once and by the bench. Hot path: per refresh (1,000+ rows
// in a few ms, bench/hatop/render.bench.ts), so rows are cut with indexOf, not split/regex.
import type { Info, ProxyGroup, Snapshot, StatNumCol, StatRow, StatStrCol } from './types.ts';
import { STAT_TYPE_BE, STAT_TYPE_FE } from './types.ts';
import { hatopError } from './errors.ts';

export const STAT_NUM_COLS: readonly StatNumCol[] = [
  'qcur', 'qmax', 'scur', 'smax', 'slim', 'stot', 'bin', 'bout', 'dreq', 'dresp', 'ereq', 'econ', 'eresp',
  'wretr', 'wredis', 'weight', 'act', 'bck', 'chkfail', 'chkdown', 'lastchg', 'downtime', 'qlimit', 'iid',
  'sid', 'throttle', 'lbtot', 'type', 'rate', 'rate_lim', 'rate_max', 'check_code', 'check_duration',
  'hrsp_1xx', 'hrsp_2xx', 'hrsp_3xx', 'hrsp_4xx', 'hrsp_5xx', 'hrsp_other', 'hanafail', 'req_rate',
  'req_rate_max', 'req_tot', 'cli_abrt', 'srv_abrt', 'lastsess', 'qtime', 'ctime', 'rtime', 'ttime', 'eint',
  'uweight',
];
export const STAT_STR_COLS: readonly StatStrCol[] = [
  'pxname', 'svname', 'status', 'check_status', 'last_chk', 'addr', 'mode', 'tracked',
];

// Every row's values live in instances of these classes: one fixed shape with all fields set in the
// constructor. Filling plain `{}` objects by computed keys sent them to dictionary mode and made a
// 1,000-row parse cost ~36 ms instead of a few (bench/hatop/render.bench.ts).
class StatNums implements Record<StatNumCol, number> {
  qcur = NaN;
  qmax = NaN;
  scur = NaN;
  smax = NaN;
  slim = NaN;
  stot = NaN;
  bin = NaN;
  bout = NaN;
  dreq = NaN;
  dresp = NaN;
  ereq = NaN;
  econ = NaN;
  eresp = NaN;
  wretr = NaN;
  wredis = NaN;
  weight = NaN;
  act = NaN;
  bck = NaN;
  chkfail = NaN;
  chkdown = NaN;
  lastchg = NaN;
  downtime = NaN;
  qlimit = NaN;
  iid = NaN;
  sid = NaN;
  throttle = NaN;
  lbtot = NaN;
  type = NaN;
  rate = NaN;
  rate_lim = NaN;
  rate_max = NaN;
  check_code = NaN;
  check_duration = NaN;
  hrsp_1xx = NaN;
  hrsp_2xx = NaN;
  hrsp_3xx = NaN;
  hrsp_4xx = NaN;
  hrsp_5xx = NaN;
  hrsp_other = NaN;
  hanafail = NaN;
  req_rate = NaN;
  req_rate_max = NaN;
  req_tot = NaN;
  cli_abrt = NaN;
  srv_abrt = NaN;
  lastsess = NaN;
  qtime = NaN;
  ctime = NaN;
  rtime = NaN;
  ttime = NaN;
  eint = NaN;
  uweight = NaN;
}

class StatStrs implements Record<StatStrCol, string> {
  pxname = '';
  svname = '';
  status = '';
  check_status = '';
  last_chk = '';
  addr = '';
  mode = '';
  tracked = '';
}

function num(s: string | undefined): number {
  if (s === undefined || s === '') return NaN;
  const n = Number(s);
  return n;
}

/** Parses `show info` text (`Key: value` lines; unknown keys kept in `raw`, missing ones NaN/'').
 * Returns null when the text holds no `Key: value` line at all (an error reply). */
export function parseInfo(text: string): Info | null {
  const raw = new Map<string, string>();
  let pos = 0;
  while (pos < text.length) {
    let eol = text.indexOf('\n', pos);
    if (eol < 0) eol = text.length;
    const sep = text.indexOf(': ', pos);
    if (sep > pos && sep < eol) raw.set(text.slice(pos, sep), text.slice(sep + 2, eol).trimEnd());
    pos = eol + 1;
  }
  if (raw.size === 0 || !raw.has('Name') && !raw.has('Version') && !raw.has('Pid')) return null;
  const s = (k: string): string => raw.get(k) ?? '';
  const n = (k: string): number => num(raw.get(k));
  return {
    raw,
    name: s('Name'),
    version: s('Version'),
    releaseDate: s('Release_date'),
    node: s('node'),
    pid: n('Pid'),
    nbthread: n('Nbthread'),
    nbproc: n('Nbproc'),
    uptime: s('Uptime'),
    uptimeSec: n('Uptime_sec'),
    maxconn: n('Maxconn'),
    currConns: n('CurrConns'),
    connRate: n('ConnRate'),
    maxConnRate: n('MaxConnRate'),
    sessRate: n('SessRate'),
    maxSessRate: n('MaxSessRate'),
    maxpipes: n('Maxpipes'),
    pipesUsed: n('PipesUsed'),
    tasks: n('Tasks'),
    runQueue: n('Run_queue'),
    idlePct: n('Idle_pct'),
  };
}

/** Column positions for one header line; cached because the header rarely changes. */
interface Layout {
  readonly header: string;
  readonly names: readonly string[];
  /** For each STAT_NUM_COLS / STAT_STR_COLS entry, its CSV index or -1. */
  readonly numIdx: Int32Array;
  readonly strIdx: Int32Array;
  readonly maxIdx: number;
}

let lastLayout: Layout | null = null;

function layoutFor(header: string): Layout {
  if (lastLayout && lastLayout.header === header) return lastLayout;
  let body = header.slice(2);
  if (body.endsWith(',')) body = body.slice(0, -1);
  const names = body.split(',');
  const at = new Map<string, number>();
  for (let i = 0; i < names.length; i++) if (!at.has(names[i]!)) at.set(names[i]!, i);
  const numIdx = new Int32Array(STAT_NUM_COLS.length);
  const strIdx = new Int32Array(STAT_STR_COLS.length);
  let maxIdx = 0;
  for (let i = 0; i < STAT_NUM_COLS.length; i++) {
    numIdx[i] = at.get(STAT_NUM_COLS[i]!) ?? -1;
    maxIdx = Math.max(maxIdx, numIdx[i]!);
  }
  for (let i = 0; i < STAT_STR_COLS.length; i++) {
    strIdx[i] = at.get(STAT_STR_COLS[i]!) ?? -1;
    maxIdx = Math.max(maxIdx, strIdx[i]!);
  }
  lastLayout = { header, names, numIdx, strIdx, maxIdx };
  return lastLayout;
}

/** Parses a decimal integer (optionally negative) in s[start,end); '' gives NaN, junk gives NaN. */
function intAt(s: string, start: number, end: number): number {
  if (start >= end) return NaN;
  let i = start;
  let neg = false;
  if (s.charCodeAt(i) === 45) {
    neg = true;
    i++;
  }
  let v = 0;
  for (; i < end; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return Number(s.slice(start, end));
    v = v * 10 + c;
  }
  return neg ? -v : v;
}

/** Parses a `show stat` CSV reply (header line starting with `# `) taken at epoch ms `at`.
 * Returns a snapshot, or an error string when the text has no CSV header (e.g. "Permission denied").
 * Rows keep HAProxy's order; groups follow HATop's order (see ProxyGroup). */
export function parseStat(text: string, at: number, info: Info | null = null): Snapshot | string {
  const hdrStart = text.startsWith('# ') ? 0 : text.indexOf('\n# ') + 1;
  if (hdrStart <= 0 && !text.startsWith('# ')) {
    const msg = text.trim();
    return msg === '' ? hatopError('NO_STAT') : msg;
  }
  let hdrEnd = text.indexOf('\n', hdrStart);
  if (hdrEnd < 0) hdrEnd = text.length;
  const lay = layoutFor(text.slice(hdrStart, hdrEnd));
  const fieldStart = new Int32Array(lay.maxIdx + 2);
  const fieldEnd = new Int32Array(lay.maxIdx + 2);
  const rows: StatRow[] = [];
  const byKey = new Map<string, StatRow>();
  let pos = hdrEnd + 1;
  while (pos < text.length) {
    let eol = text.indexOf('\n', pos);
    if (eol < 0) eol = text.length;
    if (eol === pos) {
      pos = eol + 1;
      continue;
    }
    // Record field offsets up to the last column we need; the rest of the line is skipped.
    // A charCodeAt loop: ~2x faster here than one indexOf call per field.
    let f = 0;
    fieldStart[0] = pos;
    for (let j = pos; j < eol; j++) {
      if (text.charCodeAt(j) !== 44) continue;
      fieldEnd[f] = j;
      if (++f > lay.maxIdx) break;
      fieldStart[f] = j + 1;
    }
    if (f <= lay.maxIdx) fieldEnd[f++] = eol;
    const nf = f;
    const numv = new StatNums();
    for (let i = 0; i < STAT_NUM_COLS.length; i++) {
      const idx = lay.numIdx[i]!;
      numv[STAT_NUM_COLS[i]!] = idx >= 0 && idx < nf ? intAt(text, fieldStart[idx]!, fieldEnd[idx]!) : NaN;
    }
    const strv = new StatStrs();
    for (let i = 0; i < STAT_STR_COLS.length; i++) {
      const idx = lay.strIdx[i]!;
      strv[STAT_STR_COLS[i]!] = idx >= 0 && idx < nf ? text.slice(fieldStart[idx]!, fieldEnd[idx]!) : '';
    }
    const key = strv.pxname + '/' + strv.svname;
    const row: StatRow = { key, str: strv, num: numv };
    rows.push(row);
    byKey.set(key, row);
    pos = eol + 1;
  }
  return { at, info, rows, groups: groupRows(rows), byKey, columns: lay.names };
}

function rowRank(r: StatRow): number {
  const t = r.num.type;
  if (t === STAT_TYPE_FE || r.str.svname === 'FRONTEND') return 0;
  if (t === STAT_TYPE_BE || r.str.svname === 'BACKEND') return 2;
  return 1;
}

/** Groups rows per proxy (by iid, else by name), proxies in order of first appearance;
 * inside a proxy: FRONTEND, then servers and listeners by sid, then BACKEND. */
export function groupRows(rows: readonly StatRow[]): ProxyGroup[] {
  const order: string[] = [];
  const members = new Map<string, StatRow[]>();
  for (const r of rows) {
    const id = Number.isNaN(r.num.iid) ? r.str.pxname : String(r.num.iid);
    let m = members.get(id);
    if (!m) {
      m = [];
      members.set(id, m);
      order.push(id);
    }
    m.push(r);
  }
  const groups: ProxyGroup[] = [];
  for (const id of order) {
    const m = members.get(id)!;
    m.sort((a, b) => rowRank(a) - rowRank(b) || (a.num.sid || 0) - (b.num.sid || 0));
    const last = m[m.length - 1]!;
    groups.push({
      iid: m[0]!.num.iid,
      pxname: m[0]!.str.pxname,
      rows: m,
      backend: rowRank(last) === 2 ? last : null,
    });
  }
  return groups;
}

/** True for server rows (the only ones server actions apply to). */
export function isServer(r: StatRow): boolean {
  return rowRank(r) === 1 && r.num.type !== 3;
}
