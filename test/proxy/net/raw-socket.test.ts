// RawSocket against real loopback sockets: connect, refused, write backpressure + drain, half-close both ways, a
// reset peer, pause/resume, cork into one write, accepted handles, addresses, resets during a shutdown, silenced closes.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { once } from 'node:events';
import { rawConnectTcp, rawConnectPipe, rawFromAccepted, rawReadBufTake, RawSocket, RAW_READ_BUF_SIZE, sockSilence } from '../../../proxy/net/raw-socket.ts';
import type { SockError } from '../../../proxy/net/types.ts';

const servers: net.Server[] = [];
after(() => { for (const s of servers) s.close(); });

async function listen(onConn: (s: net.Socket) => void, opts: net.ServerOpts = { allowHalfOpen: true }): Promise<number> {
  const srv = net.createServer(opts, onConn);
  servers.push(srv);
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  return (srv.address() as net.AddressInfo).port;
}

/** Resolves with the events of `rs` until onclose: 'data:<bytes>' joined, 'end', 'error:<code>', 'close'. */
function record(rs: RawSocket): { log: string[]; data: Buffer[]; closed: Promise<void> } {
  const log: string[] = [];
  const data: Buffer[] = [];
  const closed = new Promise<void>((resolve) => {
    rs.ondata = (c) => { data.push(Buffer.from(c)); };
    rs.onend = () => { log.push('end'); };
    rs.onerror = (e: SockError) => { log.push('error:' + e.code); };
    rs.onclose = () => { log.push('close'); resolve(); };
  });
  return { log, data, closed };
}

function connected(rs: RawSocket): Promise<void> {
  return new Promise((resolve, reject) => { rs.onconnect = () => resolve(); rs.onerror = (e) => reject(e); });
}

test('connect, write, read the reply, peer FIN then our end: end then close, no error', async () => {
  const port = await listen((s) => { s.on('data', (d) => s.end('re:' + d.toString())); });
  const rs = rawConnectTcp('127.0.0.1', port, null, true, false);
  await connected(rs);
  assert.equal(rs.remotePort, port);
  assert.equal(rs.remoteAddress, '127.0.0.1');
  assert.ok((rs.localPort ?? 0) > 0);
  const r = record(rs);
  rs.ondata = (c) => { r.data.push(Buffer.from(c)); };
  rs.onend = () => { r.log.push('end'); rs.end(); };
  assert.equal(rs.write('ping'), true);
  await r.closed;
  assert.equal(Buffer.concat(r.data).toString(), 're:ping');
  assert.deepEqual(r.log, ['end', 'close']);
  assert.equal(rs.destroyed, true);
});

test('connection refused reports ECONNREFUSED then close', async () => {
  const port = await listen(() => {});
  servers.pop()!.close();
  await new Promise((r) => setTimeout(r, 20));
  const rs = rawConnectTcp('127.0.0.1', port, null, true, false);
  const r = record(rs);
  await r.closed;
  assert.deepEqual(r.log, ['error:ECONNREFUSED', 'close']);
});

test('writes before connect are queued, end() before connect shuts down after them (half-close to the peer)', async () => {
  let got = '';
  const peerEnded = new Promise<void>((resolve) => {
    void listen((s) => { s.on('data', (d) => { got += d.toString(); }); s.on('end', () => { s.end('bye'); resolve(); }); }).then((port) => {
      const rs = rawConnectTcp('127.0.0.1', port, null, true, false);
      rs.write('a'); rs.write(Buffer.from('b')); rs.end();
      const r = record(rs);
      void r.closed.then(() => { assert.equal(Buffer.concat(r.data).toString(), 'bye'); assert.deepEqual(r.log, ['end', 'close']); });
    });
  });
  await peerEnded;
  assert.equal(got, 'ab');
});

