/*
 * The Prometheus exporter (`http-request use-service prometheus-exporter`): HAProxy 2.6's metric families for
 * frontends, listeners, backends and servers, read from the same stats rows as the CLI (columns.ts via fill.ts),
 * and the process families (`haproxy_process_*`, from the `show info` values), with `?scope=` filtering (repeatable:
 * global, frontend, listener, backend, server). Times are in seconds. Entry point for the HTTP side:
 * servePrometheus(query). Hot path: no.
 */
import type { StatsSource, StatVal, StatsRawReply } from './types.ts';
import * as F from './columns.ts';
import { walkStats, srvStatusText, SRV_ADMF_MAINT } from './fill.ts';
import type { Proxy, Server } from '../model/types.ts';
import { PR_MODE_HTTP } from '../model/types.ts';
import { HCHK_STATUS_NAMES } from '../checks/types.ts';
import { newStatDumpOpts } from './cli-commands.ts';
import { ACCESS_LVL_ADMIN } from './types.ts';
import { infoValues } from './info.ts';
import { OutBuf } from './out-buf.ts';
import { currentStatsSource } from './runtime.ts';
import { statsReplyBytes } from './html.ts';

/** Process families: [name, type, `show info` field index, help], in 2.6's order. */
const PROCESS_METRICS: readonly (readonly [string, string, number, string])[] = [
  ['haproxy_process_nbthread', 'gauge', 3, 'Number of started threads (global.nbthread)'],
  ['haproxy_process_nbproc', 'gauge', 4, 'Number of started worker processes (historical, always 1)'],
  ['haproxy_process_relative_process_id', 'gauge', 5, 'Relative worker process number (1)'],
  ['haproxy_process_uptime_seconds', 'gauge', 8, 'How long ago this worker process was started (seconds)'],
  ['haproxy_process_pool_failures_total', 'counter', 12, 'Number of failed pool allocations since this worker was started'],
  ['haproxy_process_max_fds', 'gauge', 13, 'Hard limit on the number of per-process file descriptors'],
  ['haproxy_process_max_sockets', 'gauge', 14, 'Hard limit on the number of per-process sockets'],
  ['haproxy_process_max_connections', 'gauge', 15, 'Hard limit on the number of per-process connections (configured or imposed by Ulimit-n)'],
  ['haproxy_process_hard_max_connections', 'gauge', 16, 'Hard limit on the number of per-process connections (imposed by Memmax_MB or Ulimit-n)'],
  ['haproxy_process_current_connections', 'gauge', 17, 'Current number of connections on this worker process'],
  ['haproxy_process_connections_total', 'counter', 18, 'Total number of connections on this worker process since started'],
  ['haproxy_process_requests_total', 'counter', 19, 'Total number of requests on this worker process since started'],
  ['haproxy_process_max_ssl_connections', 'gauge', 20, 'Hard limit on the number of per-process SSL endpoints (front+back), 0=unlimited'],
  ['haproxy_process_current_ssl_connections', 'gauge', 21, 'Current number of SSL endpoints on this worker process (front+back)'],
  ['haproxy_process_ssl_connections_total', 'counter', 22, 'Total number of SSL endpoints on this worker process since started (front+back)'],
  ['haproxy_process_max_pipes', 'gauge', 23, 'Hard limit on the number of pipes for splicing, 0=unlimited'],
  ['haproxy_process_pipes_used_total', 'counter', 24, 'Current number of pipes in use in this worker process'],
  ['haproxy_process_pipes_free_total', 'counter', 25, 'Current number of allocated and available pipes in this worker process'],
  ['haproxy_process_current_connection_rate', 'gauge', 26, 'Number of front connections created on this worker process over the last second'],
  ['haproxy_process_limit_connection_rate', 'gauge', 27, 'Hard limit for ConnRate (global.maxconnrate)'],
  ['haproxy_process_max_connection_rate', 'gauge', 28, 'Highest ConnRate reached on this worker process since started (in connections per second)'],
  ['haproxy_process_current_session_rate', 'gauge', 29, 'Number of sessions created on this worker process over the last second'],
  ['haproxy_process_limit_session_rate', 'gauge', 30, 'Hard limit for SessRate (global.maxsessrate)'],
  ['haproxy_process_max_session_rate', 'gauge', 31, 'Highest SessRate reached on this worker process since started (in sessions per second)'],
  ['haproxy_process_current_ssl_rate', 'gauge', 32, 'Number of SSL connections created on this worker process over the last second'],
  ['haproxy_process_limit_ssl_rate', 'gauge', 33, 'Hard limit for SslRate (global.maxsslrate)'],
  ['haproxy_process_max_ssl_rate', 'gauge', 34, 'Highest SslRate reached on this worker process since started (in connections per second)'],
  ['haproxy_process_current_frontend_ssl_key_rate', 'gauge', 35, 'Number of SSL keys created on frontends in this worker process over the last second'],
  ['haproxy_process_max_frontend_ssl_key_rate', 'gauge', 36, 'Highest SslFrontendKeyRate reached on this worker process since started (in SSL keys per second)'],
  ['haproxy_process_frontend_ssl_reuse', 'gauge', 37, 'Percent of frontend SSL connections which did not require a new key'],
  ['haproxy_process_current_backend_ssl_key_rate', 'gauge', 38, 'Number of SSL keys created on backends in this worker process over the last second'],
  ['haproxy_process_max_backend_ssl_key_rate', 'gauge', 39, 'Highest SslBackendKeyRate reached on this worker process since started (in SSL keys per second)'],
  ['haproxy_process_ssl_cache_lookups_total', 'counter', 40, 'Total number of SSL session ID lookups in the SSL session cache on this worker since started'],
  ['haproxy_process_ssl_cache_misses_total', 'counter', 41, "Total number of SSL session ID lookups that didn't find a session in the SSL session cache on this worker since started"],
  ['haproxy_process_http_comp_bytes_in_total', 'counter', 42, 'Number of bytes submitted to the HTTP compressor in this worker process over the last second'],
  ['haproxy_process_http_comp_bytes_out_total', 'counter', 43, 'Number of bytes emitted by the HTTP compressor in this worker process over the last second'],
  ['haproxy_process_limit_http_comp', 'gauge', 44, 'Limit of CompressBpsOut beyond which HTTP compression is automatically disabled'],
  ['haproxy_process_current_zlib_memory', 'gauge', 45, 'Amount of memory currently used by HTTP compression on the current worker process (in bytes)'],
  ['haproxy_process_max_zlib_memory', 'gauge', 46, 'Limit on the amount of memory used by HTTP compression above which it is automatically disabled (in bytes, see global.maxzlibmem)'],
  ['haproxy_process_current_tasks', 'gauge', 47, 'Total number of tasks in the current worker process (active + sleeping)'],
  ['haproxy_process_current_run_queue', 'gauge', 48, 'Total number of active tasks+tasklets in the current worker process'],
  ['haproxy_process_idle_time_percent', 'gauge', 49, 'Percentage of last second spent waiting in the current worker thread'],
  ['haproxy_process_stopping', 'gauge', 52, '1 if the worker process is currently stopping, otherwise zero'],
  ['haproxy_process_jobs', 'gauge', 53, 'Current number of active jobs on the current worker process (frontend connections, master connections, listeners)'],
  ['haproxy_process_unstoppable_jobs', 'gauge', 54, 'Current number of unstoppable jobs on the current worker process (master connections)'],
  ['haproxy_process_listeners', 'gauge', 55, 'Current number of active listeners on the current worker process'],
  ['haproxy_process_active_peers', 'gauge', 56, 'Current number of verified active peers connections on the current worker process'],
  ['haproxy_process_connected_peers', 'gauge', 57, 'Current number of peers having passed the connection step on the current worker process'],
  ['haproxy_process_dropped_logs_total', 'counter', 58, 'Total number of dropped logs for current worker process since started'],
  ['haproxy_process_busy_polling_enabled', 'gauge', 59, '1 if busy-polling is currently in use on the worker process, otherwise zero (config.busy-polling)'],
  ['haproxy_process_failed_resolutions', 'counter', 60, 'Total number of failed DNS resolutions in current worker process since started'],
  ['haproxy_process_bytes_out_total', 'counter', 61, 'Total number of bytes emitted by current worker process since started'],
  ['haproxy_process_spliced_bytes_out_total', 'counter', 62, 'Total number of bytes emitted by current worker process through a kernel pipe since started'],
  ['haproxy_process_bytes_out_rate', 'gauge', 63, 'Number of bytes emitted by current worker process over the last second'],
  ['haproxy_process_recv_logs_total', 'counter', 65, 'Total number of log messages received by log-forwarding listeners on this worker process since started'],
  ['haproxy_process_build_info', 'gauge', 66, 'Build info'],
  ['haproxy_process_max_memory_bytes', 'gauge', 67, "Worker process's hard limit on memory usage in byes (-m on command line)"],
  ['haproxy_process_pool_allocated_bytes', 'gauge', 68, 'Amount of memory allocated in pools (in bytes)'],
  ['haproxy_process_pool_used_bytes', 'gauge', 69, 'Amount of pool memory currently used (in bytes)'],
  ['haproxy_process_start_time_seconds', 'gauge', 70, 'Start time in seconds'],
];
const INFO_BUILD_INFO = 66;
const INFO_NAN = new Set([45, 46]);  // zlib memory: SLZ builds (and Sluice) have no zlib, 2.6 prints NaN

