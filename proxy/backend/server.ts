/*
 * Server state API: the one place that changes a server's operational/admin state, weight, address or maxconn,
 * recomputes its backend's usable set for the LB algorithm, moves queued streams, and prints HAProxy's state-change
 * messages (`Server bk/s1 is DOWN, reason: ...`). Callers: checks/ (health results), the stats CLI (P4: set server,
 * enable/disable server, set weight, ...), config startup. Hot path: no, except the small predicates at the top.
 */
import type { Proxy, Server } from '../model/types.ts';
import {
  SRV_ST_STOPPED, SRV_ST_STARTING, SRV_ST_RUNNING, SRV_ST_STOPPING, SRV_ADMF_FMAINT, SRV_ADMF_IMAINT, SRV_ADMF_CMAINT,
  SRV_ADMF_RMAINT, SRV_ADMF_FDRAIN, SRV_ADMF_IDRAIN, PR_O_ALLBACKUPS, SRV_ONDOWN_SHUTDOWN_SESSIONS,
  SRV_ONUP_SHUTDOWN_BACKUP_SESSIONS, SF_ERR_DOWN, SF_ERR_UP,
} from '../model/types.ts';
import { killStreams } from '../streams.ts';
import { PR_CAP_FE } from '../config/types.ts';
import { emitEvent, EV_ALERT, EV_WARNING } from '../events.ts';
import { processQueue, redistributeQueue } from './queue.ts';
import { srvStoppedByState } from './server-state.ts';
import { srvSetDynCookie } from './dyn-cookie.ts';
import { LB_HASH_MAP_BASED } from '../lb/types.ts';
import { LOG_ALERT, LOG_NOTICE } from '../log/types.ts';

export const SRV_ADMF_MAINT = SRV_ADMF_FMAINT | SRV_ADMF_IMAINT | SRV_ADMF_CMAINT | SRV_ADMF_RMAINT;
export const SRV_ADMF_DRAIN = SRV_ADMF_FDRAIN | SRV_ADMF_IDRAIN;
/** Weights are 0..256 like HAProxy. */
export const SRV_UWGHT_MAX = 256;

/** Eligible for load balancing: up (or starting), not in maintenance, not draining, weight > 0. */
export function srvUsable(s: Server): boolean {
  return (s.curState === SRV_ST_RUNNING || s.curState === SRV_ST_STARTING) && (s.adminState & (SRV_ADMF_MAINT | SRV_ADMF_DRAIN)) === 0 &&
    s.eweight > 0;
}

/** May still receive persistent (cookie) traffic: not down and not in maintenance (draining is fine). */
export function srvAcceptsPersistent(s: Server): boolean {
  return s.curState !== SRV_ST_STOPPED && (s.adminState & SRV_ADMF_MAINT) === 0;
}

/** Up from the stats point of view (not DOWN, not MAINT). */
export function srvIsUp(s: Server): boolean {
  return s.curState !== SRV_ST_STOPPED && (s.adminState & SRV_ADMF_MAINT) === 0;
}

function kindName(px: Proxy): string { return (px.cap & PR_CAP_FE) !== 0 ? 'proxy' : 'backend'; }
function srvLabel(s: Server): string { return `${s.backup ? 'Backup Server' : 'Server'} ${s.proxy.name}/${s.name}`; }

const EMPTY: Server[] = [];

/**
 * Recomputes the backend's usable set (active servers, else the first usable backup or all of them with
 * `option allbackups`), its counters (srvActive, srvBackup, totWeightAct, totWeightBck) and re-inits the LB
 * algorithm. Call after any change of state, admin state or weight. Returns true when no server is usable.
 */
export function recalcBackend(be: Proxy): boolean {
  let act = 0; let bck = 0; let wa = 0; let wb = 0;
  const active: Server[] = [];
  const backups: Server[] = [];
  for (const s of be.servers) {
    // a weight set during maintenance takes effect when it ends (2.6's show stat keeps the old weight until then)
    if ((s.adminState & SRV_ADMF_MAINT) === 0 && s.curState !== SRV_ST_STARTING) s.eweight = s.uweight;
    if (!srvUsable(s)) continue;
    if (s.backup) { bck++; wb += s.eweight; backups.push(s); } else { act++; wa += s.eweight; active.push(s); }
  }
  be.srvActive = act; be.srvBackup = bck; be.totWeightAct = wa; be.totWeightBck = wb;
  let set: Server[] = active;
  if (active.length === 0) set = backups.length === 0 ? EMPTY : ((be.options & PR_O_ALLBACKUPS) !== 0 ? backups : [backups[0]]);
  if (be.lb) be.lb.init(be, set);
  return set.length === 0;
}

