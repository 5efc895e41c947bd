// Renders a proxy table (STATUS, TRAFFIC, HTTP, ERRORS share it): a reverse-video column header
// with the sort indicator, then only the visible window of lines, one <Text> per line so layout
// cost does not grow with the number of servers. Pure function of (lines, columns, ui).
// Hot path: per render (bench/hatop/render.bench.ts).
import { Box, Text } from 'ink';
import type { ReactElement } from 'react';
import type { ColumnSpec, RowLine, TableLine, TableUi } from '../types.ts';
import { fitLeft, padEnd, padStart, sparkline, fmtRate } from '../format.ts';
import { COLOR_SPARK_5XX, COLOR_SPARK_REQ } from '../theme.ts';

/** The columns that fit in `width` (a prefix: right-hand columns are dropped whole rather than cut)
 * and their widths: each column's minimum, with the spare width shared evenly (as HATop). */
export function fitColumns(columns: readonly ColumnSpec[], width: number): { cols: readonly ColumnSpec[]; widths: number[] } {
  let n = 0;
  let min = -1;
  while (n < columns.length && min + 1 + columns[n]!.min <= width) {
    min += 1 + columns[n]!.min;
    n++;
  }
  if (n === 0) n = 1;
  const cols = columns.slice(0, n);
  const spare = Math.max(0, width - min);
  const each = Math.floor(spare / n);
  const rest = spare - each * n;
  // The name column (first) also takes the remainder so the right edge lines up.
  return { cols, widths: cols.map((c, i) => c.min + each + (i === 0 ? rest : 0)) };
}

function cell(c: ColumnSpec, line: RowLine, w: number): string {
  const t = c.text(line, w);
  if (c.align === 'left') return padEnd(c.id === 'name' ? fitLeft(t, w) : t.slice(0, w), w);
  return padStart(t.length > w ? t.slice(t.length - w) : t, w);
}

function RowText(props: {
  line: RowLine;
  columns: readonly ColumnSpec[];
  widths: readonly number[];
  selected: boolean;
  pending: boolean;
}): ReactElement {
  const { line, columns, widths, selected, pending } = props;
  if (selected) {
    // One string in reverse video: colours would be lost under the inverse anyway.
    let s = '';
    for (let i = 0; i < columns.length; i++) {
      if (i > 0) s += ' ';
      s += pending && columns[i]!.id === 'status' ? padEnd('updating...', widths[i]!).slice(0, widths[i]!) : cell(columns[i]!, line, widths[i]!);
    }
    return <Text inverse wrap="truncate-end">{s}</Text>;
  }
  // Consecutive uncoloured cells are merged into one segment to keep the element count low.
  const segs: ReactElement[] = [];
  let plain = '';
  for (let i = 0; i < columns.length; i++) {
    const c = columns[i]!;
    if (i > 0) plain += ' ';
    if (pending && c.id === 'status') {
      segs.push(<Text key={segs.length}>{plain}</Text>);
      plain = '';
      segs.push(<Text key={segs.length} dimColor>{padEnd('updating...', widths[i]!).slice(0, widths[i]!)}</Text>);
      continue;
    }
    const color = c.color?.(line);
    const text = cell(c, line, widths[i]!);
    if (color === undefined) {
      plain += text;
      continue;
    }
    if (plain !== '') segs.push(<Text key={segs.length}>{plain}</Text>);
    plain = '';
    segs.push(
      <Text key={segs.length} color={color === 'gray' ? undefined : color} dimColor={color === 'gray'}>
        {text}
      </Text>,
    );
  }
  if (plain !== '') segs.push(<Text key={segs.length}>{plain}</Text>);
  return <Text wrap="truncate-end">{segs}</Text>;
}

function GroupText(props: { line: Extract<TableLine, { kind: 'group' }>; label: string; width: number }): ReactElement {
  const { line, label, width } = props;
  const title = `>>> ${label}${line.pxname}`;
  const s = line.series;
  // Sparklines only when there is history and room for both after the title.
  // Layout: title (>= 24) + "  req/s " + spark + " " + 6 + " 5xx/s " + spark + " " + 6.
  const sparkW = Math.min(30, Math.floor((width - Math.max(title.length, 24) - 35) / 2));
  if (!s || s.req.length === 0 || sparkW < 8) return <Text bold wrap="truncate-end">{title}</Text>;
  const lastReq = s.req[s.req.length - 1]!;
  const last5xx = s.rsp5xx[s.rsp5xx.length - 1]!;
  return (
    <Text wrap="truncate-end">
      <Text bold>{padEnd(title, Math.max(title.length, 24))}</Text>
      <Text dimColor>{s.sess ? ' sess/s ' : '  req/s '}</Text>
      <Text color={COLOR_SPARK_REQ}>{sparkline(s.req, sparkW)}</Text>
      <Text>{' ' + padEnd(fmtRate(lastReq, 6), 6)}</Text>
      <Text dimColor>{' 5xx/s '}</Text>
      <Text color={COLOR_SPARK_5XX}>{sparkline(s.rsp5xx, sparkW)}</Text>
      <Text>{' ' + fmtRate(last5xx, 6)}</Text>
    </Text>
  );
}

export interface TableProps {
  readonly lines: readonly TableLine[];
  readonly columns: readonly ColumnSpec[];
  readonly ui: TableUi;
  /** Instance labels, shown in group titles in fleet mode. */
  readonly labels: readonly string[];
}

/** The column header line (reverse video) with `^`/`v` after the sorted column's title. */
export function headerLine(columns: readonly ColumnSpec[], widths: readonly number[], sortCol: string, desc: boolean): string {
  let s = '';
  for (let i = 0; i < columns.length; i++) {
    const c = columns[i]!;
    const t = c.id === sortCol ? c.title + (desc ? 'v' : '^') : c.title;
    if (i > 0) s += ' ';
    s += c.align === 'left' ? padEnd(t, widths[i]!) : padStart(t, widths[i]!);
  }
  return s;
}

export function ProxyTable(props: TableProps): ReactElement {
  const { lines, ui, labels } = props;
  const { cols, widths } = fitColumns(props.columns, ui.width);
  const end = Math.min(lines.length, ui.top + ui.height);
  const out: ReactElement[] = [];
  for (let i = ui.top; i < end; i++) {
    const l = lines[i]!;
    if (l.kind === 'blank') out.push(<Text key={i}> </Text>);
    else if (l.kind === 'group') {
      out.push(<GroupText key={i} line={l} label={ui.fleet ? `[${labels[l.inst]}] ` : ''} width={ui.width} />);
    } else {
      out.push(
        <RowText key={i} line={l} columns={cols} widths={widths} selected={l.id === ui.selected} pending={ui.pending.has(l.id)} />,
      );
    }
  }
  return (
    <Box flexDirection="column" width={ui.width}>
      <Text inverse wrap="truncate-end">{padEnd(headerLine(cols, widths, ui.sort.col, ui.sort.desc), ui.width)}</Text>
      {out}
    </Box>
  );
}