function renderProcess(src: StatsSource, now: number): string {
  const v = infoValues(src, now, false);
  let out = '';
  for (const [name, type, idx, help] of PROCESS_METRICS) {
    let line: string;
    if (idx === INFO_BUILD_INFO) line = name + '{version="' + String(v[1]) + '"} 1';
    else if (INFO_NAN.has(idx)) line = name + ' NaN';
    else line = name + ' ' + (typeof v[idx] === 'number' ? v[idx] : Number(v[idx] ?? 0) || 0);
    out += '# HELP ' + name + ' ' + help + '\n# TYPE ' + name + ' ' + type + '\n' + line + '\n';
  }
  return out;
}

type Metric = [obj: string, name: string, type: string, col: number, div: number, help: string];

/** [object letter F/L/B/S, metric name, type, column (-1 = special), divisor, help], in 2.6's order. */
const METRICS: readonly Metric[] = [
  ['F', 'haproxy_frontend_current_sessions', 'gauge', F.ST_F_SCUR, 1, 'Number of current sessions on the frontend, backend or server'],
  ['F', 'haproxy_frontend_max_sessions', 'gauge', F.ST_F_SMAX, 1, 'Highest value of current sessions encountered since process started'],
  ['F', 'haproxy_frontend_limit_sessions', 'gauge', F.ST_F_SLIM, 1, "Frontend/listener/server's maxconn, backend's fullconn"],
  ['F', 'haproxy_frontend_sessions_total', 'counter', F.ST_F_STOT, 1, 'Total number of sessions since process started'],
  ['F', 'haproxy_frontend_bytes_in_total', 'counter', F.ST_F_BIN, 1, 'Total number of request bytes since process started'],
  ['F', 'haproxy_frontend_bytes_out_total', 'counter', F.ST_F_BOUT, 1, 'Total number of response bytes since process started'],
  ['F', 'haproxy_frontend_requests_denied_total', 'counter', F.ST_F_DREQ, 1, 'Total number of denied requests since process started'],
  ['F', 'haproxy_frontend_responses_denied_total', 'counter', F.ST_F_DRESP, 1, 'Total number of denied responses since process started'],
  ['F', 'haproxy_frontend_request_errors_total', 'counter', F.ST_F_EREQ, 1, 'Total number of invalid requests since process started'],
  ['F', 'haproxy_frontend_status', 'gauge', -1, 0, 'Current status of the service, per state label value.'],
  ['F', 'haproxy_frontend_limit_session_rate', 'gauge', F.ST_F_RATE_LIM, 1, "Limit on the number of sessions accepted in a second (frontend only, 'rate-limit sessions' setting)"],
  ['F', 'haproxy_frontend_max_session_rate', 'gauge', F.ST_F_RATE_MAX, 1, 'Highest value of sessions per second observed since the worker process started'],
  ['F', 'haproxy_frontend_http_responses_total', 'counter', -1, 0, 'Total number of HTTP responses with status 100-199 returned by this object since the worker process started'],
  ['F', 'haproxy_frontend_http_requests_rate_max', 'gauge', F.ST_F_REQ_RATE_MAX, 1, 'Highest value of http requests observed since the worker process started'],
  ['F', 'haproxy_frontend_http_requests_total', 'counter', F.ST_F_REQ_TOT, 1, 'Total number of HTTP requests processed by this object since the worker process started'],
  ['F', 'haproxy_frontend_http_comp_bytes_in_total', 'counter', F.ST_F_COMP_IN, 1, 'Total number of bytes submitted to the HTTP compressor for this object since the worker process started'],
  ['F', 'haproxy_frontend_http_comp_bytes_out_total', 'counter', F.ST_F_COMP_OUT, 1, 'Total number of bytes emitted by the HTTP compressor for this object since the worker process started'],
  ['F', 'haproxy_frontend_http_comp_bytes_bypassed_total', 'counter', F.ST_F_COMP_BYP, 1, 'Total number of bytes that bypassed HTTP compression for this object since the worker process started (CPU/memory/bandwidth limitation)'],
  ['F', 'haproxy_frontend_http_comp_responses_total', 'counter', F.ST_F_COMP_RSP, 1, 'Total number of HTTP responses that were compressed for this object since the worker process started'],
  ['F', 'haproxy_frontend_connections_rate_max', 'gauge', F.ST_F_CONN_RATE_MAX, 1, 'Highest value of connections per second observed since the worker process started'],
  ['F', 'haproxy_frontend_connections_total', 'counter', F.ST_F_CONN_TOT, 1, 'Total number of new connections accepted on this frontend since the worker process started'],
  ['F', 'haproxy_frontend_intercepted_requests_total', 'counter', F.ST_F_INTERCEPTED, 1, 'Total number of HTTP requests intercepted on the frontend (redirects/stats/services) since the worker process started'],
  ['F', 'haproxy_frontend_denied_connections_total', 'counter', F.ST_F_DCON, 1, 'Total number of incoming connections blocked on a listener/frontend by a tcp-request connection rule since the worker process started'],
  ['F', 'haproxy_frontend_denied_sessions_total', 'counter', F.ST_F_DSES, 1, 'Total number of incoming sessions blocked on a listener/frontend by a tcp-request connection rule since the worker process started'],
  ['F', 'haproxy_frontend_failed_header_rewriting_total', 'counter', F.ST_F_WREW, 1, 'Total number of failed HTTP header rewrites since the worker process started'],
  ['F', 'haproxy_frontend_http_cache_lookups_total', 'counter', F.ST_F_CACHE_LOOKUPS, 1, 'Total number of HTTP requests looked up in the cache on this frontend/backend since the worker process started'],
  ['F', 'haproxy_frontend_http_cache_hits_total', 'counter', F.ST_F_CACHE_HITS, 1, 'Total number of HTTP requests not found in the cache on this frontend/backend since the worker process started'],
  ['F', 'haproxy_frontend_internal_errors_total', 'counter', F.ST_F_EINT, 1, 'Total number of internal errors since process started'],
  ['L', 'haproxy_listener_current_sessions', 'gauge', F.ST_F_SCUR, 1, 'Number of current sessions on the frontend, backend or server'],
  ['L', 'haproxy_listener_max_sessions', 'gauge', F.ST_F_SMAX, 1, 'Highest value of current sessions encountered since process started'],
  ['L', 'haproxy_listener_limit_sessions', 'gauge', F.ST_F_SLIM, 1, "Frontend/listener/server's maxconn, backend's fullconn"],
  ['L', 'haproxy_listener_sessions_total', 'counter', F.ST_F_STOT, 1, 'Total number of sessions since process started'],
  ['L', 'haproxy_listener_bytes_in_total', 'counter', F.ST_F_BIN, 1, 'Total number of request bytes since process started'],
  ['L', 'haproxy_listener_bytes_out_total', 'counter', F.ST_F_BOUT, 1, 'Total number of response bytes since process started'],
  ['L', 'haproxy_listener_requests_denied_total', 'counter', F.ST_F_DREQ, 1, 'Total number of denied requests since process started'],
  ['L', 'haproxy_listener_responses_denied_total', 'counter', F.ST_F_DRESP, 1, 'Total number of denied responses since process started'],
  ['L', 'haproxy_listener_request_errors_total', 'counter', F.ST_F_EREQ, 1, 'Total number of invalid requests since process started'],
  ['L', 'haproxy_listener_status', 'gauge', -1, 0, 'Current status of the service, per state label value.'],
  ['L', 'haproxy_listener_denied_connections_total', 'counter', F.ST_F_DCON, 1, 'Total number of incoming connections blocked on a listener/frontend by a tcp-request connection rule since the worker process started'],
  ['L', 'haproxy_listener_denied_sessions_total', 'counter', F.ST_F_DSES, 1, 'Total number of incoming sessions blocked on a listener/frontend by a tcp-request connection rule since the worker process started'],
  ['L', 'haproxy_listener_failed_header_rewriting_total', 'counter', F.ST_F_WREW, 1, 'Total number of failed HTTP header rewrites since the worker process started'],
  ['L', 'haproxy_listener_internal_errors_total', 'counter', F.ST_F_EINT, 1, 'Total number of internal errors since process started'],
  ['B', 'haproxy_backend_current_queue', 'gauge', F.ST_F_QCUR, 1, 'Number of current queued connections'],
  ['B', 'haproxy_backend_max_queue', 'gauge', F.ST_F_QMAX, 1, 'Highest value of queued connections encountered since process started'],
  ['B', 'haproxy_backend_current_sessions', 'gauge', F.ST_F_SCUR, 1, 'Number of current sessions on the frontend, backend or server'],
  ['B', 'haproxy_backend_max_sessions', 'gauge', F.ST_F_SMAX, 1, 'Highest value of current sessions encountered since process started'],
  ['B', 'haproxy_backend_limit_sessions', 'gauge', F.ST_F_SLIM, 1, "Frontend/listener/server's maxconn, backend's fullconn"],
  ['B', 'haproxy_backend_sessions_total', 'counter', F.ST_F_STOT, 1, 'Total number of sessions since process started'],
  ['B', 'haproxy_backend_bytes_in_total', 'counter', F.ST_F_BIN, 1, 'Total number of request bytes since process started'],
  ['B', 'haproxy_backend_bytes_out_total', 'counter', F.ST_F_BOUT, 1, 'Total number of response bytes since process started'],
  ['B', 'haproxy_backend_requests_denied_total', 'counter', F.ST_F_DREQ, 1, 'Total number of denied requests since process started'],
  ['B', 'haproxy_backend_responses_denied_total', 'counter', F.ST_F_DRESP, 1, 'Total number of denied responses since process started'],
  ['B', 'haproxy_backend_connection_errors_total', 'counter', F.ST_F_ECON, 1, 'Total number of failed connections to server since the worker process started'],
  ['B', 'haproxy_backend_response_errors_total', 'counter', F.ST_F_ERESP, 1, 'Total number of invalid responses since the worker process started'],
  ['B', 'haproxy_backend_retry_warnings_total', 'counter', F.ST_F_WRETR, 1, 'Total number of server connection retries since the worker process started'],
  ['B', 'haproxy_backend_redispatch_warnings_total', 'counter', F.ST_F_WREDIS, 1, 'Total number of server redispatches due to connection failures since the worker process started'],
  ['B', 'haproxy_backend_status', 'gauge', -1, 0, 'Current status of the service, per state label value.'],
  ['B', 'haproxy_backend_weight', 'gauge', F.ST_F_WEIGHT, 1, "Server's effective weight, or sum of active servers' effective weights for a backend"],
  ['B', 'haproxy_backend_active_servers', 'gauge', F.ST_F_ACT, 1, 'Total number of active UP servers with a non-zero weight'],
  ['B', 'haproxy_backend_backup_servers', 'gauge', F.ST_F_BCK, 1, 'Total number of backup UP servers with a non-zero weight'],
  ['B', 'haproxy_backend_check_up_down_total', 'counter', F.ST_F_CHKDOWN, 1, 'Total number of failed checks causing UP to DOWN server transitions, per server/backend, since the worker process started'],
  ['B', 'haproxy_backend_check_last_change_seconds', 'gauge', F.ST_F_LASTCHG, 1, 'How long ago the last server state changed, in seconds'],
  ['B', 'haproxy_backend_downtime_seconds_total', 'counter', F.ST_F_DOWNTIME, 1, 'Total time spent in DOWN state, for server or backend'],
  ['B', 'haproxy_backend_loadbalanced_total', 'counter', F.ST_F_LBTOT, 1, 'Total number of requests routed by load balancing since the worker process started (ignores queue pop and stickiness)'],
  ['B', 'haproxy_backend_max_session_rate', 'gauge', F.ST_F_RATE_MAX, 1, 'Highest value of sessions per second observed since the worker process started'],
  ['B', 'haproxy_backend_http_responses_total', 'counter', -1, 0, 'Total number of HTTP responses with status 100-199 returned by this object since the worker process started'],
  ['B', 'haproxy_backend_http_requests_total', 'counter', F.ST_F_REQ_TOT, 1, 'Total number of HTTP requests processed by this object since the worker process started'],
  ['B', 'haproxy_backend_client_aborts_total', 'counter', F.ST_F_CLI_ABRT, 1, 'Total number of requests or connections aborted by the client since the worker process started'],
  ['B', 'haproxy_backend_server_aborts_total', 'counter', F.ST_F_SRV_ABRT, 1, 'Total number of requests or connections aborted by the server since the worker process started'],
  ['B', 'haproxy_backend_http_comp_bytes_in_total', 'counter', F.ST_F_COMP_IN, 1, 'Total number of bytes submitted to the HTTP compressor for this object since the worker process started'],
  ['B', 'haproxy_backend_http_comp_bytes_out_total', 'counter', F.ST_F_COMP_OUT, 1, 'Total number of bytes emitted by the HTTP compressor for this object since the worker process started'],
  ['B', 'haproxy_backend_http_comp_bytes_bypassed_total', 'counter', F.ST_F_COMP_BYP, 1, 'Total number of bytes that bypassed HTTP compression for this object since the worker process started (CPU/memory/bandwidth limitation)'],
  ['B', 'haproxy_backend_http_comp_responses_total', 'counter', F.ST_F_COMP_RSP, 1, 'Total number of HTTP responses that were compressed for this object since the worker process started'],
  ['B', 'haproxy_backend_last_session_seconds', 'gauge', F.ST_F_LASTSESS, 1, 'How long ago some traffic was seen on this object on this worker process, in seconds'],
  ['B', 'haproxy_backend_queue_time_average_seconds', 'gauge', F.ST_F_QTIME, 1000, 'Avg. queue time for last 1024 successful connections.'],
  ['B', 'haproxy_backend_connect_time_average_seconds', 'gauge', F.ST_F_CTIME, 1000, 'Avg. connect time for last 1024 successful connections.'],
  ['B', 'haproxy_backend_response_time_average_seconds', 'gauge', F.ST_F_RTIME, 1000, 'Avg. response time for last 1024 successful connections.'],
  ['B', 'haproxy_backend_total_time_average_seconds', 'gauge', F.ST_F_TTIME, 1000, 'Avg. total time for last 1024 successful connections.'],
  ['B', 'haproxy_backend_failed_header_rewriting_total', 'counter', F.ST_F_WREW, 1, 'Total number of failed HTTP header rewrites since the worker process started'],
  ['B', 'haproxy_backend_connection_attempts_total', 'counter', F.ST_F_CONNECT, 1, 'Total number of outgoing connection attempts on this backend/server since the worker process started'],
  ['B', 'haproxy_backend_connection_reuses_total', 'counter', F.ST_F_REUSE, 1, 'Total number of reused connection on this backend/server since the worker process started'],
  ['B', 'haproxy_backend_http_cache_lookups_total', 'counter', F.ST_F_CACHE_LOOKUPS, 1, 'Total number of HTTP requests looked up in the cache on this frontend/backend since the worker process started'],
  ['B', 'haproxy_backend_http_cache_hits_total', 'counter', F.ST_F_CACHE_HITS, 1, 'Total number of HTTP requests not found in the cache on this frontend/backend since the worker process started'],
  ['B', 'haproxy_backend_max_queue_time_seconds', 'gauge', F.ST_F_QTIME_MAX, 1000, 'Maximum observed time spent in the queue'],
  ['B', 'haproxy_backend_max_connect_time_seconds', 'gauge', F.ST_F_CTIME_MAX, 1000, 'Maximum observed time spent waiting for a connection to complete'],
  ['B', 'haproxy_backend_max_response_time_seconds', 'gauge', F.ST_F_RTIME_MAX, 1000, 'Maximum observed time spent waiting for a server response'],
  ['B', 'haproxy_backend_max_total_time_seconds', 'gauge', F.ST_F_TTIME_MAX, 1000, 'Maximum observed total request+response time (request+queue+connect+response+processing)'],
  ['B', 'haproxy_backend_internal_errors_total', 'counter', F.ST_F_EINT, 1, 'Total number of internal errors since process started'],
  ['B', 'haproxy_backend_uweight', 'gauge', F.ST_F_UWEIGHT, 1, "Server's user weight, or sum of active servers' user weights for a backend"],
  ['B', 'haproxy_backend_agg_server_status', 'gauge', -1, 0, "Backend's aggregated gauge of servers' status"],
  ['B', 'haproxy_backend_agg_server_check_status', 'gauge', -1, 0, "Backend's aggregated gauge of servers' state check status"],
  ['B', 'haproxy_backend_agg_check_status', 'gauge', -1, 0, "Backend's aggregated gauge of servers' state check status"],
  ['S', 'haproxy_server_current_queue', 'gauge', F.ST_F_QCUR, 1, 'Number of current queued connections'],
  ['S', 'haproxy_server_max_queue', 'gauge', F.ST_F_QMAX, 1, 'Highest value of queued connections encountered since process started'],
  ['S', 'haproxy_server_current_sessions', 'gauge', F.ST_F_SCUR, 1, 'Number of current sessions on the frontend, backend or server'],
  ['S', 'haproxy_server_max_sessions', 'gauge', F.ST_F_SMAX, 1, 'Highest value of current sessions encountered since process started'],
  ['S', 'haproxy_server_limit_sessions', 'gauge', F.ST_F_SLIM, 1, "Frontend/listener/server's maxconn, backend's fullconn"],
  ['S', 'haproxy_server_sessions_total', 'counter', F.ST_F_STOT, 1, 'Total number of sessions since process started'],
  ['S', 'haproxy_server_bytes_in_total', 'counter', F.ST_F_BIN, 1, 'Total number of request bytes since process started'],
  ['S', 'haproxy_server_bytes_out_total', 'counter', F.ST_F_BOUT, 1, 'Total number of response bytes since process started'],
  ['S', 'haproxy_server_responses_denied_total', 'counter', F.ST_F_DRESP, 1, 'Total number of denied responses since process started'],
  ['S', 'haproxy_server_connection_errors_total', 'counter', F.ST_F_ECON, 1, 'Total number of failed connections to server since the worker process started'],
  ['S', 'haproxy_server_response_errors_total', 'counter', F.ST_F_ERESP, 1, 'Total number of invalid responses since the worker process started'],
  ['S', 'haproxy_server_retry_warnings_total', 'counter', F.ST_F_WRETR, 1, 'Total number of server connection retries since the worker process started'],
  ['S', 'haproxy_server_redispatch_warnings_total', 'counter', F.ST_F_WREDIS, 1, 'Total number of server redispatches due to connection failures since the worker process started'],
  ['S', 'haproxy_server_status', 'gauge', -1, 0, 'Current status of the service, per state label value.'],
  ['S', 'haproxy_server_weight', 'gauge', F.ST_F_WEIGHT, 1, "Server's effective weight, or sum of active servers' effective weights for a backend"],
  ['S', 'haproxy_server_check_failures_total', 'counter', F.ST_F_CHKFAIL, 1, 'Total number of failed individual health checks per server/backend, since the worker process started'],
  ['S', 'haproxy_server_check_up_down_total', 'counter', F.ST_F_CHKDOWN, 1, 'Total number of failed checks causing UP to DOWN server transitions, per server/backend, since the worker process started'],
  ['S', 'haproxy_server_check_last_change_seconds', 'gauge', F.ST_F_LASTCHG, 1, 'How long ago the last server state changed, in seconds'],
  ['S', 'haproxy_server_downtime_seconds_total', 'counter', F.ST_F_DOWNTIME, 1, 'Total time spent in DOWN state, for server or backend'],
  ['S', 'haproxy_server_queue_limit', 'gauge', F.ST_F_QLIMIT, 1, 'Limit on the number of connections in queue, for servers only (maxqueue argument)'],
  ['S', 'haproxy_server_current_throttle', 'gauge', F.ST_F_THROTTLE, 1, "Throttling ratio applied to a server's maxconn and weight during the slowstart period (0 to 100%)"],
  ['S', 'haproxy_server_loadbalanced_total', 'counter', F.ST_F_LBTOT, 1, 'Total number of requests routed by load balancing since the worker process started (ignores queue pop and stickiness)'],
  ['S', 'haproxy_server_max_session_rate', 'gauge', F.ST_F_RATE_MAX, 1, 'Highest value of sessions per second observed since the worker process started'],
  ['S', 'haproxy_server_check_status', 'gauge', -1, 0, 'Status of last health check, per state label value.'],
  ['S', 'haproxy_server_check_code', 'gauge', F.ST_F_CHECK_CODE, 1, 'layer5-7 code, if available of the last health check.'],
  ['S', 'haproxy_server_check_duration_seconds', 'gauge', F.ST_F_CHECK_DURATION, 1000, 'Total duration of the latest server health check, in seconds.'],
  ['S', 'haproxy_server_http_responses_total', 'counter', -1, 0, 'Total number of HTTP responses with status 100-199 returned by this object since the worker process started'],
  ['S', 'haproxy_server_client_aborts_total', 'counter', F.ST_F_CLI_ABRT, 1, 'Total number of requests or connections aborted by the client since the worker process started'],
  ['S', 'haproxy_server_server_aborts_total', 'counter', F.ST_F_SRV_ABRT, 1, 'Total number of requests or connections aborted by the server since the worker process started'],
  ['S', 'haproxy_server_last_session_seconds', 'gauge', F.ST_F_LASTSESS, 1, 'How long ago some traffic was seen on this object on this worker process, in seconds'],
  ['S', 'haproxy_server_queue_time_average_seconds', 'gauge', F.ST_F_QTIME, 1000, 'Avg. queue time for last 1024 successful connections.'],
  ['S', 'haproxy_server_connect_time_average_seconds', 'gauge', F.ST_F_CTIME, 1000, 'Avg. connect time for last 1024 successful connections.'],
  ['S', 'haproxy_server_response_time_average_seconds', 'gauge', F.ST_F_RTIME, 1000, 'Avg. response time for last 1024 successful connections.'],
  ['S', 'haproxy_server_total_time_average_seconds', 'gauge', F.ST_F_TTIME, 1000, 'Avg. total time for last 1024 successful connections.'],
  ['S', 'haproxy_server_failed_header_rewriting_total', 'counter', F.ST_F_WREW, 1, 'Total number of failed HTTP header rewrites since the worker process started'],
  ['S', 'haproxy_server_connection_attempts_total', 'counter', F.ST_F_CONNECT, 1, 'Total number of outgoing connection attempts on this backend/server since the worker process started'],
  ['S', 'haproxy_server_connection_reuses_total', 'counter', F.ST_F_REUSE, 1, 'Total number of reused connection on this backend/server since the worker process started'],
  ['S', 'haproxy_server_idle_connections_current', 'gauge', F.ST_F_SRV_ICUR, 1, 'Current number of idle connections available for reuse on this server'],
  ['S', 'haproxy_server_idle_connections_limit', 'gauge', F.ST_F_SRC_ILIM, 1, "Limit on the number of available idle connections on this server (server 'pool_max_conn' directive)"],
  ['S', 'haproxy_server_max_queue_time_seconds', 'gauge', F.ST_F_QTIME_MAX, 1000, 'Maximum observed time spent in the queue'],
  ['S', 'haproxy_server_max_connect_time_seconds', 'gauge', F.ST_F_CTIME_MAX, 1000, 'Maximum observed time spent waiting for a connection to complete'],
  ['S', 'haproxy_server_max_response_time_seconds', 'gauge', F.ST_F_RTIME_MAX, 1000, 'Maximum observed time spent waiting for a server response'],
  ['S', 'haproxy_server_max_total_time_seconds', 'gauge', F.ST_F_TTIME_MAX, 1000, 'Maximum observed total request+response time (request+queue+connect+response+processing)'],
  ['S', 'haproxy_server_internal_errors_total', 'counter', F.ST_F_EINT, 1, 'Total number of internal errors since process started'],
  ['S', 'haproxy_server_unsafe_idle_connections_current', 'gauge', F.ST_F_IDLE_CONN_CUR, 1, 'Current number of unsafe idle connections'],
  ['S', 'haproxy_server_safe_idle_connections_current', 'gauge', F.ST_F_SAFE_CONN_CUR, 1, 'Current number of safe idle connections'],
  ['S', 'haproxy_server_used_connections_current', 'gauge', F.ST_F_USED_CONN_CUR, 1, 'Current number of connections in use'],
  ['S', 'haproxy_server_need_connections_current', 'gauge', F.ST_F_NEED_CONN_EST, 1, 'Estimated needed number of connections'],
  ['S', 'haproxy_server_uweight', 'gauge', F.ST_F_UWEIGHT, 1, "Server's user weight, or sum of active servers' user weights for a backend"],
];

