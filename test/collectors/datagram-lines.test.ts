// eachDatagramLine: one message per LF-ended line of a datagram, the datagram whole otherwise, never a search past
// the datagram (its buffer may be a ring holding other datagrams after it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eachDatagramLine } from '../../collectors/datagram-lines.ts';

function split(ring: Buffer, start: number, end: number): string[] {
  const got: string[] = [];
  eachDatagramLine(ring, start, end, 'p', 1, (b, s, e, peer, now) => {
    assert.equal(peer, 'p');
    assert.equal(now, 1);
    assert.ok(s >= start && e <= end && s < e);
    got.push(Buffer.from(b.subarray(s, e)).toString('latin1'));
  });
  return got;
}

test('a single line, with or without its LF, is handed over whole', () => {
  const ring = Buffer.from('xx<134>one line\nyy\n');
  assert.deepEqual(split(ring, 2, 16), ['<134>one line\n']);
  assert.deepEqual(split(ring, 2, 15), ['<134>one line']);
  assert.deepEqual(split(Buffer.from('\n'), 0, 1), ['\n']);
});

test('several LF-ended lines are one message each; empty and CR-only lines are dropped', () => {
  const ring = Buffer.from('..a 1\nb 2\r\n\n\r\nc 3\n..d\n');
  assert.deepEqual(split(ring, 2, 18), ['a 1', 'b 2\r', 'c 3']);
});

test('a datagram not ending in LF stays whole, so the search never runs into the next datagram', () => {
  const ring = Buffer.from('a 1\nb 2|next\ndatagram\n');
  assert.deepEqual(split(ring, 0, 7), ['a 1\nb 2']);
});
