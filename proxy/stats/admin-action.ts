/*
 * Admin actions posted by the stats page form (`stats admin if <cond>`): parses the urlencoded body (`s=<server>`
 * repeated, `action=<verb>`, `b=#<iid>` or `b=<backend name>`), applies the action to each named server through the
 * ServerStateApi (srv-admin.ts) and returns HAProxy's result code for the `;st=` redirect: DONE (all servers
 * changed), PART (some), NONE (no server selected), ERRP (bad action/backend/servers), EXCD (body too large), DENY
 * (admin not granted, decided by html.ts). Hot path: no.
 */
import type { Proxy, Server } from '../model/types.ts';
import { PR_CAP_BE } from '../config/types.ts';
import type { ServerStateApi, StatsSource } from './types.ts';

/** Bodies above this size are refused with EXCD (HAProxy refuses what does not fit its buffer). */
export const ADMIN_BODY_MAX = 16384;

function decodeForm(s: string): string {
  try { return decodeURIComponent(s.replace(/\+/g, ' ')); } catch { return '\u0000'; }
}

/** Parses an application/x-www-form-urlencoded body into ordered [key, value] pairs. */
export function parseForm(body: string): [string, string][] {
  const out: [string, string][] = [];
  for (const part of body.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    out.push(eq < 0 ? [decodeForm(part), ''] : [decodeForm(part.slice(0, eq)), decodeForm(part.slice(eq + 1))]);
  }
  return out;
}

function findBackend(src: StatsSource, b: string): Proxy | null {
  if (b.startsWith('#')) {
    const id = Number(b.slice(1));
    if (!Number.isInteger(id)) return null;
    return src.proxies.find((p) => p.id === id && (p.cap & PR_CAP_BE) !== 0) ?? null;
  }
  const found = src.proxies.filter((p) => p.name === b && (p.cap & PR_CAP_BE) !== 0);
  return found.length === 1 ? found[0]! : null;
}

/** Applies one action verb to a server; true if the server was changed (or the action accepted for it). */
function applyAction(api: ServerStateApi, sv: Server, action: string): boolean {
  const hasCheck = sv.check.enabled;
  const hasAgent = sv.agent !== null && sv.agent.enabled;
  switch (action) {
    case 'ready': case 'enable': return api.setReady(sv) === '';
    case 'drain': return api.setDrain(sv, true) === '';
    case 'maint': case 'disable': return api.setMaint(sv, true) === '';
    case 'dhlth': return hasCheck && api.setCheckEnabled(sv, false, false) === '';
    case 'ehlth': return hasCheck && api.setCheckEnabled(sv, false, true) === '';
    case 'hrunn': return hasCheck && sv.tracked === null && api.setHealth(sv, 'up') === '';
    case 'hnolb': return hasCheck && sv.tracked === null && api.setHealth(sv, 'stopping') === '';
    case 'hdown': return hasCheck && sv.tracked === null && api.setHealth(sv, 'down') === '';
    case 'dagent': return hasAgent && api.setCheckEnabled(sv, true, false) === '';
    case 'eagent': return hasAgent && api.setCheckEnabled(sv, true, true) === '';
    case 'arunn': return hasAgent && api.setAgent(sv, 'up') === '';
    case 'adown': return hasAgent && api.setAgent(sv, 'down') === '';
    case 'shutdown': api.shutdownServerSessions(sv); return true;
    default: return false;
  }
}

const KNOWN_ACTIONS = new Set(['ready', 'enable', 'drain', 'maint', 'disable', 'dhlth', 'ehlth', 'hrunn', 'hnolb',
  'hdown', 'dagent', 'eagent', 'arunn', 'adown', 'shutdown']);

/**
 * Runs the posted admin form against `src` (the caller checked that admin is granted). Returns the `;st=` code.
 * Servers are matched by name inside the chosen backend; unknown names make the result PART (some changed) or ERRP.
 */
export function runAdminPost(src: StatsSource, api: ServerStateApi, body: string): string {
  if (body.length > ADMIN_BODY_MAX) return 'EXCD';
  let action = '';
  let backend = '';
  const names: string[] = [];
  for (const [k, v] of parseForm(body)) {
    if (k === 's') names.push(v);
    else if (k === 'action') action = v;
    else if (k === 'b') backend = v;
  }
  if (!KNOWN_ACTIONS.has(action)) return 'ERRP';
  const be = findBackend(src, backend);
  if (be === null) return 'ERRP';
  if (names.length === 0) return 'NONE';
  let altered = 0;
  for (const name of names) {
    const sv = be.servers.find((s) => s.name === name);
    if (sv !== undefined && applyAction(api, sv, action)) altered++;
  }
  if (altered === 0) return 'ERRP';
  return altered === names.length ? 'DONE' : 'PART';
}