const SCOPE_LETTER: Record<string, string> = { global: 'P', frontend: 'F', listener: 'L', backend: 'B', server: 'S' };
const ROW_LETTER = 'FBSL';
const CODES = ['1xx', '2xx', '3xx', '4xx', '5xx', 'other'];
const HRSP = [F.ST_F_HRSP_1XX, F.ST_F_HRSP_2XX, F.ST_F_HRSP_3XX, F.ST_F_HRSP_4XX, F.ST_F_HRSP_5XX, F.ST_F_HRSP_OTHER];
const SRV_STATES = ['DOWN', 'UP', 'MAINT', 'DRAIN', 'NOLB'];
/** Check results as the exporter enumerates them (`state` label of *_check_status), in 2.6's order. */
const CHECK_STATES = ['HANA', 'SOCKERR', 'L4OK', 'L4TOUT', 'L4CON', 'L6OK', 'L6TOUT', 'L6RSP', 'L7TOUT', 'L7RSP', 'L7OK',
  'L7OKC', 'L7STS', 'PROCERR', 'PROCTOUT', 'PROCOK'];
/** Families 2.6 exports only for proxies in HTTP mode. */
const HTTP_ONLY = new Set(['haproxy_frontend_http_requests_rate_max', 'haproxy_frontend_http_requests_total',
  'haproxy_frontend_intercepted_requests_total', 'haproxy_frontend_http_cache_lookups_total',
  'haproxy_frontend_http_cache_hits_total', 'haproxy_frontend_http_comp_bytes_in_total',
  'haproxy_frontend_http_comp_bytes_out_total', 'haproxy_frontend_http_comp_bytes_bypassed_total',
  'haproxy_frontend_http_comp_responses_total', 'haproxy_frontend_http_responses_total',
  'haproxy_backend_http_requests_total', 'haproxy_backend_http_cache_lookups_total', 'haproxy_backend_http_cache_hits_total',
  'haproxy_backend_http_comp_bytes_in_total', 'haproxy_backend_http_comp_bytes_out_total',
  'haproxy_backend_http_comp_bytes_bypassed_total', 'haproxy_backend_http_comp_responses_total',
  'haproxy_backend_http_responses_total', 'haproxy_server_http_responses_total']);
