/*
 * The log ring (proxy/log/ring.ts) on its own: records come out in order with their slots across wrap-arounds,
 * a full ring refuses (the caller drops and counts) and accepts again once the reader releases; the senders: lines
 * logged just before process.exit() still reach the collector, a dead worker is replaced, UDP batches arrive in
 * order, unusable targets count drops/errors.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RingWriter, RingReader, newRingMemory, RING_NONE } from '../../../proxy/log/ring.ts';

function put(w: RingWriter, slot: number, text: string): boolean {
  const at = w.reserve(text.length);
  if (at < 0) return false;
  w.v.data.write(text, at, 'latin1');
  w.commit(slot, text.length);
  return true;
}

function take(r: RingReader): [number, string] | null {
  const slot = r.next();
  if (slot === RING_NONE) return null;
  return [slot, r.v.data.toString('latin1', r.off, r.off + r.len)];
}

test('records come out in order with their slot across many wrap-arounds of the ring', () => {
  const sab = newRingMemory(65536);
  const w = new RingWriter(sab);
  const r = new RingReader(sab);
  let seed = 7;
  const rnd = (n: number): number => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % n; };
  const queue: [number, string][] = [];
  let taken = 0;
  for (let i = 0; i < 20000; i++) {
    const text = String(i).padEnd(1 + rnd(900), String.fromCharCode(97 + (i % 26)));
    if (put(w, i & 1023, text)) queue.push([i & 1023, text]);
    if (rnd(3) === 0 || queue.length > 40) {
      for (let k = rnd(queue.length + 1); k > 0; k--) {
        const got = take(r);
        assert.deepEqual(got, queue.shift());
        taken++;
      }
      r.release();
    }
  }
  for (let got = take(r); got !== null; got = take(r)) { assert.deepEqual(got, queue.shift()); taken++; }
  r.release();
  assert.equal(queue.length, 0);
  assert.ok(taken > 15000, 'most records went through: ' + taken);
  assert.equal(w.pending(), 0);
});

test('a full ring refuses a record without touching the unread ones, and accepts again after release', () => {
  const sab = newRingMemory(65536);
  const w = new RingWriter(sab);
  const r = new RingReader(sab);
  const line = 'x'.repeat(1000);
  let n = 0;
  while (put(w, 1, line)) n++;
  assert.equal(n, Math.floor(65536 / 1008));
  assert.equal(w.reserve(8) >= 0, true, 'a small record still fits in the 16-byte tail gap');
  assert.equal(w.reserve(9), -1);
  assert.equal(w.reserve(100000), -1, 'a record larger than half the ring is refused');
  assert.deepEqual(take(r), [1, line]);
  assert.equal(put(w, 2, line), false, 'nothing released yet');
  r.release();
  assert.equal(put(w, 2, line), true);
  for (let i = 1; i < n; i++) assert.deepEqual(take(r), [1, line]);
  assert.deepEqual(take(r), [2, line]);
  assert.equal(take(r), null);
});

const sockets: dgram.Socket[] = [];
after(() => { for (const s of sockets) s.close(); });

test('lines logged right before process.exit() are all sent, even before the socket connected', async () => {
  const rx = dgram.createSocket({ type: 'udp4', recvBufferSize: 1 << 22 });
  sockets.push(rx);
  const got: string[] = [];
  rx.on('message', (m) => got.push(m.toString('latin1')));
  await new Promise<void>((res) => rx.bind(0, '127.0.0.1', res));
  const port = (rx.address()).port;
  const N = 3000;
  const script = `
    import { newLogCfg, newLogTarget } from ${JSON.stringify(new URL('../../../proxy/log/cfg.ts', import.meta.url).href)};
    import { compileLogFormat } from ${JSON.stringify(new URL('../../../proxy/log/format.ts', import.meta.url).href)};
    import { logStream } from ${JSON.stringify(new URL('../../../proxy/log/emit.ts', import.meta.url).href)};
    const fe = { name: 'fe', cap: 3, mode: 1, options: 0, log: newLogCfg() };
    const t = newLogTarget('t', 1); t.host = '127.0.0.1'; t.port = ${port}; t.format = 7;
    fe.log.targets = [t];
    const c = compileLogFormat('line %rt'); fe.log.emitter = c.emitter;
    const s = { reqCounter: 0 };
    for (let i = 1; i <= ${N}; i++) { s.reqCounter = i; logStream(fe, s); }
    process.exit(0);
  `;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script],
    { stdio: ['ignore', 'ignore', 'inherit'] });
  const code = await new Promise<number | null>((res) => child.on('exit', res));
  assert.equal(code, 0);
  const deadline = Date.now() + 6000;
  while (got.length < N && Date.now() < deadline) await new Promise((res) => setTimeout(res, 20));
  assert.equal(got.length, N);
  assert.equal(got[0], 'line 1\n');
  assert.equal(got[N - 1], 'line ' + N + '\n');
});

test('a log worker that dies is replaced on the next line and logging resumes without loss', async () => {
  const { newLogCfg, newLogTarget } = await import('../../../proxy/log/cfg.ts');
  const { compileLogFormat } = await import('../../../proxy/log/format.ts');
  const { logStream } = await import('../../../proxy/log/emit.ts');
  const { logWorkerRing, logCounters, flushLogs, closeLogSinks } = await import('../../../proxy/log/sender.ts');
  const { RING_SLOT_OPEN } = await import('../../../proxy/log/ring.ts');
  const { LOG_TGT_FD } = await import('../../../proxy/log/types.ts');
  // an fd target (the worker's kind; UDP targets are sent on the event loop) writing to a temporary file
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-ring-'));
  const file = path.join(dir, 'out.log');
  const fd = fs.openSync(file, 'w');
  const fe = { name: 'fe', cap: 3, mode: 1, options: 0, log: newLogCfg() } as never as Parameters<typeof logStream>[0];
  const t = newLogTarget('t', 1);
  t.kind = LOG_TGT_FD; t.fd = fd; t.format = 7;
  fe.log.targets = [t];
  const c = compileLogFormat('n %rt');
  assert.ok(c.ok);
  fe.log.emitter = c.emitter;
  const s = { reqCounter: 1 } as never as Parameters<typeof logStream>[1];
  try {
    logStream(fe, s);
    assert.ok(flushLogs(3000));
    // a malformed target description makes the worker throw
    const w = logWorkerRing();
    const at = w.reserve(2);
    w.v.data.write('{x', at, 'latin1');
    w.commit(RING_SLOT_OPEN, 2);
    const first = w;
    for (let i = 0; i < 100 && logWorkerRing() === first; i++) await new Promise((res) => setTimeout(res, 20));
    assert.notEqual(logWorkerRing(), first, 'a new ring and worker after the crash');
    const dropped = logCounters.dropped;
    (s as { reqCounter: number }).reqCounter = 2;
    logStream(fe, s);
    assert.ok(flushLogs(3000));
    for (let i = 0; i < 100 && fs.readFileSync(file, 'latin1') !== 'n 1\nn 2\n'; i++) {
      await new Promise((res) => setTimeout(res, 10));
    }
    assert.equal(fs.readFileSync(file, 'latin1'), 'n 1\nn 2\n');
    assert.equal(logCounters.dropped, dropped);
  } finally {
    closeLogSinks();
    fs.closeSync(fd);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('lines for a UDP target that cannot connect are dropped and counted, and a flush does not wait on them', async () => {
  const { newLogCfg, newLogTarget } = await import('../../../proxy/log/cfg.ts');
  const { compileLogFormat } = await import('../../../proxy/log/format.ts');
  const { logStream } = await import('../../../proxy/log/emit.ts');
  const { logCounters, flushLogs, closeLogSinks } = await import('../../../proxy/log/sender.ts');
  const fe = { name: 'fe', cap: 3, mode: 1, options: 0, log: newLogCfg() } as never as Parameters<typeof logStream>[0];
  const t = newLogTarget('t', 1);
  t.host = '::1'; t.port = 514; t.family = 4; // an IPv6 address for a udp4 socket: connect fails at once (EINVAL)
  fe.log.targets = [t];
  const c = compileLogFormat('n %rt');
  assert.ok(c.ok);
  fe.log.emitter = c.emitter;
  const dropped = logCounters.dropped;
  const errors = logCounters.errors;
  for (let i = 0; i < 3; i++) logStream(fe, { reqCounter: i } as never as Parameters<typeof logStream>[1]);
  const t0 = performance.now();
  flushLogs(5000);
  assert.ok(performance.now() - t0 < 1000, 'flushLogs does not block on a pending connect');
  for (let i = 0; i < 200 && logCounters.dropped - dropped < 3; i++) await new Promise((res) => setTimeout(res, 10));
  assert.equal(logCounters.dropped - dropped, 3);
  assert.equal(logCounters.errors - errors, 1);
  assert.equal(flushLogs(0), true);
  closeLogSinks();
});

/** A UDP collector on loopback and a frontend logging `<fmt>` (raw format) to it. */
async function udpLogFixture(fmt: string) {
  const { newLogCfg, newLogTarget } = await import('../../../proxy/log/cfg.ts');
  const { compileLogFormat } = await import('../../../proxy/log/format.ts');
  const { logStream } = await import('../../../proxy/log/emit.ts');
  const rx = dgram.createSocket({ type: 'udp4', recvBufferSize: 1 << 22 });
  sockets.push(rx);
  const got: string[] = [];
  rx.on('message', (m) => got.push(m.toString('latin1')));
  await new Promise<void>((res) => rx.bind(0, '127.0.0.1', res));
  const fe = { name: 'fe', cap: 3, mode: 1, options: 0, log: newLogCfg() } as never as Parameters<typeof logStream>[0];
  const t = newLogTarget('t', 1);
  t.host = '127.0.0.1'; t.port = rx.address().port; t.format = 7;
  fe.log.targets = [t];
  const c = compileLogFormat(fmt);
  assert.ok(c.ok);
  fe.log.emitter = c.emitter;
  const s = { reqCounter: 0 } as { reqCounter: number };
  /** Logs one line with %rt = n. */
  const log = (n: number): void => { s.reqCounter = n; logStream(fe, s as never); };
  return { rx, got, log, t };
}

