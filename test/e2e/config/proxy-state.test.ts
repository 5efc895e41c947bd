/*
 * Overload/failover fetches in ACLs (srv_is_up, fe_conn, be_conn, queue, connslots, avg_queue, nbsrv, srv_conn) answer
 * as haproxy 2.6.12 on the same configuration (curl: 'up|||one|one|zero|zero|some|zero|one|zero': s2 disabled and s3
 * failing its check are not up); sluice refused them as unknown fetches. A name that does not exist is 2.6's argument
 * resolution error, covered by the -c goldens.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSluice, stopSluice, freePort, headServer, exchange, waitFor } from '../proxy-util.ts';
import type { Runtime } from '../../../proxy/runtime.ts';
import { testDefaults } from './defaults.ts';
import { SRV_ST_STOPPED } from '../../../proxy/model/types.ts';

let rt: Runtime | null = null;
let origin: { port: number; close(): void } | null = null;
after(async () => { if (rt !== null) await stopSluice(rt); origin?.close(); });

test('srv_is_up, fe_conn, be_conn, queue, connslots, avg_queue, nbsrv and srv_conn in ACLs answer as 2.6.12', async () => {
  origin = await headServer((c) => c.write('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok'));
  const port = await freePort();
  const dead = await freePort();
  rt = await startSluice(`${testDefaults('http')}frontend fe
    bind 127.0.0.1:${port}
    acl s1_up srv_is_up(app/s1)
    acl s2_up srv_is_up(app/s2)
    acl s3_up srv_is_up(app/s3)
    http-request set-header X-S1 up if s1_up
    http-request set-header X-S2 up if s2_up
    http-request set-header X-S3 up if s3_up
    http-request set-header X-FeConn one if { fe_conn eq 1 }
    http-request set-header X-FeConn2 one if { fe_conn(fe) eq 1 }
    http-request set-header X-BeConn zero if { be_conn(app) eq 0 }
    http-request set-header X-Queue zero if { queue(app) eq 0 }
    http-request set-header X-Slots some if { connslots(app) gt 0 }
    http-request set-header X-Slots none if { connslots(app) lt 0 }
    http-request set-header X-Avg zero if { avg_queue(app) eq 0 }
    http-request set-header X-Nbsrv one if { nbsrv(app) eq 1 }
    http-request set-header X-SrvConn zero if { srv_conn(app/s1) eq 0 }
    http-request return status 200 content-type text/plain lf-string "%[req.hdr(x-s1)]|%[req.hdr(x-s2)]|%[req.hdr(x-s3)]|%[req.hdr(x-feconn)]|%[req.hdr(x-feconn2)]|%[req.hdr(x-beconn)]|%[req.hdr(x-queue)]|%[req.hdr(x-slots)]|%[req.hdr(x-avg)]|%[req.hdr(x-nbsrv)]|%[req.hdr(x-srvconn)]"
backend app
    server s1 127.0.0.1:${origin.port} maxconn 10 maxqueue 5
    server s2 127.0.0.1:${origin.port} disabled
    server s3 127.0.0.1:${dead} check inter 100ms fall 2
`);
  const s3 = rt.cfg.backends.get('app')!.servers[2]!;
  await waitFor(() => s3.curState === SRV_ST_STOPPED, 5000);
  const r = await exchange(port, 'GET / HTTP/1.1\r\nhost: a\r\nconnection: close\r\n\r\n');
  assert.equal(r.slice(r.indexOf('\r\n\r\n') + 4), 'up|||one|one|zero|zero|some|zero|one|zero');
});
