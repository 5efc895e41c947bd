/* Helpers shared by the tcp-mode persist scenarios (tcp-response, rdp): their defaults section and a tcp client. */
import net from 'node:net';

/** The `defaults` of the tcp goldens: mode tcp, tcplog to 127.0.0.1:logPort, 2 s/5 s timeouts. */
export function tcpGoldenDefaults(logPort: number): string {
  return `defaults
    mode tcp
    log 127.0.0.1:${logPort} local0
    option tcplog
    timeout connect 2s
    timeout client 5s
    timeout server 5s
`;
}

/**
 * Connects, writes `parts` (100 ms apart), and resolves with what came back and whether the proxy closed the
 * connection within `waitMs` (else the client gives up: closed = false).
 */
export function tcpTalk(port: number, parts: (string | Buffer)[], waitMs: number): Promise<{ data: string; closed: boolean }> {
  return new Promise((resolve) => {
    const c = net.connect(port, '127.0.0.1');
    let data = '';
    const t = setTimeout(() => { c.destroy(); resolve({ data, closed: false }); }, waitMs);
    c.on('data', (d) => { data += d.toString('latin1'); });
    c.on('error', () => {});
    c.on('close', () => { clearTimeout(t); resolve({ data, closed: true }); });
    c.on('connect', () => { parts.forEach((p, i) => { if (i === 0) c.write(p); else setTimeout(() => c.write(p), 100 * i); }); });
  });
}
