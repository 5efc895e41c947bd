/*
 * The HTML stats page: the process summary with the state legend and display links, an optional result banner
 * (`;st=DONE` ...), then one table per proxy (FRONTEND, listeners, servers, BACKEND rows) with 2.6's column groups
 * (Queue, Session rate, Sessions, Bytes, Denied, Errors, Warnings, Server) and row classes (active_up,
 * active_going_down, maintain, ...), and for admins a checkbox per server plus the action form posted back to the
 * stats uri (html.ts / admin-action.ts). Values come from the same rows as `show stat` (fill.ts). Markup and CSS
 * are our own. Hot path: no.
 */
import type { Proxy, Server } from '../model/types.ts';
import type { StatsSource, StatVal } from './types.ts';
import { ACCESS_LVL_OPER } from './types.ts';
import { PR_CAP_BE, PR_CAP_FE } from '../config/types.ts';
import { PR_MODE_HTTP } from '../model/types.ts';
import * as F from './columns.ts';
import {
  walkStats, srvStatsState, SRV_STATS_DOWN, SRV_STATS_DOWN_AGENT, SRV_STATS_GOING_UP, SRV_STATS_UP_GOING_DOWN,
  SRV_STATS_UP, SRV_STATS_NOLB_GOING_DOWN, SRV_STATS_NOLB, SRV_STATS_DRAIN_GOING_DOWN, SRV_STATS_DRAIN,
  SRV_STATS_DRAIN_AGENT, SRV_STATS_NO_CHECK, SRV_STATS_MAINT,
} from './fill.ts';
import { newStatDumpOpts } from './cli-commands.ts';
import { infoValues, SLUICE_VERSION, SLUICE_RELEASE_DATE } from './info.ts';

/** What the page shows, decided by html.ts from the request and the proxy's `stats` settings. */
export interface StatsPageView {
  uri: string;          // the stats uri (links and the form post back to it)
  upOnly: boolean;      // `;up`
  noRefresh: boolean;   // `;norefresh` (or no `stats refresh`)
  refreshable: boolean; // `stats refresh` is set (the page offers to toggle it)
  admin: boolean;       // `stats admin` granted for this request: checkboxes and action form
  status: string;       // `;st=` code of the last admin action, '' = none
  scope: string;        // `?scope=` text filter on proxy names, '' = all
}

/** Server actions of the admin form, in display order: [value, label]. */
export const ADMIN_ACTIONS: readonly (readonly [string, string])[] = [
  ['ready', 'Set state to READY'], ['drain', 'Set state to DRAIN'], ['maint', 'Set state to MAINT'],
  ['dhlth', 'Health: disable checks'], ['ehlth', 'Health: enable checks'], ['hrunn', 'Health: force UP'],
  ['hnolb', 'Health: force NOLB'], ['hdown', 'Health: force DOWN'], ['dagent', 'Agent: disable checks'],
  ['eagent', 'Agent: enable checks'], ['arunn', 'Agent: force UP'], ['adown', 'Agent: force DOWN'],
  ['shutdown', 'Kill Sessions'],
];

/** Banner per `;st=` code: [row class used as colour, text]. */
const STATUS_BANNERS: Readonly<Record<string, readonly [string, string]>> = {
  DONE: ['active_up', 'Action applied to every selected server.'],
  PART: ['active_going_down', 'Action applied to some of the selected servers only; the others are unknown in this backend.'],
  NONE: ['active_going_down', 'No server was selected: nothing changed.'],
  ERRP: ['active_down', 'Action refused: unknown action, backend or servers.'],
  EXCD: ['active_down', 'Action refused: the request was too large. Select fewer servers at a time.'],
  DENY: ['active_down', 'Action denied: administration is not allowed for this request.'],
};

