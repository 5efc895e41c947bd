import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect, createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, nameServer, exchange, startSluice, stopSluice, waitFor, sleep } from '../proxy-util.ts';
import { setTcpLogSink } from '../../../proxy/tcp/forward.ts';
import type { StreamLog } from '../../../proxy/model/types.ts';
import { SF_ERR_CHARS, SF_FINST_CHARS } from '../../../proxy/model/types.ts';
import type { Runtime } from '../../../proxy/runtime.ts';
import { activeStreamList } from '../../../proxy/streams.ts';
import type { TcpStream } from '../../../proxy/tcp/forward.ts';
import type { RawSocket } from '../../../proxy/net/raw-socket.ts';

const logs: StreamLog[] = [];
const term = (l: StreamLog) => SF_ERR_CHARS[l.errCause] + SF_FINST_CHARS[l.finishState];
const echo = await nameServer('echo', true);
// a server that never answers and never closes
const silent = createServer((s) => { s.on('error', () => {}); });
await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
const silentPort = (silent.address() as { port: number }).port;

const rts: Runtime[] = [];
const servers: Server[] = [];
after(async () => { for (const r of rts) await stopSluice(r); echo.server.close(); silent.close(); for (const s of servers) s.close(); });

async function proxyTo(port: number, timeouts = 'timeout client 2s\n  timeout server 2s', extra = ''): Promise<number> {
  const p = await freePort();
  const rt = await startSluice(`defaults\n  mode tcp\n  timeout connect 1s\n  ${timeouts}\nlisten l\n  bind 127.0.0.1:${p}\n${extra}\n  server s 127.0.0.1:${port}\n`);
  setTcpLogSink((_fe, l) => logs.push({ ...l }));
  rts.push(rt);
  return p;
}

test('bytes are forwarded both ways and a client half-close reaches the server (normal end "--")', async () => {
  const p = await proxyTo(echo.port);
  logs.length = 0;
  assert.equal(await exchange(p, 'hello through sluice'), 'hello through sluice');
  await waitFor(() => logs.length === 1);
  assert.equal(term(logs[0]), '--');
  assert.equal(logs[0].bytesIn, 20);
  assert.equal(logs[0].bytesOut, 20);
  assert.ok(logs[0].tConnect >= 0 && logs[0].tTotal >= logs[0].tConnect);
});

test('8 MiB each way arrive intact through backpressure', async () => {
  const p = await proxyTo(echo.port, 'timeout client 5s\n  timeout server 5s');
  const data = randomBytes(8 << 20);
  const c = connect(p, '127.0.0.1');
  const chunks: Buffer[] = [];
  c.on('data', (d) => chunks.push(d));
  const done = new Promise<void>((r) => c.on('close', () => r()));
  c.end(data);
  await done;
  const got = Buffer.concat(chunks);
  assert.equal(got.length, data.length);
  assert.equal(createHash('sha1').update(got).digest('hex'), createHash('sha1').update(data).digest('hex'));
});

/** Writes `data` in 1000-byte pieces, one per event-loop turn (small reads on the other side), then ends `s`. */
function pacedSend(s: Socket, data: Buffer): Promise<void> {
  return new Promise((resolve) => {
    let off = 0;
    const step = (): void => {
      if (off >= data.length) { s.end(); resolve(); return; }
      s.write(data.subarray(off, off + 1000));
      off += 1000;
      setImmediate(step);
    };
    step();
  });
}

