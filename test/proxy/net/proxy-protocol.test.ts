/* PROXY protocol codec: v1/v2 decoding fed whole, byte by byte and at random splits; errors; TLVs; encoders. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isIPv6 } from 'node:net';
import {
  ppDecode, PpInfo, ppEncodeV1, ppEncodeV2, ipv6Text, PP_NEED_MORE, PP_ERR_NOT_HDR, PP_ERR_BAD_HDR, PP_ERR_BAD_PROTO,
} from '../../../proxy/net/proxy-protocol.ts';

/** Decodes `b` fed as a growing prefix cut at `cuts`; every prefix before the end must say "need more". */
function feed(b: Buffer, cuts: number[]): { r: number; info: PpInfo } {
  const info = new PpInfo();
  for (const c of cuts) {
    if (c >= b.length) break;
    const r = ppDecode(b, 0, c, info);
    if (r !== PP_NEED_MORE) return { r, info };
  }
  return { r: ppDecode(b, 0, b.length, info), info };
}

function allWays(b: Buffer, check: (r: number, info: PpInfo) => void): void {
  check(...Object.values(feed(b, [])) as [number, PpInfo]);
  const bytes: number[] = [];
  for (let i = 1; i < b.length; i++) bytes.push(i);
  check(...Object.values(feed(b, bytes)) as [number, PpInfo]);
  let seed = 7;
  for (let k = 0; k < 20; k++) {
    const cuts: number[] = [];
    for (let i = 1; i < b.length; i++) { seed = (seed * 1103515245 + 12345) & 0x7fffffff; if (seed % 5 === 0) cuts.push(i); }
    check(...Object.values(feed(b, cuts)) as [number, PpInfo]);
  }
}

const sig = Buffer.from('0d0a0d0a000d0a515549540a', 'hex');
function v2(verCmd: number, fam: number, body: Buffer): Buffer {
  const h = Buffer.alloc(16);
  sig.copy(h); h[12] = verCmd; h[13] = fam; h.writeUInt16BE(body.length, 14);
  return Buffer.concat([h, body]);
}
const a4 = Buffer.from([1, 2, 3, 4, 5, 6, 7, 8, 0x04, 0x57, 0x08, 0xae]);

test('a v1 TCP4 line decodes the same whole, byte by byte and at random splits, and stops at CRLF', () => {
  const b = Buffer.from('PROXY TCP4 1.2.3.4 5.6.7.8 1111 2222\r\nGET / HTTP/1.1\r\n');
  allWays(b, (r, i) => {
    assert.equal(r, 38);
    assert.deepEqual([i.version, i.srcIp, i.srcPort, i.dstIp, i.dstPort, i.local], [1, '1.2.3.4', 1111, '5.6.7.8', 2222, false]);
  });
});

test('a v1 TCP6 line gives addresses in inet_ntop form', () => {
  const info = new PpInfo();
  const b = Buffer.from('PROXY TCP6 2001:DB8:0:0:0:0:0:1 ::ffff:10.0.0.1 1 65535\r\n');
  assert.equal(ppDecode(b, 0, b.length, info), b.length);
  assert.equal(info.srcIp, '2001:db8::1');
  assert.equal(info.dstIp, '::ffff:10.0.0.1');
  assert.equal(info.dstPort, 65535);
});

test('v1 errors are classified as 2.6 classifies them', () => {
  const info = new PpInfo();
  const cases: [string, number][] = [
    ['PROXY TCP4 1.2.3.4 5.6.7.8 1111\r\n', PP_ERR_BAD_HDR],
    ['PROXY TCP4 1.2.3.4  5.6.7.8 1111 2222\r\n', PP_ERR_BAD_HDR],
    ['PROXY TCP4 1.2.3.4 5.6.7.8 1111 2222 \r\n', PP_ERR_BAD_HDR],
    ['PROXY TCP6 1.2.3.4 5.6.7.8 1111 2222\r\n', PP_ERR_BAD_HDR],
    ['PROXY TCP4 1.2.3.256 5.6.7.8 1 2\r\n', PP_ERR_BAD_HDR],
    ['PROXY UDP4 1.2.3.4 5.6.7.8 1111 2222\r\n', PP_ERR_BAD_PROTO],
    ['PROXY UNKNOWN 1.2.3.4 5.6.7.8 1 2\r\n', PP_ERR_BAD_PROTO],
    ['garbagegarbagegarbage\r\n', PP_ERR_NOT_HDR],
    ['PROXY TCP4 ' + '1'.repeat(120), PP_ERR_BAD_HDR],
  ];
  for (const [s, want] of cases) { const b = Buffer.from(s); assert.equal(ppDecode(b, 0, b.length, info), want, s); }
  // short input may still become a header: need more (2.6 waits for 16 bytes, then says truncated at EOF)
  for (const s of ['PRO', 'garbage\r\n', 'PROXY TCP4 1.2.3.4 5.6.7.8 1111 2222\r', 'PROXY TCP4 1.2.3.4 5.6.7.8 1111 2222\n']) {
    const b = Buffer.from(s);
    assert.equal(ppDecode(b, 0, b.length, info), PP_NEED_MORE, s);
  }
  const u = Buffer.from('PROXY UNKNOWN\r\nxx');
  assert.equal(ppDecode(u, 0, u.length, info), 15);
  assert.equal(info.local, true);
  // port digits past 65535 keep their low 16 bits as 2.6 does; leading zeros are fine
  const p = Buffer.from('PROXY TCP4 1.2.3.4 5.6.7.8 01111 99999\r\n');
  assert.equal(ppDecode(p, 0, p.length, info), p.length);
  assert.deepEqual([info.srcPort, info.dstPort], [1111, 99999 & 0xffff]);
});

