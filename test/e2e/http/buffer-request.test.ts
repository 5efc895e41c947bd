/*
 * `option http-buffer-request` as HAProxy 2.6 (fixtures/http/buffer-request, see CMD): the server connection waits
 * for the whole body, Expect: 100-continue is answered by the proxy and not forwarded, a body that does not come in
 * `timeout http-request` gets a 408.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startSluice, stopSluice, freePort } from '../proxy-util.ts';
import type { Runtime } from '../../../proxy/runtime.ts';
import { bufferConfig, bufferOrigin, runBufferScenario } from './buffer-request-scenario.ts';

let rt: Runtime | null = null;
let close: (() => void) | null = null;
after(async () => { if (rt !== null) await stopSluice(rt); close?.(); });

test('the body is buffered before the server is contacted; 100-continue and 408 as HAProxy 2.6', async () => {
  const o = await bufferOrigin();
  close = o.close;
  const fe = await freePort();
  rt = await startSluice(bufferConfig(fe, o.port));
  const want = readFileSync(new URL('../../../fixtures/http/buffer-request/expected.txt', import.meta.url), 'latin1').split('\n').slice(0, -1);
  assert.deepEqual(await runBufferScenario(fe, o), want);
});
