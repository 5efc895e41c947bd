import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { loadConfig } from '../../../proxy/config/loader.ts';
import { buildRegistry } from '../../../proxy/modules.ts';
import { initBackendServers } from '../../../proxy/backend/server.ts';
import { applyCheckResult } from '../../../proxy/checks/health.ts';
import { probeReason } from '../../../proxy/checks/probe.ts';
import { addEventSink, setEventStderr } from '../../../proxy/events.ts';
import { SRV_ST_RUNNING, SRV_ST_STOPPED } from '../../../proxy/model/types.ts';
import { HCHK_STATUS_L4CON, HCHK_STATUS_L7OK, HCHK_STATUS_L7STS } from '../../../proxy/checks/types.ts';

setEventStderr(false);
const events: string[] = [];
addEventSink((_l, t) => events.push(t));

const dir = mkdtempSync(join(tmpdir(), 'sluice-chk-'));
const f = join(dir, 'c.cfg');
writeFileSync(f, 'backend bk\n  server s1 127.0.0.1:1 check rise 2 fall 3\n  server s2 127.0.0.1:2 check\n');
const cfg = loadConfig([f], buildRegistry());
const be = cfg.backends.get('bk')!;
initBackendServers(be);
const s1 = be.servers[0];

const fail = { status: HCHK_STATUS_L4CON, ok: false, code: 0, info: 'Connection refused', duration: 0 };
const pass = { status: HCHK_STATUS_L7OK, ok: true, code: 200, info: '', duration: 1 };

test('a checked server starts UP at health=rise and its first failure takes it DOWN, with the haproxy message', () => {
  assert.equal(s1.curState, SRV_ST_RUNNING);
  assert.equal(s1.check.health, 2);
  applyCheckResult(s1, fail);
  assert.equal(s1.curState, SRV_ST_STOPPED);
  assert.equal(events.at(-1), 'Server bk/s1 is DOWN, reason: Layer4 connection problem, info: "Connection refused", check duration: 0ms. 1 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.');
});

test('rise consecutive successes bring it back UP with health at rise+fall-1', () => {
  applyCheckResult(s1, pass);
  assert.equal(s1.curState, SRV_ST_STOPPED);
  applyCheckResult(s1, pass);
  assert.equal(s1.curState, SRV_ST_RUNNING);
  assert.equal(s1.check.health, 4);
  assert.equal(events.at(-1), 'Server bk/s1 is UP, reason: Layer7 check passed, code: 200, check duration: 1ms. 2 active and 0 backup servers online. 0 sessions requeued, 0 total in queue.');
});

test('once fully up, it takes `fall` failures to go down', () => {
  applyCheckResult(s1, fail);
  applyCheckResult(s1, fail);
  assert.equal(s1.curState, SRV_ST_RUNNING);
  applyCheckResult(s1, fail);
  assert.equal(s1.curState, SRV_ST_STOPPED);
});

test('chkfail counts failures while the server is not fully DOWN, as HAProxy (1 + 3 so far, none once DOWN)', () => {
  assert.equal(s1.counters.failedChecks, 4);
  applyCheckResult(s1, fail);
  applyCheckResult(s1, fail);
  assert.equal(s1.counters.failedChecks, 4);
});

test('the last server going down raises the no-server alert', () => {
  applyCheckResult(be.servers[1], fail);
  assert.equal(events.at(-1), "backend 'bk' has no server available!");
});

test('wrong HTTP status reasons are worded like haproxy', () => {
  assert.equal(probeReason({ status: HCHK_STATUS_L7STS, ok: false, code: 503, info: 'Service Unavailable', duration: 2 }),
    'Layer7 wrong status, code: 503, info: "Service Unavailable", check duration: 2ms');
});

test('health moves as haproxy 2.6.12 logs it: the first success of a server starting UP jumps to the top, a failure while rising restarts from 0', () => {
  // haproxy 2.6.12, `check inter 150 rise 3 fall 2` + option log-health-checks on a server answering
  // 200,500,200,200,500,500,500,200,200,500,200,200,200: the "status: x/y" of each logged line
  writeFileSync(f, 'backend bk2\n  server s 127.0.0.1:1 check rise 3 fall 2\n');
  const c2 = loadConfig([f], buildRegistry());
  const b2 = c2.backends.get('bk2')!;
  initBackendServers(b2);
  const s = b2.servers[0];
  const bad = { status: HCHK_STATUS_L7STS, ok: false, code: 500, info: 'Internal Server Error', duration: 0 };
  const shown = (): string => (s.check.health >= s.check.rise ? `${s.check.health - s.check.rise + 1}/${s.check.fall} UP` : `${s.check.health}/${s.check.rise} DOWN`);
  const got: string[] = [];
  for (const c of [200, 500, 200, 200, 500, 500, 500, 200, 200, 500, 200, 200, 200]) {
    const h0 = s.check.health;
    applyCheckResult(s, c === 200 ? pass : bad);
    if (s.check.health !== h0) got.push(shown());
  }
  assert.deepEqual(got, ['2/2 UP', '1/2 UP', '2/2 UP', '1/2 UP', '0/3 DOWN', '1/3 DOWN', '2/3 DOWN', '0/3 DOWN',
    '1/3 DOWN', '2/3 DOWN', '2/2 UP']);
  assert.equal(s.curState, SRV_ST_RUNNING);
});
