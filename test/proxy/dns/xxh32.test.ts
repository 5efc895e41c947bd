/* XXH32 (reference vectors) and the answer order it gives, checked against the addresses haproxy 2.6.12 handed out. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { xxh32 } from '../../../proxy/dns/xxh32.ts';

test('xxh32 matches the reference vectors (short and 16+ byte inputs)', () => {
  for (const [s, seed, want] of [['', 0, 0x02cc5d05], ['a', 0, 0x550d7456], ['abc', 0, 0x32d153ff],
    ['Nobody inspects the spammish repetition', 0, 0xe2293b2f]] as const) {
    assert.equal(xxh32(Buffer.from(s), s.length, seed), want, s);
  }
});

test('A records sorted by xxh32(address, seed 1) come in the order haproxy 2.6.12 assigned them', () => {
  const order = (ips: string[]) => ips.map((ip) => [xxh32(Buffer.from(ip.split('.').map(Number)), 4, 1), ip] as const)
    .sort((a, b) => a[0] - b[0]).map((x) => x[1]);
  // server-template srv 4 app.test -> srv1=.2 srv2=.1 srv3=.3; a single server on .4/.5/.6 took .6; t1=.7 t2=.8
  assert.deepEqual(order(['127.0.0.1', '127.0.0.2', '127.0.0.3']), ['127.0.0.2', '127.0.0.1', '127.0.0.3']);
  assert.equal(order(['127.0.0.4', '127.0.0.5', '127.0.0.6'])[0], '127.0.0.6');
  assert.deepEqual(order(['127.0.0.7', '127.0.0.8']), ['127.0.0.7', '127.0.0.8']);
});
