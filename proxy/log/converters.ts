/*
 * Sample converters of HAProxy 2.6 (`fetch,conv1,conv2(args)`), compiled once at load into functions on a sample
 * value: text (binary samples are latin1 strings, one char per byte), an integer, or null (no sample). Used by the
 * log-format sample compiler (log/sample.ts: log lines, http-request/response values, dynamic use_backend) and
 * through it by ACL criteria with converters (acl/compile.ts). Map files are read at load. Hot path: per request
 * where a rule or log format uses them (no regex compiled, no file read then).
 */
import fs from 'node:fs';
import { nodeCrypto } from '../lazy-builtins.ts';
import { hashRange } from '../lb/hash-fn.ts';
import { ipv4Value, ipv4Net } from '../net/ipv4.ts';
import { patRefByFile, patRefNewFile, patRefUsedHere, patRefAddUser } from '../acl/pat-ref.ts';
import type { PatRef, PatRefEntry } from '../acl/pat-ref.ts';
import { LB_HFN_SDBM, LB_HFN_DJB2, LB_HFN_WT6, LB_HFN_CRC32 } from '../lb/types.ts';
import { sampleLive } from './sample.ts';
import { varGet } from '../http/vars.ts';
import { pcreCompileError, pcreErrorText, pcreRegExp } from '../acl/pcre-error.ts';
import { deferRegexArgError } from './arg-resolve.ts';

export type SampleValue = string | number | null;
export type Conv = (v: SampleValue) => SampleValue;

/** Splits converter arguments on commas, `\,` and `\)` being literal; other backslashes stay (regex escapes). */
export function convArgs(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\' && (text[i + 1] === ',' || text[i + 1] === ')' || text[i + 1] === '\\')) { cur += text[++i]; continue; }
    if (c === ',') { out.push(cur); cur = ''; continue; }
    cur += c;
  }
  out.push(cur);
  return out.map((a) => (a.length >= 2 && (a[0] === '"' || a[0] === "'") && a[a.length - 1] === a[0] ? a.slice(1, -1) : a.trim()));
}

const str = (v: SampleValue): string | null => (v === null ? null : typeof v === 'number' ? String(v) : v);
/* A string cast to an integer as 2.6 casts it: the leading digits (after an optional '-'), 0 when there are none; an
 * empty string has no integer value. */
const int = (v: SampleValue): number | null => {
  if (v === null) return null;
  if (typeof v === 'number') return v;
  if (v === '') return null;
  const m = /^-?\d+/.exec(v);
  return m === null ? 0 : Number(m[0]);
};

/** A value as 2.6's binary type: an integer is cast to its 8 bytes, big-endian (c_int2bin); a string is its bytes. */
const bin = (v: SampleValue): string | null => {
  if (v === null || typeof v !== 'number') return v;
  const b = Buffer.allocUnsafe(8);
  b.writeBigInt64BE(BigInt.asIntN(64, BigInt(Math.trunc(v))));
  return b.toString('latin1');
};
function binConv(fn: (s: string) => SampleValue): Conv { return (v) => { const s = bin(v); return s === null ? null : fn(s); }; }