/** Server families exported only for servers whose health check runs (configured, not paused, not in maintenance). */
const CHECK_ONLY = new Set(['haproxy_server_check_status', 'haproxy_server_check_code', 'haproxy_server_check_duration_seconds']);

interface PromRow { letter: string; row: StatVal[]; px: Proxy; sv: Server | null; lb: string; lbBytes: Buffer }

function labels(letter: string, row: readonly StatVal[]): string {
  const px = 'proxy="' + row[F.ST_F_PXNAME] + '"';
  if (letter === 'S') return px + ',server="' + row[F.ST_F_SVNAME] + '"';
  if (letter === 'L') return px + ',listener="' + row[F.ST_F_SVNAME] + '"';
  return px;
}

function srvState(status: string): string {
  if (status.startsWith('MAINT')) return 'MAINT';
  if (status.startsWith('DRAIN')) return 'DRAIN';
  if (status.startsWith('NOLB')) return 'NOLB';
  if (status.startsWith('DOWN')) return 'DOWN';
  return 'UP';
}

function checkRuns(sv: Server): boolean {
  return sv.check.enabled && !sv.check.paused && (sv.adminState & SRV_ADMF_MAINT) === 0;
}

/** The check result name as the exporter labels it (L7OKD, "passed on 404", counts as L7OK). */
function checkStateName(sv: Server): string {
  const n = HCHK_STATUS_NAMES[sv.check.status] ?? '';
  return n === 'L7OKD' ? 'L7OK' : n;
}

