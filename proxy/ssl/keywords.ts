/*
 * TLS configuration keywords: the `bind` parameters (ssl, crt, crt-list, ca-file, verify, alpn, versions, ciphers,
 * strict-sni, ...), the `server` parameters (ssl, verify, ca-file, crt, sni, verifyhost, alpn, versions, ssl-reuse,
 * check-ssl, ...) and the global ones (ssl-default-bind-*, ssl-default-server-*, ca-base, crt-base, ssl-server-verify,
 * tune.ssl.*). Certificates and CA files are read while parsing (errors with the line, as HAProxy 2.6 prints them);
 * contexts are built at post-parse. Settings live in WeakMaps keyed by BindCfg / Server (read through bindSsl() /
 * srvSsl()), so the model carries no TLS field. Registered by proxy/modules.ts. Hot path: no.
 */
import type { CfgKeyword, KwCtx, BindKeyword, SrvKeyword } from '../config/types.ts';
import type { BindCfg, GlobalSettings, Server, Proxy } from '../model/types.ts';
import type { BackendClient } from '../backend/types.ts';
import type { SslBindCfg, SslServerCfg, SslGlobalCfg, SslOptions } from './types.ts';
import { SSL_V_SSLV3, SSL_V_TLSV10, SSL_V_TLSV11, SSL_V_TLSV12, SSL_V_TLSV13 } from './types.ts';
import {
  newSslOptions, basePath, loadCrt, loadCrtList, loadPemFile, sslVersionIndex, mergeSslOptions, buildBindContexts,
  buildServerContext, loadCertFile,
} from './context.ts';
import { parseUint } from '../config/values.ts';
import { srvAlert as srvErr } from '../config/server-alert.ts';

const bindCfgs = new WeakMap<BindCfg, SslBindCfg>();
const srvCfgs = new WeakMap<Server, SslServerCfg>();
/** How many servers of the loaded configurations use TLS: backend/connect.ts skips the lookup while 0. */
export const sslUse = { servers: 0 };

export function bindSsl(b: BindCfg): SslBindCfg | null {
  const c = bindCfgs.get(b);
  return c !== undefined && c.enabled ? c : null;
}
export function srvSsl(s: Server): SslServerCfg | null {
  const c = srvCfgs.get(s);
  return c !== undefined && c.enabled ? c : null;
}
/** A server's TLS settings even when `ssl` is off (check-ssl alone), or null when it has none. */
export function srvSslAny(s: Server): SslServerCfg | null { return srvCfgs.get(s) ?? null; }

export function globalSsl(g: GlobalSettings): SslGlobalCfg {
  let c = g.ext.get('ssl') as SslGlobalCfg | undefined;
  if (c === undefined) {
    c = {
      caBase: '', crtBase: '', bindOpts: newSslOptions(), serverOpts: newSslOptions(), serverVerify: true,
      dhParamBits: 2048, dhParamFile: '', cacheSize: 20000, lifetimeSec: 300,
    };
    g.ext.set('ssl', c);
  }
  return c;
}

function newBindSsl(b: BindCfg): SslBindCfg {
  let c = bindCfgs.get(b);
  if (c === undefined) {
    c = {
      enabled: false, certs: [], opts: newSslOptions(), caFile: '', caPem: '', crlFile: '', crlPem: '', verify: -1,
      strictSni: false, ignoreVerifyErr: false, file: b.file, line: b.line, defaultCtx: null, exact: new Map(), wildcard: new Map(), subjects: new Map(),
      handshakeTimeout: 0,
    };
    bindCfgs.set(b, c);
  }
  return c;
}

function newSrvSsl(s: Server): SslServerCfg {
  let c = srvCfgs.get(s);
  if (c === undefined) {
    c = {
      enabled: false, verify: -1, caFile: '', caPem: '', crlFile: '', crlPem: '', certFile: '', certPem: '', keyPem: '',
      sni: '', sniFn: null, sniDynamic: false, verifyHost: '', opts: newSslOptions(), reuse: true, checkSsl: false, checkSni: '', ctx: null, session: null, sessionSni: '',
    };
    srvCfgs.set(s, c);
  }
  return c;
}

