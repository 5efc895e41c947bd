// The latest-errors panel: the newest error records from a collector's JSON-lines stream (5xx,
// status -1, abnormal termination states), newest last. Pure function of (events, size).
// Hot path: no.
import { Box, Text } from 'ink';
import type { ReactElement } from 'react';
import type { ErrorEvent } from '../types.ts';
import { padEnd } from '../format.ts';

export function errTailHeight(rows: number): number {
  return rows + 1;
}

export function ErrTail(props: { events: readonly ErrorEvent[]; source: string; width: number; rows: number }): ReactElement {
  const { events, source, width, rows } = props;
  const shown = events.slice(-rows);
  return (
    <Box flexDirection="column" width={width}>
      <Text inverse>{padEnd(` LATEST ERRORS  (${source})`, width).slice(0, width)}</Text>
      {shown.map((e, i) => (
        <Text key={i} wrap="truncate-end">
          {e.ts + ' '}
          <Text color={e.status >= 500 || e.status < 0 ? 'red' : 'yellow'}>{String(e.status).padStart(4)}</Text>
          {` ${e.termState || '----'} ${e.frontend} -> ${e.backend}/${e.server}  ${e.clientIp}  ${e.method} ${e.uri}`}
        </Text>
      ))}
      {Array.from({ length: rows - shown.length }, (_, i) => (
        <Text key={'pad' + i} dimColor>{i === 0 && shown.length === 0 ? '  (no errors yet)' : ' '}</Text>
      ))}
    </Box>
  );
}
