import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseStat } from '../../hatop/model.ts';
import { deriveRates } from '../../hatop/rates.ts';
import { pushHistory } from '../../hatop/history.ts';
import type { Snapshot } from '../../hatop/types.ts';

const FIX = new URL('../../fixtures/hatop/haproxy-2.6/', import.meta.url);
const read = (f: string): string => readFileSync(new URL(f, FIX), 'utf8');
const snap = (f: string, at: number): Snapshot => parseStat(read(f), at) as Snapshot;

test('rates are counter deltas per second between two recorded snapshots', () => {
  const a = snap('show-stat.txt', 10_000);
  const b = snap('show-stat-after-disable-server.txt', 12_000);
  const r = deriveRates(a, b)!;
  assert.equal(r.dtMs, 2000);
  const s1 = r.byKey.get('bk/s1')!;
  assert.equal(s1.binPs, (133486 - 34568) / 2);
  assert.equal(s1.boutPs, (213046 - 55173) / 2);
  assert.equal(s1.sessPs, (1618 - 419) / 2);
  const fe = r.byKey.get('fe_main/FRONTEND')!;
  assert.equal(fe.reqPs, (b.byKey.get('fe_main/FRONTEND')!.num.req_tot - 451) / 2);
});

test('counters that went backwards (clear counters) give 0, never negative rates', () => {
  const a = snap('show-stat-after-disable-server.txt', 0);
  const b = snap('show-stat-after-clear-counters.txt', 1000);
  const r = deriveRates(a, b)!;
  for (const v of r.byKey.values()) {
    for (const x of Object.values(v)) assert.ok(x >= 0, `negative rate ${x}`);
  }
});

test('no rates without a previous snapshot or elapsed time', () => {
  const a = snap('show-stat.txt', 5);
  assert.equal(deriveRates(null, a), null);
  assert.equal(deriveRates(a, snap('show-stat.txt', 5)), null);
});

test('history keeps a bounded series per backend, TCP backends by session rate', () => {
  let h = new Map();
  let prev = snap('show-stat.txt', 0);
  for (let i = 1; i <= 5; i++) {
    const cur = snap(i % 2 ? 'show-stat-after-disable-server.txt' : 'show-stat.txt', i * 1000);
    h = pushHistory(h, cur, deriveRates(prev, cur), 3);
    prev = cur;
  }
  const bk = h.get('bk')!;
  assert.equal(bk.req.length, 3);
  assert.equal(bk.rsp5xx.length, 3);
  assert.ok(h.has('ls_tcp'));
  assert.ok(h.get('ls_tcp')!.req.some((v: number) => v > 0));
  assert.equal(h.get('ls_tcp')!.sess, true);
  assert.equal(bk.sess, false);
  assert.equal(h.has('fe_main'), false);
});