/** "N active and N backup servers left|online." of every state-change message, with 2.6's " Running on backup." when
 *  only backup servers remain usable. */
export function srvCountText(act: number, bck: number, verb: 'left' | 'online'): string {
  return `${act} active and ${bck} backup servers ${verb}.${act === 0 && bck > 0 ? ' Running on backup.' : ''}`;
}
/** Sessions counts shared by the DOWN/maintenance messages. */
function downTail(s: Server, requeued: number): string {
  const be = s.proxy;
  return `${srvCountText(be.srvActive, be.srvBackup, 'left')} ${s.served} sessions active, ${requeued} requeued, ${s.queued} remaining in queue.`;
}
function upTail(s: Server, requeued: number): string {
  const be = s.proxy;
  return `${srvCountText(be.srvActive, be.srvBackup, 'online')} ${requeued} sessions requeued, ${s.queued} total in queue.`;
}

/** The backend just lost its last usable server (DOWN, maintenance or drain alike): alert, chkdown, last change. */
function noServerAlert(be: Proxy, wasAvailable: boolean): void {
  if (wasAvailable && be.srvActive === 0 && be.srvBackup === 0) {
    emitEvent(EV_ALERT, `${kindName(be)} '${be.name}' has no server available!`);
    be.beCounters.downTrans++;
    be.lastChange = Date.now();
  }
}

/** Log level of a DOWN or maintenance message (2.6.12): notice when the server was stopping or draining, else alert. */
function downLevel(s: Server, state: number, admin: number): number {
  return state === SRV_ST_STOPPING || (admin & SRV_ADMF_DRAIN) !== 0 ? LOG_NOTICE : LOG_ALERT;
}

function hadServer(be: Proxy): boolean { return be.srvActive + be.srvBackup > 0; }

/**
 * A server leaves the STOPPED state at `now`: its DOWN period is added to `downtime`; a backend that had no usable
 * server (`had` false) and has one again (after recalcBackend) closes its own DOWN period the same way.
 */
function leaveStopped(s: Server, now: number): void {
  if (s.curState === SRV_ST_STOPPED) s.downTime += now - s.lastChange;
}
function backendBackUp(be: Proxy, had: boolean, now: number): void {
  if (!had && hadServer(be)) { be.downTime += now - be.lastChange; be.lastChange = now; }
}

/**
 * Leaving maintenance, as 2.6 does: a checked server restarts its check at the rise threshold and is UP at once
 * unless it tracks a DOWN server or its agent says down; the next check result decides (checks are not run
 * during maintenance). Maintenance counts as DOWN in 2.6 (its op state is stopped): a server that comes back adds
 * the period to its downtime and its last change moves; one that stays DOWN keeps both.
 */
function restartAfterMaint(s: Server, now: number): void {
  if (srvCheckRestarts(s)) s.check.health = s.check.rise;
  if (s.curState === SRV_ST_STOPPED) {
    if (s.tracked !== null && s.tracked.curState === SRV_ST_STOPPED) return;
    if (s.agent !== null && s.agent.enabled && s.agent.health < s.agent.rise) return;
    s.curState = SRV_ST_RUNNING;
  }
  s.downTime += now - s.lastChange;
  s.lastChange = now;
}

/** Moves the streams waiting for `s` elsewhere and serves the backend queue from the remaining servers. */
function requeueFrom(s: Server): number {
  const n = redistributeQueue(s, null);
  kickBackend(s.proxy);
  return n;
}

/** Lets every usable server of `be` take waiting streams (after a server came up or got a slot back). */
export function kickBackend(be: Proxy): number {
  let n = 0;
  for (const o of be.servers) if (srvUsable(o)) n += processQueue(o, true);
  return n;
}

