import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newByteKey, sameBytes, scanTo, viewOf } from '../../collectors/byte-words.ts';

test('sameBytes: every length 0-13 at every alignment, a difference at any byte, buffers switched between calls', () => {
  const src = Buffer.from('Nov 23 20:18:12 lb1 haproxy[4174]: 10.0.0.1');
  const key = newByteKey(16);
  for (let n = 0; n <= 13; n++) {
    for (let at = 0; at + n <= src.length; at += 3) {
      key.bytes.set(src.subarray(at, at + n));
      for (let off = 0; off < 5; off++) {
        const other = Buffer.alloc(off + n + 2, 0x41);
        src.copy(other, off, at, at + n);
        assert.ok(sameBytes(key, other, off, n), n + '@' + at + '+' + off);
        assert.ok(sameBytes(key, src, at, n));               // back to the first buffer: its own view
        for (let j = 0; j < n; j++) {
          other[off + j] ^= 0x20;
          assert.ok(!sameBytes(key, other, off, n), 'byte ' + j + ' of ' + n);
          other[off + j] ^= 0x20;
        }
      }
    }
  }
});

test('viewOf: one view per buffer, over the buffer\'s own bytes (pooled Buffers, SharedArrayBuffer)', () => {
  const a = Buffer.from('abcdefgh');                  // a slice of Node's pool: byteOffset > 0 usually
  const v = viewOf(a);
  assert.equal(viewOf(a), v);
  assert.equal(v.getUint8(0), 0x61);
  assert.equal(v.byteLength, 8);
  const shared = new Uint8Array(new SharedArrayBuffer(16), 4, 8);
  shared.set([1, 2, 3, 4]);
  assert.equal(viewOf(shared).getInt32(0, true), 0x04030201);
  assert.equal(viewOf(a).getUint8(1), 0x62);          // a view of `a` again, not the shared one
  const key = newByteKey(4);
  key.bytes.set([1, 2, 3, 4]);
  assert.ok(sameBytes(key, shared, 0, 4));
});

test('scanTo: the first occurrence at every offset and alignment, none before `end`, bytes that differ by one bit or borrow', () => {
  // neighbours of the searched byte (x ^ byte = 1, 0x80, 0xff) and a zero byte before it, where a word test could err
  for (const byte of [32, 125, 34, 0, 0xff]) {
    for (let len = 0; len <= 13; len++) {
      for (let off = 0; off < 4; off++) {
        const fill = [byte ^ 1, byte ^ 0x80, byte ^ 0xff, 0, byte ^ 0x10];
        const buf = Buffer.alloc(off + len + 6);
        for (let i = 0; i < buf.length; i++) buf[i] = fill[i % fill.length] === byte ? byte ^ 2 : fill[i % fill.length];
        assert.equal(scanTo(buf, off, off + len, byte), off + len, 'none: ' + byte + ' ' + len + '+' + off);
        for (let at = off; at < off + len; at++) {
          const b2 = Buffer.from(buf);
          b2[at] = byte;
          if (at + 2 < off + len) b2[at + 2] = byte;                    // a later one is not taken
          assert.equal(scanTo(b2, off, off + len, byte), at, byte + ' at ' + at + ' in ' + len + '+' + off);
        }
        const b3 = Buffer.from(buf);
        b3[off + len] = byte;                                          // at `end`: outside the span
        assert.equal(scanTo(b3, off, off + len, byte), off + len);
      }
    }
  }
});
