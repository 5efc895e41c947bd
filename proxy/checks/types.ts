/*
 * Health-check types (owned by checks/): the proxy-level check settings (`option httpchk`, `http-check send|expect`)
 * and the per-server check state (`check`, inter/fastinter/downinter, rise/fall, port, addr) with HAProxy's
 * check_status codes. Types and constants only. Hot path: no (checks run on their own timers).
 */

import type { RuleFmt } from '../http/types.ts';

/** Check kinds. */
export const CHK_TYPE_TCP = 0;
export const CHK_TYPE_HTTP = 1;
export const CHK_TYPE_AGENT = 2;
/** `option tcp-check` and the checks built on its rules (redis-check, smtpchk): checks/tcp-check.ts. */
export const CHK_TYPE_TCPCHK = 3;
export const CHK_TYPE_EXTERNAL = 4;   // `option external-check`: checks/external-check.ts

/** HAProxy's check_status codes (`check_status` stats column, `show servers state`). Index into HCHK_STATUS_NAMES. */
export const HCHK_STATUS_UNKNOWN = 0;  // no check yet
export const HCHK_STATUS_INI = 1;      // initializing
export const HCHK_STATUS_SOCKERR = 2;  // socket error
export const HCHK_STATUS_L4OK = 3;     // layer 4 check passed (no upper layer check)
export const HCHK_STATUS_L4TOUT = 4;   // layer 1-4 timeout
export const HCHK_STATUS_L4CON = 5;    // layer 1-4 connection problem (refused, unreachable)
export const HCHK_STATUS_L6OK = 6;
export const HCHK_STATUS_L6TOUT = 7;
export const HCHK_STATUS_L6RSP = 8;
export const HCHK_STATUS_L7TOUT = 9;   // layer 7 response timeout
export const HCHK_STATUS_L7RSP = 10;   // layer 7 invalid response
export const HCHK_STATUS_L7OKD = 11;   // check conditionally passed (404 with disable-on-404)
export const HCHK_STATUS_L7OK = 12;    // layer 7 check passed
export const HCHK_STATUS_L7OKC = 13;
export const HCHK_STATUS_L7STS = 14;   // layer 7 wrong status
export const HCHK_STATUS_PROCERR = 15;
export const HCHK_STATUS_PROCTOUT = 16;
export const HCHK_STATUS_PROCOK = 17;
export const HCHK_STATUS_CHECKED = 18;  // agent reply without a state word (weight, drain, maint, ready)
export const HCHK_STATUS_COUNT = 19;
export const HCHK_STATUS_NAMES: readonly string[] = [
  'UNK', 'INI', 'SOCKERR', 'L4OK', 'L4TOUT', 'L4CON', 'L6OK', 'L6TOUT', 'L6RSP', 'L7TOUT', 'L7RSP', 'L7OKD', 'L7OK',
  'L7OKC', 'L7STS', 'PROCERR', 'PROCTOUT', 'PROCOK', 'CHECKED',
];

/** `http-check expect` kinds. */
export const HCHK_EXPECT_STATUS = 0;   // status <code>[,<code>...] (ranges 200-399 allowed)
export const HCHK_EXPECT_RSTATUS = 1;  // rstatus <regex>
export const HCHK_EXPECT_STRING = 2;   // string <text> in the body
export const HCHK_EXPECT_RSTRING = 3;  // rstring <regex> on the body
export const HCHK_EXPECT_HDR = 4;      // hdr|fhdr name [-m <meth>] <name> [value [-m <meth>] <value>]

/** `-m` methods of `http-check expect hdr|fhdr` (str is the default). */
export const HCHK_HM_STR = 0;
export const HCHK_HM_BEG = 1;
export const HCHK_HM_END = 2;
export const HCHK_HM_SUB = 3;
export const HCHK_HM_REG = 4;

export interface HttpCheckExpect {
  kind: number;                // HCHK_EXPECT_*
  inverse: boolean;            // `!`
  statusRanges: number[];      // flat [lo, hi, lo, hi, ...] for status
  text: string;                // string
  re: RegExp | null;           // rstatus / rstring (compiled at load)
  /** hdr/fhdr: header name pattern (lowercased unless a regex) and method, value pattern (null = any) and method. */
  hdrName?: string; hdrNameMeth?: number; hdrNameRe?: RegExp | null;
  hdrValue?: string | null; hdrValueMeth?: number; hdrValueRe?: RegExp | null;
  /** fhdr: the whole value; hdr: each comma-separated value. */
  fullHdr?: boolean;
  /** `min-recv <n>`: bytes to wait for before matching, unless the server closes first (-1 = unset). */
  minRecv?: number;
  /** string-lf: the log-format the body must contain, evaluated per check (http/rule-format.ts RuleFmt). */
  lf?: RuleFmt;
  /** `comment <text>` of the expect (or the `http-check comment` before it): added to a failure's info. */
  comment?: string;
}