/**
 * Health check result → operational state. `reason` is HAProxy's text after "reason: " (e.g. `Layer4 connection
 * problem, info: "Connection refused", check duration: 0ms`). Prints the message and updates LB/queues.
 */
export function srvSetRunning(s: Server, reason: string): void {
  if (s.curState === SRV_ST_RUNNING || s.curState === SRV_ST_STARTING) return;
  const be = s.proxy;
  const had = hadServer(be);
  const now = Date.now();
  leaveStopped(s, now);
  s.curState = SRV_ST_RUNNING;
  s.lastChange = now;
  startWarmup(s);
  recalcBackend(be);
  backendBackUp(be, had, now);
  if ((s.adminState & SRV_ADMF_MAINT) !== 0) { propagateTrack(s); return; }
  const n = processQueue(s, srvUsable(s));
  emitEvent(EV_WARNING, `${srvLabel(s)} is UP${reason !== '' ? ', reason: ' + reason : ''}. ${upTail(s, n)}`);
  drainRemains(s);
  if (s.onMarkedUp === SRV_ONUP_SHUTDOWN_BACKUP_SESSIONS && !s.backup) {
    killStreams((st) => st.log.server !== null && st.log.server.proxy === be && st.log.server.backup, SF_ERR_UP);
  }
  propagateTrack(s);
}

export function srvSetStopped(s: Server, reason: string): void {
  if (s.curState === SRV_ST_STOPPED) return;
  const be = s.proxy;
  const had = hadServer(be);
  const lvl = downLevel(s, s.curState, s.adminState);
  s.curState = SRV_ST_STOPPED;
  s.counters.downTrans++;
  s.lastChange = Date.now();
  stopWarmup(s);
  recalcBackend(be);
  if ((s.adminState & SRV_ADMF_MAINT) !== 0) { propagateTrack(s); return; }
  const n = requeueFrom(s);
  emitEvent(EV_WARNING, `${srvLabel(s)} is DOWN${reason !== '' ? ', reason: ' + reason : ''}. ${downTail(s, n)}`, lvl);
  drainRemains(s);
  noServerAlert(be, had);
  if (s.onMarkedDown === SRV_ONDOWN_SHUTDOWN_SESSIONS) killStreams((st) => st.log.server === s, SF_ERR_DOWN);
  propagateTrack(s);
}

/** `set server bk/s health up|stopping|down` (CLI). */
export function srvSetHealthFromCli(s: Server, health: 'up' | 'stopping' | 'down'): void {
  const be = s.proxy;
  const had = hadServer(be);
  const target = health === 'up' ? SRV_ST_RUNNING : health === 'stopping' ? SRV_ST_STOPPING : SRV_ST_STOPPED;
  // 2.6 sets the health first, whatever the state and even without a check
  s.check.health = target === SRV_ST_STOPPED ? 0 : s.check.rise + s.check.fall - 1;
  healthSet.add(s);
  if (s.curState === target) return;
  const lvl = downLevel(s, s.curState, s.adminState);
  const now = Date.now();
  leaveStopped(s, now);
  if (target === SRV_ST_STOPPED) s.counters.downTrans++;    // chkdown counts it, as 2.6
  s.curState = target;
  s.lastChange = now;
  if (target === SRV_ST_STOPPED) stopWarmup(s);
  recalcBackend(be);
  backendBackUp(be, had, now);
  if ((s.adminState & SRV_ADMF_MAINT) !== 0) { propagateTrack(s); return; }
  if (target === SRV_ST_STOPPED) {
    const n = requeueFrom(s);
    emitEvent(EV_WARNING, `${srvLabel(s)} is DOWN, changed from CLI. ${downTail(s, n)}`, lvl);
    drainRemains(s);
    noServerAlert(be, had);
  } else if (target === SRV_ST_STOPPING) {
    const n = requeueFrom(s);
    emitEvent(EV_WARNING, `${srvLabel(s)} is stopping, changed from CLI. ${upTail(s, n)}`);
    noServerAlert(be, had);
  } else {
    const n = processQueue(s, srvUsable(s));
    emitEvent(EV_WARNING, `${srvLabel(s)} is UP, changed from CLI. ${upTail(s, n)}`);
  }
  propagateTrack(s);
}

