/*
 * The h1-case-adjust golden (fixtures/http/case-adjust, captured from HAProxy 2.6.12 by capture.mts there): header
 * names adjusted by `h1-case-adjust` with `option h1-case-adjust-bogus-client` (frontend: responses, trailers, 1xx,
 * the connection header the H1 layer adds, local replies, redirects; not the parser's 400) and
 * `option h1-case-adjust-bogus-server` (backend: requests, forwardfor, request trailers). One text block per case:
 * the reply bytes and the bytes the origin received. Shared with test/e2e/http/case-adjust.test.ts.
 */
import net from 'node:net';
// @ts-expect-error plain JS fixture module: the client the HTTP goldens are captured with
import { exchange } from '../../../fixtures/http/capture.mjs';
import { freeLoopbackPort } from './golden-util.ts';

export function caseAdjustConfig(p: { fe: number; srv: number }): string {
  return `global
    h1-case-adjust content-length Content-Length
    h1-case-adjust x-foo X-FOO
    h1-case-adjust connection CONNECTION
    h1-case-adjust transfer-encoding Transfer-Encoding
    h1-case-adjust host HoSt
    h1-case-adjust x-t X-t
    h1-case-adjust content-type Content-TYPE
    h1-case-adjust x-forwarded-for X-Forwarded-FOR
    h1-case-adjust location LOCATION
    h1-case-adjust x-r X-R

defaults
    mode http
    timeout connect 1s
    timeout client 2s
    timeout server 1s

frontend fe
    bind 127.0.0.1:${p.fe}
    option h1-case-adjust-bogus-client
    http-request return status 200 content-type text/plain string ok hdr X-R v if { path /ret }
    http-request deny if { path /deny }
    http-request redirect location /x if { path /redir }
    use_backend plain if { path_beg /plain/ }
    default_backend be

backend be
    option h1-case-adjust-bogus-server
    option forwardfor
    server s1 127.0.0.1:${p.srv}

backend plain
    server s1 127.0.0.1:${p.srv}
`;
}

/** Scripted replies by the path's last part; anything else gets an empty 200. */
const REPLIES: Record<string, string[]> = {
  cl: ['HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-Foo: a\r\nx-bar: b\r\n\r\nok'],
  ch: ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-Foo: a\r\n\r\n2\r\nok\r\n0\r\nX-T: 1\r\nx-u: 2\r\n\r\n'],
  eof: ['HTTP/1.1 200 OK\r\nX-Foo: a\r\n\r\nok', 'close'],
  r10: ['HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok'],
  r100: ['HTTP/1.1 100 Continue\r\nX-Foo: a\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'],
};

export const CASE_ADJUST_CASES: [string, string][] = [
  ...Object.keys(REPLIES).map((k): [string, string] => [k, `GET /r/${k} HTTP/1.1\r\nHost: a\r\nX-Foo: q\r\nX-Other: o\r\n\r\n`]),
  ['req-body', 'POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\nX-FOO: z\r\n\r\nhi'],
  ['req-chunked-trailer', 'POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\nx-t: 9\r\n\r\n'],
  ['req-http10', 'GET /r/cl HTTP/1.0\r\nConnection: keep-alive\r\n\r\n'],
  ['req-close', 'GET /r/cl HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n'],
  ['return', 'GET /ret HTTP/1.1\r\nHost: a\r\n\r\n'],
  ['deny', 'GET /deny HTTP/1.1\r\nHost: a\r\n\r\n'],
  ['redirect', 'GET /redir HTTP/1.1\r\nHost: a\r\n\r\n'],
  ['bad-request', 'GET /a b HTTP/1.1\r\nHost: a\r\n\r\n'],
  ['backend-without-option', 'GET /plain/cl HTTP/1.1\r\nHost: a\r\nX-Foo: q\r\n\r\n'],
];

function origin(received: Buffer[]): Promise<{ port: number; close(): void }> {
  const socks = new Set<net.Socket>();
  const srv = net.createServer((s) => {
    socks.add(s);
    s.on('close', () => socks.delete(s));
    s.on('error', () => {});
    let buf = '';
    s.on('data', (d) => {
      received.push(d);
      buf += d.toString('latin1');
      const h = buf.indexOf('\r\n\r\n');
      if (h < 0) return;
      const m = /^\S+ \/(?:r|plain)\/(\w+)/.exec(buf);
      buf = '';
      const r = m !== null ? REPLIES[m[1]] : undefined;
      if (r === undefined) { s.write('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'); return; }
      for (const x of r) { if (x === 'close') s.end(); else s.write(Buffer.from(x, 'latin1')); }
    });
  });
  return new Promise((res) => srv.listen(0, '127.0.0.1', () => res({
    port: (srv.address() as net.AddressInfo).port,
    close: () => { srv.close(); for (const s of socks) s.destroy(); },
  })));
}

/** Runs the cases against the proxy `start` launches, one connection each; one text block per case. */
export async function runCaseAdjust(start: (cfg: string) => Promise<() => Promise<void> | void>): Promise<string[]> {
  const received: Buffer[] = [];
  const o = await origin(received);
  const fe = await freeLoopbackPort();
  const stop = await start(caseAdjustConfig({ fe, srv: o.port }));
  const out: string[] = [];
  for (const [name, raw] of CASE_ADJUST_CASES) {
    received.length = 0;
    const r = await exchange(fe, [raw], 300, false) as { buf: Buffer; closed: boolean };
    out.push(`${name} (${r.closed ? 'closed' : 'open'})\n${JSON.stringify(r.buf.toString('latin1'))}\nup ${JSON.stringify(Buffer.concat(received).toString('latin1'))}`);
  }
  await stop();
  o.close();
  return out;
}
