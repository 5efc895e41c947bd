import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rdpCookieFind, rdpCookieText, RDP_FOUND, RDP_MORE, RDP_NONE } from '../../../proxy/tcp/rdp-cookie.ts';
import { rdpPacket } from '../../e2e/persist/rdp-scenario.ts';

const out = new Int32Array(2);

test('the cookie value is found after the 11 header bytes, by name (any case) or any name', () => {
  const p = rdpPacket('Cookie: mstshash=Bob\r\n');
  assert.equal(rdpCookieFind(p, 'mstshash', out), RDP_FOUND);
  assert.equal(p.toString('latin1', out[0], out[1]), 'Bob');
  assert.equal(rdpCookieText(p, ''), 'Bob');
  assert.equal(rdpCookieText(rdpPacket('COOKIE:   MSTSHASH=x y\r\n'), 'mstshash'), 'x y');
  assert.equal(rdpCookieFind(p, 'msts', out), RDP_NONE);
  assert.equal(rdpCookieFind(rdpPacket(''), 'mstshash', out), RDP_NONE);
  // no CR after the value: 2.6 keeps waiting for one
  assert.equal(rdpCookieFind(rdpPacket('Cookie: mstshash=a\n\n'), 'mstshash', out), RDP_MORE);
  assert.equal(rdpCookieFind(rdpPacket('Cookie: mstshash=a\r\r'), 'mstshash', out), RDP_NONE);
});

test('every prefix of a packet is "need more" until the value and its CRLF are there, then found', () => {
  const p = rdpPacket('Cookie: mstshash=alice\r\n');
  const end = 11 + 'Cookie: mstshash=alice\r\n'.length;
  for (let n = 0; n <= p.length; n++) {
    const r = rdpCookieFind(p.subarray(0, n), 'mstshash', out);
    assert.equal(r, n >= end ? RDP_FOUND : RDP_MORE, 'prefix ' + n);
  }
});
