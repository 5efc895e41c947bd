/*
 * Health checks and the PROXY protocol, as haproxy 2.6.12 sends them: a send-proxy server's checks start with a v1
 * line for the check connection itself, send-proxy-v2 checks with a v2 LOCAL header, check-send-proxy alone with v1.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSluice, stopSluice, freePort, waitFor } from '../proxy-util.ts';
import type { Runtime } from '../../../proxy/runtime.ts';
import { EDGE_DEFAULTS, recorder } from './edge-util.ts';
import type { Recorder } from './edge-util.ts';

let rt: Runtime;
let c1: Recorder, c2: Recorder, c3: Recorder, c4: Recorder;

before(async () => {
  [c1, c2, c3, c4] = await Promise.all([recorder('c1'), recorder('c2'), recorder('c3'), recorder('c4')]);
  const fp = await freePort();
  rt = await startSluice(`
${EDGE_DEFAULTS}frontend fe
  bind 127.0.0.1:${fp}
  default_backend chk
backend chk
  option httpchk GET /chk
  server c1 127.0.0.1:${c1.port} send-proxy check inter 100
  server c2 127.0.0.1:${c2.port} send-proxy-v2 check inter 100
  server c3 127.0.0.1:${c3.port} check-send-proxy check inter 100
  server c4 127.0.0.1:${c4.port} check inter 100
`);
});

after(async () => {
  await stopSluice(rt);
  for (const r of [c1, c2, c3, c4]) r.server.close();
});

test('check connections carry the PROXY header 2.6 sends', async () => {
  await waitFor(() => [c1, c2, c3, c4].every((r) => r.got.length > 0), 3000);
  assert.match(c1.got[0].toString('latin1'), /^PROXY TCP4 127\.0\.0\.1 127\.0\.0\.1 \d+ \d+\r\nGET \/chk HTTP\/1\.0\r\n/);
  const port = /^PROXY TCP4 \S+ \S+ \d+ (\d+)/.exec(c1.got[0].toString('latin1'))![1];
  assert.equal(+port, c1.port);
  assert.equal(c2.got[0].subarray(0, 16).toString('hex'), '0d0a0d0a000d0a515549540a20000000');
  assert.match(c2.got[0].subarray(16).toString('latin1'), /^GET \/chk HTTP\/1\.0\r\n/);
  assert.match(c3.got[0].toString('latin1'), /^PROXY TCP4 127\.0\.0\.1 127\.0\.0\.1 \d+ \d+\r\nGET \/chk/);
  assert.match(c4.got[0].toString('latin1'), /^GET \/chk HTTP\/1\.0\r\n/);
});
