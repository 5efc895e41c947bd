/* Logging types (owned by the logging module). Types only. STUB: the logging engineer replaces this. */
export interface LogCfg {
  /** placeholder until the log module defines its configuration slot */
  readonly _stub?: never;
}
