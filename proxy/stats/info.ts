/*
 * `show info [typed|json|desc|float]`: the 2.6 process information fields (index, name, tags, type, description as
 * 2.6 prints them), their values computed from the stats source, and the four output forms. Fields of features
 * Sluice does not have (SSL, compression, pipes, peers) print 0 like a 2.6 build with them unused. Empty-valued
 * fields (description) and absent features (ZlibMemUsage) are skipped, as 2.6 does. Hot path: no.
 */
import { hostname } from 'node:os';
import type { StatsSource, StatVal } from './types.ts';
import { jsonTags } from './columns.ts';
import { readFreqCtr, processSessions } from './counters.ts';
import { PR_CAP_FE } from '../config/types.ts';
import { PR_MODE_HTTP, PR_STATE_STOPPED } from '../model/types.ts';
import { cliTraffic } from './cli-server.ts';
import { statsGlobalCfg } from './keywords.ts';
import { globalMaxconn } from './fill.ts';
import { fdReserve } from './fd-limits.ts';

/**
 * Process-wide values changed from the CLI (`set maxconn global`, `set rate-limit ... global`) as `show info` reports
 * them; 0 = never set (maxconn: the configured one). Limits Sluice does not enforce are only reported.
 */
export const processRateLimits = { maxconn: 0, conn: 0, sess: 0, ssl: 0, compKb: 0 };

/*
 * CumConns/CumReq/TotalBytesOut are process totals in 2.6 that `clear counters all` leaves alone; Sluice sums the
 * frontends' counters, so a clear first folds what they held into these bases.
 */
export const processTotals = { conns: 0, req: 0, bytesOut: 0 };

/** Before `clear counters all` resets the frontends: keep their share of the process totals. */
export function foldProcessTotals(src: StatsSource): void {
  for (const px of src.proxies) {
    if ((px.cap & PR_CAP_FE) === 0) continue;
    const c = px.feCounters;
    processTotals.conns += c.cumConn;
    processTotals.req += px.mode === PR_MODE_HTTP ? c.cumReq - c.failedReq : c.cumSess;
    processTotals.bytesOut += c.bytesOut;
  }
}

export interface InfoField {
  readonly pos: number;
  readonly name: string;
  readonly tags: string;
  readonly type: string;
  readonly desc: string;
}

function inf(pos: number, name: string, tags: string, type: string, desc: string): InfoField {
  return { pos, name, tags, type, desc };
}

