/*
 * TCP-mode types (owned by tcp/): per-proxy tcp settings and compiled `tcp-request` rules. Types only. Hot path: no.
 */
import type { AclCond, SampleCtx } from '../acl/types.ts';

/** `tcp-request` rule actions. */
export const TCP_ACT_ACCEPT = 0;
export const TCP_ACT_REJECT = 1;
/** `tcp-request connection expect-proxy layer4`: not final, the connection then waits for a PROXY header. */
export const TCP_ACT_EXPECT_PROXY = 2;

/** An action of another module (proxy/stick: track-sc*, sc-inc-gpc*): not final, runs and the rules go on. */
export const TCP_ACT_CUSTOM = 3;
export interface TcpCustomAction { run(ctx: SampleCtx): void }
/** `tcp-response content close`: final, the data held so far goes to the client, then the server side is closed. */
export const TCP_ACT_CLOSE = 4;
/** `silent-drop`: final, the client is reset without a word, counted in dreq (never dcon/dses) as 2.6 counts it. */
export const TCP_ACT_SILENT_DROP = 5;

/** One `tcp-request connection|session|content <action> [if|unless cond]` line. */
export interface TcpRule {
  action: number;        // TCP_ACT_*
  cond: AclCond | null;  // null = unconditional
  /** TCP_ACT_CUSTOM: the module's compiled action. */
  custom?: TcpCustomAction;
  file: string;
  line: number;
}

/** Outcome of a rule list (tcp/rules.ts tcpRulesExec). */
export const TCP_RULES_ACCEPT = 0;   // an `accept` matched, or no rule did: go on
export const TCP_RULES_REJECT = 1;
export const TCP_RULES_WAIT = 2;     // a condition needs more data (content rules while inspecting)
export const TCP_RULES_CLOSE = 3;    // a `close` matched (tcp-response content)
export const TCP_RULES_DROP = 4;     // a `silent-drop` matched (tcp-request)

/** Per-proxy tcp-mode settings (filled by tcp keywords; read by frontend.ts and tcp/forward.ts). */
export interface TcpProxyCfg {
  /** `tcp-request inspect-delay` (ms), 0 = content rules are evaluated once, on what is already there. */
  inspectDelay: number;
  /** `option nolinger` */
  nolinger: boolean;
  /** `tcp-request connection` rules (frontends), evaluated at accept. */
  connRules: TcpRule[];
  /** `tcp-request session` rules (frontends), evaluated once the session exists (same moment here: no handshake). */
  sessRules: TcpRule[];
  /** `tcp-request content` rules, evaluated on the stream while inspecting (frontend, then backend's). */
  contentRules: TcpRule[];
  /** `tcp-response inspect-delay` (ms), 0 = the response rules run once, when the server connection is established. */
  resInspectDelay: number;
  /** `tcp-response content` rules (backends), evaluated on the server's data before it is forwarded. */
  resRules: TcpRule[];
}