test('a v2 header with TLVs decodes every way, the authority and unique id are read, the CRC32C checked', () => {
  const h = ppEncodeV2('1.2.3.4', 1111, '5.6.7.8', 2222, false, { crc32c: true, authority: 'example.com', uniqueId: 'abc', ssl: null });
  const b = Buffer.concat([h, Buffer.from('GET /')]);
  allWays(b, (r, i) => {
    assert.equal(r, h.length);
    assert.deepEqual([i.version, i.srcIp, i.srcPort, i.dstIp, i.dstPort, i.authority, i.uniqueId], [2, '1.2.3.4', 1111, '5.6.7.8', 2222, 'example.com', 'abc']);
  });
  const bad = Buffer.from(h);
  bad[20] ^= 1;      // an address byte: the checksum no longer matches
  assert.equal(ppDecode(bad, 0, bad.length, new PpInfo()), PP_ERR_BAD_HDR);
});

test('v2 errors: version, command, family, lengths, TLV bounds', () => {
  const info = new PpInfo();
  const cases: [Buffer, number][] = [
    [v2(0x11, 0x11, a4), PP_ERR_NOT_HDR],
    [v2(0x22, 0x11, a4), PP_ERR_BAD_HDR],
    [v2(0x21, 0x11, a4.subarray(0, 8)), PP_ERR_BAD_HDR],
    [v2(0x21, 0x12, a4), PP_ERR_BAD_HDR],
    [v2(0x21, 0x31, Buffer.alloc(216)), PP_ERR_BAD_HDR],
    [v2(0x21, 0x00, Buffer.alloc(0)), PP_ERR_BAD_HDR],
    [v2(0x21, 0x11, Buffer.concat([a4, Buffer.from([2, 0, 50, 1])])), PP_ERR_BAD_HDR],
    [v2(0x21, 0x11, Buffer.concat([a4, Buffer.from([2, 0])])), PP_ERR_BAD_HDR],
    [v2(0x21, 0x11, Buffer.concat([a4, Buffer.from([3, 0, 4, 0, 0, 0, 0])])), PP_ERR_BAD_HDR],
  ];
  for (const [b, want] of cases) assert.equal(ppDecode(b, 0, b.length, info), want, b.toString('hex'));
  // the addresses were read before the bad TLV (2.6 logs that error with them)
  const t = v2(0x21, 0x11, Buffer.concat([a4, Buffer.from([2, 0, 50, 1])]));
  ppDecode(t, 0, t.length, info);
  assert.equal(info.addrSet, true);
  assert.equal(info.srcIp, '1.2.3.4');
  const local = v2(0x20, 0x11, a4);
  assert.equal(ppDecode(local, 0, local.length, info), 28);
  assert.equal(info.local, true);
  const trunc = v2(0x21, 0x11, a4).subarray(0, 20);
  assert.equal(ppDecode(trunc, 0, trunc.length, info), PP_NEED_MORE);
});

test('encoders: v1 lines, families mixed or unknown, v2 LOCAL', () => {
  assert.equal(ppEncodeV1('1.2.3.4', 1, '5.6.7.8', 2).toString(), 'PROXY TCP4 1.2.3.4 5.6.7.8 1 2\r\n');
  assert.equal(ppEncodeV1('::ffff:1.2.3.4', 1, '::ffff:5.6.7.8', 2).toString(), 'PROXY TCP4 1.2.3.4 5.6.7.8 1 2\r\n');
  assert.equal(ppEncodeV1('::1', 1, '5.6.7.8', 2).toString(), 'PROXY TCP6 ::1 ::ffff:5.6.7.8 1 2\r\n');
  assert.equal(ppEncodeV1('', 0, '5.6.7.8', 2).toString(), 'PROXY UNKNOWN\r\n');
  // the bytes haproxy 2.6.12 sends: send-proxy-v2 for 1.2.3.4:1111 -> 5.6.7.8:2222, and a check's LOCAL header
  assert.equal(ppEncodeV2('1.2.3.4', 1111, '5.6.7.8', 2222, false, null).toString('hex'), '0d0a0d0a000d0a515549540a2111000c0102030405060708045708ae');
  assert.equal(ppEncodeV2('', 0, '', 0, true, null).toString('hex'), '0d0a0d0a000d0a515549540a20000000');
  assert.equal(ppEncodeV2('::1', 1111, '2001:db8::1', 2222, false, null).toString('hex'),
    '0d0a0d0a000d0a515549540a212100240000000000000000000000000000000120010db8000000000000000000000001045708ae');
});

