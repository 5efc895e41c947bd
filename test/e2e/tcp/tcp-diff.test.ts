/*
 * Mode tcp in the shapes users deploy, played by bench/edge/tcp-diff.ts's scenarios against Sluice (a child process
 * from source) and compared with haproxy 2.6.12's outcomes (fixtures/proxy/tcp-diff/haproxy-2.6.12.json, made by
 * the same script: `SAVE=fixtures/proxy/tcp-diff/haproxy-2.6.12.json ONLY=<the names in it> node --import tsx
 * bench/edge/tcp-diff.ts`; session 11's tun-*, oneway-*, srv-shorter, nodelay-*, v2-* and ver-plain-short were saved
 * the same way on their own and added): SNI routing on a real ClientHello (whole, split over two writes, cut short),
 * protocol detection, rate limits on stick tables, content/connection rejects, balance, PROXY protocol sent and
 * received (split or bad headers), half-close both ways, a session reject of a client whose bytes wait unread (a
 * RST), which timer ends an idle or one-way tunnel, content rules without inspect-delay (run once, on what is there),
 * req.ssl_ver on SSLv2-format hellos. Compared: each client's bytes and how it ended, what each server received, the
 * log lines (client address kept; timers by shape, %Tt in 0.5 s steps for TIMED) and the counters.
 * The whole-hello sizes are node 20's ClientHello (node:tls makes it for each run).
 */
import fs from 'node:fs';
import path from 'node:path';
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { OUT, startSide, showStat, type Side } from '../../../bench/edge/abort-diff.ts';
import { TCP_SCENARIOS, PROBE, outcome, stats, frozenClient } from '../../../bench/edge/tcp-diff.ts';

const ROOT = new URL('../../../', import.meta.url).pathname;
type Golden = { clients: string[]; srv: string; log: string[]; stat: Record<string, string> };
const GOLDEN = JSON.parse(fs.readFileSync(path.join(ROOT, 'fixtures/proxy/tcp-diff/haproxy-2.6.12.json'), 'latin1')) as Record<string, Golden>;
const NAMES = Object.keys(GOLDEN);
/** Scenarios whose end is set by a timer (the inspect delay): %Tt compared in 0.5 s steps; others' %Tt masked. */
const TIMED = new Set(['sni-part-expire', 'sni-short1-expire']);
let side: Side | null = null;

after(() => {
  if (side !== null) { side.child.kill('SIGTERM'); for (const v of side.srv.values()) v.close(); side.sock?.close(); }
  fs.rmSync(OUT, { recursive: true, force: true });
});

/** Log lines with %Tt masked unless TIMED, and feconn/beconn/srv_conn (clients 150 ms apart overlap on a loaded machine). */
const tt = (name: string, l: string[]): string[] =>
  l.map((x) => (TIMED.has(name) ? x : x.replace(/~\d+\.\d/, '~')).replace(/ a\/\d+\/\d+\/\d+\//, ' a/f/b/s/'));

test('mode tcp: SNI routing, detection, rate limits, PROXY protocol and half-close as haproxy 2.6.12', { timeout: 60000 }, async () => {
  const scen = TCP_SCENARIOS.filter((s) => NAMES.includes(s.name));
  assert.equal(scen.length, NAMES.length);
  side = await startSide('sluice', [process.execPath, '--import', 'tsx', path.join(ROOT, 'proxy/main.ts')], [PROBE, ...scen]);
  const res = await Promise.all(scen.map((s) => outcome(side!, s, true)));
  for (let i = 0; i < scen.length; i++) if (scen[i].clients.length === 0) res[i].clients = [await frozenClient(side, scen[i].name)];
  const rows = await showStat(path.join(OUT, 'sluice.sock'));
  scen.forEach((s, i) => {
    const g = GOLDEN[s.name];
    assert.deepEqual(res[i].clients, g.clients, `${s.name}: clients`);
    assert.equal(res[i].srv, g.srv, `${s.name}: servers' data`);
    assert.deepEqual(tt(s.name, res[i].log), tt(s.name, g.log), `${s.name}: log`);
    assert.deepEqual(stats(rows, s.name), g.stat, `${s.name}: counters`);
  });
});