/** xxHash32 of `b` with `seed` (the `xxh32` converter). */
function xxh32(b: Buffer, seed: number): number {
  const P1 = 0x9e3779b1, P2 = 0x85ebca77, P3 = 0xc2b2ae3d, P4 = 0x27d4eb2f, P5 = 0x165667b1;
  const rotl = (x: number, r: number): number => ((x << r) | (x >>> (32 - r))) >>> 0;
  const round = (acc: number, lane: number): number => Math.imul(rotl((acc + Math.imul(lane, P2)) >>> 0, 13), P1) >>> 0;
  const n = b.length;
  let i = 0;
  let h: number;
  if (n >= 16) {
    let v1 = (seed + P1 + P2) >>> 0, v2 = (seed + P2) >>> 0, v3 = seed >>> 0, v4 = (seed - P1) >>> 0;
    for (; i + 16 <= n; i += 16) {
      v1 = round(v1, b.readUInt32LE(i)); v2 = round(v2, b.readUInt32LE(i + 4));
      v3 = round(v3, b.readUInt32LE(i + 8)); v4 = round(v4, b.readUInt32LE(i + 12));
    }
    h = (rotl(v1, 1) + rotl(v2, 7) + rotl(v3, 12) + rotl(v4, 18)) >>> 0;
  } else h = (seed + P5) >>> 0;
  h = (h + n) >>> 0;
  for (; i + 4 <= n; i += 4) h = Math.imul(rotl((h + Math.imul(b.readUInt32LE(i), P3)) >>> 0, 17), P4) >>> 0;
  for (; i < n; i++) h = Math.imul(rotl((h + Math.imul(b[i], P5)) >>> 0, 11), P1) >>> 0;
  h = Math.imul(h ^ (h >>> 15), P2) >>> 0;
  h = Math.imul(h ^ (h >>> 13), P3) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

function textConv(fn: (s: string) => SampleValue): Conv { return (v) => { const s = str(v); return s === null ? null : fn(s); }; }
function intConv(fn: (n: number) => SampleValue): Conv { return (v) => { const n = int(v); return n === null ? null : fn(n); }; }

/** field(index,delims[,count]) / word(...): 1-based index (negative from the end), empty words skipped by word. */
function fieldConv(args: string[], words: boolean): Conv | string {
  const idx = Number(args[0]);
  const delims = args[1] ?? '';
  const count = args[2] === undefined ? 1 : Number(args[2]);
  if (!Number.isInteger(idx) || idx === 0 || delims === '' || !Number.isInteger(count) || count < 0) return 'invalid arguments';
  return textConv((s) => {
    const parts: string[] = [];
    let start = 0;
    for (let i = 0; i <= s.length; i++) {
      if (i === s.length || delims.includes(s[i])) { parts.push(s.slice(start, i)); start = i + 1; }
    }
    const list = words ? parts.filter((p) => p !== '') : parts;
    const first = idx > 0 ? idx - 1 : list.length + idx - (count === 0 ? 0 : count - 1);
    const n = count === 0 ? (idx > 0 ? list.length - first : list.length + idx + 1) : count;
    if (first < 0 || first >= list.length) return null;
    // the joined fields keep the delimiter that was there (field) or the first delimiter (word)
    return list.slice(first, first + n).join(words ? delims[0] : delims[0]);
  });
}

/** HAProxy's regsub: the first match (all with flag g) replaced, \1..\9 in the substitution. */
function regsubConv(args: string[], text: string): Conv | string {
  const flags = args[2] ?? '';
  const pat = args[0] ?? '';
  for (const f of flags) if (f !== 'i' && f !== 'g') return `invalid regex flag '${f}', only 'i' and 'g' are supported`;
  // a regex PCRE2 refuses: 2.6 reports it once the files are parsed (when it compiles regex arguments)
  const pe = pcreCompileError(pat, true);
  if (pe !== null) return deferRegexArgError('regsub', text, pat, 1, pcreErrorText(pat, pe)) ? textConv((s) => s) : `invalid regex '${pat}'`;
  let re: RegExp;
  try { re = pcreRegExp(pat, (flags.includes('i') ? 'i' : '') + (flags.includes('g') ? 'g' : '')); } catch { return `invalid regex '${pat}'`; }
  const sub = (args[1] ?? '').replace(/\$/g, '$$$$').replace(/\\([0-9])/g, '$$$1');
  return textConv((s) => { re.lastIndex = 0; return s.replace(re, sub); });
}

const WDAY = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MON = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const p2 = (n: number): string => (n < 10 ? '0' + n : String(n));

/** strftime's common conversions, for ltime/utime. */
function strftime(fmt: string, t: number, utc: boolean): string {
  const d = new Date(t * 1000);
  const Y = utc ? d.getUTCFullYear() : d.getFullYear(), M = utc ? d.getUTCMonth() : d.getMonth();
  const D = utc ? d.getUTCDate() : d.getDate(), h = utc ? d.getUTCHours() : d.getHours();
  const m = utc ? d.getUTCMinutes() : d.getMinutes(), s = utc ? d.getUTCSeconds() : d.getSeconds();
  const wd = utc ? d.getUTCDay() : d.getDay();
  const off = utc ? 0 : -d.getTimezoneOffset();
  const jan1 = utc ? Date.UTC(Y, 0, 1) : new Date(Y, 0, 1).getTime();
  const yday = Math.floor((d.getTime() - jan1) / 86400000) + 1;
  return fmt.replace(/%([a-zA-Z%])/g, (all, c: string) => {
    switch (c) {
      case 'Y': return String(Y);
      case 'y': return p2(Y % 100);
      case 'm': return p2(M + 1);
      case 'd': return p2(D);
      case 'e': return D < 10 ? ' ' + D : String(D);
      case 'H': return p2(h);
      case 'I': return p2(h % 12 === 0 ? 12 : h % 12);
      case 'M': return p2(m);
      case 'S': return p2(s);
      case 'p': return h < 12 ? 'AM' : 'PM';
      case 'a': return WDAY[wd];
      case 'A': return ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'][wd];
      case 'b': case 'h': return MON[M];
      case 'B': return ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'][M];
      case 'j': return String(yday).padStart(3, '0');
      case 'u': return String(wd === 0 ? 7 : wd);
      case 'w': return String(wd);
      case 's': return String(t);
      case 'T': return `${p2(h)}:${p2(m)}:${p2(s)}`;
      case 'R': return `${p2(h)}:${p2(m)}`;
      case 'D': return `${p2(M + 1)}/${p2(D)}/${p2(Y % 100)}`;
      case 'F': return `${Y}-${p2(M + 1)}-${p2(D)}`;
      case 'z': return (off < 0 ? '-' : '+') + p2(Math.floor(Math.abs(off) / 60)) + p2(Math.abs(off) % 60);
      case 'Z': return utc ? 'GMT' : (Intl.DateTimeFormat('en', { timeZoneName: 'short' }).formatToParts(d).find((x) => x.type === 'timeZoneName')?.value ?? '');
      case 'n': return '\n';
      case 't': return '\t';
      case '%': return '%';
      default: return all;
    }
  });
}

function timeConv(args: string[], utc: boolean): Conv | string {
  // an empty format is valid in 2.6.12 (an empty result)
  const fmt = args[0] ?? '';
  const off = args[1] === undefined ? 0 : Number(args[1]);
  if (!Number.isInteger(off)) return 'invalid offset';
  return intConv((n) => strftime(fmt, n + off, utc));
}

function httpDate(args: string[]): Conv | string {
  const off = args[0] === undefined || args[0] === '' ? 0 : Number(args[0]);
  const unit = args[1] ?? 's';
  const div = unit === 's' ? 1 : unit === 'ms' ? 1000 : unit === 'us' ? 1e6 : 0;
  if (!Number.isInteger(off) || div === 0) return 'invalid arguments';
  return intConv((n) => {
    const d = new Date(Math.floor((n / div + off) * 1000));
    return `${WDAY[d.getUTCDay()]}, ${p2(d.getUTCDate())} ${MON[d.getUTCMonth()]} ${d.getUTCFullYear()} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} GMT`;
  });
}

function jsonEscape(s: string): string {
  let o = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) o += '\\"';
    else if (c === 0x5c) o += '\\\\';
    else if (c === 0x2f) o += '\\/';
    else if (c < 0x20 || c === 0x7f) o += c === 10 ? '\\n' : c === 13 ? '\\r' : c === 9 ? '\\t' : '\\u' + c.toString(16).padStart(4, '0');
    else o += s[i];
  }
  return o;
}