test('IPv6 text is normalised like inet_ntop and invalid text refused', () => {
  assert.equal(ipv6Text('2001:0DB8:0000:0000:0001:0000:0000:0001'), '2001:db8::1:0:0:1');
  assert.equal(ipv6Text('::'), '::');
  assert.equal(ipv6Text('1::'), '1::');
  assert.equal(ipv6Text('1:0:1:1:1:1:1:1'), '1:0:1:1:1:1:1:1');
  assert.equal(ipv6Text('1:2:3:4:5:6:1.2.3.4'), '1:2:3:4:5:6:102:304');
  assert.equal(ipv6Text('::FFFF:10.0.0.1'), '::ffff:10.0.0.1');
  assert.equal(ipv6Text('1:2:3:4:5:6:7::'), '1:2:3:4:5:6:7:0');
  for (const bad of ['1:::2', '1::2::3', '12345::', '1:2:3:4:5:6:7', 'g::1', '1.2.3.4', '', ':1::', '1:', '::1:',
    '1:2:3:4:5:6:7:8:9', '1::2:3:4:5:6:7:8', '::01.2.3.4', '::1.2.3.256', '::1.2.3']) assert.equal(ipv6Text(bad), '', bad);
  // validity agrees with node's isIPv6 on random text over the IPv6 alphabet
  let seed = 12345;
  const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff);
  const A = '0123456789abcdefABCDEF:.::::';
  for (let i = 0; i < 50000; i++) {
    let t = '';
    for (let j = rnd() % 22; j > 0; j--) t += A[rnd() % A.length];
    assert.equal(ipv6Text(t) !== '', isIPv6(t), t);
  }
});

test('v2 TLVs byte for byte as haproxy 2.6.12 sends them (CRC32C first, authority, unique id, SSL with sub-TLVs)', () => {
  const tls = (client: number, cn: string) => ({ client, verify: 0, version: 'TLSv1.3', cn, cipher: '' });
  // proxy-v2-options crc32c,authority,unique-id,ssl behind `bind ssl` with SNI www.example.com, unique-id-format abc123
  const a = ppEncodeV2('127.0.0.1', 0xb3bc, '127.0.0.1', 0x4859, false, { crc32c: true, authority: 'www.example.com', uniqueId: 'abc123', ssl: tls(1, '') });
  assert.equal(a.toString('hex'), '0d0a0d0a000d0a515549540a211100407f0000017f000001b3bc48590300048b55520e02000f7777772e6578616d706c652e636f6d0500066162633132332' +
    '0000f0100000000210007544c5376312e33');
  const info = new PpInfo();
  assert.equal(ppDecode(a, 0, a.length, info), a.length);
  assert.deepEqual([info.authority, info.uniqueId], ['www.example.com', 'abc123']);
  // send-proxy-v2-ssl-cn, client certificate CN=client1
  assert.equal(ppEncodeV2('127.0.0.1', 0x870e, '127.0.0.1', 0x4845, false, { crc32c: false, authority: '', uniqueId: '', ssl: tls(7, 'client1') }).toString('hex'),
    '0d0a0d0a000d0a515549540a211100287f0000017f000001870e48452000190700000000210007544c5376312e33220007636c69656e7431');
  // send-proxy-v2-ssl, plain client: an SSL TLV with no flag and no sub-TLV
  assert.equal(ppEncodeV2('127.0.0.1', 0x986a, '127.0.0.1', 0x4846, false, { crc32c: false, authority: '', uniqueId: '', ssl: { client: 0, verify: 0, version: '', cn: '', cipher: '' } }).toString('hex'),
    '0d0a0d0a000d0a515549540a211100147f0000017f000001986a48462000050000000000');
});

test('mutated and cut headers never throw: each read is bounded, the answer is need-more, an error or a length within the input', () => {
  const bases = [
    ppEncodeV2('1.2.3.4', 1, '5.6.7.8', 2, false, { crc32c: true, authority: 'ab', uniqueId: 'x', ssl: { client: 1, verify: 0, version: 'TLSv1.3', cn: 'c', cipher: 'z' } }),
    ppEncodeV2('::1', 1, '::2', 2, false, null), ppEncodeV1('1.2.3.4', 5, '6.7.8.9', 10), ppEncodeV1('::1', 5, 'fe80::1', 10),
  ];
  const info = new PpInfo();
  let seed = 12345;
  const rnd = (): number => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed; };
  for (let it = 0; it < 20000; it++) {
    const b = Buffer.from(bases[it % bases.length]);
    for (let m = 1 + rnd() % 4; m > 0; m--) b[rnd() % b.length] = rnd() & 0xff;
    const end = rnd() % (b.length + 1);
    const r = ppDecode(b, 0, end, info);
    assert.ok(r >= -3 && r <= end, `${b.toString('hex')} [0, ${end}) gave ${r}`);
  }
});
