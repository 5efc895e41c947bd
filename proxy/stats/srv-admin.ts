/*
 * Default ServerStateApi: runtime state changes made from the CLI or the stats page, applied to the model fields
 * (admin bits, weights, health, frontend state). proxy/backend/server.ts can install a richer implementation with
 * setServerStateApi() (LB recalculation, queue redistribution, state-change log lines); until then this one keeps
 * the stats view consistent. Hot path: no.
 */
import type { Proxy, Server } from '../model/types.ts';
import {
  SRV_ADMF_FMAINT, SRV_ADMF_FDRAIN, SRV_ST_RUNNING, SRV_ST_STOPPING, SRV_ST_STOPPED, PR_STATE_READY, PR_STATE_PAUSED,
  PR_STATE_STOPPED,
} from '../model/types.ts';
import type { ServerStateApi } from './types.ts';

function changed(sv: Server, newState: number): void {
  const now = Date.now();
  if (sv.curState === SRV_ST_STOPPED && newState !== SRV_ST_STOPPED) sv.downTime += now - sv.lastChange;
  if (sv.curState !== SRV_ST_STOPPED && newState === SRV_ST_STOPPED) sv.counters.downTrans++;
  sv.curState = newState;
  sv.lastChange = now;
}

export const defaultServerStateApi: ServerStateApi = {
  setMaint(sv, on) {
    if (on) { sv.adminState |= SRV_ADMF_FMAINT; sv.lastChange = Date.now(); }
    else if ((sv.adminState & SRV_ADMF_FMAINT) !== 0) {
      sv.adminState &= ~SRV_ADMF_FMAINT & ~0x04;
      sv.lastChange = Date.now();
      // leaving maintenance restarts the check at the rise threshold ("UP 1/<fall>" until the next good check)
      if (sv.check.enabled) sv.check.health = sv.check.rise;
    }
    return '';
  },
  setDrain(sv, on) {
    if (on) sv.adminState |= SRV_ADMF_FDRAIN; else sv.adminState &= ~SRV_ADMF_FDRAIN;
    sv.lastChange = Date.now();
    return '';
  },
  setReady(sv) {
    const wasMaint = (sv.adminState & (SRV_ADMF_FMAINT | 0x04)) !== 0;
    sv.adminState &= ~(SRV_ADMF_FMAINT | SRV_ADMF_FDRAIN | 0x04);
    if (wasMaint && sv.check.enabled) sv.check.health = sv.check.rise;
    sv.lastChange = Date.now();
    return '';
  },
  setWeight(sv, w) {
    sv.uweight = w;
    sv.eweight = w;
    return '';
  },
  setHealth(sv, st) {
    const c = sv.check;
    if (st === 'up') { c.health = c.rise + c.fall - 1; changed(sv, SRV_ST_RUNNING); }
    else if (st === 'stopping') changed(sv, SRV_ST_STOPPING);
    else { c.health = 0; changed(sv, SRV_ST_STOPPED); }
    return '';
  },
  setAgent(sv, st) {
    if (sv.agent === null) return 'agent checks are not enabled on this server.\n';
    const a = sv.agent;
    a.health = st === 'up' ? a.rise + a.fall - 1 : 0;
    changed(sv, st === 'up' ? SRV_ST_RUNNING : SRV_ST_STOPPED);
    return '';
  },
  setCheckEnabled(sv, agent, on) {
    const c = agent ? sv.agent : sv.check;
    if (c === null) return agent ? 'agent checks are not enabled on this server.\n' : '';
    c.paused = !on;
    return '';
  },
  setAddr(sv, addr, port) {
    if (addr !== '') sv.host = addr;
    if (port > 0) sv.port = port;
    return '';
  },
  setMaxconn(sv, n) { sv.maxconn = n; return ''; },
  pauseFrontend(px: Proxy) { if (px.state === PR_STATE_READY) px.state = PR_STATE_PAUSED; return ''; },
  resumeFrontend(px: Proxy) { if (px.state === PR_STATE_PAUSED) px.state = PR_STATE_READY; return ''; },
  stopFrontend(px: Proxy) { px.state = PR_STATE_STOPPED; return ''; },
  shutdownServerSessions() { return 0; },
  setGlobalMaxconn() { return ''; },
  setFrontendMaxconn(px: Proxy, n: number) { px.maxconn = n; return ''; },
  setRateLimitSessions() { return ''; },
};

let current: ServerStateApi = defaultServerStateApi;

/** Installs the state API used by the CLI and the stats page (proxy/backend/server.ts calls this at startup). */
export function setServerStateApi(api: ServerStateApi): void { current = api; }
export function serverStateApi(): ServerStateApi { return current; }
