import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileCond } from '../../../proxy/acl/compile.ts';
import type { SampleCtx } from '../../../proxy/acl/types.ts';
import { tcpRulesExec, ipv4Value } from '../../../proxy/tcp/rules.ts';
import type { TcpRule } from '../../../proxy/tcp/types.ts';
import { TCP_ACT_ACCEPT, TCP_ACT_REJECT, TCP_RULES_ACCEPT, TCP_RULES_REJECT, TCP_RULES_WAIT } from '../../../proxy/tcp/types.ts';

function rule(action: number, cond: string): TcpRule {
  const c = cond === '' ? null : compileCond(cond.split(' '), 0, () => undefined, '.');
  if (typeof c === 'string') throw new Error(c);
  return { action, cond: c, file: '', line: 0 };
}
function ctx(data: string, final: boolean, src = '127.0.0.1'): SampleCtx {
  return { buf: null, l0s: 0, l0e: 0, l1s: 0, l1e: 0, l2s: 0, l2e: 0, hdr: new Int32Array(0), nhdr: 0, srcIp: src, srcIp4: ipv4Value(src), l4Data: Buffer.from(data), l4Final: final, dstPort: 80 };
}
const A = TCP_ACT_ACCEPT, R = TCP_ACT_REJECT;

test('no rule or no matching rule accepts; the first matching rule decides', () => {
  assert.equal(tcpRulesExec([], ctx('', true)), TCP_RULES_ACCEPT);
  assert.equal(tcpRulesExec([rule(R, 'if { src 10.0.0.0/8 }')], ctx('', true)), TCP_RULES_ACCEPT);
  assert.equal(tcpRulesExec([rule(R, 'if { src 127.0.0.0/8 }'), rule(A, '')], ctx('', true)), TCP_RULES_REJECT);
  assert.equal(tcpRulesExec([rule(A, 'if { src 127.0.0.1 }'), rule(R, '')], ctx('', true)), TCP_RULES_ACCEPT);
  assert.equal(tcpRulesExec([rule(R, 'unless { src 127.0.0.1 }')], ctx('', true, '10.1.2.3')), TCP_RULES_REJECT);
  assert.equal(tcpRulesExec([rule(R, '')], ctx('', true)), TCP_RULES_REJECT);
});

test('a condition on data that may still grow waits, whatever its polarity, until the buffer is final', () => {
  const accept4 = [rule(A, 'if { req.len ge 4 }'), rule(R, '')];
  assert.equal(tcpRulesExec(accept4, ctx('ab', false)), TCP_RULES_WAIT);
  assert.equal(tcpRulesExec(accept4, ctx('abcd', false)), TCP_RULES_ACCEPT);
  assert.equal(tcpRulesExec(accept4, ctx('ab', true)), TCP_RULES_REJECT);
  assert.equal(tcpRulesExec([rule(R, 'unless { req.len ge 4 }')], ctx('ab', false)), TCP_RULES_WAIT);
  assert.equal(tcpRulesExec([rule(R, 'if !{ req.len ge 4 }')], ctx('ab', false)), TCP_RULES_WAIT);
  assert.equal(tcpRulesExec([rule(R, 'if WAIT_END')], ctx('x', false)), TCP_RULES_WAIT);
  assert.equal(tcpRulesExec([rule(R, 'if WAIT_END')], ctx('x', true)), TCP_RULES_REJECT);
});

test('AND stops on a definite failure and OR on a definite success, even next to a pending term', () => {
  // src fails for good: the AND group fails without waiting for req.len
  assert.equal(tcpRulesExec([rule(R, 'if { src 10.0.0.1 } { req.len ge 4 }')], ctx('ab', false)), TCP_RULES_ACCEPT);
  // src matches: the OR succeeds without waiting for req.len
  assert.equal(tcpRulesExec([rule(R, 'if { req.len ge 4 } || { src 127.0.0.1 }')], ctx('ab', false)), TCP_RULES_REJECT);
  // pending AND passing stays pending
  assert.equal(tcpRulesExec([rule(R, 'if { src 127.0.0.1 } { req.len ge 4 }')], ctx('ab', false)), TCP_RULES_WAIT);
  // a complete payload that differs is a definite failure
  assert.equal(tcpRulesExec([rule(R, 'if { req.payload(0,3) -m str BAD }')], ctx('GOOD', false)), TCP_RULES_ACCEPT);
});

test('ipv4Value parses dotted quads and v4-mapped addresses, rejects the rest', () => {
  assert.equal(ipv4Value('127.0.0.1'), 0x7f000001);
  assert.equal(ipv4Value('::ffff:10.1.2.3'), 0x0a010203);
  assert.equal(ipv4Value('255.255.255.255'), 0xffffffff);
  for (const bad of ['::1', '1.2.3', '1.2.3.256', '1..2.3', '', 'a.b.c.d']) assert.equal(ipv4Value(bad), -1, bad);
});
