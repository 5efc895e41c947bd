// ERRORS view (key 4): health-check failures, last change and downtime, request/connection/response
// errors, denials, retries, redispatches and aborts; non-zero error counters in red.
// Pure function of (lines, ui). Hot path: per render.
import type { ReactElement } from 'react';
import type { ColumnSpec } from '../types.ts';
import { COL_CHECK, COL_NAME, COL_STATUS, COL_WEIGHT, durCol, numCol } from './common.ts';
import { ProxyTable, type TableProps } from './table.tsx';

export const ERRORS_COLUMNS: readonly ColumnSpec[] = [
  COL_NAME,
  COL_WEIGHT,
  COL_STATUS,
  COL_CHECK,
  numCol('chkfail', 'CF', 4, true),
  numCol('chkdown', 'CD', 4, true),
  durCol('lastchg', 'CL'),
  numCol('econ', 'ECONN', 5, true),
  numCol('ereq', 'EREQ', 5, true),
  numCol('eresp', 'ERSP', 5, true),
  numCol('dreq', 'DREQ', 5, true),
  numCol('dresp', 'DRSP', 5, true),
  numCol('wretr', 'RETR', 5, true),
  numCol('wredis', 'REDIS', 5, true),
  numCol('cli_abrt', 'CABRT', 5),
  numCol('srv_abrt', 'SABRT', 5, true),
  durCol('downtime', 'DOWN'),
];

export function ErrorsView(props: Omit<TableProps, 'columns'>): ReactElement {
  return <ProxyTable {...props} columns={ERRORS_COLUMNS} />;
}
