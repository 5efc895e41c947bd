/*
 * HTTP types owned by proxy/http: the per-proxy HTTP settings slot (rules, errorfiles, reuse), the H1 parser's flag
 * and state constants, and the rule descriptors compiled at load. Types and numeric constants only.
 * Hot path: the constants are read per message by h1-parser.ts, chunked.ts and stream.ts.
 */
import type { AclCond, SampleCtx } from '../acl/types.ts';
import type { LogEmitter } from '../log/types.ts';
import type { StreamLog } from '../model/types.ts';

/**
 * A rule value written as a log-format string, cut at its `%[...]` samples and separators: part i is a compiled
 * log-format piece (ems[i], run by log/emit.ts), a sample (fns[i]: absent values give '' here, HAProxy's rule
 * semantics, where a log line prints '-'), or a separator (both null: one space unless the text ends with one).
 */
export interface RuleFmt {
  ems: (LogEmitter | null)[];
  fns: (((s: StreamLog) => string | number | null) | null)[];
}

/** H1 message parse states (H1Msg.state). */
export const H1_ST_START = 0;      // skipping leading empty lines
export const H1_ST_LINE = 1;       // waiting for the complete start line
export const H1_ST_HDR = 2;        // waiting for the next complete header line
export const H1_ST_DONE = 3;       // headers complete, H1Msg.headEnd set
export const H1_ST_ERROR = 4;

/** H1 message flags (H1Msg.flags). */
export const H1_MF_RESP = 1 << 0;          // parsing a response
export const H1_MF_VER_11 = 1 << 1;        // HTTP/1.1 or later
export const H1_MF_CLEN = 1 << 2;          // Content-Length present (H1Msg.bodyLen)
export const H1_MF_CHNK = 1 << 3;          // Transfer-Encoding ends with chunked
export const H1_MF_XFER_LEN = 1 << 4;      // body length known (CL, chunked, or no body)
export const H1_MF_CONN_CLO = 1 << 5;      // Connection: close
export const H1_MF_CONN_KAL = 1 << 6;      // Connection: keep-alive
export const H1_MF_CONN_UPG = 1 << 7;      // Connection: upgrade
export const H1_MF_UPGRADE = 1 << 8;       // Upgrade header present
export const H1_MF_EXPECT = 1 << 9;        // Expect: 100-continue
export const H1_MF_TE_CL = 1 << 10;        // close after: both TE and CL (CL dropped), or a chunked HTTP/1.0 request
export const H1_MF_TE_OTHER = 1 << 11;     // response Transfer-Encoding without chunked last: close-delimited
export const H1_MF_METH_HEAD = 1 << 12;
export const H1_MF_METH_CONNECT = 1 << 13;
export const H1_MF_CONN_OTHER = 1 << 14;   // Connection header kept (has tokens other than close/keep-alive)
export const H1_MF_SL_REBUILD = 1 << 15;   // start line not in canonical form (spacing, version > 1.1, no reason): re-emitted
export const H1_MF_UPG_WS = 1 << 16;       // Upgrade names websocket
export const H1_MF_WS_KEY = 1 << 17;       // sec-websocket-key (request) / sec-websocket-accept (response) present

/** Parse errors: the status the caller answers with (request side) or 502 (response side). */
export const H1_ERR_NONE = 0;
export const H1_ERR_BAD = 400;
export const H1_ERR_UNPROCESSABLE = 422;
/** A request of method PRI (the HTTP/2 preface's line), valid otherwise: 2.6's stream answers 400 (HTX, counted in %B). */
export const H1_ERR_H2_PRI = 1400;

/** Header slots per entry in H1Msg.hdr: name start, name end, value start, value end. Name start -1 = removed. */
export const H1_HDR_STRIDE = 4;