/** Server init hook: a server inherits its default-server's TLS settings (registered by proxy/modules.ts). */
export function sslServerInit(srv: Server, tmpl: Server | null): void {
  if (tmpl === null) return;
  const t = srvCfgs.get(tmpl);
  if (t === undefined) return;
  srvCfgs.set(srv, { ...t, opts: { ...t.opts }, ctx: null, session: null });
}

// ---- shared option words (bind, server, ssl-default-*-options) ----

const NO_WORDS: ReadonlyMap<string, number> = new Map([
  ['no-sslv3', SSL_V_SSLV3], ['no-tlsv10', SSL_V_TLSV10], ['no-tlsv11', SSL_V_TLSV11], ['no-tlsv12', SSL_V_TLSV12],
  ['no-tlsv13', SSL_V_TLSV13],
]);
const FORCE_WORDS: ReadonlyMap<string, number> = new Map([
  ['force-sslv3', SSL_V_SSLV3], ['force-tlsv10', SSL_V_TLSV10], ['force-tlsv11', SSL_V_TLSV11],
  ['force-tlsv12', SSL_V_TLSV12], ['force-tlsv13', SSL_V_TLSV13],
]);

/**
 * Applies option word args[i] (with its argument) to `o`. Returns words consumed, 0 when the word is not a shared
 * option, or an error string.
 */
function applyOption(o: SslOptions, args: readonly string[], i: number): number | string {
  const w = args[i];
  const no = NO_WORDS.get(w);
  if (no !== undefined) { o.noVersions |= 1 << no; return 1; }
  const force = FORCE_WORDS.get(w);
  if (force !== undefined) { o.minVer = force; o.maxVer = force; return 1; }
  switch (w) {
    case 'ssl-min-ver': case 'ssl-max-ver': {
      const v = sslVersionIndex(args[i + 1] ?? '');
      if (v < 0) return `'${args[i + 1] ?? ''}' : unknown ssl/tls version`;
      if (w === 'ssl-min-ver') o.minVer = v; else o.maxVer = v;
      return 2;
    }
    case 'no-tls-tickets': o.noTlsTickets = true; return 1;
    case 'tls-tickets': o.noTlsTickets = false; return 1;
    case 'prefer-client-ciphers': o.preferClientCiphers = true; return 1;
    case 'ciphers': case 'ciphersuites': case 'curves': case 'ecdhe': {
      const v = args[i + 1];
      if (v === undefined || v === '') return `'${w}' : missing ${w === 'ciphers' || w === 'ciphersuites' ? 'cipher suite' : w === 'ecdhe' ? 'named curve' : 'curve suite'}`;
      if (w === 'ciphers') o.ciphers = v;
      else if (w === 'ciphersuites') o.ciphersuites = v;
      else if (w === 'curves') o.curves = v;
      else o.ecdhe = v;
      return 2;
    }
    case 'alpn': {
      const v = args[i + 1];
      if (v === undefined || v === '') return `'alpn' : missing the comma-delimited ALPN protocol suite`;
      // Sluice speaks HTTP/1.1 only: h2 may be listed (stock configs do) but is never negotiated
      o.alpn = v.split(',').filter((p) => p !== '' && p !== 'h2');
      return 2;
    }
    default: return 0;
  }
}

/** Words HAProxy accepts that Sluice takes without effect (with their argument count). */
const BIND_IGNORED: ReadonlyMap<string, number> = new Map([
  ['npn', 2], ['allow-0rtt', 1], ['no-ca-names', 1], ['ssl-skip-self-issued-ca', 1], ['sigalgs', 2], ['client-sigalgs', 2], ['ca-sign-file', 2], ['ca-sign-pass', 2],
  ['tls-ticket-keys', 2], ['generate-certificates', 1],
]);

function bindLabel(ctx: KwCtx, args: readonly string[]): string {
  return `'bind ${args[1]}' in section '${ctx.section}' : `;
}

function readCa(file: string, what: string, ctx: KwCtx, args: readonly string[]): string | null {
  const r = loadPemFile(file);
  if (typeof r !== 'string') {
    ctx.alertRaw(`Couldn't open the ${what} '${file}' (${r.err}).`);
    ctx.alert(bindLabel(ctx, args) + `'${what}' : unable to load ${file}`);
    return null;
  }
  return r;
}

