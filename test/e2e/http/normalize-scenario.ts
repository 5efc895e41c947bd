/*
 * Scheme-based normalisation cases (fixtures/http/normalize, captured from HAProxy 2.6 by capture.mts there): each
 * request line and Host header ('' for none), and what the server received (request line | host line) or the status
 * when refused.
 * Shared with test/e2e/http/normalize.test.ts.
 */
import net from 'node:net';

export const NORM_CASES: [string, string][] = [
  ['CONNECT example.com:443', 'example.com:443'], ['CONNECT example.com:8443', 'example.com:8443'],
  ['CONNECT example.com:80', 'example.com:80'], ['CONNECT example.com:443', 'other:443'],
  ['GET http://example.com:80/x', 'example.com:80'], ['GET http://example.com:443/x', 'example.com:443'],
  ['GET https://example.com:443/x', 'example.com:443'], ['GET http://example.com/x', 'example.com:80'],
  ['GET /x', 'example.com:80'], ['GET http://Example.com:80', 'Example.com:80'], ['GET http://h:80?q=1', 'h:80'],
  ['GET http://h?q=1', ''], ['GET http://h:80?q=1', ''], ['GET http://h?q', 'h?q'], ['GET http://h?q/x', 'h?q'],
  ['GET http://u@h/x', 'h'], ['GET http://h', ''],
];

export function normConfig(fe: number, srv: number): string {
  return `defaults\n mode http\n timeout connect 1s\n timeout client 3s\n timeout server 3s\nfrontend fe\n bind 127.0.0.1:${fe}\n default_backend b\nbackend b\n server s 127.0.0.1:${srv}\n`;
}

/** An origin remembering the first two lines of the last head it got. */
export async function normOrigin(): Promise<{ port: number; last: () => string; reset: () => void; close: () => void }> {
  let last = '';
  const srv = net.createServer((c) => {
    c.on('error', () => {});
    let a = '';
    c.on('data', (d) => { a += d.toString('latin1'); if (a.includes('\r\n\r\n')) { last = a.split('\r\n').slice(0, 2).join(' | '); c.end('HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n'); } });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return { port: (srv.address() as net.AddressInfo).port, last: () => last, reset: () => { last = '(none)'; }, close: () => srv.close() };
}

/** One line per case: "request | host => status || what the server saw". */
export async function runNormScenario(fe: number, o: { last: () => string; reset: () => void }): Promise<string[]> {
  const out: string[] = [];
  for (const [u, h] of NORM_CASES) {
    o.reset();
    const st = await new Promise<string>((res) => {
      const c = net.connect(fe, '127.0.0.1');
      const parts: Buffer[] = [];
      c.on('error', () => {});
      // a whole response head ends the case (a CONNECT's 200 leaves the tunnel open); the guard only bounds a hang
      const guard = setTimeout(() => done(), 5000);
      const done = (): void => { clearTimeout(guard); c.destroy(); res(Buffer.concat(parts).toString('latin1').split('\r\n')[0]!); };
      c.on('data', (d) => { parts.push(d); if (Buffer.concat(parts).includes('\r\n\r\n')) done(); });
      c.on('close', done);
      c.write(u + ' HTTP/1.1\r\n' + (h === '' ? '' : 'host: ' + h + '\r\n') + '\r\n');
    });
    out.push((u + ' | ' + h + ' => ' + st + ' || ' + o.last()).trimEnd());
  }
  return out;
}
