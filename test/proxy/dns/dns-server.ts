/*
 * A tiny authoritative DNS server on loopback UDP for the resolvers tests: answers A and AAAA queries from a mutable
 * table (name -> addresses), SRV queries from a second table (name -> records, with the targets' addresses as
 * additional records unless `noAdditional`), NXDOMAIN for unknown names, and counts queries. No internet, no recursion.
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
  /** SRV name (lower case, no trailing dot) -> records. */
  srv: Map<string, SrvRecord[]>;
  /** SRV answers carry no additional A/AAAA records (the resolver then asks for the targets itself). */
  noAdditional: boolean;
}

export interface SrvRecord { priority: number; weight: number; port: number; target: string }

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

function nameBytes(n: string): Buffer {
  const parts: Buffer[] = [];
  for (const l of n.split('.')) if (l !== '') parts.push(Buffer.from([l.length]), Buffer.from(l, 'latin1'));
  parts.push(Buffer.from([0]));
  return Buffer.concat(parts);
}

function rr(name: Buffer, type: number, ttl: number, rd: Buffer): Buffer {
  const h = Buffer.alloc(10);
  h.writeUInt16BE(type, 0); h.writeUInt16BE(1, 2); h.writeUInt32BE(ttl, 4); h.writeUInt16BE(rd.length, 8);
  return Buffer.concat([name, h, rd]);
}

function addrRd(a: string): Buffer { return isIPv4(a) ? Buffer.from(a.split('.').map(Number)) : ip6Bytes(a); }

/** The SRV answer for `name`, the targets' addresses in the additional section. */
function answerSrv(srv: DnsServer, hdr: Buffer, question: Buffer, recs: readonly SrvRecord[]): Buffer {
  const ans = recs.map((r) => {
    const rd = Buffer.alloc(6);
    rd.writeUInt16BE(r.priority, 0); rd.writeUInt16BE(r.weight, 2); rd.writeUInt16BE(r.port, 4);
    return rr(Buffer.from([0xc0, 0x0c]), 33, srv.ttl, Buffer.concat([rd, nameBytes(r.target)]));
  });
  const add: Buffer[] = [];
  if (!srv.noAdditional) {
    for (const t of new Set(recs.map((r) => r.target))) {
      for (const a of srv.records.get(t) ?? []) add.push(rr(nameBytes(t), isIPv4(a) ? 1 : 28, srv.ttl, addrRd(a)));
    }
  }
  hdr.writeUInt16BE(1, 4); hdr.writeUInt16BE(ans.length, 6); hdr.writeUInt16BE(add.length, 10);
  return Buffer.concat([hdr, question, ...ans, ...add]);
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
  const srvRecs = qtype === 33 ? srv.srv.get(name) : undefined;
  // QR, opcode 0, AA, RD copied, RA; rcode NXDOMAIN (3) for unknown names
  hdr.writeUInt16BE(0x8400 | (q[2] & 1) << 8 | 0x80 | (addrs === undefined && srvRecs === undefined ? 3 : 0), 2);
  if (srvRecs !== undefined) return answerSrv(srv, hdr, question, srvRecs);
  hdr.writeUInt16BE(1, 4);
  hdr.writeUInt16BE(want.length, 6);
  const rrs = want.map((a) => rr(Buffer.from([0xc0, 0x0c]), qtype, srv.ttl, addrRd(a)));
  return Buffer.concat([hdr, question, ...rrs]);
}

export async function startDnsServer(records: Record<string, string[]> = {}, srvRecords: Record<string, SrvRecord[]> = {}): Promise<DnsServer> {
  const sock = createSocket('udp4');
  const srv: DnsServer = {
    sock, port: 0, records: new Map(Object.entries(records)), queries: 0, ttl: 1, garbage: new Set(),
    srv: new Map(Object.entries(srvRecords)), noAdditional: false,
  };
  sock.on('message', (m, rinfo) => {
    srv.queries++;
    const a = answer(srv, m);
    if (a !== null) sock.send(a, rinfo.port, rinfo.address);
  });
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
  srv.port = sock.address().port;
  return srv;
}
