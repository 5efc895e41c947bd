/*
 * tcp-response content accept|reject|close with and without inspect-delay against real HAProxy 2.6
 * (fixtures/persist/tcp-response, see CMD): the client gets the same bytes and the same close, and the log the same
 * termination state and byte count (PD for a rejected response, the held bytes counted as read).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { goldenRun, assertGoldenLogs } from './golden-run.ts';
import { tcpResConfig, tcpResOrigin, runTcpResScenario } from './tcp-response-scenario.ts';

const g = goldenRun('tcp-response', async (log, port) => {
  const o = await tcpResOrigin();
  const p = { rej: await port(), wait: await port(), close: await port(), silent: await port(), vars: await port(), srv: o.port, log };
  return { cfg: tcpResConfig(p), run: () => runTcpResScenario(p), stops: [o.close] };
});

test('each client gets the bytes and the close HAProxy 2.6 gives it', () => {
  assert.deepEqual(g.results, g.golden('results.txt').trimEnd().split('\n'));
});

test('log lines have the same proxy, server, bytes read and termination state', () =>
  assertGoldenLogs(g, (l) => { const f = l.split(' '); return [2, 3, 5, 6].map((i) => f[i]).join(' '); }));
