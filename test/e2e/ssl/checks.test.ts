/*
 * Health checks of `server ... ssl` run over TLS, as haproxy 2.6.12 does (checked by hand with its stats socket:
 * L6OK "Layer6 check passed", L6RSP "Layer6 invalid response" with info "SSL handshake failure", L7OK over TLS):
 * a TLS server passes an L4 check at layer 6, a plain server behind `ssl` fails the handshake, `option httpchk` speaks
 * HTTP inside TLS, a CA that did not sign the server's certificate fails, and `port` overrides keep the check plain.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import https from 'node:https';
import http from 'node:http';
import net from 'node:net';
import { readFileSync } from 'node:fs';
import { startSluice, stopSluice, waitFor } from '../proxy-util.ts';
import type { Runtime } from '../../../proxy/runtime.ts';
import type { Server } from '../../../proxy/model/types.ts';
import { HCHK_STATUS_L6OK, HCHK_STATUS_L6RSP, HCHK_STATUS_L7OK, HCHK_STATUS_L4OK } from '../../../proxy/checks/types.ts';
import { probeReason } from '../../../proxy/checks/probe.ts';
import { SSL_FIXTURES as F } from './log-scenario.ts';

let rt: Runtime;
let tlsSrv: https.Server;
let plainSrv: http.Server;

async function listen(s: net.Server): Promise<number> {
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return (s.address() as net.AddressInfo).port;
}

before(async () => {
  tlsSrv = https.createServer({ cert: readFileSync(F + 'certs/www.pem'), key: readFileSync(F + 'www.key') }, (_q, r) => r.end('ok'));
  plainSrv = http.createServer((_q, r) => r.end('plain'));
  const tp = await listen(tlsSrv);
  const pp = await listen(plainSrv);
  rt = await startSluice(`defaults
  mode http
  timeout client 5s
  timeout server 5s
  timeout connect 1s
  timeout check 1s
backend b1
  server tls_l4 127.0.0.1:${tp} ssl verify none check inter 100
  server plain_as_tls 127.0.0.1:${pp} ssl verify none check inter 100
  server plain_port 127.0.0.1:${tp} ssl verify none check inter 100 port ${pp}
backend b2
  option httpchk GET /
  server tls_l7 127.0.0.1:${tp} ssl verify none check inter 100
  server tls_badca 127.0.0.1:${tp} ssl verify required ca-file ${F}other.crt check inter 100
  server check_ssl_only 127.0.0.1:${tp} check-ssl verify none check inter 100
`);
});

after(async () => {
  await stopSluice(rt);
  tlsSrv.closeAllConnections(); tlsSrv.close();
  plainSrv.closeAllConnections(); plainSrv.close();
});

function srv(be: string, name: string): Server {
  return rt.cfg.backends.get(be)!.servers.find((s) => s.name === name)!;
}

test('checks of ssl servers run over TLS with layer 6 / layer 7 statuses', async () => {
  const want: [string, string, number][] = [
    ['b1', 'tls_l4', HCHK_STATUS_L6OK], ['b1', 'plain_as_tls', HCHK_STATUS_L6RSP], ['b1', 'plain_port', HCHK_STATUS_L4OK],
    ['b2', 'tls_l7', HCHK_STATUS_L7OK], ['b2', 'tls_badca', HCHK_STATUS_L6RSP], ['b2', 'check_ssl_only', HCHK_STATUS_L7OK],
  ];
  await waitFor(() => want.every(([b, s, st]) => srv(b, s).check.status === st), 4000).catch(() => {});
  for (const [b, s, st] of want) assert.equal(srv(b, s).check.status, st, `${b}/${s}: ${srv(b, s).check.status}`);
});

test('the check reasons read as haproxy 2.6 prints them', () => {
  assert.match(probeReason({ status: HCHK_STATUS_L6OK, ok: true, code: 0, info: '', duration: 2 }), /^Layer6 check passed, check duration: 2ms$/);
  assert.equal(probeReason({ status: HCHK_STATUS_L6RSP, ok: false, code: 0, info: 'SSL handshake failure', duration: 2 }),
    'Layer6 invalid response, info: "SSL handshake failure", check duration: 2ms');
});
