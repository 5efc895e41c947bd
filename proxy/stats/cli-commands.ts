/*
 * The stats CLI commands (HAProxy 2.6 runtime API): show info/stat/servers/backend/sess/errors/env/activity/pools/
 * version/cli, clear counters, server and frontend state changes, weights, maxconn, rate limits, session shutdown,
 * severity output and timeouts. Each is a CliCommand descriptor; texts and framing match 2.6 captures
 * (../shared/reference/haproxy-2.6-cli). State changes go through the ServerStateApi. Hot path: no.
 */
import { isIP } from 'node:net';
import type { Proxy, Server } from '../model/types.ts';
import { PR_CAP_FE, PR_CAP_BE } from '../config/types.ts';
import { PR_STATE_STOPPED, PR_STATE_PAUSED, PR_STATE_READY, SRV_ST_STOPPED, SRV_ADMF_CMAINT, SRV_ADMF_FMAINT } from '../model/types.ts';
import { HCHK_STATUS_INI, HCHK_STATUS_NAMES } from '../checks/types.ts';
import { srvFqdn, srvRecordOf } from '../dns/server-keywords.ts';
import { dnsSetFqdn } from '../dns/runtime.ts';
import type { CliCommand, CliReply, CliSession, CliEnv, StatDumpOpts, StatVal } from './types.ts';
import {
  ACCESS_LVL_USER, ACCESS_LVL_OPER, ACCESS_LVL_ADMIN, LOG_ERR, LOG_WARNING, LOG_NOTICE, LOG_INFO, CLI_RAW, CLI_SEV_NONE, CLI_SEV_NUMBER,
  CLI_SEV_STRING,
} from './types.ts';
import { STAT_CSV_HEADER } from './columns.ts';
import { walkStats, SRV_ADMF_MAINT, srvNeedConnEst, srvUsedConnMax, globalMaxconn, secondsSince } from './fill.ts';
import { csvLineInto } from './csv.ts';
import { OutBuf } from './out-buf.ts';
import { typedLines, jsonRow } from './typed.ts';
import { renderInfo, INFO_PLAIN, INFO_TYPED, INFO_JSON, SLUICE_VERSION, processRateLimits, foldProcessTotals } from './info.ts';
import { clearFeCounters, clearBeCounters, listenerCounters } from './counters.ts';
import { lookupServer, findBackend, findFrontend, findProxy } from './cli-lookup.ts';
import { STATS_JSON_SCHEMA } from './json-schema.ts';
import { showSess, shutdownSession } from './cli-sess.ts';
import { showErrors } from './cli-errors.ts';
import { showActivity, showPools } from './cli-activity.ts';
import { setServerAddr } from './srv-addr.ts';
import { srvWasConfigDisabled, srvIsDynamic, srvHealthSet, srvParseWeight } from '../backend/server.ts';
import { srvIdForced } from '../backend/server-keywords.ts';
import { srvSslAny } from '../ssl/keywords.ts';
import { startupLogText } from './startup-logs.ts';
import { cAtoi } from '../config/values.ts';

function msg(text: string): CliReply { return { text, severity: LOG_INFO }; }
function notice(text: string): CliReply { return { text, severity: LOG_NOTICE }; }
function err(text: string): CliReply { return { text, severity: LOG_ERR }; }
function raw(text: string): CliReply { return { text, severity: CLI_RAW }; }
function warn(text: string): CliReply { return { text, severity: LOG_WARNING }; }
/** A one-line reply 2.6 sends without the CLI's closing empty line. */
function line(text: string, severity: number): CliReply { return { text: text + '\n', severity, noEnd: true }; }

/** A port argument of `set server ... check-port|agent-port|...-addr <a> port <p>`: 0-65535 as 2.6 reads it. */
function cliPort(v: string): number | CliReply {
  if (!/^[-+]?\d+$/.test(v)) return line('provided port is not an integer', LOG_ERR);
  const p = Number(v);
  return p < 0 || p > 65535 ? line('provided port is invalid', LOG_ERR) : p;
}
const OK: CliReply = { text: '', severity: CLI_RAW };
const DENIED = err('Permission denied\n');