function bindKw(name: string, parse: (c: SslBindCfg, args: readonly string[], i: number, ctx: KwCtx) => number): BindKeyword {
  return { name, parse(b, args, i, ctx) { return parse(newBindSsl(b), args, i, ctx); } };
}

function bindOptionKw(name: string): BindKeyword {
  return bindKw(name, (c, args, i, ctx) => {
    const r = applyOption(c.opts, args, i);
    if (typeof r === 'string') { ctx.alert(bindLabel(ctx, args) + r); return -1; }
    return r;
  });
}

function needBindArg(args: readonly string[], i: number, ctx: KwCtx, what: string): string | null {
  const v = args[i + 1];
  if (v === undefined || v === '') { ctx.alert(bindLabel(ctx, args) + `'${args[i]}' : missing ${what}`); return null; }
  return v;
}

/** A bind parameter naming a PEM file under ca-base (ca-file, ca-verify-file, crl-file), read at parse time. */
function bindPemKw(name: string, what: string, set: (c: SslBindCfg, file: string, pem: string) => void): BindKeyword {
  return bindKw(name, (c, args, i, ctx) => {
    const v = needBindArg(args, i, ctx, what);
    if (v === null) return -1;
    const f = basePath(globalSsl(ctx.global).caBase, v);
    const pem = readCa(f, name, ctx, args);
    if (pem === null) return -1;
    set(c, f, pem);
    return 2;
  });
}

export const sslBindKeywords: BindKeyword[] = [
  bindKw('ssl', (c, _a, _i, ctx) => { c.enabled = true; ensureSslFinalize(ctx); return 1; }),
  bindKw('crt', (c, args, i, ctx) => {
    const v = needBindArg(args, i, ctx, 'certificate location');
    if (v === null) return -1;
    const certs = loadCrt(basePath(globalSsl(ctx.global).crtBase, v));
    if (typeof certs === 'string') { ctx.alert(bindLabel(ctx, args) + certs); return -1; }
    c.certs.push(...certs);
    return 2;
  }),
  bindKw('crt-list', (c, args, i, ctx) => {
    const v = needBindArg(args, i, ctx, 'certificate location');
    if (v === null) return -1;
    // the list file itself is not under crt-base (2.6), the certificates it names are
    const certs = loadCrtList(v, globalSsl(ctx.global).crtBase);
    if (typeof certs === 'string') { ctx.alert(bindLabel(ctx, args) + certs); return -1; }
    c.certs.push(...certs);
    return 2;
  }),
  bindPemKw('ca-file', 'CAfile path', (c, f, pem) => { c.caFile = f; c.caPem = pem; }),
  bindPemKw('ca-verify-file', 'CAverify path', (c, _f, pem) => { c.caPem += pem; }),
  bindPemKw('crl-file', 'CRLfile path', (c, f, pem) => { c.crlFile = f; c.crlPem = pem; }),
  bindKw('verify', (c, args, i, ctx) => {
    const v = args[i + 1] ?? '';
    const n = v === 'none' ? 0 : v === 'optional' ? 1 : v === 'required' ? 2 : -1;
    if (n < 0) { ctx.alert(bindLabel(ctx, args) + `'verify' : unknown verify method '${v}', only 'none', 'optional', and 'required' are supported`); return -1; }
    c.verify = n;
    return 2;
  }),
  bindKw('strict-sni', (c) => { c.strictSni = true; return 1; }),
  // any error list is taken as 'all' (Sluice does not tell verify errors apart by depth)
  bindKw('crt-ignore-err', (c) => { c.ignoreVerifyErr = true; return 2; }),
  bindKw('ca-ignore-err', (c) => { c.ignoreVerifyErr = true; return 2; }),
  ...['alpn', 'ciphers', 'ciphersuites', 'curves', 'ecdhe', 'ssl-min-ver', 'ssl-max-ver', 'no-tls-tickets',
    'prefer-client-ciphers', ...NO_WORDS.keys(), ...FORCE_WORDS.keys()].map(bindOptionKw),
  ...[...BIND_IGNORED].map(([name, n]) => bindKw(name, () => n)),
];

