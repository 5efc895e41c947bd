/*
 * Queues, retries, redispatch, mode tcp connect retries and client aborts during a request body, played by
 * bench/edge/abort-diff.ts's scenarios against Sluice (a child process from source) and compared with haproxy 2.6.12's
 * outcomes (fixtures/proxy/abort-diff/session8-haproxy-2.6.12.json, made by the same script with SAVE=): each client's
 * reply and how its connection ended, the log lines (status, termination state, server, retries with their `+`,
 * feconn/beconn, %sq/%bq, which timers are -1, %Ta in 1 s steps) and the `show stat` counters hatop shows (ereq,
 * econ, eresp, wretr, wredis, cli_abrt, srv_abrt, qcur, qmax, ...). Not compared: %sc (2.6 reads it before the queue
 * hands the slot on), when each connection ended, and how the servers' connections ended (RST or FIN).
 */
import fs from 'node:fs';
import path from 'node:path';
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { ABORT_SCENARIOS, OUT, startSide, runOne, showStat, statRows, type Side, type Outcome } from '../../../bench/edge/abort-diff.ts';

const ROOT = new URL('../../../', import.meta.url).pathname;
const GOLDEN = JSON.parse(fs.readFileSync(path.join(ROOT, 'fixtures/proxy/abort-diff/session8-haproxy-2.6.12.json'), 'latin1')) as
  Record<string, { clients: string[]; raw: string[]; stat: Record<string, Record<string, string>> }>;
const NAMES = Object.keys(GOLDEN);
let side: Side | null = null;

after(() => {
  if (side !== null) { side.child.kill('SIGTERM'); for (const v of side.srv.values()) v.close(); side.sock?.close(); }
  fs.rmSync(OUT, { recursive: true, force: true });
});

/** A client's outcome without its time: `<status line> <bytes>B <FIN|RST|self|open>`. */
const client = (c: string): string => c.replace(/@\d+\.\d$/, '');

/** Scenarios whose timers are compared in 1 s steps (each keeps ~300 ms from a step's edge): retries and queue timeouts. */
const TIMED = new Set(['r-redisp-2srv', 'r-redisp-2refused', 'r-redisp-3', 'r-refused-exact', 't-refused-exact', 't-refused-redisp', 'q-two-timeout', 'o-queue-rst']);

/**
 * A log line without address, date, %ac and %sc; timers as N unless -1 (the `+` kept), or in 1 s steps for the
 * TIMED scenarios (a loaded 2-core machine moves the others across any edge).
 */
function line(l: string, timed: boolean): string {
  return l.replace(/^[0-9.]+:[0-9]+ \[[^\]]+\] /, '')
    .replace(/ (-?\d+(?:\/\+?-?\d+){2,4}) /, (_m, t: string) => {
      const v = t.split('/');
      return ' ' + v.map((x) => (x === '-1' ? x : (x.startsWith('+') ? '+' : '') + (timed ? Math.round(Math.abs(Number(x)) / 1000) + 's' : 'N'))).join('/') + ' ';
    })
    .replace(/ \d+\/(\d+)\/(\d+)\/\d+\/(\+?\d+) /, ' a/$1/$2/s/$3 ');
}

test('queues, redispatch, tcp connect retries and body aborts: replies, log lines and counters as haproxy 2.6.12', { timeout: 90000 }, async () => {
  const scen = ABORT_SCENARIOS.filter((s) => NAMES.includes(s.name));
  assert.equal(scen.length, NAMES.length);
  let res: Record<string, Outcome> = {};
  // the frontends' ports are chosen free, then bound by the child: another test may take one in between (a client
  // then meets ECONNREFUSED); such a run is played again once, on new ports and a new process
  for (let attempt = 0; attempt < 2; attempt++) {
    if (side !== null) { side.child.kill('SIGTERM'); for (const v of side.srv.values()) v.close(); side.sock?.close(); }
    side = await startSide('sluice', [process.execPath, '--import', 'tsx', path.join(ROOT, 'proxy/main.ts')], scen);
    res = {};
    for (let i = 0; i < scen.length; i += 8) {
      const batch = scen.slice(i, i + 8);
      const r = await Promise.all(batch.map((s) => runOne(side as Side, s)));
      for (let j = 0; j < batch.length; j++) res[batch[j].name] = r[j];
    }
    if (!Object.values(res).some((o) => o.clients.some((c) => c.includes('ECONNREFUSED')))) break;
  }
  const rows = await showStat(path.join(OUT, 'sluice.sock'));
  for (const name of NAMES) {
    const g = GOLDEN[name], r = res[name];
    assert.deepEqual(r.clients.map(client), g.clients.map(client), name + ': clients');
    // lines in the order the transactions ended (several clients end in a known order in each scenario)
    const timed = TIMED.has(name);
    assert.deepEqual(r.raw.map((l) => line(l, timed)), g.raw.map((l) => line(l, timed)), name + ': log');
    assert.deepEqual(statRows(rows, name), g.stat, name + ': show stat');
  }
});