export const INFO_FIELDS: readonly InfoField[] = [
  inf(0, "Name", "POS", "str", "Product name"),
  inf(1, "Version", "POS", "str", "Product version"),
  inf(2, "Release_date", "POS", "str", "Date of latest source code update"),
  inf(3, "Nbthread", "CGS", "u32", "Number of started threads (global.nbthread)"),
  inf(4, "Nbproc", "CGS", "u32", "Number of started worker processes (historical, always 1)"),
  inf(5, "Process_num", "KGP", "u32", "Relative worker process number (1)"),
  inf(6, "Pid", "SGP", "u32", "This worker process identifier for the system"),
  inf(7, "Uptime", "MDP", "str", "How long ago this worker process was started (days+hours+minutes+seconds)"),
  inf(8, "Uptime_sec", "MDP", "u32", "How long ago this worker process was started (seconds)"),
  inf(9, "Memmax_MB", "CLP", "u32", "Worker process's hard limit on memory usage in MB (-m on command line)"),
  inf(10, "PoolAlloc_MB", "MGP", "u32", "Amount of memory allocated in pools (in MB)"),
  inf(11, "PoolUsed_MB", "MGP", "u32", "Amount of pool memory currently used (in MB)"),
  inf(12, "PoolFailed", "MCP", "u32", "Number of failed pool allocations since this worker was started"),
  inf(13, "Ulimit-n", "CLP", "u32", "Hard limit on the number of per-process file descriptors"),
  inf(14, "Maxsock", "CLP", "u32", "Hard limit on the number of per-process sockets"),
  inf(15, "Maxconn", "CLP", "u32", "Hard limit on the number of per-process connections (configured or imposed by Ulimit-n)"),
  inf(16, "Hard_maxconn", "CLP", "u32", "Hard limit on the number of per-process connections (imposed by Memmax_MB or Ulimit-n)"),
  inf(17, "CurrConns", "MGP", "u32", "Current number of connections on this worker process"),
  inf(18, "CumConns", "MCP", "u32", "Total number of connections on this worker process since started"),
  inf(19, "CumReq", "MCP", "u32", "Total number of requests on this worker process since started"),
  inf(20, "MaxSslConns", "MMP", "u32", "Hard limit on the number of per-process SSL endpoints (front+back), 0=unlimited"),
  inf(21, "CurrSslConns", "MGP", "u32", "Current number of SSL endpoints on this worker process (front+back)"),
  inf(22, "CumSslConns", "MCP", "u32", "Total number of SSL endpoints on this worker process since started (front+back)"),
  inf(23, "Maxpipes", "CLP", "u32", "Hard limit on the number of pipes for splicing, 0=unlimited"),
  inf(24, "PipesUsed", "MGP", "u32", "Current number of pipes in use in this worker process"),
  inf(25, "PipesFree", "MGP", "u32", "Current number of allocated and available pipes in this worker process"),
  inf(26, "ConnRate", "MRP", "u32", "Number of front connections created on this worker process over the last second"),
  inf(27, "ConnRateLimit", "CLP", "u32", "Hard limit for ConnRate (global.maxconnrate)"),
  inf(28, "MaxConnRate", "MMP", "u32", "Highest ConnRate reached on this worker process since started (in connections per second)"),
  inf(29, "SessRate", "MRP", "u32", "Number of sessions created on this worker process over the last second"),
  inf(30, "SessRateLimit", "CLP", "u32", "Hard limit for SessRate (global.maxsessrate)"),
  inf(31, "MaxSessRate", "MRP", "u32", "Highest SessRate reached on this worker process since started (in sessions per second)"),
  inf(32, "SslRate", "MRP", "u32", "Number of SSL connections created on this worker process over the last second"),
  inf(33, "SslRateLimit", "CLP", "u32", "Hard limit for SslRate (global.maxsslrate)"),
  inf(34, "MaxSslRate", "MMP", "u32", "Highest SslRate reached on this worker process since started (in connections per second)"),
  inf(35, "SslFrontendKeyRate", "MGP", "u32", "Number of SSL keys created on frontends in this worker process over the last second"),
  inf(36, "SslFrontendMaxKeyRate", "MMP", "u32", "Highest SslFrontendKeyRate reached on this worker process since started (in SSL keys per second)"),
  inf(37, "SslFrontendSessionReuse_pct", "MGP", "u32", "Percent of frontend SSL connections which did not require a new key"),
  inf(38, "SslBackendKeyRate", "MRP", "u32", "Number of SSL keys created on backends in this worker process over the last second"),
  inf(39, "SslBackendMaxKeyRate", "MMP", "u32", "Highest SslBackendKeyRate reached on this worker process since started (in SSL keys per second)"),
  inf(40, "SslCacheLookups", "MCP", "u32", "Total number of SSL session ID lookups in the SSL session cache on this worker since started"),
  inf(41, "SslCacheMisses", "MCP", "u32", "Total number of SSL session ID lookups that didn't find a session in the SSL session cache on this worker since started"),
  inf(42, "CompressBpsIn", "MRP", "u32", "Number of bytes submitted to the HTTP compressor in this worker process over the last second"),
  inf(43, "CompressBpsOut", "MRP", "u32", "Number of bytes emitted by the HTTP compressor in this worker process over the last second"),
  inf(44, "CompressBpsRateLim", "CLP", "u32", "Limit of CompressBpsOut beyond which HTTP compression is automatically disabled"),
  inf(47, "Tasks", "MGP", "u32", "Total number of tasks in the current worker process (active + sleeping)"),
  inf(48, "Run_queue", "MGP", "u32", "Total number of active tasks+tasklets in the current worker process"),
  inf(49, "Idle_pct", "MaP", "u32", "Percentage of last second spent waiting in the current worker thread"),
  inf(50, "node", "COS", "str", "Node name (global.node)"),
  inf(51, "description", "COS", "str", "Node description (global.description)"),
  inf(52, "Stopping", "MGP", "u32", "1 if the worker process is currently stopping, otherwise zero"),
  inf(53, "Jobs", "MGP", "u32", "Current number of active jobs on the current worker process (frontend connections, master connections, listeners)"),
  inf(54, "Unstoppable Jobs", "MGP", "u32", "Current number of unstoppable jobs on the current worker process (master connections)"),
  inf(55, "Listeners", "MGP", "u32", "Current number of active listeners on the current worker process"),
  inf(56, "ActivePeers", "MGP", "u32", "Current number of verified active peers connections on the current worker process"),
  inf(57, "ConnectedPeers", "MGP", "u32", "Current number of peers having passed the connection step on the current worker process"),
  inf(58, "DroppedLogs", "MGP", "u32", "Total number of dropped logs for current worker process since started"),
  inf(59, "BusyPolling", "MGP", "u32", "1 if busy-polling is currently in use on the worker process, otherwise zero (config.busy-polling)"),
  inf(60, "FailedResolutions", "MGP", "u32", "Total number of failed DNS resolutions in current worker process since started"),
  inf(61, "TotalBytesOut", "MGP", "u64", "Total number of bytes emitted by current worker process since started"),
  inf(62, "TotalSplicdedBytesOut", "MGP", "u64", "Total number of bytes emitted by current worker process through a kernel pipe since started"),
  inf(63, "BytesOutRate", "MRP", "u64", "Number of bytes emitted by current worker process over the last second"),
  inf(64, "DebugCommandsIssued", "MGP", "u32", "Number of debug commands issued on this process (anything > 0 is unsafe)"),
  inf(65, "CumRecvLogs", "MCP", "u32", "Total number of log messages received by log-forwarding listeners on this worker process since started"),
  inf(66, "Build info", "POS", "str", "Build info"),
  inf(67, "Memmax_bytes", "CLP", "u32", "Worker process's hard limit on memory usage in byes (-m on command line)"),
  inf(68, "PoolAlloc_bytes", "MGP", "u64", "Amount of memory allocated in pools (in bytes)"),
  inf(69, "PoolUsed_bytes", "MGP", "u64", "Amount of pool memory currently used (in bytes)"),
  inf(70, "Start_time_sec", "MDP", "u32", "Start time in seconds"),
  inf(71, "Tainted", "SGP", "str", "Experimental features used"),
];

