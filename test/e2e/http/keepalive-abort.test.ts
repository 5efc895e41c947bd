/*
 * A server that closes before answering: the first request of a client connection gets 502 `SH--` and a log line;
 * a later request of a keep-alive client connection gets its connection closed without a byte, a log line or an
 * error counted, also after part of a response head, so the client retries as after any keep-alive close (what
 * haproxy 2.6.12 does: checked by hand with the same backend, `printf` of two pipelined requests through socat).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startSluice, freePort, exchangeEnd, summarizeLog } from './harness.ts';
import { waitFor } from '../proxy-util.ts';

/** Answers each request head, except one for /close: closes then, after writing `partial` when given. */
function backend(partial: string): Promise<{ server: net.Server; port: number }> {
  const server = net.createServer((c) => {
    c.on('error', () => {});
    let buf = '';
    c.on('data', (d) => {
      buf += d.toString('latin1');
      let e: number;
      while ((e = buf.indexOf('\r\n\r\n')) >= 0) {
        const head = buf.slice(0, e);
        buf = buf.slice(e + 4);
        if (!head.startsWith('GET /close ')) { c.write('HTTP/1.1 200 OK\r\ncontent-length: 3\r\n\r\nok\n'); continue; }
        if (partial !== '') c.write(partial);
        setTimeout(() => c.destroy(), 20);
        return;
      }
    });
  });
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r({ server, port: (server.address() as net.AddressInfo).port })));
}

const twoRequests = 'GET /a HTTP/1.1\r\nhost: x\r\n\r\nGET /close HTTP/1.1\r\nhost: x\r\n\r\n';

for (const [name, partial] of [['no byte', ''], ['part of a head', 'HTTP/1.1 2']] as const) {
  test(`server closes on a keep-alive client's second request (${name}): connection closed silently, as 2.6`, async () => {
    const be = await backend(partial);
    const fe = await freePort();
    const run = await startSluice(`defaults\n  mode http\n  log 127.0.0.1:\${LOGPORT} local0\n  option httplog\n` +
      `  timeout connect 2s\n  timeout client 5s\n  timeout server 5s\nfrontend fe\n  bind 127.0.0.1:${fe}\n  default_backend be\n` +
      `backend be\n  server s1 127.0.0.1:${be.port}\n`);
    after(async () => { await run.close(); be.server.close(); });
    const { buf, closed } = await exchangeEnd(fe, [twoRequests], 2000);
    const text = buf.toString('latin1');
    assert.ok(closed, 'the proxy closed the client connection');
    assert.equal(text.match(/^HTTP\/1\.1 /gm)?.length, 1, text);
    assert.match(text, /^HTTP\/1\.1 200 OK\r\n[^]*ok\n$/);
    await waitFor(() => run.logs.length >= 1);
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(run.logs.map(summarizeLog), ['200 ---- be/s1 GET /a HTTP/1.1']);
  });
}

test('server closes on the first request of a client connection: 502 SH-- and its log line', async () => {
  const be = await backend('');
  const fe = await freePort();
  const run = await startSluice(`defaults\n  mode http\n  log 127.0.0.1:\${LOGPORT} local0\n  option httplog\n` +
    `  timeout connect 2s\n  timeout client 5s\n  timeout server 5s\nfrontend fe\n  bind 127.0.0.1:${fe}\n  default_backend be\n` +
    `backend be\n  server s1 127.0.0.1:${be.port}\n`);
  after(async () => { await run.close(); be.server.close(); });
  const { buf } = await exchangeEnd(fe, ['GET /close HTTP/1.1\r\nhost: x\r\n\r\n'], 2000);
  assert.match(buf.toString('latin1'), /^HTTP\/1\.1 502 Bad Gateway\r\n/);
  await waitFor(() => run.logs.length >= 1);
  assert.deepEqual(run.logs.map(summarizeLog), ['502 SH-- be/s1 GET /close HTTP/1.1']);
});
