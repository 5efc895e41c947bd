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
  HCHK_STATUS_INI, HCHK_STATUS_L4CON, HCHK_STATUS_L4TOUT, HCHK_STATUS_L7TOUT, HCHK_STATUS_L7RSP, HCHK_STATUS_L7OK, HCHK_STATUS_L7STS, HCHK_STATUS_CHECKED,
  HCHK_STATUS_SOCKERR,
} from './types.ts';
import { srvSetRunning, srvSetStopped, srvSetMaint, srvSetDrain, srvSetReady, srvSetWeight, srvParseWeight } from '../backend/server.ts';
import { checkLogText, logCheckLine } from './log-checks.ts';
import { processSessions } from '../stats/counters.ts';
import { checkSpread, firstCheckDelay } from './spread.ts';
import { errnoText } from './probe.ts';

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
 * As 2.6: words are separated by spaces, tabs or commas (case-insensitive); a word starting with '#' starts a
 * description running to the end of the line; the first unknown word is an error, reported after the state word
 * ("via agent : up (junk)") or, without one, as "agent reports an error : <word>" with no status change.
 */
export function applyAgentReply(srv: Server, line: string, ms: number): void {
  const a = srv.agent!;
  let state = '';
  let err = '';
  let descr = '';
  let pct = '';
  let admin = '';
  let i = 0;
  while (i < line.length) {
    const c = line[i];
    if (c === ' ' || c === '\t' || c === ',') { i++; continue; }
    if (c === '#') { descr = line.slice(i + 1).replace(/^[ \t]+/, '').trimEnd(); break; }
    let j = i + 1;
    while (j < line.length && line[j] !== ' ' && line[j] !== '\t' && line[j] !== ',' && line[j] !== '\r') j++;
    const word = line.slice(i, j);
    const w = word.toLowerCase();
    i = j + 1;
    if (w === 'up' || w === 'down' || w === 'stopped' || w === 'fail') state = word;
    else if (w === 'drain' || w === 'maint' || w === 'ready') admin = w;
    else if (w.charCodeAt(0) >= 0x30 && w.charCodeAt(0) <= 0x39 && w.includes('%')) pct = w;
    else if (w.startsWith('maxconn:')) continue;
    else if (err === '') err = word;
  }
  // 2.6's order: the admin state, then the weight (kept for when a maintenance ends), then the health; a weight
  // refused (static algorithm, trailing garbage) is reported as a warning
  if (admin === 'maint') srvSetMaint(srv);
  else if (admin === 'drain' && (srv.adminState & SRV_ADMF_FDRAIN) === 0) srvSetDrain(srv);
  else if (admin === 'ready' && (srv.adminState & (SRV_ADMF_FMAINT | SRV_ADMF_FDRAIN)) !== 0) srvSetReady(srv);
  let warn = '';
  if (pct !== '') {
    const w = srvParseWeight(srv, pct);
    if (typeof w === 'string') warn = w; else srvSetWeight(srv, w);
  }
  const health0 = a.health, status0 = a.status;
  a.duration = ms;
  a.code = 0;
  if (state === '') {
    a.status = HCHK_STATUS_CHECKED;
    a.desc = err !== '' ? `agent reports an error : ${err}` : warn !== '' ? `agent warns : ${warn}` : '';
  } else {
    const msg = err !== '' ? err : warn !== '' ? warn : descr;
    a.desc = `via agent : ${state}${msg !== '' ? ` (${msg})` : ''}`;
    a.status = state.toLowerCase() === 'up' ? HCHK_STATUS_L7OK : HCHK_STATUS_L7STS;
  }
  if (state === '') return;
  // option log-health-checks: an "Agent check ..." line when the agent's health or status moves, then state changes
  // without reason (2.6)
  const logChk = srv.proxy.httpCheck.logHealthChecks;
  const why = reason(a.status, a.desc, ms);
  if (state.toLowerCase() === 'up') {
    a.health = a.rise + a.fall - 1;
    if (logChk && (a.health !== health0 || a.status !== status0)) logCheckLine(srv, checkLogText(srv, a, true, true, false, why));
    if (srv.curState === SRV_ST_STOPPED && checkSaysUp(srv)) srvSetRunning(srv, logChk ? '' : why);
  } else {
    a.health = 0;
    if (logChk && (a.health !== health0 || a.status !== status0)) logCheckLine(srv, checkLogText(srv, a, true, false, false, why));
    if (srv.curState !== SRV_ST_STOPPED) srvSetStopped(srv, logChk ? '' : why);
  }
}

const INCOMPLETE = 'Ignoring incomplete line from agent';

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
    this.sock.on('data', (d: string) => {
      this.text += d;
      if (this.text.indexOf('\n') >= 0) this.finish();
      else if (this.text.length > 1024) { this.sock.pause(); this.finish(); }
    });
    this.sock.on('end', () => this.finish());
    // a reset means the connection was up even when node reports it as the connect's error (see checks/probe.ts)
    this.sock.on('error', (e: NodeJS.ErrnoException) => this.fail(this.connected || e.code === 'ECONNRESET' ? HCHK_STATUS_SOCKERR : HCHK_STATUS_L4CON, errnoText(e)));
    // no connection in time is a layer 4 timeout, no reply on an established one a layer 7 timeout (2.6.12)
    this.timer = setTimeout(() => this.fail(this.connected ? HCHK_STATUS_L7TOUT : HCHK_STATUS_L4TOUT, this.text !== '' ? INCOMPLETE : ''), timeout);
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
    const eol = this.text.indexOf('\n');
    // no line: 2.6.12 reports an empty reply (its agent rule set's expect step is step 2); a reply without end of
    // line is reported at once, the status staying until `timeout check` ends the check (L7TOUT, same text)
    if (eol < 0) {
      if (this.text === '') { this.fail(HCHK_STATUS_L7RSP, 'TCPCHK got an empty response at step 2'); return; }
      if (!this.done) this.t.srv.agent!.desc = INCOMPLETE;
      return;
    }
    if (!this.end()) return;
    const srv = this.t.srv;
    applyAgentReply(srv, this.text.slice(0, eol), Date.now() - this.start);
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
    schedule(t, firstCheckDelay(a, Math.floor((a.inter * i) / list.length)));
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