// ---- server ----


function srvKw(name: string, parse: (c: SslServerCfg, args: readonly string[], i: number, ctx: KwCtx, srv: Server, tmpl: boolean) => number): SrvKeyword {
  return { name, defaultOk: true, parse(srv, args, i, ctx, tmpl) { return parse(newSrvSsl(srv), args, i, ctx, srv, tmpl); } };
}

function srvOptionKw(name: string): SrvKeyword {
  return srvKw(name, (c, args, i, ctx, srv, tmpl) => {
    const r = applyOption(c.opts, args, i);
    if (typeof r === 'string') { srvErr(ctx, srv, tmpl, r + '.'); return -1; }
    return r;
  });
}

function srvArg(args: readonly string[], i: number, ctx: KwCtx, srv: Server, tmpl: boolean, what: string): string | null {
  const v = args[i + 1];
  if (v === undefined || v === '') { srvErr(ctx, srv, tmpl, `'${args[i]}' : missing ${what}.`); return null; }
  return v;
}

function srvCaFile(what: string, set: (c: SslServerCfg, f: string, pem: string) => void): SrvKeyword {
  return srvKw(what, (c, args, i, ctx, srv, tmpl) => {
    const v = srvArg(args, i, ctx, srv, tmpl, `${what === 'ca-file' ? 'CAfile' : 'CRLfile'} path`);
    if (v === null) return -1;
    const f = basePath(globalSsl(ctx.global).caBase, v);
    const r = loadPemFile(f);
    if (typeof r !== 'string') {
      srvErr(ctx, srv, tmpl, `Couldn't open the ${what} '${f}' (${r.err}).`);
      ctx.alertRaw(`'${what}' : unable to load ${f}.`);
      return -1;
    }
    set(c, f, r);
    return 2;
  });
}

/**
 * Compiles a `sni` expression for server connections: `req.hdr(host)` / `hdr(host)` (port removed), `str(<name>)`,
 * `ssl_fc_sni` (the client's SNI). Returns the function or null when unsupported.
 */
export function compileSniExpr(expr: string): ((client: unknown) => string | null) | null {
  const e = expr.trim();
  const m = /^(?:req\.hdr|hdr|req\.fhdr)\(\s*([^,)]+)\s*\)(,lower)?$/.exec(e);
  if (m !== null) {
    const name = m[1].toLowerCase();
    const out = new Int32Array(2);
    return (cl) => {
      const r = (cl as BackendClient).lbReq;
      if (r === null || r.reqBuf === null || !r.findHeader(name, out)) return null;
      let v = r.reqBuf.toString('latin1', out[0], out[1]);
      if (name === 'host') {
        const c = v.lastIndexOf(':');
        if (c > 0 && v.indexOf(']') < c && v.indexOf(':') === c) v = v.slice(0, c);
      }
      return v.toLowerCase();
    };
  }
  const s = /^str\((.*)\)$/.exec(e);
  if (s !== null) { const v = s[1]; return () => v; }
  if (e === 'ssl_fc_sni') {
    return (cl) => { const t = (cl as BackendClient).log.tls; return t === null || t.sni === '' ? null : t.sni; };
  }
  return null;
}

const SRV_IGNORED: ReadonlyMap<string, number> = new Map([
  ['npn', 2], ['allow-0rtt', 1], ['check-alpn', 2], ['sigalgs', 2], ['client-sigalgs', 2],
  ['no-verifyhost', 1],
]);