/** `set server bk/s state maint` / `disable server`: forced maintenance (2.6 also lifts a forced drain). */
export function srvSetMaint(s: Server): void {
  if ((s.adminState & SRV_ADMF_FMAINT) !== 0) return;
  const be = s.proxy;
  const had = hadServer(be);
  const wasMaint = (s.adminState & SRV_ADMF_MAINT) !== 0;
  const lvl = downLevel(s, s.curState, s.adminState);
  s.adminState = (s.adminState | SRV_ADMF_FMAINT) & ~SRV_ADMF_FDRAIN;
  srvMaintHealth(s);
  if (wasMaint) return;
  // a DOWN server's op state does not change (2.6 keeps its last change and downtime running); an UP one goes
  // DOWN for 2.6's counters too (chkdown)
  if (s.curState !== SRV_ST_STOPPED) { s.lastChange = Date.now(); s.counters.downTrans++; }
  stopWarmup(s);
  recalcBackend(be);
  const n = requeueFrom(s);
  if (s.curState === SRV_ST_STOPPED) emitEvent(EV_WARNING, `${srvLabel(s)} was DOWN and now enters maintenance.`);
  else emitEvent(EV_WARNING, `${srvLabel(s)} is going DOWN for maintenance. ${downTail(s, n)}`, lvl);
  noServerAlert(be, had);
  propagateTrack(s);
}

/** `set server bk/s state drain`: no new non-persistent traffic. */
export function srvSetDrain(s: Server): void {
  if ((s.adminState & SRV_ADMF_FDRAIN) !== 0) return;
  const be = s.proxy;
  const had = hadServer(be);
  const wasMaint = (s.adminState & SRV_ADMF_MAINT) !== 0;
  s.adminState |= SRV_ADMF_FDRAIN;
  if ((s.adminState & SRV_ADMF_FMAINT) !== 0) { s.adminState &= ~SRV_ADMF_FMAINT; }
  s.lastChange = Date.now();
  recalcBackend(be);
  const n = requeueFrom(s);
  if (wasMaint && (s.adminState & SRV_ADMF_MAINT) === 0) {
    emitEvent(EV_WARNING, `${srvLabel(s)} is UP/DRAIN (leaving forced maintenance).`);
    drainRemains(s);
  } else {
    emitEvent(EV_WARNING, `${srvLabel(s)} enters drain state. ${upTail(s, n)}`);
  }
  noServerAlert(be, had);
  propagateTrack(s);
}

/** `set server bk/s state ready` / `enable server`: leaves forced maintenance and forced drain. */
export function srvSetReady(s: Server): void {
  const be = s.proxy;
  if ((s.adminState & SRV_ADMF_FMAINT) !== 0) {
    const had = hadServer(be);
    const now = Date.now();
    s.adminState &= ~(SRV_ADMF_FMAINT | SRV_ADMF_FDRAIN);
    if ((s.adminState & SRV_ADMF_MAINT) === 0) restartAfterMaint(s, now);
    if (s.curState === SRV_ST_RUNNING && (s.adminState & SRV_ADMF_MAINT) === 0) startWarmup(s);
    recalcBackend(be);
    backendBackUp(be, had, now);
    if ((s.adminState & SRV_ADMF_MAINT) === 0) {
      processQueue(s, srvUsable(s));
      const st = s.curState === SRV_ST_STOPPED ? 'DOWN' : 'UP/READY';
      emitEvent(EV_WARNING, `${srvLabel(s)} is ${st} (leaving forced maintenance).`);
    }
    propagateTrack(s);
    return;
  }
  if ((s.adminState & SRV_ADMF_FDRAIN) !== 0) {
    const had = hadServer(be);
    const now = Date.now();
    s.adminState &= ~SRV_ADMF_FDRAIN;
    // 2.6 adds the drained period to the server's downtime when it leaves drain (3 s drained: downtime 0 -> 4)
    s.downTime += now - s.lastChange;
    s.lastChange = now;
    recalcBackend(be);
    backendBackUp(be, had, now);
    processQueue(s, srvUsable(s));
    emitEvent(EV_WARNING, `${srvLabel(s)} is ${s.curState === SRV_ST_STOPPED ? 'DOWN' : 'UP'} (leaving forced drain).`, LOG_NOTICE);
    propagateTrack(s);
  }
}

