/*
 * Errorfiles on /dev/null against real HAProxy 2.6.12 (fixtures/http/empty-errorfile, see CMD): the H1 layer's 400 and
 * 408 send nothing when the frontend's errorfile for them is empty (else its built-in message), a stream reply from an
 * empty errorfile sends nothing and closes the connection at once; log lines as HAProxy's.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { emptyErrorfileConfig, runEmptyErrorfileScenario } from './empty-errorfile-scenario.ts';
import { echoGoldenSluice, type EchoRun } from './echo-golden.ts';

let run: EchoRun;
before(async () => { run = await echoGoldenSluice('empty-errorfile', emptyErrorfileConfig, runEmptyErrorfileScenario); });
after(async () => { if (run !== undefined) await run.close(); });

test('replies and connection ends are HAProxy 2.6\'s', () => {
  assert.deepEqual(run.responses, run.want().responses);
});

test('log lines match HAProxy 2.6 (timers masked)', async () => {
  const mask = (l: string): string => l.replace(/^.*?\]: /, '').replace(/^[0-9.]+:\d+ \[[^\]]+\]/, 'C [D]').replace(/ -?\d+\/-?\d+\/-?\d+\/-?\d+\/\+?-?\d+ /, (t) => t.replace(/\d+/g, 'N'));
  assert.deepEqual((await run.logs()).map(mask), run.want().logs.map(mask));
});
