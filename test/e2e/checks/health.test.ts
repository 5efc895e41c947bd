import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { freePort, nameServer, startSluice, stopSluice, waitFor } from '../proxy-util.ts';
import { addEventSink } from '../../../proxy/events.ts';
import { SRV_ST_RUNNING, SRV_ST_STOPPED } from '../../../proxy/model/types.ts';
import { HCHK_STATUS_L4OK, HCHK_STATUS_L7STS, HCHK_STATUS_L7OK } from '../../../proxy/checks/types.ts';
import type { Runtime } from '../../../proxy/runtime.ts';

const events: string[] = [];
addEventSink((_l, t) => events.push(t));
const up = await nameServer('up');
let status = 200;
const web = createServer((req, res) => { res.statusCode = req.url === '/health' ? status : 404; res.end('ok'); });
await new Promise<void>((r) => web.listen(0, '127.0.0.1', r));
const webPort = (web.address() as { port: number }).port;
const rts: Runtime[] = [];
after(async () => { for (const r of rts) await stopSluice(r); up.server.close(); web.close(); });

test('tcp checks mark a refusing server DOWN with the haproxy message and keep a listening one UP', async () => {
  const dead = await freePort();
  const p = await freePort();
  const rt = await startSluice(`listen l\n  mode tcp\n  bind 127.0.0.1:${p}\n  timeout client 1s\n  timeout server 1s\n  timeout connect 500ms\n  server ok 127.0.0.1:${up.port} check inter 100\n  server ko 127.0.0.1:${dead} check inter 100\n`);
  rts.push(rt);
  const [ok, ko] = rt.cfg.backends.get('l')!.servers;
  await waitFor(() => ko.curState === SRV_ST_STOPPED && ok.check.status === HCHK_STATUS_L4OK);
  assert.equal(ok.curState, SRV_ST_RUNNING);
  assert.ok(events.some((e) => /^Server l\/ko is DOWN, reason: Layer4 connection problem, info: "Connection refused", check duration: \d+ms\. 1 active and 0 backup servers left\. 0 sessions active, 0 requeued, 0 remaining in queue\.$/.test(e)), events.join('\n'));
});

test('option httpchk follows the status of the health URL (DOWN on 503, back UP after rise successes)', async () => {
  const p = await freePort();
  const rt = await startSluice(`backend b\n  mode http\n  timeout connect 500ms\n  timeout server 1s\n  option httpchk GET /health\n  http-check expect status 200\n  server w 127.0.0.1:${webPort} check inter 100 rise 2 fall 1\nfrontend f\n  mode tcp\n  bind 127.0.0.1:${p}\n  timeout client 1s\n  default_backend b\n`);
  rts.push(rt);
  const w = rt.cfg.backends.get('b')!.servers[0];
  await waitFor(() => w.check.status === HCHK_STATUS_L7OK);
  status = 503;
  await waitFor(() => w.curState === SRV_ST_STOPPED);
  assert.equal(w.check.status, HCHK_STATUS_L7STS);
  assert.ok(events.some((e) => e.startsWith('Server b/w is DOWN, reason: Layer7 wrong status, code: 503, info: "Service Unavailable", check duration: ')));
  status = 200;
  await waitFor(() => w.curState === SRV_ST_RUNNING);
  assert.ok(events.some((e) => e.startsWith('Server b/w is UP, reason: Layer7 check passed, code: 200, check duration: ')));
});

test('on-marked-down shutdown-sessions ends the established sessions of a server marked DOWN ("D" termination)', async () => {
  const { setTcpLogSink } = await import('../../../proxy/tcp/forward.ts');
  const { SF_ERR_CHARS, SF_FINST_CHARS } = await import('../../../proxy/model/types.ts');
  const { connect } = await import('node:net');
  const checkPort = await nameServer('chk');
  const echo = await nameServer('echo', true);
  const p = await freePort();
  const rt = await startSluice(`listen l\n  mode tcp\n  bind 127.0.0.1:${p}\n  timeout client 5s\n  timeout server 5s\n  timeout connect 500ms\n  server e 127.0.0.1:${echo.port} check port ${checkPort.port} inter 100 fall 1 on-marked-down shutdown-sessions\n`);
  rts.push(rt);
  const terms: string[] = [];
  setTcpLogSink((_fe, l) => terms.push(SF_ERR_CHARS[l.errCause] + SF_FINST_CHARS[l.finishState]));
  const e = rt.cfg.backends.get('l')!.servers[0];
  await waitFor(() => e.check.status === HCHK_STATUS_L4OK);
  const c = connect(p, '127.0.0.1');
  c.on('error', () => {});
  let got = '';
  c.on('data', (d) => { got += d.toString(); });
  c.write('hello');
  await waitFor(() => got === 'hello');
  const closed = new Promise<void>((r) => c.on('close', () => r()));
  checkPort.server.close();
  await waitFor(() => e.curState === SRV_ST_STOPPED);
  await closed;
  await waitFor(() => terms.length === 1);
  assert.equal(terms[0], 'DD');
  echo.server.close();
});