function urlDecode(s: string, form: boolean): string | null {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x25) {
      const h = s.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(h)) return null;
      out.push(parseInt(h, 16)); i += 2;
    } else out.push(form && c === 0x2b ? 0x20 : c & 0xff);
  }
  return Buffer.from(out).toString('latin1');
}

// ---- maps ----

const MAP_KINDS = new Set(['str', 'beg', 'end', 'sub', 'reg', 'dom', 'dir', 'ip', 'int']);

interface MapEntry { ref: PatRefEntry; key: string; re: RegExp | null; net: number; mask: number }

/** The [key, value] lines of a map file, or the error message. */
function readMapFile(file: string, baseDir: string): [string, string][] | string {
  let text: string;
  const f = file.startsWith('/') || baseDir === '' ? file : `${baseDir}/${file}`;
  try { text = fs.readFileSync(f, 'latin1'); } catch { return `failed to open pattern file <${file}>`; }
  const out: [string, string][] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '').trim();
    if (line === '' || line.startsWith('#')) continue;
    const sp = line.search(/\s/);
    out.push([sp < 0 ? line : line.slice(0, sp), sp < 0 ? '' : line.slice(sp).trim()]);
  }
  return out;
}

/** One entry prepared for `kind` (regex compiled, network parsed), or the error message naming `file`. */
function prepMapEntry(e: PatRefEntry, kind: string, file: string): MapEntry | string {
  const m: MapEntry = { ref: e, key: e.key, re: null, net: 0, mask: 0 };
  if (kind === 'reg') { try { m.re = new RegExp(e.key); } catch { return `invalid regex '${e.key}' in map file '${file}'`; } }
  if (kind === 'ip') {
    const n = ipv4Net(e.key);
    if (n === null) return `invalid IP address '${e.key}' in map file '${file}'`;
    m.net = n[0]; m.mask = n[1];
  }
  return m;
}

