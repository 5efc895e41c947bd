/*
 * Compiles `acl` criteria and `if|unless` conditions at load: the fetch, the match method and the prepared patterns
 * are resolved once (fetch suffix forms, -i, -m, -f file, --), conditions hold direct AclDef references (named ACLs,
 * predefined ones like TRUE/METH_GET, anonymous `{ ... }`). aclCondExec() runs a condition per request.
 * Errors are returned as strings for the keyword parser to report. Hot path: aclCondExec only.
 */
import fs from 'node:fs';
import type { AclCond, AclDef, AclPatterns, AclTerm, CondTerm, SampleCtx } from './types.ts';
import {
  ACL_M_STR, ACL_M_BEG, ACL_M_REG, ACL_M_IP, ACL_M_INT, ACL_M_FOUND, ACL_M_BOOL, ACL_M_LEN, ACL_M_BIN, ACL_M_VAL,
} from './types.ts';
import { FETCHES, FETCH_SUFFIXES } from './fetches.ts';
import { MATCHERS, MATCH_NAMES, matchBool } from './matchers.ts';
import type { FetchDef } from './types.ts';
import { compileLogSample, sampleLive, splitTopLevel } from '../log/sample.ts';
import { convGivesInt } from '../log/converters.ts';
import { ipv4Value, ipv4Net } from '../net/ipv4.ts';
import { cfgPosition } from '../config/position.ts';
import { pcreCompileError, pcreErrorText, pcreRegExp } from './pcre-error.ts';
import { HTTP_REQ_INT_FETCHES, HTTP_REQ_BOOL_FETCHES } from './fetches-http-req.ts';
import { INTERNAL_INT_FETCHES, INTERNAL_BOOL_FETCHES } from './fetches-internal.ts';
import { SSL_CERT_INT_FETCHES, SSL_CERT_BOOL_FETCHES } from '../ssl/fetches-cert.ts';
import { patRefByFile, patRefNewFile, patRefNewInline, patRefNewNamed, patRefUsedHere } from './pat-ref.ts';
import type { PatRef, PatRefEntry, PatRefUser } from './pat-ref.ts';

function newPatterns(icase: boolean): AclPatterns {
  return { icase, strs: [], strSet: null, regs: [], nets: new Uint32Array(0), ipStrs: [], ints: new Float64Array(0) };
}

/** Adds one pattern; returns an error text or ''. */
function addPattern(p: AclPatterns, kind: number, pat: string, nets: number[], ints: number[]): string {
  switch (kind) {
    case ACL_M_REG: {
      // PCRE2's words and offset (2.6 compiles ACL patterns without captures); what the scan does not know keeps
      // the JavaScript text
      const pe = pcreCompileError(pat, false);
      if (pe !== null) return pcreErrorText(pat, pe);
      try { p.regs.push(pcreRegExp(pat, p.icase ? 'i' : '')); } catch (e) { return `regex '${pat}' is invalid: ${(e as Error).message}`; }
      return '';
    }
    case ACL_M_IP: {
      const n = ipv4Net(pat);
      if (n === null) {
        const slash = pat.indexOf('/');
        const addr = slash < 0 ? pat : pat.slice(0, slash);
        if (ipv4Value(addr) < 0 && addr.includes(':')) { p.ipStrs.push(addr); return ''; }
        return `'${pat}' is not a valid IPv4 or IPv6 address`;
      }
      nets.push(n[0], n[1]);
      return '';
    }
    case ACL_M_INT: case ACL_M_LEN: case ACL_M_VAL: {
      const r = /^(-?\d*):(-?\d*)$/.exec(pat);
      if (r) { ints.push(r[1] === '' ? -Infinity : Number(r[1]), r[2] === '' ? Infinity : Number(r[2])); return ''; }
      if (!/^-?\d+$/.test(pat)) return `'${pat}' is not a number`;
      ints.push(Number(pat), Number(pat));
      return '';
    }
    case ACL_M_BIN:
      if (pat.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(pat)) return `'${pat}' is not a valid hex string`;
      p.strs.push(Buffer.from(pat, 'hex'));
      return '';
    default:
      p.strs.push(Buffer.from(p.icase ? pat.toLowerCase() : pat, 'latin1'));
      return '';
  }
}

