// The -c line count must agree with the line reader (the lines a sink would get) for any chunking:
// last line without LF, empty lines, lines of HALOG_LINE_MAX bytes or more (end of input), and -m.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LineCount } from '../../../halog/scan/line-count.ts';
import { LineReader } from '../../../halog/scan/line-reader.ts';
import { HALOG_LINE_MAX } from '../../../halog/types.ts';

function byReader(data: Buffer, max: number): number {
  let n = 0;
  const reader = new LineReader({ line: () => { n++; return max < 0 || n < max; } });
  if (reader.push(data)) reader.finish();
  return n;
}

function byCount(data: Buffer, max: number, cuts: number[]): number {
  const c = new LineCount(max);
  let from = 0;
  for (const cut of [...cuts, data.length]) {
    if (!c.push(data.subarray(from, cut))) return c.count;
    from = cut;
  }
  c.finish();
  return c.count;
}

let seed = 12345;
const rnd = (n: number): number => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return (seed >>> 8) % n; };

function sample(lines: number, longAt: number): Buffer {
  const parts: Buffer[] = [];
  for (let i = 0; i < lines; i++) {
    const len = i === longAt ? HALOG_LINE_MAX + rnd(3) - 1 : rnd(5) === 0 ? 0 : rnd(300);
    parts.push(Buffer.alloc(len, 0x61 + (i % 26)));
    if (i < lines - 1 || rnd(2) === 0) parts.push(Buffer.from('\n'));
  }
  return Buffer.concat(parts);
}

test('the -c count equals the line reader for one chunk, byte-sized chunks and random splits', () => {
  for (let round = 0; round < 40; round++) {
    const data = sample(1 + rnd(60), -1);
    const max = rnd(3) === 0 ? rnd(20) + 1 : -1;
    const want = byReader(data, max);
    assert.equal(byCount(data, max, []), want, `round ${round} one chunk`);
    const cuts = Array.from({ length: 1 + rnd(8) }, () => rnd(data.length + 1)).sort((a, b) => a - b);
    assert.equal(byCount(data, max, cuts), want, `round ${round} cuts ${cuts.join(',')}`);
    if (data.length < 3000) {
      assert.equal(byCount(data, max, Array.from({ length: data.length }, (_, i) => i)), want, `round ${round} bytes`);
    }
  }
});

test('a line of HALOG_LINE_MAX bytes or more ends the count, as it ends the reader', () => {
  for (const delta of [-2, -1, 0, 1]) {
    const data = Buffer.concat([Buffer.from('a\nb\n'), Buffer.alloc(HALOG_LINE_MAX + delta, 0x78), Buffer.from('\nc\nd\n')]);
    const want = byReader(data, -1);
    assert.equal(want, delta < 0 ? 5 : 2);
    assert.equal(byCount(data, -1, []), want, `delta ${delta}`);
    assert.equal(byCount(data, -1, [3, 70000, 200000, data.length - 3]), want, `delta ${delta} split`);
  }
  const tail = Buffer.concat([Buffer.from('a\n'), Buffer.alloc(HALOG_LINE_MAX, 0x78)]);
  assert.equal(byCount(tail, -1, []), byReader(tail, -1));
});
