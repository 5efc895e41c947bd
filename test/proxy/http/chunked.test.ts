import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChunkState, chunkDecode, chunkHeader, chunkHold, chunkResume } from '../../../proxy/http/chunked.ts';
import { CHK_ST_DONE } from '../../../proxy/http/types.ts';

interface Out { data: string; trailers: string[]; done: boolean; error: boolean; rest: number }

/** Decodes `input` delivered in pieces (each piece a fresh Buffer, partial trailer lines carried over). */
function decode(input: string, cuts: number[]): Out {
  const src = Buffer.from(input, 'latin1');
  const st = new ChunkState();
  let data = '';
  const trailers: string[] = [];
  let carry = Buffer.alloc(0);
  let prev = 0;
  for (const c of [...cuts, src.length]) {
    if (c < prev) continue;
    const buf = Buffer.concat([carry, src.subarray(prev, c)]);
    prev = c;
    const r = chunkDecode(st, buf, 0, buf.length);
    if (r < 0) return { data, trailers, done: false, error: true, rest: -1 };
    for (let i = 0; i < st.nspans; i++) data += buf.toString('latin1', st.spans[2 * i], st.spans[2 * i + 1]);
    if (st.trailerOut !== null) trailers.push(...st.trailerOut.toString('latin1').split('\r\n').slice(0, -1));
    if (st.state === CHK_ST_DONE) return { data, trailers, done: true, error: false, rest: buf.length - r + src.length - prev };
    carry = st.trailerPartial >= 0 ? buf.subarray(st.trailerPartial) : Buffer.alloc(0);
  }
  return { data, trailers, done: false, error: false, rest: 0 };
}

function everyWay(input: string): Out {
  const whole = decode(input, []);
  assert.deepEqual(decode(input, Array.from({ length: input.length }, (_, i) => i + 1)), whole, 'byte by byte');
  let seed = 99;
  for (let k = 0; k < 20; k++) {
    const cuts: number[] = [];
    for (let j = 0; j < 4; j++) { seed = (seed * 1103515245 + 12345) & 0x7fffffff; cuts.push(seed % (input.length + 1)); }
    cuts.sort((a, b) => a - b);
    assert.deepEqual(decode(input, cuts), whole, `cuts ${cuts}`);
  }
  return whole;
}

test('decodes chunks, extensions and the last chunk', () => {
  const o = everyWay('5;a=b\r\nhello\r\n6\r\n world\r\n0\r\n\r\n');
  assert.deepEqual(o, { data: 'hello world', trailers: [], done: true, error: false, rest: 0 });
});

test('trailers are returned with lowercased names, and bytes after the end are left', () => {
  const o = everyWay('3\r\nabc\r\n0\r\nX-Trailer: V\r\n\r\nGET');
  assert.equal(o.data, 'abc');
  assert.deepEqual(o.trailers, ['x-trailer: V']);
  assert.equal(o.rest, 3);
});

test('bare LF line ends and whitespace after the size are accepted', () => {
  assert.equal(everyWay('5\nhello\n0\n\n').data, 'hello');
  assert.equal(everyWay('5 \r\nhello\r\n0\r\n\r\n').data, 'hello');
  assert.equal(everyWay('A\r\n0123456789\r\n0\r\n\r\n').data, '0123456789');
});

test('bad sizes, overflow and missing CRLF after data are errors', () => {
  for (const bad of ['zz\r\nhello\r\n0\r\n\r\n', 'fffffffffffffffff\r\n', '5\r\nhelloXX0\r\n\r\n', '\r\n', '5x\r\nhello\r\n']) {
    assert.equal(decode(bad, []).error, true, JSON.stringify(bad));
    assert.equal(decode(bad, Array.from({ length: bad.length }, (_, i) => i + 1)).error, true, JSON.stringify(bad));
  }
});

test('chunkHeader writes the size in uppercase hex, as 2.6 does', () => {
  assert.equal(chunkHeader(5), '5\r\n');
  assert.equal(chunkHeader(4096), '1000\r\n');
  assert.equal(chunkHeader(255), 'FF\r\n');
});

