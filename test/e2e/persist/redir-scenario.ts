/*
 * The traffic of the server `redir` golden (fixtures/persist/redir/, captured from HAProxy 2.6 by capture.mts): GET
 * and HEAD (origin-form and absolute URI) get a 302 to the prefix, POST reaches the server, a keep-alive connection
 * goes on after the redirect; cookie persistence beside it.
 */
import { goldenDefaults } from '../http/golden-util.ts';
import { sequence } from '../http/counters-scenario.ts';

export function redirConfig(p: { fe: number; srv: number; log: number }): string {
  return goldenDefaults(p.log) + `
listen l
    bind 127.0.0.1:${p.fe}
    cookie SRV insert
    server s1 127.0.0.1:${p.srv} redir http://img.example.com cookie a
`;
}

export async function runRedir(port: number): Promise<string[]> {
  const H = 'host: r\r\n';
  const out: string[] = [];
  for (const r of ['GET /a/b?c=1 HTTP/1.1\r\n' + H, 'HEAD /h HTTP/1.1\r\n' + H, 'POST /p HTTP/1.1\r\n' + H + 'content-length: 0\r\n',
    'GET http://r/abs HTTP/1.1\r\n' + H]) {
    out.push(...await sequence(port, [r + 'connection: close\r\n\r\n'], true, true));
  }
  out.push(...await sequence(port, ['GET /k1 HTTP/1.1\r\n' + H + '\r\n', 'GET /k2 HTTP/1.1\r\n' + H + 'connection: close\r\n\r\n'], true, true));
  return out;
}
