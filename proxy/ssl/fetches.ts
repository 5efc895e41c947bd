/*
 * TLS sample fetches, for ACLs (FetchDef on SampleCtx: ctx.log.tls) and for log-format / rule values (on the
 * StreamLog: s.tls): ssl_fc, ssl_fc_sni, ssl_fc_protocol, ssl_fc_cipher, ssl_fc_alpn, ssl_fc_has_sni,
 * ssl_fc_has_crt, ssl_fc_is_resumed, ssl_c_used, ssl_c_verify, ssl_c_s_dn, ssl_c_i_dn, ssl_f_s_dn, and the error
 * fetches of `option httpslog` (fc_err, ssl_fc_err, ssl_c_err, ssl_c_ca_err: 0 for an established connection).
 * Registered by proxy/modules.ts. Hot path: per evaluation on TLS streams only (strings built per call).
 */
import type { FetchDef, SampleCtx, MatchFn, AclPatterns } from '../acl/types.ts';
import { ACL_M_BOOL, ACL_M_STR, ACL_M_INT } from '../acl/types.ts';
import type { StreamLog } from '../model/types.ts';
import type { TlsInfo } from './types.ts';

type Text = (t: TlsInfo) => string;
type Num = (t: TlsInfo) => number;

function tlsOf(ctx: SampleCtx): TlsInfo | null {
  const l = ctx.log;
  return l === undefined ? null : l.tls;
}

function strFetch(name: string, get: Text): FetchDef {
  return {
    name, defaultMatch: ACL_M_STR, needsArg: false, bool: false,
    run(ctx: SampleCtx, _arg: Buffer, match: MatchFn, p: AclPatterns): boolean {
      const t = tlsOf(ctx);
      if (t === null) return false;
      const v = get(t);
      if (v === '') return false;
      const b = Buffer.from(v, 'latin1');
      return match(p, b, 0, b.length);
    },
  };
}

function boolFetch(name: string, get: (t: TlsInfo | null) => boolean): FetchDef {
  return { name, defaultMatch: ACL_M_BOOL, needsArg: false, bool: true, run(ctx) { return get(tlsOf(ctx)); } };
}

const intBuf = Buffer.alloc(24);
function intFetch(name: string, get: Num): FetchDef {
  return {
    name, defaultMatch: ACL_M_INT, needsArg: false, bool: false,
    run(ctx, _arg, match, p) {
      const t = tlsOf(ctx);
      if (t === null) return false;
      const s = String(get(t));
      const n = intBuf.write(s, 0, 'latin1');
      return match(p, intBuf, 0, n);
    },
  };
}

const TEXT: ReadonlyArray<readonly [string, Text]> = [
  ['ssl_fc_sni', (t) => t.sni],
  ['ssl_fc_protocol', (t) => t.version],
  ['ssl_fc_cipher', (t) => t.cipher],
  ['ssl_fc_alpn', (t) => t.alpn],
  ['ssl_c_s_dn', (t) => t.clientSubject],
  ['ssl_c_i_dn', (t) => t.clientIssuer],
  ['ssl_f_s_dn', (t) => t.frontSubject],
];

const BOOL: ReadonlyArray<readonly [string, (t: TlsInfo | null) => boolean]> = [
  ['ssl_fc', (t) => t !== null],
  ['ssl_fc_has_sni', (t) => t !== null && t.sni !== ''],
  ['ssl_fc_has_crt', (t) => t !== null && t.clientCert],
  ['ssl_c_used', (t) => t !== null && t.clientCert],
  ['ssl_fc_is_resumed', (t) => t !== null && t.resumed],
];

const NUM: ReadonlyArray<readonly [string, Num]> = [
  ['ssl_c_verify', (t) => t.clientVerify],
  ['ssl_fc_err', () => 0],
  ['ssl_c_err', () => 0],
  ['ssl_c_ca_err', () => 0],
  ['fc_err', () => 0],
];

/** ACL fetches (proxy/acl/fetches.ts registerAclFetches). */
export const sslAclFetches: FetchDef[] = [
  ...TEXT.map(([n, f]) => strFetch(n, f)),
  ...BOOL.map(([n, f]) => boolFetch(n, f)),
  ...NUM.map(([n, f]) => intFetch(n, f)),
];

type LogFetch = (s: StreamLog) => string | number | null;

/**
 * Log-format / rule value fetches (proxy/log/sample.ts registerLogFetches). Absent values are null ('-'); booleans
 * are 0/1 as HAProxy prints them; on a plain connection the TLS-only numbers are absent too, except fc_err (0).
 */
export const sslLogFetches: ReadonlyArray<readonly [string, LogFetch]> = [
  ...TEXT.map(([n, f]): readonly [string, LogFetch] => [n, (s) => { const t = s.tls; if (t === null) return null; const v = f(t); return v === '' ? null : v; }]),
  ...BOOL.map(([n, f]): readonly [string, LogFetch] => [n, (s) => (f(s.tls) ? 1 : 0)]),
  ...NUM.map(([n, f]): readonly [string, LogFetch] => [n, n === 'fc_err' ? () => 0 : (s) => (s.tls === null ? null : f(s.tls))]),
];
