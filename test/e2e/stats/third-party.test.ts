// Tools operators point at HAProxy's stats socket, run unchanged against Sluice and against HAProxy 2.6 (Debian's
// /usr/sbin/haproxy) with the same configuration and the same requests: Debian's `hatop` 0.8.2 (the original Python
// HATop, in tmux) must draw the same STATUS / TRAFFIC / HTTP screens, and `prometheus-haproxy-exporter` must export
// the same series with the same counter values. Both tools come from Debian packages (.ci/run installs them).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { freePort, replyServer, spawnSluice, teardown, oneRequest } from './traffic.ts';
import type { Backend } from './traffic.ts';
import { statsQuery, until, tmux, tmuxKill } from '../hatop/scenario.ts';

const HAPROXY = '/usr/sbin/haproxy';
const HATOP = '/usr/bin/hatop';
const EXPORTER = '/usr/bin/prometheus-haproxy-exporter';
const dir = mkdtempSync(join(tmpdir(), 'third-party-e2e-'));
const backends: Backend[] = [];
const procs: ChildProcess[] = [];
let sluice: ChildProcess | null = null;

interface Target { name: string; sock: string; fe: number }
const targets: Target[] = [];

function config(sock: string, fe: number, s1: number, down: number): string {
  return `global\n  stats socket ${sock} mode 600 level admin\n  stats timeout 30s\n` +
    'defaults\n  mode http\n  timeout connect 1s\n  timeout client 5s\n  timeout server 5s\n' +
    `frontend fe_main\n  bind 127.0.0.1:${fe}\n  default_backend bk\n` +
    `backend bk\n  balance roundrobin\n  server s1 127.0.0.1:${s1} check inter 200ms rise 1 fall 1\n` +
    `  server s2 127.0.0.1:${down} check inter 200ms rise 1 fall 1 backup\n`;
}

/** `status` of bk/<srv> from `show stat`, read by column name. */
async function status(sock: string, srv: string): Promise<string | null> {
  const lines = (await statsQuery(sock, 'show stat')).split('\n');
  const cols = lines[0]!.slice(2).split(',');
  const row = lines.find((l) => l.startsWith('bk,' + srv + ','));
  return row === undefined ? null : row.split(',')[cols.indexOf('status')]!;
}

before(async () => {
  for (const tool of [HAPROXY, HATOP, EXPORTER]) {
    assert.ok(existsSync(tool), `${tool} is missing: apt-get install haproxy hatop prometheus-haproxy-exporter (.ci/run does)`);
  }
  backends.push(await replyServer('s1'));
  const down = await freePort();   // nothing listens there: s2 is DOWN (L4CON) on both
  for (const name of ['sluice', 'haproxy']) {
    const t: Target = { name, sock: join(dir, name + '.sock'), fe: await freePort() };
    const cfg = join(dir, name + '.cfg');
    writeFileSync(cfg, config(t.sock, t.fe, backends[0]!.port, down));
    if (name === 'sluice') {
      sluice = await spawnSluice(cfg, t.sock);
    } else {
      const p = spawn(HAPROXY, ['-db', '-f', cfg], { stdio: ['ignore', 'ignore', 'ignore'] });
      procs.push(p);
      await until('haproxy\'s stats socket', () => (existsSync(t.sock) ? true : null));
    }
    targets.push(t);
  }
  for (const t of targets) {
    await until(`${t.name}: s1 UP, s2 DOWN`, async () => ((await status(t.sock, 's1')) === 'UP' && (await status(t.sock, 's2')) === 'DOWN' ? true : null));
    for (const path of ['/a', '/b', '/e404']) await oneRequest(t.fe, path);
  }
  // Current rates (sessions/s over the last second) back to 0 on both, so the screens and series compare equal.
  await new Promise((r) => setTimeout(r, 2200));
});

after(() => {
  for (const p of procs) p.kill('SIGKILL');
  teardown(sluice, backends, dir);
});

