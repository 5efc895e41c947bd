/*
 * The TLS logging scenario run against Sluice (log.test.ts) and against haproxy 2.6.12 (gen-golden.ts writes
 * fixtures/ssl/logs/): handshake failures (plain HTTP and garbage to an ssl port, a client closing mid-handshake),
 * option httpslog with and without SNI, a log-format with %sslv/%sslc and the ssl_* fetches, tcplog on a TLS
 * `mode tcp` frontend, httpslog on a plain bind. Lines are compared once masked (addresses, dates, timers).
 */
import net from 'node:net';
import tls from 'node:tls';
import { readFileSync } from 'node:fs';

export const SSL_FIXTURES = new URL('../../../fixtures/ssl/', import.meta.url).pathname;

export interface LogPorts { log: number; https: number; fmt: number; tcp: number; plain: number; backend: number; quiet: number; slow: number; mtls: number; pp: number }

/** global + defaults of the TLS log configs: raw-format logs to 127.0.0.1:logPort, mode http, 5 s timeouts. */
export function rawLogHead(logPort: number): string {
  return `global
  log 127.0.0.1:${logPort} format raw local0
defaults
  mode http
  log global
  timeout client 5s
  timeout server 5s
  timeout connect 5s
`;
}

export function sslLogConfig(p: LogPorts): string {
  const F = SSL_FIXTURES;
  return `${rawLogHead(p.log)}frontend fe_https
  bind 127.0.0.1:${p.https} ssl crt ${F}certs/www.pem crt ${F}certs/api.pem name tls1
  option httpslog
  http-request return status 200 content-type text/plain string ok
frontend fe_fmt
  bind 127.0.0.1:${p.fmt} ssl crt ${F}certs ca-file ${F}ca.crt verify optional
  log-format "%ci [%tr] %ft %b/%s %ST %sslv %sslc sni=%[ssl_fc_sni] fc=%[ssl_fc] proto=%[ssl_fc_protocol] used=%[ssl_c_used] verify=%[ssl_c_verify] dn=%{+Q}[ssl_c_s_dn] idn=%{+Q}[ssl_c_i_dn] fdn=%{+Q}[ssl_f_s_dn] alpn=%[ssl_fc_alpn]"
  http-request return status 200 content-type text/plain string ok
frontend fe_tcp
  mode tcp
  bind 127.0.0.1:${p.tcp} ssl crt ${F}certs/www.pem
  option tcplog
  default_backend be_tcp
frontend fe_plain
  bind 127.0.0.1:${p.plain}
  option httpslog
  http-request return status 200 content-type text/plain string ok
frontend fe_mtls
  bind 127.0.0.1:${p.mtls} ssl crt ${F}certs/www.pem ca-file ${F}ca.crt verify required
  option httplog
  http-request return status 200 content-type text/plain string ok
frontend fe_pp
  bind 127.0.0.1:${p.pp} accept-proxy ssl crt ${F}certs/www.pem
  log-format "%ci:%cp [%tr] %ft %ST %B %[ssl_fc_sni]/%sslv src=%[src]"
  http-request return status 200 content-type text/plain string ok if { fc_rcvd_proxy }
  http-request return status 403 content-type text/plain string no
frontend fe_quiet
  bind 127.0.0.1:${p.quiet} ssl crt ${F}certs/www.pem
  option httplog
  option dontlognull
  timeout client 300ms
  http-request return status 200 content-type text/plain string ok
frontend fe_slow
  bind 127.0.0.1:${p.slow} ssl crt ${F}certs/www.pem
  option httplog
  timeout client 300ms
  http-request return status 200 content-type text/plain string ok
backend be_tcp
  mode tcp
  server s1 127.0.0.1:${p.backend}
`;
}

function rawSend(port: number, data: string | null): Promise<void> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1', () => { if (data === null) s.end(); else s.end(data); });
    const guard = setTimeout(() => s.destroy(), 2000);
    s.on('data', () => {});
    s.on('error', () => {});
    s.on('close', () => { clearTimeout(guard); resolve(); });
  });
}

