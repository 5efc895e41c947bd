// The whole screen: header, the current view, the optional latest-errors panel and the footer
// (message line, view tabs and context hints). Pure function of (models, UI state), used by app.tsx
// for the live screen and by main.ts for `--once`. Hot path: per render.
import { Box, Text } from 'ink';
import type { ReactElement } from 'react';
import type { CliState, ErrorEvent, InstanceModel, TableLine, TableUi, ViewId } from '../types.ts';
import { padEnd } from '../format.ts';
import { Header, headerHeight } from './header.tsx';
import { StatusView } from './status.tsx';
import { TrafficView } from './traffic.tsx';
import { HttpView } from './http.tsx';
import { ErrorsView } from './errors.tsx';
import { CliView } from './cli.tsx';
import { HelpView } from './help.tsx';
import { ErrTail, errTailHeight } from './errtail.tsx';

export const ERR_PANEL_ROWS = 5;
const FOOTER_H = 2;

export interface ScreenProps {
  readonly insts: readonly InstanceModel[];
  readonly view: ViewId;
  readonly width: number;
  readonly height: number;
  readonly now: Date;
  readonly intervalMs: number;
  readonly lines: readonly TableLine[];
  readonly table: TableUi;
  readonly cli: CliState;
  /** Instance the CLI view sends to (fleet mode: the selected row's). */
  readonly cliInst?: number;
  readonly helpTop: number;
  readonly message: string;
  readonly messageColor?: string;
  /** Right side of the footer (context hints); the view tabs are on the left. */
  readonly hint: string;
  readonly errPanel: { readonly events: readonly ErrorEvent[]; readonly source: string } | null;
}

/** Lines left for the view (its own title/column-header line included). */
export function viewHeight(nInst: number, height: number, errPanel: boolean): number {
  return Math.max(3, height - headerHeight(nInst) - 1 - FOOTER_H - (errPanel ? errTailHeight(ERR_PANEL_ROWS) : 0));
}

const TABS: readonly [ViewId, string][] = [
  ['status', '1-STATUS'],
  ['traffic', '2-TRAFFIC'],
  ['http', '3-HTTP'],
  ['errors', '4-ERRORS'],
  ['cli', '5-CLI'],
];

function Footer(props: { view: ViewId; width: number; message: string; color?: string; hint: string }): ReactElement {
  const { view, width, message, color, hint } = props;
  let used = 0;
  const tabs = TABS.map(([id, label]) => {
    used += label.length + 2;
    return (
      <Text key={id} inverse={id !== view} bold={id === view}>
        {' ' + label + ' '}
      </Text>
    );
  });
  const right = hint.length > width - used - 1 ? hint.slice(0, Math.max(0, width - used - 1)) : hint;
  return (
    <Box flexDirection="column" width={width}>
      <Text color={color} wrap="truncate-end">{message === '' ? ' ' : message}</Text>
      <Text wrap="truncate-end">
        {tabs}
        <Text inverse>{padEnd('', Math.max(0, width - used - right.length)) + right}</Text>
      </Text>
    </Box>
  );
}

export function Screen(p: ScreenProps): ReactElement {
  const vh = viewHeight(p.insts.length, p.height, p.errPanel !== null);
  const labels = p.insts.map((m) => m.label);
  const tableProps = { lines: p.lines, ui: { ...p.table, height: vh - 1 }, labels };
  let body: ReactElement;
  switch (p.view) {
    case 'status':
      body = <StatusView {...tableProps} />;
      break;
    case 'traffic':
      body = <TrafficView {...tableProps} />;
      break;
    case 'http':
      body = <HttpView {...tableProps} />;
      break;
    case 'errors':
      body = <ErrorsView {...tableProps} />;
      break;
    case 'cli':
      body = <CliView cli={p.cli} width={p.width} height={vh} target={labels[p.cliInst ?? 0] ?? ''} />;
      break;
    default:
      body = <HelpView top={p.helpTop} height={vh} width={p.width} />;
  }
  return (
    <Box flexDirection="column" width={p.width}>
      <Header insts={p.insts} width={p.width} now={p.now} intervalMs={p.intervalMs} />
      <Text> </Text>
      <Box flexDirection="column" height={vh}>
        {body}
      </Box>
      {p.errPanel ? <ErrTail events={p.errPanel.events} source={p.errPanel.source} width={p.width} rows={ERR_PANEL_ROWS} /> : null}
      <Footer view={p.view} width={p.width} message={p.message} color={p.messageColor} hint={p.hint} />
    </Box>
  );
}
