/*
 * OpenShift-router-style TLS passthrough in a tcp frontend: 'use_backend %[req.ssl_sni,lower,map_reg(<map>)] if sni
 * sni_passthrough' picks the backend from the ClientHello's server name through a map, as haproxy 2.6.12 does (checked
 * with openssl s_client: API.example.com -> be_api, another name -> be_sni, no SNI -> be_no_sni). Sluice skipped
 * dynamic use_backend rules in tcp mode and did not know req.ssl_sni in rule values.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server as NetServer, type AddressInfo } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { startSluice, stopSluice, freePort, waitFor } from '../proxy-util.ts';
import type { Runtime } from '../../../proxy/runtime.ts';
import { testDefaults } from './defaults.ts';

const dir = mkdtempSync(join(tmpdir(), 'sluice-sni-'));
const seen: string[] = [];
const servers: NetServer[] = [];
let rt: Runtime | null = null;
after(async () => {
  if (rt !== null) await stopSluice(rt);
  for (const s of servers) s.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A backend server noting its tag for each connection, then closing it. */
async function tagServer(tag: string): Promise<number> {
  const s = createServer((c) => { seen.push(tag); c.on('error', () => {}); c.end(); });
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return (s.address() as AddressInfo).port;
}

/** A TLS client saying hello with `sni` (none when ''); resolves when the proxy closes it. */
function hello(port: number, sni: string): Promise<void> {
  return new Promise((resolve) => {
    const c = tlsConnect({ port, host: '127.0.0.1', servername: sni === '' ? undefined : sni, rejectUnauthorized: false });
    c.on('error', () => resolve());
    c.on('close', () => resolve());
    setTimeout(() => { c.destroy(); resolve(); }, 3000);
  });
}

test('a map from the ClientHello server name chooses the backend of a tcp frontend, as 2.6.12', async () => {
  const [api, sni, nosni] = [await tagServer('api'), await tagServer('sni'), await tagServer('nosni')];
  writeFileSync(join(dir, 'sni.map'), '^api\\.example\\.com$ 1\n');
  writeFileSync(join(dir, 'tcp.map'), '^api\\.example\\.com$ be_api\n');
  const port = await freePort();
  rt = await startSluice(`${testDefaults('tcp')}frontend public_ssl
  bind 127.0.0.1:${port}
  tcp-request inspect-delay 5s
  tcp-request content accept if { req_ssl_hello_type 1 }
  acl sni req.ssl_sni -m found
  acl sni_passthrough req.ssl_sni,lower,map_reg(${dir}/sni.map) -m found
  use_backend %[req.ssl_sni,lower,map_reg(${dir}/tcp.map)] if sni sni_passthrough
  use_backend be_sni if sni
  default_backend be_no_sni
backend be_api
  server s 127.0.0.1:${api}
backend be_sni
  server s 127.0.0.1:${sni}
backend be_no_sni
  server s 127.0.0.1:${nosni}
`);
  await hello(port, 'API.example.com');
  await hello(port, 'other.example.com');
  await hello(port, '');
  await waitFor(() => seen.length >= 3);
  assert.deepEqual(seen, ['api', 'sni', 'nosni']);
});
