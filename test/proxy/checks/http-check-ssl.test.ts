/*
 * `http-check connect ssl [sni <name>] [alpn http/1.1]` as haproxy 2.6.12: the HTTP check goes over TLS with that
 * name and ALPN, a plain server fails "SSL handshake failure" (L6RSP). Backends of fixtures/proxy/http-check-ssl/
 * checks.cfg probed against servers like origin.cjs: 2.6.12's verdicts and reasons (haproxy-health.txt) and what the
 * TLS server was asked (origin.txt).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server as NetServer, type Socket } from 'node:net';
import { createServer as tlsServer } from 'node:tls';
import { readFileSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { loadConfig, CFG_ALERT } from '../../../proxy/config/loader.ts';
import { buildRegistry } from '../../../proxy/modules.ts';
import { setCheckTlsConnector } from '../../../proxy/checks/probe.ts';
import { sslCheckConnect } from '../../../proxy/ssl/checks.ts';
import type { Proxy } from '../../../proxy/model/types.ts';
import { checkVerdicts, loadWithServers } from './probe-util.ts';

const fx = (f: string) => readFileSync(new URL('../../../fixtures/proxy/http-check-ssl/' + f, import.meta.url), 'latin1');
const ssl = (f: string) => readFileSync(new URL('../../../fixtures/ssl/' + f, import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'sluice-httpchkssl-'));
const servers: NetServer[] = [];
const seen: string[] = [];
let backends: Map<string, Proxy>;

function answer(c: Socket): void {
  c.on('error', () => {});
  c.on('data', (d) => {
    const l = d.toString('latin1').split('\r\n')[0];
    if (l.startsWith('GET')) seen.push('req ' + l.slice(0, 40));
    c.end('HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n');
  });
}

before(async () => {
  setCheckTlsConnector(sslCheckConnect);          // as proxy/modules.ts wireRuntime() does
  const t = tlsServer({ key: ssl('api.key'), cert: ssl('api.crt'), ALPNProtocols: ['h2', 'http/1.1'] }, (c) => {
    seen.push(`tls ${c.servername} ${c.alpnProtocol}`);
    answer(c);
  });
  t.on('tlsClientError', () => {});
  const p = createServer(answer);
  servers.push(t, p);
  backends = await loadWithServers(fx('checks.cfg'), [[t, 18985], [p, 18986]], dir);
});

after(() => { for (const s of servers) s.close(); rmSync(dir, { recursive: true, force: true }); });

test('http-check connect ssl/sni/alpn http/1.1: verdicts, reasons and what the server is asked, as haproxy 2.6.12', async () => {
  const { want, got } = await checkVerdicts(fx('haproxy-health.txt'), backends, false);
  assert.equal(want.length, 2);
  assert.deepEqual(got, want);
  assert.deepEqual(seen, fx('origin.txt').trimEnd().split('\n'));
});

test('http-check connect alpn other than http/1.1 is refused by name (sluice checks speak HTTP/1.1)', () => {
  const f = join(dir, 'bad.cfg');
  writeFileSync(f, 'backend b\n  option httpchk\n  http-check connect ssl alpn h2\n  server s 127.0.0.1:1 check\n');
  const a = loadConfig([f], buildRegistry()).messages.filter((m) => m.level === CFG_ALERT).map((m) => m.text);
  assert.match(a[0] ?? '', /'http-check connect' : 'alpn h2' is not supported by sluice yet/);
});
