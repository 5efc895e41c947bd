import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTarget } from '../../hatop/target.ts';

test('socket addresses accept HAProxy forms', () => {
  assert.deepEqual(parseTarget('/run/haproxy/admin.sock', false), { kind: 'unix', path: '/run/haproxy/admin.sock', label: '/run/haproxy/admin.sock' });
  assert.deepEqual(parseTarget('unix@/tmp/s', true), { kind: 'unix', path: '/tmp/s', label: '/tmp/s' });
  assert.deepEqual(parseTarget('127.0.0.1:9999', true), { kind: 'tcp', host: '127.0.0.1', port: 9999, label: '127.0.0.1:9999' });
  assert.deepEqual(parseTarget('ipv4@10.0.0.1:80', false), { kind: 'tcp', host: '10.0.0.1', port: 80, label: '10.0.0.1:80' });
  assert.deepEqual(parseTarget('[::1]:9000', true), { kind: 'tcp', host: '::1', port: 9000, label: '::1:9000' });
});

test('bad addresses give an error string', () => {
  assert.equal(typeof parseTarget('nohost', true), 'string');
  assert.equal(typeof parseTarget('h:99999', true), 'string');
  assert.equal(typeof parseTarget('h:x', true), 'string');
  assert.equal(typeof parseTarget('', false), 'string');
});
