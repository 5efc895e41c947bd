/*
 * Local replies decided by a backend's http-request rules (deny, return, tarpit) and a frontend tarpit, compared with
 * haproxy 2.6.12 (fixtures/proxy/backend-local-reply, capture.ts there, CMD): logged `be/<NOSRV>`, counted on the
 * backend (stot, dreq, hrsp_*, req_tot), the backend's `timeout tarpit`, tarpit logged TR -1 with the delay as Tw.
 * Lines: statuses, masked log lines, then `show stat` columns. Shared by the test and the capture.
 */
import { httpStatus } from '../http-status.ts';

export function backendReplyConfig(fe: number, sock: string, logPort: number): string {
  return `global\n log 127.0.0.1:${logPort} local0\n stats socket ${sock} level admin\n` +
    `defaults\n mode http\n log global\n option httplog\n timeout connect 1s\n timeout client 1s\n timeout server 1s\n` +
    `frontend fe\n bind 127.0.0.1:${fe}\n http-request tarpit deny_status 429 if { path_beg /ft }\n timeout tarpit 300ms\n default_backend b\n` +
    `backend b\n http-request deny if { path_beg /d }\n http-request return status 201 if { path_beg /r }\n` +
    ` http-request tarpit deny_status 429 if { path_beg /t }\n timeout tarpit 100ms\n server s 127.0.0.1:1\n`;
}

export async function runBackendReply(port: number): Promise<string> {
  const out: string[] = [];
  for (const p of ['/d', '/r', '/t', '/ft']) out.push(await httpStatus(port, p));
  return out.join(' ');
}

/** `fe be/srv Tr Tw-bucket status bytes term "req"`: Tw as 0, ~100 or ~300 ms. */
export function maskBackendReplyLog(line: string): string {
  const m = /\] (\S+) (\S+) (-?\d+)\/(-?\d+)\/\S+ (-?\d+) (\d+) \S+ \S+ (\S{4}) .* ("[^"]*")$/.exec(line);
  if (m === null) return line;
  const tw = Number(m[4]);
  return `${m[1]} ${m[2]} ${m[3] === '-1' ? '-1' : 'Tr'} ${tw < 0 ? '-1' : tw < 50 ? '0' : tw < 200 ? '~100' : '~300'} ${m[5]} ${m[6]} ${m[7]} ${m[8]}`;
}

/** `show stat` CSV: pxname,svname,stot,dreq,hrsp_2xx,hrsp_4xx,req_tot of the frontend and backend rows. */
export function backendReplyStats(csv: string): string[] {
  return csv.split('\n').filter((l) => /^(fe,FRONTEND|b,BACKEND),/.test(l))
    .map((l) => { const f = l.split(','); return [f[0], f[1], f[7], f[10], f[40], f[42], f[48]].join(','); });
}