/** Counts per label of `names` for a backend's servers, `pick` giving each server's label ('' = not counted). */
function aggSeries(out: OutBuf, head: string, lb: string, px: Proxy, names: readonly string[], pick: (sv: Server) => string): void {
  if (px.servers.length === 0) return; // 2.6 has no aggregate series for a backend without servers
  const counts = new Array<number>(names.length).fill(0);
  for (const sv of px.servers) { const i = names.indexOf(pick(sv)); if (i >= 0) counts[i]!++; }
  for (let i = 0; i < names.length; i++) { out.str(head); out.str(lb); out.str(',state="'); out.str(names[i]!); out.str('"} '); out.num(counts[i]!); out.byte(10); }
}

/** One series per state name, 1 for `cur` and 0 for the others. */
function stateSeries(out: OutBuf, head: string, lb: string, names: readonly string[], cur: string): void {
  for (const s of names) { out.str(head); out.str(lb); out.str(',state="'); out.str(s); out.str(s === cur ? '"} 1\n' : '"} 0\n'); }
}

/** Appends the series of metric `m` for one stats row. `head` is `<name>{`. */
function metricSeries(out: OutBuf, m: Metric, head: string, headBytes: Buffer, r: PromRow): void {
  const [obj, name, , col, div] = m;
  const lb = r.lb;
  if (col >= 0) {
    // an empty stats field is NaN, except for a running check that has no result yet (2.6 prints 0)
    const v = r.row[col] ?? (CHECK_ONLY.has(name) ? 0 : undefined);
    out.bytes(headBytes); out.bytes(r.lbBytes); out.byte(125); out.byte(32);
    if (typeof v !== 'number') out.str('NaN');
    else if (div === 1) out.num(v);
    else out.str((v / div).toFixed(6));
    out.byte(10);
    return;
  }
  if (obj === 'S' && name === 'haproxy_server_status') stateSeries(out, head, lb, SRV_STATES, srvState(String(r.row[F.ST_F_STATUS])));
  else if (obj === 'S' && name === 'haproxy_server_check_status') {
    if (r.sv !== null) stateSeries(out, head, lb, CHECK_STATES, checkStateName(r.sv));
  } else if (obj === 'B' && (name === 'haproxy_backend_agg_server_status' || name === 'haproxy_backend_agg_server_check_status')) {
    aggSeries(out, head, lb, r.px, SRV_STATES, (sv) => srvState(srvStatusText(sv)));
  } else if (obj === 'B' && name === 'haproxy_backend_agg_check_status') {
    aggSeries(out, head, lb, r.px, CHECK_STATES, (sv) => (checkRuns(sv) ? checkStateName(sv) : ''));
  } else if (name.endsWith('_status')) {
    const st = String(r.row[F.ST_F_STATUS]);
    if (obj === 'L') stateSeries(out, head, lb, LISTENER_STATES, st);
    else stateSeries(out, head, lb, PX_STATES, st === 'OPEN' || st.startsWith('UP') ? 'UP' : 'DOWN');
  }
}

