/*
 * The stats page entry point (`stats enable|uri|auth|realm|refresh|admin|http-request`): statsUriMatch() tells the
 * HTTP side a request is for the page, serveStats() answers it (401/403 for `stats auth` and `stats http-request`,
 * `;csv` `;json` `;typed` `;json-schema` exports with 2.6's bytes and headers, the HTML page, admin POSTs answered
 * with a 303 to `<uri>;st=<code>`), and statsReplyBytes() serialises the reply like 2.6 (chunked 200s, sized
 * 303/401/403). Called by http/stream.ts.
 * Hot path: no (only stats requests get here; statsUriMatch is one prefix compare).
 */
import type { Proxy } from '../model/types.ts';
import type { StatsSource, CliEnv, CliSession, StatsRequest, StatsHttpReply, StatsRawReply } from './types.ts';
import { ACCESS_LVL_USER } from './types.ts';
import { PR_CAP_BE, PR_CAP_FE } from '../config/types.ts';
import { newStatDumpOpts, renderStats, STAT_FMT_CSV, STAT_FMT_JSON, STAT_FMT_TYPED } from './cli-commands.ts';
import { STATS_JSON_SCHEMA } from './json-schema.ts';
import { serverStateApi } from './srv-admin.ts';
import { renderStatsPage } from './html-page.ts';
import { runAdminPost } from './admin-action.ts';
import { aclCondExec } from '../acl/compile.ts';
import { currentStatsSource } from './runtime.ts';

export type { StatsHttpReply, StatsRequest } from './types.ts';

const DEFAULT_REALM = 'HAProxy Statistics';
const BODY_401 = '<html><body><h1>401 Unauthorized</h1>\nYou need a valid user and password to access this content.\n</body></html>\n';
const BODY_403 = '<html><body><h1>403 Forbidden</h1>\nRequest forbidden by administrative rules.\n</body></html>\n';

/** True when `path` (request-target) is for `px`'s stats page: the page is enabled and the path starts with its uri. */
export function statsUriMatch(px: Proxy, path: string): boolean {
  const c = px.statsPage;
  return c.enabled && path.startsWith(c.uri);
}

/**
 * `stats auth`: true when the Basic credentials match a configured account, or when none is configured (unless
 * `required`, as for a `stats http-request auth` rule, which no credentials satisfy without accounts).
 */
export function statsAuthOk(px: Proxy, authorization: string, required = false): boolean {
  const users = px.statsPage.auth;
  if (users.length === 0) return !required;
  const m = /^\s*basic\s+(\S+)\s*$/i.exec(authorization);
  if (m === null) return false;
  const cred = Buffer.from(m[1]!, 'base64').toString('latin1');
  const c = cred.indexOf(':');
  if (c < 0) return false;
  const user = cred.slice(0, c);
  const pass = cred.slice(c + 1);
  return users.some((u) => u.user === user && u.pass === pass);
}

/** `stats admin`: granted when `if TRUE`, or when the compiled condition matches the request. */
export function statsAdminGranted(px: Proxy, req: StatsRequest): boolean {
  const c = px.statsPage;
  if (c.adminAlways) return true;
  if (c.adminCond === null || req.ctx === null) return false;
  return aclCondExec(c.adminCond, req.ctx);
}

function reply(status: number, headers: [string, string][], body: string): StatsHttpReply {
  return { status, headers, body };
}

/**
 * Answers a stats page request on proxy `px` (whose uri matched). `src` defaults to the running configuration
 * (startStats). Counts the request as intercepted on `px` when it is a frontend. Never throws on bad input.
 */