function cmd(words: string[], level: number, parse: (a: readonly string[], s: CliSession, e: CliEnv) => CliReply): CliCommand {
  return { words, usage: null, level, parse };
}

/** The default stat dump options (everything, at the session's level). */
export function newStatDumpOpts(level: number): StatDumpOpts {
  return { level, showLegends: false, hideDown: false, hideMaint: false, iid: -1, type: -1, sid: -1, scope: null };
}

const FMT_CSV = 0;
const FMT_TYPED = 1;
const FMT_JSON = 2;

/**
 * Renders `show stat` for already-parsed options: CSV (with header), typed (optionally with descriptions) or JSON.
 * Used by the CLI and the stats page. Returns the body without the CLI terminator.
 */
export function renderStats(env: CliEnv, opts: StatDumpOpts, fmt: number, desc: boolean, now: number = Date.now()): string {
  const parts: string[] = [];
  if (fmt === FMT_CSV) {
    const out = new OutBuf(1 << 20);
    out.str(STAT_CSV_HEADER);
    walkStats(env.src, opts, (row: StatVal[]) => { csvLineInto(out, row); }, now);
    return out.toString();
  }
  if (fmt === FMT_TYPED) {
    walkStats(env.src, opts, (row: StatVal[], t: number) => { parts.push(typedLines(row, t, desc)); }, now);
    return parts.join('');
  }
  walkStats(env.src, opts, (row: StatVal[], t: number) => { parts.push(jsonRow(row, t)); }, now);
  return '[' + parts.join(',') + ']\n';
}
export const STAT_FMT_CSV = FMT_CSV;
export const STAT_FMT_TYPED = FMT_TYPED;
export const STAT_FMT_JSON = FMT_JSON;

/** An iid no proxy has (ids are positive): `show stat -5 -1 -1` matches nothing. */
const NO_PROXY_ID = 0x7fffffff;

function parseIntStrict(s: string): number {
  return /^-?\d+$/.test(s) ? Number(s) : NaN;
}

const showStat = cmd(['show', 'stat'], ACCESS_LVL_USER, (a, s, env) => {
  const opts = newStatDumpOpts(s.level);
  let i = 2;
  if (a[i] === 'domain') {
    if (a[i + 1] !== 'proxy') return raw('');
    i += 2;
  }
  if (a[i] !== undefined && a[i + 1] !== undefined && a[i + 2] !== undefined) {
    const p = a[i]!;
    // 2.6 reads the proxy as cAtoi(): non-zero is an id ("3x" is 3; -1 all; an unknown id only prints the header),
    // zero is a name ("0", "web")
    const n = cAtoi(p);
    if (n !== 0) opts.iid = n < -1 ? NO_PROXY_ID : n;
    else {
      const px = findProxy(env.src, p, PR_CAP_FE | PR_CAP_BE);   // a name or `#<id>`
      if (px === null) return err('No such proxy.\n');
      opts.iid = px.id;
    }
    const t = parseIntStrict(a[i + 1]!);
    const sid = parseIntStrict(a[i + 2]!);
    opts.type = Number.isNaN(t) ? 0 : t;
    opts.sid = Number.isNaN(sid) ? 0 : sid;
    i += 3;
  }
  let fmt = FMT_CSV;
  let desc = false;
  for (; i < a.length; i++) {
    const w = a[i];
    if (w === 'typed') fmt = FMT_TYPED;
    else if (w === 'json') fmt = FMT_JSON;
    else if (w === 'desc') desc = true;
    else if (w === 'up') opts.hideDown = true;
    else if (w === 'no-maint') opts.hideMaint = true;
  }
  return raw(renderStats(env, opts, fmt, desc && fmt === FMT_TYPED));
});

const showInfo = cmd(['show', 'info'], ACCESS_LVL_USER, (a, _s, env) => {
  let form = INFO_PLAIN;
  let desc = false;
  let float = false;
  for (let i = 2; i < a.length; i++) {
    if (a[i] === 'typed') form = INFO_TYPED;
    else if (a[i] === 'json') form = INFO_JSON;
    else if (a[i] === 'desc') desc = true;
    else if (a[i] === 'float') float = true;
  }
  return raw(renderInfo(env.src, form, desc, float));
});

