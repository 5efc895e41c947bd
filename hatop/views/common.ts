// Column builders shared by the proxy table views (NAME, W, STATUS, CHECK, counters, bytes,
// durations, derived rates), so each view file only lists its columns. Pure. Hot path: per render.
import type { ColumnSpec, RowLine, RowRates, StatNumCol } from '../types.ts';
import { fmtBytes, fmtDur, fmtNum, fmtRate } from '../format.ts';
import { checkColor, errorColor, statusColor } from '../theme.ts';

function z(n: number): number {
  return Number.isNaN(n) ? -1 : n;
}

export const COL_NAME: ColumnSpec = {
  id: 'name',
  title: 'NAME',
  min: 16,
  align: 'left',
  text: (l) => l.name,
  sortValue: (l) => l.row.key,
};

export const COL_WEIGHT: ColumnSpec = {
  id: 'weight',
  title: 'W',
  min: 4,
  align: 'right',
  text: (l, w) => fmtNum(l.row.num.weight, w),
  sortValue: (l) => z(l.row.num.weight),
};

export const COL_STATUS: ColumnSpec = {
  id: 'status',
  title: 'STATUS',
  min: 10,
  align: 'left',
  text: (l) => l.row.str.status,
  sortValue: (l) => l.row.str.status,
  color: (l) => statusColor(l.row.str.status),
};

/** Last health check code; `none` for a server running without checks (HATop's word). */
export const COL_CHECK: ColumnSpec = {
  id: 'check',
  title: 'CHECK',
  min: 7,
  align: 'left',
  text: (l) => (l.row.str.status === 'no check' ? 'none' : l.row.str.check_status),
  sortValue: (l) => l.row.str.check_status,
  color: (l) => checkColor(l.row.str.check_status),
};

/** A counter or gauge column read from `show stat` by name. `errors` paints non-zero red. */
export function numCol(id: StatNumCol, title: string, min: number, errors = false): ColumnSpec {
  return {
    id,
    title,
    min,
    align: 'right',
    text: (l, w) => fmtNum(l.row.num[id], w),
    sortValue: (l) => z(l.row.num[id]),
    color: errors ? (l) => errorColor(l.row.num[id]) : undefined,
  };
}

export function bytesCol(id: 'bin' | 'bout', title: string): ColumnSpec {
  return { id, title, min: 9, align: 'right', text: (l) => fmtBytes(l.row.num[id]), sortValue: (l) => z(l.row.num[id]) };
}

export function durCol(id: 'lastchg' | 'downtime', title: string): ColumnSpec {
  return { id, title, min: 5, align: 'right', text: (l) => fmtDur(l.row.num[id]), sortValue: (l) => z(l.row.num[id]) };
}

/** A rate derived between two refreshes (blank until the second refresh). */
export function rateCol(id: keyof RowRates, title: string, min: number, bytes = false, errors = false): ColumnSpec {
  const get = (l: RowLine): number => (l.rates ? l.rates[id] : NaN);
  return {
    id,
    title,
    min,
    align: 'right',
    text: (l, w) => {
      const v = get(l);
      if (!bytes || Number.isNaN(v)) return fmtRate(v, w);
      return fmtBytes(v) + '/s';
    },
    sortValue: (l) => z(get(l)),
    color: errors ? (l) => errorColor(get(l)) : undefined,
  };
}
