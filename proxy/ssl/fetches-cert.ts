/*
 * TLS certificate and session fetches as sample values (set-var, rule values, `%[...]`, and ACLs through
 * acl/compile.ts): the client's certificate (ssl_c_der, _serial, _sha1, _notbefore, _notafter, _version, _sig_alg,
 * _key_alg, _ca_err_depth), ours (ssl_f_der, _serial, _sha1, _notbefore, _notafter, _version, _sig_alg,
 * _key_alg, _i_dn) and the session's key sizes, tls-unique (ssl_fc_unique_id), early data (none) and NPN (none).
 * Read from the connection's TLS socket when the fetch runs (nothing is computed per handshake); binary values are
 * latin1 strings. Not available from node's TLS API, so left out (config errors): client/server random, session
 * keys and exporter secrets, the ClientHello captures, and ssl_c_chain_der (node completes the chain the client
 * sent from the CA file, 2.6 gives only what was sent). Registered by proxy/modules.ts. Hot path: no (per use).
 */
import type { TLSSocket } from 'node:tls';
import type { X509Certificate } from 'node:crypto';
import type { StreamLog } from '../model/types.ts';
import { dnText } from '../net/tls-socket.ts';

type Value = string | number | null;
type Fetch = (s: StreamLog) => Value;

/** Names of the fetches below that give integers or booleans (ACLs match them as such when used bare). */
export const SSL_CERT_INT_FETCHES: readonly string[] = ['ssl_c_version', 'ssl_f_version', 'ssl_c_ca_err_depth',
  'ssl_fc_alg_keysize', 'ssl_fc_use_keysize'];
export const SSL_CERT_BOOL_FETCHES: readonly string[] = ['ssl_fc_has_early'];

/** [tag, content start, content end] of the DER element at `off` of `b` (short and long length forms). */
function tlv(b: Buffer, off: number): [number, number, number] {
  const tag = b[off];
  let len = b[off + 1], p = off + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + b[p + i];
    p += n;
  }
  return [tag, p, p + len];
}

/** The parts of a certificate's DER 2.6 reports as they are encoded: version, serial, validity, signature OID. */
interface CertParts { version: number; serial: string; notBefore: string; notAfter: string; sigOid: string }

function certParts(der: Buffer): CertParts | null {
  try {
    const [, cs] = tlv(der, 0);                   // Certificate
    const [, ts, te] = tlv(der, cs);              // tbsCertificate
    let p = ts;
    let version = 1;
    let [tag, s, e] = tlv(der, p);
    if (tag === 0xa0) { const [, vs] = tlv(der, s); version = der[vs] + 1; p = e; [tag, s, e] = tlv(der, p); }
    const serial = der.toString('latin1', s, e);
    p = e;
    [, , e] = tlv(der, p); p = e;                 // signature
    [, , e] = tlv(der, p); p = e;                 // issuer
    const [, vs] = tlv(der, p);                   // validity
    const [, nbs, nbe] = tlv(der, vs);
    const [, nas, nae] = tlv(der, nbe);
    const [, as] = tlv(der, te);                  // signatureAlgorithm
    const [, os, oe] = tlv(der, as);
    return { version, serial, notBefore: der.toString('latin1', nbs, nbe), notAfter: der.toString('latin1', nas, nae), sigOid: oidText(der, os, oe) };
  } catch { return null; }
}

function oidText(b: Buffer, s: number, e: number): string {
  const out = [Math.floor(b[s] / 40), b[s] % 40];
  let v = 0;
  for (let i = s + 1; i < e; i++) { v = v * 128 + (b[i] & 0x7f); if ((b[i] & 0x80) === 0) { out.push(v); v = 0; } }
  return out.join('.');
}