const showVersion = cmd(['show', 'version'], ACCESS_LVL_USER, () => msg(SLUICE_VERSION + '\n'));

const LEVEL_NAMES = ['', 'user', 'operator', 'admin'];
const showCliLevel = cmd(['show', 'cli', 'level'], ACCESS_LVL_USER, (_a, s) => msg(LEVEL_NAMES[s.level] + '\n'));

const operatorCmd = cmd(['operator'], ACCESS_LVL_USER, (_a, s) => {
  if (s.level < ACCESS_LVL_OPER) return DENIED;
  s.level = ACCESS_LVL_OPER;
  return OK;
});
const userCmd = cmd(['user'], ACCESS_LVL_USER, (_a, s) => { s.level = ACCESS_LVL_USER; return OK; });

const showBackend = cmd(['show', 'backend'], ACCESS_LVL_USER, (_a, _s, env) => {
  let out = '# name\n';
  for (const px of env.src.proxies) if ((px.cap & PR_CAP_BE) !== 0) out += px.name + '\n';
  return raw(out);
});

/** HAProxy's numeric check_status (enum healthcheck_status) by our status name, for `show servers state`. */
const HAP_CHECK_STATUS: Readonly<Record<string, number>> = {
  UNK: 0, INI: 1, HANA: 3, SOCKERR: 5, L4OK: 6, L4TOUT: 7, L4CON: 8, L6OK: 9, L6TOUT: 10, L6RSP: 11, L7TOUT: 12,
  L7RSP: 13, L7OK: 15, L7OKD: 15, L7OKC: 16, L7STS: 17, PROCERR: 18, PROCTOUT: 19, PROCOK: 20,
};
/** The configured check port of servers whose port `set server check-port` changed (2.6's agent port keeps it). */
const cfgCheckPort = new WeakMap<Server, number>();

/**
 * One `show servers state` line. As in 2.6, a server in maintenance is shown stopped with health 0 and its check
 * paused (0x08; without a check only for a config `disabled` server), and `disabled` shows admin state 5 (FMAINT|CMAINT).
 */
function srvStateLine(px: Proxy, sv: Server, now: number): string {
  const c = sv.check;
  const maint = (sv.adminState & SRV_ADMF_MAINT) !== 0;
  const cfgOnce = srvWasConfigDisabled(sv);
  let chkStatus = 1;
  let chkResult = 0;
  let chkState = 0;
  if (c.enabled) {
    const name = HCHK_STATUS_NAMES[c.status] ?? 'UNK';
    chkStatus = c.status === 0 ? HAP_CHECK_STATUS['INI']! : HAP_CHECK_STATUS[name] ?? 0;
    chkResult = c.status <= HCHK_STATUS_INI ? 0 : (/OK/.test(name) ? 3 : 2);
    // CONFIGURED, ENABLED unless `disable health` (2.6 shows 2 then), PAUSED in maintenance
    // (a dynamic server's check not enabled yet is not paused by maintenance either)
    chkState = 0x02 | (c.paused ? 0 : 0x04) | (maint && !(c.paused && srvIsDynamic(sv)) ? 0x08 : 0);
  } else if ((sv.adminState & SRV_ADMF_CMAINT) !== 0 || cfgOnce) chkState = 0x08;
  const opState = maint ? SRV_ST_STOPPED : sv.curState;
  // after `enable server` 2.6 keeps the config flag: admin state 4, an unchecked server's check paused, health 0
  const admin = sv.adminState | ((sv.adminState & SRV_ADMF_CMAINT) !== 0 ? SRV_ADMF_FMAINT : 0) | (cfgOnce ? SRV_ADMF_CMAINT : 0);
  // (a dynamic server without a check shows 0 as well: 2.6 leaves its health unset)
  // (an unchecked one shows its rise, 2.6's initial health, until maintenance or `set server health` change it)
  const health = maint ? 0 : c.enabled || srvHealthSet(sv) ? c.health
    : (opState === SRV_ST_STOPPED || cfgOnce || srvIsDynamic(sv) ? 0 : c.rise);
  const since = secondsSince(now, sv.lastChange);
  // agent: CONFIGURED | AGENT, ENABLED unless `disable agent`, IN PROGRESS while a probe runs (2.6's 22, 18, 23)
  const ag = sv.agent;
  const agentState = ag === null || !ag.enabled ? 0 : 0x12 | (ag.paused ? 0 : 0x04) | (ag.running ? 0x01 : 0);
  // 2.6's agent port is the configured check `port` until an `agent-port` is given, configured agent or not
  const cp = cfgCheckPort.get(sv) ?? c.port;
  const agentPort = ag !== null && ag.enabled ? ag.port : cp > 0 ? cp : 0;
  const rec = srvRecordOf(sv);
  return px.id + ' ' + px.name + ' ' + sv.id + ' ' + sv.name + ' ' + (sv.host || '-') + ' ' + opState + ' ' +
    (admin | (rec.taken ? 0x40 : 0)) + ' ' + sv.uweight + ' ' + sv.iweight + ' ' + since + ' ' + chkStatus + ' ' + chkResult + ' ' +
    health + ' ' + chkState + ' ' + agentState + ' 0 ' + (srvIdForced(sv) ? 1 : 0) + ' ' + (srvFqdn(sv) || '-') + ' ' + sv.port + ' ' + (rec.name || '-') + ' ' +
    (srvSslAny(sv)?.enabled === true ? 1 : 0) + ' ' + (c.port > 0 ? c.port : 0) + ' ' + (c.addr || '-') + ' ' +
    (ag !== null && ag.enabled && ag.addr !== '' ? ag.addr : '-') + ' ' + agentPort + '\n';
}

