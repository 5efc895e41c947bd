// hatop's error catalog: every operator-facing message hatop itself writes (HAProxy's own replies
// are shown verbatim and are not here), with a stable code. Pure. Hot path: no.

export interface HatopErrorDef {
  readonly code: string;
  /** Text; `%s` is replaced by the detail passed to hatopError. */
  readonly text: string;
}

export const HATOP_ERRORS = {
  NOT_SERVER: { code: 'HATOP_E_NOT_SERVER', text: 'actions apply to server rows only' },
  NO_WEIGHT: { code: 'HATOP_E_NO_WEIGHT', text: 'no weight given' },
  READ_ONLY_ACTION: { code: 'HATOP_E_READ_ONLY_ACTION', text: 'read-only mode: actions are disabled' },
  READ_ONLY_CLI: { code: 'HATOP_E_READ_ONLY_CLI', text: 'read-only mode: no CLI' },
  CMD_NEWLINE: { code: 'HATOP_E_CMD_NEWLINE', text: 'command contains a newline' },
  CLOSED: { code: 'HATOP_E_CLOSED', text: 'closed' },
  NOT_CONNECTED: { code: 'HATOP_E_NOT_CONNECTED', text: 'not connected: %s' },
  CONN_LOST: { code: 'HATOP_E_CONN_LOST', text: 'connection lost: %s' },
  TIMEOUT: { code: 'HATOP_E_TIMEOUT', text: 'timeout after %s ms' },
  CLI_DENIED: { code: 'HATOP_E_CLI_DENIED', text: '* command not allowed: %s' },
  NO_STAT: { code: 'HATOP_E_NO_STAT', text: 'no stat data available' },
  STOPPING: { code: 'HATOP_E_STOPPING', text: 'process stopping (reloaded), reconnecting' },
} as const satisfies Record<string, HatopErrorDef>;

export type HatopErrorId = keyof typeof HATOP_ERRORS;

/** The message of `id`, with `detail` in place of `%s`. */
export function hatopError(id: HatopErrorId, detail: string | number = ''): string {
  return HATOP_ERRORS[id].text.replace('%s', String(detail));
}
