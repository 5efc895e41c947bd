// Turns instance models into the lines of a proxy table: HATop's grouped layout (`>>> px`, rows,
// blank) or, when a sort column is chosen, one flat list sorted on it; applies the `/` name filter.
// Also keeps the selection sticky (by row id) and the scroll window around it. Pure; called by
// app.tsx and --once. Hot path: per refresh and per key (1,000+ rows, bench/hatop/render.bench.ts).
import type { ColumnSpec, InstanceModel, RowLine, SortState, TableLine } from './types.ts';

const BLANK: TableLine = { kind: 'blank' };

/** Row id, unique across instances: `<instance index>|<pxname>/<svname>`. */
export function rowId(inst: number, key: string): string {
  return inst + '|' + key;
}

/** Builds the table lines. `filter` is a case-insensitive substring of `pxname/svname`; a proxy
 * whose name matches keeps all its rows. With `sort.col` set the output is flat (no groups). */
export function buildLines(
  insts: readonly InstanceModel[],
  filter: string,
  sort: SortState,
  columns: readonly ColumnSpec[],
): TableLine[] {
  const f = filter.toLowerCase();
  const lines: TableLine[] = [];
  const flat = sort.col !== '';
  for (let i = 0; i < insts.length; i++) {
    const m = insts[i]!;
    if (!m.snap) continue;
    const byKey = m.rates?.byKey;
    for (const g of m.snap.groups) {
      const pxMatch = f === '' || g.pxname.toLowerCase().includes(f);
      let titled = false;
      for (const row of g.rows) {
        if (!pxMatch && !row.key.toLowerCase().includes(f)) continue;
        if (!flat && !titled) {
          lines.push({ kind: 'group', inst: i, pxname: g.pxname, series: m.history.get(g.pxname) ?? null });
          titled = true;
        }
        const name = flat ? (insts.length > 1 ? m.label + ' ' + row.key : row.key) : row.str.svname;
        lines.push({ kind: 'row', inst: i, id: rowId(i, row.key), name, row, rates: byKey?.get(row.key) ?? null });
      }
      if (titled) lines.push(BLANK);
    }
  }
  if (!flat) return lines;
  const col = columns.find((c) => c.id === sort.col);
  if (!col?.sortValue) return lines;
  const key = col.sortValue;
  const dir = sort.desc ? -1 : 1;
  const rows = lines as RowLine[];
  // Precompute keys once: a comparator that re-derives them costs ~3x on 1,000 rows.
  const keys = rows.map((l) => key(l));
  const idx = rows.map((_, j) => j);
  idx.sort((a, b) => {
    const x = keys[a]!;
    const y = keys[b]!;
    const c = x < y ? -1 : x > y ? 1 : 0;
    return c * dir || a - b;
  });
  return idx.map((j) => rows[j]!);
}

/** Index of the selected row: the line with id `selected`, else the first row line, else -1. */
export function selectedIndex(lines: readonly TableLine[], selected: string): number {
  let first = -1;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (l.kind !== 'row') continue;
    if (l.id === selected) return i;
    if (first < 0) first = i;
  }
  return first;
}

/** The row `delta` rows away from index `from` (skipping group titles and blanks), clamped. */
export function moveSelection(lines: readonly TableLine[], from: number, delta: number): number {
  if (lines.length === 0) return -1;
  let i = from < 0 ? 0 : from;
  let last = lines[i]?.kind === 'row' ? i : -1;
  const step = delta < 0 ? -1 : 1;
  let left = Math.abs(delta);
  for (let j = i + step; left > 0 && j >= 0 && j < lines.length; j += step) {
    if (lines[j]!.kind === 'row') {
      last = j;
      left--;
    }
  }
  if (last < 0) {
    for (let j = 0; j < lines.length; j++) if (lines[j]!.kind === 'row') return j;
  }
  return last;
}

/** Index of the last row line, -1 when there is none. */
export function lastRowIndex(lines: readonly TableLine[]): number {
  for (let i = lines.length - 1; i >= 0; i--) if (lines[i]!.kind === 'row') return i;
  return -1;
}

/** First visible line so that `sel` is inside [top, top+height) and the window stays in range;
 * the group title above a selected first row is kept visible when possible. */
export function scrollTop(top: number, sel: number, height: number, total: number): number {
  if (height <= 0) return 0;
  let t = top;
  if (sel >= 0) {
    if (sel < t + 1) t = Math.max(0, sel - 1);
    if (sel >= t + height) t = sel - height + 1;
  }
  return Math.max(0, Math.min(t, Math.max(0, total - height)));
}
