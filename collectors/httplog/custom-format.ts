/* Parser generated from a HAProxy log-format string (`--log-format`, and the `clf` preset): the string is tokenized
 * by proxy/log/format-tokens.ts, then compiled once into a list of ops (literal, separator, field) that walk the
 * line by byte offsets. Fields with a log-record column go to it; the others (%ID, %[sample], %H, ...) are kept
 * as a JSON object in the `extra` column. Quoting (+Q, %o) is detected per value, so flags need not be exact.
 * Limits: a field with no literal after it ends at the next space (or at the closing quote/brace); %hrl/%hsl
 * lists cannot be told apart, so both go to req_headers joined by '|'.
 * Hot path: yes for the compiled parser (offset scans; strings only for `extra` fields).
 */
import { tokenizeLogFormat, LF_FLAG_E } from '../../proxy/log/format-tokens.ts';
import type { LogFormatItem } from '../../proxy/log/format-tokens.ts';
import {
  COL_ACTCONN, COL_BACKEND, COL_BACKEND_QUEUE, COL_BECONN, COL_BYTES_READ, COL_CLIENT_IP, COL_CLIENT_PORT, COL_EXTRA,
  COL_FECONN, COL_FRONTEND, COL_HTTP_VERSION, COL_METHOD, COL_REDISPATCHED, COL_REQ_COOKIE, COL_REQ_HEADERS,
  COL_RES_COOKIE, COL_RES_HEADERS, COL_RETRIES, COL_SERVER, COL_SRV_CONN, COL_SRV_QUEUE, COL_STATUS, COL_TA,
  COL_TA_PLUS, COL_TC, COL_TERM_STATE, COL_TR, COL_TR_SRV, COL_TRANSPORT, COL_TS, COL_TT, COL_TW, COL_URI,
} from '../arrow/types.ts';
import type { LogRowWriter } from '../arrow/types.ts';
import { digitsAt, parseAcceptDate } from '../syslog/dates.ts';
import { lf, readBigInt, readInt } from './fields.ts';
import { PARSE_ERR_DATE, PARSE_ERR_NUMBER, PARSE_ERR_SYNTAX, PARSE_ERR_TRUNCATED, PARSE_OK } from './types.ts';
import type { LogLineParser } from './types.ts';

/** HAProxy 2.6's `option httplog clf` format, as observed on 2.6.12's output (fixtures/collectors/haproxy-2.6/clf.*). */
export const CLF_LOG_FORMAT = '%{+Q}o %{-Q}ci - - [%trg] %r %ST %B "" "" %cp %ms %ft %b %s %TR %Tw %Tc %Tr %Ta %tsc %ac %fc %bc %sc %rc %sq %bq %CC %CS %hrl %hsl';

// What a field stores.
const F_STR = 0;       // string column
const F_DICT = 1;      // dictionary column
const F_INT = 2;       // int column, '+' prefix → plusCol
const F_BIGINT = 3;    // bytes
const F_DATE = 4;      // accept date → ts
const F_MS = 5;        // %ms, added to ts
const F_FT = 6;        // frontend with optional '~'
const F_REQ = 7;       // %r request line → method, uri, version
const F_HDRS = 8;      // {a|b} captured headers
const F_HDRLIST = 9;   // "a" "b" ... captured header list
const F_EXTRA = 10;    // no column: JSON `extra`
const F_TERM = 11;     // termination state (dictionary, never quoted)
const F_EPOCH = 12;    // %Ts: epoch seconds → ts (when no date field set it)

interface FieldDef { readonly kind: number; readonly col: number; readonly plusCol?: number }

const HTTP_ONLY = new Set(['r', 'HM', 'HU', 'HP', 'HPO', 'HQ', 'HV', 'ST', 'CC', 'CS', 'hr', 'hs', 'hrl', 'hsl', 'TR', 'Tr', 'Ta']);

