/*
 * accept-invalid-http-request/-response, http-restrict-req-hdr-names and http-use-proxy-header against real HAProxy
 * 2.6 (fixtures/persist/http-options, see CMD): the same responses (what the relaxed parser lets through, what the
 * server then saw, the 403 of reject, the headers delete removed) and the same log fields.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startSluice, stopSluice, freePort } from '../proxy-util.ts';
import type { Runtime } from '../../../proxy/runtime.ts';
import { closeLogSinks } from '../../../proxy/log/sender.ts';
import { countersLogs } from '../http/counters-scenario.ts';
import { hoConfig, hoOrigin, runHo } from './http-options-scenario.ts';

const golden = (f: string): string => readFileSync(new URL('../../../fixtures/persist/http-options/' + f, import.meta.url), 'utf8');
let rt: Runtime | null = null;
const stops: (() => void)[] = [];
let results: string[] = [];
let logLines: string[] = [];

before(async () => {
  const o = await hoOrigin();
  const logs = await countersLogs();
  stops.push(o.close, () => logs.sock.close());
  logLines = logs.lines;
  const f = freePort;
  const p = { strict: await f(), relaxed: await f(), del: await f(), rej: await f(), uph: await f(), fe: await f(), srv: o.port, log: logs.port };
  rt = await startSluice(hoConfig(p));
  results = await runHo(p);
});
after(async () => { if (rt !== null) await stopSluice(rt); closeLogSinks(); for (const f of stops) f(); });

test('responses equal HAProxy 2.6 case by case', () => {
  const want = golden('results.txt').trimEnd().split('\n');
  assert.equal(results.length, want.length);
  for (let i = 0; i < want.length; i++) assert.equal(results[i], want[i], 'case ' + i);
});

test('log lines: same server, status, bytes, termination state and request line', async () => {
  const pick = (l: string): string => { const f = l.split(' '); return [2, 3, 5, 6, 9].map((i) => f[i]).join(' ') + ' ' + l.slice(l.indexOf('"')); };
  const want = golden('log.txt').trimEnd().split('\n').map(pick);
  const end = Date.now() + 3000;
  while (logLines.length < want.length && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(logLines.map(pick), want);
});