/** Screens 1-3 of Debian's hatop on `sock`, the lines that name the process (version, pid, uptime, tasks, clock) left out. */
async function hatopScreens(sock: string): Promise<string[]> {
  const session = `hatop3p-${process.pid}-${Date.now() % 100000}`;
  tmux('new-session', '-d', '-s', session, '-x', '160', '-y', '40', `TERM=xterm ${HATOP} -s '${sock}' -i 1; sleep 30`);
  try {
    const screens: string[] = [];
    for (const key of ['1', '2', '3']) {
      tmux('send-keys', '-t', session, key);
      const header = key === '1' ? 'CHECK' : key === '2' ? 'LBTOT' : '1xx';
      // the view once drawn and stable: two captures in a row equal (a capture in the middle of hatop's redraw mixed
      // the new header with the previous view's rows)
      let last = '';
      const pane = await until(`hatop view ${key}`, () => {
        const p = tmux('capture-pane', '-p', '-t', session);
        const drawn = p.includes(header) && p.includes('BACKEND');
        const stable = drawn && p === last;
        last = drawn ? p : '';
        return stable ? p : null;
      });
      // '* ' before a check status marks a check running at that instant (inter 200ms): timing, not state
      screens.push(pane.split('\n').filter((l) => !/HATop version|HAProxy Version|Node:|Procs:/.test(l))
        .map((l) => l.replace(/\* (L[0-9A-Z]+) /, '$1   ')).join('\n'));
    }
    tmux('send-keys', '-t', session, 'q');
    return screens;
  } finally {
    tmuxKill(session);
  }
}

test('Debian\'s hatop 0.8.2 draws the same STATUS, TRAFFIC and HTTP screens for Sluice as for HAProxy 2.6', { timeout: 60_000 }, async () => {
  const [ours, theirs] = [await hatopScreens(targets[0]!.sock), await hatopScreens(targets[1]!.sock)];
  assert.match(ours[0]!, /\ns1 +1 UP +L4OK/);
  assert.match(ours[0]!, /\ns2 +1 DOWN +L4CON/);
  for (let i = 0; i < 3; i++) assert.equal(ours[i], theirs[i], `screen ${i + 1}`);
});

/** The exporter's haproxy_* series on `sock`: name{labels} -> value, with the values that depend on time left out. */
async function exportedSeries(sock: string): Promise<Map<string, string>> {
  const port = await freePort();
  const p = spawn(EXPORTER, [`--haproxy.scrape-uri=unix:${sock}`, `--web.listen-address=127.0.0.1:${port}`], { stdio: 'ignore' });
  procs.push(p);
  try {
    const text = await until('the exporter\'s /metrics', async () => {
      const r = await fetch(`http://127.0.0.1:${port}/metrics`).catch(() => null);
      const t = r === null ? '' : await r.text();
      return t.includes('haproxy_up 1') ? t : null;
    });
    const out = new Map<string, string>();
    for (const line of text.split('\n')) {
      if (!line.startsWith('haproxy_') || line.startsWith('haproxy_version_info')) continue;
      const sp = line.lastIndexOf(' ');
      const key = line.slice(0, sp);
      const timed = /time_average_seconds|check_duration|downtime|last_session|_seconds\{/.test(key);
      out.set(key, timed ? '(time)' : line.slice(sp + 1));
    }
    return out;
  } finally {
    p.kill('SIGKILL');
  }
}

test('prometheus-haproxy-exporter exports the same series and counters from Sluice as from HAProxy 2.6', { timeout: 30_000 }, async () => {
  const ours = await exportedSeries(targets[0]!.sock);
  const theirs = await exportedSeries(targets[1]!.sock);
  assert.ok(ours.size > 100, `only ${ours.size} series`);
  assert.equal(ours.get('haproxy_server_http_responses_total{backend="bk",code="2xx",server="s1"}'), '2');
  assert.equal(ours.get('haproxy_server_http_responses_total{backend="bk",code="4xx",server="s1"}'), '1');
  const differ = [...theirs.keys()].filter((k) => ours.get(k) !== theirs.get(k)).map((k) => `${k}: ${ours.get(k)} vs ${theirs.get(k)}`);
  assert.deepEqual(differ, []);
  assert.deepEqual([...ours.keys()].sort(), [...theirs.keys()].sort());
});