const PAGE_CSS =
  'body{font-family:Arial,Helvetica,sans-serif;font-size:12px;color:#000;background:#fff;margin:8px}' +
  'h1{font-size:20px;margin:0 0 4px}h1 a{color:#6020a0;text-decoration:none}' +
  'h2{font-size:18px;font-style:italic;color:#6020a0;margin:0 0 6px}' +
  'h3{font-size:15px;color:#b00040;background:#e8e8d0;margin:6px 0 2px;padding:1px 4px}' +
  'a{color:#202080}.sum td{vertical-align:top;padding:0 16px 0 0}.sum ul{margin:2px 0;padding-left:18px}' +
  'table.lgd{border-collapse:collapse}table.lgd td{border:1px solid gray;padding:1px 4px;white-space:nowrap}' +
  'table.lgd td.t{border:none}' +
  'table.pxh{border-collapse:collapse;margin-top:10px}' +
  'table.pxh th{background:#b00040;color:#ffff40;padding:2px 8px;text-align:left;white-space:nowrap}' +
  'table.pxh th a{color:#ffff40;text-decoration:none}table.pxh th span{color:#fff;font-weight:normal;margin-left:8px}' +
  'table.tbl{border-collapse:collapse;width:100%}' +
  'table.tbl th{background:#20d0d0;font-size:10px;border:1px solid gray;padding:1px 3px}' +
  'table.tbl td{font-size:10px;border:1px solid gray;padding:2px 3px;text-align:right;white-space:nowrap}' +
  'table.tbl td.c{text-align:center}table.tbl td.n{text-align:left}' +
  '.g{margin-right:.25em}.red{color:#c00000;font-weight:bold}' +
  '.banner{padding:4px 8px;margin:8px 0;border:1px solid gray}.banner a{margin-right:8px;text-decoration:none}' +
  '.frontend,.backend{background:#e8e8d0}.backend td{font-weight:bold}.socket{background:#d0d0d0}' +
  '.active_up{background:#c0ffc0}.active_going_up{background:#ffd020}.active_going_down{background:#ffffa0}' +
  '.active_down{background:#ff9090}.active_nolb{background:#20a0ff}.active_draining{background:#20a0ff}' +
  '.active_no_check{background:#e0e0e0}.backup_up{background:#b0d0ff}.backup_going_up{background:#ff80ff}' +
  '.backup_going_down{background:#c060ff}.backup_down{background:#ff9090}.backup_nolb{background:#90b0e0}' +
  '.backup_draining{background:#cc9900}.backup_no_check{background:#e0e0e0}.maintain{background:#c07820}' +
  '.act{margin:3px 0 0}';

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A counter with its thousands groups spaced (the last digit of each group before the last gets `.g`). */
export function groupedNum(v: StatVal): string {
  if (v === undefined) return '';
  const s = String(v);
  if (typeof v !== 'number' || s.length <= 4 || !/^\d+$/.test(s)) return esc(s);
  let out = '';
  const head = s.length % 3;
  for (let i = 0; i < s.length; i++) {
    const endOfGroup = (i + 1 - head) % 3 === 0 && i < s.length - 1 && i + 1 >= head;
    out += endOfGroup ? '<span class=g>' + s[i] + '</span>' : s[i];
  }
  return out;
}

/** Seconds as HAProxy's page prints durations: `45s`, `3m31s`, `2h05m`, `1d 3h`. */
export function humanDuration(sec: number): string {
  if (sec < 60) return sec + 's';
  const m = Math.floor(sec / 60);
  if (m < 60) return m + 'm' + (sec % 60) + 's';
  const h = Math.floor(m / 60);
  if (h < 24) return h + 'h' + String(m % 60).padStart(2, '0') + 'm';
  return Math.floor(h / 24) + 'd ' + (h % 24) + 'h';
}

