/*
 * Sample fetches usable in ACLs: path, url, url_param, method, src, hdr/req.hdr (comma-split values), req.fhdr
 * (full values), hdr_cnt, ssl_fc (false unless proxy/ssl registers its own), always_true/always_false, plus the HAProxy suffix
 * forms (path_beg = path -m beg, hdr_dom(host) = hdr(host) -m dom, ...). Each fetch walks its values in the request
 * head and stops at the first match, without building strings. Callers: acl/compile.ts at load. Hot path: yes.
 */
import type { FetchDef, SampleCtx, MatchFn, AclPatterns, AclTerm } from './types.ts';
import type { KwCtx } from '../config/types.ts';
import {
  ACL_M_STR, ACL_M_BEG, ACL_M_END, ACL_M_SUB, ACL_M_REG, ACL_M_DOM, ACL_M_DIR, ACL_M_IP, ACL_M_INT, ACL_M_BOOL,
  ACL_M_LEN, ACL_M_VAL,
} from './types.ts';
import { matchIp, ip4InNets } from './matchers.ts';
import { varGet } from '../http/vars.ts';
import { basicAuthUser, userlistExists } from '../http/userlist.ts';
import { L4_FETCHES } from './fetches-l4.ts';

/** [start, end) of the path inside the URI, or false when there is none (authority form, '*'). */
const pathOut = new Int32Array(2);
export function aclPathSpan(buf: Buffer, s: number, e: number): boolean {
  let p = s;
  if (p < e && buf[p] !== 0x2f) {
    // absolute form: scheme "://" authority [path]
    const sep = buf.indexOf('://', p, 'latin1');
    if (sep < 0 || sep >= e) return false;
    p = buf.indexOf(0x2f, sep + 3);
    if (p < 0 || p >= e) { pathOut[0] = e; pathOut[1] = e; return true; }
  }
  let q = buf.indexOf(0x3f, p);
  if (q < 0 || q > e) q = e;
  pathOut[0] = p; pathOut[1] = q;
  return true;
}

const path: FetchDef = {
  name: 'path', defaultMatch: ACL_M_STR, needsArg: false, bool: false,
  run(ctx, _arg, match, p) {
    const b = ctx.buf;
    if (b === null || !aclPathSpan(b, ctx.l1s, ctx.l1e)) return false;
    return match(p, b, pathOut[0], pathOut[1]);
  },
};

const url: FetchDef = {
  name: 'url', defaultMatch: ACL_M_STR, needsArg: false, bool: false,
  run(ctx, _arg, match, p) { return ctx.buf !== null && match(p, ctx.buf, ctx.l1s, ctx.l1e); },
};

const method: FetchDef = {
  name: 'method', defaultMatch: ACL_M_STR, needsArg: false, bool: false,
  run(ctx, _arg, match, p) { return ctx.buf !== null && match(p, ctx.buf, ctx.l0s, ctx.l0e); },
};

/** Finds `name=value` in the query string; matches each occurrence's value. */
const urlParam: FetchDef = {
  name: 'url_param', defaultMatch: ACL_M_STR, needsArg: true, bool: false, argCase: true,
  run(ctx, arg, match, p) {
    const b = ctx.buf;
    if (b === null) return false;
    const e = ctx.l1e;
    let i = b.indexOf(0x3f, ctx.l1s);
    if (i < 0 || i >= e) return false;
    i++;
    while (i < e) {
      let amp = b.indexOf(0x26, i);
      if (amp < 0 || amp > e) amp = e;
      const n = arg.length;
      if (amp - i >= n && b.compare(arg, 0, n, i, i + n) === 0 && (i + n === amp || b[i + n] === 0x3d)) {
        const vs = i + n === amp ? amp : i + n + 1;
        if (match(p, b, vs, amp)) return true;
      }
      i = amp + 1;
    }
    return false;
  },
};