/* servers whose config `disabled` was lifted: 2.6 keeps its CMAINT flag, shown by `show servers state` */
const cfgDisabledOnce = new WeakSet<Server>();
/*
 * Unchecked servers whose check health 2.6 changed (forced maintenance zeroes it, `set server health` sets it):
 * `show servers state` shows it; the others show their rise, 2.6's initial health.
 */
const healthSet = new WeakSet<Server>();
export function srvHealthSet(s: Server): boolean { return healthSet.has(s); }
/** Maintenance zeroes an unchecked server's health (2.6 keeps it at 0 afterwards until a check or the CLI sets it). */
export function srvMaintHealth(s: Server): void {
  if (!s.check.enabled) { s.check.health = 0; healthSet.add(s); }
}
export function srvWasConfigDisabled(s: Server): boolean { return cfgDisabledOnce.has(s); }

/** Config `disabled` (CMAINT) lifted at runtime: `enable server` also clears it, as HAProxy. */
export function srvClearConfigMaint(s: Server): void {
  if ((s.adminState & SRV_ADMF_CMAINT) === 0) return;
  cfgDisabledOnce.add(s);
  const be = s.proxy;
  const had = hadServer(be);
  const now = Date.now();
  s.adminState &= ~SRV_ADMF_CMAINT;
  if ((s.adminState & SRV_ADMF_MAINT) === 0) restartAfterMaint(s, now);
  if (s.curState === SRV_ST_RUNNING && (s.adminState & SRV_ADMF_MAINT) === 0) startWarmup(s);
  recalcBackend(be);
  backendBackUp(be, had, now);
  processQueue(s, srvUsable(s));
  // 2.6 says "forced" here too: its config `disabled` sets the forced-maintenance flag
  emitEvent(EV_WARNING, `${srvLabel(s)} is ${s.curState === SRV_ST_STOPPED ? 'DOWN' : 'UP/READY'} (leaving forced maintenance).`);
  propagateTrack(s);
}

/**
 * The backend's algorithm is static (2.6's algorithms without BE_LB_PROP_DYN: static-rr, map-based hashing; `first`
 * takes any weight in 2.6.12): runtime weights are 0 or 100 % only, and slowstart does not ramp the weight.
 */
export function lbStatic(px: Proxy): boolean {
  const a = px.balance.algo;
  return a === 'static-rr' ||
    ((a === 'source' || a === 'uri' || a === 'url_param' || a === 'hdr' || a === 'rdp-cookie') && px.balance.hashType === LB_HASH_MAP_BASED);
}

/**
 * Parses `<w>` or `<w>%` (relative to the configured weight, above 100 % too) for `s` as 2.6 does for `set weight` and
 * agent replies: the weight, or 2.6's error text.
 */
export function srvParseWeight(s: Server, str: string): number | string {
  if (str === '') return 'Require <weight> or <weight%>.\n';
  const m = /^[ \t]*([-+]?\d+)/.exec(str);
  if (m === null) return 'Empty weight string empty or preceded by garbage';
  let w = Number(m[1]);
  const rest = str.slice(m[0].length);
  if (rest === '%') {
    if (w < 0) return 'Relative weight must be positive.\n';
    w = Math.min(SRV_UWGHT_MAX, Math.floor((s.iweight * Math.min(w, 25600)) / 100));
  } else if (w < 0 || w > SRV_UWGHT_MAX) return 'Absolute weight can only be between 0 and 256 inclusive.\n';
  else if (rest !== '') return 'Trailing garbage in weight string';
  if (w !== 0 && w !== s.iweight && lbStatic(s.proxy)) {
    return 'Backend is using a static LB algorithm and only accepts weights \'0%\' and \'100%\'.\n';
  }
  return w;
}

