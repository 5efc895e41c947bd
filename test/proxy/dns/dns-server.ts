/*
 * A tiny authoritative DNS server on loopback UDP for the resolvers tests: answers A and AAAA queries from a mutable
 * table (name -> addresses), NXDOMAIN for unknown names, and counts queries. No internet, no recursion.
 */
import { createSocket } from 'node:dgram';
import type { Socket as DgramSocket } from 'node:dgram';
import { isIPv4 } from 'node:net';

export interface DnsServer {
  sock: DgramSocket;
  port: number;
  /** name (lower case, no trailing dot) -> addresses (IPv4 and IPv6 mixed). */
  records: Map<string, string[]>;
  queries: number;
  ttl: number;
  /** Names answered with a malformed reply (9 answers announced, none sent). */
  garbage: Set<string>;
}

function readName(b: Buffer, off: number): { name: string; end: number } {
  const labels: string[] = [];
  let p = off;
  while (p < b.length && b[p] !== 0) { labels.push(b.toString('latin1', p + 1, p + 1 + b[p])); p += 1 + b[p]; }
  return { name: labels.join('.').toLowerCase(), end: p + 1 };
}

function ip6Bytes(ip: string): Buffer {
  const out = Buffer.alloc(16);
  const [h, t] = ip.includes('::') ? ip.split('::') : [ip, null];
  const hp = h === '' ? [] : h.split(':');
  const tp = t === null || t === '' ? [] : t.split(':');
  const groups = [...hp, ...Array(8 - hp.length - tp.length).fill('0'), ...tp];
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), 2 * i));
  return out;
}

export function answer(srv: DnsServer, q: Buffer): Buffer | null {
  if (q.length < 12) return null;
  const { name, end } = readName(q, 12);
  if (end + 4 > q.length) return null;
  const qtype = q.readUInt16BE(end);
  const question = q.subarray(12, end + 4);
  const addrs = srv.records.get(name);
  const want = (addrs ?? []).filter((a) => (qtype === 1 ? isIPv4(a) : qtype === 28 ? !isIPv4(a) : false));
  const hdr = Buffer.alloc(12);
  hdr.writeUInt16BE(q.readUInt16BE(0), 0);
  if (srv.garbage.has(name)) {
    hdr.writeUInt16BE(0x8580, 2); hdr.writeUInt16BE(1, 4); hdr.writeUInt16BE(9, 6);
    return Buffer.concat([hdr, question, Buffer.from([0xc0, 0x0c, 0, 1])]);
  }
  // QR, opcode 0, AA, RD copied, RA; rcode NXDOMAIN (3) for unknown names
  hdr.writeUInt16BE(0x8400 | (q[2] & 1) << 8 | 0x80 | (addrs === undefined ? 3 : 0), 2);
  hdr.writeUInt16BE(1, 4);
  hdr.writeUInt16BE(want.length, 6);
  const rrs = want.map((a) => {
    const rd = qtype === 1 ? Buffer.from(a.split('.').map(Number)) : ip6Bytes(a);
    const rr = Buffer.alloc(12);
    rr.writeUInt16BE(0xc00c, 0); rr.writeUInt16BE(qtype, 2); rr.writeUInt16BE(1, 4);
    rr.writeUInt32BE(srv.ttl, 6); rr.writeUInt16BE(rd.length, 10);
    return Buffer.concat([rr, rd]);
  });
  return Buffer.concat([hdr, question, ...rrs]);
}

export async function startDnsServer(records: Record<string, string[]> = {}): Promise<DnsServer> {
  const sock = createSocket('udp4');
  const srv: DnsServer = { sock, port: 0, records: new Map(Object.entries(records)), queries: 0, ttl: 1, garbage: new Set() };
  sock.on('message', (m, rinfo) => {
    srv.queries++;
    const a = answer(srv, m);
    if (a !== null) sock.send(a, rinfo.port, rinfo.address);
  });
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
  srv.port = sock.address().port;
  return srv;
}
