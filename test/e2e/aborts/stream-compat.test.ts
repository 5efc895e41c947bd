/*
 * Stream behaviours found side by side with haproxy 2.6.12 in session 11, against its outcomes (made by
 * bench/edge/abort-diff.ts with SAVE=, fixtures/proxy/abort-diff/CMD):
 * - session11-early-response: a server that answers (413, 200) before the request body is all sent still gets the
 *   rest of the body when it only shut its side (FIN) or said Connection: close, then a FIN (after the body, the
 *   client's FIN or `timeout client`); a server gone for good (close()) gets nothing more;
 * - session11-rewrite: set-uri / replace-uri / set-header Host on a CONNECT, and the server `balance hdr(host)` /
 *   `balance uri` / `url_param` pick after set-header, replace-header, add-header, del-header, set-uri, set-path or
 *   set-query (w-lb-*: which connection ends first is left out, their pooled connections end by the pool's timing);
 * - session11-bad-chunk: a bad chunk size or a missing CRLF once the head went out, request side (400 PH--, PD-- when
 *   the response is already out) and response side (the client's response cut, SD--, eresp but no srv_abrt), the
 *   server connection closed with a FIN.
 * Compared: what each server connection received (and how it ended), the clients' outcomes, the log lines (timers
 * masked, sorted) and the counters.
 */
import fs from 'node:fs';
import path from 'node:path';
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { ABORT_SCENARIOS, PROBE, OUT, startSide, runOne, showStat, statRows, type Side } from '../../../bench/edge/abort-diff.ts';

const ROOT = new URL('../../../', import.meta.url).pathname;
type Golden = Record<string, { clients: string[]; server: string; srvGot: string; raw: string[]; stat: Record<string, Record<string, string>> }>;
const load = (f: string): Golden => JSON.parse(fs.readFileSync(path.join(ROOT, 'fixtures/proxy/abort-diff', f), 'latin1')) as Golden;
const EARLY = load('session11-early-response-haproxy-2.6.12.json');
const REWRITE = load('session11-rewrite-haproxy-2.6.12.json');
const BAD_CHUNK = load('session11-bad-chunk-haproxy-2.6.12.json');
let side: Side | null = null;
let started: Promise<Side> | null = null;

after(() => {
  if (side !== null) { side.child.kill('SIGTERM'); for (const v of side.srv.values()) v.close(); side.sock?.close(); }
  fs.rmSync(OUT, { recursive: true, force: true });
});

/** One Sluice for all goldens' scenarios (each has its own frontend, backend and servers). */
function sluice(): Promise<Side> {
  const names = new Set([...Object.keys(EARLY), ...Object.keys(REWRITE), ...Object.keys(BAD_CHUNK)]);
  started ??= startSide('sluice', [process.execPath, '--import', 'tsx', path.join(ROOT, 'proxy/main.ts')], [PROBE, ...ABORT_SCENARIOS.filter((s) => names.has(s.name))])
    .then((s) => (side = s));
  return started;
}

/** An outcome without its time: `FIN`, `HTTP/1.1 413 55B FIN`. */
const untimed = (c: string): string => c.replace(/@\d+\.\d/g, '');
/** A log line without address, date, timers and connection counters. */
const line = (l: string): string => l.replace(/^.*?\]: /, '').replace(/^[0-9.]+:[0-9]+ \[[^\]]+\] /, '').replace(/ -?\d+(?:\/\+?-?\d+){2,4} /, ' T ')
  .replace(/ \d+\/\d+\/\d+\/\d+\/(\+?\d+) /, ' a/f/b/s/$1 ');

async function replay(golden: Golden): Promise<void> {
  const sd = await sluice();
  const scen = ABORT_SCENARIOS.filter((s) => s.name in golden);
  assert.equal(scen.length, Object.keys(golden).length);
  const res = await Promise.all(scen.map((s) => runOne(sd, s)));
  const rows = await showStat(path.join(OUT, 'sluice.sock'));
  scen.forEach((s, j) => {
    const g = golden[s.name], o = res[j];
    assert.equal(o.srvGot, g.srvGot, s.name + ': what the servers received');
    if (!s.name.startsWith('w-lb-')) assert.equal(untimed(o.server), untimed(g.server), s.name + ': server connection end');
    assert.deepEqual(o.clients.map(untimed), g.clients.map(untimed), s.name + ': clients');
    assert.deepEqual(o.raw.map(line).sort(), g.raw.map(line).sort(), s.name + ': log');
    assert.deepEqual(statRows(rows, s.name), g.stat, s.name + ': show stat');
  });
}

test('an early answer during the request body: the rest still goes to a server that only shut its side, then a FIN, as haproxy 2.6.12', { timeout: 60000 }, () => replay(EARLY));

test('set-uri on a CONNECT and balance hdr(host)/uri after a rewrite: the bytes each server gets, as haproxy 2.6.12', { timeout: 60000 }, () => replay(REWRITE));

test('a bad chunk after the head went out: 400 PH-- (PD-- once answered) or a cut response SD-- without srv_abrt, the server connection closed with a FIN, as haproxy 2.6.12', { timeout: 60000 }, () => replay(BAD_CHUNK));
