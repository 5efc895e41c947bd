import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseStat } from '../../hatop/model.ts';
import { buildLines, lastRowIndex, moveSelection, scrollTop, selectedIndex } from '../../hatop/rows.ts';
import { STATUS_COLUMNS } from '../../hatop/views/status.tsx';
import type { InstanceModel, Snapshot } from '../../hatop/types.ts';
import { readFixture } from './fake-source.ts';

const snap = parseStat(readFixture('show-stat.txt'), 0) as Snapshot;
const inst: InstanceModel = {
  label: 'a',
  conn: { phase: 'up', attempt: 0, error: '', retryAt: 0, level: '' },
  error: '',
  snap,
  rates: null,
  history: new Map(),
};
const NOSORT = { col: '', desc: true };

test('grouped lines: a title, the rows and a blank per proxy', () => {
  const lines = buildLines([inst], '', NOSORT, STATUS_COLUMNS);
  assert.equal(lines.length, 5 * 2 + 16);
  assert.equal(lines[0]!.kind, 'group');
  assert.equal(lines.filter((l) => l.kind === 'row').length, 16);
});

test('the filter keeps whole matching proxies and matching rows of others', () => {
  const lines = buildLines([inst], 'S3', NOSORT, STATUS_COLUMNS);
  const rows = lines.filter((l) => l.kind === 'row').map((l) => (l.kind === 'row' ? l.row.key : ''));
  assert.deepEqual(rows, ['bk/s3']);
  const tcp = buildLines([inst], 'ls_', NOSORT, STATUS_COLUMNS).filter((l) => l.kind === 'row');
  assert.equal(tcp.length, 4);
});

test('a sort column gives a flat list, stable for equal keys', () => {
  const lines = buildLines([inst], '', { col: 'stot', desc: true }, STATUS_COLUMNS);
  assert.ok(lines.every((l) => l.kind === 'row'));
  const stot = lines.map((l) => (l.kind === 'row' ? l.row.num.stot : 0));
  assert.deepEqual(stot, [...stot].sort((a, b) => b - a));
  assert.equal(lines[0]!.kind === 'row' && lines[0]!.name, 'fe_main/FRONTEND');
});

test('selection moves over rows only and falls back to the first row', () => {
  const lines = buildLines([inst], '', NOSORT, STATUS_COLUMNS);
  const first = selectedIndex(lines, 'nope');
  assert.equal(first, 1);
  assert.equal(moveSelection(lines, first, -1), first);
  const next = moveSelection(lines, first, 2);
  assert.equal(lines[next]!.kind === 'row' && lines[next]!.row.key, 'fe_api/FRONTEND');
  assert.equal(moveSelection(lines, first, 1000), lastRowIndex(lines));
  assert.equal(selectedIndex(lines, '0|bk/s2'), lines.findIndex((l) => l.kind === 'row' && l.row.key === 'bk/s2'));
});

test('the scroll window keeps the selection visible', () => {
  assert.equal(scrollTop(0, 5, 10, 100), 0);
  assert.equal(scrollTop(0, 25, 10, 100), 16);
  assert.equal(scrollTop(20, 5, 10, 100), 4);
  assert.equal(scrollTop(95, 99, 10, 100), 90);
  assert.equal(scrollTop(50, -1, 10, 20), 10);
});
