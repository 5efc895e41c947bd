/*
 * One SRV query over UDP to a resolvers section's nameservers, read whole: node's dns Resolver (c-ares) hands out
 * SRV answers without their additional section, where Consul, CoreDNS and others put the targets' addresses, and
 * 2.6 uses those addresses as they come. The query goes to every nameserver (as 2.6), the first answer with its id
 * counts; unanswered, it is sent again after `timeout retry`, `resolve_retries` times. Called by dns/runtime.ts.
 * Hot path: no (one query per `hold valid`).
 */
import { createSocket } from 'node:dgram';
import { isIP } from 'node:net';
import type { ResolversCfg } from './types.ts';
import { ipv6Format } from '../net/proxy-protocol.ts';

/** One SRV record; `ip` is the target's address from the additional section, '' when it has none. */
export interface SrvAnswer { target: string; port: number; weight: number; ip: string }

/** Failures, as the counters and `hold <status>` name them. */
export const SRVQ_NX = 1, SRVQ_TIMEOUT = 2, SRVQ_REFUSED = 3, SRVQ_OTHER = 4, SRVQ_INVALID = 5, SRVQ_NODATA = 6;

function encodeQuery(id: number, name: string, payload: number): Buffer {
  const parts: Buffer[] = [];
  const h = Buffer.alloc(12);
  h.writeUInt16BE(id, 0); h.writeUInt16BE(0x0100, 2); h.writeUInt16BE(1, 4); h.writeUInt16BE(1, 10);
  parts.push(h);
  for (const l of name.split('.')) if (l !== '') parts.push(Buffer.from([l.length]), Buffer.from(l, 'latin1'));
  parts.push(Buffer.from([0, 0, 33, 0, 1]));
  // EDNS0 OPT record announcing accepted_payload_size
  const opt = Buffer.from([0, 0, 41, 0, 0, 0, 0, 0, 0, 0, 0]);
  opt.writeUInt16BE(Math.max(512, payload), 3);
  parts.push(opt);
  return Buffer.concat(parts);
}

/** The name at `off` (compression pointers followed) and the offset after it, or null when malformed. */
function readName(b: Buffer, off: number): { name: string; end: number } | null {
  const labels: string[] = [];
  let p = off, end = -1, hops = 0;
  for (;;) {
    if (p >= b.length) return null;
    const n = b[p];
    if (n === 0) { if (end < 0) end = p + 1; break; }
    if ((n & 0xc0) === 0xc0) {
      if (p + 1 >= b.length || ++hops > 32) return null;
      if (end < 0) end = p + 2;
      p = ((n & 0x3f) << 8) | b[p + 1];
      continue;
    }
    if (p + 1 + n > b.length) return null;
    labels.push(b.toString('latin1', p + 1, p + 1 + n));
    p += 1 + n;
  }
  return { name: labels.join('.').toLowerCase(), end };
}

const ip6Groups = new Uint16Array(8);
/** An A or AAAA record's address as text (AAAA through proxy-protocol.ts's inet_ntop-style formatter). */
function ipOf(rd: Buffer): string {
  if (rd.length === 4) return `${rd[0]}.${rd[1]}.${rd[2]}.${rd[3]}`;
  for (let i = 0; i < 8; i++) ip6Groups[i] = rd.readUInt16BE(i * 2);
  return ipv6Format(ip6Groups);
}

/** The records of an answer to query `id`, or an SRVQ_* code. */
export function decodeSrv(b: Buffer, id: number): SrvAnswer[] | number {
  if (b.length < 12 || b.readUInt16BE(0) !== id) return SRVQ_INVALID;
  const rcode = b[3] & 0x0f;
  if (rcode === 3) return SRVQ_NX;
  if (rcode === 5) return SRVQ_REFUSED;
  if (rcode !== 0) return SRVQ_OTHER;
  const qd = b.readUInt16BE(4), an = b.readUInt16BE(6), ns = b.readUInt16BE(8), ar = b.readUInt16BE(10);
  if (an === 0) return SRVQ_NODATA;
  let p = 12;
  for (let i = 0; i < qd; i++) { const q = readName(b, p); if (q === null) return SRVQ_INVALID; p = q.end + 4; }
  const out: SrvAnswer[] = [];
  const addrs = new Map<string, string>();
  for (let i = 0; i < an + ns + ar; i++) {
    const n = readName(b, p);
    if (n === null || n.end + 10 > b.length) return SRVQ_INVALID;
    const type = b.readUInt16BE(n.end), len = b.readUInt16BE(n.end + 8), rd = n.end + 10;
    if (rd + len > b.length) return SRVQ_INVALID;
    if (i < an && type === 33) {
      if (len <= 6) return SRVQ_INVALID;
      const t = readName(b, rd + 6);
      if (t === null) return SRVQ_INVALID;
      out.push({ target: t.name, port: b.readUInt16BE(rd + 4), weight: b.readUInt16BE(rd + 2), ip: '' });
    } else if (i >= an + ns && ((type === 1 && len === 4) || (type === 28 && len === 16)) && !addrs.has(n.name)) {
      addrs.set(n.name, ipOf(b.subarray(rd, rd + len)));
    }
    p = rd + len;
  }
  if (out.length === 0) return SRVQ_NODATA;
  for (const r of out) r.ip = addrs.get(r.target) ?? '';
  return out;
}

let nextId = Math.floor(Math.random() * 0x10000);

/** Queries `name` (SRV) through `rs`'s nameservers. */
export function querySrvRaw(rs: ResolversCfg, name: string): Promise<SrvAnswer[] | number> {
  return new Promise((resolve) => {
    nextId = (nextId + 1) & 0xffff;
    const id = nextId;
    const q = encodeQuery(id, name, rs.acceptedPayloadSize);
    const socks = new Map<string, ReturnType<typeof createSocket>>();
    let tries = Math.max(1, rs.resolveRetries);
    let timer: NodeJS.Timeout | null = null;
    let done = false;
    const finish = (r: SrvAnswer[] | number): void => {
      if (done) return;
      done = true;
      if (timer !== null) clearTimeout(timer);
      for (const s of socks.values()) s.close();
      resolve(r);
    };
    for (const fam of ['udp4', 'udp6'] as const) {
      if (!rs.nameservers.some((n) => (isIP(n.host) === 6) === (fam === 'udp6'))) continue;
      const s = createSocket(fam);
      s.on('error', () => { /* unreachable nameserver: the others or the timeout answer */ });
      s.on('message', (m) => {
        const r = decodeSrv(m, id);
        if (r !== SRVQ_INVALID || m.length < 2 || m.readUInt16BE(0) === id) finish(r);
      });
      s.unref();
      socks.set(fam, s);
    }
    const send = (): void => {
      if (done) return;
      if (tries-- <= 0) { finish(SRVQ_TIMEOUT); return; }
      for (const n of rs.nameservers) socks.get(isIP(n.host) === 6 ? 'udp6' : 'udp4')?.send(q, n.port, n.host);
      timer = setTimeout(send, Math.max(1, rs.timeoutRetry));
      timer.unref();
    };
    send();
  });
}
