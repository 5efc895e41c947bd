/*
 * The http-ignore-probes golden (fixtures/http/ignore-probes, captured from HAProxy 2.6.12 by capture.mts there): what
 * a frontend with `option http-ignore-probes` answers and logs for connections that close or time out with nothing,
 * only empty lines, a partial request line or non-HTTP bytes, and after a first request. One block per case: reply,
 * whether the proxy closed, the log lines (log-format without the client's address or dates). Shared with
 * test/e2e/http/ignore-probes.test.ts.
 */
import net from 'node:net';
// @ts-expect-error plain JS fixture module: the client the HTTP goldens are captured with
import { exchange } from '../../../fixtures/http/capture.mjs';
import { countersLogs } from './counters-scenario.ts';
import { freeLoopbackPort } from './golden-util.ts';

export function ignoreProbesConfig(p: { fe: number; srv: number; log: number }): string {
  return `defaults
    mode http
    log 127.0.0.1:${p.log} local0
    log-format "%ft %b/%s %ST %B %tsc %{+Q}r"
    timeout connect 1s
    timeout client 2s
    timeout server 1s
    timeout http-request 300ms

frontend fe
    bind 127.0.0.1:${p.fe}
    option http-ignore-probes
    default_backend be

backend be
    server s1 127.0.0.1:${p.srv}
`;
}

/** [name, writes (strings, or pause ms), idle ms to wait for more reply bytes, close after the writes]. */
export const IGNORE_PROBES_CASES: [string, (string | number)[], number, boolean][] = [
  ['empty-close', [''], 400, true],
  ['empty-timeout', [''], 700, false],
  ['crlf-close', ['\r\n'], 400, true],
  ['crlf-timeout', ['\r\n'], 700, false],
  ['crlf-twice-timeout', ['\r\n\r\n'], 700, false],
  ['partial-close', ['GET / HT'], 400, true],
  ['partial-timeout', ['GET'], 700, false],
  ['tls-hello-bytes', ['\x16\x03\x01'], 700, false],
  ['request-then-idle', ['GET / HTTP/1.1\r\nHost: a\r\n\r\n'], 700, false],
  ['request-then-partial', ['GET / HTTP/1.1\r\nHost: a\r\n\r\n', 50, 'GET'], 700, false],
];

function origin(): Promise<{ port: number; close(): void }> {
  const socks = new Set<net.Socket>();
  const srv = net.createServer((s) => {
    socks.add(s);
    s.on('close', () => socks.delete(s));
    s.on('error', () => {});
    s.on('data', () => s.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'));
  });
  return new Promise((res) => srv.listen(0, '127.0.0.1', () => res({
    port: (srv.address() as net.AddressInfo).port,
    close: () => { srv.close(); for (const s of socks) s.destroy(); },
  })));
}

/** Runs the cases against the proxy `start` launches, one connection each; one text block per case. */
export async function runIgnoreProbes(start: (cfg: string) => Promise<() => Promise<void> | void>): Promise<string[]> {
  const o = await origin();
  const logs = await countersLogs();
  const fe = await freeLoopbackPort();
  const stop = await start(ignoreProbesConfig({ fe, srv: o.port, log: logs.port }));
  const out: string[] = [];
  for (const [name, send, idle, close] of IGNORE_PROBES_CASES) {
    logs.lines.length = 0;
    const r = await exchange(fe, send, idle, close) as { buf: Buffer; closed: boolean };
    await new Promise((w) => setTimeout(w, 150));
    out.push(`${name} (${r.closed ? 'closed' : 'open'})\n${JSON.stringify(r.buf.toString('latin1'))}\nlog ${JSON.stringify(logs.lines)}`);
  }
  await stop();
  o.close();
  logs.sock.close();
  return out;
}
