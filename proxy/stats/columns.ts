/*
 * The one ordered, append-only table of HAProxy 2.6 `show stat` columns (128 for a build with the SSL, H2 and H1
 * modules): name, typed tags (origin/nature/scope letters), value type and description, exactly as 2.6 prints them
 * (`show stat typed desc`). CSV, typed, JSON, HTML and Prometheus all read it; hatop may read the names.
 * Column 103 is HAProxy's literal `-` separator between generic and module columns; typed/JSON field numbers skip it.
 * Hot path: no (read by the stats dumpers only).
 */

export interface StatColumn {
  readonly name: string;
  /** Three tag letters: origin (M,S,K,C,P), nature (A,a,C,D,G,L,M,m,N,O,R,T), scope (G,P,S,C). */
  readonly tags: string;
  /** Per-object overrides of `tags` (F, B, S, L), where 2.6 fills the field with different tags. */
  readonly tagsByObj: Readonly<Record<string, string>> | null;
  readonly type: 's32' | 's64' | 'u32' | 'u64' | 'str' | 'flt' | '';
  readonly desc: string;
}

function col(name: string, tags: string, type: StatColumn['type'], desc: string,
  tagsByObj: Record<string, string> | null = null): StatColumn {
  return { name, tags, type, desc, tagsByObj };
}

