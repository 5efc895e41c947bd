/*
 * http-request / http-response `set-log-level`: the syslog priority of the transaction's line, `silent` for none.
 * Expected lines are those haproxy 2.6.12 sent for the same configuration and requests (side by side, local0):
 * /a <134>, /health none, /err <131>, /nf (a backend 404 with `http-response set-log-level notice`) <133>.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import dgram from 'node:dgram';
import { freePort, startSluice, stopSluice, sleep } from '../proxy-util.ts';
import type { Runtime } from '../../../proxy/runtime.ts';

const lines: string[] = [];
const logSock = dgram.createSocket('udp4');
let be: http.Server;
let rt: Runtime;
let port = 0;

before(async () => {
  await new Promise<void>((r) => logSock.bind(0, '127.0.0.1', () => r()));
  logSock.on('message', (m) => lines.push(m.toString('latin1').replace(/^(<\d+>).*?: /, '$1 ').trim()));
  be = http.createServer((q, r) => { r.statusCode = q.url === '/nf' ? 404 : 200; r.end('x'); });
  await new Promise<void>((r) => be.listen(0, '127.0.0.1', () => r()));
  port = await freePort();
  rt = await startSluice(`global\n  log 127.0.0.1:${logSock.address().port} local0\ndefaults\n  mode http\n  log global\n`
    + '  log-format "%HP %ST"\n  timeout client 5s\n  timeout server 5s\n  timeout connect 1s\n'
    + `frontend f\n  bind 127.0.0.1:${port}\n  http-request set-log-level silent if { path /health }\n`
    + '  http-request set-log-level err if { path /err }\n  http-response set-log-level notice if { status 404 }\n'
    + `  default_backend b\nbackend b\n  server s 127.0.0.1:${(be.address() as { port: number }).port}\n`);
});

after(async () => { await stopSluice(rt); be.close(); logSock.close(); });

function get(path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent: false }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode ?? 0)); });
    req.setTimeout(3000, () => req.destroy(new Error('no response within 3 s')));
    req.on('error', reject);
  });
}

test('set-log-level changes the line priority per transaction; silent sends none', async () => {
  for (const p of ['/a', '/health', '/err', '/nf', '/b']) await get(p);
  for (let i = 0; i < 100 && lines.length < 4; i++) await sleep(20);
  await sleep(100);                                   // a line for /health would come by now
  assert.deepEqual(lines, ['<134> /a 200', '<131> /err 200', '<133> /nf 404', '<134> /b 200']);
});