test('UDP lines are batched and all arrive in order; a closed port counts errors, not a crash', async () => {
  const { logCounters, flushLogs, closeLogSinks } = await import('../../../proxy/log/sender.ts');
  const { rx, got, log } = await udpLogFixture('n %rt');
  const delivered = logCounters.delivered;
  // several batches (64 lines each) in one tick, then single lines sent by the batch timer
  for (let i = 1; i <= 1500; i++) log(i);
  for (let i = 0; i < 200 && !flushLogs(0); i++) await new Promise((res) => setTimeout(res, 5));
  for (let i = 1501; i <= 1503; i++) {
    log(i);
    await new Promise((res) => setTimeout(res, 20));
  }
  for (let i = 0; i < 200 && got.length < 1503; i++) await new Promise((res) => setTimeout(res, 10));
  assert.equal(got.length, 1503);
  for (let i = 0; i < got.length; i++) if (got[i] !== 'n ' + (i + 1) + '\n') assert.fail('line ' + i + ': ' + got[i]);
  assert.equal(logCounters.delivered - delivered, 1503);
  // the collector goes away: ECONNREFUSED comes back on a later send, counted as an error (and a dropped line)
  rx.close();
  sockets.splice(sockets.indexOf(rx), 1);
  const errors = logCounters.errors;
  const dropped = logCounters.dropped;
  const delivered2 = logCounters.delivered;
  for (let i = 0; i < 5; i++) {
    log(2000 + i);
    flushLogs(0);
    await new Promise((res) => setTimeout(res, 5));
  }
  assert.ok(logCounters.errors > errors, 'send errors counted');
  // a refused send is a dropped line: every line is either handed to the kernel or dropped
  assert.equal(logCounters.dropped - dropped, logCounters.errors - errors);
  assert.equal(logCounters.delivered - delivered2 + logCounters.dropped - dropped, 5);
  closeLogSinks();
});