export const STAT_COLUMNS: readonly StatColumn[] = [
  col("pxname", "KNS", "str", "Proxy name"),
  col("svname", "KNS", "str", "Server name"),
  col("qcur", "MGP", "u32", "Number of current queued connections"),
  col("qmax", "MMP", "u32", "Highest value of queued connections encountered since process started"),
  col("scur", "MGP", "u32", "Number of current sessions on the frontend, backend or server"),
  col("smax", "MMP", "u32", "Highest value of current sessions encountered since process started"),
  col("slim", "CLP", "u32", "Frontend/listener/server's maxconn, backend's fullconn"),
  col("stot", "MCP", "u64", "Total number of sessions since process started"),
  col("bin", "MCP", "u64", "Total number of request bytes since process started"),
  col("bout", "MCP", "u64", "Total number of response bytes since process started"),
  col("dreq", "MCP", "u64", "Total number of denied requests since process started"),
  col("dresp", "MCP", "u64", "Total number of denied responses since process started"),
  col("ereq", "MCP", "u64", "Total number of invalid requests since process started"),
  col("econ", "MCP", "u64", "Total number of failed connections to server since the worker process started"),
  col("eresp", "MCP", "u64", "Total number of invalid responses since the worker process started"),
  col("wretr", "MCP", "u64", "Total number of server connection retries since the worker process started"),
  col("wredis", "MCP", "u64", "Total number of server redispatches due to connection failures since the worker process started"),
  col("status", "SGP", "str", "Frontend/listen status: OPEN/WAITING/FULL/STOP; backend: UP/DOWN; server: last check status"),
  col("weight", "MaP", "u32", "Server's effective weight, or sum of active servers' effective weights for a backend"),
  col("act", "SGP", "u32", "Total number of active UP servers with a non-zero weight", {'B': 'MGP'}),
  col("bck", "SGP", "u32", "Total number of backup UP servers with a non-zero weight", {'B': 'MGP'}),
  col("chkfail", "MCP", "u64", "Total number of failed individual health checks per server/backend, since the worker process started"),
  col("chkdown", "MCP", "u64", "Total number of failed checks causing UP to DOWN server transitions, per server/backend, since the worker process started"),
  col("lastchg", "MAP", "u32", "How long ago the last server state changed, in seconds"),
  col("downtime", "MCP", "u32", "Total time spent in DOWN state, for server or backend"),
  col("qlimit", "CLP", "u32", "Limit on the number of connections in queue, for servers only (maxqueue argument)"),
  col("pid", "KGP", "u32", "Relative worker process number (1)"),
  col("iid", "KGS", "u32", "Frontend or Backend numeric identifier ('id' setting)"),
  col("sid", "KGS", "u32", "Server numeric identifier ('id' setting)"),
  col("throttle", "MaP", "u32", "Throttling ratio applied to a server's maxconn and weight during the slowstart period (0 to 100%)"),
  col("lbtot", "MCP", "u64", "Total number of requests routed by load balancing since the worker process started (ignores queue pop and stickiness)"),
  col("tracked", "CNS", "str", "Name of the other server this server tracks for its state"),
  col("type", "CGS", "u32", "Type of the object (Listener, Frontend, Backend, Server)"),
  col("rate", "MRP", "u32", "Total number of sessions processed by this object over the last second (sessions for listeners/frontends, requests for backends/servers)", {'B': 'MGP'}),
  col("rate_lim", "CLP", "u32", "Limit on the number of sessions accepted in a second (frontend only, 'rate-limit sessions' setting)"),
  col("rate_max", "MMP", "u32", "Highest value of sessions per second observed since the worker process started", {'B': 'MGP'}),
  col("check_status", "MOP", "str", "Status report of the server's latest health check, prefixed with '*' if a check is currently in progress"),
  col("check_code", "MOP", "u32", "HTTP/SMTP/LDAP status code reported by the latest server health check"),
  col("check_duration", "MDP", "u64", "Total duration of the latest server health check, in milliseconds"),
  col("hrsp_1xx", "MCP", "u64", "Total number of HTTP responses with status 100-199 returned by this object since the worker process started"),
  col("hrsp_2xx", "MCP", "u64", "Total number of HTTP responses with status 200-299 returned by this object since the worker process started"),
  col("hrsp_3xx", "MCP", "u64", "Total number of HTTP responses with status 300-399 returned by this object since the worker process started"),
  col("hrsp_4xx", "MCP", "u64", "Total number of HTTP responses with status 400-499 returned by this object since the worker process started"),
  col("hrsp_5xx", "MCP", "u64", "Total number of HTTP responses with status 500-599 returned by this object since the worker process started"),
  col("hrsp_other", "MCP", "u64", "Total number of HTTP responses with status <100, >599 returned by this object since the worker process started (error -1 included)"),
  col("hanafail", "MCP", "u64", "Total number of failed checks caused by an 'on-error' directive after an 'observe' condition matched"),
  col("req_rate", "MRP", "u32", "Number of HTTP requests processed over the last second on this object"),
  col("req_rate_max", "MMP", "u32", "Highest value of http requests observed since the worker process started"),
  col("req_tot", "MCP", "u64", "Total number of HTTP requests processed by this object since the worker process started"),
  col("cli_abrt", "MCP", "u64", "Total number of requests or connections aborted by the client since the worker process started"),
  col("srv_abrt", "MCP", "u64", "Total number of requests or connections aborted by the server since the worker process started"),
  col("comp_in", "MCP", "u64", "Total number of bytes submitted to the HTTP compressor for this object since the worker process started"),
  col("comp_out", "MCP", "u64", "Total number of bytes emitted by the HTTP compressor for this object since the worker process started"),
  col("comp_byp", "MCP", "u64", "Total number of bytes that bypassed HTTP compression for this object since the worker process started (CPU/memory/bandwidth limitation)"),
  col("comp_rsp", "MCP", "u64", "Total number of HTTP responses that were compressed for this object since the worker process started"),
  col("lastsess", "MAP", "s32", "How long ago some traffic was seen on this object on this worker process, in seconds"),
  col("last_chk", "MOP", "str", "Short description of the latest health check report for this server (see also check_desc)"),
  col("last_agt", "MOP", "str", "Short description of the latest agent check report for this server (see also agent_desc)"),
  col("qtime", "MaP", "u32", "Time spent in the queue, in milliseconds, averaged over the 1024 last requests (backend/server)"),
  col("ctime", "MaP", "u32", "Time spent waiting for a connection to complete, in milliseconds, averaged over the 1024 last requests (backend/server)"),
  col("rtime", "MaP", "u32", "Time spent waiting for a server response, in milliseconds, averaged over the 1024 last requests (backend/server)"),
  col("ttime", "MaP", "u32", "Total request+response time (request+queue+connect+response+processing), in milliseconds, averaged over the 1024 last requests (backend/server)"),
  col("agent_status", "MOP", "str", "Status report of the server's latest agent check, prefixed with '*' if a check is currently in progress"),
  col("agent_code", "MOP", "u32", "Status code reported by the latest server agent check"),
  col("agent_duration", "MDP", "u64", "Total duration of the latest server agent check, in milliseconds"),
  col("check_desc", "MOP", "str", "Textual description of the latest health check report for this server"),
  col("agent_desc", "MOP", "str", "Textual description of the latest agent check report for this server"),
  col("check_rise", "CGS", "u32", "Number of successful health checks before declaring a server UP (server 'rise' setting)"),
  col("check_fall", "CGS", "u32", "Number of failed health checks before declaring a server DOWN (server 'fall' setting)"),
  col("check_health", "CGS", "u32", "Current server health check level (0..fall-1=DOWN, fall..rise-1=UP)"),
  col("agent_rise", "CGS", "u32", "Number of successful agent checks before declaring a server UP (server 'rise' setting)"),
  col("agent_fall", "CGS", "u32", "Number of failed agent checks before declaring a server DOWN (server 'fall' setting)"),
  col("agent_health", "CGS", "u32", "Current server agent check level (0..fall-1=DOWN, fall..rise-1=UP)"),
  col("addr", "CGS", "str", "Server's address:port, shown only if show-legends is set, or at levels oper/admin for the CLI"),
  col("cookie", "CNS", "str", "Backend's cookie name or Server's cookie value, shown only if show-legends is set, or at levels oper/admin for the CLI"),
  col("mode", "CGS", "str", "'mode' setting (tcp/http/health/cli)"),
  col("algo", "CGS", "str", "Backend's load balancing algorithm, shown only if show-legends is set, or at levels oper/admin for the CLI"),
  col("conn_rate", "MRP", "u32", "Number of new connections accepted over the last second on the frontend for this worker process"),
  col("conn_rate_max", "MMP", "u32", "Highest value of connections per second observed since the worker process started"),
  col("conn_tot", "MCP", "u64", "Total number of new connections accepted on this frontend since the worker process started"),
  col("intercepted", "MCP", "u64", "Total number of HTTP requests intercepted on the frontend (redirects/stats/services) since the worker process started"),
  col("dcon", "MCP", "u64", "Total number of incoming connections blocked on a listener/frontend by a tcp-request connection rule since the worker process started"),
  col("dses", "MCP", "u64", "Total number of incoming sessions blocked on a listener/frontend by a tcp-request connection rule since the worker process started"),
  col("wrew", "MCP", "u64", "Total number of failed HTTP header rewrites since the worker process started"),
  col("connect", "MCP", "u64", "Total number of outgoing connection attempts on this backend/server since the worker process started"),
  col("reuse", "MCP", "u64", "Total number of reused connection on this backend/server since the worker process started"),
  col("cache_lookups", "MCP", "u64", "Total number of HTTP requests looked up in the cache on this frontend/backend since the worker process started"),
  col("cache_hits", "MCP", "u64", "Total number of HTTP requests not found in the cache on this frontend/backend since the worker process started"),
  col("srv_icur", "MGP", "u32", "Current number of idle connections available for reuse on this server"),
  col("src_ilim", "CLP", "u32", "Limit on the number of available idle connections on this server (server 'pool_max_conn' directive)"),
  col("qtime_max", "MMP", "u32", "Maximum observed time spent in the queue, in milliseconds (backend/server)"),
  col("ctime_max", "MMP", "u32", "Maximum observed time spent waiting for a connection to complete, in milliseconds (backend/server)"),
  col("rtime_max", "MMP", "u32", "Maximum observed time spent waiting for a server response, in milliseconds (backend/server)"),
  col("ttime_max", "MMP", "u32", "Maximum observed total request+response time (request+queue+connect+response+processing), in milliseconds (backend/server)"),
  col("eint", "MCP", "u64", "Total number of internal errors since process started"),
  col("idle_conn_cur", "MGP", "u32", "Current number of unsafe idle connections"),
  col("safe_conn_cur", "MGP", "u32", "Current number of safe idle connections"),
  col("used_conn_cur", "MGP", "u32", "Current number of connections in use"),
  col("need_conn_est", "MGP", "u32", "Estimated needed number of connections"),
  col("uweight", "MaP", "u32", "Server's user weight, or sum of active servers' user weights for a backend"),
  col("agg_server_status", "MGP", "u32", "Backend's aggregated gauge of servers' status"),
  col("agg_server_check_status", "MGP", "u32", "Backend's aggregated gauge of servers' state check status"),
  col("agg_check_status", "MGP", "u32", "Backend's aggregated gauge of servers' state check status"),
  col('-', '', 'str', ''),
  col("ssl_sess", "MCP", "u64", "Total number of ssl sessions established"),
  col("ssl_reused_sess", "MCP", "u64", "Total number of ssl sessions reused"),
  col("ssl_failed_handshake", "MCP", "u64", "Total number of failed handshake"),
  col("h2_headers_rcvd", "MCP", "u64", "Total number of received HEADERS frames"),
  col("h2_data_rcvd", "MCP", "u64", "Total number of received DATA frames"),
  col("h2_settings_rcvd", "MCP", "u64", "Total number of received SETTINGS frames"),
  col("h2_rst_stream_rcvd", "MCP", "u64", "Total number of received RST_STREAM frames"),
  col("h2_goaway_rcvd", "MCP", "u64", "Total number of received GOAWAY frames"),
  col("h2_detected_conn_protocol_errors", "MCP", "u64", "Total number of connection protocol errors"),
  col("h2_detected_strm_protocol_errors", "MCP", "u64", "Total number of stream protocol errors"),
  col("h2_rst_stream_resp", "MCP", "u64", "Total number of RST_STREAM sent on detected error"),
  col("h2_goaway_resp", "MCP", "u64", "Total number of GOAWAY sent on detected error"),
  col("h2_open_connections", "MGP", "u64", "Count of currently open connections"),
  col("h2_backend_open_streams", "MGP", "u64", "Count of currently open streams"),
  col("h2_total_connections", "MCP", "u64", "Total number of connections"),
  col("h2_backend_total_streams", "MCP", "u64", "Total number of streams"),
  col("h1_open_connections", "MGP", "u64", "Count of currently open connections"),
  col("h1_open_streams", "MGP", "u64", "Count of currently open streams"),
  col("h1_total_connections", "MCP", "u64", "Total number of connections"),
  col("h1_total_streams", "MCP", "u64", "Total number of streams"),
  col("h1_bytes_in", "MCP", "u64", "Total number of bytes received"),
  col("h1_bytes_out", "MCP", "u64", "Total number of bytes send"),
  col("h1_spliced_bytes_in", "MCP", "u64", "Total number of bytes received using kernel splicing"),
  col("h1_spliced_bytes_out", "MCP", "u64", "Total number of bytes sendusing kernel splicing"),
];

