/*
 * Agent checks (`agent-check`, `agent-port`, `agent-inter`, `agent-addr`, `agent-send`): every agent-inter, connect to
 * the agent, send `agent-send`, read one line and apply its words the way HAProxy 2.6 does: `N%` sets the weight
 * relative to the configured one, `up` / `down` / `fail [text]` / `stopped` set the agent's health (the server is UP
 * only when both its regular check and its agent say so), `drain` / `maint` / `ready` set the admin state.
 * Connection failures leave the server's state alone. State changes go through backend/server.ts. Hot path: no.
 */
import { connect as netConnect } from 'node:net';
import type { Socket } from 'node:net';
import type { Server } from '../model/types.ts';
import { SRV_ST_STOPPED, SRV_ADMF_FMAINT, SRV_ADMF_FDRAIN } from '../model/types.ts';
import {
  HCHK_STATUS_INI, HCHK_STATUS_L4CON, HCHK_STATUS_L4TOUT, HCHK_STATUS_L7OK, HCHK_STATUS_L7STS, HCHK_STATUS_CHECKED,
  HCHK_STATUS_SOCKERR,
} from './types.ts';
import { srvSetRunning, srvSetStopped, srvSetMaint, srvSetDrain, srvSetReady, srvSetWeight } from '../backend/server.ts';
import { checkLogText, logCheckLine } from './log-checks.ts';
import { processSessions } from '../stats/counters.ts';
import { checkSpread } from './spread.ts';

interface AgentTask { srv: Server; timer: NodeJS.Timeout | null; stopped: boolean }

/** The regular check agrees with UP (no check, or health at rise or more). */
export function checkSaysUp(srv: Server): boolean {
  const c = srv.check;
  return !c.enabled || c.health >= c.rise;
}

/** The agent agrees with UP (no agent, or its last state word was not down/fail/stopped). */
export function agentSaysUp(srv: Server): boolean {
  const a = srv.agent;
  return a === null || !a.enabled || a.health > 0;
}

function reason(status: number, desc: string, ms: number): string {
  return `${status === HCHK_STATUS_L7OK ? 'Layer7 check passed' : 'Layer7 wrong status'}, code: 0, info: "${desc}", check duration: ${ms}ms`;
}

/**
 * Applies one agent reply line (exported for unit tests). `ms` is the check duration for the messages.
 * Words are separated by spaces, tabs or commas, case-insensitive; unknown words are ignored.
 */
export function applyAgentReply(srv: Server, line: string, ms: number): void {
  const a = srv.agent!;
  const words = line.trim().toLowerCase().split(/[\s,]+/).filter((w) => w !== '');
  let state = '';
  let failText = '';
  let pct = -1;
  let admin = '';
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if (w.endsWith('%')) { const n = Number(w.slice(0, -1)); if (Number.isFinite(n) && n >= 0) pct = Math.floor(n); }
    else if (w === 'up' || w === 'down' || w === 'stopped') state = w;
    else if (w === 'fail') { state = w; if (i + 1 < words.length) failText = words[i + 1]; }
    else if (w === 'drain' || w === 'maint' || w === 'ready') admin = w;
  }
  const health0 = a.health, status0 = a.status;
  a.duration = ms;
  a.code = 0;
  if (state === '') { a.status = HCHK_STATUS_CHECKED; a.desc = ''; }
  else {
    a.desc = `via agent : ${state}${failText !== '' ? ` (${failText})` : ''}`;
    a.status = state === 'up' ? HCHK_STATUS_L7OK : HCHK_STATUS_L7STS;
  }
  if (pct >= 0) srvSetWeight(srv, Math.min(100, pct), true);
  if (admin === 'maint') srvSetMaint(srv);
  else if (admin === 'drain' && (srv.adminState & SRV_ADMF_FDRAIN) === 0) srvSetDrain(srv);
  else if (admin === 'ready' && (srv.adminState & (SRV_ADMF_FMAINT | SRV_ADMF_FDRAIN)) !== 0) srvSetReady(srv);
  if (state === '') return;
  // option log-health-checks: an "Agent check ..." line when the agent's health or status moves, then state changes
  // without reason (2.6)
  const logChk = srv.proxy.httpCheck.logHealthChecks;
  const why = reason(a.status, a.desc, ms);
  if (state === 'up') {
    a.health = a.rise + a.fall - 1;
    if (logChk && (a.health !== health0 || a.status !== status0)) logCheckLine(srv, checkLogText(srv, a, true, true, false, why));
    if (srv.curState === SRV_ST_STOPPED && checkSaysUp(srv)) srvSetRunning(srv, logChk ? '' : why);
  } else {
    a.health = 0;
    srv.counters.failedChecks++;
    if (logChk && (a.health !== health0 || a.status !== status0)) logCheckLine(srv, checkLogText(srv, a, true, false, false, why));
    if (srv.curState !== SRV_ST_STOPPED) srvSetStopped(srv, logChk ? '' : why);
  }
}