test('forwarding sockets read in lent buffers; small reads queued behind a slow reader arrive intact both ways', async () => {
  // unix sockets on both sides (a few hundred KiB of kernel buffer, where loopback TCP takes tens of MiB): both ends
  // send 1000-byte pieces while neither reads, so the proxy's writes queue in small amounts (below the 16 KiB that
  // pause the other side) while it goes on reading; the buffers those writes reference must be kept until drain (a
  // buffer given back at once is overwritten by the next read)
  const dir = mkdtempSync(join(tmpdir(), 'sluice-lend-'));
  const down = randomBytes(2 << 20);
  const up = randomBytes(2 << 20);
  let srvSock: Socket | null = null;
  let srvSent: Promise<void> = Promise.resolve();
  const server = createServer({ allowHalfOpen: true }, (s) => {
    s.on('error', () => {});
    s.pause();
    srvSock = s;
    srvSent = pacedSend(s, down);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(join(dir, 'srv.sock'), r));
  rts.push(await startSluice(`defaults\n  mode tcp\n  timeout connect 1s\n  timeout client 5s\n  timeout server 5s\n` +
    `listen l\n  bind unix@${join(dir, 'fe.sock')}\n  server s unix@${join(dir, 'srv.sock')}\n`));
  const c = connect({ path: join(dir, 'fe.sock'), allowHalfOpen: true });
  c.pause();
  await new Promise<void>((r) => c.on('connect', () => r()));
  await waitFor(() => activeStreamList().length > 0 && srvSock !== null);
  const st = activeStreamList()[0] as unknown as TcpStream;
  await waitFor(() => st.srv !== null);
  assert.equal((st.cli as RawSocket).lend, true);
  assert.equal((st.srv as RawSocket).lend, true);
  await Promise.all([pacedSend(c, up), srvSent]);
  const cliGot: Buffer[] = [];
  const srvGot: Buffer[] = [];
  const cliDone = new Promise<void>((r) => c.on('end', () => r()));
  const srvDone = new Promise<void>((r) => srvSock!.on('end', () => r()));
  c.on('data', (d: Buffer) => cliGot.push(d));
  srvSock!.on('data', (d: Buffer) => srvGot.push(d));
  c.resume();
  srvSock!.resume();
  await Promise.all([cliDone, srvDone]);
  c.destroy();
  rmSync(dir, { recursive: true, force: true });
  const sha = (x: Buffer) => createHash('sha1').update(x).digest('hex');
  assert.equal(sha(Buffer.concat(cliGot)), sha(down));
  assert.equal(sha(Buffer.concat(srvGot)), sha(up));
});

test('server silence hits timeout server: "sD"', async () => {
  const p = await proxyTo(silentPort, 'timeout client 2s\n  timeout server 300ms');
  logs.length = 0;
  const t0 = Date.now();
  const c = connect(p, '127.0.0.1');
  c.on('error', () => {});
  await new Promise<void>((r) => c.on('close', () => r()));
  const dt = Date.now() - t0;
  assert.ok(dt >= 280 && dt < 1500, `closed after ${dt} ms`);
  await waitFor(() => logs.length === 1);
  assert.equal(term(logs[0]), 'sD');
});

test('a one-way upload keeps the server side alive past timeout server, as 2.6 does', async () => {
  // the server reads and never answers; the client sends a byte every 100 ms for 1 s (timeout server 300ms)
  let got = 0;
  let fin = -1;
  const t0 = Date.now();
  const sink = createServer({ allowHalfOpen: true }, (s) => {
    s.on('error', () => {});
    s.on('data', (d) => { got += d.length; });
    s.on('end', () => { fin = Date.now() - t0; s.end(); });
  });
  await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
  const p = await proxyTo((sink.address() as { port: number }).port, 'timeout client 2s\n  timeout server 300ms');
  logs.length = 0;
  const c = connect(p, '127.0.0.1');
  c.on('error', () => {});
  for (let i = 0; i < 10; i++) { c.write('y'); await sleep(100); }
  c.end();
  await waitFor(() => logs.length === 1);
  sink.close();
  assert.equal(got, 10);
  assert.ok(fin >= 900, `the server got a FIN after ${fin} ms, before the client ended`);
  assert.equal(term(logs[0]), '--');
});

test('client silence hits timeout client: "cD"', async () => {
  const p = await proxyTo(silentPort, 'timeout client 300ms\n  timeout server 5s');
  logs.length = 0;
  const c = connect(p, '127.0.0.1');
  c.on('error', () => {});
  await new Promise<void>((r) => c.on('close', () => r()));
  await waitFor(() => logs.length === 1);
  assert.equal(term(logs[0]), 'cD');
});

test('client read timeout first: the server gets a FIN, the stream ends at the server timeout, logged "cD" (as 2.6)', async () => {
  // a server that keeps its side open after the FIN (2.6.12 side by side: client 3s / server 8s idle -> FIN to the
  // server at 3 s, client data after it not forwarded, end at 8 s with cD)
  let fin = -1;
  let late = '';
  const t0 = Date.now();
  const halfOpen = createServer({ allowHalfOpen: true }, (s) => {
    s.on('error', () => {});
    s.on('data', (d) => { late += d.toString(); });
    s.on('end', () => { fin = Date.now() - t0; });
  });
  await new Promise<void>((r) => halfOpen.listen(0, '127.0.0.1', r));
  const p = await proxyTo((halfOpen.address() as { port: number }).port, 'timeout client 300ms\n  timeout server 900ms');
  logs.length = 0;
  const c = connect({ port: p, host: '127.0.0.1', allowHalfOpen: true });
  c.on('error', () => {});
  setTimeout(() => c.write('late'), 500);
  // the end the proxy gives the client: its FIN or a reset (bounded: a half-open client would wait forever)
  const closed = await new Promise<number>((r) => {
    const done = (): void => r(Date.now() - t0);
    c.on('end', done); c.on('close', done); setTimeout(() => r(-1), 3000);
  });
  c.destroy();
  await waitFor(() => logs.length === 1);
  halfOpen.close();
  assert.ok(fin >= 280 && fin < 800, `the server got its FIN after ${fin} ms`);
  assert.equal(late, '', 'client data after its timeout is not forwarded');
  assert.ok(closed >= 850, `the stream ended after ${closed} ms`);
  assert.equal(term(logs[0]), 'cD');
});

test('after a client FIN only the server timeout runs: a silent server ends it, logged "sD" (as 2.6)', async () => {
  // 2.6.12 side by side, client 3s / server 8s: data + FIN from the client, a silent half-open server -> sD at 8 s
  const halfOpen = createServer({ allowHalfOpen: true }, (s) => { s.on('error', () => {}); });
  await new Promise<void>((r) => halfOpen.listen(0, '127.0.0.1', r));
  const p = await proxyTo((halfOpen.address() as { port: number }).port, 'timeout client 300ms\n  timeout server 900ms');
  logs.length = 0;
  const t0 = Date.now();
  const c = connect({ port: p, host: '127.0.0.1', allowHalfOpen: true }, () => c.end('hi'));
  c.on('error', () => {});
  const ended = await new Promise<number>((r) => {
    const done = (): void => r(Date.now() - t0);
    c.on('end', done); c.on('close', done); setTimeout(() => r(-1), 3000);
  });
  c.destroy();
  await waitFor(() => logs.length === 1);
  halfOpen.close();
  assert.ok(ended >= 850, `the stream ended after ${ended} ms`);
  assert.equal(term(logs[0]), 'sD');
});

test('a client abort is logged "CD" and a server abort "SD"', async () => {
  const p = await proxyTo(silentPort);
  logs.length = 0;
  const c = connect(p, '127.0.0.1');
  await new Promise<void>((r) => c.on('connect', () => r()));
  await sleep(100);
  c.resetAndDestroy();
  await waitFor(() => logs.length === 1);
  assert.equal(term(logs[0]), 'CD');
  const rst = createServer((s: Socket) => { s.on('error', () => {}); setTimeout(() => s.resetAndDestroy(), 50); });
  await new Promise<void>((r) => rst.listen(0, '127.0.0.1', r));
  const p2 = await proxyTo((rst.address() as { port: number }).port);
  logs.length = 0;
  const c2 = connect(p2, '127.0.0.1');
  c2.on('error', () => {});
  await new Promise<void>((r) => c2.on('close', () => r()));
  await waitFor(() => logs.length === 1);
  assert.equal(term(logs[0]), 'SD');
  rst.close();
});

test('a client reset reaches the server as a reset, a client FIN as a FIN (as 2.6)', async () => {
  const seen: string[] = [];
  const srv = createServer((s: Socket) => {
    s.on('data', () => {});
    s.on('end', () => { seen.push('FIN'); s.end(); });
    s.on('error', (e: NodeJS.ErrnoException) => seen.push(String(e.code)));
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const p = await proxyTo((srv.address() as { port: number }).port);
  for (const how of ['reset', 'end']) {
    seen.length = 0;
    const c = connect(p, '127.0.0.1');
    c.on('error', () => {});
    await new Promise<void>((r) => c.on('connect', () => r()));
    c.write('hello');
    await sleep(100);
    if (how === 'reset') c.resetAndDestroy(); else c.end();
    await waitFor(() => seen.length === 1);
    assert.deepEqual(seen, [how === 'reset' ? 'ECONNRESET' : 'FIN']);
    c.destroy();
  }
  srv.close();
});

test('server maxconn queues the next client until a slot frees', async () => {
  const p = await proxyTo(echo.port, 'timeout client 2s\n  timeout server 2s\n  timeout queue 2s', '  balance roundrobin');
  const be = rts.at(-1)!.cfg.backends.get('l')!;
  be.servers[0].maxconn = 1;
  const c1 = connect(p, '127.0.0.1');
  await new Promise<void>((r) => c1.on('connect', () => r()));
  await waitFor(() => be.servers[0].served === 1);
  const second = exchange(p, 'second');
  await waitFor(() => be.totalQueued === 1); // roundrobin: waits in the backend queue for any server
  c1.end();
  assert.equal(await second, 'second');
  assert.equal(be.totalQueued, 0);
});

test('queue timeout ends a waiting client with "sQ"', async () => {
  const p = await proxyTo(silentPort, 'timeout client 2s\n  timeout server 2s\n  timeout queue 200ms');
  const be = rts.at(-1)!.cfg.backends.get('l')!;
  be.servers[0].maxconn = 1;
  const c1 = connect(p, '127.0.0.1');
  c1.on('error', () => {});
  await waitFor(() => be.servers[0].served === 1);
  logs.length = 0;
  assert.equal(await exchange(p), '');
  await waitFor(() => logs.length === 1);
  assert.equal(term(logs[0]), 'sQ');
  c1.destroy();
});

test('frontend maxconn holds extra connections until one ends', async () => {
  const p = await proxyTo(echo.port, 'timeout client 2s\n  timeout server 2s', '  maxconn 1');
  const fe = rts.at(-1)!.cfg.frontends.get('l')!;
  const c1 = connect(p, '127.0.0.1');
  await waitFor(() => fe.feconn === 1);
  const second = exchange(p, 'later');
  await sleep(100);
  assert.equal(fe.feconn, 1);
  c1.end();
  assert.equal(await second, 'later');
});