test('chunk sizes take any number of leading zeros and fail once they reach 2^52, as 2.6.12 (fixtures/proxy/http-diff)', () => {
  assert.equal(decode('000000000000000005\r\nhello\r\n0\r\n\r\n', []).data, 'hello');
  assert.deepEqual([decode('fffffffffffff\r\nab', []).error], [false]);
  assert.equal(decode('10000000000000\r\nab', []).error, true);
  assert.equal(decode('ffffffffffffffff\r\nab', []).error, true);
  assert.equal(decode('10000000000000000\r\nab', []).error, true);
});

test('trailers count their name and value for the HTX byte accounting', () => {
  const st = new ChunkState();
  const b = Buffer.from('0\r\nX-Trailer: t\r\nY:  vv \r\n\r\n', 'latin1');
  chunkDecode(st, b, 0, b.length);
  assert.equal(st.trailerBytes, 'x-trailer'.length + 1 + 1 + 2);
});

test('trailers: a line without a colon and an obs-fold first line are errors; a fold joins its trailer with spaces, as 2.6.12', () => {
  assert.equal(decode('0\r\nNoColon\r\n\r\n', []).error, true);
  assert.equal(decode('0\r\n X: a\r\n\r\n', []).error, true);
  const f = decode('0\r\nX-T: a\r\n b\r\n\r\n', []);
  assert.deepEqual([f.done, f.trailers], [true, ['x-t: a   b']]);
});

test('chunkHold/chunkResume carry a trailer line cut between reads (a final CRLF split between CR and LF)', () => {
  for (const [a, b] of [['5\r\nhello\r\n0\r\n\r', '\nNEXT'], ['0\r\nX-T: 1', '\r\n\r\nNEXT']]) {
    const st = new ChunkState();
    const b1 = Buffer.from(a, 'latin1');
    assert.equal(chunkDecode(st, b1, 0, b1.length) >= 0, true);
    assert.notEqual(st.trailerPartial, -1);
    chunkHold(st, b1);
    const b2 = chunkResume(st, Buffer.from('xx' + b, 'latin1'), 2);
    const r = chunkDecode(st, b2, 0, b2.length);
    assert.equal(st.state, CHK_ST_DONE);
    assert.equal(b2.toString('latin1', r), 'NEXT');
    assert.equal(st.part, null);
  }
});

test('trailers are written as "name: value" (spaces around the value dropped), as 2.6.12 re-emits them', () => {
  const t = decode('0\r\nX-A:v\r\nX-B:\r\nX-C:  c  \r\nX-D: a\r\n  b\r\n\r\n', []);
  assert.deepEqual([t.done, t.trailers], [true, ['x-a: v', 'x-b: ', 'x-c: c', 'x-d: a    b']]);
  const again = decode('0\r\nx-a: v\r\nx-b: \r\n\r\n', []);
  assert.deepEqual(again.trailers, ['x-a: v', 'x-b: ']);
});

test('a second pass over the same bytes gives the same trailers (a body checked with its head, then forwarded)', () => {
  const b = Buffer.from('0\r\nX-C: \tc \r\nX:v\r\nY:\nZ: a\r\n b\r\n\r\n', 'latin1');
  const out: string[] = [];
  for (let pass = 0; pass < 2; pass++) {
    const st = new ChunkState();
    assert.equal(chunkDecode(st, b, 0, b.length), b.length);
    out.push((st.trailerOut as Buffer).toString('latin1'));
  }
  assert.deepEqual(out, ['x-c: c\r\nx: v\r\ny: \r\nz: a   b\r\n', 'x-c: c\r\nx: v\r\ny: \r\nz: a   b\r\n']);
});

test('a trailer section cut between reads goes out whole once its end is in (chunkHold/chunkResume keep it)', () => {
  const st = new ChunkState();
  const b1 = Buffer.from('2\r\nok\r\n0\r\nX-T: a\r\n', 'latin1');
  assert.equal(chunkDecode(st, b1, 0, b1.length) >= 0, true);
  assert.deepEqual([st.dataBytes, st.ntrailers, st.trailerOut, st.trailerPartial], [2, 0, null, 10]);
  chunkHold(st, b1);
  const b2 = chunkResume(st, Buffer.from(' b\r\n\r\n', 'latin1'), 0);
  chunkDecode(st, b2, 0, b2.length);
  assert.deepEqual([st.state, (st.trailerOut as Buffer).toString('latin1')], [CHK_ST_DONE, 'x-t: a   b\r\n']);
});
