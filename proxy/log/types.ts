/*
 * Logging types (the -t.h of proxy/log/): log targets (`log` lines), the per-proxy logging slot (LogCfg: targets,
 * log-format, captures, unique-id), syslog format/level/facility numbers. Types and numeric constants only.
 * Config keyword parsers in log/keywords.ts fill LogCfg at load; log/emit.ts reads it per logged stream.
 * Hot path: LogCfg is read per logged stream, so every field is set by newLogCfg() (log/cfg.ts) with its final type.
 */
import type { Proxy, StreamLog } from '../model/types.ts';
import type { HeaderCache } from './syslog.ts';

/** Syslog header format of a target (`format <name>` on a `log` line). */
export const LOG_FMT_LOCAL = 0;     // default: `<PRI>Mmm dd hh:mm:ss tag[pid]: `
export const LOG_FMT_RFC3164 = 1;   // same plus the hostname: `<PRI>Mmm dd hh:mm:ss host tag[pid]: `
export const LOG_FMT_RFC5424 = 2;   // `<PRI>1 ISO-DATE host tag pid - SD `
export const LOG_FMT_PRIORITY = 3;  // `<PRI>` only
export const LOG_FMT_SHORT = 4;     // `<LEVEL>` only (severity, no facility)
export const LOG_FMT_TIMED = 5;     // `<LEVEL>ISO-DATE `
export const LOG_FMT_ISO = 6;       // `ISO-DATE `
export const LOG_FMT_RAW = 7;       // nothing
/** An explicit `format local`: like the default, but 2.6 never sends the hostname with it (log-send-hostname). */
export const LOG_FMT_LOCAL_ONLY = 8;
export const LOG_FMT_COUNT = 9;
export const LOG_FMT_NAMES: readonly string[] = ['local', 'rfc3164', 'rfc5424', 'priority', 'short', 'timed', 'iso', 'raw'];

/**
 * What a log-format needs before its line can be sent (2.6's "logwait" bits, per tag): a frontend's formats together
 * (log-format, log-format-sd, unique-id-format) decide when an HTTP transaction is logged (log/keywords.ts).
 */
export const LW_INIT = 1;           // dates, names, pid, counters known at accept
export const LW_CLIP = 2;           // client address
export const LW_SVIP = 4;           // server address
export const LW_SVID = 8;           // server name
export const LW_REQ = 16;           // request line
export const LW_RESP = 32;          // status
export const LW_BYTES = 64;         // timers, byte and connection counts, termination state: known at the end
export const LW_REQHDR = 128;       // request captures
export const LW_RSPHDR = 256;       // response captures
export const LW_BCKIP = 512;        // backend source address
export const LW_FRTIP = 1024;       // frontend address
export const LW_XPRT = 2048;        // transport (TLS); also set by every %[sample]

/** Where a target sends. */
export const LOG_TGT_UDP = 0;       // `host:port`, `udp@host:port`, `udp4@`, `udp6@`
export const LOG_TGT_UNIX = 1;      // `unix@/path`, `/path` (unix datagram socket, e.g. /dev/log)
export const LOG_TGT_FD = 2;        // `stdout`, `stderr`, `fd@N`

/** Syslog severities (`emerg` = 0 .. `debug` = 7), the `<level>`/`<minlevel>` of a `log` line. */
export const LOG_EMERG = 0;
export const LOG_ALERT = 1;
export const LOG_CRIT = 2;
export const LOG_ERR = 3;
export const LOG_WARNING = 4;
export const LOG_NOTICE = 5;
export const LOG_INFO = 6;
export const LOG_DEBUG = 7;
/** StreamLog.logLevel: `set-log-level silent` (no line); -1 = the default level. */
export const LOG_LEVEL_SILENT = -2;
export const LOG_LEVEL_NAMES: readonly string[] = ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug'];
export const LOG_FACILITY_NAMES: readonly string[] = [
  'kern', 'user', 'mail', 'daemon', 'auth', 'syslog', 'lpr', 'news', 'uucp', 'cron', 'auth2', 'ftp', 'ntp', 'audit',
  'alert', 'cron2', 'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7',
];

/**
 * Runtime handle of a target's sender (log/sender.ts): the slot under which the event loop queues its lines; the
 * sender maps it to a UDP socket, or the log worker (log/log-worker.ts) to its target. null until the target opens.
 */
export interface LogSink {
  readonly slot: number;
}

/** What the log worker needs to open a target (sent through the ring as JSON once per slot). */
export interface LogSinkSpec {
  slot: number;
  key: string;               // targets with the same key share one socket in the worker
  kind: number;              // LOG_TGT_*
  host: string;
  port: number;
  family: number;
  path: string;
  fd: number;
}