/** The row class (colour) of a server: its display state, then backup/active, weight 0 shown as draining. */
export function serverRowClass(sv: Server): string {
  const st = srvStatsState(sv);
  if (st === SRV_STATS_MAINT) return 'maintain';
  const k = sv.backup ? 'backup_' : 'active_';
  switch (st) {
    case SRV_STATS_UP: case SRV_STATS_UP_GOING_DOWN: case SRV_STATS_NO_CHECK:
      if (sv.uweight === 0) return k + 'draining';
      return k + (st === SRV_STATS_UP ? 'up' : st === SRV_STATS_NO_CHECK ? 'no_check' : 'going_down');
    case SRV_STATS_DRAIN: case SRV_STATS_DRAIN_AGENT: case SRV_STATS_DRAIN_GOING_DOWN: return k + 'draining';
    case SRV_STATS_NOLB: return k + 'nolb';
    case SRV_STATS_NOLB_GOING_DOWN: return k + 'going_down';
    case SRV_STATS_GOING_UP: return k + 'going_up';
    case SRV_STATS_DOWN: case SRV_STATS_DOWN_AGENT: return k + 'down';
    default: return k + 'down';
  }
}

/** A title attribute (tooltip); newlines as `&#10;` so each table row stays on one line. */
function titleAttr(title: string): string {
  return title !== '' ? ' title="' + esc(title).replace(/\n/g, '&#10;') + '"' : '';
}

function td(v: StatVal, title = ''): string {
  const t = titleAttr(title);
  return '<td' + t + '>' + groupedNum(v) + '</td>';
}
function tdc(html: string, title = ''): string {
  const t = titleAttr(title);
  return '<td class=c' + t + '>' + html + '</td>';
}
const EMPTY = '<td></td>';

function n(v: StatVal): number { return typeof v === 'number' ? v : 0; }

function sessTitle(r: readonly StatVal[], fe: boolean): string {
  let t = (fe ? 'Cum. connections: ' + n(r[F.ST_F_CONN_TOT]) + '\n' : '') + 'Cum. sessions: ' + n(r[F.ST_F_STOT]);
  if (r[F.ST_F_REQ_TOT] !== undefined) {
    t += '\nCum. HTTP requests: ' + n(r[F.ST_F_REQ_TOT]) + '\n- 1xx: ' + n(r[F.ST_F_HRSP_1XX]) + '\n- 2xx: ' +
      n(r[F.ST_F_HRSP_2XX]) + '\n- 3xx: ' + n(r[F.ST_F_HRSP_3XX]) + '\n- 4xx: ' + n(r[F.ST_F_HRSP_4XX]) + '\n- 5xx: ' +
      n(r[F.ST_F_HRSP_5XX]) + '\n- other: ' + n(r[F.ST_F_HRSP_OTHER]);
  }
  if (fe) t += '\nIntercepted requests: ' + n(r[F.ST_F_INTERCEPTED]);
  if (r[F.ST_F_QTIME] !== undefined) {
    t += '\nMax / avg over last 1024 connections (ms):\n- queue: ' + n(r[F.ST_F_QTIME_MAX]) + ' / ' + n(r[F.ST_F_QTIME]) +
      '\n- connect: ' + n(r[F.ST_F_CTIME_MAX]) + ' / ' + n(r[F.ST_F_CTIME]) + '\n- response: ' + n(r[F.ST_F_RTIME_MAX]) +
      ' / ' + n(r[F.ST_F_RTIME]) + '\n- total: ' + n(r[F.ST_F_TTIME_MAX]) + ' / ' + n(r[F.ST_F_TTIME]);
  }
  return t;
}

function lastSess(v: StatVal): string {
  return typeof v === 'number' && v >= 0 ? humanDuration(v) : '?';
}

