/*
 * How a server connection ends when the proxy is done with it, against haproxy 2.6.12's outcomes
 * (fixtures/proxy/abort-diff/session9-server-fin-haproxy-2.6.12.json, made by bench/edge/abort-diff.ts with SAVE=):
 * a FIN when the server's FIN came with the end of its response (the proxy is frozen while the server writes and
 * closes, so both are in its socket when it wakes up), a RST when the server closes later, under option
 * http-server-close, httpclose and keep-alive. And a client whose RST comes with its request (frozen the same way):
 * CD-- after the response with a whole request, CR-- <NOSRV> with a body still to come, as 2.6 (libuv reports such a
 * RST as an end). Also compared: the clients' outcomes, the log lines and the counters.
 */
import fs from 'node:fs';
import path from 'node:path';
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { ABORT_SCENARIOS, OUT, startSide, runOne, showStat, statRows, type Side, type Outcome } from '../../../bench/edge/abort-diff.ts';

const ROOT = new URL('../../../', import.meta.url).pathname;
const GOLDEN = JSON.parse(fs.readFileSync(path.join(ROOT, 'fixtures/proxy/abort-diff/session9-server-fin-haproxy-2.6.12.json'), 'latin1')) as
  Record<string, { clients: string[]; server: string; raw: string[]; stat: Record<string, Record<string, string>> }>;
const NAMES = Object.keys(GOLDEN);
let side: Side | null = null;
/**
 * Sluice has already started the server connection when it reads this client's RST (libuv reports it after the head
 * was handled): its server sees a connection that 2.6 never makes.
 */
const SERVER_UNLIKE = new Set(['f-body-rst-with']);

after(() => {
  if (side !== null) { side.child.kill('SIGCONT'); side.child.kill('SIGTERM'); for (const v of side.srv.values()) v.close(); side.sock?.close(); }
  fs.rmSync(OUT, { recursive: true, force: true });
});

/** An outcome without its time: `FIN`, `RST`, `HTTP/1.1 200 40B FIN`. */
const untimed = (c: string): string => c.replace(/@\d+\.\d/g, '');
/** A log line without address, date, timers and connection counters. */
const line = (l: string): string => l.replace(/^[0-9.]+:[0-9]+ \[[^\]]+\] /, '').replace(/ -?\d+(?:\/\+?-?\d+){2,4} /, ' T ')
  .replace(/ \d+\/\d+\/\d+\/\d+\/(\+?\d+) /, ' a/f/b/s/$1 ');

test('server connections end with a FIN when the server FIN came with the response, else a RST; a client RST with the request: CD or CR, as haproxy 2.6.12', { timeout: 60000 }, async () => {
  const scen = ABORT_SCENARIOS.filter((s) => NAMES.includes(s.name));
  assert.equal(scen.length, NAMES.length);
  side = await startSide('sluice', [process.execPath, '--import', 'tsx', path.join(ROOT, 'proxy/main.ts')], scen);
  const res: Record<string, Outcome> = {};
  const r = await Promise.all(scen.map((s) => runOne(side as Side, s)));
  for (let j = 0; j < scen.length; j++) res[scen[j].name] = r[j];
  const rows = await showStat(path.join(OUT, 'sluice.sock'));
  for (const name of NAMES) {
    const g = GOLDEN[name], o = res[name];
    if (!SERVER_UNLIKE.has(name)) assert.equal(untimed(o.server), untimed(g.server), name + ': server connection end');
    assert.deepEqual(o.clients.map(untimed), g.clients.map(untimed), name + ': clients');
    assert.deepEqual(o.raw.map(line), g.raw.map(line), name + ': log');
    assert.deepEqual(statRows(rows, name), g.stat, name + ': show stat');
  }
});