const SRV_STATE_HEADER = '1\n# be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state srv_uweight ' +
  'srv_iweight srv_time_since_last_change srv_check_status srv_check_result srv_check_health srv_check_state ' +
  'srv_agent_state bk_f_forced_id srv_f_forced_id srv_fqdn srv_port srvrecord srv_use_ssl srv_check_port ' +
  'srv_check_addr srv_agent_addr srv_agent_port\n';

function backendsFor(env: CliEnv, name: string | undefined): Proxy[] | null {
  if (name === undefined || name === '') return env.src.proxies.filter((px) => (px.cap & PR_CAP_BE) !== 0);
  const be = findBackend(env.src, name);
  return be === null ? null : [be];
}

const showServersState = cmd(['show', 'servers', 'state'], ACCESS_LVL_USER, (a, _s, env) => {
  const bks = backendsFor(env, a[3]);
  if (bks === null) return err("Can't find backend.\n");
  const now = Date.now();
  let out = SRV_STATE_HEADER;
  for (const px of bks) for (const sv of px.servers) out += srvStateLine(px, sv, now);
  return raw(out);
});

const showServersConn = cmd(['show', 'servers', 'conn'], ACCESS_LVL_USER, (a, _s, env) => {
  const bks = backendsFor(env, a[3]);
  if (bks === null) return err("Can't find backend.\n");
  const nbt = env.src.global.nbthread > 0 ? env.src.global.nbthread : 1;
  const now = Date.now();
  let out = '# bkname/svname bkid/svid addr port - purge_delay used_cur used_max need_est unsafe_nb safe_nb ' +
    'idle_lim idle_cur idle_per_thr[' + nbt + ']\n';
  for (const px of bks) {
    for (const sv of px.servers) {
      const idle = env.src.idleConns(sv);
      let per = '';
      for (let t = 0; t < nbt; t++) per += ' ' + (t === 0 ? idle : 0);
      out += px.name + '/' + sv.name + ' ' + px.id + '/' + sv.id + ' ' + sv.host + ' ' + sv.port + ' - 5000 ' +
        sv.served + ' ' + srvUsedConnMax(sv) + ' ' + srvNeedConnEst(sv, now) + ' ' + idle + ' 0 -1 ' + idle + per + '\n';
    }
  }
  return raw(out);
});

const showEnv = cmd(['show', 'env'], ACCESS_LVL_OPER, (a) => {
  const name = a[2];
  if (name !== undefined && name !== '') {
    const v = process.env[name];
    if (v === undefined) return err('Variable not found\n');
    return raw(name + '=' + v + '\n');
  }
  let out = '';
  for (const k of Object.keys(process.env)) out += k + '=' + process.env[k] + '\n';
  return raw(out);
});