test('with UDP through the worker (SLUICE_LOG_WORKER=1), lines arrive in order and a flush waits for them', async () => {
  const { logCounters, flushLogs, closeLogSinks, setLogUdpInWorker, logWorkerRing } =
    await import('../../../proxy/log/sender.ts');
  const { RING_ST_SENT } = await import('../../../proxy/log/ring.ts');
  const { got, log } = await udpLogFixture('w %rt');
  const delivered = logCounters.delivered;
  setLogUdpInWorker(true);
  try {
    for (let i = 1; i <= 500; i++) log(i);
    assert.ok(flushLogs(5000), 'the worker sent everything');
    assert.equal(logCounters.delivered - delivered, 500);
    assert.equal(logWorkerRing().v.stats[RING_ST_SENT], 500, 'sent by the worker');
    for (let i = 0; i < 200 && got.length < 500; i++) await new Promise((res) => setTimeout(res, 10));
    assert.equal(got.length, 500);
    for (let i = 0; i < got.length; i++) if (got[i] !== 'w ' + (i + 1) + '\n') assert.fail('line ' + i + ': ' + got[i]);
  } finally {
    setLogUdpInWorker(false);
    closeLogSinks();
  }
});

test('`len` on an fd target counts the newline (haproxy 2.6: stdout gets len-1 bytes and "\\n")', async () => {
  const { newLogCfg, newLogTarget } = await import('../../../proxy/log/cfg.ts');
  const { compileLogFormat } = await import('../../../proxy/log/format.ts');
  const { logStream } = await import('../../../proxy/log/emit.ts');
  const { flushLogs, closeLogSinks } = await import('../../../proxy/log/sender.ts');
  const { LOG_TGT_FD } = await import('../../../proxy/log/types.ts');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-len-'));
  const file = path.join(dir, 'out.log');
  const fd = fs.openSync(file, 'w');
  const fe = { name: 'fe', cap: 3, mode: 1, options: 0, log: newLogCfg() } as never as Parameters<typeof logStream>[0];
  const t = newLogTarget('t', 1);
  t.kind = LOG_TGT_FD; t.fd = fd; t.format = 7; t.maxLen = 10;
  fe.log.targets = [t];
  const c = compileLogFormat('abcdefghijklmnop %rt');
  assert.ok(c.ok);
  fe.log.emitter = c.emitter;
  try {
    logStream(fe, { reqCounter: 1 } as never as Parameters<typeof logStream>[1]);
    assert.ok(flushLogs(3000));
    for (let i = 0; i < 100 && fs.readFileSync(file, 'latin1') === ''; i++) await new Promise((res) => setTimeout(res, 10));
    assert.equal(fs.readFileSync(file, 'latin1'), 'abcdefghi\n');
  } finally {
    closeLogSinks();
    fs.closeSync(fd);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('`len` on UDP targets: len bytes then "\\n", the line built at most the largest len minus one (2.6.12)', async () => {
  const { flushLogs, closeLogSinks } = await import('../../../proxy/log/sender.ts');
  const { LOG_FMT_SHORT } = await import('../../../proxy/log/types.ts');
  const { setLogMessageCap } = await import('../../../proxy/log/emit.ts');
  // the only targets have len 10: lines are built 9 bytes long at most (raw: 9 + "\n"; short: <6> + 7 + "\n")
  setLogMessageCap(9);
  const raw = await udpLogFixture('abcdefghijklmnop %rt');
  raw.t.maxLen = 10;
  raw.log(1);
  const short = await udpLogFixture('abcdefghijklmnop %rt');
  short.t.maxLen = 10; short.t.format = LOG_FMT_SHORT;
  short.log(1);
  // with another target of a larger len, the raw one sends its 10 bytes then "\n"
  setLogMessageCap(399);
  const raw2 = await udpLogFixture('abcdefghijklmnop %rt');
  raw2.t.maxLen = 10;
  raw2.log(1);
  setLogMessageCap(1023);
  for (let i = 0; i < 200 && !flushLogs(0); i++) await new Promise((res) => setTimeout(res, 5));
  for (let i = 0; i < 200 && (raw.got.length === 0 || short.got.length === 0 || raw2.got.length === 0); i++) await new Promise((res) => setTimeout(res, 5));
  assert.deepEqual(raw.got, ['abcdefghi\n']);
  assert.deepEqual(short.got, ['<6>abcdefg\n']);
  assert.deepEqual(raw2.got, ['abcdefghij\n']);
  closeLogSinks();
});