const LISTENER_STATES = ['WAITING', 'OPEN', 'FULL'];
const PX_STATES = ['DOWN', 'UP'];

/** Writes the scrape for a query string such as `scope=server&scope=backend` ('' = every scope) into `out`. */
function renderInto(out: OutBuf, src: StatsSource, query: string, now: number): void {
  const scopes = new Set<string>();
  for (const part of query.split('&')) {
    const [k, v] = part.split('=');
    if (k === 'scope' && v !== undefined && SCOPE_LETTER[v] !== undefined) scopes.add(SCOPE_LETTER[v]!);
  }
  const byLetter: Record<string, PromRow[]> = { F: [], B: [], S: [], L: [] };
  walkStats(src, newStatDumpOpts(ACCESS_LVL_ADMIN), (row, t, px, sv) => {
    const letter = ROW_LETTER[t]!;
    const lb = labels(letter, row);
    byLetter[letter]!.push({ letter, row: row.slice(), px, sv, lb, lbBytes: Buffer.from(lb, 'latin1') });
  }, now);
  if (scopes.size === 0 || scopes.has('P')) out.str(renderProcess(src, now));
  for (const m of METRICS) {
    const [obj, name, type, , , help] = m;
    if (scopes.size > 0 && !scopes.has(obj)) continue;
    let rows = byLetter[obj]!;
    if (HTTP_ONLY.has(name)) rows = rows.filter((r) => r.px.mode === PR_MODE_HTTP);
    if (CHECK_ONLY.has(name)) rows = rows.filter((r) => r.sv !== null && checkRuns(r.sv));
    if (rows.length === 0) continue;
    out.str('# HELP ' + name + ' ' + help + '\n# TYPE ' + name + ' ' + type + '\n');
    const head = name + '{';
    const headBytes = Buffer.from(head, 'latin1');
    if (name.endsWith('_http_responses_total')) {
      // one series per class and object, class-major as 2.6 walks them
      for (let i = 0; i < 6; i++) {
        const tail = ',code="' + CODES[i] + '"} ';
        const tailBytes = Buffer.from(tail, 'latin1');
        for (const r of rows) { out.bytes(headBytes); out.bytes(r.lbBytes); out.bytes(tailBytes); out.num(n0(r.row[HRSP[i]!])); out.byte(10); }
      }
    } else for (const r of rows) metricSeries(out, m, head, headBytes, r);
  }
}

