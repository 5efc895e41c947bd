/*
 * Client resets at each phase of a request, logged as haproxy 2.6.12 logs them (fixtures/proxy/abort-diff, found by
 * bench/edge/abort-diff.ts): a reset before or in the middle of the first request head is 400 CR-- <BADREQ> (Sluice
 * logged nothing, or -1 CD--), during the request body CD-- (was CH--), and while waiting for the response with
 * option abortonclose the response is still read and logged CD-- with its status (Sluice aborted it, -1 CH--); a
 * server failing after such a reset is logged with its own error, SD-- (was CD--); a server reset ending a
 * close-delimited body is SD-- (was ----). A client that half-closes after its request gets its reply without
 * `connection: close` (Sluice added it), then the close. A reset while queued goes unseen: 503 sQ-- at `timeout
 * queue` (Sluice logged -1 CC-- at once). A keep-alive request head cut by a reset or a timeout has a %Ta counted from
 * its first byte, the idle time before it being %Ti (Sluice counted from the previous reply).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSluiceInProcess, logCollector, freePort, maskLog } from '../http/harness.ts';
import { stopListeners } from '../../../proxy/frontend.ts';
import { flushLogs, closeLogSinks } from '../../../proxy/log/sender.ts';
import type { Proxy } from '../../../proxy/model/types.ts';
// @ts-expect-error plain JS fixture module shared with the capture script
import { buildConfig, startServer, SCENARIOS, play } from '../../../fixtures/proxy/abort-diff/scenarios.mjs';

const DIR = new URL('../../../fixtures/proxy/abort-diff/', import.meta.url).pathname;
const RAW = fs.readFileSync(path.join(DIR, 'haproxy-2.6.12.log'), 'latin1').split('\n').filter((l) => l !== '');
const GOLDEN = RAW.map((l) => maskLog(l.slice(l.indexOf(']: ') + 3)));
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
let fes: Proxy[] = [];
let srv: { port: number; close(): void };
let col: Awaited<ReturnType<typeof logCollector>>;
const ports: Record<string, number> = {};

before(async () => {
  col = await logCollector();
  srv = await startServer();
  ports.fe = await freePort();
  ports.fe_aoc = await freePort();
  ports.fe_q = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-abort-diff-'));
  fs.writeFileSync(path.join(dir, 'c.cfg'), buildConfig(ports.fe, ports.fe_aoc, srv.port, col.port, ports.fe_q));
  fes = await startSluiceInProcess(path.join(dir, 'c.cfg'));
  fs.rmSync(dir, { recursive: true, force: true });
});

after(() => {
  for (const fe of fes) void stopListeners(fe, null);
  srv.close();
  col.sock.close();
  closeLogSinks();
});

test('client resets before, in and after the request are logged as haproxy 2.6.12 logs them', { timeout: 20000 }, async () => {
  let g = 0;
  for (const sc of SCENARIOS) {
    const want: number = sc.lines ?? 1;
    const n = col.lines.length;
    const reply = await play(ports[sc.fe], sc);
    if (sc.half) assert.equal(reply, fs.readFileSync(path.join(DIR, sc.name + '.reply'), 'latin1'), sc.name + ': reply');
    for (let k = 0; k < 150 && col.lines.length < n + want; k++) { flushLogs(0); await sleep(20); }
    assert.equal(col.lines.length, n + want, sc.name + ': lines');
    assert.deepEqual(col.lines.slice(n).map(maskLog), GOLDEN.slice(g, g + want), sc.name);
    if (sc.taBelow) {
      // the masked timers hide it: %Ta (last timer) of the last line, haproxy's (golden) and Sluice's
      const ta = (l: string): number => Number((/ -?\d+\/-?\d+\/-?\d+\/-?\d+\/(\d+) /.exec(l) as RegExpExecArray)[1]);
      assert.ok(ta(RAW[g + want - 1]) < sc.taBelow, 'golden ' + RAW[g + want - 1]);
      assert.ok(ta(col.lines[n + want - 1]) < sc.taBelow, col.lines[n + want - 1]);
    }
    g += want;
  }
  assert.equal(g, GOLDEN.length);
});
