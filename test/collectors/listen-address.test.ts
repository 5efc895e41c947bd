// --listen: URLs and the address forms of a haproxy.cfg `log` line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseListenAddress } from '../../collectors/listen-address.ts';

const u = (proto: string, host: string, port: number) => ({ proto, host, port, path: '' });
const p = (proto: string, path: string) => ({ proto, host: '', port: 0, path });

test('URL forms', () => {
  assert.deepEqual(parseListenAddress('udp://127.0.0.1:514'), u('udp', '127.0.0.1', 514));
  assert.deepEqual(parseListenAddress('tcp://[::1]:6514'), u('tcp', '::1', 6514));
  assert.deepEqual(parseListenAddress('unix:///run/log.sock'), p('unix', '/run/log.sock'));
  assert.deepEqual(parseListenAddress('unix-dgram:///dev/log'), p('unix-dgram', '/dev/log'));
});

test('haproxy log targets: host:port and :port are UDP, prefixes pick the protocol, paths are datagram sockets', () => {
  assert.deepEqual(parseListenAddress('127.0.0.1:514'), u('udp', '127.0.0.1', 514));
  assert.deepEqual(parseListenAddress('logs.example.com:514'), u('udp', 'logs.example.com', 514));
  assert.deepEqual(parseListenAddress(':514'), u('udp', '0.0.0.0', 514));
  assert.deepEqual(parseListenAddress('udp@10.0.0.1:514'), u('udp', '10.0.0.1', 514));
  assert.deepEqual(parseListenAddress('ipv4@:514'), u('udp', '0.0.0.0', 514));
  assert.deepEqual(parseListenAddress('udp6@:514'), u('udp', '::', 514));
  assert.deepEqual(parseListenAddress('ipv6@::1:514'), u('udp', '::1', 514));
  assert.deepEqual(parseListenAddress('[::1]:514'), u('udp', '::1', 514));
  assert.deepEqual(parseListenAddress('tcp@127.0.0.1:6514'), u('tcp', '127.0.0.1', 6514));
  assert.deepEqual(parseListenAddress('tcp6@[::1]:6514'), u('tcp', '::1', 6514));
  assert.deepEqual(parseListenAddress('/dev/log'), p('unix-dgram', '/dev/log'));
  assert.deepEqual(parseListenAddress('unix@/var/lib/haproxy/log'), p('unix-dgram', '/var/lib/haproxy/log'));
});

test('anything else is refused with the accepted forms', () => {
  for (const bad of ['http://x:1', 'udp://x', 'unix://rel', 'unix@rel', '127.0.0.1', 'x:99999', 'udp@', '', 'tcp@[::1', '[::1:514', 'x]:514']) {
    assert.throws(() => parseListenAddress(bad), /^Error: --listen '/, bad);
  }
  assert.throws(() => parseListenAddress('http://x:1'), /expected udp:\/\/host:port, .*haproxy `log` target/);
});
