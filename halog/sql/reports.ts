// The list of --sql reports, by name (the one place that knows them all). Hot path: no.
import type { SqlReport } from './types.ts';
import { timersReport } from './timers.ts';
import { statusCodesReport } from './status-codes.ts';
import { serversReport } from './servers.ts';

export const SQL_REPORTS: readonly SqlReport[] = [timersReport, statusCodesReport, serversReport];

export function findSqlReport(name: string): SqlReport | undefined {
  return SQL_REPORTS.find((r) => r.name === name);
}