function headerValues(ctx: SampleCtx, arg: Buffer, match: MatchFn, p: AclPatterns, split: boolean): boolean {
  const b = ctx.buf;
  if (b === null) return false;
  const h = ctx.hdr;
  const n = arg.length;
  for (let x = 0; x < ctx.nhdr * 4; x += 4) {
    const ns = h[x];
    if (ns < 0) continue;
    if (n > 0 && (h[x + 1] - ns !== n || b.compare(arg, 0, n, ns, ns + n) !== 0)) continue;
    const vs = h[x + 2], ve = h[x + 3];
    if (!split) { if (match(p, b, vs, ve)) return true; continue; }
    let i = vs;
    for (;;) {
      let c = b.indexOf(0x2c, i);
      if (c < 0 || c > ve) c = ve;
      let s = i, e = c;
      while (s < e && (b[s] === 0x20 || b[s] === 0x09)) s++;
      while (e > s && (b[e - 1] === 0x20 || b[e - 1] === 0x09)) e--;
      if (match(p, b, s, e)) return true;
      if (c >= ve) break;
      i = c + 1;
    }
  }
  return false;
}

const hdr: FetchDef = {
  name: 'hdr', defaultMatch: ACL_M_STR, needsArg: false, bool: false,
  run(ctx, arg, match, p) { return headerValues(ctx, arg, match, p, true); },
};
const reqHdr: FetchDef = { ...hdr, name: 'req.hdr' };
const fhdr: FetchDef = {
  name: 'req.fhdr', defaultMatch: ACL_M_STR, needsArg: true, bool: false,
  run(ctx, arg, match, p) { return headerValues(ctx, arg, match, p, false); },
};

const cntBuf = Buffer.alloc(12);
const hdrCnt: FetchDef = {
  name: 'hdr_cnt', defaultMatch: ACL_M_INT, needsArg: false, bool: false,
  run(ctx, arg, match, p) {
    let cnt = 0;
    const b = ctx.buf;
    if (b !== null) {
      const h = ctx.hdr;
      for (let x = 0; x < ctx.nhdr * 4; x += 4) {
        if (h[x] < 0) continue;
        if (arg.length > 0 && (h[x + 1] - h[x] !== arg.length || b.compare(arg, 0, arg.length, h[x], h[x + 1]) !== 0)) continue;
        // as hdr() sees them: each comma-separated value counts (commas inside quotes do not), as in 2.6
        cnt++;
        let q = false;
        for (let i = h[x + 2]; i < h[x + 3]; i++) { const c = b[i]; if (c === 34) q = !q; else if (c === 44 && !q) cnt++; }
      }
    }
    const n = cntBuf.write(String(cnt), 0, 'latin1');
    return match(p, cntBuf, 0, n);
  },
};

const srcBuf = Buffer.alloc(64);
const src: FetchDef = {
  name: 'src', defaultMatch: ACL_M_IP, needsArg: false, bool: false,
  run(ctx, _arg, match, p) {
    if (match === matchIp) {
      if (ctx.srcIp4 >= 0) return ip4InNets(p, ctx.srcIp4);
      return p.ipStrs.includes(ctx.srcIp);
    }
    const n = srcBuf.write(ctx.srcIp, 0, 'latin1');
    return match(p, srcBuf, 0, n);
  },
};

const reqVer: FetchDef = {
  name: 'req.ver', defaultMatch: ACL_M_STR, needsArg: false, bool: false,
  run(ctx, _arg, match, p) { return ctx.buf !== null && ctx.l2e - ctx.l2s > 5 && match(p, ctx.buf, ctx.l2s + 5, ctx.l2e); },
};

/** Response status (http-response rules: the status digits are the start line's second part). */
const status: FetchDef = {
  name: 'status', defaultMatch: ACL_M_INT, needsArg: false, bool: false,
  run(ctx, _arg, match, p) { return ctx.buf !== null && ctx.l1e > ctx.l1s && match(p, ctx.buf, ctx.l1s, ctx.l1e); },
};

function boolFetch(name: string, v: boolean): FetchDef {
  return { name, defaultMatch: ACL_M_BOOL, needsArg: false, bool: true, run() { return v; } };
}