/** Chunked decoder states (ChunkState.state). */
export const CHK_ST_SIZE = 0;
export const CHK_ST_EXT = 1;       // after the size, up to LF (extensions, whitespace, CR)
export const CHK_ST_DATA = 2;
export const CHK_ST_DATA_CR = 3;   // expecting CR (or bare LF) after data
export const CHK_ST_DATA_LF = 4;
export const CHK_ST_TRAILER = 5;   // trailer lines until an empty line
export const CHK_ST_DONE = 6;
export const CHK_ST_ERROR = 7;

/** http-request / http-response actions. */
export const HTTP_ACT_ALLOW = 0;
export const HTTP_ACT_DENY = 1;
export const HTTP_ACT_SET_HDR = 2;
export const HTTP_ACT_ADD_HDR = 3;
export const HTTP_ACT_DEL_HDR = 4;
export const HTTP_ACT_REDIRECT = 5;
export const HTTP_ACT_RETURN = 6;
export const HTTP_ACT_SET_PATH = 7;
export const HTTP_ACT_SET_QUERY = 8;
export const HTTP_ACT_SET_URI = 9;
export const HTTP_ACT_SET_METHOD = 10;
export const HTTP_ACT_REPLACE_HDR = 11;    // whole value of each `name` header matching `regex` → value
export const HTTP_ACT_REPLACE_VAL = 12;    // the same on each comma-separated value
export const HTTP_ACT_REPLACE_PATH = 13;
export const HTTP_ACT_REPLACE_URI = 14;
export const HTTP_ACT_TARPIT = 15;
export const HTTP_ACT_CAPTURE = 16;        // `capture <sample> len <n>` into request capture slot `slot`
export const HTTP_ACT_SET_VAR = 17;        // set-var(name) <expr> (fmt: one sample) / set-var-fmt(name) <fmt>
export const HTTP_ACT_UNSET_VAR = 18;
export const HTTP_ACT_SET_STATUS = 20;     // http-response set-status <code> [reason <text>] (value = reason)
export const HTTP_ACT_AUTH = 19;           // 401 + www-authenticate (reply prebuilt), a local reply like return
export const HTTP_ACT_PROMETHEUS = 21;     // use-service prometheus-exporter: the stats module's exporter answers
export const HTTP_ACT_CAPTURE_RES = 22;    // http-response `capture <sample> id <n>` into response capture slot `slot`
export const HTTP_ACT_STRICT_MODE = 23;    // strict-mode on|off: accepted, no effect (Sluice's rewrites cannot fail)
export const HTTP_ACT_CUSTOM = 24;         // an action of another module (HttpRule.custom: track-sc*, sc-inc-gpc*, ...)
export const HTTP_ACT_REJECT = 25;         // http-request reject: the connection closes, no response
export const HTTP_ACT_SILENT_DROP = 26;    // http-request silent-drop: the same, the client told nothing (a reset)
export const HTTP_ACT_SET_SRC = 27;        // http-request set-src <expr>: the client address of this request (fmt: one sample)
export const HTTP_ACT_SET_SRC_PORT = 29;   // http-request set-src-port <expr>: the client port of this request (fmt: one sample)
export const HTTP_ACT_EARLY_HINT = 30;      // http-request early-hint <name> <fmt>: a header of the 103 sent before the response
export const HTTP_ACT_WAIT_BODY = 28;      // http-request wait-for-body time <t> [at-least <n>]: slot = time (ms), len = at-least bytes

/** An action registered by another module (proxy/stick): runs on the rule's message; `sess` is the stream's request view. */
/**
 * A module's compiled rule action. `run` may return a number > 0: the action started something the rules wait for
 * (http/do-resolve.ts), at most that many ms; the session resumes them after it (RULES_WAIT_BODY).
 */
export interface HttpCustomAction { run(ctx: SampleCtx, sess: SampleCtx): void | number }

/** `redirect location|prefix|scheme`. */
export const REDIR_LOCATION = 0;
export const REDIR_PREFIX = 1;
export const REDIR_SCHEME = 2;

