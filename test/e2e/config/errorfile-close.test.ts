/*
 * An errorfile without a length (Debian's are HTTP/1.0 with Connection: close and no Content-Length: their body ends
 * with the connection) closes the client connection after it, even when the request asked for keep-alive, as
 * haproxy 2.6.12 does (checked with a raw client: the 403 of 'http-request deny' and the 503 of a backend without
 * server end with a FIN at once). Sluice kept the connection open until 'timeout client', so clients waiting for the
 * end of the body hung. A reply with a length ('http-request return') keeps the connection.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startSluice, stopSluice, freePort } from '../proxy-util.ts';
import { rawAsk } from './raw-ask.ts';
import type { Runtime } from '../../../proxy/runtime.ts';
import { testDefaults } from './defaults.ts';

let rt: Runtime | null = null;
after(async () => { if (rt !== null) await stopSluice(rt); });

/** Sends `req`; what came back and whether the connection was closed (a FIN) within `ms`. */
async function ask(port: number, req: string, ms = 1500): Promise<{ data: string; closed: boolean }> {
  const r = await rawAsk(port, req, ms);
  return { data: r.data, closed: r.how === 'end' };
}

test('a deny or a 503 answered from an errorfile without a length closes the connection; a return keeps it', async () => {
  const port = await freePort();
  const errs = join(import.meta.dirname, '../../../fixtures/configs/real/errors');
  rt = await startSluice(`${testDefaults('http', `errorfile 403 ${errs}/403.http`, `errorfile 503 ${errs}/503.http`)}frontend f
  bind 127.0.0.1:${port}
  http-request deny if { path /deny }
  http-request return status 200 content-type text/plain string ok if { path /ok }
  use_backend empty if { path /none }
  default_backend empty
backend empty
`);
  const deny = await ask(port, 'GET /deny HTTP/1.1\r\nhost: a\r\n\r\n');
  assert.ok(deny.data.startsWith('HTTP/1.0 403 Forbidden\r\n'), deny.data);
  assert.ok(deny.data.endsWith('Not allowed here.\n</body></html>\n'), deny.data);
  assert.equal(deny.closed, true);
  const none = await ask(port, 'GET /none HTTP/1.1\r\nhost: a\r\n\r\n');
  assert.ok(none.data.startsWith('HTTP/1.1 503 Service Unavailable\r\n'), none.data);
  assert.match(none.data, /\r\nconnection: close\r\n/);
  assert.equal(none.closed, true);
  const head = await ask(port, 'HEAD /deny HTTP/1.1\r\nhost: a\r\n\r\n');
  assert.equal(head.closed, true);
  const ok = await ask(port, 'GET /ok HTTP/1.1\r\nhost: a\r\n\r\n', 400);
  assert.ok(ok.data.startsWith('HTTP/1.1 200 OK\r\n'), ok.data);
  assert.equal(ok.closed, false);
});
