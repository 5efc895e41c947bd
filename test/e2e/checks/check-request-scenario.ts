/*
 * The bytes of HTTP check requests (fixtures/proxy/check-request, captured from HAProxy 2.6.12 by capture.mts there):
 * one backend per `option httpchk` / `http-check send` shape, each checking its own server, which records the first
 * request it gets. send-state's port and node are masked. Shared with test/e2e/checks/check-request.test.ts.
 */
import net from 'node:net';

export const CHECKS: [string, string][] = [
  ['default', 'option httpchk'],
  ['http10', 'option httpchk GET /h'],
  ['http11', 'option httpchk GET /h HTTP/1.1'],
  ['http11-host', 'option httpchk GET /h HTTP/1.1\\r\\nHost:\\ www'],
  ['send-post-11', 'option httpchk\n  http-check send meth POST uri /p ver HTTP/1.1 hdr Host x body abc'],
  ['send-post-10', 'option httpchk\n  http-check send meth POST uri /p body abc'],
  ['send-state-body', 'option httpchk\n  http-check send meth POST uri /p ver HTTP/1.1 hdr X-A a body xyz\n  http-check send-state'],
  ['conn-keep-alive', 'option httpchk\n  http-check send meth GET uri /p ver HTTP/1.1 hdr X-Up-Case V hdr connection keep-alive'],
  ['conn-upgrade', 'option httpchk\n  http-check send meth GET uri /p ver HTTP/1.1 hdr Connection upgrade'],
];

export interface Capture { ports: number[]; first: Map<number, string>; close(): void }

/** One recording server per check. */
export async function captureServers(): Promise<Capture> {
  const first = new Map<number, string>();
  const servers: net.Server[] = [];
  const ports: number[] = [];
  for (let i = 0; i < CHECKS.length; i++) {
    const s = net.createServer((c) => {
      c.on('error', () => {});
      c.once('data', (d) => {
        if (!first.has(i)) first.set(i, d.toString('latin1').replace(/port=\d+/, 'port=P').replace(/node=[^;]*/, 'node=N'));
        c.end('HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n');
      });
    });
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
    servers.push(s);
    ports.push((s.address() as net.AddressInfo).port);
  }
  return { ports, first, close: () => { for (const s of servers) s.close(); } };
}

/** The backends, and a frontend on `fe` (HAProxy does not start without a listener). */
export function checkRequestConfig(ports: number[], fe: number): string {
  return 'defaults\n  mode http\n  timeout connect 1s\n  timeout client 1s\n  timeout server 1s\n' +
    `frontend fe\n  bind 127.0.0.1:${fe}\n  default_backend default\n` +
    CHECKS.map(([name, lines], i) => `backend ${name}\n  ${lines}\n  server s1 127.0.0.1:${ports[i]} check inter 200\n`).join('');
}

/** Waits (3 s bound) for every server's first check request; returns them by check name. */
export async function firstRequests(cap: Capture): Promise<Record<string, string>> {
  const end = Date.now() + 3000;
  while (cap.first.size < CHECKS.length && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  return Object.fromEntries(CHECKS.map(([name], i) => [name, cap.first.get(i) ?? '']));
}
