// STATUS view (key 1, the default): health, sessions and queues of every proxy and server, with
// downtime and a bar of session use (scur against slim). Pure function of (lines, ui).
// Hot path: per render.
import type { ReactElement } from 'react';
import type { ColumnSpec } from '../types.ts';
import { bar } from '../format.ts';
import { COL_CHECK, COL_NAME, COL_STATUS, COL_WEIGHT, durCol, numCol } from './common.ts';
import { ProxyTable, type TableProps } from './table.tsx';

const COL_USE: ColumnSpec = {
  id: 'use',
  title: 'SESSIONS USE',
  min: 12,
  align: 'left',
  text: (l, w) => {
    const b = bar(l.row.num.scur, l.row.num.slim, w - 2);
    return b === '' ? '' : '[' + b + ']';
  },
  sortValue: (l) => (l.row.num.slim > 0 ? l.row.num.scur / l.row.num.slim : -1),
};

export const STATUS_COLUMNS: readonly ColumnSpec[] = [
  COL_NAME,
  COL_WEIGHT,
  COL_STATUS,
  COL_CHECK,
  numCol('act', 'ACT', 3),
  numCol('bck', 'BCK', 3),
  numCol('qcur', 'QCUR', 5),
  numCol('qmax', 'QMAX', 5),
  numCol('scur', 'SCUR', 5),
  numCol('smax', 'SMAX', 5),
  numCol('slim', 'SLIM', 5),
  numCol('stot', 'STOT', 7),
  durCol('downtime', 'DOWN'),
  COL_USE,
];

export function StatusView(props: Omit<TableProps, 'columns'>): ReactElement {
  return <ProxyTable {...props} columns={STATUS_COLUMNS} />;
}
