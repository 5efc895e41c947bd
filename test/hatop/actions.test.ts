import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseStat } from '../../hatop/model.ts';
import { planAction } from '../../hatop/actions.ts';
import type { Snapshot } from '../../hatop/types.ts';
import { readFixture } from './fake-source.ts';

const snap = parseStat(readFixture('show-stat.txt'), 0) as Snapshot;
const row = (k: string) => snap.byKey.get(k)!;

test('each server action maps to its runtime API command, destructive ones ask first', () => {
  const cases: [Parameters<typeof planAction>[0], string, boolean][] = [
    ['enable', 'enable server bk/s2', false],
    ['disable', 'disable server bk/s2', true],
    ['drain', 'set server bk/s2 state drain', true],
    ['maint', 'set server bk/s2 state maint', true],
    ['ready', 'set server bk/s2 state ready', false],
    ['weight-reset', 'set weight bk/s2 100%', false],
  ];
  for (const [id, cmd, confirm] of cases) {
    const p = planAction(id, row('bk/s2'), snap);
    assert.ok(typeof p !== 'string');
    assert.deepEqual(p.cmds, [cmd]);
    assert.equal(p.confirm !== null, confirm, id);
  }
});

test('weight steps use uweight and stay within 0..256', () => {
  const s1 = row('bk/s1');
  const w = (id: Parameters<typeof planAction>[0], r = s1) => (planAction(id, r, snap) as { cmds: readonly string[] }).cmds[0];
  assert.equal(w('weight+10'), 'set weight bk/s1 110');
  assert.equal(w('weight-1'), 'set weight bk/s1 99');
  assert.equal(w('weight-10', row('bk/s2')), 'set weight bk/s2 0');
  const scaled = { ...s1, num: { ...s1.num, weight: 50, uweight: 250 } };
  assert.equal(w('weight+10', scaled), 'set weight bk/s1 256');
});

test('set weight passes the typed value through and confirms 0', () => {
  const p = planAction('set-weight', row('bk/s1'), snap, ' 42 ');
  assert.deepEqual(p, { cmds: ['set weight bk/s1 42'], confirm: null });
  const z = planAction('set-weight', row('bk/s1'), snap, '0');
  assert.ok(typeof z !== 'string' && z.confirm !== null);
  assert.equal(planAction('set-weight', row('bk/s1'), snap, ''), 'no weight given');
});

test('all-backends actions build each command from its own backend', () => {
  const twin = parseStat(readFixture('show-stat.txt').replace('bk_api,a1,', 'bk_api,s1,'), 0) as Snapshot;
  const p = planAction('drain-all', twin.byKey.get('bk/s1')!, twin);
  assert.ok(typeof p !== 'string');
  assert.deepEqual(p.cmds, ['set server bk/s1 state drain', 'set server bk_api/s1 state drain']);
});

test('actions on frontends, backends and listeners are refused', () => {
  for (const k of ['fe_main/FRONTEND', 'bk/BACKEND', 'fe_main/sock-1']) {
    assert.equal(planAction('disable', row(k), snap), 'actions apply to server rows only');
  }
});
