import { test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { RING_DROPPED, newUdpRing, openUdpRing, ringDrain, ringPush } from '../../../collectors/syslog/udp-ring.ts';
import { listenUdpThreaded } from '../../../collectors/syslog/udp-listener.ts';

test('the ring hands back every entry in order across many wrap-arounds', () => {
  const sab = newUdpRing(1000);
  const r = openUdpRing(sab.ctrl, sab.data);
  const peer = Buffer.from('10.0.0.1');
  const got: string[] = [];
  const want: string[] = [];
  let seq = 0;
  for (let round = 0; round < 200; round++) {
    for (let k = 0; k < 1 + (round % 3); k++) {
      const m = 'msg-' + seq + '-' + 'x'.repeat((seq * 37) % 90);
      assert.ok(ringPush(r, Buffer.from(m), peer));
      want.push(m);
      seq++;
    }
    ringDrain(r, (d, s, e, ps) => { assert.equal(Buffer.from(d.subarray(ps, s)).toString(), '10.0.0.1'); got.push(Buffer.from(d.subarray(s, e)).toString()); }, 1 + (round % 3));
  }
  while (ringDrain(r, (d, s, e) => { got.push(Buffer.from(d.subarray(s, e)).toString()); }, 100) > 0) { /* empty it */ }
  assert.deepEqual(got, want);
  assert.equal(Atomics.load(r.ctrl, RING_DROPPED), 0);
});

test('a full ring drops and counts instead of overwriting unread entries', () => {
  const sab = newUdpRing(100);
  const r = openUdpRing(sab.ctrl, sab.data);
  const m = Buffer.alloc(40, 97);
  assert.ok(ringPush(r, m, Buffer.alloc(0)));
  assert.ok(ringPush(r, m, Buffer.alloc(0)));
  assert.equal(ringPush(r, m, Buffer.alloc(0)), false);
  assert.equal(Atomics.load(r.ctrl, RING_DROPPED), 1);
  let n = 0;
  ringDrain(r, (d, s, e) => { n++; assert.equal(e - s, 40); }, 10);
  assert.equal(n, 2);
  assert.ok(ringPush(r, m, Buffer.alloc(0)));
});

test('the threaded UDP listener delivers every datagram with its peer', { timeout: 20000 }, async () => {
  const got: string[] = [];
  const peers = new Set<string>();
  const l = await listenUdpThreaded('127.0.0.1', 0, (d, s, e, peer) => { got.push(Buffer.from(d.subarray(s, e)).toString()); peers.add(peer); }, () => {}, 1 << 20, 1 << 20);
  assert.ok(l.port > 0);
  assert.ok(l.recvBufferSize >= 1 << 20);
  const c = dgram.createSocket('udp4');
  for (let i = 0; i < 500; i++) await new Promise<void>((r) => c.send('line ' + i, l.port, '127.0.0.1', () => r()));
  c.close();
  const t0 = Date.now();
  while (got.length < 500 && Date.now() - t0 < 5000) await new Promise((r) => setTimeout(r, 10));
  await l.close();
  assert.equal(got.length, 500);
  assert.equal(got[499], 'line 499');
  assert.deepEqual([...peers], ['127.0.0.1']);
  assert.equal(l.ringDrops(), 0);
  assert.equal(l.drops(), 0);
  const busy = dgram.createSocket('udp4');
  await new Promise<void>((r) => busy.bind(0, '127.0.0.1', () => r()));
  await assert.rejects(listenUdpThreaded('127.0.0.1', busy.address().port, () => {}, () => {}), /EADDRINUSE/);
  busy.close();
});