class AgentProbe {
  readonly t: AgentTask;
  readonly sock: Socket;
  readonly start = Date.now();
  readonly timer: NodeJS.Timeout;
  text = '';
  connected = false;
  done = false;

  constructor(t: AgentTask, timeout: number) {
    this.t = t;
    const srv = t.srv;
    const a = srv.agent!;
    this.sock = netConnect({ host: a.addr !== '' ? a.addr : srv.host, port: a.port });
    this.sock.setEncoding('latin1');
    this.sock.on('connect', () => { this.connected = true; if (a.send !== '') this.sock.write(a.send, 'latin1'); });
    this.sock.on('data', (d: string) => { this.text += d; if (this.text.indexOf('\n') >= 0 || this.text.length > 1024) this.finish(); });
    this.sock.on('end', () => this.finish());
    this.sock.on('error', (e: NodeJS.ErrnoException) => this.fail(this.connected ? HCHK_STATUS_SOCKERR : HCHK_STATUS_L4CON, e.code === 'ECONNREFUSED' ? 'Connection refused' : e.message));
    this.timer = setTimeout(() => this.fail(HCHK_STATUS_L4TOUT, ''), timeout);
  }

  private end(): boolean {
    if (this.done) return false;
    this.done = true;
    clearTimeout(this.timer);
    this.sock.destroy();
    this.t.srv.agent!.running = false;
    return !this.t.stopped;
  }

  finish(): void {
    if (!this.end()) return;
    const srv = this.t.srv;
    const eol = this.text.indexOf('\n');
    applyAgentReply(srv, eol >= 0 ? this.text.slice(0, eol) : this.text, Date.now() - this.start);
    schedule(this.t, checkSpread(srv.agent!.inter));
  }

  fail(status: number, desc: string): void {
    if (!this.end()) return;
    const a = this.t.srv.agent!;
    // an unreachable agent changes nothing but its own status (HAProxy keeps the server's state)
    a.status = status; a.desc = desc; a.code = 0; a.duration = Date.now() - this.start;
    schedule(this.t, checkSpread(a.inter));
  }
}

function runOnce(t: AgentTask): void {
  t.timer = null;
  if (t.stopped) return;
  const srv = t.srv;
  const a = srv.agent!;
  if (a.paused) { schedule(t, checkSpread(a.inter)); return; }
  a.running = true;
  a.lastStart = Date.now();
  processSessions.checks++;
  const be = srv.proxy;
  new AgentProbe(t, be.timeouts.check > 0 ? be.timeouts.check : a.inter);
}

function schedule(t: AgentTask, ms: number): void {
  t.timer = setTimeout(runOnce, ms, t);
  t.timer.unref();
}

/** Starts the agent checks of `be`'s servers (spread over the first 100 ms). */
export function startAgents(be: Proxy_): void {
  const list = be.servers.filter((s) => s.agent !== null && s.agent.enabled);
  list.forEach((srv, i) => {
    const a = srv.agent!;
    a.status = HCHK_STATUS_INI;
    a.health = a.rise + a.fall - 1;
    const t: AgentTask = { srv, timer: null, stopped: false };
    a.task = t;
    schedule(t, Math.floor((Math.min(a.inter, 100) * i) / Math.max(1, list.length)));
  });
}

/** A server added at runtime with `agent-check`: its agent task, paused until `enable agent` as in 2.6. */
export function startServerAgent(srv: Server): void {
  const a = srv.agent;
  if (a === null || !a.enabled) return;
  a.status = HCHK_STATUS_INI;
  a.health = a.rise + a.fall - 1;
  a.paused = true;
  const t: AgentTask = { srv, timer: null, stopped: false };
  a.task = t;
  schedule(t, a.inter);
}

/** `del server`: stops the server's agent task, if any. */
export function stopServerAgent(srv: Server): void {
  const t = (srv.agent?.task ?? null) as AgentTask | null;
  if (t === null) return;
  t.stopped = true;
  if (t.timer !== null) clearTimeout(t.timer);
  srv.agent!.task = null;
}

export function stopAgents(be: Proxy_): void {
  for (const srv of be.servers) {
    const t = (srv.agent?.task ?? null) as AgentTask | null;
    if (t === null) continue;
    t.stopped = true;
    if (t.timer !== null) clearTimeout(t.timer);
    srv.agent!.task = null;
  }
}

type Proxy_ = Server['proxy'];