function n0(v: StatVal): number { return typeof v === 'number' ? v : 0; }

/** The scrape body for a query string such as `scope=server&scope=backend` ('' = every scope). */
export function renderPrometheus(src: StatsSource, query: string, now: number = Date.now()): string {
  const out = new OutBuf(1 << 16);
  renderInto(out, src, query, now);
  return out.toString();
}

/** The scrape body as bytes (what the exporter sends; avoids a 30+ MB string at 10,000 servers). */
export function renderPrometheusBytes(src: StatsSource, query: string, now: number = Date.now()): Buffer {
  let servers = 0;
  for (const px of src.proxies) servers += px.servers.length;
  // ~3.7 KB per server and ~6 KB per proxy in a full scrape: one allocation instead of a doubling chain
  const out = new OutBuf((1 << 16) + servers * 4096 + src.proxies.length * 8192);
  renderInto(out, src, query, now);
  return out.buf.subarray(0, out.len);
}

/**
 * Response for the exporter (`http-request use-service prometheus-exporter`): status, 2.6's headers, body; the HTTP
 * side writes it with statsReplyBytes() (html.ts). `src` defaults to the running configuration.
 */
export function servePrometheus(query: string, src: StatsSource | null = currentStatsSource()): StatsRawReply {
  if (src === null) return { status: 503, headers: [['cache-control', 'no-cache'], ['content-type', 'text/plain']], body: Buffer.alloc(0) };
  return {
    status: 200,
    headers: [['cache-control', 'no-cache'], ['content-type', 'text/plain; version=0.0.4']],
    body: renderPrometheusBytes(src, query),
  };
}

/** One-call hook for `http-request use-service prometheus-exporter`: the response bytes for a scrape with `query`. */
export function prometheusHttpReply(query: string, head: boolean): Buffer {
  return statsReplyBytes(servePrometheus(query), head, true);
}