/** One `log` line. */
export interface LogTarget {
  kind: number;              // LOG_TGT_*
  host: string;              // UDP destination address
  port: number;              // UDP port (default 514)
  family: 4 | 6;
  path: string;              // unix datagram socket path
  fd: number;                // 1 = stdout, 2 = stderr
  format: number;            // LOG_FMT_*
  facility: number;          // 0..23
  level: number;             // max severity sent (default debug = 7)
  minLevel: number;          // min severity (default emerg = 0): lines above it are sent with this severity
  maxLen: number;            // `len`, default 1024: header + message truncated to this many bytes, then "\n"
  /** `sample <ranges>:<size>`: flat [from, to, from, to, ...] 1-based inclusive; empty = no sampling. */
  sampleRanges: number[];
  sampleSize: number;        // 0 = no sampling
  sampleIdx: number;         // runtime: position in the sample cycle
  file: string;
  line: number;
  sink: LogSink | null;      // runtime, created on first send
  hdr: HeaderCache;          // runtime: the syslog header of the current second (log/syslog.ts)
}

/**
 * A capture slot (`capture request header <name> len <n>`, `declare capture request len <n>`, `http-request capture
 * ... len <n>`). Slots are in config order; StreamLog.reqCaptures[i] / resCaptures[i] hold the value of slot i.
 * How the HTTP data path fills them (HAProxy 2.6 behaviour):
 * - header slots (`hdr` != ''): for each request (response) header whose lowercased name equals `hdr`, store its value
 *   cut to `len` bytes (the last occurrence wins); a header absent from the message leaves null.
 * - declared slots (`hdr` === ''): written by `http-request capture <sample> id <slot>` rules (also cut to `len`).
 * - when no transaction exists (invalid request, "<BADREQ>"), the data path sets the array to length 0, and %hr/%hs
 *   then print nothing; otherwise the array has exactly `reqCaptures.length` entries (null = not captured).
 */
export interface CaptureCfg {
  hdr: string;               // lowercased header name, '' for a `declare capture` slot
  len: number;
}

/**
 * The logging slot of a proxy (Proxy.log) and of the global section (GlobalSettings.log, only `targets`, `tag`,
 * `hostname` are used there). Filled by the keyword parsers; compiled by log/compile-cfg.ts at post-parse.
 */
export interface LogCfg {
  targets: LogTarget[];      // after post-parse, includes the global targets when `log global` was given
  useGlobal: boolean;        // `log global`
  noLog: boolean;            // `no log`: drop inherited targets
  tag: string;               // `log-tag`, '' = inherit (global `log-tag`, else the program name "haproxy")
  hostname: string;          // global `log-send-hostname [name]`, '' = not sent
  /** `log-format` as written ('' = none; `option httplog/tcplog` select a preset instead). */
  format: string;
  formatFile: string;
  formatLine: number;
  formatSd: string;          // `log-format-sd`, '' = none
  formatSdFile: string;
  formatSdLine: number;
  uniqueIdFormat: string;    // `unique-id-format`, '' = none
  uniqueIdFile: string;
  uniqueIdLine: number;
  uniqueIdHeader: string;    // `unique-id-header`, '' = none (the HTTP stream adds it to the request)
  reqCaptures: CaptureCfg[];
  resCaptures: CaptureCfg[];
  /** `capture cookie <name> len <n>`: cookie name prefix ('' = none) and max length (HAProxy caps it at 63). */
  cookieName: string;
  cookieLen: number;
  /** Compiled at post-parse (null = this proxy does not log). */
  emitter: LogEmitter | null;
  emitterSd: LogEmitter | null;
  uniqueId: LogEmitter | null;
  /** Runtime: lines logged by this frontend so far (`%lc`). */
  logCount: number;
  /**
   * 2.6 logs an HTTP transaction as soon as its request line is parsed when the formats need nothing else than the
   * request line and what is known at accept (LW_REQ / LW_INIT only), and again once a server's response head came
   * (its formats need no LW_BYTES): two lines for one request. Set at post-parse (log/keywords.ts).
   */
  logEarly: boolean;
  /** mode tcp: the formats need no LW_BYTES (or `option logasap`): 2.6 logs once the server connection is up. */
  logAtConnect: boolean;
}

/** A compiled log-format: an op program run by log/emit.ts against a StreamLog. */
export interface LogEmitter {
  /** Op codes (LF_OP_* in log/format.ts) with their integer arguments, interleaved. */
  readonly ops: Int32Array;
  /** Literal texts, pre-encoded (latin1) and indexed by ops. */
  readonly lits: Buffer[];
  /** Sample expressions (`%[...]`) compiled to functions of the stream; indexed by ops. */
  readonly samples: ((s: StreamLog) => string | number | null)[];
  /** Source text, for error messages and `show` commands. */
  readonly src: string;
  /** LW_* bits of what the format needs (set by log/format.ts; absent on the pieces of rule values). */
  readonly lw?: number;
  /**
   * The generated function running `ops` (log/emit-gen.ts), set by log/emit.ts on first use: writes the line into
   * `buf` from offset `at`, stopping short of offset `cap`; returns the offset where it ends.
   */
  run?: (fe: Proxy, s: StreamLog, buf: Buffer, at: number, cap: number) => number;
}
