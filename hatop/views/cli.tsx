// CLI view (key 5): the output of runtime API commands typed by the operator and of actions
// (`* date`, `> cmd`, reply), scrolled with PGUP/PGDOWN, and the input line with its cursor.
// Pure function of (CliState, size). Hot path: no.
import { Box, Text } from 'ink';
import type { ReactElement } from 'react';
import type { CliState } from '../types.ts';
import { fitRight, padEnd } from '../format.ts';

/* the title fits the width: a long socket path or a narrow terminal cuts it instead of wrapping the bar */
function titleBar(left: string, width: number): string {
  if (width < 60) return padEnd(fitRight(left, width), width); // too narrow for the hint: the target first
  const w = width - 30;
  return padEnd(fitRight(padEnd(fitRight(left, w), w) + padEnd('use ALT-n / ESC n to escape', 30), width), width);
}

/** `target` names the socket commands go to (the selected row's instance in a fleet). */
export function CliView(props: { cli: CliState; width: number; height: number; target: string }): ReactElement {
  const { cli, width, height, target } = props;
  const outH = Math.max(1, height - 2);
  const end = Math.max(0, cli.out.length - cli.scroll);
  const start = Math.max(0, end - outH);
  const shown = cli.out.slice(start, end);
  const before = cli.input.slice(0, cli.cursor);
  const at = cli.input.charAt(cli.cursor) || ' ';
  const after = cli.input.slice(cli.cursor + 1);
  return (
    <Box flexDirection="column" width={width}>
      <Text inverse wrap="truncate-end">{titleBar(` runtime API on ${target}` + (cli.scroll > 0 ? `  (scrolled back ${cli.scroll} lines)` : ''), width)}</Text>
      {shown.map((l, i) => (
        <Text key={i} wrap="truncate-end">{l === '' ? ' ' : l}</Text>
      ))}
      {Array.from({ length: outH - shown.length }, (_, i) => (
        <Text key={'pad' + i}> </Text>
      ))}
      <Text wrap="truncate-end">
        {'> ' + before}
        <Text inverse>{at}</Text>
        {after}
      </Text>
    </Box>
  );
}