/** `set weight` / `set server weight` (0..256, see srvParseWeight). Returns '' or HAProxy's error text. */
export function srvSetWeight(s: Server, w: number): string {
  if (w < 0 || w > SRV_UWGHT_MAX) return 'Absolute weight can only be between 0 and 256 inclusive.\n';
  if (w !== 0 && w !== s.iweight && lbStatic(s.proxy)) {
    return 'Backend is using a static LB algorithm and only accepts weights \'0%\' and \'100%\'.\n';
  }
  s.uweight = w;
  const now = Date.now();
  if (s.curState === SRV_ST_STARTING && (s.adminState & SRV_ADMF_MAINT) === 0) s.eweight = warmupWeight(s, now);
  // a weight of 0 on the last usable server leaves the backend without any (2.6.12: the alert, chkdown, DOWN), a
  // weight back ends that
  const had = hadServer(s.proxy);
  recalcBackend(s.proxy);
  noServerAlert(s.proxy, had);
  backendBackUp(s.proxy, had, now);
  if (w > 0) processQueue(s, srvUsable(s));
  drainRemains(s);
  return '';
}

/** `set server bk/s addr <ip> [port <p>]`; new connections use the new address. */
export function srvSetAddr(s: Server, host: string, port: number): void {
  s.host = host;
  if (port > 0) s.port = port;
  srvSetDynCookie(s);
}

/** `set maxconn server bk/s <n>`: applies at once; a raise serves queued streams. */
export function srvSetMaxconn(s: Server, n: number): void {
  s.maxconn = n;
  processQueue(s, srvUsable(s));
}

/**
 * Startup: servers start RUNNING (checked ones too, as HAProxy, with health at rise so one failure of `fall` takes
 * them down), `disabled` (CMAINT), address-less (RMAINT) and state-file maintenance (FMAINT) ones STOPPED with health
 * 0, state-file DOWN ones STOPPED with their saved health, then the LB set is built.
 */
export function initBackendServers(be: Proxy): void {
  for (const s of be.servers) {
    srvSetDynCookie(s);
    // config `disabled`, or no address from `init-addr none` (resolution maintenance, dns/): DOWN as in 2.6
    const off = (s.adminState & (SRV_ADMF_CMAINT | SRV_ADMF_RMAINT | SRV_ADMF_FMAINT)) !== 0;
    // a server the state file said was DOWN (server-state.ts) starts so, with its saved health
    const down = off || srvStoppedByState(s);
    s.curState = down ? SRV_ST_STOPPED : SRV_ST_RUNNING;
    if (s.check.enabled && !srvStoppedByState(s)) s.check.health = off ? 0 : s.check.rise;
    s.lastChange = Date.now();
  }
  recalcBackend(be);
}

// ---- track ----

/** Servers tracking each server (`track`), filled at config resolution. */
const trackers = new WeakMap<Server, Server[]>();

/** Config: `tracker` follows `tracked`'s state from now on. */
export function srvAddTracker(tracked: Server, tracker: Server): void {
  let l = trackers.get(tracked);
  if (l === undefined) { l = []; trackers.set(tracked, l); }
  l.unshift(tracker);   // 2.6 keeps its trackers newest first: the last declared hears of a change first
}

/** Servers added at runtime (`add server`, 2.6's SRV_F_DYNAMIC): never tracked; a check stays off until enabled. */
const dynamicSrv = new WeakSet<Server>();
export function srvSetDynamic(s: Server, on: boolean): void { if (on) dynamicSrv.add(s); else dynamicSrv.delete(s); }
export function srvIsDynamic(s: Server): boolean { return dynamicSrv.has(s); }
/** Leaving maintenance restarts the check at rise, except a dynamic server's not enabled yet (health 0, as 2.6). */
export function srvCheckRestarts(s: Server): boolean { return s.check.enabled && !(s.check.paused && dynamicSrv.has(s)); }

/** `del server` of `tracker`: it no longer follows `tracked`. */
export function srvDelTracker(tracked: Server, tracker: Server): void {
  const l = trackers.get(tracked);
  if (l === undefined) return;
  const i = l.indexOf(tracker);
  if (i >= 0) l.splice(i, 1);
}

/** Some server follows `s`'s state (`track`): 2.6 will not delete such a server. */
export function srvIsTracked(s: Server): boolean { return (trackers.get(s)?.length ?? 0) > 0; }

function via(s: Server): string { return ` via ${s.proxy.name}/${s.name}`; }

