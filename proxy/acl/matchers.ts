/*
 * ACL match methods (`-m str|beg|end|sub|reg|dom|dir|found|ip|int|len`) over byte slices, case-insensitive with
 * `-i` (patterns are stored lowercased then). Each is a module-level MatchFn chosen once at load. Only `reg` (and a
 * large `str` list) builds a string from the sample. Callers: fetches via acl/compile.ts terms. Hot path: yes.
 */
import type { AclPatterns, MatchFn } from './types.ts';
import {
  ACL_M_STR, ACL_M_BEG, ACL_M_END, ACL_M_SUB, ACL_M_REG, ACL_M_DOM, ACL_M_DIR, ACL_M_FOUND, ACL_M_IP, ACL_M_INT,
  ACL_M_BOOL, ACL_M_LEN, ACL_M_BIN, ACL_M_VAL,
} from './types.ts';

const LOWER = new Uint8Array(256);
for (let c = 0; c < 256; c++) LOWER[c] = c >= 0x41 && c <= 0x5a ? c + 0x20 : c;

function eqAt(p: Buffer, icase: boolean, buf: Buffer, at: number): boolean {
  const n = p.length;
  if (icase) {
    for (let i = 0; i < n; i++) if (LOWER[buf[at + i]] !== p[i]) return false;
    return true;
  }
  for (let i = 0; i < n; i++) if (buf[at + i] !== p[i]) return false;
  return true;
}

export const matchStr: MatchFn = (p, buf, s, e) => {
  if (p.strSet !== null) {
    const v = buf.toString('latin1', s, e);
    return p.strSet.has(p.icase ? v.toLowerCase() : v);
  }
  const len = e - s;
  for (const pat of p.strs) if (pat.length === len && eqAt(pat, p.icase, buf, s)) return true;
  return false;
};

export const matchBeg: MatchFn = (p, buf, s, e) => {
  for (const pat of p.strs) if (pat.length <= e - s && eqAt(pat, p.icase, buf, s)) return true;
  return false;
};

export const matchEnd: MatchFn = (p, buf, s, e) => {
  for (const pat of p.strs) if (pat.length <= e - s && eqAt(pat, p.icase, buf, e - pat.length)) return true;
  return false;
};

export const matchSub: MatchFn = (p, buf, s, e) => {
  for (const pat of p.strs) {
    const last = e - pat.length;
    if (!p.icase) {
      const i = buf.indexOf(pat, s);
      if (i >= 0 && i <= last) return true;
      continue;
    }
    for (let i = s; i <= last; i++) if (eqAt(pat, true, buf, i)) return true;
  }
  return false;
};

export const matchReg: MatchFn = (p, buf, s, e) => {
  const v = buf.toString('latin1', s, e);
  for (const r of p.regs) if (r.test(v)) return true;
  return false;
};

function delimited(p: AclPatterns, buf: Buffer, s: number, e: number, isDelim: (c: number) => boolean): boolean {
  for (const pat of p.strs) {
    const last = e - pat.length;
    for (let i = s; i <= last; i++) {
      if (i > s && !isDelim(buf[i - 1])) continue;
      if (i < last && !isDelim(buf[i + pat.length])) continue;
      if (eqAt(pat, p.icase, buf, i)) return true;
    }
  }
  return false;
}
const isDomDelim = (c: number): boolean => c === 0x2f || c === 0x3f || c === 0x2e || c === 0x3a;
const isDirDelim = (c: number): boolean => c === 0x2f || c === 0x3f;
export const matchDom: MatchFn = (p, buf, s, e) => delimited(p, buf, s, e, isDomDelim);
export const matchDir: MatchFn = (p, buf, s, e) => delimited(p, buf, s, e, isDirDelim);

export const matchFound: MatchFn = () => true;

/** Parses a dotted IPv4 address from bytes; -1 if not one. */
export function parseIp4(buf: Buffer, s: number, e: number): number {
  let v = 0, part = 0, digits = 0, dots = 0;
  for (let i = s; i < e; i++) {
    const c = buf[i];
    if (c === 0x2e) {
      if (digits === 0 || ++dots > 3) return -1;
      v = v * 256 + part; part = 0; digits = 0;
      continue;
    }
    const d = c - 48;
    if (d < 0 || d > 9 || ++digits > 3) return -1;
    part = part * 10 + d;
    if (part > 255) return -1;
  }
  if (dots !== 3 || digits === 0) return -1;
  return v * 256 + part;
}

