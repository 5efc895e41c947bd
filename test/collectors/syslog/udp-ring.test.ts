import { test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import fs from 'node:fs';
import { RING_DROPPED, newUdpRing, openUdpRing, ringCommit, ringDrain, ringPush, ringReserve } from '../../../collectors/syslog/udp-ring.ts';
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

test('entries written in place (reserve + commit) come back in order across wrap-arounds; a full ring refuses', () => {
  const sab = newUdpRing(4096);
  const r = openUdpRing(sab.ctrl, sab.data);
  const want: string[] = [];
  const got: string[] = [];
  let seq = 0;
  for (let round = 0; round < 300; round++) {
    for (let k = 0; k < 1 + (round % 3); k++) {
      const at = ringReserve(r, 1000);
      if (at < 0) break;
      const m = 'm' + seq + '-' + 'y'.repeat((seq * 53) % 700);
      r.data.set(Buffer.from(m), at);
      ringCommit(r, at, m.length);
      want.push(m);
      seq++;
    }
    ringDrain(r, (d, st, e, ps) => { assert.equal(st, ps); got.push(Buffer.from(d.subarray(st, e)).toString()); }, 1 + (round % 2));
  }
  while (ringDrain(r, (d, st, e) => { got.push(Buffer.from(d.subarray(st, e)).toString()); }, 100) > 0) { /* empty it */ }
  assert.ok(seq > 400);
  assert.deepEqual(got, want);
  let n = 0;
  while (ringReserve(r, 1000) >= 0) { ringCommit(r, ringReserve(r, 1000), 1000); n++; }
  assert.ok(n >= 2 && n <= 4, 'entries of 1000 in a 4 KiB ring: ' + n);
});

async function sendAll(port: number, msgs: Buffer[]): Promise<void> {
  const c = dgram.createSocket('udp4');
  for (const m of msgs) await new Promise<void>((r) => c.send(m, port, '127.0.0.1', () => r()));
  c.close();
}

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const t0 = Date.now();
  while (!cond() && Date.now() - t0 < ms) await new Promise((r) => setTimeout(r, 10));
}

test('the threaded UDP listener reads every datagram from the fd, whole and in order (no peer address)', { timeout: 20000 }, async () => {
  const got: Buffer[] = [];
  const peers = new Set<string>();
  const l = await listenUdpThreaded('127.0.0.1', 0, (d, s, e, peer) => { got.push(Buffer.from(d.subarray(s, e))); peers.add(peer); }, () => {}, 1 << 20, 8 << 20);
  assert.ok(l.port > 0);
  assert.ok(l.recvBufferSize >= 1 << 20);
  assert.equal(l.peers, false);
  // Sizes from 0 to the largest IPv4 UDP payload.
  const msgs: Buffer[] = [];
  for (let i = 0; i < 600; i++) {
    const size = i % 50 === 7 ? 65507 : i % 97 === 3 ? 0 : 20 + ((i * 131) % 3000);
    const m = Buffer.alloc(size, 97 + (i % 26));
    if (size >= 8) m.write(String(i).padStart(8, '0'), 0, 'latin1');
    msgs.push(m);
  }
  await sendAll(l.port, msgs);
  await until(() => got.length >= msgs.length);
  await l.close();
  assert.equal(got.length, msgs.length);
  for (let i = 0; i < msgs.length; i++) assert.ok(got[i].equals(msgs[i]), 'datagram ' + i);
  assert.deepEqual([...peers], ['']);
  assert.equal(l.ringDrops(), 0);
  assert.equal(l.drops(), 0);
});