test('peer half-close: onend, we can still write, then our end closes', async () => {
  let got = '';
  const peerDone = new Promise<void>((resolve) => {
    void listen((s) => { s.end(); s.on('data', (d) => { got += d.toString(); }); s.on('end', () => resolve()); }).then((port) => {
      const rs = rawConnectTcp('127.0.0.1', port, null, true, false);
      rs.onend = () => { rs.write('after-fin'); rs.end(); };
    });
  });
  await peerDone;
  assert.equal(got, 'after-fin');
});

test('backpressure: write returns false when the peer does not read, ondrain once it does', async () => {
  let peer: net.Socket | null = null;
  const port = await listen((s) => { peer = s; s.pause(); });
  const rs = rawConnectTcp('127.0.0.1', port, null, true, false);
  await connected(rs);
  const big = Buffer.alloc(1 << 20, 120);
  let n = 0;
  while (rs.write(big)) { n++; if (n > 64) break; }
  assert.ok(n <= 64, 'write must report backpressure');
  assert.ok(rs.writableLength >= 16384);
  const drained = new Promise<void>((r) => { rs.ondrain = () => r(); });
  (peer as unknown as net.Socket).resume();
  await drained;
  assert.equal(rs.writableLength, 0);
  rs.destroy();
});

test('a peer that resets: ECONNRESET on read, then close', async () => {
  const port = await listen((s) => { s.on('data', () => s.resetAndDestroy()); });
  const rs = rawConnectTcp('127.0.0.1', port, null, true, false);
  const r = record(rs);
  rs.onconnect = () => { rs.resume(); rs.write('x'); };
  await r.closed;
  assert.deepEqual(r.log, ['error:ECONNRESET', 'close']);
});

test('write callback gets EPIPE/ECONNRESET once the peer is gone', async () => {
  const port = await listen((s) => { setTimeout(() => s.resetAndDestroy(), 20); });
  const rs = rawConnectTcp('127.0.0.1', port, null, true, false);
  rs.pause();
  await connected(rs);
  await new Promise((r) => setTimeout(r, 50));
  const err = await new Promise<SockError | null | undefined>((resolve) => { rs.write(Buffer.from('x'), (e) => resolve(e)); });
  assert.ok(err && (err.code === 'EPIPE' || err.code === 'ECONNRESET'), String(err?.code));
  rs.destroy();
});

test('pause stops reading (the peer FIN is not seen), resume delivers data and end', async () => {
  const port = await listen((s) => { s.end('hello'); });
  const rs = rawConnectTcp('127.0.0.1', port, null, true, false);
  rs.pause();
  const r = record(rs);
  await new Promise((res) => setTimeout(res, 80));
  assert.deepEqual(r.log, []);
  assert.equal(rs.isPaused(), true);
  rs.onend = () => { r.log.push('end'); rs.destroy(); };
  rs.resume();
  await r.closed;
  assert.equal(Buffer.concat(r.data).toString(), 'hello');
  assert.deepEqual(r.log, ['end', 'close']);
});

test('cork/uncork sends the pieces together; own read buffer mode hands out views and swaps on request', async () => {
  const port = await listen((s) => { s.once('data', (d) => s.end(d)); });
  const own = Buffer.alloc(1024);
  const rs = rawConnectTcp('127.0.0.1', port, own, true, false);
  await connected(rs);
  const views: Buffer[] = [];
  const next = Buffer.alloc(1024);
  rs.ondata = (c) => { views.push(Buffer.from(c)); assert.equal(c.buffer, own.buffer); rs.readBuf = next; };
  const closed = new Promise<void>((r) => { rs.onclose = () => r(); });
  rs.onend = () => rs.end();
  rs.cork(); rs.write('one-'); rs.write('two-'); rs.write(Buffer.from('three')); rs.uncork();
  await closed;
  assert.equal(Buffer.concat(views).toString(), 'one-two-three');
});

