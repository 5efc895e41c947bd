import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeKeys } from '../../hatop/keys.ts';

test('terminal sequences decode to key names, function keys included', () => {
  const cases: [string, string][] = [
    ['\x1b[A', 'up'], ['\x1b[B', 'down'], ['\x1b[5~', 'pageup'], ['\x1b[6~', 'pagedown'], ['\x1b[H', 'home'],
    ['\x1b[4~', 'end'], ['\r', 'enter'], ['\t', 'tab'], ['\x1b[Z', 'backtab'], ['\x1b', 'escape'], ['\x7f', 'backspace'],
    ['\x1b[3~', 'delete'], ['\x1bOP', 'f1'], ['\x1b[12~', 'f2'], ['\x1bOR', 'f3'], ['\x1b[15~', 'f5'], ['\x1b[21~', 'f10'],
    ['\x1b[23~', 'f11'], ['\x03', 'ctrl-c'], ['\x01', 'ctrl-a'],
  ];
  for (const [seq, name] of cases) assert.equal(decodeKeys(seq)[0]!.name, name, JSON.stringify(seq));
});

test('printable text and ALT combinations', () => {
  assert.deepEqual(decodeKeys('q'), [{ name: 'char', ch: 'q' }]);
  assert.deepEqual(decodeKeys('show stat'), [{ name: 'char', ch: 'show stat' }]);
  assert.deepEqual(decodeKeys('\x1b2'), [{ name: 'alt-2', ch: '2' }]);
  assert.deepEqual(decodeKeys('a\x07b'), [{ name: 'char', ch: 'a' }, { name: 'char', ch: 'b' }]);
  assert.deepEqual(decodeKeys('\x1b[99~'), [{ name: 'unknown', ch: '' }]);
});

test('typed-ahead text is split at the control keys inside it', () => {
  assert.deepEqual(decodeKeys('bk/s1\rd'), [
    { name: 'char', ch: 'bk/s1' },
    { name: 'enter', ch: '' },
    { name: 'char', ch: 'd' },
  ]);
  assert.deepEqual(decodeKeys('ab\x7f'), [{ name: 'char', ch: 'ab' }, { name: 'backspace', ch: '' }]);
});

test('ESC ESC in one event is two escapes', () => {
  assert.deepEqual(decodeKeys('\x1b\x1b').map((k) => k.name), ['escape', 'escape']);
});
