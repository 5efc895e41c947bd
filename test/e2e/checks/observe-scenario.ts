/*
 * Passive health checks (`observe layer4|layer7`, `error-limit`, `on-error`) compared with haproxy 2.6.12
 * (fixtures/proxy/observe, capture.ts there, CMD): a server answering 500 except to /ok and to the checks; layer7 with
 * mark-down at 2 errors, with the default fail-check at 3 (a 200 in between starts the count again), a server
 * observed without `check` (nothing happens). Lines: the statuses, the DOWN messages, then `show stat` status and
 * hanafail. Shared by the test and the capture.
 */
import net from 'node:net';
import { httpStatus } from '../http-status.ts';

export function observeConfig(fe: number, srv: number, sock: string): string {
  return `global\n stats socket ${sock} level admin\n` +
    `defaults\n mode http\n retries 0\n timeout connect 1s\n timeout client 1s\n timeout server 1s\n` +
    `frontend fe\n bind 127.0.0.1:${fe}\n use_backend bb if { path_beg /b }\n use_backend bn if { path_beg /n }\n default_backend ba\n` +
    `backend ba\n option httpchk\n server s1 127.0.0.1:${srv} check inter 60s rise 1 fall 1 observe layer7 error-limit 2 on-error mark-down\n` +
    `backend bb\n option httpchk\n server s1 127.0.0.1:${srv} check inter 60s rise 1 fall 1 observe layer7 error-limit 3\n` +
    `backend bn\n server s1 127.0.0.1:${srv} observe layer7 error-limit 1 on-error mark-down\n` +
    `backend bq\n server s1 127.0.0.1:${srv}\n`;
}

/** 200 to the checks (OPTIONS) and to /ok, else 500. */
export async function observeServer(): Promise<{ port: number; close: () => void }> {
  const s = net.createServer((c) => {
    c.on('error', () => {});
    c.on('data', (d) => {
      const t = d.toString('latin1');
      c.write(t.startsWith('OPTIONS') || t.includes('/ok') ? 'HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok' : 'HTTP/1.1 500 Err\r\ncontent-length: 2\r\n\r\nno');
    });
  });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return { port: (s.address() as net.AddressInfo).port, close: () => s.close() };
}

export async function runObserve(port: number): Promise<string> {
  const out: string[] = [];
  for (const p of ['/a', '/a', '/a', '/b', '/b/ok', '/b', '/b', '/b', '/b', '/n', '/n']) out.push(await httpStatus(port, p));
  return out.join(' ');
}

/** The DOWN messages of stderr text, pid masked. */
export function observeDownLines(stderr: string): string[] {
  return stderr.split('\n').filter((l) => / is DOWN, reason: Health analyze/.test(l)).map((l) => l.replace(/^\[WARNING\] +\(\d+\) : /, ''));
}

/** `show stat` CSV: "pxname,svname,status,hanafail" of the servers. */
export function observeStats(csv: string): string[] {
  return csv.split('\n').filter((l) => l !== '' && !l.startsWith('#') && !/,(FRONTEND|BACKEND),/.test(l))
    .map((l) => { const f = l.split(','); return [f[0], f[1], f[17], f[45]].join(','); });
}
