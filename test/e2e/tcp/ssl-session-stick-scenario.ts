/*
 * SSL session-id affinity in mode tcp, the configuration of 2.6's `stick store-response` example: req_ssl_hello_type
 * / rep_ssl_hello_type ACLs, `tcp-response content accept if serverhello`, `stick on payload_lv(43,1)` and `stick
 * store-response payload_lv(43,1)` (the id a ServerHello gives, learnt on the response). Two TLS 1.2 servers with their
 * own session caches (no tickets): a resumed session must come back to the server that made it. Lines: server name
 * and whether the session was resumed, per connection. Shared by the test and capture.ts (fixtures/proxy/ssl-session-stick).
 */
import tls from 'node:tls';
import net from 'node:net';
import { constants } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** `resDelay`: with `tcp-response inspect-delay 5s` (the ServerHello is waited for), else the documentation's example. */
export function sslStickConfig(fe: number, srv: readonly number[], resDelay: boolean): string {
  return `defaults\n mode tcp\n timeout connect 1s\n timeout client 3s\n timeout server 3s\n` +
    `frontend fe\n bind 127.0.0.1:${fe}\n default_backend https\n` +
    `backend https\n balance roundrobin\n stick-table type binary len 32 size 30k expire 30m\n` +
    ` acl clienthello req_ssl_hello_type 1\n acl serverhello rep_ssl_hello_type 2\n` +
    ` tcp-request inspect-delay 5s\n tcp-request content accept if clienthello\n` +
    (resDelay ? ' tcp-response inspect-delay 5s\n' : '') + ` tcp-response content accept if serverhello\n` +
    ` stick on payload_lv(43,1) if clienthello\n stick store-response payload_lv(43,1) if serverhello\n` +
    ` server s1 127.0.0.1:${srv[0]}\n server s2 127.0.0.1:${srv[1]}\n`;
}

const dir = new URL('../../../fixtures/ssl/', import.meta.url);

/** Two TLS 1.2 servers writing their name, each with its own session-id cache. */
export async function sslStickServers(): Promise<{ ports: number[]; close: () => void }> {
  const key = readFileSync(new URL('api.key', dir)), cert = readFileSync(new URL('api.crt', dir));
  const servers: tls.Server[] = [];
  const ports: number[] = [];
  for (const name of ['s1', 's2']) {
    const cache = new Map<string, Buffer>();
    const srv = tls.createServer({ key, cert, maxVersion: 'TLSv1.2', secureOptions: constants.SSL_OP_NO_TICKET }, (c) => {
      c.on('error', () => {});
      c.write(name);
    });
    srv.on('newSession', (id: Buffer, data: Buffer, cb: () => void) => { cache.set(id.toString('hex'), data); cb(); });
    srv.on('resumeSession', (id: Buffer, cb: (e: null, d: Buffer | null) => void) => { cb(null, cache.get(id.toString('hex')) ?? null); });
    srv.on('tlsClientError', () => {});
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    servers.push(srv);
    ports.push((srv.address() as net.AddressInfo).port);
  }
  return { ports, close: () => { for (const s of servers) s.close(); } };
}

function connect(port: number, session: Buffer | undefined): Promise<{ line: string; session: Buffer | undefined }> {
  return new Promise((res) => {
    let sess: Buffer | undefined;
    const c = tls.connect({ port, host: '127.0.0.1', rejectUnauthorized: false, maxVersion: 'TLSv1.2', session });
    c.on('session', (s) => { sess = s; });
    let got = '', reused = false;
    c.on('secureConnect', () => { reused = c.isSessionReused(); });     // null once closed
    c.on('data', (d) => { got += d.toString(); c.end(); });
    c.on('error', (e) => { got += '<' + (e as NodeJS.ErrnoException).code + '>'; });
    const t = setTimeout(() => c.destroy(), 2000);
    c.on('close', () => { clearTimeout(t); res({ line: `${got} ${reused ? 'resumed' : 'new'}`, session: sess }); });
  });
}

/** New session, resumed, new, resumed again, resumed (the first one's session each time). */
export async function runSslStick(port: number): Promise<string[]> {
  const out: string[] = [];
  const a = await connect(port, undefined);
  out.push(a.line);
  for (const reuse of [true, false, true, true]) out.push((await connect(port, reuse ? a.session : undefined)).line);
  return out;
}
