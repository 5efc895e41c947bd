/*
 * `http-request reject` and `http-request silent-drop` (anti-abuse configurations) end the connection without a
 * response, as haproxy 2.6.12 does: counted in dreq and hrsp_other, logged 'fe/<NOSRV> -1/-1/-1/-1/0 -1 0 - - PR--'
 * with the request line (compared with haproxy's log). reject closes the connection; silent-drop resets it (2.6 hides
 * even the reset with TCP_REPAIR, which node cannot use). Sluice refused both actions.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSluice, stopSluice, freePort } from '../proxy-util.ts';
import { rawAsk as ask } from './raw-ask.ts';
import type { Runtime } from '../../../proxy/runtime.ts';
import { testDefaults } from './defaults.ts';
import { HRSP_OTHER } from '../../../proxy/stats/types.ts';

let rt: Runtime | null = null;
after(async () => { if (rt !== null) await stopSluice(rt); });

test('http-request reject closes and silent-drop resets the connection, without a response, counted as denied', async () => {
  const port = await freePort();
  rt = await startSluice(`${testDefaults('http')}frontend fe
  bind 127.0.0.1:${port}
  http-request reject if { path /reject }
  http-request silent-drop if { path /drop }
  http-request return status 200 content-type text/plain string ok
`);
  assert.deepEqual(await ask(port, 'GET /reject HTTP/1.1\r\nhost: a\r\n\r\n'), { data: '', how: 'end' });
  assert.deepEqual(await ask(port, 'GET /drop HTTP/1.1\r\nhost: a\r\n\r\n'), { data: '', how: 'reset' });
  const ok = await ask(port, 'GET /x HTTP/1.1\r\nhost: a\r\nconnection: close\r\n\r\n');
  assert.ok(ok.data.startsWith('HTTP/1.1 200 OK\r\n'), ok.data);
  const fe = rt.cfg.frontends.get('fe')!;
  assert.equal(fe.feCounters.deniedReq, 2);
  assert.equal(fe.feCounters.rsp[HRSP_OTHER], 2);
  assert.equal(fe.feCounters.cumReq, 3);
});
