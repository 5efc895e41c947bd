/*
 * Health-check messages in the logs, as 2.6: with `option log-health-checks`, one "Health|Agent check for server be/s
 * succeeded|failed, reason: ..., status: n/m UP|DRAIN|DOWN." line per result that moves the health or changes the
 * check status (stderr warning + notice to the backend's log targets); and, always, the server state changes
 * ("Server be/s is DOWN...", alert; "... is UP...", notice; "backend be has no server available!", emerg) copied from
 * proxy/events.ts to the log targets of the backends whose checks run. Callers: checks/health.ts. Hot path: no.
 */
import type { Proxy, Server } from '../model/types.ts';
import { addEventSink, emitEvent, EV_WARNING } from '../events.ts';
import { logProxyText } from '../log/emit.ts';
import { LOG_ALERT, LOG_EMERG, LOG_NOTICE } from '../log/types.ts';
import { probeReason, type ProbeResult } from './probe.ts';
import type { CheckState } from './types.ts';
import { HCHK_STATUS_L7OKD } from './types.ts';

/**
 * The line for one result of the health check or the agent check `c` of `srv` (without the final period), 2.6's
 * wording: `reason` is the result's text (probeReason or the agent's), `cond` a disable-on-404 pass.
 */
export function checkLogText(srv: Server, c: CheckState, agent: boolean, ok: boolean, cond: boolean, reason: string): string {
  const up = c.health >= c.rise;
  return `${agent ? 'Agent' : 'Health'} check for ${srv.backup ? 'backup ' : ''}server ${srv.proxy.name}/${srv.name} ${cond ? 'conditionally ' : ''}${ok ? 'succeeded' : 'failed'}, reason: ${reason}, status: ${up ? c.health - c.rise + 1 : c.health}/${up ? c.fall : c.rise} ${up ? (srv.uweight > 0 ? 'UP' : 'DRAIN') : 'DOWN'}`;
}

/** Reports a check result line (stderr warning + notice to the backend's logs); the caller decides it is due. */
export function logCheckLine(srv: Server, text: string): void {
  const t = text + '.';
  emitEvent(EV_WARNING, t);
  logProxyText(srv.proxy, LOG_NOTICE, t);
}

/** A health check result under `option log-health-checks`. */
export function logHealthCheck(srv: Server, r: ProbeResult): void {
  logCheckLine(srv, checkLogText(srv, srv.check, false, r.ok, r.status === HCHK_STATUS_L7OKD, probeReason(r)));
}

/** Backends whose server state messages go to their log targets, by name. */
const logged = new Map<string, Proxy>();
let sinkOn = false;

function toLogs(_level: number, text: string, log: number): void {
  let name: string, level: number, msg = text;
  if (text.startsWith('Server ') || text.startsWith('Backup Server ')) {
    const s = text.charCodeAt(0) === 83 ? 7 : 14;                       // after "Server " / "Backup Server "
    name = text.slice(s, text.indexOf('/', s));
    level = log >= 0 ? log : text.includes(' is DOWN') ? LOG_ALERT : LOG_NOTICE;
  } else if (text.endsWith(' has no server available!')) {
    const q = text.indexOf("'");
    name = text.slice(q + 1, text.indexOf("'", q + 1));
    msg = text.slice(0, q) + name + text.slice(q + name.length + 2);       // 2.6 logs the name unquoted
    level = LOG_EMERG;
  } else return;
  const px = logged.get(name);
  if (px !== undefined) logProxyText(px, level, msg);
}

/** Sends `be`'s server state messages to its log targets from now on (startChecks). */
export function logServerEvents(be: Proxy): void {
  if (be.log.targets.length === 0) return;
  logged.set(be.name, be);
  if (!sinkOn) { sinkOn = true; addEventSink(toLogs); }
}

/** Stops it (stopChecks: reload, stop). */
export function unlogServerEvents(be: Proxy): void {
  if (logged.get(be.name) === be) logged.delete(be.name);
}