const showSchema = cmd(['show', 'schema', 'json'], ACCESS_LVL_USER, () => raw(STATS_JSON_SCHEMA + '\n'));
// Sluice has no stick tables nor peers yet: the replies of a 2.6 process configured without any.
const showTable = cmd(['show', 'table'], ACCESS_LVL_USER, (a) => (a[2] ? err('No such table\n') : raw('')));
const clearTable = cmd(['clear', 'table'], ACCESS_LVL_USER, (a) => (a[2]
  ? err('No such table\n')
  : err('Required arguments: <table> "data.<store_data_type>" <operator> <value> or <table> key <key>\n')));
const showPeers = cmd(['show', 'peers'], ACCESS_LVL_USER, (a) => (a[2] ? err('No such peers\n') : raw('')));
// 2.6 answers an empty ring with one empty line
const showStartupLogs = cmd(['show', 'startup-logs'], ACCESS_LVL_USER, () => raw(startupLogText() === '' ? '\n' : startupLogText()));

const showCliSockets = cmd(['show', 'cli', 'sockets'], ACCESS_LVL_USER, (_a, _s, env) => {
  let out = '# socket lvl processes\n';
  const cfg = env.src.global.ext.get('stats') as { sockets: { path: string; host: string; port: number; level: number }[] } | undefined;
  if (cfg !== undefined) {
    for (const k of cfg.sockets) {
      out += (k.path !== '' ? 'unix@' + k.path : 'ipv4@' + k.host + ':' + k.port) + ' ' + LEVEL_NAMES[k.level] + ' all\n';
    }
  }
  return raw(out);
});

const clearCounters = cmd(['clear', 'counters'], ACCESS_LVL_OPER, (a, s, env) => {
  const all = a[2] === 'all';
  if (all && s.level < ACCESS_LVL_ADMIN) return DENIED;
  if (all) foldProcessTotals(env.src);
  for (const px of env.src.proxies) {
    clearFeCounters(px.feCounters, all);
    clearBeCounters(px.beCounters, all);
    for (const b of px.binds) clearFeCounters(listenerCounters(b), all);
    for (const sv of px.servers) clearBeCounters(sv.counters, all);
  }
  return OK;
});

/** Runs `fn` on the server named by a[idx], or returns the lookup error. */
function withServer(env: CliEnv, arg: string | undefined, fn: (sv: Server) => CliReply): CliReply {
  const r = lookupServer(env.src, arg);
  if (typeof r === 'string') return err(r);
  return fn(r);
}

function apiReply(e: string): CliReply { return e === '' ? OK : err(e); }

const disableServer = cmd(['disable', 'server'], ACCESS_LVL_ADMIN, (a, _s, env) =>
  withServer(env, a[2], (sv) => apiReply(env.api.setMaint(sv, true))));
const enableServer = cmd(['enable', 'server'], ACCESS_LVL_ADMIN, (a, _s, env) =>
  withServer(env, a[2], (sv) => apiReply(env.api.setMaint(sv, false))));
const disableHealth = cmd(['disable', 'health'], ACCESS_LVL_ADMIN, (a, _s, env) =>
  withServer(env, a[2], (sv) => apiReply(env.api.setCheckEnabled(sv, false, false))));
const enableHealth = cmd(['enable', 'health'], ACCESS_LVL_ADMIN, (a, _s, env) =>
  withServer(env, a[2], (sv) => {
    if (!sv.check.enabled) return err('Health check was not configured on this server, cannot enable.\n');
    return apiReply(env.api.setCheckEnabled(sv, false, true));
  }));
const disableAgent = cmd(['disable', 'agent'], ACCESS_LVL_ADMIN, (a, _s, env) =>
  withServer(env, a[2], (sv) => (sv.agent === null ? OK : apiReply(env.api.setCheckEnabled(sv, true, false)))));
