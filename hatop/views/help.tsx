// Help view (`h`, `H`, `?`): the key reference, scrollable. Pure function of (top, height).
// Hot path: no.
import { Box, Text } from 'ink';
import type { ReactElement } from 'react';

export const HELP_LINES: readonly string[] = [
  ' hatop: interactive monitor for the HAProxy (and Sluice) stats socket',
  '',
  ' Views',
  '   1  STATUS    health, weights, sessions and queues, downtime, session-use bar',
  '   2  TRAFFIC   load-balancing totals, session rates, bytes in/out and their rates',
  '   3  HTTP      request rates and responses per status class, 5xx rate',
  '   4  ERRORS    check failures, errors, denials, retries, redispatches, aborts',
  '   5  CLI       runtime API shell with history (ALT-n / ESC n to leave)',
  '',
  ' Keys',
  '   1-5, TAB, SHIFT-TAB     switch view (in CLI: ALT-n / ESC n)      ESC ESC  previous view',
  '   h H ?                   this help                                q Q CTRL-C  quit',
  '   UP/DOWN PGUP/PGDOWN     move the selection (10 rows per page)    HOME/END  first/last row',
  '   /                       filter by name (ENTER keeps it, ESC clears it)',
  '   s / S                   sort by the next column / reverse the sort (s past the last = HATop order)',
  '   E                       show or hide the latest-errors panel (needs --errors FILE)',
  '   r                       refresh now          < >  refresh interval slower / faster',
  '',
  ' Server actions (selected row; confirmation asked where destructive)',
  '   e  enable server            d  disable server (confirm)',
  '   D  drain: state drain (confirm)   m  maint: state maint (confirm)   R  ready: state ready',
  '   +  weight +10   -  weight -10 (from the configured weight, 0..256)   w  set weight (prompt)',
  '   ENTER  hotkey menu         SPACE  paste backend/server into the CLI',
  '   F1 F2 F3   enable / disable / drain this server name in ALL backends (confirm for F2, F3)',
  '   F4         weight back to the configured one (100%)',
  '   F5 F6 F7 F8  weight -10 / -1 / +1 / +10',
  '   F9 F10 F11   enable / disable / drain in this backend only',
  '   Refused actions (user- or operator-level socket) show HAProxy\'s own error text.',
  '',
  ' CLI view',
  '   ENTER runs the line (empty line: a time marker), UP/DOWN history, PGUP/PGDOWN scroll,',
  '   LEFT/RIGHT/HOME/END/BACKSPACE/DEL edit. `prompt`, `set timeout cli` and `quit` are refused.',
  '',
  ' Colours: UP/OPEN green, DOWN/STOP red, MAINT/DRAIN yellow, NOLB magenta, no check dim.',
  ' Group titles carry sparklines of the backend request rate and 5xx rate.',
];

export function HelpView(props: { top: number; height: number; width: number }): ReactElement {
  const { top, height, width } = props;
  const t = Math.max(0, Math.min(top, HELP_LINES.length - height + 1));
  return (
    <Box flexDirection="column" width={width}>
      <Text inverse>{' HELP'.padEnd(width)}</Text>
      {HELP_LINES.slice(t, t + height - 1).map((l, i) => (
        <Text key={i} wrap="truncate-end">{l === '' ? ' ' : l}</Text>
      ))}
    </Box>
  );
}
