/*
 * What DNS resolution does to a server's state, with HAProxy 2.6's messages: its address changes ("be/s changed its
 * IP from A to B by resolvers/ns." on stderr, notice in the logs), it enters resolution maintenance (RMAINT: "Server
 * be/s is going DOWN for maintenance (No IP for server ).") and leaves it ("... ('fqdn') is UP/READY (resolves
 * again)." then "... administratively READY thanks to valid DNS answer."). Called by dns/runtime.ts. Hot path: no.
 */
import type { Proxy, Server } from '../model/types.ts';
import { SRV_ADMF_RMAINT, SRV_ST_STOPPED, SRV_ST_RUNNING } from '../model/types.ts';
import { PR_CAP_FE } from '../config/types.ts';
import { SRV_ADMF_MAINT, srvMaintHealth, srvCountText, recalcBackend, kickBackend, srvUsable, srvSetAddr } from '../backend/server.ts';
import { processQueue, redistributeQueue } from '../backend/queue.ts';
import { poolFlush } from '../backend/pool.ts';
import { emitEvent, EV_ALERT, EV_WARNING } from '../events.ts';
import { logProxyText } from '../log/emit.ts';
import { LOG_NOTICE, LOG_ALERT } from '../log/types.ts';

function srvLabel(s: Server): string { return `${s.backup ? 'Backup Server' : 'Server'} ${s.proxy.name}/${s.name}`; }
function kindName(px: Proxy): string { return (px.cap & PR_CAP_FE) !== 0 ? 'proxy' : 'backend'; }

/**
 * Sends a message to stderr (as 2.6's warnings) and to the backend's log targets at `level`. "Server ..." state
 * messages reach the logs through checks/log-checks.ts's event sink, like every other server state change.
 */
function tell(s: Server, text: string, level: number): void {
  emitEvent(EV_WARNING, text);
  if (s.proxy.log.targets.length > 0 && !text.startsWith('Server ') && !text.startsWith('Backup Server ')) logProxyText(s.proxy, level, text);
}

/** New address for `s` (new connections use it, idle ones are closed): `by` is "<resolvers>/<nameserver>" or "DNS cache". */
export function dnsSetAddr(s: Server, ip: string, by: string): void {
  const old = s.host !== '' ? s.host : '(none)';
  poolFlush(s);                 // idle connections to the old address are not reused
  srvSetAddr(s, ip, 0);
  tell(s, `${s.proxy.name}/${s.name} changed its IP from ${old} to ${ip} by ${by}.`, LOG_NOTICE);
}

/** Puts `s` in resolution maintenance; `why` is 2.6's reason ("No IP for server ", "DNS NX status", ...). */
export function dnsEnterMaint(s: Server, why: string): void {
  if ((s.adminState & SRV_ADMF_RMAINT) !== 0) return;
  const be = s.proxy;
  const had = be.srvActive + be.srvBackup > 0;
  const wasMaint = (s.adminState & SRV_ADMF_MAINT) !== 0;
  s.adminState |= SRV_ADMF_RMAINT;
  srvMaintHealth(s);
  if (wasMaint) return;
  s.lastChange = Date.now();
  recalcBackend(be);
  const n = redistributeQueue(s, null);
  kickBackend(be);
  const text = `${srvLabel(s)} is going DOWN for maintenance (${why}). ${srvCountText(be.srvActive, be.srvBackup, 'left')} ${s.served} sessions active, ${n} requeued, ${s.queued} remaining in queue.`;
  tell(s, text, LOG_ALERT);
  if (had && be.srvActive + be.srvBackup === 0) {
    emitEvent(EV_ALERT, `${kindName(be)} '${be.name}' has no server available!`);
    be.lastChange = Date.now();
  }
}

/** Leaves resolution maintenance (a valid answer gave `s` an address); an SRV record's (`ready` false) says less. */
export function dnsLeaveMaint(s: Server, fqdn: string, ready = true): void {
  if ((s.adminState & SRV_ADMF_RMAINT) === 0) return;
  s.adminState &= ~SRV_ADMF_RMAINT;
  if ((s.adminState & SRV_ADMF_MAINT) !== 0) return;
  const now = Date.now();
  // as after any maintenance in 2.6: the check restarts at its rise threshold and the server is UP until it says
  if (s.check.enabled) s.check.health = s.check.rise;
  if (s.curState === SRV_ST_STOPPED && (s.tracked === null || s.tracked.curState !== SRV_ST_STOPPED)) {
    s.downTime += now - s.lastChange;
    s.curState = SRV_ST_RUNNING;
  }
  s.lastChange = now;
  recalcBackend(s.proxy);
  processQueue(s, srvUsable(s));
  tell(s, `${srvLabel(s)} ('${fqdn}') is ${s.curState === SRV_ST_STOPPED ? 'DOWN' : 'UP/READY'} (resolves again).`, LOG_NOTICE);
  if (ready) tell(s, `${srvLabel(s)} administratively READY thanks to valid DNS answer.`, LOG_NOTICE);
}