/** Proxy-level check settings: `option httpchk [meth] [uri] [ver]`, `http-check send`, `http-check expect`. */
export interface CheckCfg {
  type: number;                // CHK_TYPE_TCP unless `option httpchk`
  method: string;              // default 'OPTIONS'
  uri: string;                 // default '/'
  version: string;             // default 'HTTP/1.0'
  headers: string[];           // flat [name, value, ...] from `http-check send hdr`
  body: string;
  expect: HttpCheckExpect | null; // null = any 2xx/3xx
  /** The step's further `http-check expect` rules, evaluated after `expect` in order. */
  moreExpects?: HttpCheckExpect[];
  disableOn404: boolean;       // `http-check disable-on-404`
  sendState: boolean;          // `http-check send-state`: an X-Haproxy-Server-State header (checks/probe.ts)
  logHealthChecks: boolean;    // `option log-health-checks` (checks/log-checks.ts)
  tcpRules: TcpCheckRule[];    // `tcp-check` rules, or those of redis-check / smtpchk (type CHK_TYPE_TCPCHK)
  tcpPreset: boolean;          // the rules come from a protocol option: its messages, not the tcp-check ones
  /** `http-check connect [port <n>]`: the port the http check connects to (0 = the server's check port). */
  connectPort?: number;
  /** `http-check connect addr <ip>`: the address the step connects to ('' = the server's check address). */
  connectAddr?: string;
  /** `http-check connect send-proxy`: a PROXY v1 header opens the step's connection. */
  connectSendProxy?: boolean;
  /** `http-check connect ssl [sni <name>] [alpn http/1.1]`: this step's connection is TLS. */
  connectTls?: CheckTlsForce;
  /** An `http-check comment` waiting for the next http-check rule (an expect keeps it). */
  pendingComment?: string;
  /** `http-check send ... hdr <name> <fmt>`: the log-formats of header values with a `%` (null = the text as is). */
  headerFmts?: (RuleFmt | null)[];
  /** `http-check send uri-lf <fmt>` / `body-lf <fmt>`, evaluated per check. */
  uriLf?: RuleFmt;
  bodyLf?: RuleFmt;
  /** `http-check set-var|set-var-fmt|unset-var` rules before this step's request (tcp-check.ts runs them). */
  varRules?: TcpCheckRule[];
  /** A `http-check send` was seen for this step. */
  sent?: boolean;
  /** The next `http-check connect` step of a multi-step http check (its own request and expect), or none. */
  next?: CheckCfg;
  /** http-check rules so far (2.6's step numbers in messages). */
  ruleCount?: number;
  /** The proxy's own http-check rules dropped the request of its defaults' `option httpchk`: nothing is sent
   *  unless an `http-check send` comes (2.6.12, measured: the check waits for `timeout check`). */
  noRequest?: boolean;
}

/** `tcp-check` rule kinds and `expect` pattern kinds. */
export const TCPCHK_CONNECT = 0;
export const TCPCHK_SEND = 1;
export const TCPCHK_EXPECT = 2;
/** `tcp-check comment <text>`: a step of its own (2.6 counts it), its text reported by the next rule's failure. */
export const TCPCHK_COMMENT = 3;
/** `tcp-check set-var(check.<n>|sess.<n>|proc.<n>) <expr>`, `set-var-fmt(...) <fmt>`, `unset-var(...)`. */
export const TCPCHK_SET_VAR = 4;
export const TCPCHK_UNSET_VAR = 5;
export const TCPCHK_EXP_STRING = 0;
export const TCPCHK_EXP_RSTRING = 1;
export const TCPCHK_EXP_BINARY = 2;
export const TCPCHK_EXP_RBINARY = 3;
/** What an expect rule reports: HAProxy's default text, the reply's first line, or the reply after its 3-digit code. */
export const TCPCHK_MSG_DEFAULT = 0;
export const TCPCHK_MSG_LINE = 1;
export const TCPCHK_MSG_AFTER_CODE = 2;
export const TCPCHK_MSG_TEXT = 3;
export const TCPCHK_MSG_PG_ERROR = 4;      // a PostgreSQL error packet's text (from its 6th byte to the first NUL)

