/*
 * Agent checks, `track` and `slowstart` against real sockets. The expected messages are HAProxy 2.6's, captured with
 * the same backend (s1: check + agent-check, s2: track bk/s1, s3: slowstart) and the same agent replies.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { freePort, nameServer, startSluice, stopSluice, waitFor, sleep } from '../proxy-util.ts';
import { addEventSink } from '../../../proxy/events.ts';
import { SRV_ST_RUNNING, SRV_ST_STOPPED, SRV_ST_STARTING, SRV_ADMF_FDRAIN, SRV_ADMF_IDRAIN, SRV_ADMF_IMAINT } from '../../../proxy/model/types.ts';
import { HCHK_STATUS_L7OK, HCHK_STATUS_L7STS, HCHK_STATUS_CHECKED } from '../../../proxy/checks/types.ts';
import { srvSetMaint, srvSetReady, srvThrottle, warmupWeight } from '../../../proxy/backend/server.ts';
import { computeBeAgg, newBeAgg } from '../../../proxy/stats/fill.ts';
import type { Server } from '../../../proxy/model/types.ts';
import { loadConfig } from '../../../proxy/config/loader.ts';
import { buildRegistry } from '../../../proxy/modules.ts';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

const events: string[] = [];
addEventSink((_l, t) => events.push(t));
let reply = 'up';
const agent = createServer((s) => { s.on('error', () => {}); s.end(reply + '\n'); });
await new Promise<void>((r) => agent.listen(0, '127.0.0.1', r));
const agentPort = (agent.address() as { port: number }).port;
const web = await nameServer('web');
const p = await freePort();
const rt = await startSluice(`defaults
  mode tcp
  timeout connect 500ms
  timeout client 1s
  timeout server 1s
backend bk
  server s1 127.0.0.1:${web.port} weight 10 check inter 100 agent-check agent-port ${agentPort} agent-inter 60ms
  server s2 127.0.0.1:${web.port} track bk/s1
  server s3 127.0.0.1:${web.port} weight 20 slowstart 600ms
frontend f
  bind 127.0.0.1:${p}
  default_backend bk
`);
after(async () => { await stopSluice(rt); agent.close(); web.server.close(); });
const [s1, s2, s3] = rt.cfg.backends.get('bk')!.servers;
const dur = (e: string) => e.replace(/check duration: \d+ms/, 'check duration: Nms');
async function say(text: string, cond: () => boolean): Promise<void> { reply = text; await waitFor(cond, 2000); }
const seen = (line: string) => events.map(dur).includes(line);

test('agent replies set weight, drain, DOWN/UP, maintenance; the tracking server follows "via bk/s1"', async () => {
  await say('up', () => s1.agent!.status === HCHK_STATUS_L7OK);
  assert.equal(s1.agent!.desc, 'via agent : up');
  assert.equal(s2.tracked, s1);

  await say('50%', () => s1.eweight === 5);
  assert.equal(s1.uweight, 5);
  assert.equal(s1.agent!.status, HCHK_STATUS_CHECKED);

  await say('drain', () => (s2.adminState & SRV_ADMF_IDRAIN) !== 0);
  assert.ok((s1.adminState & SRV_ADMF_FDRAIN) !== 0);
  assert.ok(seen('Server bk/s1 enters drain state. 2 active and 0 backup servers online. 0 sessions requeued, 0 total in queue.'), events.join('\n'));
  assert.ok(seen('Server bk/s2 enters drain state via bk/s1. 1 active and 0 backup servers online. 0 sessions requeued, 0 total in queue.'), events.join('\n'));

  await say('down', () => s2.curState === SRV_ST_STOPPED);
  assert.equal(s1.curState, SRV_ST_STOPPED);
  assert.equal(s1.agent!.status, HCHK_STATUS_L7STS);
  assert.ok(seen('Server bk/s1 is DOWN, reason: Layer7 wrong status, code: 0, info: "via agent : down", check duration: Nms. 1 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.'), events.join('\n'));
  assert.ok(seen('Server bk/s2 is DOWN via bk/s1. 1 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.'), events.join('\n'));
  // still draining (2.6.12 says so after every state change, with this wording for the tracking server)
  assert.ok(seen('Server bk/s1 remains in forced drain mode.'), events.join('\n'));
  assert.ok(seen('Server bk/s2 is leaving forced drain but remains in drain mode via bk/s1.'), events.join('\n'));

  // the regular check still passes, but the agent keeps the server DOWN until it says up
  await sleep(250);
  assert.equal(s1.curState, SRV_ST_STOPPED);

  await say('up 100% ready', () => s2.curState === SRV_ST_RUNNING && (s2.adminState & SRV_ADMF_IDRAIN) === 0);
  assert.equal(s1.eweight, 10);
  assert.ok(events.map(dur).some((e) => e.startsWith('Server bk/s1 is UP, reason: Layer7 check passed, code: 0, info: "via agent : up", check duration: Nms.')), events.join('\n'));
  assert.ok(events.some((e) => e.startsWith('Server bk/s2 is UP via bk/s1.')), events.join('\n'));

  await say('maint', () => (s2.adminState & SRV_ADMF_IMAINT) !== 0);
  // (HAProxy's capture had s1/s2 still draining here: 1 active left; with both ready, s2 and s3 remain)
  assert.ok(seen('Server bk/s1 is going DOWN for maintenance. 2 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.'), events.join('\n'));
  assert.ok(seen('Server bk/s2 is going DOWN for maintenance via bk/s1. 1 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.'), events.join('\n'));
  await say('ready', () => (s2.adminState & SRV_ADMF_IMAINT) === 0);
  assert.ok(seen('Server bk/s1 is UP/READY (leaving forced maintenance).'));
  assert.ok(seen('Server bk/s2 is UP/READY (leaving maintenance).'));

  await say('fail hello there', () => s1.curState === SRV_ST_STOPPED);
  assert.equal(s1.agent!.desc, 'via agent : fail (hello)');
  await say('up', () => s1.curState === SRV_ST_RUNNING);
});

test('slowstart ramps the effective weight and the throttle after leaving maintenance', async () => {
  srvSetMaint(s3);
  srvSetReady(s3);
  assert.equal(s3.curState, SRV_ST_STARTING);
  assert.ok(s3.eweight >= 1 && s3.eweight < 20, `eweight ${s3.eweight}`);
  const thr = srvThrottle(s3);
  assert.ok(thr >= 0 && thr < 100, `throttle ${thr}`);
  // the backend's show stat weight sums the effective weights (2.6.12: 54 with a server of weight 50 ramping at 4
  // beside another of 50)
  const agg = computeBeAgg(s3.proxy, newBeAgg());
  assert.equal(agg.wAct, agg.uwAct - s3.uweight + s3.eweight);
  await waitFor(() => s3.curState === SRV_ST_RUNNING, 2000);
  assert.equal(s3.eweight, 20);
  // 2.6.12 announces the end of the ramp as the server coming UP
  assert.ok(events.some((e) => e.startsWith('Server bk/s3 is UP. ') && e.endsWith(' backup servers online. 0 sessions requeued, 0 total in queue.')), events.join('\n'));
  assert.equal(srvThrottle(s3), -1);
});

test('slowstart steps and throttle follow 2.6.12 (weight 50, slowstart 2s: 4 and 6 %, then 29 and 56 %, then 50)', () => {
  const s = { uweight: 50, slowstart: 2000, lastChange: 10_000_500, curState: SRV_ST_STARTING, proxy: { balance: { algo: 'roundrobin' } } } as unknown as Server;
  assert.deepEqual([warmupWeight(s, 10_000_900), srvThrottle(s)], [4, 6]);
  assert.deepEqual([warmupWeight(s, 10_001_200), srvThrottle(s)], [29, 56]);
  assert.equal(warmupWeight(s, 10_002_000), 50);
});

test('slowstart does not ramp a static algorithm (2.6.12, static-rr and map-based uri: full weight, throttle 100 %)', () => {
  for (const balance of [{ algo: 'static-rr', hashType: 1 }, { algo: 'uri', hashType: 0 }]) {
    const s = { uweight: 10, slowstart: 10_000, lastChange: 10_000_500, curState: SRV_ST_STARTING, proxy: { balance } } as unknown as Server;
    assert.deepEqual([warmupWeight(s, 10_001_200), srvThrottle(s)], [10, 100]);
  }
});

test('track and agent configuration errors are reported like HAProxy 2.6', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-agent-'));
  const f = join(dir, 't.cfg');
  const tracking = `defaults
  mode tcp
  timeout client 1s
  timeout server 1s
  timeout connect 1s
backend bk
  server s1 127.0.0.1:1
  server s2 127.0.0.1:1 track s1
  server s3 127.0.0.1:1 track nobk/s1
  server s4 127.0.0.1:1 track bk/nos
`;
  writeFileSync(f, tracking + `  server s5 127.0.0.1:1 check track bk/s6
  server s6 127.0.0.1:1 check
  server s7 127.0.0.1:1 agent-check
`);
  const cfg = loadConfig([f], buildRegistry());
  const alerts = cfg.messages.filter((m) => m.level === 0).map((m) => m.text);
  // haproxy 2.6.12 -c: parse alerts skip the post-parse (tracking) checks
  assert.deepEqual(alerts, [
    `[${f}:11] : 'server bk/s5' : unable to enable checks and tracking at the same time!`,
    `[${f}:13] : 'server bk/s7' : server s7 does not have agent port. Agent check has been disabled.`,
  ]);
  writeFileSync(f, tracking);
  const cfg2 = loadConfig([f], buildRegistry());
  assert.deepEqual(cfg2.messages.filter((m) => m.level === 0).map((m) => m.text), [
    `[${f}:8] : 'server bk/s2' : unable to use bk/s1 for tracking as it does not have any check nor agent enabled.`,
    `[${f}:9] : 'server bk/s3' : unable to find required proxy 'nobk' for tracking.`,
    `[${f}:10] : 'server bk/s4' : unable to find required server 'nos' for tracking.`,
  ]);
  assert.equal(cfg2.filesWithErrors.length, 0);
});
