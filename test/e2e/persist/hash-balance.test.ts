/*
 * hash-balance-factor (consistent hashing with bounded loads) against real HAProxy 2.6 (fixtures/persist/hash-balance,
 * see CMD): with requests held open, a server past factor% of its share of the load passes the next ones on along
 * the ring; each request lands on the server HAProxy picked.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startSluice, stopSluice, freePort } from '../proxy-util.ts';
import type { Runtime } from '../../../proxy/runtime.ts';
import { hbConfig, hbOrigins, runHb } from './hash-balance-scenario.ts';

let rt: Runtime | null = null;
const stops: (() => void)[] = [];
after(async () => { if (rt !== null) await stopSluice(rt); for (const f of stops) f(); });

test('held requests spread over the ring as HAProxy 2.6 spreads them', async () => {
  const o = await hbOrigins();
  stops.push(o.close);
  const p = { fe: await freePort(), a: o.ports[0]!, b: o.ports[1]!, c: o.ports[2]! };
  rt = await startSluice(hbConfig(p));
  const got = await runHb(p.fe, o);
  assert.deepEqual(got, readFileSync(new URL('../../../fixtures/persist/hash-balance/results.txt', import.meta.url), 'latin1').trimEnd().split('\n'));
});
