/* Column catalogue of the collector's record batches (types and numeric constants only).
 * One index space for every column of every table (http_log, tcp_log, raw_log); a table lists the ids it uses.
 * Parsers write `batch.i32[COL_STATUS][row]` etc. directly, so ids are stable and new columns go at the end.
 * Hot path: no (constants).
 */

/** Storage kinds: what typed array holds the column inside a batch. */
export const CK_I32 = 0;   // Int32Array, NULL_I32 = null
export const CK_BOOL = 1;  // Int32Array holding 0/1, NULL_I32 = null
export const CK_TS = 2;    // Float64Array of epoch milliseconds, NaN = null
export const CK_I64 = 3;   // Float64Array holding integers (exact up to 2^53), NaN = null
export const CK_DICT = 4;  // Int32Array of ids into a shared LogDict, 0 = null
export const CK_STR = 5;   // byte arena + end offsets + validity (LogStrColumn)
export type ColumnKind = 0 | 1 | 2 | 3 | 4 | 5;

export const NULL_I32 = -2147483648;

export interface ColumnSpec {
  readonly id: number;
  readonly name: string;
  readonly kind: ColumnKind;
  /** DuckDB SQL type used by CREATE TABLE. */
  readonly sql: string;
}

export interface TableSpec {
  readonly name: 'http_log' | 'tcp_log' | 'raw_log';
  /** Column ids in table order. */
  readonly columns: readonly number[];
}

// ---- column ids (append only) ----
export const COL_TS = 0;            // accept date (%tr / %t), wall clock as logged
export const COL_CLIENT_IP = 1;
export const COL_CLIENT_PORT = 2;
export const COL_FRONTEND = 3;
export const COL_TRANSPORT = 4;     // '~' when the frontend is TLS (%ft suffix), '' otherwise
export const COL_BACKEND = 5;
export const COL_SERVER = 6;
export const COL_TR = 7;            // %TR request headers time
export const COL_TW = 8;            // %Tw queue time
export const COL_TC = 9;            // %Tc connect time
export const COL_TR_SRV = 10;       // %Tr server response time
export const COL_TA = 11;           // %Ta active time (http)
export const COL_TA_PLUS = 12;      // 1 when the total time carried the '+' (logasap) prefix
export const COL_TT = 13;           // %Tt total session time (tcp)
export const COL_STATUS = 14;
export const COL_BYTES_READ = 15;
export const COL_REQ_COOKIE = 16;
export const COL_RES_COOKIE = 17;
export const COL_TERM_STATE = 18;
export const COL_ACTCONN = 19;
export const COL_FECONN = 20;
export const COL_BECONN = 21;
export const COL_SRV_CONN = 22;
export const COL_RETRIES = 23;
export const COL_REDISPATCHED = 24; // 1 when retries carried the '+' prefix
export const COL_SRV_QUEUE = 25;
export const COL_BACKEND_QUEUE = 26;
export const COL_REQ_HEADERS = 27;  // captured request headers, without the braces
export const COL_RES_HEADERS = 28;
export const COL_METHOD = 29;
export const COL_URI = 30;
export const COL_HTTP_VERSION = 31;
export const COL_LOG_TS = 32;       // syslog header time
export const COL_HOST = 33;
export const COL_PROGRAM = 34;
export const COL_PID = 35;
export const COL_FACILITY = 36;
export const COL_SEVERITY = 37;
export const COL_EXTRA = 38;        // custom log-format fields with no column, as a JSON object
export const COL_RECEIVED = 39;     // raw_log: collector receive time
export const COL_PEER = 40;         // raw_log: sender address
export const COL_REASON = 41;       // raw_log: why the line was not parsed
export const COL_MESSAGE = 42;      // raw_log: the message (invalid UTF-8 replaced)
export const COL_CLIENT_IP4 = 43;   // DuckDB base tables only: client_ip as a number when it is a dotted IPv4 (schema.ts)
export const COL_REQ_HEADERS_ID = 44;  // DuckDB base tables only: req_headers as a dictionary id when it has one
export const COL_RES_HEADERS_ID = 45;  // DuckDB base tables only: res_headers as a dictionary id when it has one
export const COL_CTX = 46;          // DuckDB base tables only: the CTX_COLUMNS values of the row as one dictionary id (schema.ts)
export const COL_SPARSE = 47;       // DuckDB base tables only: SPARSE_COLUMNS' non-NULL values of the row as one JSON object (schema.ts)
export const COL_CONNS = 48;         // DuckDB base tables only: actconn..srv_conn of the row as one BIGINT (schema.ts PACKED)
export const COL_QUEUES = 49;        // DuckDB base tables only: retries, srv_queue, backend_queue as one INTEGER (schema.ts PACKED)
export const COL_COUNT = 50;

/** Distinct values the dictionaries of COL_REQ_HEADERS_ID / COL_RES_HEADERS_ID take; later values stay text. */
export const HEADERS_DICT_MAX = 8192;

/** What a line parser needs from a batch (implemented by LogBatch): the current row index and its columns. */
export interface LogRowWriter {
  readonly rows: number;
  readonly i32: Int32Array[];
  readonly f64: Float64Array[];
  /** Interns buf[start,end) in column `id`'s dictionary and stores its id at row `rows`. */
  setDict(id: number, buf: Uint8Array, start: number, end: number): void;
  /** Copies buf[start,end) into string column `id` at row `rows`. */
  setStr(id: number, buf: Uint8Array, start: number, end: number): void;
}
