/*
 * retry-on golden (fixtures/http/retry-on, captured from HAProxy 2.6 by capture.mts there): 503 retried on the same
 * server until `retries` is spent, empty-response, junk-response with option redispatch (to the other server),
 * response-timeout, `retry-on none` (no retry), a listed status the server does not send, a POST with a small body
 * retried like a GET, a connection failure left unretried when conn-failure is not listed, and
 * `http-request disable-l7-retry`.
 * Shared with test/e2e/http/retry-on.test.ts.
 */
import net from 'node:net';
import { countersLogs, sequence } from './counters-scenario.ts';
import { freeLoopbackPort } from './golden-util.ts';

export interface RetryPorts { fe: number; log: number; bad503: number; close: number; hang: number; junk: number; ok: number; refused: number }

export function retryOnConfig(p: RetryPorts): string {
  return `defaults
    mode http
    log 127.0.0.1:${p.log} local0
    log-format "%ST %B %b/%s %ts %rc %{+Q}r"
    timeout connect 1s
    timeout client 5s
    timeout server 200ms

frontend fe
    bind 127.0.0.1:${p.fe}
    http-request disable-l7-retry if { path /503/noretry }
    use_backend b503 if { path_beg /503 }
    use_backend bclose if { path_beg /close }
    use_backend bhang if { path_beg /hang }
    use_backend bjunk if { path_beg /junk }
    use_backend bnone if { path_beg /none }
    use_backend b404 if { path_beg /404 }
    use_backend brefused if { path_beg /refused }

backend b503
    retry-on 503
    server a 127.0.0.1:${p.bad503}
    server b 127.0.0.1:${p.ok}

backend bclose
    retry-on empty-response
    retries 2
    server a 127.0.0.1:${p.close}
    server b 127.0.0.1:${p.ok}

backend bhang
    retry-on response-timeout
    retries 1
    server a 127.0.0.1:${p.hang}

backend bjunk
    retry-on junk-response
    option redispatch
    server a 127.0.0.1:${p.junk}
    server b 127.0.0.1:${p.ok}

backend bnone
    retry-on none
    server a 127.0.0.1:${p.close}

backend b404
    retry-on 503 404
    retries 1
    server a 127.0.0.1:${p.bad503}

backend brefused
    retry-on 503
    server a 127.0.0.1:${p.refused}
`;
}

function listen(onData: (c: net.Socket) => void, socks: Set<net.Socket>): Promise<net.Server> {
  const s = net.createServer((c) => {
    socks.add(c);
    c.on('close', () => socks.delete(c));
    c.on('error', () => {});
    c.on('data', () => onData(c));
  });
  return new Promise((r) => s.listen(0, '127.0.0.1', () => r(s)));
}

const port = (s: net.Server): number => (s.address() as net.AddressInfo).port;

/** Starts the servers and the log collector, runs the proxy `start` returns a stop for, the requests; results. */
export async function runRetryOn(start: (cfg: string) => Promise<() => Promise<void> | void>): Promise<{ responses: string[]; logs: string[] }> {
  const socks = new Set<net.Socket>();
  const servers = [
    await listen((c) => c.write('HTTP/1.1 503 Busy\r\ncontent-length: 4\r\n\r\nbusy'), socks),
    await listen((c) => c.destroy(), socks),
    await listen(() => {}, socks),
    await listen((c) => c.end('garbage\r\n\r\n'), socks),
    await listen((c) => c.write('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok'), socks),
  ];
  const refused = await freeLoopbackPort();
  const logs = await countersLogs();
  const fe = await freeLoopbackPort();
  const [bad503, close, hang, junk, ok] = servers.map(port);
  const stop = await start(retryOnConfig({ fe, log: logs.port, bad503, close, hang, junk, ok, refused }));
  const get = (path: string): string => 'GET ' + path + ' HTTP/1.1\r\nhost: retry\r\n\r\n';
  const responses: string[] = [];
  for (const r of [get('/503'), get('/503'), get('/close'), get('/hang'), get('/junk'), get('/none'), get('/404'),
    'POST /503 HTTP/1.1\r\nhost: retry\r\ncontent-length: 3\r\n\r\nabc', get('/refused'), get('/503/noretry'), get('/503/noretry')]) {
    responses.push(...await sequence(fe, [r], true, true));
  }
  const end = Date.now() + 3000;
  while (logs.lines.length < responses.length && Date.now() < end) await new Promise((w) => setTimeout(w, 20));
  await stop();
  for (const c of socks) c.destroy();
  for (const s of servers) s.close();
  logs.sock.close();
  return { responses, logs: logs.lines };
}
