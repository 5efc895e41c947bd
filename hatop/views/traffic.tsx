// TRAFFIC view (key 2): load-balancing totals, session rates and limits, bytes in/out as totals
// and as rates derived between refreshes. Pure function of (lines, ui). Hot path: per render.
import type { ReactElement } from 'react';
import type { ColumnSpec } from '../types.ts';
import { COL_NAME, COL_STATUS, COL_WEIGHT, bytesCol, numCol, rateCol } from './common.ts';
import { ProxyTable, type TableProps } from './table.tsx';

export const TRAFFIC_COLUMNS: readonly ColumnSpec[] = [
  COL_NAME,
  COL_WEIGHT,
  COL_STATUS,
  numCol('lbtot', 'LBTOT', 7),
  numCol('rate', 'RATE', 5),
  numCol('rate_lim', 'RLIM', 5),
  numCol('rate_max', 'RMAX', 5),
  bytesCol('bin', 'BIN'),
  bytesCol('bout', 'BOUT'),
  rateCol('binPs', 'IN/s', 11, true),
  rateCol('boutPs', 'OUT/s', 11, true),
];

export function TrafficView(props: Omit<TableProps, 'columns'>): ReactElement {
  return <ProxyTable {...props} columns={TRAFFIC_COLUMNS} />;
}