const enableAgent = cmd(['enable', 'agent'], ACCESS_LVL_ADMIN, (a, _s, env) =>
  withServer(env, a[2], (sv) => {
    if (sv.agent === null || !sv.agent.enabled) return err('Agent was not configured on this server, cannot enable.\n');
    return apiReply(env.api.setCheckEnabled(sv, true, true));
  }));

/** Parses `<w>` or `<w>%` for server `sv` like 2.6; returns the new weight or an error reply. */
export function parseWeight(sv: Server, str: string | undefined): number | CliReply {
  const w = srvParseWeight(sv, str ?? '');
  return typeof w === 'string' ? err(w) : w;
}

const setWeight = cmd(['set', 'weight'], ACCESS_LVL_ADMIN, (a, _s, env) =>
  withServer(env, a[2], (sv) => {
    const w = parseWeight(sv, a[3]);
    if (typeof w !== 'number') return w;
    return apiReply(env.api.setWeight(sv, w));
  }));

const getWeight = cmd(['get', 'weight'], ACCESS_LVL_USER, (a, _s, env) => {
  const r = lookupServer(env.src, a[2], true);
  return typeof r === 'string' ? err(r) : raw(r.uweight + ' (initial ' + r.iweight + ')\n');
});

const SET_SERVER_USAGE = 'usage: set server <backend>/<server> addr | agent | agent-addr | agent-port | agent-send | ' +
  'check-addr | check-port | fqdn | health | ssl | state | weight\n';

const setServer = cmd(['set', 'server'], ACCESS_LVL_ADMIN, (a, _s, env) =>
  withServer(env, a[2], (sv) => {
    const kw = a[3];
    const v = a[4];
    switch (kw) {
      case 'weight': {
        const w = parseWeight(sv, v);
        if (typeof w !== 'number') return w;
        return apiReply(env.api.setWeight(sv, w));
      }
      case 'state':
        if (v === 'ready') return apiReply(env.api.setReady(sv));
        if (v === 'drain') return apiReply(env.api.setDrain(sv, true));
        if (v === 'maint') return apiReply(env.api.setMaint(sv, true));
        return err("'set server <srv> state' expects 'ready', 'drain' and 'maint'.\n");
      case 'health':
        if (sv.tracked !== null) return err('cannot change health on a tracking server.\n');
        if (v === 'up' || v === 'stopping' || v === 'down') return apiReply(env.api.setHealth(sv, v));
        return err("'set server <srv> health' expects 'up', 'stopping', or 'down'.\n");
      case 'agent':
        if (sv.agent === null || !sv.agent.enabled) return err('agent checks are not enabled on this server.\n');
        if (v === 'up' || v === 'down') return apiReply(env.api.setAgent(sv, v));
        return err("'set server <srv> agent' expects 'up' or 'down'.\n");
      case 'check-port': {
        if (v === undefined || v === '') return err('set server <b>/<s> check-port requires a port.\n');
        if (!sv.check.enabled) return line('health checks are not enabled on this server', LOG_WARNING);
        const p = cliPort(v);
        if (typeof p !== 'number') return p;
        if (!cfgCheckPort.has(sv)) cfgCheckPort.set(sv, sv.check.port);
        sv.check.port = p;
        return OK;
      }
      case 'check-addr': case 'agent-addr': {
        if (v === undefined || v === '') return err(`set server <b>/<s> ${kw} requires an address and optionally a port.\n`);
        const c = kw === 'check-addr' ? sv.check : sv.agent;
        if (c === null || !c.enabled) return line(kw === 'check-addr' ? 'health checks are not enabled on this server' : 'agent checks are not enabled on this server', LOG_WARNING);
        if (!isIP(v)) return line(`invalid addr '${v}'`, LOG_ERR);
        let p = -1;
        if (a[5] === 'port' && a[6] !== undefined && a[6] !== '') {
          const q = cliPort(a[6]);
          if (typeof q !== 'number') return q;
          p = q;
        }
        c.addr = v;
        if (p >= 0) c.port = p;
        return OK;
      }
      case 'agent-port': {
        if (v === undefined || v === '') return err('set server <b>/<s> agent-port requires a port.\n');
        if (sv.agent === null || !sv.agent.enabled) return line('agent checks are not enabled on this server', LOG_WARNING);
        const p = cliPort(v);
        if (typeof p !== 'number') return p;
        sv.agent.port = p;
        return OK;
      }
      case 'agent-send':
        if (sv.agent === null || !sv.agent.enabled) return err('agent checks are not enabled on this server.\n');
        sv.agent.send = v ?? '';
        return OK;
      case 'fqdn':
        if (v === undefined || v === '') return err('set server <b>/<s> fqdn requires a FQDN.\n');
        { const r = dnsSetFqdn(sv, v); return r.error ? err(r.text) : warn(r.text); }   // dns/runtime.ts
      case 'addr': {
        if (v === undefined || v === '') return err('set server <b>/<s> addr requires an address and optionally a port.\n');
        return warn(setServerAddr(env, sv, v, a[5] === 'port' ? (a[6] ?? '') : null));
      }
      case 'ssl':
        return err("'set server <srv> ssl' cannot be set.  default-server should define ssl settings\n");
      default:
        return err(SET_SERVER_USAGE);
    }
  }));

