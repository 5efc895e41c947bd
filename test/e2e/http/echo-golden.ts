/*
 * Golden cases whose origin echoes the request head it got (cookie-scenario.ts cookieOrigin) and whose log goes to a
 * UDP collector: the same config/scenario pair runs against real HAProxy 2.6 (echoGoldenCapture, from a fixture's
 * capture.mts: writes responses.txt and log.txt) or in-process Sluice (echoGoldenSluice, from a test).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cookieOrigin } from './cookie-scenario.ts';
import { countersLogs } from './counters-scenario.ts';
import { freeLoopbackPort, withHaproxy } from './golden-util.ts';
import { startSluice, stopSluice } from '../proxy-util.ts';
import { closeLogSinks } from '../../../proxy/log/sender.ts';

export interface EchoPorts { fe: number; srv: number; log: number }
type Config = (p: EchoPorts) => string;
type Scenario = (fe: number) => Promise<string[]>;

async function setup(): Promise<{ ports: EchoPorts; lines: string[]; close: () => void }> {
  const o = await cookieOrigin('s1');
  const logs = await countersLogs();
  return { ports: { fe: await freeLoopbackPort(), srv: o.port, log: logs.port }, lines: logs.lines, close: () => { o.close(); logs.sock.close(); } };
}

/** Runs the case against /usr/sbin/haproxy and writes its responses.txt and log.txt into `dir` (a file URL). */
export async function echoGoldenCapture(dir: URL, config: Config, scenario: Scenario): Promise<void> {
  const s = await setup();
  const res = await withHaproxy(config(s.ports), async () => {
    const r = await scenario(s.ports.fe);
    await new Promise((w) => setTimeout(w, 200));
    return r;
  });
  writeFileSync(join(dir.pathname, 'responses.txt'), res.join('\n=====\n'));
  writeFileSync(join(dir.pathname, 'log.txt'), s.lines.join('\n') + '\n');
  s.close();
}

export interface EchoRun {
  responses: string[];
  /** Scenario wall time, ms. */
  ms: number;
  /** Waits (3 s bound) for the golden's number of log lines, returns what arrived. */
  logs(): Promise<string[]>;
  /** The golden's responses and log lines. */
  want(): { responses: string[]; logs: string[] };
  close(): Promise<void>;
}

/** Starts Sluice in-process on `cfg` (tests' `start`); resolves with its stop (listeners and log sinks closed). */
export async function startSluiceCfg(cfg: string): Promise<() => Promise<void>> {
  const rt = await startSluice(cfg);
  return async () => { await stopSluice(rt); closeLogSinks(); };
}

/** Runs the case through Sluice; `kase` names fixtures/http/<kase>. */
export async function echoGoldenSluice(kase: string, config: Config, scenario: Scenario): Promise<EchoRun> {
  const s = await setup();
  const rt = await startSluice(config(s.ports));
  const t0 = Date.now();
  let responses: string[];
  // a scenario that fails (a timed-out request) must not leave the proxy and servers open: the file would never end
  try { responses = await scenario(s.ports.fe); } catch (e) { await stopSluice(rt); closeLogSinks(); s.close(); throw e; }
  const ms = Date.now() - t0;
  const golden = (f: string): string => readFileSync(new URL('../../../fixtures/http/' + kase + '/' + f, import.meta.url), 'latin1');
  const want = { responses: golden('responses.txt').split('\n=====\n'), logs: golden('log.txt').trimEnd().split('\n') };
  return {
    responses, ms, want: () => want,
    async logs() {
      const end = Date.now() + 3000;
      while (s.lines.length < want.logs.length && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
      return s.lines;
    },
    async close() { await stopSluice(rt); closeLogSinks(); s.close(); },
  };
}
