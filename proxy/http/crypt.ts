/*
 * crypt(3) for the hashed `password` entries of userlists: MD5-crypt (`$1$`), SHA-256-crypt (`$5$`) and
 * SHA-512-crypt (`$6$`, the usual `mkpasswd -m sha-512` / `openssl passwd -6` output), written from the published
 * algorithm descriptions (Kamp's MD5 scheme, Drepper's SHA-crypt spec) on node:crypto digests. DES, yescrypt (`$y$`)
 * and bcrypt are not implemented: cryptSupported() tells the loader. Hot path: per Basic-auth check (userlist.ts
 * caches the verified pairs).
 */
import { nodeCrypto } from '../lazy-builtins.ts';

const ITOA64 = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** `n` characters of the 24-bit value b2:b1:b0, least significant 6 bits first (crypt's base64). */
function b64From24(b2: number, b1: number, b0: number, n: number): string {
  let w = (b2 << 16) | (b1 << 8) | b0;
  let s = '';
  for (let i = 0; i < n; i++) { s += ITOA64[w & 0x3f]; w >>>= 6; }
  return s;
}

/** The scheme id of a stored hash when it is one this module computes ('1', '5', '6'), else ''. */
export function cryptSupported(hash: string): string {
  if (hash.startsWith('$1$')) return '1';
  if (hash.startsWith('$5$')) return '5';
  if (hash.startsWith('$6$')) return '6';
  return '';
}

function md5Crypt(pw: Buffer, setting: string): string {
  const { createHash } = nodeCrypto();
  let salt = setting.slice(3);
  const d = salt.indexOf('$');
  if (d >= 0) salt = salt.slice(0, d);
  salt = salt.slice(0, 8);
  const s = Buffer.from(salt, 'latin1');
  const alt = createHash('md5').update(pw).update(s).update(pw).digest();
  const h = createHash('md5').update(pw).update('$1$').update(s);
  for (let pl = pw.length; pl > 0; pl -= 16) h.update(alt.subarray(0, pl > 16 ? 16 : pl));
  for (let i = pw.length; i !== 0; i >>>= 1) h.update((i & 1) !== 0 ? Buffer.of(0) : pw.subarray(0, 1));
  let f = h.digest();
  for (let i = 0; i < 1000; i++) {
    const c = createHash('md5');
    c.update((i & 1) !== 0 ? pw : f);
    if (i % 3 !== 0) c.update(s);
    if (i % 7 !== 0) c.update(pw);
    c.update((i & 1) !== 0 ? f : pw);
    f = c.digest();
  }
  return '$1$' + salt + '$' + b64From24(f[0], f[6], f[12], 4) + b64From24(f[1], f[7], f[13], 4) +
    b64From24(f[2], f[8], f[14], 4) + b64From24(f[3], f[9], f[15], 4) + b64From24(f[4], f[10], f[5], 4) +
    b64From24(0, 0, f[11], 2);
}

// byte triples of the final digest, in output order (Drepper's spec, section "the output")
const SHA256_ORDER = [0, 10, 20, 21, 1, 11, 12, 22, 2, 3, 13, 23, 24, 4, 14, 15, 25, 5, 6, 16, 26, 27, 7, 17, 18, 28, 8, 9, 19, 29];
const SHA512_ORDER = [0, 21, 42, 22, 43, 1, 44, 2, 23, 3, 24, 45, 25, 46, 4, 47, 5, 26, 6, 27, 48, 28, 49, 7, 50, 8, 29, 9, 30, 51,
  31, 52, 10, 53, 11, 32, 12, 33, 54, 34, 55, 13, 56, 14, 35, 15, 36, 57, 37, 58, 16, 59, 17, 38, 18, 39, 60, 40, 61, 19, 62, 20, 41];

function shaCrypt(pw: Buffer, setting: string, id: '5' | '6'): string {
  const { createHash } = nodeCrypto();
  const alg = id === '5' ? 'sha256' : 'sha512';
  const n = id === '5' ? 32 : 64;
  let rest = setting.slice(3);
  let rounds = 5000;
  let custom = false;
  if (rest.startsWith('rounds=')) {
    const d = rest.indexOf('$');
    const r = Number.parseInt(rest.slice(7, d < 0 ? rest.length : d), 10);
    if (d >= 0 && Number.isFinite(r)) {
      rounds = r < 1000 ? 1000 : r > 999999999 ? 999999999 : r;
      custom = true;
      rest = rest.slice(d + 1);
    }
  }
  const d = rest.indexOf('$');
  const salt = (d >= 0 ? rest.slice(0, d) : rest).slice(0, 16);
  const s = Buffer.from(salt, 'latin1');
  const b = createHash(alg).update(pw).update(s).update(pw).digest();
  const ha = createHash(alg).update(pw).update(s);
  let cnt = pw.length;
  for (; cnt > n; cnt -= n) ha.update(b);
  ha.update(b.subarray(0, cnt));
  for (cnt = pw.length; cnt > 0; cnt >>>= 1) ha.update((cnt & 1) !== 0 ? b : pw);
  const a = ha.digest();
  const hp = createHash(alg);
  for (let i = 0; i < pw.length; i++) hp.update(pw);
  const dp = hp.digest();
  const pseq = Buffer.alloc(pw.length);
  for (let i = 0; i < pw.length; i++) pseq[i] = dp[i % n];
  const hs = createHash(alg);
  for (let i = 0; i < 16 + a[0]; i++) hs.update(s);
  const sseq = hs.digest().subarray(0, s.length);
  let c = a;
  for (let i = 0; i < rounds; i++) {
    const h = createHash(alg);
    h.update((i & 1) !== 0 ? pseq : c);
    if (i % 3 !== 0) h.update(sseq);
    if (i % 7 !== 0) h.update(pseq);
    h.update((i & 1) !== 0 ? c : pseq);
    c = h.digest();
  }
  const order = id === '5' ? SHA256_ORDER : SHA512_ORDER;
  let out = '$' + id + '$' + (custom ? `rounds=${rounds}$` : '') + salt + '$';
  for (let i = 0; i < order.length; i += 3) out += b64From24(c[order[i]], c[order[i + 1]], c[order[i + 2]], 4);
  out += id === '5' ? b64From24(0, c[31], c[30], 3) : b64From24(0, 0, c[63], 2);
  return out;
}

/**
 * crypt(password, setting) for the schemes of cryptSupported(); '' for another scheme. `pw` is taken as latin1
 * bytes, as the request's decoded Basic credentials are. Allocates (digests), keeps no reference.
 */
export function cryptHash(pw: string, setting: string): string {
  const p = Buffer.from(pw, 'latin1');
  switch (cryptSupported(setting)) {
    case '1': return md5Crypt(p, setting);
    case '5': return shaCrypt(p, setting, '5');
    case '6': return shaCrypt(p, setting, '6');
    default: return '';
  }
}
