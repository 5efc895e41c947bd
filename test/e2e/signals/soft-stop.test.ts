/*
 * Soft stop (SIGUSR1, and what -sf asks of an old process) as haproxy 2.6.12 does it, compared side by side: an HTTP
 * client connection idle between requests is closed at once, a request under way gets its response with
 * `connection: close` and then its connection closes, and the process ends when the last one does (Sluice kept idle
 * keep-alive connections until their client timeout and kept serving them). `hard-stop-after <time>` bounds the wait:
 * the streams left are killed (Sluice accepted the keyword and ignored it); its argument errors are 2.6's. A reload
 * treats the previous configuration's HTTP clients the same way, so they come back to the new one (as they reconnect
 * to 2.6's new process); Sluice served them with the old configuration for as long as they kept their connection.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { connect, type Socket } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { freePort, startSluice, sleep } from '../proxy-util.ts';
import { gracefulStop, startRuntime, stopRuntime } from '../../../proxy/runtime.ts';
import { loadConfig } from '../../../proxy/config/loader.ts';
import { buildRegistry } from '../../../proxy/modules.ts';

const origin = http.createServer((req, res) => {
  if (req.url === '/hang') return;                          // never answered
  setTimeout(() => res.end('done ' + req.url), req.url === '/slow' ? 400 : 0);
});
const socks: Socket[] = [];
let oport = 0;

before(async () => {
  await new Promise<void>((r) => origin.listen(0, '127.0.0.1', r));
  oport = (origin.address() as { port: number }).port;
});
after(() => { for (const s of socks) s.destroy(); origin.closeAllConnections(); origin.close(); });

function config(port: number, global = ''): string {
  return `${global}defaults
  mode http
  timeout connect 2s
  timeout client 30s
  timeout server 30s
frontend fe
  bind 127.0.0.1:${port}
  default_backend be
backend be
  server o 127.0.0.1:${oport}
`;
}

/** A raw keep-alive client: sends `path`, resolves with the whole response once it is complete; `closed` resolves at close. */
function client(port: number): { sock: Socket; get(path: string): Promise<string>; closed: Promise<number> } {
  const sock = connect(port, '127.0.0.1');
  socks.push(sock);
  sock.on('error', () => {});
  let acc = '';
  let want: ((s: string) => void) | null = null;
  sock.on('data', (d) => {
    acc += d.toString('latin1');
    const e = acc.indexOf('\r\n\r\n');
    const m = /content-length: (\d+)/i.exec(acc);
    if (want !== null && e >= 0 && m !== null && acc.length >= e + 4 + Number(m[1])) { const w = want; want = null; const r = acc; acc = ''; w(r); }
  });
  const t0 = Date.now();
  const closed = new Promise<number>((r) => sock.on('close', () => r(Date.now() - t0)));
  return {
    sock, closed,
    get(path: string) { return new Promise((r) => { want = r; sock.write(`GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`); }); },
  };
}

test('soft stop: idle keep-alive connections close now, a request under way ends with connection: close', async () => {
  const port = await freePort();
  const rt = await startSluice(config(port));
  const idle = client(port);
  assert.match(await idle.get('/a'), /^HTTP\/1\.1 200 /);
  const busy = client(port);
  const slow = busy.get('/slow');
  await sleep(100);
  const t0 = Date.now();
  let stopped = -1;
  const stop = gracefulStop(rt).then(() => { stopped = Date.now() - t0; });
  const idleClosed = await Promise.race([idle.closed.then(() => Date.now() - t0), sleep(1000).then(() => -1)]);
  assert.ok(idleClosed >= 0 && idleClosed < 250, `idle keep-alive connection closed after ${idleClosed} ms`);
  assert.equal(stopped, -1, 'the stop waits for the request under way');
  const r = await slow;
  assert.match(r, /^HTTP\/1\.1 200 OK\r\n/);
  assert.match(r, /\r\nconnection: close\r\n/i);
  await Promise.race([busy.closed, sleep(1000)]);
  assert.ok(busy.sock.destroyed, 'the busy connection closed after its response');
  await Promise.race([stop, sleep(1000)]);
  assert.ok(stopped >= 0 && stopped < 1000, `soft stop ended after ${stopped} ms`);
});

test('hard-stop-after: the streams left are killed when it expires', async () => {
  const port = await freePort();
  const rt = await startSluice(config(port, 'global\n  hard-stop-after 300ms\n'));
  const c = client(port);
  void c.get('/hang');
  await sleep(100);
  const t0 = Date.now();
  await Promise.race([gracefulStop(rt), sleep(3000)]);
  const ms = Date.now() - t0;
  assert.ok(ms >= 280 && ms < 1500, `soft stop ended after ${ms} ms`);
  await Promise.race([c.closed, sleep(1000)]);
  assert.ok(c.sock.destroyed);
});

test("hard-stop-after's argument errors are 2.6's", () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-hsa-'));
  const cases: [string, string][] = [
    ['10x', "parsing [F:2] : unexpected character 'x' in argument to <hard-stop-after>."],
    ['abc', "parsing [F:2] : unexpected character 'a' in argument to <hard-stop-after>."],
    ['99999999999', "parsing [F:2] : timer overflow in argument '99999999999' to 'hard-stop-after' (maximum value is 2147483647 ms or ~24.8 days)"],
  ];
  for (const [arg, want] of cases) {
    const f = join(dir, 'h.cfg');
    writeFileSync(f, config(1, `global\n  hard-stop-after ${arg}\n`));
    const cfg = loadConfig([f], buildRegistry());
    const alerts = cfg.messages.filter((m) => m.level === 0).map((m) => m.text.replace(f, 'F'));
    assert.deepEqual(alerts, [want], arg);
  }
});

test('reload: an idle keep-alive client of the old configuration is closed, it comes back to the new one', async () => {
  const port = await freePort();
  const rt = await startSluice(config(port));
  const c = client(port);
  assert.match(await c.get('/one'), /done \/one$/);
  const dir = mkdtempSync(join(tmpdir(), 'sluice-reload-'));
  const f = join(dir, 'new.cfg');
  writeFileSync(f, config(port).replace('frontend fe', 'frontend fe\n  http-request return status 200 content-type text/plain string new-config'));
  const rt2 = await startRuntime(loadConfig([f], buildRegistry()), rt);
  const closed = await Promise.race([c.closed, sleep(1000).then(() => -1)]);
  assert.ok(closed >= 0, 'the old configuration\'s idle connection was closed');
  const c2 = client(port);
  assert.match(await c2.get('/two'), /new-config$/);
  stopRuntime(rt2);
});
