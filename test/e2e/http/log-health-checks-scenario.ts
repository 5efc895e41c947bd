/*
 * `option log-health-checks` golden (fixtures/http/log-health-checks, captured from HAProxy 2.6 by capture.mts
 * there): a checked server answering 200, 200, 500, 500, then 200 forever (rise 2, fall 2, inter 100ms) gives the
 * "Health check for server ..." lines, the reason-less "Server ... is DOWN/UP" lines and "backend ... has no server
 * available!" in the backend's log. Shared with test/e2e/http/log-health-checks.test.ts.
 */
import net from 'node:net';
import { countersLogs } from './counters-scenario.ts';
import { freeLoopbackPort } from './golden-util.ts';

export function logHealthChecksConfig(p: { fe: number; srv: number; log: number }): string {
  return `defaults
    mode http
    log 127.0.0.1:${p.log} local0
    timeout connect 1s
    timeout client 5s
    timeout server 5s

frontend fe
    bind 127.0.0.1:${p.fe}
    default_backend be

backend be
    option httpchk GET /health
    option log-health-checks
    server s1 127.0.0.1:${p.srv} check inter 100 rise 2 fall 2
`;
}

/** The health server: 200 to the first two checks, 500 to the next two, then 200. */
export function healthServer(): Promise<{ port: number; close(): void }> {
  let n = 0;
  const socks = new Set<net.Socket>();
  const srv = net.createServer((c) => {
    socks.add(c);
    c.on('close', () => socks.delete(c));
    c.on('error', () => {});
    const i = n++;
    c.on('data', () => c.end(i === 2 || i === 3 ? 'HTTP/1.0 500 Bad\r\n\r\n' : 'HTTP/1.0 200 OK\r\n\r\n'));
  });
  return new Promise((r) => srv.listen(0, '127.0.0.1', () => r({
    port: (srv.address() as net.AddressInfo).port,
    close: () => { srv.close(); for (const s of socks) s.destroy(); },
  })));
}

/** Check durations vary: masked. */
export function maskDuration(l: string): string { return l.replace(/check duration: \d+ms/, 'check duration: Nms'); }

/** Sets up the health server and the log collector, runs `start(cfg)` and waits for `want` lines (5 s bound). */
export async function runLogHealthChecks(start: (cfg: string) => Promise<() => Promise<void> | void>, want: number): Promise<string[]> {
  const h = await healthServer();
  const logs = await countersLogs();
  const stop = await start(logHealthChecksConfig({ fe: await freeLoopbackPort(), srv: h.port, log: logs.port }));
  const end = Date.now() + 5000;
  while (logs.lines.length < want && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  await stop();
  h.close();
  logs.sock.close();
  return logs.lines.slice(0, want).map(maskDuration);
}