export const ST_F_PXNAME = 0;
export const ST_F_SVNAME = 1;
export const ST_F_QCUR = 2;
export const ST_F_QMAX = 3;
export const ST_F_SCUR = 4;
export const ST_F_SMAX = 5;
export const ST_F_SLIM = 6;
export const ST_F_STOT = 7;
export const ST_F_BIN = 8;
export const ST_F_BOUT = 9;
export const ST_F_DREQ = 10;
export const ST_F_DRESP = 11;
export const ST_F_EREQ = 12;
export const ST_F_ECON = 13;
export const ST_F_ERESP = 14;
export const ST_F_WRETR = 15;
export const ST_F_WREDIS = 16;
export const ST_F_STATUS = 17;
export const ST_F_WEIGHT = 18;
export const ST_F_ACT = 19;
export const ST_F_BCK = 20;
export const ST_F_CHKFAIL = 21;
export const ST_F_CHKDOWN = 22;
export const ST_F_LASTCHG = 23;
export const ST_F_DOWNTIME = 24;
export const ST_F_QLIMIT = 25;
export const ST_F_PID = 26;
export const ST_F_IID = 27;
export const ST_F_SID = 28;
export const ST_F_THROTTLE = 29;
export const ST_F_LBTOT = 30;
export const ST_F_TRACKED = 31;
export const ST_F_TYPE = 32;
export const ST_F_RATE = 33;
export const ST_F_RATE_LIM = 34;
export const ST_F_RATE_MAX = 35;
export const ST_F_CHECK_STATUS = 36;
export const ST_F_CHECK_CODE = 37;
export const ST_F_CHECK_DURATION = 38;
export const ST_F_HRSP_1XX = 39;
export const ST_F_HRSP_2XX = 40;
export const ST_F_HRSP_3XX = 41;
export const ST_F_HRSP_4XX = 42;
export const ST_F_HRSP_5XX = 43;
export const ST_F_HRSP_OTHER = 44;
export const ST_F_HANAFAIL = 45;
export const ST_F_REQ_RATE = 46;
export const ST_F_REQ_RATE_MAX = 47;
export const ST_F_REQ_TOT = 48;
export const ST_F_CLI_ABRT = 49;
export const ST_F_SRV_ABRT = 50;
export const ST_F_COMP_IN = 51;
export const ST_F_COMP_OUT = 52;
export const ST_F_COMP_BYP = 53;
export const ST_F_COMP_RSP = 54;
export const ST_F_LASTSESS = 55;
export const ST_F_LAST_CHK = 56;
export const ST_F_LAST_AGT = 57;
export const ST_F_QTIME = 58;
export const ST_F_CTIME = 59;
export const ST_F_RTIME = 60;
export const ST_F_TTIME = 61;
export const ST_F_AGENT_STATUS = 62;
export const ST_F_AGENT_CODE = 63;
export const ST_F_AGENT_DURATION = 64;
export const ST_F_CHECK_DESC = 65;
export const ST_F_AGENT_DESC = 66;
export const ST_F_CHECK_RISE = 67;
export const ST_F_CHECK_FALL = 68;
export const ST_F_CHECK_HEALTH = 69;
export const ST_F_AGENT_RISE = 70;
export const ST_F_AGENT_FALL = 71;
export const ST_F_AGENT_HEALTH = 72;
export const ST_F_ADDR = 73;
export const ST_F_COOKIE = 74;
export const ST_F_MODE = 75;
export const ST_F_ALGO = 76;
export const ST_F_CONN_RATE = 77;
export const ST_F_CONN_RATE_MAX = 78;
export const ST_F_CONN_TOT = 79;
export const ST_F_INTERCEPTED = 80;
export const ST_F_DCON = 81;
export const ST_F_DSES = 82;
export const ST_F_WREW = 83;
export const ST_F_CONNECT = 84;
export const ST_F_REUSE = 85;
export const ST_F_CACHE_LOOKUPS = 86;
export const ST_F_CACHE_HITS = 87;
export const ST_F_SRV_ICUR = 88;
export const ST_F_SRC_ILIM = 89;
export const ST_F_QTIME_MAX = 90;
export const ST_F_CTIME_MAX = 91;
export const ST_F_RTIME_MAX = 92;
export const ST_F_TTIME_MAX = 93;
export const ST_F_EINT = 94;
export const ST_F_IDLE_CONN_CUR = 95;
export const ST_F_SAFE_CONN_CUR = 96;
export const ST_F_USED_CONN_CUR = 97;
export const ST_F_NEED_CONN_EST = 98;
export const ST_F_UWEIGHT = 99;
export const ST_F_AGG_SERVER_STATUS = 100;
export const ST_F_AGG_SERVER_CHECK_STATUS = 101;
export const ST_F_AGG_CHECK_STATUS = 102;
export const ST_F_SEPARATOR = 103;
export const ST_F_SSL_SESS = 104;
export const ST_F_SSL_REUSED_SESS = 105;
export const ST_F_SSL_FAILED_HANDSHAKE = 106;
export const ST_F_H2_HEADERS_RCVD = 107;
export const ST_F_H2_DATA_RCVD = 108;
export const ST_F_H2_SETTINGS_RCVD = 109;
export const ST_F_H2_RST_STREAM_RCVD = 110;
export const ST_F_H2_GOAWAY_RCVD = 111;
export const ST_F_H2_DETECTED_CONN_PROTOCOL_ERRORS = 112;
export const ST_F_H2_DETECTED_STRM_PROTOCOL_ERRORS = 113;
export const ST_F_H2_RST_STREAM_RESP = 114;
export const ST_F_H2_GOAWAY_RESP = 115;
export const ST_F_H2_OPEN_CONNECTIONS = 116;
export const ST_F_H2_BACKEND_OPEN_STREAMS = 117;
export const ST_F_H2_TOTAL_CONNECTIONS = 118;
export const ST_F_H2_BACKEND_TOTAL_STREAMS = 119;
export const ST_F_H1_OPEN_CONNECTIONS = 120;
export const ST_F_H1_OPEN_STREAMS = 121;
export const ST_F_H1_TOTAL_CONNECTIONS = 122;
export const ST_F_H1_TOTAL_STREAMS = 123;
export const ST_F_H1_BYTES_IN = 124;
export const ST_F_H1_BYTES_OUT = 125;
export const ST_F_H1_SPLICED_BYTES_IN = 126;
export const ST_F_H1_SPLICED_BYTES_OUT = 127;
export const ST_F_COUNT = 128;

