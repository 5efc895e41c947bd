/*
 * The `tcp-request` scenario shared by test/e2e/tcp/rules.test.ts (in-process Sluice) and
 * fixtures/proxy/tcp-request/capture.ts (real HAProxy 2.6): connection/session/content accept-reject, inspect-delay,
 * WAIT_END, SNI routing with use_backend in mode tcp, a backend content rule. Compares log lines, what each client
 * saw (data, reset or clean close, how long it waited) and the frontends' counters in `show stat`.
 */
import { connect, createServer } from 'node:net';
import type { Server as NetServer, Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';

export interface RulesPorts {
  conn: number; sess: number; cont: number; wait: number; route: number; echo: number; a: number; b: number; log: number;
}

export function rulesConfig(p: RulesPorts, sock: string): string {
  return `global
  log 127.0.0.1:${p.log} local0
  stats socket ${sock} level admin
defaults d
  mode tcp
  log global
  option tcplog
  timeout connect 1s
  timeout client 3s
  timeout server 3s
frontend conn
  bind 127.0.0.1:${p.conn}
  tcp-request connection reject if { src 127.0.0.1 }
  default_backend echo
frontend sess
  bind 127.0.0.1:${p.sess}
  tcp-request connection accept if { src 10.0.0.0/8 }
  tcp-request session reject if { src 127.0.0.1 } { dst_port ${p.sess} }
  default_backend echo
frontend cont
  bind 127.0.0.1:${p.cont}
  tcp-request inspect-delay 400ms
  tcp-request content reject if { req.payload(0,3) -m str BAD }
  tcp-request content accept if { req.len ge 4 }
  default_backend echo
frontend wait
  bind 127.0.0.1:${p.wait}
  tcp-request inspect-delay 250ms
  tcp-request content accept if WAIT_END
  default_backend echo
frontend route
  bind 127.0.0.1:${p.route}
  tcp-request inspect-delay 1s
  tcp-request content accept if { req_ssl_hello_type 1 }
  use_backend a if { req_ssl_sni -i a.example.com }
  default_backend b
backend echo
  server e 127.0.0.1:${p.echo}
backend a
  server a 127.0.0.1:${p.a}
backend b
  tcp-request content reject if { req.payload(0,4) -m str DENY }
  server b 127.0.0.1:${p.b}
`;
}

/** Echo server and two servers answering their name to the first chunk. */
export async function rulesServers(): Promise<{ servers: NetServer[]; echo: number; a: number; b: number }> {
  const listen = async (fn: (s: Socket) => void) => {
    const srv = createServer({ allowHalfOpen: true }, (s) => { s.on('error', () => {}); fn(s); });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    return srv;
  };
  const e = await listen((s) => s.pipe(s));
  const a = await listen((s) => s.once('data', () => { s.resume(); s.end('A\n'); }));
  const b = await listen((s) => s.once('data', () => { s.resume(); s.end('B\n'); }));
  const port = (x: NetServer) => (x.address() as { port: number }).port;
  return { servers: [e, a, b], echo: port(e), a: port(a), b: port(b) };
}

/** A real TLS ClientHello asking for `servername`, captured on loopback. */
export async function clientHello(servername: string): Promise<Buffer> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  const got = new Promise<Buffer>((resolve) => srv.once('connection', (s) => {
    const parts: Buffer[] = [];
    s.on('error', () => {});
    s.on('data', (d) => {
      parts.push(d);
      const b = Buffer.concat(parts);
      if (b.length >= 5 && b.length >= 5 + b.readUInt16BE(3)) { resolve(b); s.destroy(); }
    });
  }));
  const c = tlsConnect({ host: '127.0.0.1', port, servername, rejectUnauthorized: false });
  c.on('error', () => {});
  const hello = await got;
  c.destroy();
  srv.close();
  return hello;
}

export interface ClientResult { got: string; err: string; slow: boolean }

/** Sends `data`, half-closes after `holdMs`, and reports what came back; `slow` = closed after 200 ms or more. */
function client(port: number, data: Buffer | string, holdMs: number): Promise<ClientResult> {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const c = connect(port, '127.0.0.1');
    let got = '';
    let err = '';
    const t = setTimeout(() => c.destroy(), 4000);
    c.on('connect', () => { c.write(data); setTimeout(() => { if (!c.destroyed) c.end(); }, holdMs); });
    c.on('data', (d) => { got += d.toString('latin1'); });
    c.on('error', (e: NodeJS.ErrnoException) => { err = e.code ?? 'error'; });
    c.on('close', () => { clearTimeout(t); resolve({ got, err, slow: Date.now() - t0 >= 200 }); });
  });
}

/** The clients, one after the other (fixed log order). */
export async function rulesClients(p: RulesPorts): Promise<ClientResult[]> {
  const helloA = await clientHello('a.example.com');
  const helloZ = await clientHello('z.example.com');
  const out: ClientResult[] = [];
  out.push(await client(p.conn, 'hello', 100));
  out.push(await client(p.sess, 'hello', 100));
  out.push(await client(p.cont, 'BADx', 100));     // rejected at once (PR)
  out.push(await client(p.cont, 'GOOD', 100));     // accepted at once
  out.push(await client(p.cont, 'ab', 700));       // undecided until the inspect delay ends, then accepted
  out.push(await client(p.wait, 'ab', 500));       // WAIT_END
  out.push(await client(p.route, helloA, 100));    // SNI a.example.com -> backend a
  out.push(await client(p.route, helloZ, 100));    // other SNI -> default backend b
  out.push(await client(p.route, 'plain', 100));   // not TLS: the accept rule fails for good, default backend b
  out.push(await client(p.route, 'DENY', 100));    // backend b's content rule rejects
  return out;
}

/** `show stat` columns the scenario checks, for the frontends and backends. */
export const STAT_COLS = ['scur', 'smax', 'stot', 'bin', 'bout', 'dreq', 'dcon', 'dses', 'conn_tot', 'ereq', 'econ'];