export interface RedirectRule {
  type: number;              // REDIR_*
  value: string;
  fmt: RuleFmt | null;       // location as a log-format string when it holds `%`, else null
  code: number;              // 301 302 303 307 308, default 302
  dropQuery: boolean;
  appendSlash: boolean;
  setCookie: string;
  clearCookie: string;
}

/** One compiled http-request / http-response rule; `cond` null = always. */
export interface HttpRule {
  action: number;            // HTTP_ACT_*
  cond: AclCond | null;
  /** Lowercased header name for set/add/del-header, as bytes for comparison. */
  name: string;
  nameBuf: Buffer;
  /** Header value, path, or return body. */
  value: string;
  /** `value` compiled as a log-format string when it holds `%` expressions (evaluated per request), else null. */
  fmt: RuleFmt | null;
  /** replace-header/-value/-path/-uri match. */
  regex: RegExp | null;
  /** capture slot index. */
  slot: number;
  /** capture length limit. */
  len: number;
  status: number;            // deny_status / return status
  contentType: string;
  /** A reply's payload option: none, raw (string/file) or log-format (lf-string/lf-file, even without '%'). */
  payload: 'none' | 'raw' | 'lf';
  redirect: RedirectRule | null;
  /** Prebuilt response for deny/return/redirect with static content, else null. */
  reply: Buffer | null;
  /** `return|deny ... errorfile|errorfiles|default-errorfiles`: set once resolved (the reply is that message as is). */
  errReply: boolean;
  /** `return ... hdr <name> <fmt>` lines (name lowercased), in order; fmt null = static value. */
  hdrs: { name: string; value: string; fmt: RuleFmt | null }[];
  /** HTTP_ACT_CUSTOM: the module's compiled action. */
  custom?: HttpCustomAction;
  file: string;
  line: number;
}

/** `compression` settings of a proxy (HttpProxyCfg.comp, http/compression.ts). */
export interface CompCfg {
  /** Configured algorithms in order: 'gzip' | 'deflate' | 'raw-deflate' | 'identity'. */
  algos: string[];
  /** Lowercased type prefixes, [] = any. */
  types: string[];
  offload: boolean;
}

/** `http-reuse`. */
export const HTTP_REUSE_NEVER = 0;
export const HTTP_REUSE_SAFE = 1;
export const HTTP_REUSE_AGGRESSIVE = 2;
export const HTTP_REUSE_ALWAYS = 3;

/** The `http` slot of a Proxy. */
export interface HttpProxyCfg {
  reqRules: HttpRule[];       // http-request, in order
  resRules: HttpRule[];       // http-response
  /** http-after-response: run on every response sent, server's or local (http/after-response.ts). */
  afterRules: HttpRule[];
  redirects: HttpRule[];      // `redirect` keyword (evaluated after http-request rules)
  /** status → full response bytes (errorfile, errorloc, static http-error, errorfiles), overriding the canned one. */
  errorFiles: Map<number, Buffer>;
  /** status → `http-error` reply evaluated per request (lf-string, hdr formats); a status is in one map only. */
  errorRules: Map<number, HttpRule>;
  /** `monitor-uri` (the whole request-target as bytes), null = none. */
  monitorUri: Buffer | null;
  /** `monitor fail if|unless` conditions: any that holds turns the monitor's 200 into a 503. */
  monitorFail: AclCond[];
  reuse: number;              // HTTP_REUSE_*
  /** `option http-buffer-request`: wait for the whole body (or a full buffer) before choosing a server. */
  bufferRequest: boolean;
  /** `option http-ignore-probes`: connections closed or timed out before any byte are not answered nor logged. */
  ignoreProbes: boolean;
  /** `option http-pretend-keepalive`: no `connection: close` toward the server in close modes. */
  pretendKeepAlive: boolean;
  /** `compression algo|type|offload` (http/compression.ts), null = none. */
  comp: CompCfg | null;
  /** `retry-on` mask (http/retry-on.ts RETRY_*), default conn-failure. */
  retryOn: number;
  /** `option prefer-last-server`: a session's next request goes to its last server when it is usable. */
  preferLastServer: boolean;
}
