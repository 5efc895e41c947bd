// Types and numeric constants shared by halog's flag parser, scanner and reports.
// Only types and constants live here (the `-t.h` of halog). Hot path: no (definitions only).

/* Field numbers as counted by halog on a syslog line (1-based, before adding the skip count). */
export const HALOG_SOURCE_FIELD = 5;
export const HALOG_ACCEPT_FIELD = 6;
export const HALOG_SERVER_FIELD = 8;
export const HALOG_TIME_FIELD = 9;
export const HALOG_STATUS_FIELD = 10;
export const HALOG_BYTES_SENT_FIELD = 11;
export const HALOG_TERM_CODES_FIELD = 14;
export const HALOG_QUEUE_LEN_FIELD = 16;
export const HALOG_METH_FIELD = 17;
export const HALOG_URL_FIELD = 18;
/* Timers keep only their 4 highest significant bits in -gt graphs. */
export const HALOG_QBITS = 4;
/* below this size one thread is faster than starting workers (see parallel.ts) */
export const HALOG_MIN_PARALLEL_BYTES = 32 * 1024 * 1024;
/* halog's line buffer: a line of this many bytes or more without LF ends the input. */
export const HALOG_LINE_MAX = 256 * 1024;

/* Bits of HalogOptions.filter, same meaning and precedence as halog's FILT_* flags. */
export const FILT_COUNT_ONLY = 0x01;
export const FILT_INVERT = 0x02;
export const FILT_QUIET = 0x04;
export const FILT_ERRORS_ONLY = 0x08;
export const FILT_ACC_DELAY = 0x10;
export const FILT_ACC_COUNT = 0x20;
export const FILT_GRAPH_TIMERS = 0x40;
export const FILT_PERCENTILE = 0x80;
export const FILT_TIME_RESP = 0x100;
export const FILT_INVERT_ERRORS = 0x200;
export const FILT_INVERT_TIME_RESP = 0x400;
export const FILT_COUNT_STATUS = 0x800;
export const FILT_COUNT_SRV_STATUS = 0x1000;
export const FILT_COUNT_TERM_CODES = 0x2000;
export const FILT_COUNT_URL_ONLY = 0x4000;
export const FILT_COUNT_URL_COUNT = 0x8000;
export const FILT_COUNT_URL_ERR = 0x10000;
export const FILT_COUNT_URL_TTOT = 0x20000;
export const FILT_COUNT_URL_TAVG = 0x40000;
export const FILT_COUNT_URL_TTOTO = 0x80000;
export const FILT_COUNT_URL_TAVGO = 0x100000;
export const FILT_HTTP_ONLY = 0x200000;
export const FILT_TERM_CODE_NAME = 0x400000;
export const FILT_INVERT_TERM_CODE_NAME = 0x800000;
export const FILT_HTTP_STATUS = 0x1000000;
export const FILT_INVERT_HTTP_STATUS = 0x2000000;
export const FILT_QUEUE_ONLY = 0x4000000;
export const FILT_QUEUE_SRV_ONLY = 0x8000000;
export const FILT_COUNT_URL_BAVG = 0x10000000;
export const FILT_COUNT_URL_BTOT = 0x20000000;
export const FILT_COUNT_COOK_CODES = 0x40000000;
export const FILT_COUNT_IP_COUNT = 0x80000000;
export const FILT_COUNT_URL_ANY = FILT_COUNT_URL_ONLY | FILT_COUNT_URL_COUNT | FILT_COUNT_URL_ERR |
  FILT_COUNT_URL_TTOT | FILT_COUNT_URL_TAVG | FILT_COUNT_URL_TTOTO | FILT_COUNT_URL_TAVGO |
  FILT_COUNT_URL_BAVG | FILT_COUNT_URL_BTOT;
/* Input filters: when none is set with -c alone, lines are only counted. */
export const FILT_ANY_INPUT = FILT_HTTP_ONLY | FILT_TIME_RESP | FILT_ERRORS_ONLY | FILT_HTTP_STATUS |
  FILT_QUEUE_ONLY | FILT_QUEUE_SRV_ONLY | FILT_TERM_CODE_NAME;

export const FILT2_TIMESTAMP = 0x01;
export const FILT2_PRESERVE_QUERY = 0x02;
export const FILT2_EXTRACT_CAPTURE = 0x04;

/*
 * runHalog's status when halog 2.6 itself dies of SIGSEGV: -pct over lines that only -hdr handled
 * (lines out > 0, empty timer trees). main.ts then drops the stdout C had not flushed and raises SIGSEGV.
 */
export const HALOG_STATUS_SIGSEGV = -11;

/* Per-line action, chosen once before the loop (halog's line_filter). */
export const LINE_OUTPUT = 0;
export const LINE_NONE = 1;
export const LINE_ACCEPT_HOLES = 2;
export const LINE_GRAPHS = 3;
export const LINE_STATUS = 4;
export const LINE_COOKIE_CODES = 5;
export const LINE_TERM_CODES = 6;
export const LINE_SERVERS = 7;
export const LINE_URLS = 8;
export const LINE_IPS = 9;
export const LINE_CAPTURE = 10;
export const LINE_COUNT = 11;

/* Report printed at the end, chosen by halog's output precedence. */
export const OUT_NONE = 0;
export const OUT_COUNT = 1;
export const OUT_ACCEPT_HOLES = 2;
export const OUT_GRAPH = 3;
export const OUT_PERCENTILE = 4;
export const OUT_STATUS = 5;
export const OUT_SERVERS = 6;
export const OUT_CODES = 7;
export const OUT_URLS = 8;

export interface HalogOptions {
  filter: number;
  filter2: number;
  invert: boolean;
  accDelay: number;
  accCount: number;
  timeResp: number;
  statusLow: number;
  statusHigh: number;
  timeLow: number;
  timeHigh: number;
  captureBlock: number;
  captureField: number;
  skipFields: number;
  linesMax: number;
  /* the two bytes compared by -tcn/-TCN (0 when the argument is shorter) */
  termCode0: number;
  termCode1: number;
  files: string[];
  /* long options, beyond halog */
  json: boolean;
  duckdb: string | null;
  parquet: string | null;
  sql: string | null;
  threads: number;
  progress: boolean;
}

/* What readInputs drives: the line reader (lines to a sink) or the -c line count. */
export interface HalogInput {
  /** Bytes taken so far over all inputs. */
  bytesRead: number;
  /** Reads `fd` to its end or until stopped; false if stopped early. */
  readFd(fd: number, onChunk?: (bytes: number) => void): boolean;
  /** Takes one pushed chunk (gunzip); false once stopped. */
  push(chunk: Uint8Array): boolean;
  /** End of one input; false if stopped. */
  finish(): boolean;
}

/* Result of parsing argv: either options to run, or text to print and an exit status. */
export type HalogArgs =
  | { kind: 'run'; opts: HalogOptions }
  | { kind: 'exit'; stdout: string; stderr: string; status: number };
