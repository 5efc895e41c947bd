/*
 * The hash-based balancing golden (fixtures/balance/hash, captured from HAProxy 2.6 by capture.mts there): backends
 * with `balance uri` (plain, `depth 2`, `len 6`, `whole`, consistent), `url_param`, `hdr(name)`, uri and hdr after
 * http-request rules rewrote the path / the header, each over four
 * servers, and a list of requests; the golden records which server answered each one. Shared with
 * test/e2e/balance/hash.test.ts, which runs the same through Sluice.
 */
import net from 'node:net';
import { rawRequest } from '../http/golden-util.ts';

export const HASH_BACKENDS: [string, string][] = [
  ['uri', 'balance uri'],
  ['uri_depth', 'balance uri depth 2'],
  ['uri_len', 'balance uri len 6'],
  ['uri_whole', 'balance uri whole'],
  ['uri_cons', 'balance uri\n    hash-type consistent'],
  ['urlp', 'balance url_param user'],
  ['hdr', 'balance hdr(x-user)'],
  ['hdr_cons', 'balance hdr(x-user)\n    hash-type consistent'],
  // the key is read after the backend's http-request rules rewrote the request, as in 2.6
  ['uri_rw', 'balance uri\n    http-request set-path /v2%[path]'],
  ['hdr_rw', 'balance hdr(x-user)\n    http-request set-header x-user %[req.hdr(x-user)]-rw'],
];

export function hashConfig(fe: number, servers: number[]): string {
  let s = `defaults
    mode http
    timeout connect 2s
    timeout client 5s
    timeout server 5s

frontend fe
    bind 127.0.0.1:${fe}
`;
  for (const [name] of HASH_BACKENDS) s += `    use_backend ${name} if { req.hdr(x-bk) -m str ${name} }\n`;
  for (const [name, bal] of HASH_BACKENDS) {
    s += `\nbackend ${name}\n    ${bal}\n`;
    servers.forEach((p, i) => { s += `    server s${i + 1} 127.0.0.1:${p}\n`; });
  }
  return s;
}

/** Four origins answering "sN" and closing. */
export async function hashOrigins(): Promise<{ ports: number[]; close(): void }> {
  const list: net.Server[] = [];
  const ports: number[] = [];
  for (let i = 1; i <= 4; i++) {
    const name = 's' + i;
    const srv = net.createServer((c) => {
      c.on('error', () => {});
      let acc = '';
      c.on('data', (d) => {
        acc += d.toString('latin1');
        if (acc.includes('\r\n\r\n')) c.end('HTTP/1.1 200 OK\r\ncontent-length: ' + name.length + '\r\nconnection: close\r\n\r\n' + name);
      });
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    list.push(srv);
    ports.push((srv.address() as net.AddressInfo).port);
  }
  return { ports, close: () => { for (const s of list) s.close(); } };
}

/** [backend, uri, x-user header or ''] per request. */
export function hashRequests(): [string, string, string][] {
  const out: [string, string, string][] = [];
  const uris = ['/', '/a', '/b/c', '/b/c/d?x=1', '/img/logo.png', '/api/v1/users/42', '/api/v1/users/43?full=1',
    '/static/app.js?v=3', '/x/y/z/w', '/search?q=sluice&user=bob', '/index.html'];
  for (const [bk] of HASH_BACKENDS) {
    if (bk.startsWith('uri')) for (const u of uris) out.push([bk, u, '']);
    else if (bk === 'urlp') for (const u of ['alice', 'bob', 'carol', 'dave', 'eve', 'frank', 'grace', 'heidi']) out.push([bk, '/p?a=1&user=' + u + '&z=2', '']);
    else for (const u of ['alice', 'bob', 'carol', 'dave', 'eve', 'frank', 'grace', 'heidi']) out.push([bk, '/h', u]);
  }
  return out;
}

/** Lines "backend uri user -> server". */
export async function runHashScenario(port: number): Promise<string[]> {
  const out: string[] = [];
  for (const [bk, uri, user] of hashRequests()) {
    const r = await rawRequest(port, 'GET ' + uri + ' HTTP/1.1\r\nhost: h\r\nx-bk: ' + bk + '\r\n' + (user !== '' ? 'x-user: ' + user + '\r\n' : '') + 'connection: close\r\n\r\n');
    out.push(bk + ' ' + uri + ' ' + (user || '-') + ' -> ' + r.slice(r.indexOf('\r\n\r\n') + 4));
  }
  return out;
}