/** What `show version` and the Version field print. */
export const SLUICE_VERSION = '2.6.12-sluice';
export const SLUICE_RELEASE_DATE = '2026/11/23';

/** Process-wide maxima tracked across reads (HAProxy keeps them in global counters). */
const maxima = { connRate: 0, sessRate: 0, lastOutMs: 0, lastOut: 0, outRate: 0 };

export function formatUptime(sec: number): string {
  const d = Math.floor(sec / 86400);
  const h = Math.floor((sec % 86400) / 3600);
  const m = Math.floor((sec % 3600) / 60);
  const s = sec % 60;
  return d + 'd ' + h + 'h' + (m < 10 ? '0' : '') + m + 'm' + (s < 10 ? '0' : '') + s + 's';
}

/**
 * Values of every info field, indexed by `pos` (undefined = not printed). `float` gives Uptime_sec and the rates
 * with decimals, as `show info float` does.
 */
export function infoValues(src: StatsSource, now: number, float: boolean): StatVal[] {
  const v: StatVal[] = new Array<StatVal>(72);
  const g = src.global;
  let cumConns = processTotals.conns, cumReq = processTotals.req, bytesOut = processTotals.bytesOut;
  let connRate = 0, sessRate = 0, listeners = 0, maxCps = 0, maxSps = 0;
  for (const px of src.proxies) {
    if ((px.cap & PR_CAP_FE) === 0) continue;
    const c = px.feCounters;
    // 2.6 counts streams: one per HTTP request (a request rejected by the parser has none), one per TCP session
    cumConns += c.cumConn; cumReq += px.mode === PR_MODE_HTTP ? c.cumReq - c.failedReq : c.cumSess; bytesOut += c.bytesOut;
    connRate += readFreqCtr(c.connPerSec, now); sessRate += readFreqCtr(c.sessPerSec, now);
    if (c.cpsMax > maxCps) maxCps = c.cpsMax;
    if (c.spsMax > maxSps) maxSps = c.spsMax;
    if (!px.disabled && px.state !== PR_STATE_STOPPED) listeners += px.binds.length; // shut down: listeners closed
  }
  if (connRate > maxima.connRate) maxima.connRate = connRate;
  if (maxCps > maxima.connRate) maxima.connRate = maxCps;
  if (sessRate > maxima.sessRate) maxima.sessRate = sessRate;
  if (maxSps > maxima.sessRate) maxima.sessRate = maxSps;
  if (now - maxima.lastOutMs >= 1000) {
    if (maxima.lastOutMs > 0) maxima.outRate = Math.round(((bytesOut - maxima.lastOut) * 1000) / (now - maxima.lastOutMs));
    maxima.lastOutMs = now; maxima.lastOut = bytesOut;
  }
  // the CLI's own connections, streams and output count too, and its sockets are listeners
  cumConns += cliTraffic.cumConns + processSessions.checks; cumReq += cliTraffic.cumConns; bytesOut += cliTraffic.bytesOut;
  listeners += statsGlobalCfg(g).sockets.length;
  const upMs = now - src.startMs;
  const upSec = Math.floor(upMs / 1000);
  const mem = process.memoryUsage();
  const maxconn = globalMaxconn(src);
  const actconn = src.actconn();
  v[0] = 'HAProxy'; v[1] = SLUICE_VERSION; v[2] = SLUICE_RELEASE_DATE; v[3] = g.nbthread; v[4] = 1; v[5] = 1;
  v[6] = src.pid; v[7] = formatUptime(upSec); v[8] = float ? (upMs / 1000).toFixed(6) : upSec;
  v[9] = 0; v[10] = Math.floor(mem.heapTotal / 1048576); v[11] = Math.floor(mem.heapUsed / 1048576); v[12] = 0;
  const maxsock = maxconn * 2 + fdReserve(g, src.proxies);
  v[13] = maxsock; v[14] = maxsock; v[15] = processRateLimits.maxconn > 0 ? processRateLimits.maxconn : maxconn; v[16] = maxconn;
  v[17] = actconn; v[18] = cumConns; v[19] = cumReq; v[20] = 0; v[21] = 0; v[22] = 0;
  v[23] = 0; v[24] = 0; v[25] = 0;
  v[26] = float ? connRate.toFixed(3).replace(/\.?0+$/, '') : connRate; v[27] = processRateLimits.conn; v[28] = maxima.connRate;
  v[29] = float ? sessRate.toFixed(3).replace(/\.?0+$/, '') : sessRate; v[30] = processRateLimits.sess; v[31] = maxima.sessRate;
  for (let i = 32; i <= 44; i++) v[i] = 0;
  v[33] = processRateLimits.ssl; v[44] = processRateLimits.compKb * 1024;
  v[47] = src.proxies.length + 8; v[48] = 0; v[49] = 100;
  v[50] = g.node !== '' ? g.node : hostname();
  if (g.description !== '') v[51] = g.description;
  v[52] = 0; v[53] = actconn + listeners + cliTraffic.cur; v[54] = 0; v[55] = listeners; v[56] = 0; v[57] = 0; v[58] = 0; v[59] = 0;
  v[60] = 0; v[61] = bytesOut; v[62] = 0; v[63] = maxima.outRate; v[64] = 0; v[65] = 0; v[66] = SLUICE_VERSION;
  v[67] = 0; v[68] = mem.heapTotal; v[69] = mem.heapUsed; v[70] = Math.floor(src.startMs / 1000); v[71] = '0';
  return v;
}

