/*
 * Behind `tcp-request connection expect-proxy layer4` on a bind to one IPv4 address, %ci/%cp and %fi/%fp are the
 * PROXY header's source and destination (as with accept-proxy), not the socket's.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { freePort, startSluice, stopSluice, exchange } from '../proxy-util.ts';

const logSock = dgram.createSocket('udp4');
after(() => logSock.close());

test('expect-proxy: the log line has the header addresses for %ci:%cp and %fi:%fp', async () => {
  await new Promise<void>((r) => logSock.bind(0, '127.0.0.1', () => r()));
  const line = new Promise<string>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('no log line within 3 s')), 3000);
    logSock.once('message', (m) => { clearTimeout(t); resolve(m.toString('latin1')); });
  });
  const port = await freePort();
  const rt = await startSluice(`global\n  log 127.0.0.1:${logSock.address().port} local0\ndefaults\n  mode http\n  log global\n`
    + '  timeout client 5s\n  timeout server 5s\n  timeout connect 1s\n'
    + `frontend f\n  bind 127.0.0.1:${port}\n  log-format "%ci:%cp %fi:%fp"\n  tcp-request connection expect-proxy layer4\n`
    + '  http-request return status 200\n');
  try {
    const reply = await exchange(port, 'PROXY TCP4 1.2.3.4 10.9.8.7 5555 443\r\nGET / HTTP/1.0\r\n\r\n');
    assert.match(reply, /^HTTP\/1\.1 200/);
    assert.match(await line, /: 1\.2\.3\.4:5555 10\.9\.8\.7:443\n?$/);
  } finally {
    await stopSluice(rt);
  }
});
