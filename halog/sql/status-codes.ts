// --sql status: request counts per HTTP status code, per backend and per backend/server. Hot path: no.
import type { SqlReport } from './types.ts';

export const statusCodesReport: SqlReport = {
  name: 'status',
  description: 'status codes per backend and per server',
  sql: (src) =>
    `SELECT backend, coalesce(server, '*') AS server, status, count(*) AS requests FROM ${src} ` +
    'GROUP BY GROUPING SETS ((backend, status), (backend, server, status)) ' +
    'ORDER BY 1, 2, 3',
};
