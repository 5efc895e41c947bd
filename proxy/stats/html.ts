/*
 * The stats page (`stats enable` / `stats uri`): serveStats() answers a request whose path starts with the proxy's
 * stats uri. `;csv`, `;json`, `;typed`, `;json-schema`, `;up`, `;norefresh` follow 2.6 (same CSV/JSON bytes as the
 * CLI, 2.6 headers incl. `refresh`); the HTML view is a plain table per proxy with 2.6's row classes. Admin POST
 * actions are not implemented yet. Called by the HTTP side (P2), which checks `stats auth` and sends the reply.
 * Hot path: no.
 */
import type { Proxy } from '../model/types.ts';
import type { StatsSource, StatVal, CliEnv, CliSession } from './types.ts';
import { ACCESS_LVL_OPER } from './types.ts';
import * as F from './columns.ts';
import { walkStats } from './fill.ts';
import { newStatDumpOpts, renderStats, STAT_FMT_CSV, STAT_FMT_JSON, STAT_FMT_TYPED } from './cli-commands.ts';
import { STATS_JSON_SCHEMA } from './json-schema.ts';
import { serverStateApi } from './srv-admin.ts';

export interface StatsHttpReply {
  status: number;
  headers: [string, string][];
  body: string;
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function rowClass(row: readonly StatVal[], type: number): string {
  if (type === 0 || type === 3) return 'frontend';
  if (type === 1) return 'backend';
  const st = String(row[F.ST_F_STATUS]);
  const bck = row[F.ST_F_BCK] === 1 ? 'backup' : 'active';
  if (st.startsWith('MAINT')) return 'maintain';
  if (st.startsWith('DRAIN') || row[F.ST_F_WEIGHT] === 0) return bck + '_draining';
  if (st.startsWith('NOLB')) return bck + '_nolb';
  if (st === 'no check') return bck + '_no_check';
  if (st.startsWith('DOWN')) return bck + '_down';
  return bck + '_up';
}

const HTML_COLS = [F.ST_F_SVNAME, F.ST_F_QCUR, F.ST_F_QMAX, F.ST_F_SCUR, F.ST_F_SMAX, F.ST_F_SLIM, F.ST_F_STOT,
  F.ST_F_BIN, F.ST_F_BOUT, F.ST_F_DREQ, F.ST_F_DRESP, F.ST_F_EREQ, F.ST_F_ECON, F.ST_F_ERESP, F.ST_F_WRETR,
  F.ST_F_WREDIS, F.ST_F_STATUS, F.ST_F_LASTCHG, F.ST_F_WEIGHT, F.ST_F_ACT, F.ST_F_BCK, F.ST_F_CHKFAIL, F.ST_F_CHKDOWN,
  F.ST_F_DOWNTIME, F.ST_F_CHECK_STATUS];

function renderHtml(src: StatsSource, px: Proxy, upOnly: boolean, legends: boolean): string {
  const opts = newStatDumpOpts(ACCESS_LVL_OPER);
  opts.hideDown = upOnly;
  opts.showLegends = legends;
  opts.scope = px.statsPage.scope.length > 0 ? px.statsPage.scope : null;
  let body = '';
  let cur = '';
  walkStats(src, opts, (row, type) => {
    const name = String(row[F.ST_F_PXNAME]);
    if (name !== cur) {
      if (cur !== '') body += '</table>\n';
      cur = name;
      body += '<h2>' + esc(name) + '</h2>\n<table class="tbl"><tr>' +
        HTML_COLS.map((c) => '<th>' + F.STAT_COLUMNS[c]!.name + '</th>').join('') + '</tr>\n';
    }
    body += '<tr class="' + rowClass(row, type) + '">' +
      HTML_COLS.map((c) => '<td>' + (row[c] === undefined ? '' : esc(String(row[c]))) + '</td>').join('') + '</tr>\n';
  });
  if (cur !== '') body += '</table>\n';
  const ver = px.statsPage.hideVersion ? '' : ' version Sluice';
  return '<!DOCTYPE html>\n<html><head><title>Statistics Report for Sluice</title><style>' +
    '.active_up{background:#c0ffc0}.active_down{background:#ff9090}.active_draining{background:#20a0ff}' +
    '.active_nolb{background:#c060ff}.active_no_check{background:#e0e0e0}.backup_up{background:#c0c0ff}' +
    '.backup_down{background:#ff9090}.maintain{background:#c07820}.frontend{background:#e8e8d0}' +
    '.backend{background:#e8e8d0;font-weight:bold}</style></head><body>\n<h1>Statistics Report' + esc(ver) +
    '</h1>\n' + body + '</body></html>\n';
}

/**
 * Answers a stats page request. `path` is the request path (with any `;options`), `px` the proxy whose stats uri
 * matched, `method` GET/HEAD/POST. The caller (HTTP side) handled `stats auth` already and writes the reply with
 * `transfer-encoding: chunked` or a content-length.
 */
export function serveStats(src: StatsSource, px: Proxy, path: string, method: string): StatsHttpReply {
  const cfg = px.statsPage;
  const opts = path.slice(cfg.uri.length).split(';');
  const has = (o: string): boolean => opts.includes(o);
  const headers: [string, string][] = [['cache-control', 'no-cache']];
  if (method === 'POST') {
    void serverStateApi;
    return { status: 303, headers: [...headers, ['location', cfg.uri + ';st=NONE']], body: '' };
  }
  const refresh = cfg.refresh > 0 && !has('norefresh');
  const dump = newStatDumpOpts(ACCESS_LVL_OPER);
  dump.hideDown = has('up');
  dump.showLegends = cfg.showLegends;
  dump.scope = cfg.scope.length > 0 ? cfg.scope : null;
  const env: CliEnv = { src, api: serverStateApi(), sessions: new Set<CliSession>(), killSession: () => false };
  if (has('csv')) {
    headers.push(['content-type', 'text/plain']);
    if (refresh) headers.push(['refresh', String(cfg.refresh)]);
    return { status: 200, headers, body: renderStats(env, dump, STAT_FMT_CSV, false) };
  }
  if (has('json-schema')) {
    headers.push(['content-type', 'application/json']);
    return { status: 200, headers, body: STATS_JSON_SCHEMA };
  }
  if (has('json')) {
    headers.push(['content-type', 'application/json']);
    return { status: 200, headers, body: renderStats(env, dump, STAT_FMT_JSON, false) };
  }
  if (has('typed')) {
    headers.push(['content-type', 'text/plain']);
    return { status: 200, headers, body: renderStats(env, dump, STAT_FMT_TYPED, false) };
  }
  headers.push(['content-type', 'text/html']);
  if (refresh) headers.push(['refresh', String(cfg.refresh)]);
  return { status: 200, headers, body: renderHtml(src, px, dump.hideDown, cfg.showLegends) };
}