/** A dotted version word (`3`, `3.1`, `3.0:3.3`) as 2.6 reads it (major << 16 | minor per bound); other words unchanged. */
function dottedVer(w: string): string {
  return /^(\d+(\.\d+)?)?(:(\d+(\.\d+)?)?)?$/.test(w) && w !== '' && w !== ':'
    ? w.split(':').map((v) => (v === '' ? '' : String(Number(v.split('.')[0]) * 65536 + Number(v.split('.')[1] ?? 0)))).join(':')
    : w;
}

const INT_OPS: ReadonlyMap<string, (n: number) => [number, number]> = new Map([
  ['eq', (n: number): [number, number] => [n, n]], ['ge', (n: number): [number, number] => [n, Infinity]],
  ['gt', (n: number): [number, number] => [n + 1, Infinity]], ['le', (n: number): [number, number] => [-Infinity, n]],
  ['lt', (n: number): [number, number] => [-Infinity, n - 1]],
]);

// `get acl`'s type= names, by ACL_M_* value
const KIND_NAMES = ['str', 'beg', 'end', 'sub', 'reg', 'dom', 'dir', 'found', 'ip', 'int', 'bool', 'len', 'bin', 'int'];

/** The patterns of `refs`' entries, in order (`ints` from comparison operators come as `lo:hi` entries). */
function buildPatterns(refs: readonly PatRef[], kind: number, icase: boolean): AclPatterns | string {
  const p = newPatterns(icase);
  const nets: number[] = [];
  const ints: number[] = [];
  for (const r of refs) {
    for (const e of r.entries) {
      const err = addPattern(p, kind, e.key, nets, ints);
      if (err !== '') return err;
    }
  }
  p.nets = Uint32Array.from(nets);
  p.ints = Float64Array.from(ints);
  if (kind === ACL_M_STR && p.strs.length > 8) p.strSet = new Set(p.strs.map((b) => b.toString('latin1')));
  return p;
}

/** `get acl`: the entry of `r` matching `sample` for term `t` (the most specific network for ip). */
function termLookup(t: AclTerm, kind: number, icase: boolean, r: PatRef, sample: string): PatRefEntry | null {
  const b = Buffer.from(sample, 'latin1');
  let best: PatRefEntry | null = null;
  let bestLen = -1;
  for (const e of r.entries) {
    const p = buildPatterns([{ ...r, entries: [e] }], kind, icase);
    if (typeof p === 'string' || !t.match(p, b, 0, b.length)) continue;
    if (kind !== ACL_M_IP) return e;
    const sl = e.key.indexOf('/');
    const len = sl < 0 ? 32 : Number(e.key.slice(sl + 1));
    if (len > bestLen) { best = e; bestLen = len; }
  }
  return best;
}

/** Integer comparison operators as the `lo:hi` pattern text 2.6 stores (`gt 1` is `2:`, `le 5` is `:5`). */
function intOpText(op: string, n: number): string {
  switch (op) {
    case 'eq': return String(n);
    case 'ge': return n + ':';
    case 'gt': return (n + 1) + ':';
    case 'le': return ':' + n;
    default: return ':' + (n - 1);
  }
}

/**
 * Compiles one criterion with its flags and patterns: `words` = [fetch(args), flags..., patterns...]. `baseDir` is used
 * for relative `-f` files. Returns the term or an error message. Unless `noRef`, the patterns live in pattern
 * references (acl/pat-ref.ts: one per `-f` file, one for the inline ones) that the runtime API may change later.
 */