export const sslServerKeywords: SrvKeyword[] = [
  srvKw('ssl', (c, _a, _i, ctx) => { c.enabled = true; ensureSslFinalize(ctx); return 1; }),
  srvKw('no-ssl', (c) => { c.enabled = false; return 1; }),
  srvKw('verify', (c, args, i, ctx, srv, tmpl) => {
    const v = args[i + 1] ?? '';
    if (v !== 'none' && v !== 'required') { srvErr(ctx, srv, tmpl, `'verify' : unknown verify method '${v}', only 'none' and 'required' are supported.`); return -1; }
    c.verify = v === 'none' ? 0 : 2;
    return 2;
  }),
  srvKw('verifyhost', (c, args, i, ctx, srv, tmpl) => {
    const v = srvArg(args, i, ctx, srv, tmpl, 'hostname to verify against');
    if (v === null) return -1;
    c.verifyHost = v;
    return 2;
  }),
  srvCaFile('ca-file', (c, f, pem) => { c.caFile = f; c.caPem = pem; }),
  srvCaFile('crl-file', (c, f, pem) => { c.crlFile = f; c.crlPem = pem; }),
  srvKw('crt', (c, args, i, ctx, srv, tmpl) => {
    const v = srvArg(args, i, ctx, srv, tmpl, 'certificate file path');
    if (v === null) return -1;
    const f = basePath(globalSsl(ctx.global).crtBase, v);
    const cert = loadCertFile(f);
    if (typeof cert === 'string') { srvErr(ctx, srv, tmpl, cert); return -1; }
    c.certFile = f; c.certPem = cert.certPem; c.keyPem = cert.keyPem;
    return 2;
  }),
  srvKw('sni', (c, args, i, ctx, srv, tmpl) => {
    const v = srvArg(args, i, ctx, srv, tmpl, 'sni expression');
    if (v === null) return -1;
    const fn = compileSniExpr(v);
    if (fn === null) { srvErr(ctx, srv, tmpl, `'sni' : sluice supports req.hdr(<name>), str(<name>) and ssl_fc_sni as sni expressions, not '${v}'.`); return -1; }
    c.sni = v; c.sniFn = fn; c.sniDynamic = !v.trim().startsWith('str(');
    return 2;
  }),
  srvKw('ssl-reuse', (c) => { c.reuse = true; return 1; }),
  srvKw('no-ssl-reuse', (c) => { c.reuse = false; return 1; }),
  srvKw('check-ssl', (c, _a, _i, ctx) => { c.checkSsl = true; ensureSslFinalize(ctx); return 1; }),
  srvKw('no-check-ssl', (c) => { c.checkSsl = false; return 1; }),
  srvKw('check-sni', (c, args, i, ctx, srv, tmpl) => {
    const v = srvArg(args, i, ctx, srv, tmpl, 'SNI');
    if (v === null) return -1;
    c.checkSni = v;
    return 2;
  }),
  ...['alpn', 'ciphers', 'ciphersuites', 'curves', 'ssl-min-ver', 'ssl-max-ver', 'no-tls-tickets', 'tls-tickets',
    ...NO_WORDS.keys(), ...FORCE_WORDS.keys()].map(srvOptionKw),
  ...[...SRV_IGNORED].map(([name, n]) => srvKw(name, () => n)),
];

// ---- global ----

function parseDefaultOptions(args: readonly string[], ctx: KwCtx): void {
  const g = globalSsl(ctx.global);
  const o = args[0] === 'ssl-default-bind-options' ? g.bindOpts : g.serverOpts;
  for (let i = 1; i < args.length;) {
    const r = applyOption(o, args, i);
    if (typeof r === 'string') {
      ctx.alert(r.endsWith('unknown ssl/tls version') ? `${r} on global statement '${args[0]}'.` : `'${args[0]}' : ${r}`);
      return;
    }
    if (r === 0) {
      if (args[i] === 'strict-sni') { i++; continue; }   // accepted for binds in later versions
      ctx.alert(`'${args[0]}' : unknown or unsupported option '${args[i]}'.`);
      return;
    }
    i += r;
  }
}

function parseDefaultString(args: readonly string[], ctx: KwCtx): void {
  if (args.length < 2 || args[1] === '') { ctx.alert(`'${args[0]}' expects a cipher suite as an argument.`); return; }
  const g = globalSsl(ctx.global);
  const server = args[0].startsWith('ssl-default-server-');
  const o = server ? g.serverOpts : g.bindOpts;
  const what = args[0].slice(server ? 'ssl-default-server-'.length : 'ssl-default-bind-'.length);
  if (what === 'ciphers') o.ciphers = args[1];
  else if (what === 'ciphersuites') o.ciphersuites = args[1];
  else o.curves = args[1];
}

