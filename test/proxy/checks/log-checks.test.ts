/*
 * option log-health-checks on agent checks: the "Agent check for server ..." lines and the reason-less state changes,
 * in the words and order HAProxy 2.6.12 printed for an agent answering up, down, down, up (checked by hand with
 * `agent-check agent-inter 150`; durations masked).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { loadConfig } from '../../../proxy/config/loader.ts';
import { buildRegistry } from '../../../proxy/modules.ts';
import { initBackendServers, srvSetMaint, srvSetDrain, srvSetReady, srvSetHealthFromCli } from '../../../proxy/backend/server.ts';
import { applyAgentReply } from '../../../proxy/checks/agent.ts';
import { addEventSink, removeEventSink, setEventStderr } from '../../../proxy/events.ts';

test('agent results are logged as 2.6 logs them with option log-health-checks', () => {
  setEventStderr(false);
  const events: string[] = [];
  const sink = (_l: number, t: string): void => { events.push(t); };
  addEventSink(sink);
  const dir = mkdtempSync(join(tmpdir(), 'sluice-agentlog-'));
  writeFileSync(join(dir, 'c.cfg'), 'backend be\n  option log-health-checks\n  server s1 127.0.0.1:1 agent-check agent-port 2 agent-inter 150\n');
  const be = loadConfig([join(dir, 'c.cfg')], buildRegistry()).backends.get('be')!;
  initBackendServers(be);
  const s1 = be.servers[0];
  s1.agent!.status = 1;        // initializing, as before a first reply
  for (const w of ['up', 'down', 'down', 'up']) applyAgentReply(s1, w, 0);
  removeEventSink(sink);
  assert.deepEqual(events, [
    'Agent check for server be/s1 succeeded, reason: Layer7 check passed, code: 0, info: "via agent : up", check duration: 0ms, status: 1/1 UP.',
    'Agent check for server be/s1 failed, reason: Layer7 wrong status, code: 0, info: "via agent : down", check duration: 0ms, status: 0/1 DOWN.',
    'Server be/s1 is DOWN. 0 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.',
    "backend 'be' has no server available!",
    'Agent check for server be/s1 succeeded, reason: Layer7 check passed, code: 0, info: "via agent : up", check duration: 0ms, status: 1/1 UP.',
    'Server be/s1 is UP. 1 active and 0 backup servers online. 0 sessions requeued, 0 total in queue.',
  ]);
});

test('DOWN and maintenance messages go to the logs at notice for a stopping or draining server, else alert (2.6.12)', () => {
  setEventStderr(false);
  const events: string[] = [];
  const sink = (_l: number, t: string, log: number): void => { events.push(`${log} ${t.replace(/ \d+ active.*/, '')}`); };
  addEventSink(sink);
  const dir = mkdtempSync(join(tmpdir(), 'sluice-downlog-'));
  writeFileSync(join(dir, 'c.cfg'), 'backend b\n' + ['s1', 's2', 's4', 's5', 's6'].map((n) => `  server ${n} 127.0.0.1:1\n`).join(''));
  const be = loadConfig([join(dir, 'c.cfg')], buildRegistry()).backends.get('b')!;
  initBackendServers(be);
  const [s1, s2, s4, s5, s6] = be.servers;
  srvSetMaint(s1);
  srvSetDrain(s2); srvSetMaint(s2);
  srvSetHealthFromCli(s4, 'stopping'); srvSetHealthFromCli(s4, 'down');
  srvSetDrain(s5); srvSetHealthFromCli(s5, 'down'); srvSetReady(s5);
  srvSetHealthFromCli(s6, 'down');
  removeEventSink(sink);
  assert.deepEqual(events, [
    '1 Server b/s1 is going DOWN for maintenance.',
    '-1 Server b/s2 enters drain state.',
    '5 Server b/s2 is going DOWN for maintenance.',
    '-1 Server b/s4 is stopping, changed from CLI.',
    '5 Server b/s4 is DOWN, changed from CLI.',
    '-1 Server b/s5 enters drain state.',
    '5 Server b/s5 is DOWN, changed from CLI.',
    '-1 Server b/s5 remains in forced drain mode.',
    '5 Server b/s5 is DOWN (leaving forced drain).',
    '1 Server b/s6 is DOWN, changed from CLI.',
    "-1 backend 'b' has no server available!",
  ]);
});
