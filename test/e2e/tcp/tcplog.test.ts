import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { freePort, startSluice, stopSluice, waitFor } from '../proxy-util.ts';
import { tcplogConfig, echoServer, logCollector, tcplogClients, maskTcplog } from './tcplog-scenario.ts';
import { setTcpLogSink } from '../../../proxy/tcp/forward.ts';
import { logStream } from '../../../proxy/log/emit.ts';

const golden = readFileSync(new URL('../../../fixtures/proxy/tcplog/golden.txt', import.meta.url), 'latin1').trimEnd().split('\n');
const goldenClients = JSON.parse(readFileSync(new URL('../../../fixtures/proxy/tcplog/clients.json', import.meta.url), 'latin1'));

test('tcplog lines and "Connect from" lines match HAProxy 2.6 for the same sessions (masked ports, dates, timers)', async () => {
  const srv = await echoServer();
  const log = await logCollector();
  const p = { withfmt: await freePort(), nofmt: await freePort(), nosrv: await freePort(), nobe: await freePort(), srv: srv.port, log: log.port };
  const rt = await startSluice(tcplogConfig(p));
  setTcpLogSink(logStream); // other e2e files in this process may have replaced the sink
  after(async () => { await stopSluice(rt); srv.server.close(); log.sock.close(); });
  const res = await tcplogClients(p);
  await waitFor(() => log.lines.length >= golden.length, 3000);
  assert.deepEqual(log.lines.map((l) => maskTcplog(l, p)), golden);
  // the refused clients get a clean close (no reset), like HAProxy's
  assert.deepEqual(res, goldenClients);
});
