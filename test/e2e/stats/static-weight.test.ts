/*
 * Runtime weights per balance algorithm as haproxy 2.6.12 takes them: static-rr and map-based hashing accept only 0 %
 * and 100 % ("Backend is using a static LB algorithm ..."), first, consistent hashing and roundrobin any weight; a
 * weight of 0 on the last usable server makes the backend DOWN with 2.6's "has no server available!" alert and chkdown,
 * a weight back brings it UP. Replies compared with fixtures/proxy/lb-static-weight (cli-record.py), alerts with its
 * events.txt.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { freePort, startSluice, stopSluice, headServer } from '../proxy-util.ts';
import { replayCli } from './cli-replay.ts';
import { addEventSink, removeEventSink } from '../../../proxy/events.ts';
import type { Runtime } from '../../../proxy/runtime.ts';

const fx = (f: string): string => readFileSync(new URL('../../../fixtures/proxy/lb-static-weight/' + f, import.meta.url), 'latin1');
const COLS = ['pxname', 'svname', 'status', 'weight', 'chkdown'];

/**
 * `show stat` rows cut to the columns that do not depend on time; lastchg only for the backends whose state the
 * commands changed (0 there, a startup-dependent age elsewhere).
 */
function normalize(text: string): string {
  let cols: string[] | null = null;
  return text.split('\n').map((l) => {
    if (l.startsWith('# pxname,')) { cols = l.slice(2).split(','); return COLS.join(','); }
    if (cols === null || !l.includes(',')) return l;
    const v = l.split(',');
    const changed = v[0] === 'b_src' || v[0] === 'b_rr';
    return COLS.map((c) => v[cols!.indexOf(c)]).join(',') + (changed ? ',lastchg=' + v[cols.indexOf('lastchg')] : '');
  }).join('\n');
}

test('set weight on static and dynamic algorithms, and a backend left without weight: as haproxy 2.6.12', async () => {
  const origin = await headServer((c) => c.write('HTTP/1.1 200 OK\r\ncontent-length: 6\r\n\r\nhello\n'));
  const port = await freePort();
  const sock = join(mkdtempSync(join(tmpdir(), 'sluice-lbw-')), 'stats.sock');
  const events: string[] = [];
  const sink = (level: number, text: string): void => { if (text.endsWith('has no server available!')) events.push(text); };
  addEventSink(sink);
  const cfg = fx('haproxy.cfg').replace('127.0.0.1:18779', `127.0.0.1:${port}`).replaceAll('127.0.0.1:18801', `127.0.0.1:${origin.port}`)
    .replace('/tmp/compat/h.sock', sock);
  let rt: Runtime | null = await startSluice(cfg);
  after(async () => { removeEventSink(sink); if (rt !== null) await stopSluice(rt); origin.close(); });
  await replayCli({ cmds: fx('cmds.txt'), gold: fx('replies.txt'), sock, port, send: (l) => l, norm: normalize });
  assert.deepEqual(events, fx('events.txt').trimEnd().split('\n').map((l) => l.replace(/^\[ALERT\] +\(PID\) : /, '')));
  await stopSluice(rt);
  rt = null;
});