export function compileAclTerm(words: readonly string[], baseDir: string, warn?: (msg: string) => void, noRef = false,
  aclName = ''): AclTerm | string {
  if (words.length === 0) return 'missing fetch method';
  const crit = words[0];
  const head = splitTopLevel(crit)[0];           // the fetch, before its converters (`req.hdr(host),lower`)
  const converted = head.length < crit.length;
  const paren = head.indexOf('(');
  let name = paren < 0 ? head : head.slice(0, paren);
  let arg = '';
  if (paren >= 0) {
    if (!head.endsWith(')')) return `ACL keyword '${name}' : expected ')'`;
    arg = head.slice(paren + 1, -1);
  }
  const critName = name;                         // as written (`hdr_sub`), for the pattern reference's description
  let fetch = converted ? convertedFetch(crit, name) : FETCHES.get(name);
  if (typeof fetch === 'string') return fetch;
  let kind = fetch ? fetch.defaultMatch : -1;
  if (converted) arg = '';
  if (!fetch) {
    const us = name.lastIndexOf('_');
    const base = us > 0 ? FETCHES.get(name.slice(0, us)) : undefined;
    const sfx = us > 0 ? FETCH_SUFFIXES.get(name.slice(us + 1)) : undefined;
    if (!base || sfx === undefined) {
      if (name === 'TRUE' || name === 'FALSE') return `'${name}' is a predefined ACL, not a fetch`;
      // any other sample fetch the log-format compiler knows (query, url_param, ...), as 2.6 takes every fetch
      const any = typeof aclSample(crit) === 'string' ? undefined : convertedFetch(crit, name);
      if (any === undefined || typeof any === 'string') return `unknown fetch method '${name}' in ACL expression '${crit}'.`;
      fetch = any;
      kind = INT_SAMPLE_FETCHES.has(name) ? ACL_M_INT : BOOL_SAMPLE_FETCHES.has(name) ? ACL_M_BOOL : ACL_M_STR;
      arg = '';
    } else {
      fetch = base;
      kind = sfx;
      name = base.name;
    }
  }
  if (!fetch.rawArg) arg = arg.split(',')[0];
  if (fetch.needsArg && arg === '') return `fetch method '${name}' : missing argument`;
  if (fetch.checkArg !== undefined) {
    const bad = fetch.checkArg(arg);
    if (bad !== null) return `${/^(missing|failed)/.test(bad) ? '' : 'invalid args in '}fetch method '${name}' : ${bad} in ACL expression '${crit}'.`;
  }
  let icase = false;
  let explicitMatch = false;
  let i = 1;
  const files: string[] = [];
  for (; i < words.length; i++) {
    const w = words[i];
    if (w === '--') { i++; break; }
    if (w === '-i') { icase = true; continue; }
    if (w === '-n' || w === '-u' || w === '-M') { if (w === '-u') i++; continue; }
    if (w === '-m') {
      const m = MATCH_NAMES.get(words[i + 1] ?? '');
      if (m === undefined) return `unknown matching method '${words[i + 1] ?? ''}' when parsing ACL expression`;
      kind = m;
      explicitMatch = true;
      i++;
      continue;
    }
    if (w === '-f') {
      if (i + 1 >= words.length) return "'-f' expects a file name";
      files.push(words[++i]);
      continue;
    }
    if (w.charCodeAt(0) === 45) return `'${w}' is not a valid ACL option. Please use '--' before any pattern beginning with a '-'`;
    break;
  }
  // var() gives a sample of any type, req.body a binary one (defaultMatch -1): 2.6 knows no default match for them
  // and refuses patterns given without -m
  if ((name === 'var' || kind < 0) && !converted && !explicitMatch && (i < words.length || files.length > 0)) {
    return `matching method must be specified first (using '-m') when using a sample fetch of this type ('${name}').`;
  }
  if (kind < 0) kind = ACL_M_STR;                // no pattern: the term never matches anyway
  if (words.length === 1 && !fetch.bool && kind !== ACL_M_BOOL && warn !== undefined) {
    warn(`parsing acl keyword '${crit}' :\n` +
      '  no pattern to match against were provided, so this ACL will never match.\n' +
      "  If this is what you intended, please add '--' to get rid of this warning.\n" +
      "  If you intended to match only for existence, please use '-m found'.\n" +
      "  If you wanted to force an int to match as a bool, please use '-m bool'.\n");
  }
  // 2.6 matches a known method (GET, POST, ...) by its id, so `method -i post` does not match POST: -i is ignored
  // here (it would still apply to custom methods in 2.6)
  const pIcase = icase && name !== 'method';
  const fileRefs: PatRef[] = [];
  const fileLines: string[][] = [];
  for (const f of files) {
    const known = noRef ? undefined : patRefByFile(f, false);
    if (known !== undefined) { fileRefs.push(known); continue; }
    const fp = f.startsWith('/') || baseDir === '' ? f : `${baseDir}/${f}`;
    let text: string;
    try { text = fs.readFileSync(fp, 'latin1'); } catch { return `failed to open pattern file <${f}>`; }
    const lines: string[] = [];
    for (const line of text.split('\n')) {
      const t = line.replace(/\r$/, '').trim();
      if (t === '' || t.startsWith('#')) continue;
      lines.push(t);
    }
    fileLines.push(lines);
  }
  const inline: string[] = [];
  for (; i < words.length; i++) {
    const w = fetch.dottedVer === true ? dottedVer(words[i]) : words[i];
    if ((kind === ACL_M_INT || kind === ACL_M_LEN || kind === ACL_M_VAL) && INT_OPS.has(w) && i + 1 < words.length) {
      const n = Number(fetch.dottedVer === true ? dottedVer(words[++i]) : words[++i]);
      if (!Number.isFinite(n)) return `'${words[i]}' is not a number`;
      inline.push(intOpText(w, n));
      continue;
    }
    inline.push(w);
  }
  // the patterns are checked before any reference is created, so a refused line leaves no reference behind
  const loose: PatRef[] = [...fileLines.map((l) => ({ entries: l.map((k) => ({ ptr: '', key: k, value: '' })) }) as PatRef),
    { entries: inline.map((k) => ({ ptr: '', key: k, value: '' })) } as PatRef];
  const p = buildPatterns([...fileRefs, ...loose], kind, pIcase);
  if (typeof p === 'string') return p;
  // `path (x)` for `path(x)`: a first pattern opening a parenthesis right after a bare fetch (2.6's warning once the
  // patterns are accepted; an anonymous ACL has the name '')
  if (warn !== undefined && paren < 0 && !converted && (words[1] ?? '').startsWith('(')) {
    warn(`parsing acl '${aclName}' :\n` +
      `  matching '${crit}' for pattern '${words[1]}' is likely a mistake and probably\n` +
      "  not what you want. Maybe you need to remove the extraneous space before '('.\n" +
      "  If you are really sure this is not an error, please insert '--' between the\n" +
      '  match and the pattern to make this warning message disappear.');
  }
  const matchKind = fetch.bool ? ACL_M_BOOL : kind;
  const term: AclTerm = { fetch, arg: Buffer.from(fetch.argCase === true ? arg : arg.toLowerCase(), 'latin1'), match: MATCHERS[matchKind], matchKind, pats: p };
  if (noRef) return term;
  let nf = 0;
  for (let k = 0; k < files.length; k++) {
    const known = patRefByFile(files[k], false);
    const r = known ?? patRefNewFile(files[k], false, fileLines[nf++].map((l) => [l, ''] as const));
    patRefUsedHere(r);
    if (!fileRefs.includes(r)) fileRefs.push(r);
  }
  const refs = [...fileRefs, patRefNewInline(critName, inline)];
  for (const r of refs) r.users.push(termUser(term, critName, kind, pIcase, refs));
  return term;
}

