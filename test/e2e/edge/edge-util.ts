/* Helpers of the edge e2e tests: their common defaults section, a UDP log receiver, raw exchanges, a backend recording what it receives. */
import { createSocket } from 'node:dgram';
import type { Socket as DgramSocket } from 'node:dgram';
import { createServer, connect } from 'node:net';
import type { Server as NetServer } from 'node:net';

/** The `defaults` section most edge configs use: mode http, 2 s client/server/connect timeouts. */
export const EDGE_DEFAULTS = `defaults
  mode http
  timeout client 2s
  timeout server 2s
  timeout connect 2s
`;

export interface LogSink { sock: DgramSocket; port: number; lines: string[] }

/** A syslog receiver on loopback: each datagram's text (after the `]: ` of the header) is pushed to `lines`. */
export async function logSink(): Promise<LogSink> {
  const sock = createSocket('udp4');
  const st: LogSink = { sock, port: 0, lines: [] };
  sock.on('message', (m) => {
    const s = m.toString('latin1').replace(/\n$/, '');
    const i = s.indexOf(']: ');
    st.lines.push(i >= 0 ? s.slice(i + 3) : s);
  });
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
  st.port = sock.address().port;
  return st;
}

export interface Recorder { server: NetServer; port: number; got: Buffer[] }

/**
 * A backend on host:port (port 0: any) recording the head of each request, then answering an HTTP 200 with body
 * `name` and closing.
 */
export async function recorder(name: string, host = '127.0.0.1', port = 0): Promise<Recorder> {
  const st: Recorder = { server: createServer(), port: 0, got: [] };
  st.server.on('connection', (c) => {
    let b = Buffer.alloc(0);
    let done = false;
    c.on('error', () => {});
    c.on('data', (d) => {
      if (done) return;
      b = Buffer.concat([b, d]);
      if (b.indexOf('\r\n\r\n') >= 0) {
        done = true;
        st.got.push(b);
        c.end(`HTTP/1.1 200 OK\r\ncontent-length: ${name.length}\r\nconnection: close\r\n\r\n${name}`);
      }
    });
  });
  await new Promise<void>((r) => st.server.listen(port, host, r));
  st.port = (st.server.address() as { port: number }).port;
  return st;
}

export interface RawResult { data: string; error: string }

/**
 * Connects, writes `data` (half-closing after it unless `hold`), and resolves with what came back and the error code
 * (ECONNRESET...) or '' once the connection closes; `timeoutMs` bounds the wait.
 */
export function rawExchange(port: number, data: Buffer | string, hold = false, timeoutMs = 4000): Promise<RawResult> {
  return new Promise((resolve) => {
    const c = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let error = '';
    const t = setTimeout(() => { error = 'TIMEOUT'; c.destroy(); }, timeoutMs);
    c.on('data', (d) => chunks.push(d));
    c.on('error', (e: NodeJS.ErrnoException) => { error = e.code ?? 'ERR'; });
    c.on('close', () => { clearTimeout(t); resolve({ data: Buffer.concat(chunks).toString('latin1'), error }); });
    c.on('connect', () => { if (data.length > 0) c.write(data); if (!hold) c.end(); });
  });
}
