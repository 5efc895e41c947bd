import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeKey } from '../../hatop/keys.ts';

test('terminal sequences decode to key names, function keys included', () => {
  const cases: [string, string][] = [
    ['\x1b[A', 'up'], ['\x1b[B', 'down'], ['\x1b[5~', 'pageup'], ['\x1b[6~', 'pagedown'], ['\x1b[H', 'home'],
    ['\x1b[4~', 'end'], ['\r', 'enter'], ['\t', 'tab'], ['\x1b[Z', 'backtab'], ['\x1b', 'escape'], ['\x7f', 'backspace'],
    ['\x1b[3~', 'delete'], ['\x1bOP', 'f1'], ['\x1b[12~', 'f2'], ['\x1bOR', 'f3'], ['\x1b[15~', 'f5'], ['\x1b[21~', 'f10'],
    ['\x1b[23~', 'f11'], ['\x03', 'ctrl-c'], ['\x01', 'ctrl-a'],
  ];
  for (const [seq, name] of cases) assert.equal(decodeKey(seq).name, name, JSON.stringify(seq));
});

test('printable text and ALT combinations', () => {
  assert.deepEqual(decodeKey('q'), { name: 'char', ch: 'q' });
  assert.deepEqual(decodeKey('show stat'), { name: 'char', ch: 'show stat' });
  assert.deepEqual(decodeKey('\x1b2'), { name: 'alt-2', ch: '2' });
  assert.deepEqual(decodeKey('a\x07b'), { name: 'char', ch: 'ab' });
  assert.equal(decodeKey('\x1b[99~').name, 'unknown');
});
