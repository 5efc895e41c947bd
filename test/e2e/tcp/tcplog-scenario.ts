/*
 * One tcplog scenario shared by the e2e test (in-process Sluice) and fixtures/proxy/tcplog/capture.ts (real HAProxy
 * 2.6): a proxy with `option tcplog`, one logging without a format ("Connect from" lines), one whose only server is
 * disabled, one with no backend at all, then two overlapping sessions (%bc/%sc of the other stream).
 */
import { connect, createServer } from 'node:net';
import type { Server as NetServer } from 'node:net';
import { createSocket } from 'node:dgram';
import type { Socket as UdpSocket } from 'node:dgram';

export interface TcplogPorts { withfmt: number; nofmt: number; nosrv: number; nobe: number; srv: number; log: number }

export function tcplogConfig(p: TcplogPorts): string {
  return `global
  log 127.0.0.1:${p.log} local0
defaults
  mode tcp
  log global
  timeout connect 1s
  timeout client 2s
  timeout server 2s
listen withfmt
  bind 127.0.0.1:${p.withfmt}
  option tcplog
  server s1 127.0.0.1:${p.srv}
listen nofmt
  bind 127.0.0.1:${p.nofmt}
  server s1 127.0.0.1:${p.srv}
listen nosrv
  bind 127.0.0.1:${p.nosrv}
  option tcplog
  server s1 127.0.0.1:${p.srv} disabled
listen nobe
  bind 127.0.0.1:${p.nobe}
  option tcplog
`;
}

/** An echo server for the scenario. */
export async function echoServer(): Promise<{ server: NetServer; port: number }> {
  const server = createServer({ allowHalfOpen: true }, (s) => { s.on('error', () => {}); s.pipe(s); });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as { port: number }).port };
}

/** Collects syslog datagrams; `lines` holds the message part (after "tag[pid]: "). */
export async function logCollector(): Promise<{ sock: UdpSocket; port: number; lines: string[] }> {
  const sock = createSocket('udp4');
  const lines: string[] = [];
  sock.on('message', (m) => {
    const t = m.toString('latin1').replace(/\n$/, '');
    const i = t.indexOf(']: ');
    lines.push(i >= 0 ? t.slice(i + 3) : t);
  });
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
  return { sock, port: sock.address().port, lines };
}

/** One client: sends `data` then FIN (or holds 300 ms); resolves with the bytes received and the error code. */
function client(port: number, hold: boolean): Promise<{ got: string; err: string }> {
  return new Promise((resolve) => {
    const c = connect(port, '127.0.0.1');
    let got = '';
    let err = '';
    const t = setTimeout(() => c.destroy(), 3000);
    c.on('connect', () => { if (hold) { c.write('x'); setTimeout(() => c.end(), 300); } else c.end('hi\n'); });
    c.on('data', (d) => { got += d.toString(); });
    c.on('error', (e: NodeJS.ErrnoException) => { err = e.code ?? 'error'; });
    c.on('close', () => { clearTimeout(t); resolve({ got, err }); });
  });
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Runs the clients in a fixed order; returns their results in that order. */
export async function tcplogClients(p: TcplogPorts): Promise<{ got: string; err: string }[]> {
  const out: { got: string; err: string }[] = [];
  for (const port of [p.withfmt, p.nofmt, p.nosrv, p.nobe]) { out.push(await client(port, false)); await sleep(50); }
  const a = client(p.withfmt, true);
  await sleep(20);
  const b = client(p.withfmt, true);
  out.push(await a, await b);
  return out;
}

/** Masks what differs between runs: client ports, the listening ports, dates and timers. */
export function maskTcplog(line: string, p: TcplogPorts): string {
  return line
    .replace(/^127\.0\.0\.1:\d+ /, '127.0.0.1:CPORT ')
    .replace(/from 127\.0\.0\.1:\d+ /, 'from 127.0.0.1:CPORT ')
    .replace(':' + p.nofmt + ' ', ':NOFMT ')
    .replace(/\[\d\d\/\w{3}\/\d{4}:[\d:.]+\]/, '[DATE]')
    .replace(/ (-?\d+)\/(-?\d+)\/(\d+) /, (_m, w: string, c: string) => ` ${w === '-1' ? '-1' : 'Tw'}/${c === '-1' ? '-1' : 'Tc'}/Tt `);
}