const FIELDS: Record<string, FieldDef> = {
  ci: { kind: F_STR, col: COL_CLIENT_IP }, cp: { kind: F_INT, col: COL_CLIENT_PORT },
  t: { kind: F_DATE, col: COL_TS }, tr: { kind: F_DATE, col: COL_TS }, trg: { kind: F_DATE, col: COL_TS },
  trl: { kind: F_DATE, col: COL_TS }, T: { kind: F_DATE, col: COL_TS }, Tl: { kind: F_DATE, col: COL_TS },
  ms: { kind: F_MS, col: COL_TS }, Ts: { kind: F_EPOCH, col: COL_TS }, ft: { kind: F_FT, col: COL_FRONTEND }, f: { kind: F_DICT, col: COL_FRONTEND },
  b: { kind: F_DICT, col: COL_BACKEND }, s: { kind: F_DICT, col: COL_SERVER },
  TR: { kind: F_INT, col: COL_TR }, Tq: { kind: F_INT, col: COL_TR }, Tw: { kind: F_INT, col: COL_TW },
  Tc: { kind: F_INT, col: COL_TC }, Tr: { kind: F_INT, col: COL_TR_SRV },
  Ta: { kind: F_INT, col: COL_TA, plusCol: COL_TA_PLUS }, Tt: { kind: F_INT, col: COL_TT, plusCol: COL_TA_PLUS },
  ST: { kind: F_INT, col: COL_STATUS }, B: { kind: F_BIGINT, col: COL_BYTES_READ },
  CC: { kind: F_STR, col: COL_REQ_COOKIE }, CS: { kind: F_STR, col: COL_RES_COOKIE },
  ts: { kind: F_TERM, col: COL_TERM_STATE }, tsc: { kind: F_TERM, col: COL_TERM_STATE },
  ac: { kind: F_INT, col: COL_ACTCONN }, fc: { kind: F_INT, col: COL_FECONN }, bc: { kind: F_INT, col: COL_BECONN },
  sc: { kind: F_INT, col: COL_SRV_CONN }, rc: { kind: F_INT, col: COL_RETRIES, plusCol: COL_REDISPATCHED },
  sq: { kind: F_INT, col: COL_SRV_QUEUE }, bq: { kind: F_INT, col: COL_BACKEND_QUEUE },
  hr: { kind: F_HDRS, col: COL_REQ_HEADERS }, hs: { kind: F_HDRS, col: COL_RES_HEADERS },
  hrl: { kind: F_HDRLIST, col: COL_REQ_HEADERS }, hsl: { kind: F_HDRLIST, col: COL_RES_HEADERS },
  r: { kind: F_REQ, col: COL_URI }, HM: { kind: F_DICT, col: COL_METHOD }, HU: { kind: F_STR, col: COL_URI },
  HP: { kind: F_STR, col: COL_URI }, HV: { kind: F_DICT, col: COL_HTTP_VERSION },
};
const ADDRESS_FIELDS = new Set(['ci', 'fi', 'bi', 'si', 'src', 'dst']);
const TCP_COLUMNS = new Set([COL_TR, COL_TR_SRV, COL_TA, COL_STATUS, COL_REQ_COOKIE, COL_RES_COOKIE, COL_REQ_HEADERS,
  COL_RES_HEADERS, COL_METHOD, COL_URI, COL_HTTP_VERSION]);

const OP_TEXT = 0;
const OP_SEP = 1;
const OP_FIELD = 2;

interface Op {
  readonly op: number;
  readonly text: Buffer;         // OP_TEXT: bytes to match; OP_FIELD: the delimiter that follows ('' = end/space)
  readonly def: FieldDef;
  readonly name: string;         // extra key
  readonly escaped: boolean;     // +E: backslash escapes inside the value
  readonly nextIsSep: boolean;
  readonly last: boolean;
  /** An address followed by ':' (%ci:%cp): an IPv6 address has colons of its own, so the last one ends it. */
  readonly addr: boolean;
  /** True when every field from here on is optional (captures, extras), so the line may end here. */
  tailOptional: boolean;
}

const EXTRA: FieldDef = { kind: F_EXTRA, col: COL_EXTRA };
const NONE: FieldDef = { kind: -1, col: -1 };
const EMPTY = Buffer.alloc(0);

export interface CompiledLogFormat {
  readonly parse: LogLineParser;
  readonly table: 'http_log' | 'tcp_log';
}

/** The arguments each compiled parser was made from, so a worker thread can compile the same one (parse-worker.ts). */
const SOURCES = new WeakMap<LogLineParser, { readonly fmt: string; readonly configEscapes: boolean }>();

/** compileLogFormat's arguments for a parser it returned, or undefined for any other function. */
export function logFormatSource(parse: LogLineParser): { readonly fmt: string; readonly configEscapes: boolean } | undefined {
  return SOURCES.get(parse);
}

/** Compiles `fmt` (as written after `log-format` once the config quoting is undone, or with `configEscapes`).
 * Returns the parser or the tokenizer's error. */
