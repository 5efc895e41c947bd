/*
 * Local replies golden (fixtures/http/local-replies, captured from HAProxy 2.6 by capture.mts there): HEAD requests
 * answered locally get the head only (return, deny, 503, http-error, monitor), a request body already received whole
 * keeps the connection open and the pipelined request is served (return, deny, 503, chunked), a body still on its way
 * or a redirect closes it, the monitor URI matches the path of an absolute URI. Each case on its own connection, the
 * bytes until close or 300 ms of silence. Shared with test/e2e/http/local-replies.test.ts.
 */
import { countersLogs } from './counters-scenario.ts';
import { freeLoopbackPort } from './golden-util.ts';
import { exchangeEnd } from './harness.ts';

export function localRepliesConfig(p: { fe: number; log: number }): string {
  return `defaults
    mode http
    log 127.0.0.1:${p.log} local0
    log-format "%ST %B %U %b %ts %{+Q}r"
    timeout connect 1s
    timeout client 5s
    timeout server 5s

frontend fe
    bind 127.0.0.1:${p.fe}
    monitor-uri /health
    http-request return status 200 content-type text/plain string hi if { path /ret }
    http-request deny if { path /deny }
    http-request redirect location /x if { path /redir }
    use_backend err if { path /err }
    default_backend nosrv

backend nosrv

backend err
    http-error status 503 content-type text/plain string "no server"
`;
}

const H = 'host: local\r\n';
/** [name, chunks] of each case (numbers are pauses in ms). */
export const LOCAL_CASES: [string, (string | number)[]][] = [
  ['head-return', ['HEAD /ret HTTP/1.1\r\n' + H + '\r\n']],
  ['head-deny', ['HEAD /deny HTTP/1.1\r\n' + H + '\r\n']],
  ['head-503', ['HEAD /x HTTP/1.1\r\n' + H + '\r\n']],
  ['head-http-error', ['HEAD /err HTTP/1.1\r\n' + H + '\r\n']],
  ['head-monitor', ['HEAD /health HTTP/1.1\r\n' + H + '\r\n']],
  ['head-redirect', ['HEAD /redir HTTP/1.1\r\n' + H + '\r\n']],
  ['post-return-pipelined', ['POST /ret HTTP/1.1\r\n' + H + 'content-length: 3\r\n\r\nabcGET /ret HTTP/1.1\r\n' + H + '\r\n']],
  ['post-deny-whole', ['POST /deny HTTP/1.1\r\n' + H + 'content-length: 3\r\n\r\nabc']],
  ['post-503-whole', ['POST /x HTTP/1.1\r\n' + H + 'content-length: 3\r\n\r\nabc']],
  ['post-deny-chunked', ['POST /deny HTTP/1.1\r\n' + H + 'transfer-encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n']],
  ['post-deny-pending', ['POST /deny HTTP/1.1\r\n' + H + 'content-length: 3\r\n\r\n', 100, 'ab']],
  ['post-redirect-whole', ['POST /redir HTTP/1.1\r\n' + H + 'content-length: 3\r\n\r\nabc']],
  ['post-monitor-whole', ['POST /health HTTP/1.1\r\n' + H + 'content-length: 3\r\n\r\nabc']],
  ['monitor-absolute', ['GET http://local/health HTTP/1.1\r\n' + H + '\r\n']],
  ['monitor-absolute-query', ['GET http://local/health?x HTTP/1.1\r\n' + H + '\r\n']],
];

/** Runs the cases; one block per case: its name, what came back, and whether the proxy closed. */
export async function runLocalReplies(start: (cfg: string) => Promise<() => Promise<void> | void>): Promise<{ results: string[]; logs: string[] }> {
  const logs = await countersLogs();
  const fe = await freeLoopbackPort();
  const stop = await start(localRepliesConfig({ fe, log: logs.port }));
  const results: string[] = [];
  for (const [name, chunks] of LOCAL_CASES) {
    const r = await exchangeEnd(fe, chunks, 300);
    results.push(name + '\n' + r.buf.toString('latin1') + (r.closed ? '[closed]' : '[open]'));
  }
  await new Promise((w) => setTimeout(w, 200));
  await stop();
  logs.sock.close();
  return { results, logs: logs.lines };
}
