/*
 * HAProxy 2.6's post-parse warnings about HTTP-only settings in a TCP proxy (often inherited from an HTTP
 * `defaults`): cookie persistence, monitor-uri, http-request/http-response/http-after-response rules, `option
 * forwardfor`, server cookies. Each is
 * returned with its CHK_RANK_* so the loader prints them in HAProxy's order among the other modules' warnings.
 * Reads the model only; called by config/loader.ts once parsing succeeded. Hot path: no.
 */
import type { Proxy } from '../model/types.ts';
import { PR_MODE_HTTP, PR_O_FORWARDFOR } from '../model/types.ts';
import { PR_CAP_FE, PR_CAP_BE, PR_CAP_DEF, CHK_RANK_COOKIE, CHK_RANK_REQ_RULES, CHK_RANK_RES_RULES, CHK_RANK_FORWARDFOR, CHK_RANK_SRV_COOKIE } from './types.ts';
import { capName } from './sections.ts';

export interface RankedWarning { rank: number; text: string }

/** The warnings of one non-defaults proxy in tcp mode (none in http mode). */
export function tcpModeWarnings(px: Proxy): RankedWarning[] {
  const out: RankedWarning[] = [];
  if (px.mode === PR_MODE_HTTP || (px.cap & PR_CAP_DEF) !== 0) return out;
  const who = `${capName(px.cap)} '${px.name}'`;
  if ((px.cap & PR_CAP_BE) !== 0 && px.cookie.name !== '') {
    out.push({ rank: CHK_RANK_COOKIE, text: `cookie will be ignored for ${who} (needs 'mode http').` });
  }
  if ((px.cap & PR_CAP_FE) !== 0 && px.http.monitorUri !== null) {
    out.push({ rank: CHK_RANK_REQ_RULES - 1, text: `monitor-uri will be ignored for ${who} (needs 'mode http').` });
  }
  if (px.http.reqRules.length > 0) {
    out.push({ rank: CHK_RANK_REQ_RULES, text: `'http-request' rules ignored for ${who} as they require HTTP mode.` });
  }
  if (px.http.resRules.length > 0) {
    out.push({ rank: CHK_RANK_RES_RULES, text: `'http-response' rules ignored for ${who} as they require HTTP mode.` });
  }
  if (px.http.afterRules.length > 0) {
    out.push({ rank: CHK_RANK_RES_RULES + 1, text: `'http-after-response' rules ignored for ${who} as they require HTTP mode.` });
  }
  if ((px.options & PR_O_FORWARDFOR) !== 0) {
    out.push({ rank: CHK_RANK_FORWARDFOR, text: `'option forwardfor' ignored for ${who} as it requires HTTP mode.` });
  }
  for (const s of px.servers) {
    if (s.cookie !== '') {
      out.push({ rank: CHK_RANK_SRV_COOKIE, text: `${who} : ignoring cookie for server '${s.name}' as HTTP mode is disabled.` });
    }
  }
  return out;
}