/** Field number used by `typed` and `json` output for CSV column `i` (the `-` placeholder is not counted). */
export function typedFieldNum(i: number): number {
  return i > ST_F_SEPARATOR ? i - 1 : i;
}

/** The CSV header line of `show stat` and `;csv`: `# ` then every name followed by a comma. */
export const STAT_CSV_HEADER: string = '# ' + STAT_COLUMNS.map((c) => c.name + ',').join('') + '\n';

const ORIGINS: Record<string, string> = { M: 'Metric', S: 'Status', K: 'Key', C: 'Config', P: 'Product' };
const NATURES: Record<string, string> = {
  A: 'Age', a: 'Avg', C: 'Counter', D: 'Duration', G: 'Gauge', L: 'Limit', M: 'Max', m: 'Min', N: 'Name', O: 'Output',
  R: 'Rate', T: 'Time',
};
const SCOPES: Record<string, string> = { G: 'Global', P: 'Process', S: 'Service', C: 'Cluster' };

/** Tags of column `i` for an object letter (F, B, S, L). */
export function columnTags(i: number, obj: string): string {
  const c = STAT_COLUMNS[i]!;
  return (c.tagsByObj !== null && c.tagsByObj[obj]) || c.tags;
}

/** The JSON `tags` object text for three tag letters, e.g. `{"origin":"Metric","nature":"Gauge","scope":"Process"}`. */
export function jsonTags(tags: string): string {
  return '{"origin":"' + ORIGINS[tags[0]!] + '","nature":"' + NATURES[tags[1]!] + '","scope":"' + SCOPES[tags[2]!] + '"}';
}
