/*
 * The traffic of the HTTP counters golden (fixtures/http/counters/, captured from HAProxy 2.6 by capture.ts there):
 * one keep-alive connection carrying GET, 404, chunked response, Content-Length and chunked POSTs, a deny, a redirect,
 * a 503 without server and a forwardfor backend; a bad request; a `listen` request; then `show stat` and the log lines.
 * Shared by the capture script (real HAProxy) and test/e2e/http/counters.test.ts (Sluice), so both see the same bytes.
 */
import net from 'node:net';
import { cliCommand } from '../stats/traffic.ts';
import { logCollector } from './harness.ts';
import { goldenDefaults } from './golden-util.ts';

export interface CountersPorts { fe: number; ls: number; srv: number; log: number }

/** The configuration, with @SOCK@ and ports filled. */
export function countersConfig(sock: string, p: CountersPorts): string {
  return `global
    stats socket ${sock} mode 600 level admin

` + goldenDefaults(p.log) + `
frontend fe
    bind 127.0.0.1:${p.fe}
    http-request deny if { path /deny }
    redirect location /new if { path /old }
    use_backend bk_empty if { path_beg /empty }
    use_backend bk_ff if { path_beg /ff }
    default_backend bk

backend bk
    server s1 127.0.0.1:${p.srv}

backend bk_ff
    option forwardfor
    server f1 127.0.0.1:${p.srv}

backend bk_empty

listen ls
    bind 127.0.0.1:${p.ls}
    server t1 127.0.0.1:${p.srv}
`;
}

/**
 * A keep-alive origin: /chunked answers chunked, /e404 a 404, anything else 200 "ok\n"; request bodies (length or
 * chunked) are read before answering. Returns the server, its port and close() (also drops kept-alive connections).
 */
export function countersOrigin(): Promise<{ server: net.Server; port: number; close(): void }> {
  const socks = new Set<net.Socket>();
  const server = net.createServer((s) => {
    socks.add(s);
    s.on('close', () => socks.delete(s));
    s.on('error', () => {});
    let buf = Buffer.alloc(0);
    s.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      for (;;) {
        const he = buf.indexOf('\r\n\r\n');
        if (he < 0) return;
        const head = buf.toString('latin1', 0, he).toLowerCase();
        let end = he + 4;
        const cl = /\r\ncontent-length: *(\d+)/.exec(head);
        if (cl) end += Number(cl[1]);
        else if (head.includes('transfer-encoding: chunked')) {
          const z = buf.indexOf('\r\n0\r\n\r\n', he);
          if (z < 0) return;
          end = z + 7;
        }
        if (buf.length < end) return;
        buf = buf.subarray(end);
        const path = head.slice(head.indexOf(' ') + 1, head.indexOf(' ', head.indexOf(' ') + 1));
        if (path === '/chunked') s.write('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n');
        else if (path === '/e404') s.write('HTTP/1.1 404 Not Found\r\ncontent-length: 3\r\n\r\nnf\n');
        else s.write('HTTP/1.1 200 OK\r\ncontent-length: 3\r\n\r\nok\n');
      }
    });
  });
  const close = (): void => { server.close(); for (const s of socks) s.destroy(); };
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r({ server, port: (server.address() as net.AddressInfo).port, close })));
}

/**
 * Writes `reqs` one after the other on one connection, waiting for each response; returns the status lines (the
 * whole responses with `full`).
 */
export function sequence(port: number, reqs: string[], close: boolean, full = false): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const c = net.connect(port, '127.0.0.1');
    const out: string[] = [];
    let acc = '';
    let i = 0;
    const t = setTimeout(() => { c.destroy(); reject(new Error('sequence timeout at ' + i + ': ' + acc)); }, 5000);
    const next = (): void => {
      if (i === reqs.length) { clearTimeout(t); if (close) c.end(); else c.destroy(); resolve(out); return; }
      c.write(reqs[i]!);
    };
    c.on('data', (d) => {
      acc += d.toString('latin1');
      if (!responseComplete(acc)) return;
      out.push(full ? acc : acc.slice(0, acc.indexOf('\r\n')));
      acc = '';
      i++;
      next();
    });
    c.on('error', (e) => { clearTimeout(t); reject(e); });
    c.on('close', () => { clearTimeout(t); if (i < reqs.length) { out.push(acc.slice(0, acc.indexOf('\r\n'))); resolve(out); } });
    c.on('connect', next);
  });
}

function responseComplete(s: string): boolean {
  const he = s.indexOf('\r\n\r\n');
  if (he < 0) return false;
  const head = s.slice(0, he).toLowerCase();
  const cl = /\r\ncontent-length: *(\d+)/.exec(head);
  if (cl) return s.length >= he + 4 + Number(cl[1]);
  if (head.includes('transfer-encoding: chunked')) return s.endsWith('\r\n0\r\n\r\n');
  return true;
}

/** One CLI command on the unix socket (the stats e2e helper). */
export const cli = cliCommand;

/** A UDP log collector (message bodies after the syslog header): the HTTP e2e harness's. */
export const countersLogs = logCollector;

const H = 'host: counters\r\n';

/** Runs the traffic; returns the status lines seen and `show stat`. */
export async function runCountersScenario(sock: string, p: CountersPorts): Promise<{ statuses: string[]; stat: string }> {
  const statuses = await sequence(p.fe, [
    'GET /a HTTP/1.1\r\n' + H + '\r\n',
    'GET /e404 HTTP/1.1\r\n' + H + 'user-agent: counters-test\r\n\r\n',
    'GET /chunked HTTP/1.1\r\n' + H + '\r\n',
    'POST /post HTTP/1.1\r\n' + H + 'content-length: 10\r\n\r\n0123456789',
    'POST /post-chunked HTTP/1.1\r\n' + H + 'transfer-encoding: chunked\r\n\r\n4\r\nabcd\r\n3\r\nefg\r\n0\r\n\r\n',
    'GET /deny HTTP/1.1\r\n' + H + '\r\n',
    'GET /old HTTP/1.1\r\n' + H + '\r\n',
    'GET /empty HTTP/1.1\r\n' + H + '\r\n',
    'GET /ff/x HTTP/1.1\r\n' + H + 'connection: close\r\n\r\n',
  ], true);
  statuses.push(...await sequence(p.fe, ['GARBAGE\r\n\r\n'], true));
  statuses.push(...await sequence(p.ls, ['GET /l HTTP/1.0\r\n' + H + '\r\n'], true));
  await new Promise((r) => setTimeout(r, 150));
  return { statuses, stat: await cli(sock, 'show stat') };
}
