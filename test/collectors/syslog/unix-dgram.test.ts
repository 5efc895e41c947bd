import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import { listenUnixDgram } from '../../../collectors/syslog/unix-dgram.ts';

const ROOT = new URL('../../../', import.meta.url).pathname;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-unix-dgram-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

/**
 * Sends every message in order from a child process (a sender in this process would need this event loop, which
 * the listener under test needs too), retrying after 1 ms whenever the receiver's queue is full (EAGAIN).
 */
async function sendAll(to: string, msgs: Buffer[]): Promise<void> {
  const script = `
    const u = require('unix-dgram');
    const msgs = JSON.parse(require('fs').readFileSync(0, 'utf8')).map((m) => Buffer.from(m, 'latin1'));
    const c = u.createSocket('unix_dgram');
    let i = 0;
    const next = () => {
      if (i === msgs.length) { c.close(); return; }
      c.send(msgs[i], 0, msgs[i].length, ${JSON.stringify(to)}, (e) => {
        if (!e) { i++; next(); } else if (e.code === 1 || e.code === -11) setTimeout(next, 1); else { console.error(e.message); process.exit(1); }
      });
    };
    next();`;
  const child = spawn(process.execPath, ['-e', script], { cwd: ROOT, stdio: ['pipe', 'ignore', 'pipe'], timeout: 20000 });
  let err = '';
  child.stderr.on('data', (d) => { err += d; });
  child.stdin.end(JSON.stringify(msgs.map((m) => m.toString('latin1'))));
  const [code] = await once(child, 'exit');
  assert.equal(code, 0, err);
}

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const t0 = Date.now();
  while (!cond() && Date.now() - t0 < ms) await new Promise((r) => setTimeout(r, 10));
}

test('a unix datagram listener receives every datagram whole and in order, and removes its file at close', { timeout: 30000 }, async () => {
  const p = path.join(dir, 'log.sock');
  const got: string[] = [];
  const peers = new Set<string>();
  const l = listenUnixDgram(p, (buf, peer) => { got.push(buf.toString('latin1')); peers.add(peer); }, () => {});
  assert.equal(l.kind, 'unix-dgram');
  assert.ok(fs.lstatSync(p).isSocket());
  const msgs = Array.from({ length: 3000 }, (_, i) => Buffer.from('<134>Nov 23 20:18:12 haproxy[1]: line ' + i + ' ' + 'x'.repeat(i % 300)));
  await sendAll(p, msgs);
  await until(() => got.length >= msgs.length);
  await l.close();
  assert.deepEqual(got, msgs.map((m) => m.toString('latin1')));
  assert.deepEqual([...peers], ['']);
  assert.equal(fs.existsSync(p), false);
});

test('a stale socket file is replaced; a regular file or a missing directory is an error', { timeout: 30000 }, async () => {
  const p = path.join(dir, 'stale.sock');
  const a = listenUnixDgram(p, () => {}, () => {});
  const kept = path.join(dir, 'kept.sock');
  fs.renameSync(p, kept);   // a crash: the file stays behind while nothing listens
  await a.close();
  fs.renameSync(kept, p);
  let n = 0;
  const b = listenUnixDgram(p, () => { n++; }, () => {});
  await sendAll(p, [Buffer.from('x')]);
  await until(() => n >= 1);
  await b.close();
  assert.equal(n, 1);
  const f = path.join(dir, 'plain');
  fs.writeFileSync(f, 'data');
  assert.throws(() => listenUnixDgram(f, () => {}, () => {}), /exists and is not a socket/);
  assert.equal(fs.readFileSync(f, 'latin1'), 'data');
  assert.throws(() => listenUnixDgram(path.join(dir, 'no-such-dir', 's.sock'), () => {}, () => {}), /^Error: bind ENOENT /);
});
