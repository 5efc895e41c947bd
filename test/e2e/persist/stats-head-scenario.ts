/*
 * The traffic of the stats-page log golden (fixtures/persist/stats-head/, captured from HAProxy 2.6 by capture.mts):
 * GET, HEAD and POST-less requests to `stats uri`, CSV export and a request beside it; the log's server field
 * (<STATS> for the stats applet, <NOSRV> elsewhere) and status/bytes are what is compared.
 */
import { rawRequest, goldenDefaults } from '../http/golden-util.ts';

export function statsHeadConfig(p: { fe: number; srv: number; log: number }): string {
  return goldenDefaults(p.log) + `
listen l
    bind 127.0.0.1:${p.fe}
    stats enable
    stats uri /stats
    http-request deny if { path /deny }
    server s1 127.0.0.1:${p.srv}
`;
}

export async function runStatsHead(port: number): Promise<string[]> {
  const out: string[] = [];
  for (const r of ['GET /stats', 'HEAD /stats', 'HEAD /stats;csv', 'GET /stats;csv', 'HEAD /deny']) {
    const res = await rawRequest(port, r + ' HTTP/1.1\r\nhost: s\r\nconnection: close\r\n\r\n');
    out.push(r + ' -> ' + res.slice(0, res.indexOf('\r\n')));
  }
  return out;
}
