/*
 * proxy/dns/srv-query.ts's decoder on answers shaped as real nameservers send them: compressed names (the target
 * pointing into the question, the additional records' owners pointing at the targets), AAAA additional records,
 * error codes, and the answer id check.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeSrv, SRVQ_NX, SRVQ_REFUSED, SRVQ_INVALID, SRVQ_NODATA } from '../../../proxy/dns/srv-query.ts';

function label(...ls: string[]): number[] { return ls.flatMap((l) => [l.length, ...Buffer.from(l)]); }

/** `_h._tcp.svc.x` SRV: web1.svc.x:8080 (weight 5, A 10.0.0.1) and web2.svc.x:9090 (AAAA 2001:db8::2). */
function packet(id: number, rcode = 0): Buffer {
  const q = [...label('_h', '_tcp', 'svc', 'x'), 0, 0, 33, 0, 1];    // question at 12; 'svc.x' at 12 + 8 = 20
  const hdr = [id >> 8, id & 255, 0x84, 0x80 | rcode, 0, 1, 0, 2, 0, 0, 0, 2];
  const out: number[] = [...hdr, ...q];
  const srv = (w: number, port: number, host: string): number => {
    const rd = [0, 1, w >> 8, w & 255, port >> 8, port & 255, ...label(host), 0xc0, 20];
    out.push(0xc0, 12, 0, 33, 0, 1, 0, 0, 0, 30, rd.length >> 8, rd.length & 255);
    const at = out.length + 6;
    out.push(...rd);
    return at;
  };
  const t1 = srv(5, 8080, 'web1');
  const t2 = srv(0, 9090, 'web2');
  out.push(0xc0 | (t1 >> 8), t1 & 255, 0, 1, 0, 1, 0, 0, 0, 30, 0, 4, 10, 0, 0, 1);
  out.push(0xc0 | (t2 >> 8), t2 & 255, 0, 28, 0, 1, 0, 0, 0, 30, 0, 16, 0x20, 1, 0x0d, 0xb8, ...Array(11).fill(0), 2);
  return Buffer.from(out);
}

test('SRV answers with compressed names and A/AAAA additional records decode to target, port, weight, address', () => {
  assert.deepEqual(decodeSrv(packet(77), 77), [
    { target: 'web1.svc.x', port: 8080, weight: 5, ip: '10.0.0.1' },
    { target: 'web2.svc.x', port: 9090, weight: 0, ip: '2001:db8::2' },
  ]);
});

test('SRV answer errors: NXDOMAIN, REFUSED, another id, no answer, truncated', () => {
  assert.equal(decodeSrv(packet(1, 3), 1), SRVQ_NX);
  assert.equal(decodeSrv(packet(1, 5), 1), SRVQ_REFUSED);
  assert.equal(decodeSrv(packet(1), 2), SRVQ_INVALID);
  const none = packet(1); none[7] = 0; none[11] = 0;
  assert.equal(decodeSrv(none, 1), SRVQ_NODATA);
  assert.equal(decodeSrv(packet(1).subarray(0, 60), 1), SRVQ_INVALID);
});
