// KeyTable: keys are found again whatever their length, with and without the 4-byte compares, also when
// every key has the same hash (so that the byte compare alone tells them apart), across pool growth.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KeyTable } from '../../../halog/scan/key-table.ts';
import { scanView } from '../../../halog/scan/fields.ts';

function keys(): string[] {
  const r: string[] = [];
  for (let len = 0; len <= 21; len++) {
    const base = 'abcdefghijklmnopqrstuvwxyz'.slice(0, len);
    r.push(base);
    /* same length, one byte changed at the start, middle and end: only the compare can tell them apart */
    for (const at of [0, len >> 1, len - 1]) if (len > 0) r.push(base.slice(0, at) + 'Z' + base.slice(at + 1));
  }
  return [...new Set(r)];
}

for (const withDv of [false, true]) {
  for (const sameHash of [false, true]) {
    test(`interned keys map back to themselves (word compares ${withDv}, one hash for all ${sameHash})`, () => {
      const kt = new KeyTable(4);
      const all = keys();
      /* the keys sit at odd offsets of a larger line buffer, as in a scan */
      const line = Buffer.from('  ' + all.join(' ') + ' ', 'latin1');
      const dv = withDv ? scanView(line) : undefined;
      const at: [number, number][] = [];
      let p = 2;
      for (const k of all) { at.push([p, p + k.length]); p += k.length + 1; }
      const h = (s: number, e: number): number => (sameHash ? 42 : KeyTable.hash(line, s, e));
      const ids = at.map(([s, e]) => kt.internHashed(line, s, e, h(s, e), dv));
      assert.equal(new Set(ids).size, all.length, 'one entry per distinct key');
      assert.equal(kt.size, all.length);
      at.forEach(([s, e], i) => {
        assert.equal(kt.internHashed(line, s, e, h(s, e), dv), ids[i], all[i]);
        assert.equal(kt.isNew, false);
        assert.equal(kt.key(ids[i]).toString('latin1'), all[i]);
      });
    });
  }
}
