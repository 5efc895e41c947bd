// fieldStart's 4-bytes-at-a-time scan against a plain byte-by-byte reference of halog's rules, on random
// lines mixing spaces, 0 bytes, control bytes and bytes >= 0x80, at every offset and near the buffer end.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldStart, scanView } from '../../../halog/scan/fields.ts';

function reference(buf: Uint8Array, p: number, n: number): number {
  for (;;) {
    while (buf[p] === 32) p++;
    if (buf[p] === 0) return p;
    if (--n === 0) return p;
    while (buf[p] !== 32 && buf[p] !== 0) p++;
  }
}

/* deterministic xorshift so that a failure can be replayed */
let seed = 0x2545f491;
function rnd(n: number): number {
  seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5;
  return (seed >>> 0) % n;
}
const ALPHABET = [32, 32, 32, 0, 9, 10, 31, 33, 0x21, 0x41, 0x7f, 0x80, 0xa0, 0xff, 0x5b, 0x2f];

test('fieldStart finds the same field as a byte-by-byte scan on random lines', () => {
  for (let round = 0; round < 3000; round++) {
    const len = 1 + rnd(80);
    const buf = new Uint8Array(len + 1);
    for (let i = 0; i < len; i++) buf[i] = rnd(4) === 0 ? ALPHABET[rnd(ALPHABET.length)] : 0x61 + rnd(26);
    buf[len] = 0;
    const dv = scanView(buf);
    for (let p = 0; p <= len; p++) {
      if (p > 0 && buf[p - 1] === 0) break;
      for (let n = 0; n <= 12; n++) {
        assert.equal(fieldStart(buf, dv, p, n), reference(buf, p, n), `round ${round} p ${p} n ${n}`);
      }
    }
  }
});

test('fieldStart stops at the terminating 0 byte in the last 3 bytes of a buffer', () => {
  const line = Buffer.from('Nov 23 host haproxy[1]: 1.2.3.4:5 [23/Nov/2026:20:20:39.082] fe be/s1 0/0/0/1/1 200\0', 'latin1');
  const dv = scanView(line);
  assert.equal(line[fieldStart(line, dv, 0, 6)], 0x5b);
  assert.equal(fieldStart(line, dv, 0, 10), line.length - 4);
  assert.equal(fieldStart(line, dv, 0, 11), line.length - 1);
  assert.equal(fieldStart(line, dv, 0, 0), line.length - 1);
});

test('fieldStart works on a Buffer that is a slice of a larger ArrayBuffer', () => {
  const big = Buffer.alloc(64, 0x78);
  const sub = big.subarray(5, 21);
  sub.set(Buffer.from('ab cd  ef', 'latin1'));
  sub[9] = 0;
  const dv = scanView(sub);
  assert.equal(fieldStart(sub, dv, 0, 3), 7);
  assert.equal(fieldStart(sub, dv, 0, 4), 9);
});
