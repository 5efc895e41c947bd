/*
 * Replays fixtures/http/cases.mjs against in-process Sluice with the configuration and upstreams HAProxy 2.6 ran
 * under (fixtures/http/capture.mjs), and compares with its goldens in fixtures/http/cases/<case>/: reply bytes,
 * upstream bytes, whether the proxy closed the connection (end.txt) and the log lines. Used by bad-input.test.ts and
 * differential.test.ts (one Sluice and one set of upstreams per file).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
// @ts-expect-error plain JS fixture module shared with the capture script
import { buildConfig, startUpstreams } from '../../../fixtures/http/cases.mjs';
import { startSluice, exchangeEnd, summarizeLog, maskLog, freePort, type Running } from './harness.ts';

export interface Case { name: string; send: (string | number)[]; idleMs?: number; closeAfterSend?: boolean; fe?: number }

/**
 * How a case's log lines are compared: 'full' = maskLog() of each line, 'summary' = status/termination/backend/request,
 * 'none' = not at all (a known difference in the log only).
 */
export type LogCheck = 'full' | 'summary' | 'none';

const defaultDir = new URL('../../../fixtures/http/cases/', import.meta.url);

/** Registers one test per case; `logCheck(name)` picks its log comparison; goldens in `dir` (fixtures/http/cases/). */
export function replayCases(cases: Case[], logCheck: (name: string) => LogCheck, dir: URL = defaultDir): void {
  const golden = (c: string, f: string): string | null => {
    const u = new URL(`${c}/${f}`, dir);
    return fs.existsSync(u) ? fs.readFileSync(u, 'latin1') : null;
  };
  let px: Running;
  let up: { ports: Record<string, number>; reset(): void; received(): Buffer; close(): void };
  before(async () => {
    up = await startUpstreams();
    const cfg = (buildConfig(await freePort(), up.ports, await freePort(), await freePort()) as string)
      .replace('log stdout format raw local0', 'log 127.0.0.1:${LOGPORT} local0');
    px = await startSluice(cfg);
  });
  after(async () => { await px.close(); up.close(); });

  for (const c of cases) {
    const lc = logCheck(c.name);
    test(`${c.name}: same reply, upstream bytes, connection end${lc === 'none' ? '' : ' and log'} as HAProxy 2.6`, async () => {
      // the goldens run 300 ms timeouts: on a loaded machine one may fire late or early, so a mismatch is tried once
      // more and only a second one fails the test
      try { await replayOnce(c, lc); } catch { await new Promise((r) => setTimeout(r, 200)); await replayOnce(c, lc); }
    });
  }

  async function replayOnce(c: Case, lc: LogCheck): Promise<void> {
    up.reset();
    px.logs.length = 0;
    // the capture waited `idleMs` (400 by default) of silence; a close HAProxy made within it is waited for longer
    const end = golden(c.name, 'end.txt');
    const idle = (c.idleMs ?? 400) + (end?.trim() === 'closed' ? 400 : 0);
    const got = await exchangeEnd(px.port(c.fe === undefined ? 'fe' : 'fe' + c.fe), c.send, idle, c.closeAfterSend ?? false);
    const wantLog = (golden(c.name, 'haproxy-log.txt') ?? '').split('\n').filter(Boolean);
    // log lines go through a worker thread: wait for them (bounded), then a little for any extra one
    for (let i = 0; i < 300 && px.logs.length < wantLog.length; i++) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(got.buf.toString('latin1'), golden(c.name, 'response.bin'), 'response bytes');
    const upWant = golden(c.name, 'upstream.bin');
    if (upWant !== null) assert.equal(up.received().toString('latin1'), upWant, 'upstream bytes');
    if (end !== null) assert.equal(got.closed ? 'closed' : 'open', end.trim(), 'connection closed by the proxy');
    if (lc === 'full') assert.deepEqual(px.logs.map(maskLog), wantLog.map(maskLog), 'log lines');
    else if (lc === 'summary') {
      const short = (l: string): string => summarizeLog(l).split(' ').slice(0, 3).join(' ');
      assert.deepEqual(px.logs.map(short), wantLog.map(short), 'log status / termination state / backend');
    }
  }
}
