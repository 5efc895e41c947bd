/*
 * A server connection that started with a PROXY header speaks for one client: with http-reuse always, a later client
 * must not get it (its requests would be attributed to the first client), as haproxy 2.6.12 keeps them private.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startSluice, stopSluice, freePort } from '../proxy-util.ts';
import type { Runtime } from '../../../proxy/runtime.ts';
import { EDGE_DEFAULTS } from './edge-util.ts';

let rt: Runtime;
let be: net.Server;
let fp = 0;
const firstLines: string[] = [];
const reqsPerConn: number[] = [];

before(async () => {
  be = net.createServer((c) => {
    const id = reqsPerConn.push(0) - 1;
    let first = true;
    c.on('data', (d) => {
      const s = d.toString('latin1');
      if (first) { firstLines.push(s.slice(0, s.indexOf('\r\n'))); first = false; }
      const n = s.split('GET ').length - 1;
      reqsPerConn[id] += n;
      for (let i = 0; i < n; i++) c.write('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok');
    });
    c.on('error', () => {});
  });
  await new Promise<void>((r) => be.listen(0, '127.0.0.1', r));
  fp = await freePort();
  rt = await startSluice(`
${EDGE_DEFAULTS}frontend fe
  bind 127.0.0.1:${fp}
  default_backend be
backend be
  http-reuse always
  server s1 127.0.0.1:${(be.address() as net.AddressInfo).port} send-proxy
`);
});

after(async () => {
  await stopSluice(rt);
  be.close();
});

/** One keep-alive client: two requests on one connection, then close; resolves with its local port. */
function client(): Promise<number> {
  return new Promise((resolve, reject) => {
    const c = net.connect(fp, '127.0.0.1');
    let got = 0;
    const t = setTimeout(() => { c.destroy(); reject(new Error('client timeout')); }, 3000);
    c.on('connect', () => c.write('GET /1 HTTP/1.1\r\nhost: a\r\n\r\n'));
    c.on('data', (d) => {
      got += d.toString('latin1').split('HTTP/1.1 200').length - 1;
      if (got === 1) c.write('GET /2 HTTP/1.1\r\nhost: a\r\n\r\n');
      else if (got === 2) { clearTimeout(t); const p = c.localPort as number; c.end(); resolve(p); }
    });
    c.on('error', reject);
  });
}

test('send-proxy connections are reused by their own session only', async () => {
  const pa = await client();
  const pb = await client();
  assert.deepEqual(firstLines, [`PROXY TCP4 127.0.0.1 127.0.0.1 ${pa} ${fp}`, `PROXY TCP4 127.0.0.1 127.0.0.1 ${pb} ${fp}`]);
  assert.deepEqual(reqsPerConn, [2, 2]);
});
