import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cryptHash, cryptSupported } from '../../../proxy/http/crypt.ts';

// Each hash was made with OpenSSL 3.0 (`openssl passwd -<1|5|6> -salt <salt> <password>`), the same crypt(3)
// schemes glibc/libxcrypt compute for haproxy's `user <u> password <hash>`.
const VECTORS: [string, string][] = [
  ['hello', '$1$saltsalt$fFhQNRZ9A4AYLdo7vOe8a0'],
  ['hello', '$5$abcdefgh$UUoko/Tf0b.8LrDH6BE28ZvVbc7xd//GfzsD0NKugU7'],
  ['hello', '$6$abcdefghijklmnop$vRqpf9WzVv13MKJy4hd5jALhNQnt4y0RZsj0MrdHWdwA8G8gihD6oj69IwfuemaVekHG0M6jA5HNgthaIaLRR/'],
  ['averyveryveryveryveryveryveryveryveryveryveryveryveryveryveryveryverylongpasswordmorethan64bytes____',
    '$5$s1$tjo9MMzNBADguRwHOTNOI6Cbcx6i1BLNhX74iQUnVA3'],
  ['pw', '$6$rounds=1000$abc$yxe0KSjmoHd8rpohJgwvF5lnIQ/9t.klcz24a1cca3nWm.PLUmhXgcGgKWCoRFHRHYxXj4SVEtjCnCAwaFY0V0'],
  ['pw', '$5$rounds=1000$abc$zdUXQ3de2d3x/8MYX1t30oZjPfJThZR5heHeVDYi8j6'],
];

test('crypt of MD5 / SHA-256 / SHA-512 schemes gives the stored hash for the right password only', () => {
  for (const [pw, hash] of VECTORS) {
    assert.equal(cryptHash(pw, hash), hash, hash);
    assert.notEqual(cryptHash(pw + 'x', hash), hash, hash);
  }
});

test('rounds below 1000 are raised to 1000 and written out, as crypt(3) does', () => {
  assert.equal(cryptHash('pw', '$5$rounds=10$abc$'), VECTORS[5][1]);
});

test('DES, yescrypt and bcrypt settings are reported unsupported and never match', () => {
  for (const h of ['abJnggxhB/yWI', '$y$j9T$abc$def', '$2b$10$abcdefghijklmnopqrstuv']) {
    assert.equal(cryptSupported(h), '');
    assert.equal(cryptHash('x', h), '');
  }
});
