/*
 * The harness of the persist golden e2e tests: before the tests, a UDP log collector, the scenario's origins and an
 * in-process Sluice on the scenario's configuration, then its traffic; after them, everything stopped. The tests
 * compare `results` and the log lines (fields picked by the test) with fixtures/persist/<dir>/ from haproxy 2.6.12.
 */
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startSluice, stopSluice, freePort } from '../proxy-util.ts';
import type { Runtime } from '../../../proxy/runtime.ts';
import { closeLogSinks } from '../../../proxy/log/sender.ts';
import { countersLogs } from '../http/counters-scenario.ts';

export interface GoldenRun {
  results: string[];
  logLines: string[];
  golden(file: string): string;
}

/**
 * A source of free loopback ports never giving the same one twice (nor one of `taken`): a port freed by freePort()
 * may come back from the next call, and two binds on one address would share a listener.
 */
export function distinctPorts(taken: number[] = []): () => Promise<number> {
  const given = new Set<number>(taken);
  return async () => {
    for (;;) { const p = await freePort(); if (!given.has(p)) { given.add(p); return p; } }
  };
}

/** What a scenario starts: its configuration, its traffic, and what to close afterwards. */
export interface GoldenSetup { cfg: string; run(): Promise<string[]>; stops: (() => void)[] }

/** Registers before/after hooks running the scenario `setup` builds (given the log port and a free-port source). */
export function goldenRun(dir: string, setup: (logPort: number, port: () => Promise<number>) => Promise<GoldenSetup>,
  encoding: BufferEncoding = 'latin1'): GoldenRun {
  const g: GoldenRun = {
    results: [], logLines: [],
    golden: (f) => readFileSync(new URL('../../../fixtures/persist/' + dir + '/' + f, import.meta.url), encoding),
  };
  let rt: Runtime | null = null;
  const stops: (() => void)[] = [];
  before(async () => {
    const logs = await countersLogs();
    stops.push(() => logs.sock.close());
    g.logLines = logs.lines;
    const s = await setup(logs.port, distinctPorts([logs.port]));
    stops.push(...s.stops);
    rt = await startSluice(s.cfg);
    g.results = await s.run();
  });
  after(async () => { if (rt !== null) await stopSluice(rt); closeLogSinks(); for (const f of stops) f(); });
  return g;
}

/** The log lines, once as many as the golden's have arrived (3 s bound), equal the golden's through `pick`. */
export async function assertGoldenLogs(g: GoldenRun, pick: (line: string) => string): Promise<void> {
  const want = g.golden('log.txt').trimEnd().split('\n').map(pick);
  const end = Date.now() + 3000;
  while (g.logLines.length < want.length && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(g.logLines.map(pick), want);
}