test('lend mode: reads come in a lent buffer, kept only while reads fill it; a buffer the owner keeps stays intact', async () => {
  const bulk = Buffer.alloc(1048577);
  for (let i = 0; i < bulk.length; i++) bulk[i] = (i * 7 + (i >> 9)) & 255;
  const port = await listen((s) => {
    s.write('hello');
    s.once('data', () => s.end(bulk));
  });
  const rs = rawConnectTcp('127.0.0.1', port, null, true, false);
  rs.lend = true;
  await connected(rs);
  const got: Buffer[] = [];
  const sizes: number[] = [];
  let prev: ArrayBufferLike | null = null;
  let prevN = 0;
  let zeroCopy = 0;
  let kept: Buffer | null = null;
  let keptCopy: Buffer | null = null;
  let endState = '';
  const afterHello = new Promise<Buffer | null>((resolve) => {
    rs.ondata = (c) => {
      assert.ok(rs.readBuf !== null && c.buffer === rs.readBuf.buffer, 'ondata gets a view of readBuf');
      got.push(Buffer.from(c));
      if (sizes.length === 0) { sizes.push(c.length); setImmediate(() => resolve(rs.readBuf)); return; }
      sizes.push(c.length);
      if (prev === c.buffer && prevN === RAW_READ_BUF_SIZE) zeroCopy++;
      if (kept === null && c.length === RAW_READ_BUF_SIZE) {
        kept = rs.readBuf; keptCopy = Buffer.from(c); rs.readBuf = rawReadBufTake();   // the owner keeps this one
      }
      prev = c.buffer; prevN = c.length;
    };
  });
  const closed = new Promise<void>((r) => { rs.onclose = () => r(); });
  rs.onend = () => { endState = rs.readBuf === null ? 'shared' : 'own'; rs.end(); };
  assert.equal(await afterHello, null, 'a short read gives the lent buffer back');
  rs.pause();
  rs.write('go');
  await new Promise((r) => setTimeout(r, 200));    // the peer's bytes pile up: the first bulk read fills the buffer
  rs.resume();
  await closed;
  assert.equal(Buffer.concat(got).toString('latin1'), 'hello' + bulk.toString('latin1'));
  assert.equal(sizes[1], RAW_READ_BUF_SIZE);
  assert.ok(kept !== null && keptCopy !== null && (kept as Buffer).subarray(0, RAW_READ_BUF_SIZE).equals(keptCopy), 'kept buffer not reused');
  assert.ok(zeroCopy > 0, 'reads after a full one land in the same buffer');
  assert.equal(endState, prevN < RAW_READ_BUF_SIZE ? 'shared' : 'own');
});

test('accepted handles (tcp and unix) read in copy mode and write back', async () => {
  for (const unix of [false, true]) {
    const srv = net.createServer();
    servers.push(srv);
    const path = `/tmp/sluice-rawsock-${process.pid}.sock`;
    if (unix) srv.listen(path); else srv.listen(0, '127.0.0.1');
    await once(srv, 'listening');
    const h = (srv as unknown as { _handle: { onconnection: (err: number, c: unknown) => void } })._handle;
    h.onconnection = (_err, client) => {
      const rs = rawFromAccepted(client);
      rs.ondata = (c) => { rs.write(Buffer.concat([Buffer.from('echo:'), c])); rs.end(); };
      rs.resume();
    };
    const c = unix ? net.connect(path) : net.connect((srv.address() as net.AddressInfo).port, '127.0.0.1');
    c.write('hi');
    let got = '';
    c.on('data', (d) => { got += d.toString(); });
    await once(c, 'end');
    c.destroy();
    assert.equal(got, 'echo:hi');
    srv.close();
    if (!unix) {
      // unix client over rawConnectPipe
      const usrv = net.createServer((s) => s.end('u'));
      servers.push(usrv);
      usrv.listen(path + '2');
      await once(usrv, 'listening');
      const rs = rawConnectPipe(path + '2', null);
      const r = record(rs);
      rs.onend = () => { rs.destroy(); };
      await r.closed;
      assert.equal(Buffer.concat(r.data).toString(), 'u');
      usrv.close();
    }
  }
});