/**
 * 2.6 announces again that a draining server (not in maintenance) stays so after each change of its state or weight:
 * UP, DOWN, every weight an agent reports, `set weight`. A tracking server draining through the server it tracks
 * gets 2.6's odd wording about a forced drain it never had.
 */
function drainRemains(s: Server): void {
  if ((s.adminState & SRV_ADMF_MAINT) !== 0 || (s.adminState & SRV_ADMF_DRAIN) === 0) return;
  if ((s.adminState & SRV_ADMF_FDRAIN) !== 0) emitEvent(EV_WARNING, `${srvLabel(s)} remains in forced drain mode.`);
  else if (s.tracked !== null) emitEvent(EV_WARNING, `${srvLabel(s)} is leaving forced drain but remains in drain mode${via(s.tracked)}.`);
}

/**
 * Mirrors `s`'s state on the servers tracking it (and theirs): operational state, inherited maintenance (IMAINT)
 * and drain (IDRAIN), with HAProxy's "... via bk/s1" messages.
 */
function propagateTrack(s: Server): void {
  const list = trackers.get(s);
  if (list === undefined) return;
  for (const t of list) {
    const be = t.proxy;
    const had = hadServer(be);
    let changed = false;
    const m = (s.adminState & SRV_ADMF_MAINT) !== 0;
    if (m !== ((t.adminState & SRV_ADMF_IMAINT) !== 0)) {
      const wasMaint = (t.adminState & SRV_ADMF_MAINT) !== 0;
      t.adminState ^= SRV_ADMF_IMAINT;
      t.lastChange = Date.now();
      recalcBackend(be);
      changed = true;
      if (m && !wasMaint) {
        const n = requeueFrom(t);
        emitEvent(EV_WARNING, `${srvLabel(t)} is going DOWN for maintenance${via(s)}. ${downTail(t, n)}`, downLevel(t, t.curState, t.adminState));
        noServerAlert(be, had);
      } else if (!m && (t.adminState & SRV_ADMF_MAINT) === 0) {
        processQueue(t, srvUsable(t));
        emitEvent(EV_WARNING, `${srvLabel(t)} is ${t.curState === SRV_ST_STOPPED ? 'DOWN' : 'UP/READY'} (leaving maintenance).`);
      }
    }
    const d = (s.adminState & SRV_ADMF_DRAIN) !== 0;
    if (d !== ((t.adminState & SRV_ADMF_IDRAIN) !== 0)) {
      t.adminState ^= SRV_ADMF_IDRAIN;
      recalcBackend(be);
      changed = true;
      if (d && (t.adminState & SRV_ADMF_MAINT) === 0) {
        const n = requeueFrom(t);
        emitEvent(EV_WARNING, `${srvLabel(t)} enters drain state${via(s)}. ${upTail(t, n)}`);
      } else if (!d) processQueue(t, srvUsable(t));
    }
    const down = s.curState === SRV_ST_STOPPED;
    if (down !== (t.curState === SRV_ST_STOPPED)) {
      changed = true;
      t.lastChange = Date.now();
      if (down) {
        const lvl = downLevel(t, t.curState, t.adminState);
        t.curState = SRV_ST_STOPPED;
        t.counters.downTrans++;
        stopWarmup(t);
        recalcBackend(be);
        if ((t.adminState & SRV_ADMF_MAINT) === 0) {
          const n = requeueFrom(t);
          emitEvent(EV_WARNING, `${srvLabel(t)} is DOWN${via(s)}. ${downTail(t, n)}`, lvl);
          drainRemains(t);
          noServerAlert(be, had);
        }
      } else {
        t.curState = SRV_ST_RUNNING;
        startWarmup(t);
        recalcBackend(be);
        if ((t.adminState & SRV_ADMF_MAINT) === 0) {
          const n = processQueue(t, srvUsable(t));
          emitEvent(EV_WARNING, `${srvLabel(t)} is UP${via(s)}. ${upTail(t, n)}`);
          drainRemains(t);
        }
      }
    }
    if (changed) propagateTrack(t);
  }
}

// ---- slowstart ----

const warmups = new WeakMap<Server, NodeJS.Timeout>();
/** The slowstart step (16ths of the user weight) of the servers ramping up, as last computed. */
const warmSteps = new WeakMap<Server, number>();

