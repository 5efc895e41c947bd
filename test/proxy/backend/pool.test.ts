// The idle server-connection pool: reuse rank (http-reuse aggressive's "proven" connections), private connections
// (http-reuse never) and the periodic purge
// that closes half of the connections that stayed idle through a whole period (HAProxy's pool-purge-delay).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { once } from 'node:events';
import { newProxy, newServer } from '../../../proxy/model/factories.ts';
import { PR_CAP_BE } from '../../../proxy/config/types.ts';
import { poolDiscard, poolIdleCount, poolPurge, poolPut, poolTake, poolFlush, serverCloseAfterResponse } from '../../../proxy/backend/pool.ts';
import { rawConnectTcp, type RawSocket } from '../../../proxy/net/raw-socket.ts';

let server: net.Server;
const accepted: net.Socket[] = [];

before(async () => {
  server = net.createServer((s) => { accepted.push(s); s.on('error', () => {}); });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
});

after(() => {
  for (const s of accepted) s.destroy();
  server.close();
});

async function connected(n: number): Promise<RawSocket[]> {
  const out: RawSocket[] = [];
  for (let i = 0; i < n; i++) {
    const c = rawConnectTcp('127.0.0.1', (server.address() as net.AddressInfo).port, null, true, false);
    await new Promise<void>((resolve, reject) => { c.onconnect = () => resolve(); c.onerror = reject; });
    out.push(c);
  }
  return out;
}

/** A few loop iterations: serverCloseAfterResponse waits one poll phase for the server's FIN. */
async function turns(): Promise<void> { for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r)); }

function srv(name: string, peakUsed = 100) {
  const sv = newServer(name, newProxy('be_' + name, PR_CAP_BE, 't.cfg', 1, null), 't.cfg', 1, null);
  sv.counters.connMax = peakUsed;      // the most connections it had in use at once (bounds idle + used)
  return sv;
}

test('each purge closes half (rounded up) of the connections that stayed idle the whole period, oldest first', async () => {
  const sv = srv('p1');
  const socks = await connected(4);
  for (const s of socks) assert.equal(poolPut(sv, s, null), true);
  poolPurge();                       // the period in which they were parked: none was idle all along
  assert.equal(poolIdleCount(sv), 4);
  poolPurge();                       // 4 idle through the period: 2 closed, the two parked first
  assert.equal(poolIdleCount(sv), 2);
  assert.deepEqual(socks.map((s) => s.destroyed), [true, true, false, false]);
  const taken = poolTake(sv, 1, null);     // 1 left idle at the low point of this period
  assert.equal(taken, socks[3]);
  poolPurge();
  assert.equal(poolIdleCount(sv), 0);
  assert.equal(socks[2]!.destroyed, true);
  taken!.destroy();
});

test('a first request under aggressive takes only a connection that carried 2+ requests', async () => {
  const sv = srv('p2');
  const [a, b] = await connected(2);
  poolPut(sv, a!, null);
  assert.equal(poolTake(sv, 1, null), a);  // a second request on it
  poolPut(sv, a!, null);                   // parked after 2 requests
  poolPut(sv, b!, null);                   // parked after 1 request
  assert.equal(poolTake(sv, 2, null), a, 'the proven one, though b was parked last');
  assert.equal(poolTake(sv, 2, null), null);
  assert.equal(poolTake(sv, 1, null), b);
  poolFlush(sv);
  a!.destroy(); b!.destroy();
});

test('a private connection (http-reuse never) is taken only by its owner, and discarding it closes it', async () => {
  const sv = srv('p3');
  const [a, b] = await connected(2);
  const owner = {};
  poolPut(sv, a!, owner);
  poolPut(sv, b!, null);
  assert.equal(poolTake(sv, 1, {}), null, 'another session');
  assert.equal(poolTake(sv, 1, null), b, 'a shared take skips the private one');
  assert.equal(poolTake(sv, 1, owner), a);
  poolPut(sv, a!, owner);
  poolDiscard(a!);
  assert.equal(a!.destroyed, true);
  assert.equal(poolIdleCount(sv), 0);
  b!.destroy();
});

