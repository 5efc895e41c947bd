/*
 * path / base / query / url on absolute-form targets, as haproxy 2.6.12 gave them (side by side, `http-request return
 * lf-string "p=%[path] b=%[base] q=%[query] u=%[url]"`): the path starts after the authority, and there is none when
 * the target has no path.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { freePort, startSluice, stopSluice, exchange } from '../proxy-util.ts';
import type { Runtime } from '../../../proxy/runtime.ts';

let rt: Runtime;
let port = 0;
before(async () => {
  port = await freePort();
  rt = await startSluice('defaults\n  mode http\n  timeout client 5s\n  timeout server 5s\n  timeout connect 1s\n'
    + `frontend f\n  bind 127.0.0.1:${port}\n`
    + '  http-request return status 200 content-type text/plain lf-string "p=%[path] b=%[base] q=%[query] u=%[url]\\n"\n');
});
after(async () => { await stopSluice(rt); });

const CASES: [string, string][] = [
  ['GET http://ex.com/foo?x=1 HTTP/1.1\r\nHost: ex.com\r\nConnection: close\r\n\r\n', 'p=/foo b=ex.com/foo q=x=1 u=http://ex.com/foo?x=1'],
  ['GET http://ex.com HTTP/1.1\r\nHost: ex.com\r\nConnection: close\r\n\r\n', 'p= b=ex.com q= u=http://ex.com'],
  ['GET https://ex.com:8443/a/b HTTP/1.1\r\nHost: ex.com:8443\r\nConnection: close\r\n\r\n', 'p=/a/b b=ex.com:8443/a/b q= u=https://ex.com:8443/a/b'],
  ['GET /plain?y HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n', 'p=/plain b=h/plain q=y u=/plain?y'],
];

test('path, base, query and url of origin-form and absolute-form targets', async () => {
  for (const [req, want] of CASES) {
    const reply = await exchange(port, req);
    assert.equal(reply.slice(reply.indexOf('\r\n\r\n') + 4), want + '\n', req.split('\r\n')[0]);
  }
});