function prepMap(ref: PatRef, kind: string): MapEntry[] | string {
  const out: MapEntry[] = [];
  for (const e of ref.entries) {
    const m = prepMapEntry(e, kind, ref.file);
    if (typeof m === 'string') return m;
    out.push(m);
  }
  return out;
}

/** The entry of `entries` matching `s` for `kind` (longest prefix for ip), or null. */
function mapFind(entries: readonly MapEntry[], exact: Map<string, MapEntry> | null, kind: string, s: string): MapEntry | null {
  if (exact !== null) return exact.get(s) ?? null;
  if (kind === 'ip') {
    const a = ipv4Value(s);
    if (a < 0) return null;
    let best: MapEntry | null = null;
    for (const e of entries) if (((a & e.mask) >>> 0) === e.net && (best === null || e.mask > best.mask)) best = e;
    return best;
  }
  for (const e of entries) {
    const k = e.key;
    let hit: boolean;
    switch (kind) {
      case 'beg': hit = s.startsWith(k); break;
      case 'end': hit = s.endsWith(k); break;
      case 'sub': hit = s.includes(k); break;
      case 'reg': hit = (e.re as RegExp).test(s); break;
      case 'int': hit = int(s) === Number(k); break;
      case 'dom': { const i = s.indexOf(k); hit = i >= 0 && (i === 0 || '/.?'.includes(s[i - 1])) && (i + k.length === s.length || '/.?'.includes(s[i + k.length])); break; }
      default: { const i = s.indexOf(k); hit = i >= 0 && (i === 0 || s[i - 1] === '/') && (i + k.length === s.length || '/?'.includes(s[i + k.length])); break; }
    }
    if (hit) return e;
  }
  return null;
}

