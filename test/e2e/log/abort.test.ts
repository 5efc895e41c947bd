/*
 * Clients giving up, logged as HAProxy 2.6.12 logs them (fixtures/log/abort, made by gen/abort.sh): in the data phase
 * a close (FIN, then gone) or a reset is CD-- and a half-close that keeps reading is ----; while waiting for the
 * response a close is ---- and a reset is CD--, the response being read to its end (no abortonclose) either way, so
 * status and bytes are the server's.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import dgram from 'node:dgram';
import net from 'node:net';
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { FIXTURES, goldenLines, httpBackend, freePort } from './replay.ts';
import { startSluiceInProcess } from '../http/harness.ts';
import { frontendPort, stopListeners } from '../../../proxy/frontend.ts';
import { flushLogs, closeLogSinks } from '../../../proxy/log/sender.ts';
import type { Proxy } from '../../../proxy/model/types.ts';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const got: string[] = [];
let udp: dgram.Socket;
let backend: ReturnType<typeof httpBackend>;
let fes: Proxy[] = [];

before(async () => {
  udp = dgram.createSocket('udp4');
  udp.on('message', (m) => got.push(m.toString('latin1')));
  await new Promise<void>((r) => udp.bind(0, '127.0.0.1', r));
  backend = httpBackend();
  await new Promise<void>((r) => backend.listen(0, '127.0.0.1', r));
  const cfg = fs.readFileSync(path.join(FIXTURES, 'gen/abort.cfg'), 'latin1')
    .replace('127.0.0.1:44011', '127.0.0.1:' + udp.address().port)
    .replace('127.0.0.1:44094', '127.0.0.1:' + (backend.address() as net.AddressInfo).port)
    .replace('127.0.0.1:44087', '127.0.0.1:' + await freePort());
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-abort-'));
  fs.writeFileSync(path.join(dir, 'abort.cfg'), cfg);
  fes = await startSluiceInProcess(path.join(dir, 'abort.cfg'));
  fs.rmSync(dir, { recursive: true, force: true });
});

after(() => {
  for (const fe of fes) void stopListeners(fe, null);
  backend.closeAllConnections();
  backend.close();
  udp.close();
  closeLogSinks();
});

/** gen/rst-client.mjs in-process: the request, then after `ms` a reset, a close or a half-close. */
function giveUp(port: number, p: string, ms: number, mode: string): Promise<void> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1', () => {
      s.write(`GET ${p} HTTP/1.1\r\nHost: 127.0.0.1:44087\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n`);
    });
    s.on('data', () => {});
    s.on('error', () => {});
    s.on('close', () => { clearTimeout(guard); resolve(); });
    const guard = setTimeout(() => s.destroy(), 2000);
    setTimeout(() => {
      if (mode === 'half') s.end(); else if (mode === 'close') s.destroy(); else s.resetAndDestroy();
    }, ms);
  });
}

test('a client closing, half-closing or resetting is logged CD-- or ---- with the status and bytes HAProxy logs', { timeout: 15000 }, async () => {
  const port = frontendPort(fes[0]);
  const gold = goldenLines('abort').map((l) => l.slice(l.indexOf(']: ') + 3));
  for (const line of gold) {
    const m = /"GET (\S+)\?(\w+) /.exec(line);
    assert.ok(m !== null, line);
    await giveUp(port, m[1] + '?' + m[2], 100, m[2]);
    await sleep(350);
  }
  for (let i = 0; i < 100 && got.length < gold.length; i++) { flushLogs(0); await sleep(20); }
  assert.deepEqual(got.map((d) => d.slice(d.indexOf(']: ') + 3)), gold);
});
