/*
 * HTTP check requests byte for byte as HAProxy 2.6.12 sends them (fixtures/proxy/check-request, see CMD): names
 * lowercased, no Host added to an HTTP/1.1 check, `connection: close` on HTTP/1.1 only and not beside a configured
 * Connection header, x-haproxy-server-state after the configured headers. Sluice added `host: <server address>` and
 * `connection: close` to every check, and sent header names as written.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { captureServers, checkRequestConfig, firstRequests, type Capture } from './check-request-scenario.ts';
import { startSluice, stopSluice, freePort } from '../proxy-util.ts';
import type { Runtime } from '../../../proxy/runtime.ts';

let cap: Capture | null = null;
let rt: Runtime | null = null;
after(async () => { if (rt !== null) await stopSluice(rt); cap?.close(); });

test('check requests are the bytes HAProxy 2.6.12 sends', async () => {
  cap = await captureServers();
  rt = await startSluice(checkRequestConfig(cap.ports, await freePort()));
  const want = JSON.parse(readFileSync(new URL('../../../fixtures/proxy/check-request/requests.json', import.meta.url), 'utf8'));
  assert.deepEqual(await firstRequests(cap), want);
});
