/*
 * `show stat` CSV (also the stats page's `;csv`): the header from columns.ts, then one line per row, every field
 * followed by a comma, strings quoted only when they contain a comma, quote or line break. Appends to an array of
 * string chunks the caller joins once. Hot path: no, but it runs over every server (10,000 in bench/proxy/stats).
 */
import type { StatVal } from './types.ts';
import { ST_F_COUNT } from './columns.ts';
import type { OutBuf } from './out-buf.ts';

function csvField(v: StatVal): string {
  if (v === undefined) return '';
  if (typeof v === 'number') return '' + v;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c === 44 || c === 34 || c === 10 || c === 13) return '"' + v.replace(/"/g, '""') + '"';
  }
  return v;
}

/** One CSV line (with its trailing comma and LF) for a filled row. */
export function csvLine(row: readonly StatVal[]): string {
  let s = '';
  for (let i = 0; i < ST_F_COUNT; i++) s += csvField(row[i]) + ',';
  return s + '\n';
}

/** Appends one CSV line for a filled row to `out` (same bytes as csvLine, without intermediate strings). */
export function csvLineInto(out: OutBuf, row: readonly StatVal[]): void {
  for (let i = 0; i < ST_F_COUNT; i++) {
    const v = row[i];
    if (typeof v === 'number') out.num(v);
    else if (v !== undefined) out.str(csvField(v));
    out.byte(44);
  }
  out.byte(10);
}
