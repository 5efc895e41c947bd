/*
 * Server `redir <prefix>` against real HAProxy 2.6 (fixtures/persist/redir, see CMD): GET and HEAD answered with a 302
 * to the prefix and the path (absolute URIs cut to their path), the connection closed after it, POST forwarded, and
 * the same log lines (server named, Tc -1, LC).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startSluice, stopSluice, freePort } from '../proxy-util.ts';
import type { Runtime } from '../../../proxy/runtime.ts';
import { closeLogSinks } from '../../../proxy/log/sender.ts';
import { countersLogs } from '../http/counters-scenario.ts';
import { nameOrigin } from './dispatch-scenario.ts';
import { redirConfig, runRedir } from './redir-scenario.ts';

const golden = (f: string): string => readFileSync(new URL('../../../fixtures/persist/redir/' + f, import.meta.url), 'latin1');
let rt: Runtime | null = null;
const stops: (() => void)[] = [];
let results: string[] = [];
let logLines: string[] = [];

before(async () => {
  const o = await nameOrigin('s1');
  const logs = await countersLogs();
  stops.push(o.close, () => logs.sock.close());
  logLines = logs.lines;
  const p = { fe: await freePort(), srv: o.port, log: logs.port };
  rt = await startSluice(redirConfig(p));
  results = await runRedir(p.fe);
});
after(async () => { if (rt !== null) await stopSluice(rt); closeLogSinks(); for (const f of stops) f(); });

test('responses equal HAProxy 2.6 case by case', () => {
  assert.deepEqual(results, golden('results.txt').slice(0, -1).split('\n=====\n'));
});

test('log lines: server, connection made or not, status, bytes, termination state and cookie flags', async () => {
  // timers: only whether a connection was made (Tc, Tr -1 for a redirect), the durations vary
  const tc = (t: string): string => t.split('/').slice(2, 4).map((x) => (x === '-1' ? '-1' : 'n')).join('/');
  const pick = (l: string): string => { const f = l.split(' '); return [3, 5, 6, 9].map((i) => f[i]).join(' ') + ' ' + tc(f[4]!) + ' ' + l.slice(l.indexOf('"')); };
  const want = golden('log.txt').trimEnd().split('\n').map(pick);
  const end = Date.now() + 3000;
  while (logLines.length < want.length && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(logLines.map(pick), want);
});