/** OpenSSL's short names of the usual signature algorithms (what 2.6 prints). */
const SIG_NAMES = new Map([
  ['1.2.840.113549.1.1.4', 'RSA-MD5'], ['1.2.840.113549.1.1.5', 'RSA-SHA1'], ['1.2.840.113549.1.1.10', 'RSASSA-PSS'],
  ['1.2.840.113549.1.1.11', 'RSA-SHA256'], ['1.2.840.113549.1.1.12', 'RSA-SHA384'], ['1.2.840.113549.1.1.13', 'RSA-SHA512'],
  ['1.2.840.113549.1.1.14', 'RSA-SHA224'], ['1.2.840.10045.4.1', 'ecdsa-with-SHA1'], ['1.2.840.10045.4.3.1', 'ecdsa-with-SHA224'],
  ['1.2.840.10045.4.3.2', 'ecdsa-with-SHA256'], ['1.2.840.10045.4.3.3', 'ecdsa-with-SHA384'],
  ['1.2.840.10045.4.3.4', 'ecdsa-with-SHA512'], ['1.3.101.112', 'ED25519'], ['1.3.101.113', 'ED448'],
]);
const KEY_NAMES = new Map([['rsa', 'rsaEncryption'], ['rsa-pss', 'RSASSA-PSS'], ['ec', 'id-ecPublicKey'], ['dsa', 'dsaEncryption'],
  ['ed25519', 'ED25519'], ['ed448', 'ED448'], ['dh', 'dhKeyAgreement']]);

function sockOf(s: StreamLog): TLSSocket | null {
  const t = s.tls;
  return t === null || t.sock === undefined || t.sock.destroyed ? null : t.sock;
}

/** The client's (peer) or our (front) certificate of the stream's connection. */
function certOf(s: StreamLog, front: boolean): X509Certificate | null {
  const ts = sockOf(s);
  if (ts === null) return null;
  return (front ? ts.getX509Certificate() : ts.getPeerX509Certificate()) ?? null;
}

function certValue(front: boolean, what: string): Fetch | undefined {
  const get = (s: StreamLog): X509Certificate | null => certOf(s, front);
  switch (what) {
    case 'der': return (s) => { const c = get(s); return c === null ? null : c.raw.toString('latin1'); };
    case 'sha1': return (s) => { const c = get(s); return c === null ? null : Buffer.from(c.fingerprint.replace(/:/g, ''), 'hex').toString('latin1'); };
    case 'serial': case 'notbefore': case 'notafter': case 'version': case 'sig_alg': return (s) => {
      const c = get(s);
      const p = c === null ? null : certParts(c.raw);
      if (p === null) return null;
      if (what === 'serial') return p.serial;
      if (what === 'notbefore') return p.notBefore;
      if (what === 'notafter') return p.notAfter;
      if (what === 'version') return p.version;
      return SIG_NAMES.get(p.sigOid) ?? p.sigOid;
    };
    case 'key_alg': return (s) => { const c = get(s); return c === null ? null : KEY_NAMES.get(c.publicKey.asymmetricKeyType ?? '') ?? null; };
    case 'i_dn': return front ? (s) => { const c = get(s); return c === null ? null : dnText(c.issuer); } : undefined;
    case 'ca_err_depth': return front ? undefined : (s) => (s.tls === null ? null : 0);
    default: return undefined;
  }
}

/** Secret bits of the negotiated cipher (the same for the algorithm and its use: no export ciphers). */
function cipherBits(name: string): number {
  if (/CHACHA20|AES256|AES_256|CAMELLIA256|ARIA256/i.test(name)) return 256;
  if (/AES128|AES_128|CAMELLIA128|ARIA128|SEED/i.test(name)) return 128;
  if (/3DES|DES-CBC3/i.test(name)) return 168;
  return 0;
}

/** `head` as a log/sample.ts fetch, or undefined for other fetches. */
export function sslCertLogFetch(head: string): Fetch | undefined {
  const m = /^ssl_(c|f)_([a-z0-9_]+)$/.exec(head);
  if (m !== null) return certValue(m[1] === 'f', m[2]);
  switch (head) {
    case 'ssl_fc_alg_keysize': case 'ssl_fc_use_keysize': return (s) => (s.tls === null ? null : cipherBits(s.tls.cipher));
    case 'ssl_fc_has_early': return (s) => (s.tls === null ? null : 0);
    case 'ssl_fc_npn': return () => null;
    case 'ssl_fc_unique_id': return (s) => {
      // tls-unique: the first Finished message of the handshake, the client's unless the session was resumed
      const ts = sockOf(s);
      if (ts === null) return null;
      const f = ts.isSessionReused() ? ts.getFinished() : ts.getPeerFinished();
      return f === undefined ? null : f.toString('latin1');
    };
    default: return undefined;
  }
}