export function ip4InNets(p: AclPatterns, ip: number): boolean {
  const n = p.nets;
  for (let i = 0; i < n.length; i += 2) if (((ip & n[i + 1]) >>> 0) === n[i]) return true;
  return false;
}

export const matchIp: MatchFn = (p, buf, s, e) => {
  const ip = parseIp4(buf, s, e);
  if (ip >= 0) return ip4InNets(p, ip);
  if (p.ipStrs.length === 0) return false;
  const v = buf.toString('latin1', s, e);
  return p.ipStrs.includes(v);
};

function inRanges(p: AclPatterns, v: number): boolean {
  const r = p.ints;
  for (let i = 0; i < r.length; i += 2) if (v >= r[i] && v <= r[i + 1]) return true;
  return false;
}

export const matchInt: MatchFn = (p, buf, s, e) => {
  let v = 0, neg = false, i = s;
  if (i < e && buf[i] === 0x2d) { neg = true; i++; }
  if (i >= e) return false;
  for (; i < e; i++) {
    const d = buf[i] - 48;
    if (d < 0 || d > 9) return false;
    v = v * 10 + d;
  }
  return inRanges(p, neg ? -v : v);
};

/**
 * buf[s, e) as 2.6.12's `_val` fetches (hdr_val, urlp_val, cook_val) read it (its strl2ic): a leading '-' negates, then
 * every byte counts as a digit until one above '9' (those below '0', like '+' or a space, and bytes >= 0x80 as signed
 * chars, as negative digits), in 32-bit arithmetic that wraps; an empty value is 0.
 */
export function valInt(buf: Buffer, s: number, e: number): number {
  const neg = s < e && buf[s] === 0x2d;
  let v = 0;
  for (let i = neg ? s + 1 : s; i < e; i++) {
    const d = (buf[i] < 128 ? buf[i] : buf[i] - 256) - 48;
    if (d > 9) break;
    v = (Math.imul(v, 10) + (neg ? -d : d)) | 0;
  }
  return v;
}

export const matchVal: MatchFn = (p, buf, s, e) => inRanges(p, valInt(buf, s, e));

export const matchLen: MatchFn = (p, _buf, s, e) => inRanges(p, e - s);

export const matchBool: MatchFn = () => true;

/** Matcher for a -m method (or a fetch's default). */
export const MATCHERS: readonly MatchFn[] = [];
(MATCHERS as MatchFn[])[ACL_M_STR] = matchStr;
(MATCHERS as MatchFn[])[ACL_M_BEG] = matchBeg;
(MATCHERS as MatchFn[])[ACL_M_END] = matchEnd;
(MATCHERS as MatchFn[])[ACL_M_SUB] = matchSub;
(MATCHERS as MatchFn[])[ACL_M_REG] = matchReg;
(MATCHERS as MatchFn[])[ACL_M_DOM] = matchDom;
(MATCHERS as MatchFn[])[ACL_M_DIR] = matchDir;
(MATCHERS as MatchFn[])[ACL_M_FOUND] = matchFound;
(MATCHERS as MatchFn[])[ACL_M_IP] = matchIp;
(MATCHERS as MatchFn[])[ACL_M_INT] = matchInt;
(MATCHERS as MatchFn[])[ACL_M_BOOL] = matchBool;
(MATCHERS as MatchFn[])[ACL_M_LEN] = matchLen;
(MATCHERS as MatchFn[])[ACL_M_VAL] = matchVal;
(MATCHERS as MatchFn[])[ACL_M_BIN] = matchStr; // patterns hex-decoded at load, then an exact byte compare

/** `-m` names. */
export const MATCH_NAMES: ReadonlyMap<string, number> = new Map([
  ['str', ACL_M_STR], ['beg', ACL_M_BEG], ['end', ACL_M_END], ['sub', ACL_M_SUB], ['reg', ACL_M_REG],
  ['dom', ACL_M_DOM], ['dir', ACL_M_DIR], ['found', ACL_M_FOUND], ['ip', ACL_M_IP], ['int', ACL_M_INT],
  ['bool', ACL_M_BOOL], ['len', ACL_M_LEN], ['bin', ACL_M_BIN],
]);