export function serveStats(px: Proxy, req: StatsRequest, src: StatsSource | null = currentStatsSource()): StatsHttpReply {
  const cfg = px.statsPage;
  if ((px.cap & PR_CAP_FE) !== 0) px.feCounters.interceptedReq++;
  if ((px.cap & PR_CAP_BE) !== 0) px.beCounters.lastSess = Date.now();   // 2.6 shows the page as the backend's last session
  // `stats http-request` rules decide first (allow skips authentication); without rules, `stats auth` applies
  let authRealm: string | null = null;
  let ruled = false;
  for (const r of cfg.rules) {
    if (r.cond !== null && (req.ctx === null || !aclCondExec(r.cond, req.ctx))) continue;
    ruled = true;
    if (r.action === 'deny') {
      return reply(403, [['content-length', String(BODY_403.length)], ['cache-control', 'no-cache'], ['content-type', 'text/html']], BODY_403);
    }
    if (r.action === 'auth') authRealm = r.realm !== '' ? r.realm : cfg.realm;
    break;
  }
  if (authRealm !== null ? !statsAuthOk(px, req.authorization, true) : !ruled && !statsAuthOk(px, req.authorization)) {
    const realm = authRealm !== null && authRealm !== '' ? authRealm : cfg.realm !== '' ? cfg.realm : DEFAULT_REALM;
    return reply(401, [['content-length', String(BODY_401.length)], ['cache-control', 'no-cache'],
      ['content-type', 'text/html'], ['www-authenticate', 'Basic realm="' + realm.replace(/"/g, '') + '"']], BODY_401);
  }
  let rest = req.path.slice(cfg.uri.length);
  let query = '';
  const q = rest.indexOf('?');
  if (q >= 0) { query = rest.slice(q + 1); rest = rest.slice(0, q); }
  // 2.6 finds ";csv", ";up", ... anywhere after the uri, the query string included (`/stats?scope=web;csv`)
  const opts = (q >= 0 ? rest + ';' + query : rest).split(';');
  const has = (o: string): boolean => opts.includes(o);
  const headers: [string, string][] = [['cache-control', 'no-cache']];
  if (src === null) return reply(503, [...headers, ['content-type', 'text/plain']], 'stats are not available\n');
  if (req.method === 'POST') {
    const code = statsAdminGranted(px, req) ? runAdminPost(src, serverStateApi(), req.body) : 'DENY';
    const loc = cfg.uri + (has('up') ? ';up' : '') + (has('norefresh') ? ';norefresh' : '') + ';st=' + code;
    return reply(303, [...headers, ['content-type', 'text/plain'], ['content-length', '0'], ['location', loc]], '');
  }
  const refresh = cfg.refresh > 0 && !has('norefresh');
  // over HTTP 2.6 shows addresses and cookies only with `stats show-legends` (the CLI from operator level up)
  const dump = newStatDumpOpts(ACCESS_LVL_USER);
  dump.hideDown = has('up');
  dump.showLegends = cfg.showLegends;
  dump.scope = cfg.scope.length > 0 ? cfg.scope : null;
  for (const part of query.split(/[&;]/)) if (part.startsWith('scope=')) dump.uriScope = decodeScope(part.slice(6)).toLowerCase();
  const env: CliEnv = { src, api: serverStateApi(), sessions: new Set<CliSession>(), killSession: () => false };
  if (has('csv')) {
    headers.push(['content-type', 'text/plain']);
    if (refresh) headers.push(['refresh', String(cfg.refresh)]);
    return reply(200, headers, renderStats(env, dump, STAT_FMT_CSV, false));
  }
  // every format carries `refresh` when configured and not `;norefresh` (2.6)
  const refreshHdr: [string, string][] = refresh ? [['refresh', String(cfg.refresh)]] : [];
  if (has('json-schema')) {
    headers.push(['content-type', 'application/json'], ...refreshHdr);
    return reply(200, headers, STATS_JSON_SCHEMA);
  }
  if (has('json')) {
    headers.push(['content-type', 'application/json'], ...refreshHdr);
    return reply(200, headers, renderStats(env, dump, STAT_FMT_JSON, false));
  }
  if (has('typed')) {
    headers.push(['content-type', 'text/plain'], ...refreshHdr);
    return reply(200, headers, renderStats(env, dump, STAT_FMT_TYPED, false));
  }
  let st = '';
  for (const o of opts) if (o.startsWith('st=')) st = o.slice(3);
  let scope = '';
  for (const part of query.split('&')) if (part.startsWith('scope=')) scope = decodeScope(part.slice(6));
  headers.push(['content-type', 'text/html']);
  if (refresh) headers.push(['refresh', String(cfg.refresh)]);
  return reply(200, headers, renderStatsPage(src, px, {
    uri: cfg.uri, upOnly: has('up'), noRefresh: has('norefresh'), refreshable: cfg.refresh > 0,
    admin: statsAdminGranted(px, req), status: st, scope,
  }));
}

function decodeScope(s: string): string {
  try { return decodeURIComponent(s.replace(/\+/g, ' ')).slice(0, 64); } catch { return ''; }
}

const REASONS: Readonly<Record<number, string>> = { 200: 'OK', 303: 'See Other', 401: 'Unauthorized', 503: 'Service Unavailable' };

/**
 * The response bytes for `r`: status line, headers in order, then the body. 200 replies are chunked (one chunk and
 * the last-chunk) as 2.6 sends them; others carry their content-length header. `head` drops the body, and with it
 * the transfer-encoding header as 2.6's stats page does, unless `headChunked` (2.6's Prometheus exporter keeps it).
 * Allocates one Buffer.
 */
export function statsReplyBytes(r: StatsHttpReply | StatsRawReply, head: boolean, headChunked = false): Buffer {
  let s = 'HTTP/1.1 ' + r.status + ' ' + (REASONS[r.status] ?? 'OK') + '\r\n';
  let sized = false;
  for (const [k, v] of r.headers) { s += k + ': ' + v + '\r\n'; if (k === 'content-length') sized = true; }
  if (sized) return Buffer.concat([Buffer.from(s + '\r\n', 'latin1'), head ? new Uint8Array(0) : typeof r.body === 'string' ? Buffer.from(r.body, 'utf8') : r.body]);
  if (head) return Buffer.from(s + (headChunked ? 'transfer-encoding: chunked\r\n\r\n' : '\r\n'), 'latin1');
  s += 'transfer-encoding: chunked\r\n\r\n';
  const body = typeof r.body === 'string' ? Buffer.from(r.body, 'utf8') : r.body;
  const parts: Uint8Array[] = [Buffer.from(s, 'latin1')];
  if (body.length > 0) parts.push(Buffer.from(body.length.toString(16) + '\r\n', 'latin1'), body, Buffer.from('\r\n', 'latin1'));
  parts.push(Buffer.from('0\r\n\r\n', 'latin1'));
  return Buffer.concat(parts);
}

/**
 * One-call hook for the HTTP stream: when `req.path` is for `px`'s stats page, answers it and returns the status
 * (for the log and hrsp_* counters) and the response bytes to write (the stream then ends the transaction as
 * intercepted); otherwise null. A POST needs its whole urlencoded body in `req.body`.
 */
export function statsHttpReply(px: Proxy, req: StatsRequest): { status: number; bytes: Buffer } | null {
  if (!statsUriMatch(px, req.path)) return null;
  const r = serveStats(px, req);
  return { status: r.status, bytes: statsReplyBytes(r, req.method === 'HEAD') };
}