function frontendRow(r: readonly StatVal[], admin: boolean): string {
  const rl = r[F.ST_F_RATE_LIM];
  const rateTitle = 'connection rate: ' + n(r[F.ST_F_CONN_RATE]) + '/s, session rate: ' + n(r[F.ST_F_RATE]) + '/s' +
    (r[F.ST_F_REQ_RATE] !== undefined ? ', request rate: ' + n(r[F.ST_F_REQ_RATE]) + '/s' : '');
  return '<tr class=frontend>' + (admin ? EMPTY : '') + '<td class=n>Frontend</td><td colspan=3></td>' +
    td(r[F.ST_F_RATE], rateTitle) + td(r[F.ST_F_RATE_MAX]) + td(rl === undefined || rl === 0 ? '-' : rl) +
    td(r[F.ST_F_SCUR]) + td(r[F.ST_F_SMAX]) + td(r[F.ST_F_SLIM]) + td(r[F.ST_F_STOT], sessTitle(r, true)) + EMPTY + EMPTY +
    td(r[F.ST_F_BIN]) + td(r[F.ST_F_BOUT]) + td(r[F.ST_F_DREQ]) + td(r[F.ST_F_DRESP]) + td(r[F.ST_F_EREQ]) + EMPTY + EMPTY +
    EMPTY + EMPTY + tdc(esc(String(r[F.ST_F_STATUS]))) + '<td colspan=8></td></tr>\n';
}

function listenerRow(r: readonly StatVal[], admin: boolean, legends: boolean): string {
  const addr = legends && r[F.ST_F_ADDR] !== undefined ? String(r[F.ST_F_ADDR]) : '';
  return '<tr class=socket>' + (admin ? EMPTY : '') + '<td class=n' + (addr !== '' ? ' title="' + esc(addr) + '"' : '') +
    '>' + esc(String(r[F.ST_F_SVNAME])) + '</td><td colspan=3></td><td colspan=3></td>' +
    td(r[F.ST_F_SCUR]) + td(r[F.ST_F_SMAX]) + td(r[F.ST_F_SLIM]) + td(r[F.ST_F_STOT]) + EMPTY + EMPTY +
    td(r[F.ST_F_BIN]) + td(r[F.ST_F_BOUT]) + td(r[F.ST_F_DREQ]) + td(r[F.ST_F_DRESP]) + td(r[F.ST_F_EREQ]) + EMPTY + EMPTY +
    EMPTY + EMPTY + tdc(esc(String(r[F.ST_F_STATUS]))) + '<td colspan=8></td></tr>\n';
}

function serverRow(r: readonly StatVal[], sv: Server, pxName: string, admin: boolean, legends: boolean): string {
  const name = String(r[F.ST_F_SVNAME]);
  const addr = legends && r[F.ST_F_ADDR] !== undefined ? String(r[F.ST_F_ADDR]) + ', id: ' + sv.id : '';
  const chk = r[F.ST_F_CHECK_STATUS];
  const lastChk = chk === undefined ? '' :
    esc(String(chk)) + (r[F.ST_F_CHECK_DURATION] !== undefined ? ' in ' + r[F.ST_F_CHECK_DURATION] + 'ms' : '');
  const chkTitle = r[F.ST_F_CHECK_DESC] !== undefined ? String(r[F.ST_F_CHECK_DESC]) +
    (r[F.ST_F_LAST_CHK] !== undefined && r[F.ST_F_LAST_CHK] !== '' ? ': ' + String(r[F.ST_F_LAST_CHK]) : '') : '';
  const thr = r[F.ST_F_THROTTLE];
  const dt = r[F.ST_F_DOWNTIME];
  const status = String(r[F.ST_F_STATUS]);
  const ql = r[F.ST_F_QLIMIT];
  const sl = r[F.ST_F_SLIM];
  return '<tr class=' + serverRowClass(sv) + '>' +
    (admin ? '<td><input type=checkbox class="sel-' + esc(pxName) + '" name=s value="' + esc(name) + '"></td>' : '') +
    '<td class=n' + (addr !== '' ? ' title="' + esc(addr) + '"' : '') + '><a id="' + esc(pxName + '/' + name) + '"></a>' +
    esc(name) + '</td>' +
    td(r[F.ST_F_QCUR]) + td(r[F.ST_F_QMAX]) + td(ql === undefined ? '-' : ql) +
    td(r[F.ST_F_RATE]) + td(r[F.ST_F_RATE_MAX]) + EMPTY +
    td(r[F.ST_F_SCUR]) + td(r[F.ST_F_SMAX]) + td(sl === undefined ? '-' : sl) + td(r[F.ST_F_STOT], sessTitle(r, false)) +
    td(r[F.ST_F_LBTOT]) + td(lastSess(r[F.ST_F_LASTSESS])) +
    td(r[F.ST_F_BIN]) + td(r[F.ST_F_BOUT]) + EMPTY + td(r[F.ST_F_DRESP]) + EMPTY + td(r[F.ST_F_ECON]) +
    td(r[F.ST_F_ERESP], 'aborts during transfers: ' + n(r[F.ST_F_CLI_ABRT]) + ' client, ' + n(r[F.ST_F_SRV_ABRT]) + ' server') +
    td(r[F.ST_F_WRETR]) + td(r[F.ST_F_WREDIS]) +
    tdc(humanDuration(n(r[F.ST_F_LASTCHG])) + ' ' + (status.startsWith('DOWN') ? '<span class=red>' + esc(status) + '</span>' : esc(status))) +
    tdc(lastChk, chkTitle) + tdc(n(r[F.ST_F_WEIGHT]) + '/' + n(r[F.ST_F_UWEIGHT])) +
    tdc(r[F.ST_F_ACT] === 1 ? 'Y' : '-') + tdc(r[F.ST_F_BCK] === 1 ? 'Y' : '-') +
    (chk === undefined ? EMPTY : td(r[F.ST_F_CHKFAIL], 'failed health checks')) + td(r[F.ST_F_CHKDOWN]) +
    td(dt === undefined ? '' : humanDuration(n(dt))) + tdc(thr === undefined ? '-' : thr + ' %') + '</tr>\n';
}