export function compileLogFormat(fmt: string, configEscapes = false): CompiledLogFormat | { error: string; pos: number } {
  const t = tokenizeLogFormat(fmt, { configEscapes });
  if (!t.ok) return { error: t.error, pos: t.pos };
  // %o prints nothing, and HAProxy prints no separator before the first printed byte or after another separator.
  const items: LogFormatItem[] = [];
  for (const it of t.items) {
    if (it.kind === 'options') continue;
    if (it.kind === 'sep' && (items.length === 0 || items[items.length - 1].kind === 'sep')) continue;
    items.push(it);
  }
  let http = false;
  for (const it of items) if (it.kind === 'var' && HTTP_ONLY.has(it.name)) http = true;
  const table = http ? 'http_log' : 'tcp_log';
  const ops: Op[] = [];
  for (let i = 0; i < items.length; i++) {
    const it = items[i];
    const next = items[i + 1];
    if (it.kind === 'text') { ops.push({ op: OP_TEXT, text: Buffer.from(it.text, 'utf8'), def: NONE, name: '', escaped: false, nextIsSep: false, last: false, addr: false, tailOptional: false }); continue; }
    if (it.kind === 'sep') { ops.push({ op: OP_SEP, text: EMPTY, def: NONE, name: '', escaped: false, nextIsSep: false, last: false, addr: false, tailOptional: false }); continue; }
    if (it.kind !== 'var' && it.kind !== 'sample') continue;
    const name = it.kind === 'var' ? it.name : it.expr;
    let def = it.kind === 'var' ? FIELDS[name] ?? EXTRA : EXTRA;
    if (!http && TCP_COLUMNS.has(def.col)) def = EXTRA;
    const delim = next && next.kind === 'text' ? Buffer.from(next.text, 'utf8') : EMPTY;
    ops.push({
      op: OP_FIELD, text: delim, def, name, escaped: (it.add & LF_FLAG_E) !== 0, nextIsSep: !!next && next.kind === 'sep',
      last: next === undefined, tailOptional: false,
      addr: ADDRESS_FIELDS.has(name) && delim.length > 0 && delim[0] === 58,
    });
  }
  let optional = true;
  for (let i = ops.length - 1; i >= 0; i--) {
    const o = ops[i];
    if (o.op === OP_TEXT || (o.op === OP_FIELD && o.def.kind !== F_HDRLIST && o.def.kind !== F_HDRS && o.def.kind !== F_EXTRA)) optional = false;
    o.tailOptional = optional;
  }
  const prog = ops;
  const parse: LogLineParser = (buf, start, end, w) => runOps(prog, buf, start, end, w);
  SOURCES.set(parse, { fmt, configEscapes });
  return { parse, table };
}

/** End of a value starting at p: the closing quote/brace for quoted/braced values, else the delimiter. */
function valueEnd(o: Op, buf: Uint8Array, p: number, end: number): number {
  if (o.last) return end;
  if (o.addr) {
    let sp = buf.indexOf(32, p);
    if (sp < 0 || sp > end) sp = end;
    const c = buf.lastIndexOf(58, sp - 1);
    return c >= p ? c : -1;
  }
  if (o.text.length > 0) {
    const d0 = o.text[0];
    for (let i = p; i < end; i++) {
      const c = buf[i];
      if (c === 92 && o.escaped) { i++; continue; }
      if (c === d0 && i + o.text.length <= end) {
        let k = 1;
        while (k < o.text.length && buf[i + k] === o.text[k]) k++;
        if (k === o.text.length) return i;
      }
    }
    return -1;
  }
  const sp = buf.indexOf(32, p);
  return sp < 0 || sp > end ? end : sp;
}

let msPending = -1;
let extra: string[] = [];

