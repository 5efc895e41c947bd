/*
 * Scheme-based normalisation as HAProxy 2.6 does it (fixtures/http/normalize, see CMD): default ports dropped from
 * absolute URIs and then from Host, a CONNECT's Host without :80/:443, a CONNECT whose Host differs refused with 400.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startSluice, stopSluice, freePort } from '../proxy-util.ts';
import type { Runtime } from '../../../proxy/runtime.ts';
import { normConfig, normOrigin, runNormScenario } from './normalize-scenario.ts';

let rt: Runtime | null = null;
let close: (() => void) | null = null;
after(async () => { if (rt !== null) await stopSluice(rt); close?.(); });

test('absolute-form and CONNECT requests reach the server normalised as by HAProxy 2.6', async () => {
  const o = await normOrigin();
  close = o.close;
  const fe = await freePort();
  rt = await startSluice(normConfig(fe, o.port));
  const want = readFileSync(new URL('../../../fixtures/http/normalize/expected.txt', import.meta.url), 'latin1').trimEnd().split('\n');
  assert.deepEqual(await runNormScenario(fe, o), want);
});
