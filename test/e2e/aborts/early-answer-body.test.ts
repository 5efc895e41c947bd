/*
 * A server that answers (413, 200) before the request body is all sent, against haproxy 2.6.12's outcomes
 * (fixtures/proxy/abort-diff/session11-early-response-haproxy-2.6.12.json, made by bench/edge/abort-diff.ts with
 * SAVE=): the rest of the body still goes to a server that only shut its side (FIN) or said Connection: close, which
 * is then closed with a FIN (after the body, the client's FIN or `timeout client`); a server gone for good (close())
 * gets nothing more. Compared: how many bytes each server connection received and how it ended, the clients'
 * outcomes, the log lines (timers masked) and the counters.
 */
import fs from 'node:fs';
import path from 'node:path';
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { ABORT_SCENARIOS, OUT, startSide, runOne, showStat, statRows, type Side } from '../../../bench/edge/abort-diff.ts';

const ROOT = new URL('../../../', import.meta.url).pathname;
const GOLDEN = JSON.parse(fs.readFileSync(path.join(ROOT, 'fixtures/proxy/abort-diff/session11-early-response-haproxy-2.6.12.json'), 'latin1')) as
  Record<string, { clients: string[]; server: string; srvGot: string; raw: string[]; stat: Record<string, Record<string, string>> }>;
const NAMES = Object.keys(GOLDEN);
let side: Side | null = null;

after(() => {
  if (side !== null) { side.child.kill('SIGTERM'); for (const v of side.srv.values()) v.close(); side.sock?.close(); }
  fs.rmSync(OUT, { recursive: true, force: true });
});

/** An outcome without its time: `FIN`, `HTTP/1.1 413 55B FIN`. */
const untimed = (c: string): string => c.replace(/@\d+\.\d/g, '');
/** A log line without address, date, timers and connection counters. */
const line = (l: string): string => l.replace(/^.*?\]: /, '').replace(/^[0-9.]+:[0-9]+ \[[^\]]+\] /, '').replace(/ -?\d+(?:\/\+?-?\d+){2,4} /, ' T ')
  .replace(/ \d+\/\d+\/\d+\/\d+\/(\+?\d+) /, ' a/f/b/s/$1 ');

test('an early answer during the request body: the rest still goes to a server that only shut its side, then a FIN, as haproxy 2.6.12', { timeout: 60000 }, async () => {
  const scen = ABORT_SCENARIOS.filter((s) => NAMES.includes(s.name));
  assert.equal(scen.length, NAMES.length);
  side = await startSide('sluice', [process.execPath, '--import', 'tsx', path.join(ROOT, 'proxy/main.ts')], scen);
  const res = await Promise.all(scen.map((s) => runOne(side as Side, s)));
  const rows = await showStat(path.join(OUT, 'sluice.sock'));
  scen.forEach((s, j) => {
    const g = GOLDEN[s.name], o = res[j];
    assert.equal(o.srvGot, g.srvGot, s.name + ': bytes the server received');
    assert.equal(untimed(o.server), untimed(g.server), s.name + ': server connection end');
    assert.deepEqual(o.clients.map(untimed), g.clients.map(untimed), s.name + ': clients');
    assert.deepEqual(o.raw.map(line), g.raw.map(line), s.name + ': log');
    assert.deepEqual(statRows(rows, s.name), g.stat, s.name + ': show stat');
  });
});
