/*
 * TLS contexts: loads HAProxy-style PEM files (certificate, chain and key in one file, or the key in `<file>.key`),
 * `crt` directories and `crt-list` files, reads the names a certificate serves (SAN DNS names, else its CN), and
 * builds node SecureContexts once per bind (one per certificate, looked up by SNI: exact name, then wildcard) and once
 * per TLS server. Does no I/O on the data path. Callers: ssl/keywords.ts (load at parse time, build at post-parse),
 * net/tls-socket.ts (SNI lookup per handshake). Hot path: no (sniContext runs once per handshake).
 */
import { readFileSync, statSync, readdirSync } from 'node:fs';
import type { SecureContext, SecureContextOptions } from 'node:tls';
import type { X509Certificate } from 'node:crypto';
import { nodeCrypto, nodeTls } from '../lazy-builtins.ts';
import { join, isAbsolute } from 'node:path';
import { dnText } from '../net/tls-socket.ts';
import type { SslCert, SslOptions, SslBindCfg, SslServerCfg, SslGlobalCfg } from './types.ts';
import { SSL_V_SSLV3, SSL_V_TLSV10, SSL_V_TLSV12, SSL_V_TLSV13, SSL_V_COUNT } from './types.ts';

const CERT_RE = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;
const KEY_RE = /-----BEGIN (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----[\s\S]*?-----END (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----/;
const DH_RE = /-----BEGIN DH PARAMETERS-----[\s\S]*?-----END DH PARAMETERS-----/;

/** Files of a `crt` directory that are not certificates (HAProxy's extra files). */
const SKIP_EXT = ['.key', '.ocsp', '.issuer', '.sctl', '.dh'];

export function newSslOptions(): SslOptions {
  return {
    minVer: -1, maxVer: -1, noVersions: 0, ciphers: '', ciphersuites: '', curves: '', ecdhe: '', alpn: null,
    noTlsTickets: false, preferClientCiphers: false,
  };
}

/** `path` under `base` unless absolute or base is ''. */
export function basePath(base: string, path: string): string {
  return base === '' || isAbsolute(path) ? path : join(base, path);
}

function errText(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'No such file or directory';
  if (code === 'EACCES') return 'Permission denied';
  if (code === 'EISDIR') return 'Is a directory';
  return (e as Error).message;
}

/** Names a certificate serves, lowercase: SAN DNS names, else the subject CN. */
function certNames(x: X509Certificate): string[] {
  const out: string[] = [];
  const san = x.subjectAltName;
  if (san !== undefined) {
    for (const part of san.split(', ')) if (part.startsWith('DNS:')) out.push(part.slice(4).toLowerCase());
  }
  if (out.length === 0) {
    for (const l of x.subject.split('\n')) if (l.startsWith('CN=')) out.push(l.slice(3).toLowerCase());
  }
  return out;
}

/**
 * Loads one PEM certificate file. Returns the cert or HAProxy 2.6's error text (for the bind line's alert):
 * "unable to stat SSL certificate from file '<f>' : No such file or directory.", "No Private Key found in '<f>.key'.".
 */
export function loadCertFile(file: string): SslCert | string {
  let text: string;
  try { text = readFileSync(file, 'latin1'); } catch (e) {
    return `unable to stat SSL certificate from file '${file}' : ${errText(e)}.`;
  }
  const certs = text.match(CERT_RE);
  if (certs === null) return `unable to load SSL certificate from PEM file '${file}'.`;
  let key = KEY_RE.exec(text);
  if (key === null) {
    let kt = '';
    try { kt = readFileSync(file + '.key', 'latin1'); } catch { /* reported below */ }
    key = KEY_RE.exec(kt);
    if (key === null) return `No Private Key found in '${file}.key'.`;
  }
  const certPem = certs.join('\n') + '\n';
  let x: X509Certificate;
  try { x = new (nodeCrypto().X509Certificate)(certs[0]); } catch { return `unable to load SSL certificate from PEM file '${file}'.`; }
  return { file, certPem, keyPem: key[0] + '\n', names: certNames(x), sniFilters: [], subject: dnText(x.subject), ctx: null };
}

/** A `crt` argument: one file, or every certificate file of a directory (sorted, as HAProxy reads them). */
export function loadCrt(path: string): SslCert[] | string {
  let st;
  try { st = statSync(path); } catch (e) { return `unable to stat SSL certificate from file '${path}' : ${errText(e)}.`; }
  if (!st.isDirectory()) {
    const c = loadCertFile(path);
    return typeof c === 'string' ? c : [c];
  }
  const out: SslCert[] = [];
  for (const name of readdirSync(path).sort()) {
    if (name.startsWith('.') || SKIP_EXT.some((x) => name.endsWith(x))) continue;
    const f = join(path, name);
    try { if (!statSync(f).isFile()) continue; } catch { continue; }
    const c = loadCertFile(f);
    if (typeof c === 'string') return c;
    out.push(c);
  }
  return out;
}

/**
 * A `crt-list` file: one `<crt> [ssl options] [sni filters]` per line (# comments). Options in brackets are accepted
 * and ignored, except `alpn` which is ignored too (Sluice speaks http/1.1 only). Returns certificates or an error.
 */
export function loadCrtList(file: string, crtBase: string): SslCert[] | string {
  let text: string;
  try { text = readFileSync(file, 'latin1'); } catch (e) { return `'crt-list' : cannot open file '${file}' : ${errText(e)}`; }
  const out: SslCert[] = [];
  let ln = 0;
  for (const raw of text.split('\n')) {
    ln++;
    const line = raw.replace(/#.*$/, '').trim();
    if (line === '') continue;
    const br = line.indexOf('[');
    let rest = line;
    if (br >= 0) {
      const end = line.indexOf(']', br);
      if (end < 0) return `'crt-list' : ${file}:${ln}: missing ']'`;
      rest = line.slice(0, br) + ' ' + line.slice(end + 1);
    }
    const words = rest.split(/\s+/).filter((w) => w !== '');
    if (words.length === 0) return `'crt-list' : ${file}:${ln}: missing certificate`;
    const certs = loadCrt(basePath(crtBase, words[0]));
    if (typeof certs === 'string') return certs;
    const filters = words.slice(1).filter((w) => !w.startsWith('!')).map((w) => w.toLowerCase());
    for (const c of certs) { c.sniFilters = filters; out.push(c); }
  }
  return out;
}

/** A CA / CRL file's PEM text, or the error text. */
export function loadPemFile(file: string): string | { err: string } {
  try { return readFileSync(file, 'latin1'); } catch (e) { return { err: errText(e) }; }
}

const VER_NAMES = ['SSLv3', 'TLSv1.0', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];
const NODE_VER = ['TLSv1', 'TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'] as const;

/** SSL_V_* for an `ssl-min-ver`/`ssl-max-ver` argument, -1 when unknown. */
export function sslVersionIndex(name: string): number { return VER_NAMES.indexOf(name); }

/** Merges explicit `o` over defaults `d` (fields of `o` that are set win). */
export function mergeSslOptions(o: SslOptions, d: SslOptions): SslOptions {
  return {
    minVer: o.minVer >= 0 ? o.minVer : d.minVer,
    maxVer: o.maxVer >= 0 ? o.maxVer : d.maxVer,
    noVersions: o.noVersions | d.noVersions,
    ciphers: o.ciphers !== '' ? o.ciphers : d.ciphers,
    ciphersuites: o.ciphersuites !== '' ? o.ciphersuites : d.ciphersuites,
    curves: o.curves !== '' ? o.curves : d.curves,
    ecdhe: o.ecdhe !== '' ? o.ecdhe : d.ecdhe,
    alpn: o.alpn ?? d.alpn,
    noTlsTickets: o.noTlsTickets || d.noTlsTickets,
    preferClientCiphers: o.preferClientCiphers || d.preferClientCiphers,
  };
}

/**
 * Node's minVersion/maxVersion for HAProxy's version settings: the enabled range [min, max] without the `no-xxx` ones
 * (node takes one contiguous range: the lowest and highest enabled). HAProxy 2.6's default minimum is TLSv1.2.
 * Returns null when no version is left.
 */
export function versionRange(o: SslOptions): { min: typeof NODE_VER[number]; max: typeof NODE_VER[number] } | null {
  const lo = o.minVer >= 0 ? o.minVer : SSL_V_TLSV12;
  const hi = o.maxVer >= 0 ? o.maxVer : SSL_V_TLSV13;
  let a = -1, b = -1;
  for (let v = lo; v <= hi && v < SSL_V_COUNT; v++) {
    if ((o.noVersions & (1 << v)) !== 0) continue;
    if (a < 0) a = v;
    b = v;
  }
  if (a < 0) return null;
  if (a === SSL_V_SSLV3) a = SSL_V_TLSV10;     // OpenSSL 3 in node has no SSLv3
  if (b === SSL_V_SSLV3) b = SSL_V_TLSV10;
  return { min: NODE_VER[a], max: NODE_VER[b] };
}

function baseContextOptions(o: SslOptions, g: SslGlobalCfg | null, server: boolean): SecureContextOptions | string {
  const r = versionRange(o);
  if (r === null) return 'all SSL/TLS versions are disabled';
  const opts: SecureContextOptions = { minVersion: r.min, maxVersion: r.max };
  if (o.ciphers !== '') opts.ciphers = o.ciphers;
  if (o.ciphersuites !== '') (opts as { ciphersuites?: string }).ciphersuites = o.ciphersuites;
  const curves = o.curves !== '' ? o.curves : o.ecdhe;
  if (curves !== '') opts.ecdhCurve = curves;
  let secure = 0;
  if (o.noTlsTickets) secure |= nodeCrypto().constants.SSL_OP_NO_TICKET;
  if (secure !== 0) opts.secureOptions = secure;
  if (!server) {
    opts.honorCipherOrder = !o.preferClientCiphers;
    if (g !== null) {
      if (g.dhParamFile !== '') { try { opts.dhparam = readFileSync(g.dhParamFile); } catch { /* checked at parse */ } }
      else opts.dhparam = 'auto';
      if (g.lifetimeSec > 0) opts.sessionTimeout = g.lifetimeSec;
    }
  }
  return opts;
}

/** Builds the contexts of a bind (one per certificate, the first is the default) and its SNI maps. '' or an error. */
export function buildBindContexts(b: SslBindCfg, g: SslGlobalCfg): string {
  const base = baseContextOptions(b.opts, g, false);
  if (typeof base === 'string') return base;
  if (b.caPem !== '') base.ca = b.caPem;
  if (b.crlPem !== '') base.crl = b.crlPem;
  b.exact.clear();
  b.wildcard.clear();
  b.subjects.clear();
  b.defaultCtx = null;
  for (const c of b.certs) {
    let ctx: SecureContext;
    try {
      const dh = DH_RE.exec(c.certPem);
      ctx = nodeTls().createSecureContext({ ...base, cert: c.certPem, key: c.keyPem, ...(dh !== null ? { dhparam: dh[0] } : {}) });
    } catch (e) {
      return `unable to load SSL certificate '${c.file}' (${(e as Error).message})`;
    }
    c.ctx = ctx;
    b.subjects.set(ctx, c.subject);
    if (b.defaultCtx === null) b.defaultCtx = ctx;
    for (const n of c.sniFilters.length > 0 ? c.sniFilters : c.names) {
      if (n.startsWith('*.')) { if (!b.wildcard.has(n.slice(2))) b.wildcard.set(n.slice(2), ctx); }
      else if (!b.exact.has(n)) b.exact.set(n, ctx);
    }
  }
  return '';
}

/** The context for SNI `name` on bind `b`: exact name, then `*.` parent; null = none (default or strict-sni abort). */
export function sniContext(b: SslBindCfg, name: string): SecureContext | null {
  const n = name.toLowerCase();
  const e = b.exact.get(n);
  if (e !== undefined) return e;
  const dot = n.indexOf('.');
  if (dot > 0) { const w = b.wildcard.get(n.slice(dot + 1)); if (w !== undefined) return w; }
  return null;
}

/** Builds a TLS server's client context (CA for verify, client certificate, versions, ciphers). '' or an error. */
export function buildServerContext(s: SslServerCfg): string {
  const base = baseContextOptions(s.opts, null, true);
  if (typeof base === 'string') return base;
  if (s.caPem !== '') base.ca = s.caPem;
  if (s.crlPem !== '') base.crl = s.crlPem;
  if (s.certPem !== '') { base.cert = s.certPem; base.key = s.keyPem; }
  try { s.ctx = nodeTls().createSecureContext(base); } catch (e) { return (e as Error).message; }
  return '';
}
