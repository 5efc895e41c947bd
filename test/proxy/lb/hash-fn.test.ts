/*
 * Hash functions and tables against values read from HAProxy 2.6.12 (converters `sdbm`, `sdbm(1)`, `djb2`, `crc32`, `wt6`
 * on the request path; fixtures/lb/CMD) and the static-rr orders of fixtures/lb/servers.txt.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hashRange, fullHash } from '../../../proxy/lb/hash-fn.ts';
import { buildMap } from '../../../proxy/lb/chash.ts';
import { LB_HFN_SDBM, LB_HFN_DJB2, LB_HFN_CRC32, LB_HFN_WT6 } from '../../../proxy/lb/types.ts';
import type { Server } from '../../../proxy/model/types.ts';

const h = (fn: number, av: boolean, s: string): number => { const b = Buffer.from('xx' + s + 'yy'); return hashRange(fn, av, b, 2, 2 + s.length); };

test('sdbm, djb2, crc32 and their avalanche give 2.6 converter values', () => {
  // %[path,sdbm] %[path,sdbm(1)] %[path,djb2] %[path,djb2(1)] %[path,crc32] %[path,crc32(1)] as printed by haproxy
  const want: Record<string, number[]> = {
    '/a': [3083250, 1743195586, 5861557, 3623408593, 1768979292, 2112193429],
    '/alice': [2746048305, 1399775674, 2090452978, 376259013, 2794741018, 1856036894],
    '/some/longer/key': [1553219173, 113963313, 1143117590, 2115116206, 3247869133, 1760550206],
    '/Z9': [394194702, 255494803, 193431207, 1024850893, 3540116761, 122698835],
  };
  for (const [k, v] of Object.entries(want)) {
    assert.deepEqual([h(LB_HFN_SDBM, false, k), h(LB_HFN_SDBM, true, k), h(LB_HFN_DJB2, false, k), h(LB_HFN_DJB2, true, k),
      h(LB_HFN_CRC32, false, k), h(LB_HFN_CRC32, true, k)], v, k);
  }
  assert.equal(fullHash(3083250), 1743195586);
});

test('wt6 and its avalanche give 2.6 converter values, bytes >= 0x80 read unsigned', () => {
  // %[path,wt6] %[path,wt6(1)] as printed by haproxy 2.6.12 (/tmp capture, see fixtures/lb/CMD)
  const want: Record<string, number[]> = {
    '/': [1886637733, 2250254464],
    '/a': [1404582375, 652714202],
    '/abc': [4175322074, 2702208831],
    '/index.html': [822151038, 2986733765],
    '/api/v1/items/12': [1230124195, 97388016],
    '/zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz': [3424967984, 3636876080],
  };
  for (const [k, v] of Object.entries(want)) assert.deepEqual([h(LB_HFN_WT6, false, k), h(LB_HFN_WT6, true, k)], v, k);
  // %[req.hdr(x),wt6] with the raw header bytes c3 a9 ff
  const b = Buffer.from([0xc3, 0xa9, 0xff]);
  assert.equal(hashRange(LB_HFN_WT6, false, b, 0, 3), 131117246);
});

test('the weighted map interleaves servers as 2.6 static-rr walks them', () => {
  const mk = (w: number[]): Server[] => w.map((x, i) => ({ id: i + 1, name: 's' + (i + 1), iweight: x }) as unknown as Server);
  const order = (w: number[]): string => buildMap(mk(w), (s) => s.iweight).map((s) => s.name.slice(1)).join('');
  assert.equal(order([1, 2]), '122');
  assert.equal(order([1, 2, 3]), '132323');
  assert.equal(order([5, 1, 1]), '1112113');
  assert.equal(order([3, 2, 5, 4]), '12341342314334');
  assert.equal(order([10, 20, 5]), order([2, 4, 1]));
  assert.equal(order([0, 1]), '2');
});