/**
 * map_<kind>[_<out>](file[,default]): the value of the first entry matching the sample (longest prefix for ip). The
 * entries live in the file's pattern reference (acl/pat-ref.ts, shared by every map of that file), so `add map`,
 * `set map`, `del map` and `clear map` on the stats socket change the answers.
 */
function mapConv(name: string, args: string[], baseDir: string): Conv | string | undefined {
  const m = /^map(?:_([a-z]+))?(?:_(str|int|ip))?$/.exec(name);
  if (m === null) return undefined;
  const kind = m[1] ?? 'str';
  if (!MAP_KINDS.has(kind)) return undefined;
  const outInt = m[2] === 'int';
  if (args[0] === undefined || args[0] === '') return 'failed to open pattern file <>';
  let ref = patRefByFile(args[0], true);
  let lines: [string, string][] | null = null;
  if (ref === undefined) {
    const r = readMapFile(args[0], baseDir);
    if (typeof r === 'string') return r;
    lines = r;
  }
  const probe = lines !== null ? { entries: lines.map(([k, v]) => ({ ptr: '', key: k, value: v })), file: args[0] } as PatRef : ref!;
  let entries = prepMap(probe, kind);
  if (typeof entries === 'string') return entries;
  if (ref === undefined) ref = patRefNewFile(args[0], true, lines!);
  patRefUsedHere(ref);
  const index = (list: MapEntry[]): Map<string, MapEntry> | null => (kind === 'str' ? new Map(list.map((e) => [e.key, e] as const).reverse()) : null);
  let exact = index(entries);
  const self = ref;
  patRefAddUser(ref, {
    kind, icase: false, tree: kind === 'str' || kind === 'beg' || kind === 'ip', outType: m[2] ?? 'str',
    // the runtime API words a bad key as 2.6's `add map` does
    validate: (key) => {
      const r = prepMapEntry({ ptr: '', key, value: '' }, kind, self.file);
      return typeof r !== 'string' ? '' : kind === 'ip' ? `'${key}' is not a valid IPv4 or IPv6 address` : r;
    },
    rebuild: () => { const r = prepMap(self, kind); if (typeof r !== 'string') { entries = r; exact = index(r); } },
    lookup: (_r, sample) => mapFind(entries as MapEntry[], exact, kind, sample)?.ref ?? null,
  });
  const def: SampleValue = args[1] === undefined ? null : outInt ? Number(args[1]) : args[1];
  const out = (v: string): SampleValue => (outInt ? Number(v) : v);
  return (v) => {
    const s = str(v);
    if (s === null) return def;
    const e = mapFind(entries as MapEntry[], exact, kind, s);
    return e === null ? def : out(e.ref.value);
  };
}

function hashConv(fn: number, args: string[]): Conv {
  const aval = args[0] === '1';
  return (v) => {
    const s = bin(v);
    if (s === null) return null;
    const b = Buffer.from(s, 'latin1');
    return hashRange(fn, aval, b, 0, b.length);
  };
}