function runOps(ops: readonly Op[], buf: Uint8Array, start: number, end: number, w: LogRowWriter): number {
  let p = start;
  const row = w.rows;
  let emptyField = false;
  msPending = -1;
  extra = [];
  for (let i = 0; i < ops.length; i++) {
    const o = ops[i];
    if (o.op === OP_TEXT) {
      const t = o.text;
      if (p + t.length > end) return PARSE_ERR_TRUNCATED;
      for (let k = 0; k < t.length; k++) if (buf[p + k] !== t[k]) return PARSE_ERR_SYNTAX;
      p += t.length;
      continue;
    }
    if (p >= end && o.tailOptional) break;
    if (o.op === OP_SEP) {
      if (p >= end) return PARSE_ERR_TRUNCATED;
      // HAProxy prints no separator after a field that printed nothing (absent %hr/%hs captures).
      if (buf[p] !== 32) { if (emptyField) { emptyField = false; continue; } return PARSE_ERR_SYNTAX; }
      while (p < end && buf[p] === 32) p++;
      continue;
    }
    const d = o.def;
    let vs = p;
    let ve: number;
    emptyField = false;
    if (d.kind === F_HDRS && buf[p] !== 123) { emptyField = true; continue; }
    if (d.kind === F_REQ && buf[p] !== 34) {
      // Unquoted request line: METHOD SP URI SP VERSION, or one token such as <BADREQ>.
      let sp1 = buf.indexOf(32, p);
      if (sp1 < 0 || sp1 >= end) sp1 = end;
      ve = sp1;
      if (buf[p] !== 60 && sp1 < end) {
        const sp2 = buf.indexOf(32, sp1 + 1);
        ve = sp2 < 0 || sp2 >= end ? end : sp2;
        if (ve < end && buf[ve + 1] === 72) { const sp3 = buf.indexOf(32, ve + 1); ve = sp3 < 0 || sp3 >= end ? end : sp3; }
      }
    } else if (d.kind === F_HDRS && buf[p] === 123) {
      const c = buf.indexOf(125, p);
      if (c < 0 || c >= end) return PARSE_ERR_TRUNCATED;
      vs = p + 1; ve = c; p = c + 1;
      writeField(o, buf, vs, ve, w, row);
      continue;
    } else if (d.kind === F_HDRLIST) {
      // One or more quoted values; take them all (a following %hsl gets the rest, usually nothing).
      ve = o.last || o.nextIsSep ? end : valueEnd(o, buf, p, end);
      if (ve < 0) return PARSE_ERR_SYNTAX;
      let e2 = ve;
      while (e2 > p && buf[e2 - 1] === 32) e2--;
      if (e2 > p) writeHeaderList(o, buf, p, e2, w);
      p = ve;
      continue;
    } else if (buf[p] === 34 && d.kind !== F_TERM) {
      // Quoted value: the closing quote is the one followed by the delimiter (or a space / the end).
      let q = p + 1;
      for (;;) {
        q = buf.indexOf(34, q);
        if (q < 0 || q >= end) return PARSE_ERR_TRUNCATED;
        if (o.escaped && buf[q - 1] === 92) { q++; continue; }
        const after = q + 1;
        if (o.last ? after >= end : o.text.length > 0 ? buf[after] === o.text[0] : after >= end || buf[after] === 32) break;
        q++;
      }
      vs = p + 1; ve = q; p = q + 1;
      const r = writeField(o, buf, vs, ve, w, row);
      if (r !== PARSE_OK) return r;
      continue;
    } else {
      ve = valueEnd(o, buf, p, end);
      if (ve < 0) return PARSE_ERR_TRUNCATED;
      // %T/%Tl/%trg/%trl print `dd/Mon/yyyy:hh:mm:ss +zzzz`: the zone is part of the value, not the next field.
      if (d.kind === F_DATE && ve - vs === 20 && ve + 6 <= end && buf[ve] === 32 && (buf[ve + 1] === 43 || buf[ve + 1] === 45) &&
          (ve + 6 === end || buf[ve + 6] === 32 || (o.text.length > 0 && buf[ve + 6] === o.text[0]))) {
        if (o.text.length > 0) ve = valueEnd(o, buf, ve + 6, end);
        else ve += 6;
        if (ve < 0) return PARSE_ERR_TRUNCATED;
      }
    }
    const r = writeField(o, buf, vs, ve, w, row);
    if (r !== PARSE_OK) return r;
    p = ve;
  }
  if (msPending >= 0) { const ts = w.f64[COL_TS][row]; if (ts === ts) w.f64[COL_TS][row] = ts + msPending; }
  if (extra.length > 0) w.setStr(COL_EXTRA, Buffer.from('{' + extra.join(',') + '}'), 0, Buffer.byteLength('{' + extra.join(',') + '}'));
  return PARSE_OK;
}

function isDash(buf: Uint8Array, s: number, e: number): boolean {
  return e === s + 1 && buf[s] === 45;
}

