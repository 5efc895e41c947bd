/*
 * The ServerStateApi the stats CLI and stats page call (contract in stats/types.ts), implemented on the real state
 * functions: backend/server.ts (LB recalculation, queues, HAProxy's state-change messages), frontend.ts (pause,
 * resume, shutdown, maxconn), checks/health.ts (enable/disable health) and streams.ts (shutdown sessions).
 * Installed by runtime.ts at startup. Hot path: no.
 */
import type { Proxy, Server } from '../model/types.ts';
import { SF_ERR_KILLED } from '../model/types.ts';
import type { ServerStateApi } from '../stats/types.ts';
import {
  srvSetMaint, srvSetDrain, srvSetReady, srvSetWeight, srvSetHealthFromCli, srvSetAddr, srvSetMaxconn, srvClearConfigMaint, srvCheckRestarts,
} from './server.ts';
import { frontendPause, frontendResume, frontendShutdown, frontendSetMaxconn, globalSetMaxconn, feGlobal } from '../frontend.ts';
import { setCheckPaused } from '../checks/health.ts';
import { killStreams } from '../streams.ts';
import { poolFlush } from './pool.ts';

export const coreServerStateApi: ServerStateApi = {
  setMaint(sv: Server, on: boolean) {
    if (on) srvSetMaint(sv);
    else { srvSetReady(sv); srvClearConfigMaint(sv); }
    if (!on && srvCheckRestarts(sv)) sv.check.health = sv.check.rise;
    return '';
  },
  setDrain(sv, on) { if (on) srvSetDrain(sv); else srvSetReady(sv); return ''; },
  setReady(sv) {
    const maint = (sv.adminState & 0x05) !== 0;
    srvSetReady(sv);
    srvClearConfigMaint(sv);
    if (maint && srvCheckRestarts(sv)) sv.check.health = sv.check.rise;
    return '';
  },
  setWeight(sv, w) { return srvSetWeight(sv, w); },
  setHealth(sv, st) { srvSetHealthFromCli(sv, st); return ''; },
  setAgent(sv) { return sv.agent === null ? 'agent checks are not enabled on this server.\n' : ''; },
  setCheckEnabled(sv, agent, on) {
    if (agent) {
      if (sv.agent === null) return 'agent checks are not enabled on this server.\n';
      sv.agent.paused = !on;      // `disable agent`: no new agent check until `enable agent` (2.6)
      return '';
    }
    setCheckPaused(sv, !on);
    return '';
  },
  setAddr(sv, addr, port) { poolFlush(sv); srvSetAddr(sv, addr !== '' ? addr : sv.host, port); return ''; },
  setMaxconn(sv, n) { srvSetMaxconn(sv, n); return ''; },
  pauseFrontend(px: Proxy) { return frontendPause(px); },
  resumeFrontend(px: Proxy) { return frontendResume(px); },
  stopFrontend(px: Proxy) { return frontendShutdown(px); },
  shutdownServerSessions(sv: Server) { return killStreams((s) => s.log.server === sv, SF_ERR_KILLED); },
  setGlobalMaxconn(n: number) { globalSetMaxconn(n); return ''; },
  setFrontendMaxconn(px: Proxy, n: number) { frontendSetMaxconn(px, n); return ''; },
  setRateLimitSessions(n: number) { feGlobal.rateLimitSessions = n; return ''; },
};