/** Effective weight `now` during slowstart: the user weight at 2.6's step, rounded up as its show stat shows it. */
export function warmupWeight(s: Server, now: number): number {
  const w = warmupStep(s, now);
  if (w < 0) { warmSteps.delete(s); return s.uweight; }
  warmSteps.set(s, w);
  return Math.ceil((s.uweight * w) / 16);
}

/**
 * 2.6's slowstart step: whole seconds since the last change, slowstart rounded up to seconds, the weight in 16ths
 * (BE_WEIGHT_SCALE): (16 * elapsed + slowstart) / slowstart, -1 once the slowstart is over. Measured on 2.6.12 with
 * weight 50 and slowstart 2s: weight 4 and throttle 6 % in the first second, 29 and 56 % in the next. A static
 * algorithm (lbStatic) stays at the full weight, throttle 100 %, for the whole slowstart (2.6.12: static-rr and
 * map-based uri hashing, weight 10, slowstart 10s: 10 and 100 % throughout, traffic as without slowstart).
 */
function warmupStep(s: Server, now: number): number {
  const ss = Math.ceil(s.slowstart / 1000);
  const el = Math.floor(now / 1000) - Math.floor(s.lastChange / 1000);
  if (el < 0 || el >= ss) return -1;
  return lbStatic(s.proxy) ? 16 : Math.floor((16 * el + ss) / ss);
}

/**
 * The effective weight in 16ths as 2.6's dynamic algorithms count it: the user weight times the slowstart step, not
 * rounded (eweight, as show stat prints it, is rounded up: weight 30 at step 1 is 30/16 there, 2 in show stat).
 */
export function srvWeight16(s: Server): number {
  const w = s.curState === SRV_ST_STARTING ? warmSteps.get(s) : undefined;
  return w === undefined ? s.eweight * 16 : s.uweight * w;
}

/** Stats `throttle` column: the last computed step's share of the user weight while STARTING (2.6 derives it from
 *  the effective weight, updated by its warmup task), -1 otherwise (empty cell). */
export function srvThrottle(s: Server): number {
  if (s.curState !== SRV_ST_STARTING || s.slowstart <= 0) return -1;
  const w = warmSteps.get(s);
  return s.uweight === 0 || w === undefined ? 100 : Math.floor((100 * s.uweight * w + 15) / (16 * s.uweight));
}

/**
 * A server just came (back) UP at s.lastChange: with `slowstart`, it is STARTING and its effective weight ramps up,
 * recomputed every max(1 s, slowstart / 20) like HAProxy's warmup task; then RUNNING at full weight.
 */
function startWarmup(s: Server): void {
  stopWarmup(s);
  if (s.slowstart <= 0) { s.eweight = s.uweight; return; }
  s.curState = SRV_ST_STARTING;
  s.eweight = warmupWeight(s, Date.now());
  scheduleWarmup(s);
}

function scheduleWarmup(s: Server): void {
  const t = setTimeout(onWarmup, Math.max(1000, Math.floor(s.slowstart / 20)), s);
  t.unref();
  warmups.set(s, t);
}

function onWarmup(s: Server): void {
  warmups.delete(s);
  if (s.curState !== SRV_ST_STARTING) return;
  const now = Date.now();
  s.eweight = warmupWeight(s, now);
  const done = warmupStep(s, now) < 0;
  if (done) s.curState = SRV_ST_RUNNING;
  else scheduleWarmup(s);
  recalcBackend(s.proxy);
  const n = processQueue(s, srvUsable(s));
  // 2.6.12 announces the end of the slowstart as the server coming UP, and a draining server's drain at every step
  if (done) emitEvent(EV_WARNING, `${srvLabel(s)} is UP. ${upTail(s, n)}`);
  drainRemains(s);
}

function stopWarmup(s: Server): void {
  const t = warmups.get(s);
  if (t !== undefined) { clearTimeout(t); warmups.delete(s); }
  if (s.curState === SRV_ST_STARTING) s.curState = SRV_ST_RUNNING;
  s.eweight = s.uweight;
}

export { SRV_ST_STOPPED, SRV_ST_RUNNING, SRV_ST_STOPPING, SRV_ST_STARTING };
