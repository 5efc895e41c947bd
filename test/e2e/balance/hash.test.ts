/*
 * Hash-based balancing through the running proxy against real HAProxy 2.6 (fixtures/balance/hash, see CMD): `balance
 * uri` (plain, depth, len, whole, consistent), `url_param`, `hdr(name)` (map-based and consistent) read the request
 * the HTTP stream parsed and must send every request to the same server HAProxy sent it to.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startSluice, stopSluice, freePort } from '../proxy-util.ts';
import type { Runtime } from '../../../proxy/runtime.ts';
import { hashConfig, hashOrigins, runHashScenario } from './hash-scenario.ts';

let rt: Runtime | null = null;
let close: (() => void) | null = null;
after(async () => { if (rt !== null) await stopSluice(rt); close?.(); });

let got: string[] = [];
let fe = 0;

test('uri / url_param / hdr hashing, map-based and consistent, picks the servers HAProxy 2.6 picks, request by request', { timeout: 20000 }, async () => {
  const o = await hashOrigins();
  close = o.close;
  fe = await freePort();
  rt = await startSluice(hashConfig(fe, o.ports));
  got = await runHashScenario(fe);
  const want = readFileSync(new URL('../../../fixtures/balance/hash/servers.txt', import.meta.url), 'latin1').trimEnd().split('\n');
  assert.equal(got.length, want.length);
  assert.deepEqual(got, want);
});

test('hash-type consistent keeps each key on one server', async () => {
  const cons = got.filter((l) => l.split(' ')[0]!.endsWith('_cons'));
  assert.equal(cons.length, 19);
  const again = (await runHashScenario(fe)).filter((l) => l.split(' ')[0]!.endsWith('_cons'));
  assert.deepEqual(again, cons);
});
