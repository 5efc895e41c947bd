/*
 * `http-request set-src <expr>` (CDN setups: the client address from a header) sets the request's client address for
 * src, %ci, option forwardfor and stick keys until the transaction ends; a value that is no address changes nothing; a
 * v4-mapped address keeps its text and matches IPv4 networks. The five answers below are haproxy 2.6.12's on the same
 * configuration and requests on one keep-alive connection (sluice refused the action).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startSluice, stopSluice, freePort, exchange } from '../proxy-util.ts';
import type { Runtime } from '../../../proxy/runtime.ts';
import { testDefaults } from './defaults.ts';

const srv = createServer((q, r) => { r.end(`xff=${q.headers['x-forwarded-for']} cnt=${q.headers['x-cnt']} xsrc=${q.headers['x-src']} blk=${q.headers['x-blocked']}\n`); });
let rt: Runtime | null = null;
after(async () => { if (rt !== null) await stopSluice(rt); srv.close(); });

test('set-src changes src, %ci, X-Forwarded-For and the stick key for one transaction, as 2.6.12', async () => {
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = await freePort();
  rt = await startSluice(`${testDefaults('http')}frontend fe
    bind 127.0.0.1:${port}
    option forwardfor
    stick-table type ip size 10 expire 1m store http_req_cnt
    http-request set-src hdr(x-real-ip) if { hdr(x-real-ip) -m found }
    http-request track-sc0 src
    http-request set-header X-Cnt %[sc_http_req_cnt(0)]
    http-request set-header X-Src %[src]
    http-request return status 200 content-type text/plain lf-string "src=%[src] ci=%ci blocked=%[req.hdr(x-blocked)]\\n" if { path /ret }
    http-request set-header X-Blocked yes if { src 10.0.0.0/8 }
    default_backend be
backend be
    server s 127.0.0.1:${(srv.address() as AddressInfo).port}
`);
  const reqs: [string, string][] = [['/a', 'x-real-ip: 10.1.2.3'], ['/b', ''], ['/ret', 'x-real-ip: 2001:db8::5'],
    ['/c', 'x-real-ip: bogus'], ['/d', 'x-real-ip: ::ffff:10.9.9.9']];
  const raw = reqs.map(([p, h], i) => `GET ${p} HTTP/1.1\r\nhost: a\r\n${h !== '' ? h + '\r\n' : ''}${i === reqs.length - 1 ? 'connection: close\r\n' : ''}\r\n`).join('');
  const res = await exchange(port, raw);
  assert.deepEqual(res.match(/(?:xff|src)=[^\n]*/g), [
    'xff=10.1.2.3 cnt=1 xsrc=10.1.2.3 blk=yes',
    'xff=127.0.0.1 cnt=1 xsrc=127.0.0.1 blk=undefined',
    'src=2001:db8::5 ci=2001:db8::5 blocked=',
    'xff=127.0.0.1 cnt=2 xsrc=127.0.0.1 blk=undefined',
    'xff=::ffff:10.9.9.9 cnt=1 xsrc=::ffff:10.9.9.9 blk=yes',
  ]);
});