/** Sample fetches giving an integer, matched as integers by default when used bare in an ACL. */
const INT_SAMPLE_FETCHES = new Set(['date', 'date_us', 'rand', 'status', 'fe_id', 'src_port', 'dst_port', 'http_first_req',
  ...HTTP_REQ_INT_FETCHES, ...INTERNAL_INT_FETCHES, ...SSL_CERT_INT_FETCHES]);
const BOOL_SAMPLE_FETCHES = new Set([...HTTP_REQ_BOOL_FETCHES, ...INTERNAL_BOOL_FETCHES, ...SSL_CERT_BOOL_FETCHES]);

/** Converters giving a boolean: matched as a boolean by default (true when not 0), so they need no pattern (2.6). */
const BOOL_CONVERTERS = new Set(['bool', 'not', 'odd', 'even', 'in_table', 'secure_memcmp']);

/** An ACL criterion's sample expression, compiled as an ACL's (see cfgPosition.acl). */
function aclSample(crit: string): ReturnType<typeof compileLogSample> {
  cfgPosition.acl = true;
  try { return compileLogSample(crit); } finally { cfgPosition.acl = false; }
}

/**
 * A criterion with converters (`req.hdr(host),lower -m end .example.com`): the sample is computed as in a log-format
 * expression (log/sample.ts and log/converters.ts over the live request) and its text matched. The default match is
 * that of the fetch, or `int` when the last converter gives an integer.
 */