test('write() says stop while corked: ondrain comes after uncork even when the kernel took everything at once', async () => {
  const port = await listen((s) => { s.resume(); });
  const rs = rawConnectTcp('127.0.0.1', port, null, true, false);
  await connected(rs);
  rs.cork();
  assert.equal(rs.write(Buffer.alloc(20000)), false);
  let drained = false;
  const p = new Promise<void>((r) => { rs.ondrain = () => { drained = true; r(); }; });
  rs.uncork();
  assert.equal(drained, false, 'not from inside uncork()');
  await p;
  assert.equal(rs.writableLength, 0);
  rs.destroy();
});

test('write + end() from inside onconnect: one shutdown, the peer gets the bytes then EOF, we close without error', async () => {
  let got = '';
  const log: string[] = [];
  const port = await listen((s) => { s.on('data', (d) => { got += d.toString(); }); s.on('end', () => s.end()); });
  const rs = rawConnectTcp('127.0.0.1', port, null, true, false);
  rs.onconnect = () => { rs.write('x'); rs.end(); };
  rs.onerror = (e) => { log.push('error:' + e.code); };
  rs.onend = () => { log.push('end'); };
  await new Promise<void>((r) => { rs.onclose = () => { log.push('close'); r(); }; });
  assert.equal(got, 'x');
  assert.deepEqual(log, ['end', 'close']);
});

test('resetAndDestroy while our shutdown waits behind a write: the handle still closes (plain close), onclose runs', async () => {
  let peer: net.Socket | null = null;
  const port = await listen((s) => { peer = s; s.pause(); });
  const rs = rawConnectTcp('127.0.0.1', port, null, true, false);
  await connected(rs);
  const r = record(rs);
  rs.write(Buffer.alloc(8 << 20));   // more than the socket buffers take: the write and the shutdown stay queued
  rs.end();
  assert.equal(rs.shutDone, false);
  rs.resetAndDestroy();
  const timeout = new Promise<string>((res) => setTimeout(() => res('timeout'), 2000));
  assert.equal(await Promise.race([r.closed.then(() => 'closed'), timeout]), 'closed');
  assert.equal(rs.destroyed, true);
  (peer as net.Socket | null)?.destroy();
});

test('a silenced socket closes without a close callback and lets go of its handle at once', async () => {
  const port = await listen((s) => { s.on('error', () => {}); });   // our reset reaches it as ECONNRESET
  const rs = rawConnectTcp('127.0.0.1', port, null, true, false);
  await connected(rs);
  let heard = 0;
  rs.onclose = () => { heard++; };
  sockSilence(rs);
  assert.equal(rs.owner, null);
  rs.resetAndDestroy();
  assert.equal(rs.handle, null);      // closed synchronously: no callback to wait for
  await new Promise((res) => setTimeout(res, 50));
  assert.equal(heard, 0);
});

test('TCP_NODELAY of an outgoing connection waits for its second write, or comes before a first one over one segment', async () => {
  const port = await listen((s) => { s.on('data', () => {}); });
  const small = rawConnectTcp('127.0.0.1', port, null, true, false);
  assert.equal(small.noDelayLazy, true);
  await connected(small);
  small.write('GET / HTTP/1.1\r\n\r\n');
  assert.equal(small.noDelayLazy, true);         // a first write that fits one segment goes without it
  small.write('more');
  assert.equal(small.noDelayLazy, false);        // set before the second
  const big = rawConnectTcp('127.0.0.1', port, null, true, false);
  await connected(big);
  big.write(Buffer.alloc(1401, 97));
  assert.equal(big.noDelayLazy, false);
  const off = rawConnectTcp('127.0.0.1', port, null, false, false);
  assert.equal(off.noDelayLazy, false);          // noDelay false: never set
  for (const s of [small, big, off]) s.destroy();
});