test('shared idle plus used connections stay within the most the server had in use at once; private ones are not capped', async () => {
  const sv = srv('p4', 3);
  const socks = await connected(5);
  sv.served = 1;                           // one connection in use elsewhere
  assert.equal(poolPut(sv, socks[0]!, null), true);
  assert.equal(poolPut(sv, socks[1]!, null), true);
  assert.equal(poolPut(sv, socks[2]!, null), false, '2 idle + 1 used already make the peak of 3');
  assert.equal(socks[2]!.destroyed, true);
  assert.equal(poolPut(sv, socks[3]!, {}), true, 'a private connection is kept');
  sv.served = 0;
  assert.equal(poolPut(sv, socks[4]!, null), false, '2 shared idle + 1 private idle');
  assert.equal(poolIdleCount(sv), 3);
  poolFlush(sv);
  for (const s of socks) s.destroy();
});

test('a parked connection whose server closes or talks leaves the pool and is closed', async () => {
  const sv = srv('p5');
  const n0 = accepted.length;
  const [a, b] = await connected(2);
  await waitAccepted(n0 + 2);
  assert.equal(poolPut(sv, a!, null), true);
  assert.equal(poolPut(sv, b!, null), true);
  const gone = (s: RawSocket) => new Promise<void>((r) => { const t = setInterval(() => { if (s.destroyed) { clearInterval(t); r(); } }, 5); });
  accepted[n0]!.end();                   // the server closes a's connection
  accepted[n0 + 1]!.write('unexpected');  // and talks on b's
  await Promise.all([gone(a!), gone(b!)]);
  assert.equal(poolIdleCount(sv), 0);
});

async function waitAccepted(n: number): Promise<void> {
  for (let i = 0; i < 200 && accepted.length < n; i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(accepted.length >= n);
}

test('serverCloseAfterResponse: a server FIN after the response gives a FIN back, none a RST; a connecting socket sends nothing', async () => {
  const n0 = accepted.length;
  const [fin, quiet] = await connected(2);
  await waitAccepted(n0 + 2);
  const ends: string[] = ['', ''];
  for (const k of [0, 1]) {
    const peer = accepted[n0 + k]!;
    peer.on('end', () => { ends[k] ||= 'FIN'; });
    peer.on('error', (e: NodeJS.ErrnoException) => { ends[k] ||= e.code ?? 'error'; });
  }
  fin!.pause();
  accepted[n0]!.end();                     // fin's server closes: its FIN waits in the kernel, unread
  await new Promise((r) => setTimeout(r, 20));
  fin!.resume();                           // read at the next poll phase, after serverClose (as libuv after a short read)
  assert.equal(fin!.readEnded, false);
  serverCloseAfterResponse(fin!);
  serverCloseAfterResponse(quiet!);
  await turns();
  assert.equal(fin!.destroyed, true);
  assert.equal(quiet!.destroyed, true);
  for (let i = 0; i < 100 && (ends[0] === '' || ends[1] === ''); i++) await new Promise((r) => setTimeout(r, 5));
  assert.deepEqual(ends, ['FIN', 'ECONNRESET']);
  let got = 0, conns = 0;
  const counting = net.createServer((p) => { conns++; p.on('data', (d: Buffer) => { got += d.length; }); p.on('error', () => {}); });
  await new Promise<void>((r) => counting.listen(0, '127.0.0.1', () => r()));
  const c = rawConnectTcp('127.0.0.1', (counting.address() as net.AddressInfo).port, null, true, false);
  c.write('GET / HTTP/1.1\r\n\r\n');       // queued until connected
  serverCloseAfterResponse(c);
  await new Promise((r) => setTimeout(r, 100));
  counting.close();
  assert.equal(got, 0, `the request reached the server (${conns} connection)`);
});