function parseBase(args: readonly string[], ctx: KwCtx): void {
  if (args.length < 2) { ctx.alert(`'${args[0]}' expects a directory path as an argument.`); return; }
  const g = globalSsl(ctx.global);
  if ((args[0] === 'ca-base' ? g.caBase : g.crtBase) !== '') { ctx.alert(`'${args[0]}' already specified. Continuing.`); return; }
  if (args[0] === 'ca-base') g.caBase = args[1]; else g.crtBase = args[1];
}

function parseServerVerify(args: readonly string[], ctx: KwCtx): void {
  const v = args[1] ?? '';
  if (v !== 'none' && v !== 'required') { ctx.alert(`'${args[0]}' : expects 'none' or 'required' as argument.`); return; }
  globalSsl(ctx.global).serverVerify = v === 'required';
}

function parseDhParam(args: readonly string[], ctx: KwCtx): void {
  const n = parseUint(args[1] ?? '');
  if (n < 1024) { ctx.alert(`'${args[0]}' expects a value >= 1024.`); return; }
  globalSsl(ctx.global).dhParamBits = n;
}

function parseDhFile(args: readonly string[], ctx: KwCtx): void {
  if (args.length < 2) { ctx.alert(`'${args[0]}' expects a file path as an argument.`); return; }
  const r = loadPemFile(args[1]);
  if (typeof r !== 'string') { ctx.alert(`'${args[0]}': unable to load DH parameters from file <${args[1]}>.`); return; }
  globalSsl(ctx.global).dhParamFile = args[1];
}

function parseTuneInt(args: readonly string[], ctx: KwCtx): void {
  const v = args[1] ?? '';
  const n = args[0] === 'tune.ssl.lifetime' ? parseLifetime(v) : parseUint(v);
  if (n < 0) { ctx.alert(`'${args[0]}' expects a positive numeric value.`); return; }
  const g = globalSsl(ctx.global);
  if (args[0] === 'tune.ssl.lifetime') g.lifetimeSec = n; else if (args[0] === 'tune.ssl.cachesize') g.cacheSize = n;
}

/** tune.ssl.lifetime: seconds, with an optional time unit. */
function parseLifetime(v: string): number {
  const m = /^(\d+)(ms|s|m|h|d)?$/.exec(v);
  if (m === null) return -1;
  const n = Number(m[1]);
  switch (m[2]) { case 'ms': return Math.ceil(n / 1000); case 'm': return n * 60; case 'h': return n * 3600; case 'd': return n * 86400; default: return n; }
}

export const sslGlobalKeywords: CfgKeyword[] = [
  { section: 'global', name: 'ssl-default-bind-options', parse: parseDefaultOptions },
  { section: 'global', name: 'ssl-default-server-options', parse: parseDefaultOptions },
  { section: 'global', name: 'ssl-default-bind-ciphers', parse: parseDefaultString },
  { section: 'global', name: 'ssl-default-bind-ciphersuites', parse: parseDefaultString },
  { section: 'global', name: 'ssl-default-bind-curves', parse: parseDefaultString },
  { section: 'global', name: 'ssl-default-server-ciphers', parse: parseDefaultString },
  { section: 'global', name: 'ssl-default-server-ciphersuites', parse: parseDefaultString },
  { section: 'global', name: 'ca-base', parse: parseBase },
  { section: 'global', name: 'crt-base', parse: parseBase },
  { section: 'global', name: 'ssl-server-verify', parse: parseServerVerify },
  { section: 'global', name: 'tune.ssl.default-dh-param', parse: parseDhParam },
  { section: 'global', name: 'ssl-dh-param-file', parse: parseDhFile },
  { section: 'global', name: 'tune.ssl.cachesize', parse: parseTuneInt },
  { section: 'global', name: 'tune.ssl.lifetime', parse: parseTuneInt },
];

// ---- post-parse: defaults merged, contexts built, missing certificates reported ----

const finalized = new WeakSet<GlobalSettings>();