/** A TLS request (HTTP/1.1 GET, Connection: close); resolves with the response text. */
export function tlsGet(port: number, path: string, opts: tls.ConnectionOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false, ...opts }, () => {
      s.write(`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    });
    const chunks: Buffer[] = [];
    const guard = setTimeout(() => { s.destroy(); reject(new Error('tlsGet timeout')); }, 3000);
    s.on('data', (d) => chunks.push(d));
    s.on('error', (e) => { clearTimeout(guard); reject(e); });
    s.on('close', () => { clearTimeout(guard); resolve(Buffer.concat(chunks).toString('latin1')); });
  });
}

function plainGet(port: number, path: string): Promise<void> {
  return rawSend(port, `GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The client side of the scenario, one step after the other (each logs one line). */
export async function runSslLogScenario(p: LogPorts): Promise<void> {
  const clientCert = { cert: readFileSync(SSL_FIXTURES + 'client.crt'), key: readFileSync(SSL_FIXTURES + 'client.key') };
  await rawSend(p.https, 'GET / HTTP/1.0\r\n\r\n');               // plain HTTP on an ssl port
  await sleep(50);
  await rawSend(p.https, null);                                    // closed before any handshake byte
  await sleep(50);
  await rawSend(p.fmt, '\x16\x03\x01\x00\x05hello-garbage');       // a broken ClientHello
  await sleep(50);
  await tlsGet(p.https, '/sni', { servername: 'api.example.com', ALPNProtocols: ['http/1.1'] });
  await sleep(50);
  await tlsGet(p.https, '/nosni', { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', ciphers: 'ECDHE-RSA-AES128-GCM-SHA256' });
  await sleep(50);
  await tlsGet(p.fmt, '/fmt', { servername: 'www.example.com' });
  await sleep(50);
  await tlsGet(p.fmt, '/cert', { servername: 'api.example.com', ...clientCert });
  await sleep(50);
  // verify optional with a self-signed client certificate: refused ("SSL client certificate not trusted")
  await tlsGet(p.fmt, '/selfsigned', { servername: 'www.example.com', cert: readFileSync(SSL_FIXTURES + 'other.crt'), key: readFileSync(SSL_FIXTURES + 'other.key') }).catch(() => '');
  await sleep(50);
  await tlsGet(p.tcp, '/tcp', {});
  await sleep(50);
  await plainGet(p.plain, '/plain');
  await sleep(50);
  // option dontlognull: the bad handshake is logged, the silent close and the silent timeout are not
  await rawSend(p.quiet, 'GET / HTTP/1.0\r\n\r\n');
  await rawSend(p.quiet, null);
  await silent(p.quiet, 450);
  await sleep(50);
  await silent(p.slow, 450);                                       // "Timeout during SSL handshake" after timeout client
  await sleep(50);
  // verify required: no certificate, then one from an unknown CA ("SSL client certificate not trusted"), TLS 1.2 and 1.3
  const other = { cert: readFileSync(SSL_FIXTURES + 'other.crt'), key: readFileSync(SSL_FIXTURES + 'other.key') };
  for (const v of ['TLSv1.2', 'TLSv1.3'] as const) {
    await tlsGet(p.mtls, '/none', { maxVersion: v }).catch(() => '');
    await sleep(30);
    await tlsGet(p.mtls, '/other', { maxVersion: v, ...other }).catch(() => '');
    await sleep(30);
  }
  await tlsGet(p.mtls, '/ok', { ...clientCert });
  await sleep(50);
  // accept-proxy ssl: a PROXY v1 header then TLS, a header then plain HTTP (handshake failure), a v2 header then TLS
  await proxiedTls(p.pp, Buffer.from('PROXY TCP4 203.0.113.7 198.51.100.1 40000 443\r\n'), true);
  await sleep(30);
  await proxiedTls(p.pp, Buffer.from('PROXY TCP4 203.0.113.8 198.51.100.1 40001 443\r\n'), false);
  await sleep(30);
  await proxiedTls(p.pp, Buffer.concat([Buffer.from('0d0a0d0a000d0a515549540a', 'hex'), Buffer.from([0x21, 0x11, 0, 12, 192, 0, 2, 9, 198, 51, 100, 1, 0x9c, 0x40, 0x01, 0xbb])]), true);
}

/** A PROXY header, then a TLS request on the same connection (or plain HTTP when `useTls` is false). */
function proxiedTls(port: number, header: Buffer, useTls: boolean): Promise<void> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1', () => {
      s.write(header);
      if (!useTls) { s.end('GET / HTTP/1.0\r\n\r\n'); return; }
      const t = tls.connect({ socket: s, servername: 'www.example.com', rejectUnauthorized: false }, () => {
        t.write('GET /pp HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
      });
      t.on('data', () => {});
      t.on('error', () => {});
      t.on('close', () => resolve());
    });
    const guard = setTimeout(() => { s.destroy(); resolve(); }, 3000);
    s.on('error', () => {});
    s.on('close', () => { clearTimeout(guard); if (!useTls) resolve(); });
  });
}

/** Connects and sends nothing for `ms` (the handshake timeout is `timeout client`). */
function silent(port: number, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    const guard = setTimeout(() => { s.destroy(); resolve(); }, ms);
    s.on('error', () => {});
    s.on('close', () => { clearTimeout(guard); resolve(); });
  });
}

/** Masks what differs between runs: client address, dates, timers; keeps everything HAProxy-specific. */
export function maskSslLog(line: string): string {
  return line
    .replace(/^127\.0\.0\.1:\d+ /, '127.0.0.1:PORT ')
    .replace(/^127\.0\.0\.1 /, '127.0.0.1 ')
    .replace(/\[\d\d\/\w\w\w\/\d{4}:\d\d:\d\d:\d\d\.\d{3}\]/, '[DATE]')
    .replace(/ -?\d+\/-?\d+\/-?\d+\/-?\d+\/\+?-?\d+ /, ' T/T/T/T/T ')
    .replace(/ -?\d+\/-?\d+\/\+?-?\d+ /, ' T/T/T ')
    .replace(/ \d+\/\d+\/\d+\/\d+\/\d+ \d+\/\d+ /, ' CONNS ');
}
