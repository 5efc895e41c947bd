/*
 * `tcp-check connect ssl [sni <name>] [alpn <list>]` (also with `port`) as haproxy 2.6.12: the check goes over TLS with
 * that server name and ALPN list, a connect-only check is "Layer6 check passed", a plain server fails with "SSL
 * handshake failure at step 1 of tcp-check (connect)". Each backend of fixtures/proxy/tcp-check-ssl/checks.cfg is
 * probed against servers like origin.cjs and must get 2.6.12's verdict and reason (haproxy-health.txt), and the TLS
 * server must be asked for the same name and protocol (origin.txt).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server as NetServer, type Socket } from 'node:net';
import { createServer as tlsServer } from 'node:tls';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { setCheckTlsConnector } from '../../../proxy/checks/probe.ts';
import { sslCheckConnect } from '../../../proxy/ssl/checks.ts';
import type { Proxy } from '../../../proxy/model/types.ts';
import { checkVerdicts, loadWithServers } from './probe-util.ts';

const fx = (f: string) => readFileSync(new URL('../../../fixtures/proxy/tcp-check-ssl/' + f, import.meta.url), 'latin1');
const ssl = (f: string) => readFileSync(new URL('../../../fixtures/ssl/' + f, import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'sluice-tcpchkssl-'));
const servers: NetServer[] = [];
const asked: string[] = [];
let backends: Map<string, Proxy>;

function answer(c: Socket): void {
  c.on('error', () => {});
  c.on('data', (d) => c.write(d.toString().includes('PING') ? '+PONG\r\n' : 'nope\r\n'));
}

before(async () => {
  setCheckTlsConnector(sslCheckConnect);          // as proxy/modules.ts wireRuntime() does
  const t = tlsServer({ key: ssl('api.key'), cert: ssl('api.crt'), ALPNProtocols: ['h2', 'http/1.1'] }, (c) => {
    if (c.servername) asked.push(`asked: ${c.servername} ${c.alpnProtocol}`);
    answer(c);
  });
  t.on('tlsClientError', () => {});
  const p = createServer(answer);
  servers.push(t, p);
  backends = await loadWithServers(fx('checks.cfg'), [[t, 18981], [p, 18982]], dir);
});

after(() => { for (const s of servers) s.close(); rmSync(dir, { recursive: true, force: true }); });

test('tcp-check connect ssl/sni/alpn: verdicts, reasons and the name and protocol asked, as haproxy 2.6.12', async () => {
  const { want, got } = await checkVerdicts(fx('haproxy-health.txt'), backends, false);
  assert.equal(want.length, 4);
  assert.deepEqual(got, want);
  assert.deepEqual([...new Set(asked)], [...new Set(fx('origin.txt').trimEnd().split('\n'))]);
});