/** Output forms of `show info`. */
export const INFO_PLAIN = 0;
export const INFO_TYPED = 1;
export const INFO_JSON = 2;

/** The whole `show info` reply body (without the CLI terminator). */
export function renderInfo(src: StatsSource, form: number, desc: boolean, float: boolean, now: number = Date.now()): string {
  const v = infoValues(src, now, float);
  if (form === INFO_JSON) {
    const parts: string[] = [];
    for (const f of INFO_FIELDS) {
      const x = v[f.pos];
      if (x === undefined) continue;
      parts.push('{"field":{"pos":' + f.pos + ',"name":"' + f.name + '"},"processNum":1,"tags":' + jsonTags(f.tags) +
        ',"value":{"type":"' + f.type + '","value":' + (f.type === 'str' ? JSON.stringify(String(x)) : String(x)) + '}}');
    }
    return '[' + parts.join(',') + ']\n';
  }
  let s = '';
  for (const f of INFO_FIELDS) {
    const x = v[f.pos];
    if (x === undefined) continue;
    if (form === INFO_TYPED) s += f.pos + '.' + f.name + '.1:' + f.tags + ':' + f.type + ':' + x;
    else s += f.name + ': ' + x;
    if (desc) s += ':"' + f.desc + '"';
    s += '\n';
  }
  return s;
}