test('with peers the threaded UDP listener hands over the sender address', { timeout: 20000 }, async () => {
  const got: string[] = [];
  const peers = new Set<string>();
  const l = await listenUdpThreaded('127.0.0.1', 0, (d, s, e, peer) => { got.push(Buffer.from(d.subarray(s, e)).toString()); peers.add(peer); }, () => {}, 1 << 20, 1 << 20, () => true, true);
  assert.equal(l.peers, true);
  await sendAll(l.port, Array.from({ length: 300 }, (_, i) => Buffer.from('line ' + i)));
  await until(() => got.length >= 300);
  await l.close();
  assert.equal(got.length, 300);
  assert.equal(got[299], 'line 299');
  assert.deepEqual([...peers], ['127.0.0.1']);
});

test('closing the listener hands over the datagrams still queued in the socket', { timeout: 20000 }, async () => {
  let n = 0;
  let accept = false;
  const l = await listenUdpThreaded('127.0.0.1', 0, () => { n++; }, () => {}, 1 << 20, 1 << 20, () => accept);
  await sendAll(l.port, Array.from({ length: 200 }, (_, i) => Buffer.from('queued ' + i)));
  accept = true;
  await l.close();
  assert.equal(n, 200);
});

test('a full ring counts each datagram it cannot hold; nothing is lost uncounted', { timeout: 20000 }, async () => {
  let n = 0;
  let accept = false;
  // 256 KiB ring, the consumer stalled: ~(256-64) KiB of 1000-byte datagrams fit, the rest are ring drops.
  const l = await listenUdpThreaded('127.0.0.1', 0, () => { n++; }, () => {}, 4 << 20, 256 * 1024, () => accept);
  const sent = 1000;
  await sendAll(l.port, Array.from({ length: sent }, () => Buffer.alloc(1000, 120)));
  await until(() => l.ringDrops() + l.drops() > 0 && n === 0);
  await new Promise((r) => setTimeout(r, 50));
  accept = true;
  await l.close();
  assert.ok(l.ringDrops() > 0, 'ring drops counted');
  assert.ok(n > 100 && n < sent, 'received ' + n);
  assert.equal(n + l.ringDrops() + l.drops(), sent);
});

test('the receive thread takes the nice value it is given (a lower priority needs no privilege)', { timeout: 20000 }, async () => {
  const l = await listenUdpThreaded('127.0.0.1', 0, () => {}, () => {}, 1 << 20, 1 << 20, () => true, false, 3);
  assert.equal(l.nice, 3);
  assert.equal((await import('node:os')).getPriority(0), 0, 'only the receive thread changed');
  await l.close();
});

test('with rt the receive thread alone runs SCHED_FIFO where permitted, and says why not elsewhere', { timeout: 20000 }, async () => {
  const fifoThreads = (): number => fs.readdirSync('/proc/self/task').filter((t) => {
    const st = fs.readFileSync('/proc/self/task/' + t + '/stat', 'latin1');
    return st.slice(st.lastIndexOf(')') + 2).split(' ')[38] === '1';   // field 41, policy: 1 = SCHED_FIFO
  }).length;
  const l = await listenUdpThreaded('127.0.0.1', 0, () => {}, () => {}, 1 << 20, 1 << 20, () => true, false, 0, 1);
  // Permitted where the process has CAP_SYS_NICE (root on this machine, not in every container).
  if (l.sched === 'SCHED_FIFO 1') assert.equal(fifoThreads(), 1);
  else {
    assert.match(l.sched, /^SCHED_OTHER \(chrt: /);
    assert.equal(fifoThreads(), 0);
  }
  await l.close();
  assert.equal(fifoThreads(), 0);
  const off = await listenUdpThreaded('127.0.0.1', 0, () => {}, () => {}, 1 << 20, 1 << 20);
  assert.equal(off.sched, 'SCHED_OTHER');
  await off.close();
});

test('binding a busy port rejects with EADDRINUSE', { timeout: 20000 }, async () => {
  const busy = dgram.createSocket('udp4');
  await new Promise<void>((r) => busy.bind(0, '127.0.0.1', () => r()));
  await assert.rejects(listenUdpThreaded('127.0.0.1', busy.address().port, () => {}, () => {}), /EADDRINUSE/);
  busy.close();
});