/** One `tcp-check connect|send|send-binary|expect` rule. */
export interface TcpCheckRule {
  kind: number;                // TCPCHK_CONNECT / SEND / EXPECT
  port: number;                // connect: `port`, 0 = the server's check port
  data: Buffer;                // send: the bytes; expect string/binary: the pattern
  match: number;               // TCPCHK_EXP_*
  re: RegExp | null;           // rstring (on the reply as latin1) / rbinary (on its upper-case hex)
  pattern: string;             // the pattern as written (messages)
  inverse: boolean;            // `!`
  minRecv: number;             // `min-recv`, -1 = none
  errorStatus: number;         // HCHK_STATUS_* on failure (`error-status`), default L7RSP
  onError: number;             // TCPCHK_MSG_*
  onErrorText: string;
  onSuccess: number;           // TCPCHK_MSG_*
  onSuccessText: string;
  codeFromReply: boolean;      // the check code is the reply's first 3 digits (`status-code res.payload(0,3)`)
  okStatus: number;            // HCHK_STATUS_* on success (`ok-status`), default L7OK
  toutStatus: number;          // HCHK_STATUS_* on timeout (`tout-status`), default L7TOUT
  custom: number;              // TCPCHK_CUSTOM_*: a protocol reader instead of a pattern (mysql-check)
  build: (() => Buffer) | null; // send: bytes made at each check (ssl-hello-chk's hello carries the date), else `data`
  /** The rule's own `comment` (connect/expect), or a `tcp-check comment` rule's text; '' = none. */
  comment: string;
  /** send-lf / send-binary-lf / expect string-lf / binary-lf, set-var(-fmt): the format, evaluated per check. */
  lf: RuleFmt | null;
  /** The format's result is hex (send-binary-lf, expect binary-lf). */
  lfHex: boolean;
  /** `on-error` / `on-success` formats of user rules (their text, evaluated per check). */
  onErrorFmt: RuleFmt | null;
  onSuccessFmt: RuleFmt | null;
  /** `status-code <expr>`: the check code, evaluated when the expect concludes. */
  statusCode: RuleFmt | null;
  /** set-var / unset-var: the variable (`check.x`, `sess.x`, `proc.x`; '' = a txn/req/res one, dropped). */
  varName: string;
  /** connect `send-proxy`: a PROXY v1 header opens this connection. */
  sendProxy: boolean;
  /** connect `addr <ip>`: the address to connect to instead of the server's ('' = the server's check address). */
  addr: string;
  /** connect `ssl`, `sni <name>`, `alpn <list>`: this connection is TLS, with that server name and ALPN list. */
  ssl: boolean;
  sni: string;
  alpn: string;
}

/** A check connection forced over TLS (tcp-check connect ssl): its server name and ALPN list ('' = none). */
export interface CheckTlsForce { sni: string; alpn: string }

/** Protocol readers of expect rules (option mysql-check, option ldap-check). */
export const TCPCHK_CUSTOM_NONE = 0;
export const TCPCHK_CUSTOM_MYSQL_HELLO = 1;   // the server's initial handshake packet
export const TCPCHK_CUSTOM_MYSQL_OK = 2;      // the answer to the login: OK or error packet
export const TCPCHK_CUSTOM_LDAP_BIND = 3;     // option ldap-check: an LDAPv3 bindResponse and its resultCode


/** Per-server check state. Config fields from the server line / default-server; runtime fields from checks/. */
export interface CheckState {
  enabled: boolean;            // `check` on the server line
  type: number;                // CHK_TYPE_*
  inter: number;               // ms, default 2000
  fastinter: number;           // ms, 0 = inter (used while the health is transitioning)
  downinter: number;           // ms, 0 = inter (used while DOWN)
  rise: number;                // default 2
  fall: number;                // default 3
  port: number;                // `port`, 0 = server port
  addr: string;                // `addr`, '' = server address
  timeout: number;             // `timeout check` of the backend at start, 0 = inter
  send: string;                // agent only: `agent-send` string, '' = send nothing
  // runtime
  health: number;              // 0 .. rise+fall-1; >= rise means UP (HAProxy's check->health)
  status: number;              // HCHK_STATUS_* of the last check
  code: number;                // L7 status code of the last check, 0 = none
  desc: string;                // info text of the last result ("Connection refused", ...)
  duration: number;            // ms of the last check, -1 = none
  lastStart: number;           // ms timestamp of the last check start, 0 = never
  paused: boolean;             // `disable health` from the CLI
  running: boolean;            // a probe is in flight
  /** Owned by checks/ (timer handle, socket); opaque to others. */
  task: unknown;
}
