/*
 * tcp-response content accept|reject|close with and without inspect-delay against real HAProxy 2.6
 * (fixtures/persist/tcp-response, see CMD): the client gets the same bytes and the same close, and the log the same
 * termination state and byte count (PD for a rejected response, the held bytes counted as read).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startSluice, stopSluice, freePort } from '../proxy-util.ts';
import type { Runtime } from '../../../proxy/runtime.ts';
import { closeLogSinks } from '../../../proxy/log/sender.ts';
import { countersLogs } from '../http/counters-scenario.ts';
import { tcpResConfig, tcpResOrigin, runTcpResScenario } from './tcp-response-scenario.ts';

const golden = (f: string): string => readFileSync(new URL('../../../fixtures/persist/tcp-response/' + f, import.meta.url), 'latin1');
let rt: Runtime | null = null;
const stops: (() => void)[] = [];
let results: string[] = [];
let logLines: string[] = [];

before(async () => {
  const o = await tcpResOrigin();
  const logs = await countersLogs();
  stops.push(o.close, () => logs.sock.close());
  logLines = logs.lines;
  const p = { rej: await freePort(), wait: await freePort(), close: await freePort(), silent: await freePort(), vars: await freePort(), srv: o.port, log: logs.port };
  rt = await startSluice(tcpResConfig(p));
  results = await runTcpResScenario(p);
});
after(async () => { if (rt !== null) await stopSluice(rt); closeLogSinks(); for (const f of stops) f(); });

test('each client gets the bytes and the close HAProxy 2.6 gives it', () => {
  assert.deepEqual(results, golden('results.txt').trimEnd().split('\n'));
});

test('log lines have the same proxy, server, bytes read and termination state', async () => {
  const pick = (l: string): string => { const f = l.split(' '); return [2, 3, 5, 6].map((i) => f[i]).join(' '); };
  const want = golden('log.txt').trimEnd().split('\n').map(pick);
  const end = Date.now() + 3000;
  while (logLines.length < want.length && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(logLines.map(pick), want);
});
