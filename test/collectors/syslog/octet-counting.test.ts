import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { FRAME_OVERSIZED, FRAME_TRUNCATED, SyslogStreamDecoder } from '../../../collectors/syslog/octet-counting.ts';

const FIX = new URL('../../../fixtures/collectors/haproxy-2.6/', import.meta.url);
const messages = fs.readFileSync(new URL('http.rfc5424.log', FIX), 'latin1').split('\n').filter(Boolean)
  .concat(fs.readFileSync(new URL('tcp.rfc3164.log', FIX), 'latin1').split('\n').filter(Boolean));

/** Octet-counted and newline-framed messages interleaved, as RFC 6587 allows per frame. */
function stream(): Buffer {
  const parts: Buffer[] = [];
  messages.forEach((m, i) => {
    const b = Buffer.from(m, 'latin1');
    parts.push(i % 2 ? Buffer.concat([Buffer.from(b.length + ' '), b]) : Buffer.concat([b, Buffer.from('\n')]));
  });
  return Buffer.concat(parts);
}

function decode(chunks: Buffer[], max = 65536): { frames: string[]; over: number; truncated: number } {
  const d = new SyslogStreamDecoder(max);
  const frames: string[] = [];
  let over = 0;
  let truncated = 0;
  const on = (b: Buffer, s: number, e: number, cut: number): void => {
    if (cut === FRAME_OVERSIZED) over++;
    if (cut === FRAME_TRUNCATED) truncated++;
    frames.push(b.toString('latin1', s, e));
  };
  for (const c of chunks) d.push(c, on);
  d.end(on);
  return { frames, over, truncated };
}

function split(buf: Buffer, cuts: number[]): Buffer[] {
  const out: Buffer[] = [];
  let s = 0;
  for (const c of [...cuts].sort((a, b) => a - b)) { out.push(buf.subarray(s, c)); s = c; }
  out.push(buf.subarray(s));
  return out;
}

test('octet-counted and newline-framed messages decode whole', () => {
  assert.deepEqual(decode([stream()]).frames, messages);
});

test('the same stream fed one byte at a time gives the same frames', () => {
  const buf = stream();
  const bytes: Buffer[] = [];
  for (let i = 0; i < buf.length; i++) bytes.push(buf.subarray(i, i + 1));
  assert.deepEqual(decode(bytes).frames, messages);
});

test('random split points give the same frames (seeded)', () => {
  const buf = stream();
  let seed = 12345;
  const rnd = (): number => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed / 0x7fffffff; };
  for (let round = 0; round < 50; round++) {
    const cuts = Array.from({ length: 1 + Math.floor(rnd() * 40) }, () => Math.floor(rnd() * buf.length));
    assert.deepEqual(decode(split(buf, cuts)).frames, messages, 'round ' + round);
  }
});

test('a raw-format line starting with digits is newline framed, not octet counted', () => {
  const line = '127.0.0.1:55134 [23/Nov/2026:20:18:12.197] fe be/s 0/0/0/4/4 200 160 - - ---- 1/1/0/0/0 0/0 "GET / HTTP/1.1"';
  assert.deepEqual(decode([Buffer.from(line + '\n' + line + '\n')]).frames, [line, line]);
});

test('oversized frames are cut, flagged, and the decoder resynchronises', () => {
  const big = 'x'.repeat(300);
  const input = Buffer.from('300 ' + big + 'after1\n' + big + '\nafter2\n');
  const { frames, over } = decode([input], 100);
  assert.equal(over, 2);
  assert.deepEqual(frames, ['x'.repeat(100), 'after1', 'x'.repeat(100), 'after2']);
  const bytes = [...input].map((b) => Buffer.from([b]));
  assert.deepEqual(decode(bytes, 100).frames, frames);
});

test('an unterminated last frame is delivered at end of stream', () => {
  assert.deepEqual(decode([Buffer.from('a\nb')]).frames, ['a', 'b']);
});

test('the TCP stream of a real HAProxy 2.6 ring decodes into its two messages at any split', () => {
  const buf = fs.readFileSync(new URL('../../../fixtures/collectors/tcp-ring/stream.bin', import.meta.url));
  const whole = decode([buf]).frames;
  assert.equal(whole.length, 2);
  assert.match(whole[0], /^<134>1 \S+ - haproxy \d+ - - 127\.0\.0\.1:\d+ \[.*\] f f\/<NOSRV> .* "GET \/a HTTP\/1\.1"$/);
  assert.match(whole[1], /"GET \/b HTTP\/1\.1"$/);
  for (let cut = 1; cut < buf.length; cut += 7) assert.deepEqual(decode([buf.subarray(0, cut), buf.subarray(cut)]).frames, whole);
});

test('NUL-terminated frames (RFC 6587 3.4.2) split like LF ones, mixed with both other framings', () => {
  // Two NUL-terminated messages used to become one frame (one http_log row with a garbage URI).
  const parts = messages.slice(0, 6).map((m, i) => (i % 3 === 0 ? m + '\0' : i % 3 === 1 ? Buffer.byteLength(m, 'latin1') + ' ' + m : m + '\n'));
  const buf = Buffer.from(parts.join(''), 'latin1');
  assert.deepEqual(decode([buf]).frames, messages.slice(0, 6));
  for (let cut = 1; cut < buf.length; cut += 13) assert.deepEqual(decode([buf.subarray(0, cut), buf.subarray(cut)]).frames, messages.slice(0, 6));
  assert.deepEqual(decode([Buffer.from('a\0\0b\0' + 'x'.repeat(150) + '\0c\n')], 100), { frames: ['a', 'b', 'x'.repeat(100), 'c'], over: 1, truncated: 0 });
});

test('a peer closing inside an octet-counted frame gives the body flagged truncated, without its count', () => {
  const m = messages[0];
  const r = decode([Buffer.from(m.length + 10 + ' ' + m, 'latin1')]);
  assert.deepEqual(r, { frames: [m], over: 0, truncated: 1 });
  assert.deepEqual(decode([Buffer.from('12 abc')]), { frames: ['abc'], over: 0, truncated: 1 });
  assert.deepEqual(decode([Buffer.from('1234')]), { frames: ['1234'], over: 0, truncated: 0 });
});
