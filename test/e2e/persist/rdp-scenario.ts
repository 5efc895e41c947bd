/*
 * The traffic of the RDP golden (fixtures/persist/rdp/, captured from HAProxy 2.6 by capture.mts): `balance
 * rdp-cookie` (mstshash user names hashed to servers, no cookie = round robin) and `persist rdp-cookie` (the msts
 * cookie names a server's address and port), both behind `tcp-request content accept if RDP_COOKIE` with an inspect
 * delay, a cookie split over two packets included. Origins answer their name and close.
 */
import net from 'node:net';
import { tcpGoldenDefaults, tcpTalk } from './scenario-util.ts';

export interface RdpPorts { bal: number; prst: number; a: number; b: number; c: number; log: number }

export function rdpConfig(p: RdpPorts): string {
  return tcpGoldenDefaults(p.log) + `
listen bal
    bind 127.0.0.1:${p.bal}
    tcp-request inspect-delay 500ms
    tcp-request content accept if RDP_COOKIE
    balance rdp-cookie
    server s1 127.0.0.1:${p.a}
    server s2 127.0.0.1:${p.b}
    server s3 127.0.0.1:${p.c}

listen prst
    bind 127.0.0.1:${p.prst}
    tcp-request inspect-delay 500ms
    tcp-request content accept if RDP_COOKIE
    persist rdp-cookie
    server s1 127.0.0.1:${p.a}
    server s2 127.0.0.1:${p.b}
    server s3 127.0.0.1:${p.c}
`;
}

/** An origin answering `name\n` then closing once it got the client's first bytes. */
export function rdpOrigin(name: string): Promise<{ port: number; close(): void }> {
  const socks = new Set<net.Socket>();
  const server = net.createServer((s) => {
    socks.add(s);
    s.on('close', () => socks.delete(s));
    s.on('error', () => {});
    s.once('data', () => s.end(name + '\n'));
  });
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r({
    port: (server.address() as net.AddressInfo).port,
    close: () => { server.close(); for (const s of socks) s.destroy(); },
  })));
}

/** An X.224 Connection Request carrying `cookieLine` ("Cookie: mstshash=bob\r\n"), or none when ''. */
export function rdpPacket(cookieLine: string): Buffer {
  const body = Buffer.concat([Buffer.from(cookieLine, 'latin1'), Buffer.from([1, 0, 8, 0, 3, 0, 0, 0])]);
  const len = 11 + body.length;
  const hdr = Buffer.from([3, 0, len >> 8, len & 255, len - 5, 0xe0, 0, 0, 0, 0, 0]);
  return Buffer.concat([hdr, body]);
}

/** The msts cookie value naming 127.0.0.1:port as an RDP broker writes it (network-order bytes read little-endian). */
export function mstsValue(port: number): string {
  return (127 + 2 ** 24) + '.' + (((port & 255) << 8) | (port >> 8)) + '.0000';
}

async function talk(port: number, parts: Buffer[]): Promise<string> {
  const r = await tcpTalk(port, parts, 3000);
  return r.closed ? r.data.trim() : JSON.stringify(r.data) + ' open';
}

/** Runs the cases; returns "<listen> <case> -> <server name>" lines. */
export async function runRdpScenario(p: RdpPorts): Promise<string[]> {
  const out: string[] = [];
  for (const u of ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'alice', 'bob', 'Carol']) {
    out.push('bal ' + u + ' -> ' + await talk(p.bal, [rdpPacket('Cookie: mstshash=' + u + '\r\n')]));
  }
  out.push('bal none -> ' + await talk(p.bal, [rdpPacket('')]));
  out.push('bal none -> ' + await talk(p.bal, [rdpPacket('')]));
  const split = rdpPacket('Cookie: mstshash=dave\r\n');
  out.push('bal split-dave -> ' + await talk(p.bal, [split.subarray(0, 20), split.subarray(20)]));
  for (const [n, port] of [['b', p.b], ['c', p.c], ['a', p.a], ['b', p.b]] as [string, number][]) {
    out.push('prst msts-' + n + ' -> ' + await talk(p.prst, [rdpPacket('Cookie: msts=' + mstsValue(port) + '\r\n')]));
  }
  out.push('prst msts-unknown -> ' + await talk(p.prst, [rdpPacket('Cookie: msts=' + mstsValue(1) + '\r\n')]));
  out.push('prst mstshash -> ' + await talk(p.prst, [rdpPacket('Cookie: mstshash=bob\r\n')]));
  return out;
}
