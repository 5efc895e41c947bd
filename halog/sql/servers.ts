// --sql servers: per backend/server request count, 5xx and error rates (5xx or a negative timer or a
// termination state other than "--"), and the most frequent termination states. Hot path: no.
import type { SqlReport } from './types.ts';

export const serversReport: SqlReport = {
  name: 'servers',
  description: 'per-server error rates and termination states',
  sql: (src) =>
    'WITH s AS (SELECT backend, server, status, term_state, ' +
    "(status >= 500 OR status < 0 OR tr < 0 OR tw < 0 OR tc < 0 OR tr_srv < 0 OR substr(term_state, 1, 2) <> '--') AS failed " +
    `FROM ${src}), t AS (SELECT backend, server, substr(term_state, 1, 2) AS ts, count(*) AS n FROM s GROUP BY ALL) ` +
    'SELECT backend, server, count(*) AS requests, ' +
    'round(100.0 * count(*) FILTER (WHERE status BETWEEN 500 AND 599) / count(*), 2) AS pct_5xx, ' +
    'round(100.0 * count(*) FILTER (WHERE failed) / count(*), 2) AS pct_errors, ' +
    "(SELECT string_agg(ts || '=' || n, ' ' ORDER BY n DESC, ts) FROM t WHERE t.backend IS NOT DISTINCT FROM s.backend " +
    'AND t.server IS NOT DISTINCT FROM s.server) AS term_states ' +
    'FROM s GROUP BY backend, server ORDER BY backend, server',
};
