/*
 * Forced maintenance and drain from the runtime API, as 2.6.12 shows them in `show servers state` and says them on
 * stderr: `set server .. state maint` (and `disable server`) lifts a forced drain, an unchecked server comes back from
 * maintenance with check health 0, drain from maintenance "remains in forced drain mode", `set server health` sets the
 * health of any server, check and agent addresses and 2.6's agent port. Replies and events recorded
 * from haproxy on the same configuration and commands (fixtures/proxy/servers-state-maint, CMD there), byte for byte
 * except the time since the last change and check durations.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { freePort, startSluice, stopSluice } from '../proxy-util.ts';
import { addEventSink, eventPrefix, EV_WARNING } from '../../../proxy/events.ts';
import type { Runtime } from '../../../proxy/runtime.ts';
import { replayCli } from './cli-replay.ts';

const fx = (f: string): string => readFileSync(new URL('../../../fixtures/proxy/servers-state-maint/' + f, import.meta.url), 'latin1');

/** `show servers state` lines without their time since the last change. */
function normalize(text: string): string {
  return text.split('\n').map((l) => {
    const f = l.split(' ');
    if (f.length === 25 && /^\d+$/.test(f[0]!)) f[9] = 'T';
    return f.join(' ');
  }).join('\n');
}

test('state maint / drain / ready and disable / enable server: show servers state and events as haproxy 2.6.12', async () => {
  const events: string[] = [];
  addEventSink((lvl, text) => { if (lvl === EV_WARNING) events.push(eventPrefix(lvl).replace(/\(\d+\)/, '(PID)') + text + '\n'); });
  const port = await freePort();
  const sock = join(mkdtempSync(join(tmpdir(), 'sluice-srvstate-')), 'stats.sock');
  let rt: Runtime | null = await startSluice(fx('haproxy.cfg').replace('127.0.0.1:18779', `127.0.0.1:${port}`).replace('/tmp/compat/h.sock', sock));
  after(async () => { if (rt !== null) { await stopSluice(rt); rt = null; } });
  await replayCli({ cmds: fx('cmds.txt'), gold: fx('replies.txt'), sock, port, send: (l) => l, norm: normalize });
  const dur = (t: string): string => t.replace(/check duration: \d+ms/g, 'check duration: Dms');
  assert.equal(dur(events.join('')), dur(fx('events-stderr.txt')));
});
