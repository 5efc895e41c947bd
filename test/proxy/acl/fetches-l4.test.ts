import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileAclTerm, compileCond, aclExec } from '../../../proxy/acl/compile.ts';
import type { AclTerm, SampleCtx } from '../../../proxy/acl/types.ts';
import { clientHello } from '../../e2e/tcp/rules-scenario.ts'; // a real TLS ClientHello captured on loopback

function ctx(data: Buffer | null, final: boolean, dstPort = 0): SampleCtx {
  return { buf: null, l0s: 0, l0e: 0, l1s: 0, l1e: 0, l2s: 0, l2e: 0, hdr: new Int32Array(0), nhdr: 0, srcIp: '127.0.0.1', srcIp4: 0x7f000001, l4Data: data, l4Final: final, dstPort };
}
function term(...words: string[]): AclTerm {
  const t = compileAclTerm(words, '.');
  if (typeof t === 'string') throw new Error(t);
  return t;
}
const run = (t: AclTerm, c: SampleCtx) => aclExec({ name: 'x', terms: [t], file: '', line: 0 }, c);
const may = (t: AclTerm, c: SampleCtx) => t.fetch.mayChange !== undefined && t.fetch.mayChange(c, t.arg);

test('req.len compares the bytes received so far and may change until the buffer is final', () => {
  const t = term('req.len', 'gt', '3');
  assert.equal(run(t, ctx(Buffer.from('ab'), false)), false);
  assert.equal(may(t, ctx(Buffer.from('ab'), false)), true);
  assert.equal(may(t, ctx(Buffer.from('ab'), true)), false);
  assert.equal(run(t, ctx(Buffer.from('abcd'), false)), true);
  assert.equal(run(term('req_len', '0'), ctx(null, true)), true);
});

test('req.payload(off,len) matches hex by default, strings with -m str, and waits for missing bytes only', () => {
  const data = Buffer.from('GET / HTTP/1.0\r\n');
  assert.equal(run(term('req.payload(0,3)', '474554'), ctx(data, false)), true);
  assert.equal(run(term('req.payload(0,3)', '-m', 'str', 'GET'), ctx(data, false)), true);
  assert.equal(run(term('payload(4,1)', '-m', 'str', '/'), ctx(data, false)), true);
  const bad = term('req.payload(0,3)', '-m', 'str', 'BAD');
  assert.equal(run(bad, ctx(data, false)), false);
  assert.equal(may(bad, ctx(data, false)), false, 'enough bytes: the answer is final');
  assert.equal(may(bad, ctx(Buffer.from('BA'), false)), true);
  assert.equal(typeof compileAclTerm(['req.payload(0,3)', 'zz'], '.'), 'string', 'invalid hex is a load error');
});

test('req.ssl_hello_type and req.ssl_sni read a real ClientHello, whole or cut short', async () => {
  const hello = await clientHello('foo.example.com');
  assert.equal(run(term('req.ssl_hello_type', '1'), ctx(hello, false)), true);
  assert.equal(run(term('req_ssl_hello_type', '2'), ctx(hello, false)), false);
  const sni = term('req_ssl_sni', '-i', 'FOO.example.com');
  assert.equal(run(sni, ctx(hello, false)), true);
  assert.equal(run(term('req.ssl_sni', '-m', 'end', '.example.com'), ctx(hello, false)), true);
  assert.equal(run(term('req.ssl_sni', 'bar.example.com'), ctx(hello, false)), false);
  for (const cut of [0, 3, 5, 40, hello.length - 1]) {
    const part = hello.subarray(0, cut);
    assert.equal(run(sni, ctx(part, false)), false, `cut at ${cut}`);
    assert.equal(may(sni, ctx(part, false)), true, `cut at ${cut} may change`);
  }
  // 2.6 waits for the whole handshake message: a hello split over segments (cut at 20, or one byte short) is no hello yet
  const type1 = term('req.ssl_hello_type', '1');
  for (const cut of [3, 9, 20, hello.length - 1]) {
    assert.equal(run(type1, ctx(hello.subarray(0, cut), false)), false, `type cut at ${cut}`);
    assert.equal(may(type1, ctx(hello.subarray(0, cut), false)), true, `type cut at ${cut} may change`);
    assert.equal(may(type1, ctx(hello.subarray(0, cut), true)), false, `type cut at ${cut} final`);
  }
  const plain = Buffer.from('GET / HTTP/1.1\r\n');
  assert.equal(run(term('req.ssl_hello_type', '1'), ctx(plain, false)), false);
  assert.equal(may(term('req.ssl_hello_type', '1'), ctx(plain, false)), false, 'not TLS: final answer');
  assert.equal(may(sni, ctx(plain, false)), false);
});

test('WAIT_END is false while inspecting and true once final; dst_port reads the local port', () => {
  const c = compileCond(['if', 'WAIT_END'], 0, () => undefined, '.');
  assert.notEqual(typeof c, 'string');
  const acl = (c as Exclude<typeof c, string>).groups[0][0].acl;
  assert.equal(aclExec(acl, ctx(null, false)), false);
  assert.equal(aclExec(acl, ctx(null, true)), true);
  assert.equal(run(term('dst_port', '8443'), ctx(null, true, 8443)), true);
  assert.equal(run(term('dst_port', '1:1024'), ctx(null, true, 8443)), false);
});