/**
 * Registers (once per configuration) the post-parse pass that merges the global defaults into every TLS bind and
 * server, builds their contexts, and reports HAProxy's post-parse errors ("no SSL certificate specified for bind",
 * "verify is enabled by default but no CA file specified"). Called by the `bind`/`server` keyword parsers' hook.
 */
export function ensureSslFinalize(ctx: KwCtx): void {
  if (finalized.has(ctx.global)) return;
  finalized.add(ctx.global);
  const g = ctx.global;
  const proxies = ctx.proxies;
  ctx.postParse(() => finalizeSsl(g, proxies.values(), ctx));
}

export function finalizeSsl(g: GlobalSettings, proxies: Iterable<Proxy>, ctx: KwCtx): void {
  const gs = globalSsl(g);
  const all = [...proxies];
  // every server first, then every bind: the order of haproxy 2.6's post-parse messages
  for (const px of all) for (const s of px.servers) finalizeServerSsl(g, s, ctx);
  for (const px of all) {
    for (const b of px.binds) {
      const c = bindSsl(b);
      if (c === null) continue;
      if (c.certs.length === 0) {
        ctx.alertRaw(`Proxy '${px.name}': no SSL certificate specified for bind '${bindText(b)}' at [${b.file}:${b.line}] (use 'crt').`);
        continue;
      }
      c.opts = mergeSslOptions(c.opts, gs.bindOpts);
      if (ignoreNoVersions(c.opts)) ctx.warnRaw(`Proxy '${px.name}': no-sslv3/no-tlsv1x are ignored for bind '${bindText(b)}' at [${b.file}:${b.line}]. Use only 'ssl-min-ver' and 'ssl-max-ver' to fix.`);
      if (c.verify < 0) c.verify = 0;
      c.handshakeTimeout = px.timeouts.client;
      const err = buildBindContexts(c, gs);
      if (err !== '') ctx.alertRaw(`Proxy '${px.name}': bind '${bindText(b)}' at [${b.file}:${b.line}]: ${err}.`);
    }
  }
}

/**
 * The TLS context of server `s` once its line is parsed (the global defaults merged, `verify` decided), with 2.6's
 * messages; nothing for a server without TLS. At load for every server, and for one added by `add server`.
 */
export function finalizeServerSsl(g: GlobalSettings, s: Server, ctx: KwCtx): void {
  const c = srvSslAny(s);
  if (c === null || (!c.enabled && !c.checkSsl)) return;
  const gs = globalSsl(g);
  const px = s.proxy;
  c.opts = mergeSslOptions(c.opts, gs.serverOpts);
  if (ignoreNoVersions(c.opts)) ctx.warnRaw(`[${s.file}:${s.line}] : 'server ${px.name}/${s.name}' : no-sslv3/no-tlsv1x are ignored for this server. Use only 'ssl-min-ver' and 'ssl-max-ver' to fix.`);
  if (c.verify < 0) c.verify = gs.serverVerify ? 2 : 0;
  if (c.verify === 2 && c.caPem === '') {
    ctx.alertRaw(`[${s.file}:${s.line}] : 'server ${px.name}/${s.name}' : verify is enabled by default but no CA file specified. If you're running on a LAN where you're certain to trust the server's certificate, please set an explicit 'verify none' statement on the 'server' line, or use 'ssl-server-verify none' in the global section to disable server-side verifications by default.`);
    return;
  }
  const err = buildServerContext(c);
  if (err !== '') { ctx.alertRaw(`[${s.file}:${s.line}] : 'server ${px.name}/${s.name}' : ${err}.`); return; }
  if (c.enabled) sslUse.servers++;
}

/** 2.6: with ssl-min-ver/ssl-max-ver/force-* set, the no-xxx options are ignored (with a warning): true when so. */
function ignoreNoVersions(o: SslOptions): boolean {
  if ((o.minVer < 0 && o.maxVer < 0) || o.noVersions === 0) return false;
  o.noVersions = 0;
  return true;
}

/** The bind's address as written on its line. */
function bindText(b: BindCfg): string {
  if (b.path !== '') return b.path;
  return (b.host === '' ? '' : b.host.includes(':') ? '[' + b.host + ']' : b.host) + ':' + b.port;
}
