/*
 * The traffic of the cookie persistence golden (fixtures/http/cookie/, captured from HAProxy 2.6 by capture.mts):
 * `cookie SRV insert indirect nocache`, `insert` with attributes, `rewrite` and `prefix`, requests without, with a
 * valid and with an unknown cookie. Two origins answer with their name and the request head they received (so the
 * golden records what the server saw), and set a cookie of their own on /setck paths.
 * Shared by the capture script (real HAProxy) and test/e2e/http/cookie.test.ts (Sluice).
 */
import net from 'node:net';
import { rawRequest, goldenDefaults } from './golden-util.ts';

export interface CookiePorts { fe: number; a: number; b: number; log: number }

export function cookieConfig(p: CookiePorts): string {
  return goldenDefaults(p.log) + `
frontend fe
    bind 127.0.0.1:${p.fe}
    use_backend rw if { path_beg /rw }
    use_backend pfx if { path_beg /pfx }
    use_backend attrs if { path_beg /attrs }
    default_backend ins

backend ins
    cookie SRV insert indirect nocache
    server s1 127.0.0.1:${p.a} cookie a
    server s2 127.0.0.1:${p.b} cookie b

backend attrs
    cookie SRV insert httponly secure domain .example.com
    server s1 127.0.0.1:${p.a} cookie a
    server s2 127.0.0.1:${p.b} cookie b

backend rw
    cookie SRV rewrite
    server s1 127.0.0.1:${p.a} cookie a
    server s2 127.0.0.1:${p.b} cookie b

backend pfx
    cookie SRV prefix
    server s1 127.0.0.1:${p.a} cookie a
    server s2 127.0.0.1:${p.b} cookie b
`;
}

/** An origin named `name`: 200 with "name\n" + the received head; /…setck… paths also set SRV=xyz. */
export function cookieOrigin(name: string): Promise<{ port: number; close(): void }> {
  const socks = new Set<net.Socket>();
  const server = net.createServer((s) => {
    socks.add(s);
    s.on('close', () => socks.delete(s));
    s.on('error', () => {});
    let acc = '';
    s.on('data', (d) => {
      acc += d.toString('latin1');
      const he = acc.indexOf('\r\n\r\n');
      if (he < 0) return;
      const head = acc.slice(0, he + 4);
      acc = '';
      const body = name + '\n' + head;
      const set = head.split('\r\n')[0]!.includes('setck') ? 'set-cookie: SRV=xyz; path=/\r\n' : '';
      s.end('HTTP/1.1 200 OK\r\ncontent-length: ' + body.length + '\r\n' + set + 'connection: close\r\n\r\n' + body);
    });
  });
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r({
    port: (server.address() as net.AddressInfo).port,
    close: () => { server.close(); for (const s of socks) s.destroy(); },
  })));
}

/** Request path and optional Cookie header of each case, in order. */
export const COOKIE_CASES: [string, string][] = [
  ['/first', ''],
  ['/second', ''],
  ['/valid-b', 'SRV=b; other=1'],
  ['/only-b', 'SRV=b'],
  ['/unknown', 'x=1; SRV=zz'],
  ['/setck-valid-a', 'SRV=a'],
  ['/attrs/new', ''],
  ['/attrs/valid', 'SRV=b'],
  ['/rw/setck', 'SRV=b'],
  ['/rw/plain', ''],
  ['/pfx/setck', 'SRV=b~abc'],
  ['/pfx/setck-none', ''],
];

/** Runs every case on its own connection; returns the raw responses (head + body with the server's view). */
export async function runCookieScenario(port: number): Promise<string[]> {
  const out: string[] = [];
  for (const [path, cookie] of COOKIE_CASES) {
    out.push(await rawRequest(port, 'GET ' + path + ' HTTP/1.1\r\nhost: ck\r\n' + (cookie !== '' ? 'cookie: ' + cookie + '\r\n' : '') + 'connection: close\r\n\r\n'));
  }
  return out;
}
