/*
 * accept-invalid-http-request/-response, http-restrict-req-hdr-names and http-use-proxy-header against real HAProxy
 * 2.6 (fixtures/persist/http-options, see CMD): the same responses (what the relaxed parser lets through, what the
 * server then saw, the 403 of reject, the headers delete removed) and the same log fields.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { goldenRun, assertGoldenLogs } from './golden-run.ts';
import { hoConfig, hoOrigin, runHo } from './http-options-scenario.ts';

const g = goldenRun('http-options', async (log, port) => {
  const o = await hoOrigin();
  const p = { strict: await port(), relaxed: await port(), del: await port(), rej: await port(), uph: await port(), fe: await port(), srv: o.port, log };
  return { cfg: hoConfig(p), run: () => runHo(p), stops: [o.close] };
}, 'utf8');

test('responses equal HAProxy 2.6 case by case', () => {
  const want = g.golden('results.txt').trimEnd().split('\n');
  assert.equal(g.results.length, want.length);
  for (let i = 0; i < want.length; i++) assert.equal(g.results[i], want[i], 'case ' + i);
});

test('log lines: same server, status, bytes, termination state and request line', () =>
  assertGoldenLogs(g, (l) => { const f = l.split(' '); return [2, 3, 5, 6, 9].map((i) => f[i]).join(' ') + ' ' + l.slice(l.indexOf('"')); }));