function convertedFetch(crit: string, name: string): FetchDef | string {
  const sample = aclSample(crit);
  // an argument list 2.6's ACL parser refused names the fetch first (and ends with its own '.')
  if (typeof sample === 'string') return sample.startsWith('invalid arg ') ? `ACL keyword '${name}' : ${sample}..` : `${sample} in ACL expression '${crit}'`;
  const base = FETCHES.get(name);
  const last = crit.slice(crit.lastIndexOf(',') + 1);
  const lastName = last.replace(/\(.*$/, '');
  const boolConv = BOOL_CONVERTERS.has(lastName);
  const defaultMatch = boolConv ? ACL_M_BOOL : convGivesInt(lastName) ? ACL_M_INT :
    base !== undefined && !base.bool && base.defaultMatch >= 0 ? base.defaultMatch : ACL_M_STR;
  // a layer-4 fetch under converters still waits for data as it does alone (2.6 keeps the fetch's MAY_CHANGE)
  const head = splitTopLevel(crit)[0];
  const open = head.indexOf('(');
  const baseArg = Buffer.from(open < 0 ? '' : head.slice(open + 1, head.lastIndexOf(')')), 'latin1');
  const mayChange = base?.mayChange;
  return {
    name, defaultMatch, needsArg: false, bool: false,
    mayChange: mayChange === undefined ? undefined : (ctx) => mayChange.call(base, ctx, baseArg),
    run(ctx, _arg, match, p) {
      const log = ctx.log;
      if (log === undefined) return false;
      const prev = sampleLive.req;
      sampleLive.req = ctx;
      let v: string | number | null;
      try { v = sample(log); } finally { sampleLive.req = prev; }
      if (v === null) return false;
      // a boolean converter's result is true when not 0; a bare boolean fetch keeps the found-means-true match, as its
      // value is not computed in every context (req.proto_http in a mode tcp use-server gives 0 for an HTTP request)
      if (boolConv && match === matchBool && typeof v === 'number') return v !== 0;
      const b = Buffer.from(typeof v === 'number' ? String(v) : v, 'latin1');
      return match(p, b, 0, b.length);
    },
  };
}

/** True when the term can match at all: patterns given, or a method that needs none. */
function termHasPatterns(t: AclTerm): boolean {
  const p = t.pats;
  return t.matchKind === ACL_M_FOUND || t.matchKind === ACL_M_BOOL || p.strs.length > 0 || p.regs.length > 0 ||
    p.nets.length > 0 || p.ipStrs.length > 0 || p.ints.length > 0;
}

/** Runs an ACL: true when any of its terms matches. */
export function aclExec(acl: AclDef, ctx: SampleCtx): boolean {
  for (const t of acl.terms) {
    if (t.fetch.bool) { if (t.fetch.run(ctx, t.arg, t.match, t.pats)) return true; continue; }
    if (!termHasPatterns(t)) continue;
    if (t.fetch.run(ctx, t.arg, t.match, t.pats)) return true;
  }
  return false;
}

/** Runs a condition; a null condition is true. */
export function aclCondExec(cond: AclCond | null, ctx: SampleCtx): boolean {
  if (cond === null) return true;
  let r = false;
  const groups = cond.groups;
  for (let g = 0; g < groups.length && !r; g++) {
    const grp = groups[g];
    let ok = true;
    for (let k = 0; k < grp.length; k++) {
      let v = aclExec(grp[k].acl, ctx);
      if (grp[k].neg) v = !v;
      if (!v) { ok = false; break; }
    }
    r = ok;
  }
  return cond.unless ? !r : r;
}

const PREDEFINED_SRC: readonly [string, string[]][] = [
  ['TRUE', ['always_true']], ['FALSE', ['always_false']], ['HTTP', ['always_true']],
  ['LOCALHOST', ['src', '127.0.0.1/8', '::1']],
  ['HTTP_1.0', ['req.ver', '1.0']], ['HTTP_1.1', ['req.ver', '1.1']],
  ['METH_CONNECT', ['method', 'CONNECT']], ['METH_DELETE', ['method', 'DELETE']], ['METH_GET', ['method', 'GET', 'HEAD']],
  ['METH_HEAD', ['method', 'HEAD']], ['METH_OPTIONS', ['method', 'OPTIONS']], ['METH_POST', ['method', 'POST']],
  ['METH_PUT', ['method', 'PUT']], ['METH_TRACE', ['method', 'TRACE']],
  ['HTTP_URL_ABS', ['url_reg', '^[^/:]*://']], ['HTTP_URL_SLASH', ['url_beg', '/']], ['HTTP_URL_STAR', ['url', '*']],
  ['HTTP_CONTENT', ['hdr_val(content-length)', 'gt', '0']],
  ['WAIT_END', ['wait_end']], ['REQ_CONTENT', ['req.len', 'gt', '0']],
  ['RDP_COOKIE', ['req.rdp_cookie_cnt', 'gt', '0']],
];
let predefined: Map<string, AclDef> | null = null;
const predefinedRefs = new WeakMap<object, Set<string>>();

/**
 * The pattern reference 2.6 creates when a proxy first uses a predefined ACL (`acl 'always_true' ...`, listed by
 * `show acl`); `scope` (the proxy being parsed) keeps it to one per proxy and name. Display only: the patterns of a
 * predefined ACL are fixed.
 */
function predefinedRef(scope: object, name: string): void {
  let seen = predefinedRefs.get(scope);
  if (seen === undefined) { seen = new Set(); predefinedRefs.set(scope, seen); }
  if (seen.has(name)) return;
  seen.add(name);
  const src = PREDEFINED_SRC.find((x) => x[0] === name)![1];
  const fetch = src[0].replace(/\(.*$/, '');
  const pats: string[] = [];
  for (let k = 1; k < src.length; k++) {
    const op = INT_OPS.has(src[k]) && k + 1 < src.length ? src[k] : '';
    if (op !== '') { pats.push(intOpText(op, Number(src[++k]))); continue; }
    pats.push(src[k]);
  }
  const r = patRefNewInline(fetch, pats);
  const t = predefined!.get(name)!.terms[0]!;
  r.users.push(termUser(t, fetch, t.matchKind, t.pats.icase, [r]));
}

/**
 * Adds an ACL reference of HAProxy's own (not in the configuration) with its patterns compiled for `words[0]`, as
 * `show acl` lists 2.6's internal httpclient ACLs. Returns the reference's id.
 */
export function aclInternalRef(desc: string, words: readonly string[]): number {
  const t = compileAclTerm(words, '.', undefined, true);
  if (typeof t === 'string') throw new Error(`internal ACL ${desc}: ${t}`);
  const r = patRefNewNamed(desc, words.slice(1));
  r.users.push(termUser(t, words[0]!, t.matchKind, false, [r]));
  return r.id;
}

/** The pattern reference user of term `t` compiled from `refs` (rebuilt from them when the runtime API edits one). */
function termUser(t: AclTerm, crit: string, kind: number, icase: boolean, refs: readonly PatRef[]): PatRefUser {
  return {
    kind: crit === 'method' ? 'unknown(0x55d0000f3200)' : KIND_NAMES[kind] ?? 'str',
    icase,
    tree: crit !== 'method' && (kind === ACL_M_STR || kind === ACL_M_BEG || kind === ACL_M_IP),
    outType: '',
    validate: (key) => addPattern(newPatterns(icase), kind, key, [], []),
    rebuild: () => { const np = buildPatterns(refs, kind, icase); if (typeof np !== 'string') Object.assign(t.pats, np); },
    lookup: (ref, sample) => termLookup(t, kind, icase, ref, sample),
  };
}

/** HAProxy's predefined ACLs (TRUE, FALSE, LOCALHOST, METH_GET, ...), compiled on first use. */
export function predefinedAcl(name: string): AclDef | undefined {
  if (predefined === null) {
    predefined = new Map();
    for (const [n, words] of PREDEFINED_SRC) {
      const t = compileAclTerm(words, '.', undefined, true);
      if (typeof t === 'string') throw new Error(`predefined ACL ${n}: ${t}`);
      predefined.set(n, { name: n, terms: [t], file: '', line: 0 });
    }
  }
  return predefined.get(name);
}

/**
 * Compiles `if|unless <cond>` from words[at] on (words[at] must be 'if' or 'unless'). `lookup` resolves named ACLs
 * (the proxy's, then predefined). Returns the condition or an error message.
 */
export function compileCond(words: readonly string[], at: number, lookup: (name: string) => AclDef | undefined, baseDir: string, file = '', line = 0,
  warn?: (msg: string) => void): AclCond | string {
  const kw = words[at];
  if (kw !== 'if' && kw !== 'unless') return `expects 'if' or 'unless' followed by a condition but found '${kw}'`;
  // HAProxy 2.6's grammar is lenient: a lone or trailing '!' is ignored, an 'or' with no term before or after it
  // opens no empty group, and 'if' with no term at all is a condition with no group (false; 'unless' -> true).
  const groups: CondTerm[][] = [];
  let cur: CondTerm[] | null = null;
  const text = words.slice(at + 1).join(' ');
  let i = at + 1;
  let anon = 0;
  let neg = false;
  while (i < words.length) {
    let w = words[i];
    while (w.startsWith('!')) { neg = !neg; w = w.slice(1); }
    if (w === '') { i++; continue; }
    if (w === '||' || w === 'or') { cur = null; neg = false; i++; continue; }
    let acl: AclDef | undefined;
    if (w === '{') {
      const close = words.indexOf('}', i + 1);
      if (close < 0) return "missing closing '}' in condition";
      const t = compileAclTerm(words.slice(i + 1, close), baseDir, warn);
      if (typeof t === 'string') return t;
      acl = { name: `anonymous-${++anon}`, terms: [t], file, line };
      i = close + 1;
    } else {
      acl = lookup(w);
      if (acl === undefined) {
        acl = predefinedAcl(w);
        if (acl !== undefined) predefinedRef(cfgPosition.proxy ?? predefinedRefs, w);
      }
      if (!acl) return `no such ACL : '${w}'`;
      i++;
    }
    if (cur === null) { cur = []; groups.push(cur); }
    cur.push({ acl, neg });
    neg = false;
  }
  return { unless: kw === 'unless', groups, text };
}