/** `var(scope.name)`: a variable set by `set-var` (as text). */
const varFetch: FetchDef = {
  name: 'var', defaultMatch: ACL_M_STR, needsArg: true, bool: false,
  run(ctx, arg, match, p) {
    const v = varGet(ctx.vars, arg.toString('latin1'));
    if (v === null) return false;
    const b = Buffer.from(String(v), 'latin1');
    return match(p, b, 0, b.length);
  },
};

/** Terms whose userlist is already checked (a named ACL is reported by each condition using it). */
const userlistChecked = new WeakSet<AclTerm>();

/** After parsing: 2.6's alert when the term's userlist does not exist (every request would fail its check). */
function checkUserlist(ctx: KwCtx, term: AclTerm): void {
  if (userlistChecked.has(term)) return;
  userlistChecked.add(term);
  const name = term.arg.toString('latin1'), file = ctx.file, line = ctx.line, px = ctx.proxy?.name ?? '';
  ctx.postParse(() => {
    if (!userlistExists(name)) ctx.alertRaw(`parsing [${file}:${line}]: unable to find userlist '${name}' referenced in arg 1 of ACL keyword '${term.fetch.name}' in proxy '${px}'.`);
  });
}

/** `http_auth(<userlist>)`: the request carries Basic credentials valid in that userlist. */
const httpAuth: FetchDef = {
  name: 'http_auth', defaultMatch: ACL_M_BOOL, needsArg: true, bool: true, argCase: true,
  run(ctx, arg) { return basicAuthUser(ctx, arg.toString('latin1')) !== null; },
  atLoad: checkUserlist,
};

/** `http_auth_group(<userlist>)`: the groups of the authenticated user, matched against the patterns. */
const httpAuthGroup: FetchDef = {
  name: 'http_auth_group', defaultMatch: ACL_M_STR, needsArg: true, bool: false, atLoad: checkUserlist, argCase: true,
  run(ctx, arg, match, p) {
    const u = basicAuthUser(ctx, arg.toString('latin1'));
    if (u === null) return false;
    for (const g of u.groups) { const b = Buffer.from(g, 'latin1'); if (match(p, b, 0, b.length)) return true; }
    return false;
  },
};

export const FETCHES: Map<string, FetchDef> = new Map([
  ['path', path], ['url', url], ['method', method], ['url_param', urlParam], ['urlp', urlParam],
  ['hdr', hdr], ['req.hdr', reqHdr], ['req.fhdr', fhdr], ['hdr_cnt', hdrCnt], ['req.hdr_cnt', hdrCnt], ['src', src], ['req.ver', reqVer], ['status', status], ['req_ver', reqVer],
  ['ssl_fc', boolFetch('ssl_fc', false)], ['always_true', boolFetch('always_true', true)],
  ['always_false', boolFetch('always_false', false)], ['var', varFetch],
  ['http_auth', httpAuth], ['http_auth_group', httpAuthGroup],
  // in http-response rules the context is the response head: these read its headers
  ['res.hdr', { ...hdr, name: 'res.hdr' }], ['shdr', { ...hdr, name: 'shdr' }], ['res.fhdr', { ...fhdr, name: 'res.fhdr' }],
  ...L4_FETCHES,
]);

/** Fetches of other modules (proxy/ssl/fetches.ts), registered by proxy/modules.ts; a name registered here wins. */
export function registerAclFetches(defs: readonly FetchDef[]): void {
  for (const d of defs) FETCHES.set(d.name, d);
}

/** Suffix forms: `<fetch>_<suffix>` = fetch with that match method. */
export const FETCH_SUFFIXES: ReadonlyMap<string, number> = new Map([
  ['beg', ACL_M_BEG], ['end', ACL_M_END], ['sub', ACL_M_SUB], ['reg', ACL_M_REG], ['dom', ACL_M_DOM],
  ['dir', ACL_M_DIR], ['len', ACL_M_LEN], ['ip', ACL_M_IP], ['val', ACL_M_VAL],
]);