const setMaxconnServer = cmd(['set', 'maxconn', 'server'], ACCESS_LVL_ADMIN, (a, _s, env) =>
  withServer(env, a[3], (sv) => {
    const v = a[4];
    if (v === undefined || v === '') return err('Require <maxconn>.\n');
    const m = /^[+-]?\d+/.exec(v);
    if (m === null) return err('maxconn string empty or preceded by garbage');
    if (m[0].length !== v.length) return err('Trailing garbage in maxconn string');
    // 2.6 stores it unsigned: -1 shows as slim 4294967295 (no practical limit)
    return apiReply(env.api.setMaxconn(sv, Number(m[0]) >>> 0));
  }));

const setMaxconnFrontend = cmd(['set', 'maxconn', 'frontend'], ACCESS_LVL_ADMIN, (a, _s, env) => {
  if (a[3] === undefined || a[3] === '') return err('A frontend name is expected.\n');
  const px = findFrontend(env.src, a[3]);
  if (px === null) return err('No such frontend.\n');
  if (a[4] === undefined || a[4] === '') return err('Integer value expected.\n');
  const v = parseInt(a[4], 10);
  if (v < 0) return err('Value out of range.\n');
  return apiReply(env.api.setFrontendMaxconn(px, Number.isNaN(v) ? 0 : v));
});

const setMaxconnGlobal = cmd(['set', 'maxconn', 'global'], ACCESS_LVL_ADMIN, (a, _s, env) => {
  if (a[3] === undefined || a[3] === '') return err('Expects an integer value.\n');
  const v = parseInt(a[3], 10);
  let n = Number.isNaN(v) ? 0 : v;
  const hard = globalMaxconn(env.src);
  if (n > hard) return err('Value out of range.\n');
  if (n <= 0) n = hard; // 2.6: 0, a negative value or a word give the hard maxconn back
  processRateLimits.maxconn = n;
  return apiReply(env.api.setGlobalMaxconn(n));
});

const RATE_LIMIT_USAGE = "'set rate-limit' only supports :\n" +
  "   - 'connections global' to set the per-process maximum connection rate\n" +
  "   - 'sessions global' to set the per-process maximum session rate\n" +
  "   - 'ssl-sessions global' to set the per-process maximum SSL session rate\n" +
  "   - 'http-compression global' to set the per-process maximum compression speed in kB/s\n";

const setRateLimit = cmd(['set', 'rate-limit'], ACCESS_LVL_ADMIN, (a, _s, env) => {
  const what = a[2];
  if ((what === 'connections' || what === 'sessions' || what === 'ssl-sessions' || what === 'http-compression') &&
      a[3] === 'global') {
    if (a[4] === undefined || a[4] === '') return err('Expects an integer value.\n');
    const v = parseInt(a[4], 10);
    const n = Number.isNaN(v) ? 0 : v;
    if (n < 0) return err('Value out of range.\n');
    if (what === 'connections') processRateLimits.conn = n;
    else if (what === 'ssl-sessions') processRateLimits.ssl = n;
    else if (what === 'http-compression') processRateLimits.compKb = n;
    else { processRateLimits.sess = n; return apiReply(env.api.setRateLimitSessions(n)); }
    return OK;
  }
  return err(RATE_LIMIT_USAGE);
});

