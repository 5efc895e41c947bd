import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ipv4Value, ipv4Net } from '../../../proxy/net/ipv4.ts';

test('ipv4Value: dotted quads only, each octet 0-255 in 1-3 digits', () => {
  assert.equal(ipv4Value('127.0.0.1'), 0x7f000001);
  assert.equal(ipv4Value('255.255.255.255'), 0xffffffff);
  assert.equal(ipv4Value('0.0.0.0'), 0);
  for (const bad of ['', '1.2.3', '1.2.3.4.5', '256.1.1.1', '1..2.3', '1.2.3.', '.1.2.3', '01234.1.1.1', '1.2.3.x', '::1', '1.2.3.4 ']) {
    assert.equal(ipv4Value(bad), -1, bad);
  }
});

test('ipv4Net: address alone, /len, /dotted mask; garbage is null', () => {
  assert.deepEqual(ipv4Net('10.1.2.3'), [0x0a010203, 0xffffffff]);
  assert.deepEqual(ipv4Net('10.1.2.3/8'), [0x0a000000, 0xff000000]);
  assert.deepEqual(ipv4Net('10.1.2.3/0'), [0, 0]);
  assert.deepEqual(ipv4Net('192.168.7.9/255.255.255.0'), [0xc0a80700, 0xffffff00]);
  for (const bad of ['10.1.2.3/33', '10.1.2.3/', '10.1.2/8', 'x/8', '10.1.2.3/1.2.3']) assert.equal(ipv4Net(bad), null, bad);
});
