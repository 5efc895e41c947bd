/*
 * `balance hash <expr>` against real HAProxy 2.6 (fixtures/persist/balance-hash, see CMD): the same server for each
 * value of a header expression (with a converter, map-based and consistent hashing) and of `path`, and the same
 * round robin when the expression finds nothing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { goldenRun } from './golden-run.ts';
import { nameOrigin } from './dispatch-scenario.ts';
import { bhConfig, runBh } from './balance-hash-scenario.ts';

const g = goldenRun('balance-hash', async (_log, port) => {
  const a = await nameOrigin('s1'), b = await nameOrigin('s2'), c = await nameOrigin('s3');
  const p = { map: await port(), cons: await port(), path: await port(), a: a.port, b: b.port, c: c.port };
  return { cfg: bhConfig(p), run: () => runBh(p), stops: [a.close, b.close, c.close] };
});

test('each request reaches the server HAProxy 2.6 hashes it to', () => {
  assert.deepEqual(g.results, g.golden('results.txt').trimEnd().split('\n'));
});
