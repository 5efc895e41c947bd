import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bar, fitLeft, fmtBytes, fmtDur, fmtNum, fmtRate, sparkline } from '../../hatop/format.ts';

test('numbers get a metric prefix only when they do not fit the column', () => {
  assert.equal(fmtNum(9979, 6), '9979');
  assert.equal(fmtNum(1234567, 6), '1234k');
  assert.equal(fmtNum(1234567, 4), '1M');
  assert.equal(fmtNum(0, 1), '0');
  assert.equal(fmtNum(NaN, 5), '');
});

test('bytes use binary units with two decimals, bytes under 1 KiB as NNNB', () => {
  assert.equal(fmtBytes(164), '164B');
  assert.equal(fmtBytes(0), '0B');
  assert.equal(fmtBytes(438108), '427.84K');
  assert.equal(fmtBytes(1142947), '1.09M');
  assert.equal(fmtBytes(NaN), '');
});

test('durations show the largest whole unit', () => {
  assert.equal(fmtDur(0), '0s');
  assert.equal(fmtDur(59), '59s');
  assert.equal(fmtDur(133), '2m');
  assert.equal(fmtDur(7300), '2h');
  assert.equal(fmtDur(200000), '2d');
  assert.equal(fmtDur(NaN), '');
});

test('rates show one decimal below 10', () => {
  assert.equal(fmtRate(0.25, 5), '0.3');
  assert.equal(fmtRate(0, 5), '0');
  assert.equal(fmtRate(17.4, 5), '17');
});

test('long names are cut from the left with a .. prefix', () => {
  assert.equal(fitLeft('short', 10), 'short');
  assert.equal(fitLeft('a-very-long-server-name', 10), '..ver-name');
  assert.equal(fitLeft('a-very-long-server-name', 10).length, 10);
});

test('bars and sparklines have the asked width', () => {
  assert.equal(bar(5, 10, 10), '|||||     ');
  assert.equal(bar(50, 10, 4), '||||');
  assert.equal(bar(1, 0, 4), '');
  assert.equal(sparkline([0, 1, 2, 4, 8], 5), '▁▂▂▄█');
  assert.equal(sparkline([0, 0], 4), '  ▁▁');
  assert.equal(sparkline([1, 2, 3, 4, 5, 6], 3).length, 3);
});
