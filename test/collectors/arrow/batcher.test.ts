// LogDict: stable ids whatever the order of lookups, including values that share the recent-ids slot
// (same length, first and last byte) and the empty string.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LogDict } from '../../../collectors/arrow/batcher.ts';

test('interning gives one stable id per distinct value, whichever values share a recent-ids slot', () => {
  const d = new LogDict();
  const words = ['s1', 's2', 's10', 'a1b', 'a2b', 'a3b', 'GET', 'POST', '', 'fe_http', 'a1b', 's1', 'HTTP/1.1'];
  const buf = Buffer.from('xx' + words.join(' ') + 'yy');
  const spans: [number, number][] = [];
  let p = 2;
  for (const w of words) { spans.push([p, p + Buffer.byteLength(w)]); p += Buffer.byteLength(w) + 1; }
  const first = spans.map(([s, e]) => d.intern(buf, s, e));
  const distinct = [...new Set(words)];
  assert.equal(d.size, distinct.length);
  for (let i = 0; i < words.length; i++) assert.equal(d.values[first[i]], words[i]);
  assert.equal(new Set(first).size, distinct.length);
  // Again in reverse and interleaved order: the same ids.
  for (let round = 0; round < 3; round++) {
    for (let i = words.length - 1; i >= 0; i -= 1 + round) assert.equal(d.intern(buf, spans[i][0], spans[i][1]), first[i], words[i]);
  }
  assert.equal(d.internString('a2b'), first[words.indexOf('a2b')]);
  assert.equal(d.internString('a4b'), distinct.length + 1);
  assert.equal(d.size, distinct.length + 1);
});