function backendRow(r: readonly StatVal[], admin: boolean): string {
  const status = String(r[F.ST_F_STATUS]);
  const dt = r[F.ST_F_DOWNTIME];
  return '<tr class=backend>' + (admin ? EMPTY : '') + '<td class=n title="balancing: ' + esc(String(r[F.ST_F_ALGO] ?? '')) +
    '">Backend</td>' + td(r[F.ST_F_QCUR]) + td(r[F.ST_F_QMAX]) + EMPTY + td(r[F.ST_F_RATE]) + td(r[F.ST_F_RATE_MAX]) + EMPTY +
    td(r[F.ST_F_SCUR]) + td(r[F.ST_F_SMAX]) + td(r[F.ST_F_SLIM]) + td(r[F.ST_F_STOT], sessTitle(r, false)) +
    td(r[F.ST_F_LBTOT]) + td(lastSess(r[F.ST_F_LASTSESS])) + td(r[F.ST_F_BIN]) + td(r[F.ST_F_BOUT]) +
    td(r[F.ST_F_DREQ]) + td(r[F.ST_F_DRESP]) + EMPTY + td(r[F.ST_F_ECON]) + td(r[F.ST_F_ERESP]) +
    td(r[F.ST_F_WRETR]) + td(r[F.ST_F_WREDIS]) +
    tdc(humanDuration(n(r[F.ST_F_LASTCHG])) + ' ' + (status === 'UP' ? 'UP' : '<span class=red>' + esc(status) + '</span>')) +
    EMPTY + tdc(n(r[F.ST_F_WEIGHT]) + '/' + n(r[F.ST_F_UWEIGHT])) + tdc(String(n(r[F.ST_F_ACT]))) +
    tdc(String(n(r[F.ST_F_BCK]))) + EMPTY + td(r[F.ST_F_CHKDOWN]) + td(dt === undefined ? '' : humanDuration(n(dt))) + EMPTY +
    '</tr>\n';
}

const GROUPS: readonly (readonly [string, number])[] = [
  ['Queue', 3], ['Session rate', 3], ['Sessions', 6], ['Bytes', 2], ['Denied', 2], ['Errors', 3], ['Warnings', 2],
  ['Server', 9],
];
const SUBHEADS = ['Cur', 'Max', 'Limit', 'Cur', 'Max', 'Limit', 'Cur', 'Max', 'Limit', 'Total', 'LbTot', 'Last', 'In',
  'Out', 'Req', 'Resp', 'Req', 'Conn', 'Resp', 'Retr', 'Redis', 'Status', 'LastChk', 'Wght', 'Act', 'Bck', 'Chk', 'Dwn',
  'Dwntme', 'Thrtle'];