function writeField(o: Op, buf: Uint8Array, s: number, e: number, w: LogRowWriter, row: number): number {
  const d = o.def;
  switch (d.kind) {
    case F_STR: if (e > s && !isDash(buf, s, e)) w.setStr(d.col, buf, s, e); return PARSE_OK;
    case F_DICT: case F_TERM: if (e > s && !isDash(buf, s, e)) w.setDict(d.col, buf, s, e); return PARSE_OK;
    case F_FT: {
      if (e > s + 1 && buf[e - 1] === 126) { w.setDict(COL_FRONTEND, buf, s, e - 1); w.setDict(COL_TRANSPORT, buf, e - 1, e); }
      else w.setDict(COL_FRONTEND, buf, s, e);
      return PARSE_OK;
    }
    case F_INT: case F_BIGINT: {
      if (isDash(buf, s, e) || e === s) return PARSE_OK;
      const v = d.kind === F_INT ? readInt(buf, s, e) : readBigInt(buf, s, e);
      if (v !== v || lf.pos !== e) return PARSE_ERR_NUMBER;
      if (d.kind === F_INT) w.i32[d.col][row] = v; else w.f64[d.col][row] = v;
      if (d.plusCol !== undefined) w.i32[d.plusCol][row] = lf.plus;
      return PARSE_OK;
    }
    case F_DATE: {
      // dd/Mon/yyyy:hh:mm:ss.mmm, or dd/Mon/yyyy:hh:mm:ss followed by a zone (+0000), kept as wall clock.
      let ts = e - s >= 24 && buf[s + 20] === 46 ? parseAcceptDate(buf, s, 24) : parseAcceptDate(buf, s, 20);
      if (ts !== ts) return PARSE_ERR_DATE;
      if (e - s === 26 && buf[s + 20] === 32) {
        // with its zone: stored as UTC
        const zh = digitsAt(buf, s + 22, 2), zm = digitsAt(buf, s + 24, 2);
        if (zh < 0 || zm < 0) return PARSE_ERR_DATE;
        ts -= (zh * 60 + zm) * 60000 * (buf[s + 21] === 45 ? -1 : 1);
      }
      w.f64[COL_TS][row] = ts;
      return PARSE_OK;
    }
    case F_EPOCH: {
      const v = readInt(buf, s, e);
      if (v !== v || lf.pos !== e) return PARSE_ERR_NUMBER;
      if (w.f64[COL_TS][row] !== w.f64[COL_TS][row]) w.f64[COL_TS][row] = v * 1000;
      return PARSE_OK;
    }
    case F_MS: {
      const v = readInt(buf, s, e);
      if (v !== v) return PARSE_ERR_NUMBER;
      msPending = v;
      return PARSE_OK;
    }
    case F_REQ: {
      const m = buf.indexOf(32, s);
      if (m < 0 || m >= e) { w.setStr(COL_URI, buf, s, e); return PARSE_OK; }
      w.setDict(COL_METHOD, buf, s, m);
      let v = e - 1;
      while (v > m && buf[v] !== 32) v--;
      if (v > m && buf[v + 1] === 72) { w.setStr(COL_URI, buf, m + 1, v); w.setDict(COL_HTTP_VERSION, buf, v + 1, e); }
      else w.setStr(COL_URI, buf, m + 1, e);
      return PARSE_OK;
    }
    case F_HDRS: w.setStr(d.col, buf, s, e); return PARSE_OK;
    default: {
      const v = Buffer.from(buf.buffer, buf.byteOffset + s, e - s).toString('utf8');
      extra.push(JSON.stringify(o.name) + ':' + JSON.stringify(v));
      return PARSE_OK;
    }
  }
}

/** `"a" "b" "c"` → a|b|c into the field's column. */
function writeHeaderList(o: Op, buf: Uint8Array, s: number, e: number, w: LogRowWriter): void {
  const parts: string[] = [];
  let p = s;
  while (p < e) {
    if (buf[p] === 34) {
      const q = buf.indexOf(34, p + 1);
      const qe = q < 0 || q > e ? e : q;
      parts.push(Buffer.from(buf.buffer, buf.byteOffset + p + 1, qe - p - 1).toString('utf8'));
      p = qe + 1;
    } else {
      const sp = buf.indexOf(32, p);
      const pe = sp < 0 || sp > e ? e : sp;
      parts.push(Buffer.from(buf.buffer, buf.byteOffset + p, pe - p).toString('utf8'));
      p = pe;
    }
    while (p < e && buf[p] === 32) p++;
  }
  const joined = Buffer.from(parts.join('|'), 'utf8');
  w.setStr(o.def.col, joined, 0, joined.length);
}
