/* Log line parser result codes (shared by httplog, tcplog, custom-format and the raw_log `reason` column).
 * Hot path: no (constants).
 */
import type { LogRowWriter } from '../arrow/types.ts';

export const PARSE_OK = 0;
export const PARSE_ERR_TRUNCATED = 1;     // the line ends before the last mandatory field
export const PARSE_ERR_SYNTAX = 2;        // a field separator or bracket is missing or misplaced
export const PARSE_ERR_NUMBER = 3;        // a numeric field is not a number
export const PARSE_ERR_DATE = 4;          // the accept date is malformed
export const PARSE_ERR_NOT_HTTP = 5;      // looks like a tcplog line (no status/request), in httplog mode
export const PARSE_ERR_FORMAT = 6;        // matches no known format (auto mode)
export const PARSE_ERR_BINARY = 7;        // contains NUL or other control bytes
export const PARSE_ERR_OVERSIZED = 8;     // longer than the maximum message size
export const PARSE_ERR_ENCODING = 9;      // not valid UTF-8
export const PARSE_ERR_COUNT = 10;

/** raw_log `reason` values, indexed by code. */
export const PARSE_REASONS: readonly string[] = [
  'ok', 'truncated', 'syntax', 'bad_number', 'bad_date', 'not_httplog', 'unknown_format', 'binary', 'oversized',
  'bad_encoding',
];

/** A line parser: writes the fields of row `batch.rows`; returns PARSE_OK (caller commits) or an error code (caller
 * rolls the row back). Reads buf[start, end) only and keeps no reference to it. */
export type LogLineParser = (buf: Uint8Array, start: number, end: number, batch: LogRowWriter) => number;
