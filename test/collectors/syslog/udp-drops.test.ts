import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { once } from 'node:events';
import { procNetAddress, readUdpDrops } from '../../../collectors/syslog/udp-listener.ts';

test('/proc/net/udp addresses are written as the kernel prints them', () => {
  // little-endian hosts (x86-64, arm64): each 32-bit word byte-reversed
  assert.equal(procNetAddress('127.0.0.1', false), '0100007F');
  assert.equal(procNetAddress('0.0.0.0', false), '00000000');
  assert.equal(procNetAddress('::1', true), '00000000000000000000000001000000');
  assert.equal(procNetAddress('2001:db8::1', true), 'B80D0120000000000000000001000000');
  assert.equal(procNetAddress('::ffff:127.0.0.1', true), '0000000000000000FFFF00000100007F');
});

test("a socket's drops are its own, not those of another socket on the same port", { timeout: 20000 }, async () => {
  // A child binds 127.0.0.2:P with a small buffer and stops reading; ours on 127.0.0.1:P reads. Before, the drop
  // counter matched the port alone and charged the child's drops to our socket.
  const mine = dgram.createSocket('udp4');
  mine.on('message', () => {});
  await new Promise<void>((r) => mine.bind(0, '127.0.0.1', r));
  const port = mine.address().port;
  const child = spawn(process.execPath, ['-e', `
    const s = require('node:dgram').createSocket('udp4');
    s.bind(${port}, '127.0.0.2', () => { s.setRecvBufferSize(4096); console.log('ready'); Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 3000); process.exit(0); });
  `], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    await once(child.stdout!, 'data');
    const out = dgram.createSocket('udp4');
    const payload = Buffer.alloc(512, 120);
    for (let i = 0; i < 300; i++) await new Promise<void>((r) => out.send(payload, port, '127.0.0.2', () => r()));
    for (let i = 0; i < 20; i++) await new Promise<void>((r) => out.send(payload, port, '127.0.0.1', () => r()));
    out.close();
    const theirs = readUdpDrops(port, false, '127.0.0.2');
    assert.ok(theirs > 0, 'the stalled socket dropped datagrams');
    assert.equal(readUdpDrops(port, false, '127.0.0.1'), 0);
    assert.equal(readUdpDrops(port, false), theirs);
  } finally {
    child.kill();
    mine.close();
  }
});
