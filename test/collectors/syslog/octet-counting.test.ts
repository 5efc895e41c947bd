import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { SyslogStreamDecoder } from '../../../collectors/syslog/octet-counting.ts';

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

function decode(chunks: Buffer[], max = 65536): { frames: string[]; over: number } {
  const d = new SyslogStreamDecoder(max);
  const frames: string[] = [];
  let over = 0;
  const on = (b: Buffer, s: number, e: number, o: boolean): void => { if (o) over++; frames.push(b.toString('latin1', s, e)); };
  for (const c of chunks) d.push(c, on);
  d.end(on);
  return { frames, over };
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