function tableHead(px: Proxy, withCheckbox: boolean): string {
  let h = '<table class=pxh><tr><th><a id="' + esc(px.name) + '" href="#' + esc(px.name) + '">' + esc(px.name) +
    '</a><span>' + capName(px) + ', mode ' + (px.mode === PR_MODE_HTTP ? 'http' : 'tcp') + ', id ' + px.id + '</span></th></tr></table>\n' +
    '<table class=tbl><thead><tr>';
  if (withCheckbox) {
    h += '<th rowspan=2><input type=checkbox title="select all" onclick="for (const c of document.querySelectorAll(\'.sel-' +
      esc(px.name).replace(/'/g, '') + '\')) c.checked = this.checked"></th>';
  }
  h += '<th rowspan=2></th>';
  for (const [g, span] of GROUPS) h += '<th colspan=' + span + '>' + g + '</th>';
  h += '</tr><tr>';
  for (const s of SUBHEADS) h += '<th>' + s + '</th>';
  return h + '</tr></thead><tbody>\n';
}

function capName(px: Proxy): string {
  const fe = (px.cap & PR_CAP_FE) !== 0;
  const be = (px.cap & PR_CAP_BE) !== 0;
  return fe && be ? 'listen' : fe ? 'frontend' : 'backend';
}

function adminFooter(px: Proxy): string {
  let s = '<p class=act>Action on the selected servers: <select name=action><option value=""></option>';
  for (const [v, l] of ADMIN_ACTIONS) s += '<option value="' + v + '">' + l + '</option>';
  return s + '</select><input type=hidden name=b value="#' + px.id + '"> <input type=submit value="Apply"></p></form>\n';
}

function link(uri: string, opts: string, text: string): string {
  return '<li><a href="' + esc(uri + opts) + '">' + text + '</a></li>';
}

function summary(src: StatsSource, v: StatsPageView, now: number): string {
  const info = infoValues(src, now, false);
  const keep = (v.upOnly ? ';up' : '') + (v.noRefresh ? ';norefresh' : '');
  let opts = '<form method=get action="' + esc(v.uri) + '">Scope: <input name=scope size=10 value="' + esc(v.scope) +
    '"></form><ul>';
  opts += v.upOnly ? link(v.uri, v.noRefresh ? ';norefresh' : '', 'Show all servers')
    : link(v.uri, ';up' + (v.noRefresh ? ';norefresh' : ''), "Hide 'DOWN' servers");
  if (v.refreshable) {
    opts += v.noRefresh ? link(v.uri, v.upOnly ? ';up' : '', 'Enable refresh')
      : link(v.uri, keep + ';norefresh', 'Disable refresh');
  }
  opts += link(v.uri, keep, 'Refresh now') + link(v.uri, ';csv;norefresh', 'CSV export') +
    link(v.uri, ';json;norefresh', 'JSON export') + ' <a href="' + esc(v.uri + ';json-schema') + '">(schema)</a></ul>';
  const legend = '<table class=lgd><tr><td class=active_up>&nbsp;</td><td class=t>active UP</td>' +
    '<td class=backup_up>&nbsp;</td><td class=t>backup UP</td></tr>' +
    '<tr><td class=active_going_down></td><td class=t>active UP, going down</td><td class=backup_going_down></td>' +
    '<td class=t>backup UP, going down</td></tr>' +
    '<tr><td class=active_going_up></td><td class=t>active DOWN, going up</td><td class=backup_going_up></td>' +
    '<td class=t>backup DOWN, going up</td></tr>' +
    '<tr><td class=active_down></td><td class=t>active or backup DOWN</td><td class=active_no_check></td>' +
    '<td class=t>not checked</td></tr>' +
    '<tr><td class=maintain></td><td class=t colspan=3>active or backup in maintenance (MAINT)</td></tr>' +
    '<tr><td class=active_draining></td><td class=t colspan=3>active or backup draining (DRAIN, weight 0)</td></tr>' +
    '</table>NOLB / DRAIN: UP, but not taking new traffic.';
  return '<h3>General process information</h3><table class=sum><tr><td><p>' +
    '<b>pid</b> = ' + src.pid + ' (process #1, nbproc = 1, nbthread = ' + info[3] + ')<br>' +
    '<b>uptime</b> = ' + info[7] + '<br><b>maxconn</b> = ' + info[15] + '; <b>maxsock</b> = ' + info[14] + '<br>' +
    'current conns = ' + info[17] + '; conn rate = ' + info[26] + '/sec; total requests = ' + info[19] + '<br>' +
    'listeners = ' + info[55] + '</p></td><td>' + legend + '</td><td><b>Display options</b>' + opts + '</td></tr></table>\n';
}

/**
 * Renders the whole page for proxy `px` (its `stats` settings: hide-version, show-node, show-desc, show-legends,
 * scope). Returns the HTML text; allocates freely (runs once per page view).
 */
export function renderStatsPage(src: StatsSource, px: Proxy, v: StatsPageView, now: number = Date.now()): string {
  const cfg = px.statsPage;
  const opts = newStatDumpOpts(ACCESS_LVL_OPER);
  opts.hideDown = v.upOnly;
  opts.showLegends = true;
  opts.scope = cfg.scope.length > 0 ? cfg.scope : null;
  const node = cfg.showNode !== null ? (cfg.showNode !== '' ? cfg.showNode : String(infoValues(src, now, false)[50])) : '';
  let body = '<h1><a href="#">Sluice' + (cfg.hideVersion ? '' : ' version ' + SLUICE_VERSION + ', released ' +
    SLUICE_RELEASE_DATE) + '</a></h1>\n<h2>Statistics Report for pid ' + src.pid + (node !== '' ? ' on ' + esc(node) : '') +
    '</h2>\n' + (cfg.showDesc !== null && cfg.showDesc !== '' ? '<p>' + esc(cfg.showDesc) + '</p>\n' : '') +
    summary(src, v, now);
  if (v.status !== '') {
    const b = STATUS_BANNERS[v.status] ?? ['active_no_check', 'Unexpected result.'];
    const back = v.uri + (v.upOnly ? ';up' : '') + (v.noRefresh ? ';norefresh' : '');
    body += '<div class="banner ' + b[0] + '"><a href="' + esc(back) + '" title="Remove this message">[X]</a>' + b[1] + '</div>\n';
  }
  let cur: Proxy | null = null;
  let curAdmin = false;
  const close = (): void => {
    if (cur === null) return;
    body += '</tbody></table>\n';
    if (curAdmin) body += adminFooter(cur);
  };
  const scopeText = v.scope;
  walkStats(src, opts, (row, type, p, sv) => {
    if (scopeText !== '' && !p.name.includes(scopeText)) return;
    if (p !== cur) {
      close();
      cur = p;
      curAdmin = v.admin && (p.cap & PR_CAP_BE) !== 0 && p.servers.length > 0;
      if (curAdmin) body += '<form method=post action="' + esc(v.uri + (v.upOnly ? ';up' : '') + (v.noRefresh ? ';norefresh' : '')) + '">\n';
      body += tableHead(p, curAdmin);
    }
    if (type === 0) body += frontendRow(row, curAdmin);
    else if (type === 3) body += listenerRow(row, curAdmin, cfg.showLegends);
    else if (type === 2 && sv !== null) body += serverRow(row, sv, p.name, curAdmin, cfg.showLegends);
    else if (type === 1) body += backendRow(row, curAdmin);
  }, now);
  close();
  return '<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>Statistics Report for Sluice</title>' +
    '<link rel="icon" href="data:,"><style>' + PAGE_CSS + '</style></head>\n<body>\n' + body + '</body></html>\n';
}
