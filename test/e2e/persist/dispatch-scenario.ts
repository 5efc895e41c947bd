/*
 * The traffic of the dispatch golden (fixtures/persist/dispatch/, captured from HAProxy 2.6 by capture.mts):
 * `dispatch` alone, beside a server (without `balance` the dispatch address takes what persistence leaves, a valid
 * cookie still reaches its server), and with `balance` (ignored, with a warning).
 */
import net from 'node:net';
import { rawRequest, goldenDefaults } from '../http/golden-util.ts';

export interface DispatchPorts { only: number; both: number; bal: number; d: number; s: number; log: number }

export function dispatchConfig(p: DispatchPorts): string {
  return goldenDefaults(p.log) + `
listen only
    bind 127.0.0.1:${p.only}
    dispatch 127.0.0.1:${p.d}

listen both
    bind 127.0.0.1:${p.both}
    cookie SRV insert indirect
    dispatch 127.0.0.1:${p.d}
    server s1 127.0.0.1:${p.s} cookie a

listen bal
    bind 127.0.0.1:${p.bal}
    balance roundrobin
    dispatch 127.0.0.1:${p.d}
    server s1 127.0.0.1:${p.s}
`;
}

export function nameOrigin(name: string): Promise<{ port: number; close(): void }> {
  const s = net.createServer((c) => {
    c.on('error', () => {});
    c.once('data', () => c.end('HTTP/1.1 200 OK\r\ncontent-length: ' + (name.length + 1) + '\r\nconnection: close\r\n\r\n' + name + '\n'));
  });
  return new Promise((r) => s.listen(0, '127.0.0.1', () => r({ port: (s.address() as net.AddressInfo).port, close: () => s.close() })));
}

export async function runDispatch(p: DispatchPorts): Promise<string[]> {
  const out: string[] = [];
  const cases: [keyof DispatchPorts, string][] = [['only', ''], ['both', ''], ['both', 'cookie: SRV=a\r\n'], ['bal', ''], ['bal', '']];
  for (const [l, h] of cases) {
    const r = await rawRequest(p[l], 'GET / HTTP/1.1\r\nhost: d\r\n' + h + 'connection: close\r\n\r\n');
    out.push(l + ' ' + JSON.stringify(h) + ' -> ' + r.slice(r.indexOf('\r\n\r\n') + 4).trim());
  }
  return out;
}