/** Bytes url_enc leaves as they are: letters, digits and '-' '.' '_' '~' (everything else is %XX). */
const URL_SAFE = new Uint8Array(256);
for (let c = 0; c < 256; c++) {
  if ((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x2d || c === 0x2e || c === 0x5f || c === 0x7e) URL_SAFE[c] = 1;
}
const DIGESTS = new Set(['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512']);

/** A variable scope prefix: 2.6's arithmetic converters take a variable's name instead of a number. */
const VAR_ARG = /^(proc|sess|txn|req|res)\.[^ ]/;

function arith(args: string[], fn: (a: number, b: number) => number | null): Conv | string {
  if (args[0] !== undefined && VAR_ARG.test(args[0])) {
    // `sub(req.request_rate)`: the variable's value on the live request, as an integer (none: no result)
    const name = args[0].toLowerCase();
    return intConv((a) => {
      const c = sampleLive.req;
      const v = c === null ? null : varGet(c.vars, name);
      const b = typeof v === 'number' ? v : v === null || !/^-?\d+$/.test(v) ? NaN : Number(v);
      return Number.isNaN(b) ? null : fn(a, b);
    });
  }
  // else an integer as C read_int64 reads it, all of it: a sign and digits, none at all being 0 ('add' is 'add(0)')
  const m = /^([-+]?)(\d*)$/.exec(args[0] ?? '');
  if (m === null) return 'expects an integer or a variable name';
  const b = m[2] === '' ? 0 : Number(m[1] + m[2]);
  return intConv((a) => fn(a, b));
}

const SIMPLE: ReadonlyMap<string, Conv> = new Map<string, Conv>([
  ['lower', textConv((s) => s.toLowerCase())],
  ['upper', textConv((s) => s.toUpperCase())],
  // an integer is its 8-byte big-endian form (2.6: `%[ssl_fc_err,hex]` of 0 is 0000000000000000), text its bytes
  ['hex', (v) => (v === null ? null : typeof v === 'number' ? BigInt.asUintN(64, BigInt(Math.trunc(v))).toString(16).toUpperCase().padStart(16, '0')
    : Buffer.from(v, 'latin1').toString('hex').toUpperCase())],
  ['hex2i', textConv((s) => (/^[0-9a-fA-F]+$/.test(s) ? parseInt(s, 16) : null))],
  ['length', textConv((s) => s.length)],
  ['base64', binConv((s) => Buffer.from(s, 'latin1').toString('base64'))],
  // base64url without padding (2.6's ub64enc/ub64dec, used with JWTs)
  ['ub64enc', binConv((s) => Buffer.from(s, 'latin1').toString('base64url'))],
  ['ub64dec', textConv((s) => Buffer.from(s, 'base64url').toString('latin1'))],
  ['cpl', intConv((n) => Number(BigInt.asIntN(64, ~BigInt(Math.trunc(n)))))],
  // the host or the port of a Host header value ("h:p", "[v6]:p")
  ['host_only', textConv((s) => { const e = s.startsWith('[') ? s.indexOf(']') + 1 : s.indexOf(':'); return e <= 0 ? s : s.slice(0, e); })],
  ['port_only', textConv((s) => { const at = s.startsWith('[') ? s.indexOf(']') + 1 : s.indexOf(':'); if (at <= 0 || s[at] !== ':') return 0; const p = Number(s.slice(at + 1)); return /^\d+$/.test(s.slice(at + 1)) && p < 65536 ? p : 0; })],
  ['b64dec', textConv((s) => Buffer.from(s, 'base64').toString('latin1'))],
  ['sha1', binConv((s) => nodeCrypto().createHash('sha1').update(Buffer.from(s, 'latin1')).digest().toString('latin1'))],
  ['json', textConv(jsonEscape)],
  ['cut_crlf', textConv((s) => { const i = s.search(/[\r\n]/); return i < 0 ? s : s.slice(0, i); })],
  ['debug', (v) => v],
  ['neg', intConv((n) => -n)],
  ['not', intConv((n) => (n === 0 ? 1 : 0))],
  ['bool', intConv((n) => (n !== 0 ? 1 : 0))],
  ['odd', intConv((n) => n & 1)],
  ['even', intConv((n) => ((n & 1) === 0 ? 1 : 0))],
]);

/** Converters of other modules (proxy/stick: `in_table(t)`, `table_http_req_rate(t)`), tried after the ones here. */
// a resolver may refuse a converter it knows with 2.6's words (a string: the compile error)
const resolvers: ((text: string) => Conv | string | undefined)[] = [];
export function registerConverters(fn: (text: string) => Conv | string | undefined): void { if (!resolvers.includes(fn)) resolvers.push(fn); }

function otherModules(text: string): Conv | string | undefined {
  for (const r of resolvers) { const c = r(text); if (c !== undefined) return c; }
  return undefined;
}

const INT_CONVERTERS = new Set(['length', 'xxh32', 'hex2i', 'neg', 'not', 'bool', 'odd', 'even', 'sdbm', 'djb2', 'wt6', 'crc32', 'cpl', 'port_only', 'strcmp', 'secure_memcmp',
  'add', 'sub', 'mul', 'div', 'mod', 'and', 'or', 'xor']);

/** True when converter `name` gives an integer (ACLs then match with -m int by default). */
export function convGivesInt(name: string): boolean {
  return INT_CONVERTERS.has(name) || /^map_[a-z]+_int$/.test(name) || name.startsWith('table_');   // table_*: proxy/stick
}

/**
 * The converter `text` (`lower`, `regsub(a,b,g)`, `map_beg(file,def)` ...): a function, or an error string for the
 * configuration message; undefined when Sluice does not know the converter. `baseDir` resolves relative map files.
 */
export function compileConverter(text: string, baseDir = ''): Conv | string | undefined {
  const paren = text.indexOf('(');
  const name = paren < 0 ? text : text.slice(0, paren);
  if (paren >= 0 && !text.endsWith(')')) return `missing ')' in converter '${name}'`;
  const args = paren < 0 ? [] : convArgs(text.slice(paren + 1, -1));
  switch (name) {
    case 'sdbm': return hashConv(LB_HFN_SDBM, args);
    case 'djb2': return hashConv(LB_HFN_DJB2, args);
    case 'wt6': return hashConv(LB_HFN_WT6, args);
    case 'crc32': return hashConv(LB_HFN_CRC32, args);
    case 'xxh32': {
      const seed = args[0] === undefined || args[0] === '' ? 0 : Number(args[0]);
      if (!Number.isInteger(seed)) return 'expects an integer argument';
      return binConv((s) => xxh32(Buffer.from(s, 'latin1'), seed >>> 0));
    }
    case 'url_dec': return textConv((s) => urlDecode(s, args[0] === '1'));
    case 'regsub': return regsubConv(args, text);
    case 'field': return fieldConv(args, false);
    case 'word': return fieldConv(args, true);
    case 'bytes': {
      const off = Number(args[0]);
      const len = args[1] === undefined ? -1 : Number(args[1]);
      if (!Number.isInteger(off) || off < 0 || !Number.isInteger(len)) return 'invalid arguments';
      return binConv((s) => (off > s.length ? null : len < 0 ? s.slice(off) : s.slice(off, off + len)));
    }
    case 'ltrim': { const set = args[0] ?? ''; return textConv((s) => { let i = 0; while (i < s.length && set.includes(s[i])) i++; return s.slice(i); }); }
    case 'rtrim': { const set = args[0] ?? ''; return textConv((s) => { let i = s.length; while (i > 0 && set.includes(s[i - 1])) i--; return s.slice(0, i); }); }
    case 'concat': {
      // concat([<start>],[<var>],[<end>]): after the sample, the constant start, the variable's value (if set),
      // the constant end (2.6)
      const start = args[0] ?? '', name = (args[1] ?? '').trim().toLowerCase(), end = args[2] ?? '';
      if (name === '') return textConv((s) => s + start + end);
      return textConv((s) => {
        const c = sampleLive.req;
        const v = c === null ? null : varGet(c.vars, name);
        return s + start + (v === null ? '' : String(v)) + end;
      });
    }
    case 'add': return arith(args, (a, b) => a + b);
    case 'sub': return arith(args, (a, b) => a - b);
    case 'mul': return arith(args, (a, b) => a * b);
    case 'div': return arith(args, (a, b) => (b === 0 ? null : Math.trunc(a / b)));
    case 'mod': return arith(args, (a, b) => (b === 0 ? null : a % b));
    case 'and': return arith(args, (a, b) => Number(BigInt(a) & BigInt(b)));
    case 'or': return arith(args, (a, b) => Number(BigInt(a) | BigInt(b)));
    case 'xor': return arith(args, (a, b) => Number(BigInt(a) ^ BigInt(b)));
    case 'url_enc': {
      // url_enc([query]): 2.6 percent-encodes every byte outside the unreserved set of a query string
      if (args[0] !== undefined && args[0] !== 'query') return `Unexpected encode type. Allowed value is 'query'`;
      return textConv((t) => { let o = ''; for (let i = 0; i < t.length; i++) { const c = t.charCodeAt(i); o += URL_SAFE[c] === 1 ? t[i] : '%' + (c < 16 ? '0' : '') + c.toString(16).toUpperCase(); } return o; });
    }
    case 'iif': {
      // iif(<true>,<false>) on a boolean sample
      const yes = args[0] ?? '', no = args[1] ?? '';
      return (v) => (v === null ? null : (int(v) ?? 0) !== 0 ? yes : no);     // a string is true when its number is
    }
    case 'digest': case 'hmac': {
      const algo = (args[0] ?? '').toLowerCase();
      if (!DIGESTS.has(algo)) return 'algorithm must be a valid OpenSSL message digest name.';
      if (name === 'digest') return binConv((t) => nodeCrypto().createHash(algo).update(Buffer.from(t, 'latin1')).digest().toString('latin1'));
      const key = Buffer.from(args[1] ?? '', 'base64');
      return binConv((t) => nodeCrypto().createHmac(algo, key).update(Buffer.from(t, 'latin1')).digest().toString('latin1'));
    }
    case 'strcmp': case 'secure_memcmp': {
      // compares with a variable: strcmp gives <0, 0, >0 (memcmp then length), secure_memcmp 1 when equal
      const vname = (args[0] ?? '').toLowerCase();
      if (vname === '') return 'missing variable name';
      if (!VAR_ARG.test(vname)) return `failed to register variable name '${args[0]}'`;
      return textConv((t) => {
        const c = sampleLive.req;
        const v = c === null ? null : varGet(c.vars, vname);
        if (v === null) return null;
        const a = Buffer.from(t, 'latin1'), b = Buffer.from(String(v), 'latin1');
        if (name === 'secure_memcmp') return a.length === b.length && a.equals(b) ? 1 : 0;
        // 2.6 returns memcmp()'s answer, with glibc the difference of the first differing bytes, then the lengths'
        const n = Math.min(a.length, b.length);
        for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
        return a.length - b.length;
      });
    }
    case 'http_date': return httpDate(args);
    case 'ltime': return timeConv(args, false);
    case 'utime': return timeConv(args, true);
    case 'sha2': {
      const bits = args[0] === undefined || args[0] === '' ? 256 : Number(args[0]);
      if (![224, 256, 384, 512].includes(bits)) return 'only 224, 256, 384 and 512 bits are supported';
      return textConv((s) => nodeCrypto().createHash('sha' + bits).update(Buffer.from(s, 'latin1')).digest().toString('latin1'));
    }
    case 'ipmask': {
      const bits = Number(args[0]);
      if (!Number.isInteger(bits) || bits < 0 || bits > 32) return 'invalid mask';
      const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
      return (v) => {
        if (v === null) return null;
        // an integer is cast to the IPv4 address of its 32 bits (2.6's int -> ipv4 cast)
        const s = typeof v === 'number' ? '' : v;
        const n = typeof v === 'number' ? v >>> 0 : ipv4Value(s.startsWith('::ffff:') ? s.slice(7) : s);   // an IPv4-mapped client of a dual-stack bind
        if (n < 0) return null;
        const r = (n & mask) >>> 0;
        return (r >>> 24) + '.' + ((r >>> 16) & 255) + '.' + ((r >>> 8) & 255) + '.' + (r & 255);
      };
    }
    default:
      return SIMPLE.get(name) ?? mapConv(name, args, baseDir) ?? otherModules(text);
  }
}
