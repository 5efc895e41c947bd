/*
 * ACL types (owned by proxy/acl): what a sample fetch reads from a stream (SampleCtx), compiled ACL terms and
 * conditions. Types and numeric constants only. ACLs compile at load (acl/compile.ts) into terms holding a fetch
 * function, a matcher function and prepared patterns; conditions hold direct references, no lookup by name per
 * request. Hot path: AclCond/AclTerm are evaluated per request by http/stream.ts.
 */
import type { StreamLog } from '../model/types.ts';
import type { StkStream } from '../stick/types.ts';
import type { KwCtx } from '../config/types.ts';

/** The parsed request a fetch reads: the H1 head (offsets into buf) and the client address. */
export interface SampleCtx {
  /** Request head bytes; header names are lowercase. null in tcp mode (HTTP fetches then find nothing). */
  readonly buf: Buffer | null;
  /** Method [l0s,l0e), URI [l1s,l1e), version [l2s,l2e) offsets in buf. */
  readonly l0s: number; readonly l0e: number;
  readonly l1s: number; readonly l1e: number;
  readonly l2s: number; readonly l2e: number;
  /** Header index: 4 ints per header (name start (-1 = removed), name end, value start, value end). */
  readonly hdr: Int32Array;
  readonly nhdr: number;
  /** Client address text and, for IPv4, its value as an unsigned 32-bit int (-1 otherwise). */
  readonly srcIp: string;
  readonly srcIp4: number;
  /**
   * Layer-4 view, set by tcp/ streams only (absent on HTTP streams): the client bytes received and not yet forwarded
   * (`tcp-request content` inspection), whether that buffer is final (inspect-delay over, client shut, buffer full,
   * or no inspection at all), and the local port the client connected to.
   */
  readonly l4Data?: Buffer | null;
  /** HTTP streams: the stream's variables (`set-var`), read by the `var()` fetch. */
  readonly vars?: Map<string, string | number>;
  /** The stream's log record (HTTP and tcp streams): TLS fetches (proxy/ssl/fetches.ts) read its `tls`. */
  readonly log?: StreamLog;
  readonly l4Final?: boolean;
  readonly dstPort?: number;
  /** The stream's tracked stick counters (track-sc*), null/absent until a rule tracks one (proxy/stick). */
  stk?: StkStream | null;
  /** HTTP streams: the request body received so far (`req.body*` fetches, `wait-for-body`; acl/fetches-body.ts). */
  readonly bodyView?: ReqBodyView;
}

/** The request body of an HTTP stream as received so far (http/stream.ts implements it). */
export interface ReqBodyView {
  /**
   * Body bytes received and not forwarded yet, de-chunked, up to the body's end: `buf[s, e)` in the two-slot `out`
   * (out[0] = start, out[1] = end); null when there is none. A chunked body is copied into a new Buffer (allocates).
   */
  bodyData(out: Int32Array): Buffer | null;
  /** The Content-Length announced, else the length of the de-chunked data received so far (0 without a body). */
  bodySize(): number;
  /** Nothing more will come before the rules go on: whole body in, buffer full, or a framing error ahead. */
  bodyComplete(): boolean;
}

/** Match methods (`-m`). */
export const ACL_M_STR = 0;
export const ACL_M_BEG = 1;
export const ACL_M_END = 2;
export const ACL_M_SUB = 3;
export const ACL_M_REG = 4;
export const ACL_M_DOM = 5;
export const ACL_M_DIR = 6;
export const ACL_M_FOUND = 7;
export const ACL_M_IP = 8;
export const ACL_M_INT = 9;
export const ACL_M_BOOL = 10;
export const ACL_M_LEN = 11;
export const ACL_M_BIN = 12;           // hex patterns compared byte for byte (req.payload's default)
export const ACL_M_VAL = 13;           // the `_val` fetches (hdr_val, urlp_val...): int patterns, the sample read as 2.6's strl2ic

/** Prepared patterns of one term. */
export interface AclPatterns {
  icase: boolean;
  strs: Buffer[];              // str/beg/end/sub/dom/dir (lowercased when icase)
  strSet: Set<string> | null;  // large exact-match lists
  regs: RegExp[];
  /** IPv4 networks as [net, mask] pairs (unsigned), and other addresses (IPv6) as exact strings. */
  nets: Uint32Array;
  ipStrs: string[];
  /** Integer ranges as [lo, hi] pairs. */
  ints: Float64Array;
}

/**
 * A fetch walks its sample values and returns true as soon as `match(p, buf, s, e)` does (any value matches).
 * Boolean fetches ignore `match`. `arg` is the fetch argument (header name as lowercase bytes, url_param name, ...).
 */
export type MatchFn = (p: AclPatterns, buf: Buffer, s: number, e: number) => boolean;
export interface FetchDef {
  readonly name: string;
  readonly defaultMatch: number;       // ACL_M_* when used without -m
  readonly needsArg: boolean;
  readonly bool: boolean;              // boolean sample (ssl_fc, always_true, ...)
  /** The compiler passes the whole argument text (`req.payload(0,3)` → "0,3"), not only its first word. */
  readonly rawArg?: boolean;
  /** Inline patterns are dotted versions (`3.1`, `3.0:3.3`, `ge 3.1`: major << 16 | minor), as 2.6's req.ssl_ver. */
  readonly dottedVer?: boolean;
  /** The argument is case-sensitive (a userlist name): not lowercased like header names. */
  readonly argCase?: boolean;
  /** Checks the argument text at load: null when valid, else 2.6's complaint (reported as "invalid args in fetch method"). */
  checkArg?(arg: string): string | null;
  run(ctx: SampleCtx, arg: Buffer, match: MatchFn, p: AclPatterns): boolean;
  /**
   * Layer-4 content fetches only: true when a failed run() may still succeed with more data (HAProxy's
   * SMP_F_MAY_CHANGE), so `tcp-request content` rules wait while ctx.l4Final is false.
   */
  mayChange?(ctx: SampleCtx, arg: Buffer): boolean;
  /**
   * Called when a configuration line uses this fetch in `term` (proxy/stick then checks its tables once everything is
   * parsed; http_auth its userlist). A named ACL's term may be reported again by each condition using it.
   */
  atLoad?(ctx: KwCtx, term: AclTerm): void;
}

/** One `acl` line's criterion: fetch + match + patterns. */
export interface AclTerm {
  fetch: FetchDef;
  arg: Buffer;
  match: MatchFn;
  matchKind: number;
  pats: AclPatterns;
}

/** A named ACL: several `acl` lines with the same name OR together. */
export interface AclDef {
  name: string;
  terms: AclTerm[];
  file: string;
  line: number;
}

/** One element of a condition: an ACL, possibly negated with `!`. */
export interface CondTerm {
  acl: AclDef;
  neg: boolean;
}

/** `if|unless` condition: OR of AND groups. */
export interface AclCond {
  unless: boolean;
  groups: CondTerm[][];
  /** Source text, for messages. */
  text: string;
}
