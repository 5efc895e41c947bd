// HTTP view (key 3): request rates (HAProxy's own and derived per row, so servers and backends get
// one too) and responses per status class. Pure function of (lines, ui). Hot path: per render.
import type { ReactElement } from 'react';
import type { ColumnSpec } from '../types.ts';
import { COL_NAME, COL_STATUS, COL_WEIGHT, numCol, rateCol } from './common.ts';
import { ProxyTable, type TableProps } from './table.tsx';

export const HTTP_COLUMNS: readonly ColumnSpec[] = [
  COL_NAME,
  COL_WEIGHT,
  COL_STATUS,
  rateCol('reqPs', 'REQ/s', 6),
  numCol('req_rate', 'RATE', 5),
  numCol('req_rate_max', 'RMAX', 5),
  numCol('req_tot', 'RTOT', 8),
  numCol('hrsp_1xx', '1xx', 6),
  numCol('hrsp_2xx', '2xx', 7),
  numCol('hrsp_3xx', '3xx', 6),
  numCol('hrsp_4xx', '4xx', 6),
  numCol('hrsp_5xx', '5xx', 6, true),
  numCol('hrsp_other', '?xx', 5),
  rateCol('rsp5xxPs', '5xx/s', 6, false, true),
];

export function HttpView(props: Omit<TableProps, 'columns'>): ReactElement {
  return <ProxyTable {...props} columns={HTTP_COLUMNS} />;
}
