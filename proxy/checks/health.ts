/*
 * The health-check scheduler and rise/fall state machine (HAProxy's check->health): a checked server starts UP with
 * health = rise (so the first failure takes it DOWN, as HAProxy); a success reaching rise jumps to rise+fall-1,
 * failures go down one by one while UP and to 0 below rise; DOWN needs `rise` consecutive successes. Interval: `inter` when stable, `fastinter` while
 * transitioning, `downinter` while DOWN, each varied by `spread-checks` (spread.ts). State changes go through backend/server.ts (messages, LB, queues).
 * Agent checks (checks/agent.ts) start and stop with the regular ones. Callers: main.ts (start/stop per backend), the
 * stats CLI (enable/disable health). Hot path: no.
 */
import type { Proxy, Server } from '../model/types.ts';
import { SRV_ST_STOPPED } from '../model/types.ts';
import { HCHK_STATUS_INI } from './types.ts';
import { runProbe, probeReason } from './probe.ts';
import type { ProbeResult } from './probe.ts';
import { srvSetRunning, srvSetStopped, SRV_ADMF_MAINT } from '../backend/server.ts';
import { processSessions } from '../stats/counters.ts';
import { agentSaysUp, startAgents, stopAgents } from './agent.ts';
import { logHealthCheck, logServerEvents, unlogServerEvents } from './log-checks.ts';
import { checkSpread, firstCheckDelay } from './spread.ts';

interface CheckTask {
  srv: Server;
  timer: NodeJS.Timeout | null;
  stopped: boolean;
}

function nextDelay(srv: Server): number {
  const c = srv.check;
  if (srv.curState === SRV_ST_STOPPED && c.health === 0) return c.downinter > 0 ? c.downinter : c.inter;
  const top = c.rise + c.fall - 1;
  if (c.health !== top && c.fastinter > 0) return c.fastinter;
  return c.inter;
}

/**
 * Applies one probe result to the state machine. With `option log-health-checks`, a result that moves the health or
 * changes the check status is logged first and the state change message then carries no reason (it is in that
 * line), as 2.6. Exported for unit tests (no sockets).
 */
export function applyCheckResult(srv: Server, r: ProbeResult): void {
  const c = srv.check;
  const health0 = c.health, status0 = c.status;
  c.status = r.status;
  c.code = r.code;
  c.desc = r.info;
  c.duration = r.duration;
  const top = c.rise + c.fall - 1;
  let change = 0;                                  // 1: goes UP, -1: goes DOWN
  // 2.6's steps: a success that reaches `rise` jumps to the top (also for a server that starts UP at health = rise:
  // its first success logs "3/3 UP" with rise 2 fall 3), a failure that drops below `rise` falls to 0 (also while
  // rising from DOWN: one failure restarts the count)
  if (r.ok) {
    if (c.health < top) {
      c.health++;
      if (c.health >= c.rise) c.health = top;
    }
    // an agent that last said down/fail/stopped keeps the server DOWN
    if (srv.curState === SRV_ST_STOPPED && c.health >= c.rise && agentSaysUp(srv)) change = 1;
  } else {
    if (c.health > 0) {
      srv.counters.failedChecks++; // chkfail: failures while not yet fully DOWN, as HAProxy
      c.health--;
      if (c.health < c.rise) c.health = 0;
    }
    if (srv.curState !== SRV_ST_STOPPED && c.health < c.rise) change = -1;
  }
  const logChk = srv.proxy.httpCheck.logHealthChecks;
  if (logChk && (c.health !== health0 || c.status !== status0)) logHealthCheck(srv, r);
  if (change > 0) srvSetRunning(srv, logChk ? '' : probeReason(r));
  else if (change < 0) srvSetStopped(srv, logChk ? '' : probeReason(r));
}

function runOnce(t: CheckTask): void {
  t.timer = null;
  if (t.stopped) return;
  const srv = t.srv;
  const c = srv.check;
  // `disable health`, and any maintenance: 2.6 pauses the check (srv_check_state 14) and runs no probe
  if (c.paused || (srv.adminState & SRV_ADMF_MAINT) !== 0) { schedule(t, checkSpread(c.inter)); return; }
  const be = srv.proxy;
  const connectTo = be.timeouts.connect > 0 ? Math.min(be.timeouts.connect, c.inter) : c.inter;
  const readTo = be.timeouts.check > 0 ? be.timeouts.check : c.inter;
  c.running = true;
  c.lastStart = Date.now();
  processSessions.checks++;
  runProbe(srv, be.httpCheck, be.timeouts.check > 0 ? Math.min(connectTo, be.timeouts.check) : connectTo, readTo, (r) => {
    c.running = false;
    if (t.stopped) return;
    applyCheckResult(srv, r);
    schedule(t, checkSpread(nextDelay(srv)));
  });
}

function schedule(t: CheckTask, ms: number): void {
  t.timer = setTimeout(runOnce, ms, t);
  t.timer.unref();
}

/**
 * Starts the checks of every `check` server of `be`, each first one when firstCheckPlan() (checks/spread.ts, run over
 * the whole configuration first) placed it, like HAProxy.
 */
export function startChecks(be: Proxy): void {
  const list = be.servers.filter((s) => s.check.enabled);
  list.forEach((srv, i) => {
    srv.check.type = be.httpCheck.type;
    srv.check.status = HCHK_STATUS_INI;
    const t: CheckTask = { srv, timer: null, stopped: false };
    srv.check.task = t;
    schedule(t, firstCheckDelay(srv.check, Math.floor((srv.check.inter * i) / list.length)));
  });
  startAgents(be);
  logServerEvents(be);
}

/** Stops every check of `be` (reload, stop). */
export function stopChecks(be: Proxy): void {
  stopAgents(be);
  unlogServerEvents(be);
  for (const srv of be.servers) {
    const t = srv.check.task as CheckTask | null;
    if (t === null) continue;
    t.stopped = true;
    if (t.timer !== null) clearTimeout(t.timer);
    srv.check.task = null;
  }
}

/** `disable health` / `enable health` from the CLI. */
export function setCheckPaused(srv: Server, paused: boolean): void { srv.check.paused = paused; }

/**
 * A server added at runtime (`add server ... check`): its check task, paused until `enable health` as in 2.6.
 */
export function startServerCheck(srv: Server): void {
  const c = srv.check;
  c.type = srv.proxy.httpCheck.type;
  c.status = HCHK_STATUS_INI;
  c.paused = true;
  const t: CheckTask = { srv, timer: null, stopped: false };
  c.task = t;
  schedule(t, c.inter);
}

/** `del server`: stops the server's check task, if any. */
export function stopServerCheck(srv: Server): void {
  const t = srv.check.task as CheckTask | null;
  if (t === null) return;
  t.stopped = true;
  if (t.timer !== null) clearTimeout(t.timer);
  srv.check.task = null;
}
