// --sql timers: p50/p90/p99/p99.9 of TR, Tw, Tc, Tr and Ta (ms) over requests where the timer is set
// (HAProxy logs -1 for a timer that was not reached). Hot path: no.
import type { SqlReport } from './types.ts';

const TIMERS: readonly [string, string][] = [['TR', 'tr'], ['Tw', 'tw'], ['Tc', 'tc'], ['Tr', 'tr_srv'], ['Ta', 'ta']];

export const timersReport: SqlReport = {
  name: 'timers',
  description: 'timer percentiles p50/p90/p99/p99.9 of TR, Tw, Tc, Tr, Ta (ms)',
  sql: (src) => 'SELECT timer, n, p50, p90, p99, "p99.9", max FROM (' + TIMERS.map(([label, c], i) =>
    `SELECT ${i} AS ord, '${label}' AS timer, count(${c}) AS n, ` +
    `quantile_disc(${c}, 0.5) AS p50, quantile_disc(${c}, 0.9) AS p90, quantile_disc(${c}, 0.99) AS p99, ` +
    `quantile_disc(${c}, 0.999) AS "p99.9", max(${c}) AS max ` +
    `FROM (SELECT CASE WHEN ${c} >= 0 THEN ${c} END AS ${c} FROM ${src})`).join(' UNION ALL ') + ') ORDER BY ord',
};