const shutdownSessionsServer = cmd(['shutdown', 'sessions', 'server'], ACCESS_LVL_ADMIN, (a, _s, env) =>
  withServer(env, a[3], (sv) => { env.api.shutdownServerSessions(sv); return OK; }));

function withFrontend(env: CliEnv, name: string | undefined, fn: (px: Proxy) => CliReply): CliReply {
  if (name === undefined || name === '') return err('A frontend name is expected.\n');
  const px = findFrontend(env.src, name);
  if (px === null) return err('No such frontend.\n');
  return fn(px);
}

const disableFrontend = cmd(['disable', 'frontend'], ACCESS_LVL_ADMIN, (a, _s, env) =>
  withFrontend(env, a[2], (px) => {
    if (px.state === PR_STATE_STOPPED || px.disabled) return err('Frontend was previously shut down, cannot disable.\n');
    if (px.state === PR_STATE_PAUSED) return notice('All sockets are already disabled.\n');
    return apiReply(env.api.pauseFrontend(px));
  }));
const enableFrontend = cmd(['enable', 'frontend'], ACCESS_LVL_ADMIN, (a, _s, env) =>
  withFrontend(env, a[2], (px) => {
    if (px.state === PR_STATE_STOPPED || px.disabled) return err('Frontend was previously shut down, cannot enable.\n');
    if (px.state === PR_STATE_READY) return notice('All sockets are already enabled.\n');
    return apiReply(env.api.resumeFrontend(px));
  }));
const shutdownFrontend = cmd(['shutdown', 'frontend'], ACCESS_LVL_ADMIN, (a, _s, env) =>
  withFrontend(env, a[2], (px) => {
    if (px.state === PR_STATE_STOPPED || px.disabled) return notice('Frontend was already shut down.\n');
    return apiReply(env.api.stopFrontend(px));
  }));

const setTimeout_ = cmd(['set', 'timeout'], ACCESS_LVL_USER, (a, s) => {
  if (a[2] !== 'cli') return err("'set timeout' only supports 'cli'.\n");
  if (a[3] === undefined || a[3] === '') return err('Expects an integer value.\n');
  const m = /^(\d+)(ms|s|m|h|d)?$/.exec(a[3]);
  if (m === null) return err('Invalid timeout value.\n');
  const mult = m[2] === 'ms' ? 1 : m[2] === 'm' ? 60000 : m[2] === 'h' ? 3600000 : m[2] === 'd' ? 86400000 : 1000;
  const ms = Number(m[1]) * mult;
  // 2.6: zero and more than 2^31-1 seconds are invalid; Node timers stop at 2^31-1 ms
  if (ms === 0 || ms / 1000 > 0x7fffffff) return err('Invalid timeout value.\n');
  s.timeoutMs = Math.min(ms, 0x7fffffff);
  return OK;
});

const setSeverity = cmd(['set', 'severity-output'], ACCESS_LVL_USER, (a, s) => {
  const v = a[2];
  if (v === 'none') s.severityOutput = CLI_SEV_NONE;
  else if (v === 'number') s.severityOutput = CLI_SEV_NUMBER;
  else if (v === 'string') s.severityOutput = CLI_SEV_STRING;
  else return err("one of 'none', 'number', 'string' is a required argument\n");
  return OK;
});

/** Every stats CLI command, registered by proxy/modules.ts (registerCli) in this order. */
export const statsCliCommands: readonly CliCommand[] = [
  showInfo, showStat, showVersion, showCliLevel, showCliSockets, operatorCmd, userCmd, showBackend, showServersState,
  showServersConn, showSess, shutdownSession, showErrors, showEnv, showActivity, showPools, showSchema, showTable,
  clearTable, showPeers, showStartupLogs, clearCounters, disableServer, enableServer, disableHealth, enableHealth,
  disableAgent, enableAgent, setWeight, getWeight, setServer, setMaxconnServer, setMaxconnFrontend, setMaxconnGlobal,
  setRateLimit, shutdownSessionsServer, disableFrontend, enableFrontend, shutdownFrontend, setTimeout_, setSeverity,
];
