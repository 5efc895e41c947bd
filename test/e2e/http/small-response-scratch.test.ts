/*
 * Small responses leave in head-out.ts's scratch slab (head + body, one write). A write that stays queued on one
 * client keeps that slab: responses to other clients, built meanwhile, must not overwrite the queued bytes.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect, createServer } from 'node:net';
import type { Socket } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSluice, stopSluice, sleep } from '../proxy-util.ts';
import type { Runtime } from '../../../proxy/runtime.ts';

const BODY = 4000;
// GET /<letter> answers BODY times that letter
const backend = createServer((s: Socket) => {
  s.on('error', () => {});
  let acc = '';
  s.on('data', (d: Buffer) => {
    acc += d.toString('latin1');
    let e: number;
    while ((e = acc.indexOf('\r\n\r\n')) >= 0) {
      const letter = acc.charAt(5);
      acc = acc.slice(e + 4);
      s.write(`HTTP/1.1 200 OK\r\ncontent-length: ${BODY}\r\n\r\n` + letter.repeat(BODY));
    }
  });
});
await new Promise<void>((r) => backend.listen(0, '127.0.0.1', r));
const dir = mkdtempSync(join(tmpdir(), 'sluice-scratch-'));
let rt: Runtime | null = null;
after(async () => { if (rt !== null) await stopSluice(rt); backend.close(); rmSync(dir, { recursive: true, force: true }); });

/** The bodies of the responses in `raw`, in order (each must be a 200). */
function bodies(raw: Buffer): string[] {
  const out: string[] = [];
  let o = 0;
  while (o < raw.length) {
    const e = raw.indexOf('\r\n\r\n', o, 'latin1');
    assert.ok(e > 0, `response ${out.length}: no head end`);
    const head = raw.toString('latin1', o, e);
    assert.match(head, /^HTTP\/1\.1 200 /, `response ${out.length}: ${JSON.stringify(head.slice(0, 40))}`);
    const len = Number(/content-length: *(\d+)/i.exec(head)?.[1]);
    out.push(raw.toString('latin1', e + 4, e + 4 + len));
    o = e + 4 + len;
  }
  return out;
}

test('a small response queued on a paused client stays intact while other clients are answered', async () => {
  const port = (backend.address() as { port: number }).port;
  const sock = join(dir, 'fe.sock');
  rt = await startSluice(`defaults\n  mode http\n  timeout client 10s\n  timeout server 10s\n  timeout connect 1s\n` +
    `frontend fe\n  bind unix@${sock}\n  default_backend be\nbackend be\n  server s 127.0.0.1:${port}\n`);
  // A pipelines requests for a, b, c, ... and reads nothing: its unix socket buffer fills and a response is left
  // partly written (queued)
  const n = 1000;
  const letters = Array.from({ length: n }, (_, i) => String.fromCharCode(97 + (i % 25)));
  const a = connect(sock);
  a.on('error', () => {});
  a.pause();
  await new Promise<void>((r) => a.on('connect', () => r()));
  a.write(letters.map((l) => `GET /${l} HTTP/1.1\r\nhost: x\r\n\r\n`).join(''));
  await sleep(1000);
  // B is answered (/z) meanwhile, one request at a time
  const b = connect(sock);
  b.on('error', () => {});
  let bGot = Buffer.alloc(0);
  for (let i = 0; i < 30; i++) {
    const before = bGot.length;
    const done = new Promise<void>((r) => {
      const on = (d: Buffer) => { bGot = Buffer.concat([bGot, d]); if (bGot.length - before >= BODY + 40) { b.off('data', on); r(); } };
      b.on('data', on);
    });
    b.write('GET /z HTTP/1.1\r\nhost: x\r\n\r\n');
    await done;
  }
  b.destroy();
  // now A reads everything
  const chunks: Buffer[] = [];
  a.on('data', (d: Buffer) => chunks.push(d));
  a.resume();
  const deadline = Date.now() + 10000;
  while (Date.now() < deadline) {
    const got = chunks.reduce((s, c) => s + c.length, 0);
    if (got >= n * BODY) {
      try { if (bodies(Buffer.concat(chunks)).length === n) break; } catch { /* incomplete */ }
    }
    await sleep(20);
  }
  a.destroy();
  const got = bodies(Buffer.concat(chunks));
  assert.equal(got.length, n);
  for (let i = 0; i < n; i++) assert.equal(got[i], letters[i].repeat(BODY), `response ${i}`);
  assert.deepEqual(bodies(bGot), Array(30).fill('z'.repeat(BODY)));
});
