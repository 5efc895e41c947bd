/*
 * Stick-table scenarios shared by test/e2e/stick/*.test.ts (Sluice) and fixtures/stick/capture.mts (HAProxy 2.6.12):
 * the configurations, the traffic (raw HTTP/1.1 requests with fixed bytes, one connection each unless said), and the
 * CLI commands whose replies are compared after masking entry pointers and `exp=` countdowns.
 */
import { connect } from 'node:net';
import { createServer } from 'node:http';
import type { Server } from 'node:http';

/** `peer`: a free port for the local peer of peers sections (haproxy binds it; Sluice does not). */
export interface Ports { fe: number; s1: number; s2: number; sock: string; peer?: number }

function defaults(mode: 'http' | 'tcp'): string {
  return `defaults
    mode ${mode}
    timeout client 5s
    timeout server 5s
    timeout connect 2s
`;
}
const DEFAULTS = defaults('http');

/** How most scenario configs begin: `global` with an admin stats socket, then the defaults for `mode`. */
function adminHead(p: Ports, mode: 'http' | 'tcp' = 'http'): string {
  return `global
    stats socket ${p.sock} level admin
${defaults(mode)}`;
}

/** Rate limit on the request rate of the client address (track-sc0 in http-request, 429 above 5 per 10 s). */
export function rateLimitConfig(p: Ports): string {
  return `${adminHead(p)}
frontend fe
    bind 127.0.0.1:${p.fe}
    stick-table type ip size 100k expire 30s store conn_cnt,conn_cur,conn_rate(10s),http_req_cnt,http_req_rate(10s),http_err_cnt,http_err_rate(10s),http_fail_cnt,gpc0,gpc0_rate(10s),gpt0
    http-request track-sc0 src
    http-request sc-inc-gpc0(0) if { path_beg /mark }
    http-request sc-set-gpt0(0) 7 if { path_beg /gpt }
    http-request deny deny_status 429 if { sc_http_req_rate(0) gt 5 }
    http-request return status 200 content-type text/plain lf-string "rate=%[sc_http_req_rate(0)] cnt=%[sc0_http_req_cnt] gpc0=%[sc_get_gpc0(0)] avl=%[table_avl] n=%[table_cnt]\\n" if { path_beg /info }
    default_backend be

backend be
    server s1 127.0.0.1:${p.s1}
`;
}

/** Connection rate limit at layer 4: track-sc1 in tcp-request connection, reject above 4 connections per 10 s. */
export function connRejectConfig(p: Ports): string {
  return `${adminHead(p)}
frontend fe
    bind 127.0.0.1:${p.fe}
    stick-table type ip size 10 expire 30s store conn_cnt,conn_cur,conn_rate(10s),sess_cnt,sess_rate(10s),http_req_cnt,http_req_rate(10s),http_err_cnt
    tcp-request connection track-sc1 src
    tcp-request connection reject if { src_conn_rate gt 4 }
    default_backend be

backend be
    server s1 127.0.0.1:${p.s1}
`;
}

/** Persistence on a request header in a string table, stick on + roundrobin, and a table-only backend. */
export function persistConfig(p: Ports): string {
  return `${adminHead(p)}
frontend fe
    bind 127.0.0.1:${p.fe}
    http-request track-sc2 req.hdr(x-user) table users
    default_backend be

backend be
    balance roundrobin
    stick-table type string len 16 size 10 expire 1m
    stick on req.hdr(x-user)
    server s1 127.0.0.1:${p.s1}
    server s2 127.0.0.1:${p.s2}

backend users
    stick-table type string len 8 size 10 store http_req_cnt,http_err_cnt

peers mypeers
    peer local1 127.0.0.1:1
`;
}

/** A backend answering `name` (200), 404 on /404, 500 on /500; keep-alive. */
export async function startBackend(name: string): Promise<{ server: Server; port: number }> {
  const server = createServer((q, r) => {
    const code = q.url === '/404' ? 404 : q.url === '/500' ? 500 : 200;
    const body = code === 200 ? name : String(code);
    if (q.url === '/login') r.setHeader('set-cookie', `SID=${name}-sess; path=/`);
    r.writeHead(code, { 'content-type': 'text/plain', 'content-length': String(body.length) });
    r.end(body);
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
  return { server, port: (server.address() as { port: number }).port };
}

/** One request on its own connection (Connection: close); the status code, or 0 when the connection was refused/reset. */
export function request(port: number, path: string, hdrs = '', timeoutMs = 3000): Promise<{ status: number; body: string }> {
  return new Promise((resolve) => {
    const c = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const t = setTimeout(() => { c.destroy(); resolve({ status: -1, body: '' }); }, timeoutMs);
    c.on('data', (d) => chunks.push(d));
    c.on('error', () => { /* a reset: status 0 */ });
    c.on('close', () => {
      clearTimeout(t);
      const s = Buffer.concat(chunks).toString('latin1');
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(s);
      const he = s.indexOf('\r\n\r\n');
      resolve({ status: m === null ? 0 : Number(m[1]), body: he < 0 ? '' : s.slice(he + 4) });
    });
    c.on('connect', () => { c.write(`GET ${path} HTTP/1.1\r\nhost: stick.test\r\n${hdrs}connection: close\r\n\r\n`); });
  });
}

/** Several requests on one keep-alive connection, then `during()` while it is still open; returns the statuses. */
export function keepAlive(port: number, paths: string[], during: () => Promise<void>, timeoutMs = 3000): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const c = connect(port, '127.0.0.1');
    let buf = '';
    const statuses: number[] = [];
    let i = 0;
    const t = setTimeout(() => { c.destroy(); reject(new Error('keep-alive timeout')); }, timeoutMs);
    const send = (): void => { c.write(`GET ${paths[i]} HTTP/1.1\r\nhost: stick.test\r\n\r\n`); };
    c.on('error', reject);
    c.on('connect', send);
    c.on('data', (d) => {
      buf += d.toString('latin1');
      for (;;) {
        const he = buf.indexOf('\r\n\r\n');
        if (he < 0) return;
        const m = /content-length: *(\d+)/i.exec(buf.slice(0, he));
        const len = m === null ? 0 : Number(m[1]);
        if (buf.length < he + 4 + len) return;
        statuses.push(Number(buf.slice(9, 12)));
        buf = buf.slice(he + 4 + len);
        if (++i < paths.length) { send(); continue; }
        during().then(() => { clearTimeout(t); c.end(); c.on('close', () => resolve(statuses)); }, reject);
        return;
      }
    });
  });
}

/** One stats socket command; the whole reply. */
export function cli(sock: string, cmd: string, timeoutMs = 3000): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = connect(sock);
    let out = '';
    const t = setTimeout(() => { c.destroy(); reject(new Error('cli timeout: ' + cmd)); }, timeoutMs);
    c.on('data', (d) => { out += d.toString('latin1'); });
    c.on('error', (e) => { clearTimeout(t); reject(e); });
    c.on('close', () => { clearTimeout(t); resolve(out); });
    c.on('connect', () => c.write(cmd + '\n'));
  });
}

/** Pointers and expiry countdowns differ per run: masked in goldens and in what is compared. */
export function maskTable(s: string): string {
  return s.replace(/^0x[0-9a-f]+:/gm, '0x?:').replace(/ exp=\d+/g, ' exp=?');
}

export function sleep(ms: number): Promise<void> { return new Promise((r) => setTimeout(r, ms)); }

/** Scenario runs: each returns the named outputs compared with the goldens (statuses and masked CLI replies). */
export async function runRateLimit(p: Ports): Promise<Record<string, string>> {
  const st: string[] = [];
  // 5 requests pass (the rate counts the current one), then 429s; the gpc/gpt actions before the deny still run
  for (const path of ['/', '/mark', '/info', '/404', '/500', '/gpt', '/', '/mark']) {
    const r = await request(p.fe, path);
    st.push(path === '/info' ? r.status + ' ' + r.body.trim() : String(r.status));
  }
  return {
    'statuses.txt': st.join('\n') + '\n',
    'show-table.txt': await cli(p.sock, 'show table'),
    'show-table-fe.txt': maskTable(await cli(p.sock, 'show table fe')),
    'show-filter.txt': maskTable(await cli(p.sock, 'show table fe data.http_req_cnt gt 3')),
  };
}

export async function runConnReject(p: Ports): Promise<Record<string, string>> {
  // a connection closed without a request: 2.6 counts it as a request (and an error) on the connection's slots
  await new Promise<void>((r) => { const c = connect(p.fe, '127.0.0.1'); c.on('connect', () => setTimeout(() => c.destroy(), 50)); c.on('error', () => r()); c.on('close', () => r()); });
  await sleep(100);
  let during = '';
  const ka = await keepAlive(p.fe, ['/', '/', '/'], async () => { during = maskTable(await cli(p.sock, 'show table fe')); });
  const st: number[] = [];
  for (let i = 0; i < 4; i++) st.push((await request(p.fe, '/')).status);
  await sleep(50);
  return {
    'statuses.txt': ka.join(' ') + '\n' + st.join(' ') + '\n',
    'show-during.txt': during,
    'show-table-fe.txt': maskTable(await cli(p.sock, 'show table fe')),
  };
}

export async function runPersist(p: Ports): Promise<Record<string, string>> {
  const bodies: string[] = [];
  for (const u of ['alice', 'bob', 'alice', 'bob', 'carol', 'alice']) bodies.push((await request(p.fe, '/', `x-user: ${u}\r\n`)).body);
  const e404 = await request(p.fe, '/404', 'x-user: bob\r\n');
  const cmds = ['show table', 'show table be', 'show table users', 'set table users key dave data.http_req_cnt 9',
    'show table users key dave', 'clear table users key alice', 'show table users'];
  const out: Record<string, string> = { 'bodies.txt': bodies.join(' ') + '\n' + e404.status + '\n' };
  let cliText = '';
  for (const c of cmds) cliText += '> ' + c + '\n' + maskTable(await cli(p.sock, c));
  out['cli.txt'] = cliText;
  return out;
}

/** `stick on src` in a backend whose stuck server goes into maintenance: the LB picks another and the entry follows. */
export function persistDownConfig(p: Ports): string {
  return `${adminHead(p)}
listen li
    bind 127.0.0.1:${p.fe}
    balance roundrobin
    option redispatch
    stick-table type ip size 1m expire 1m
    stick on src
    server s1 127.0.0.1:${p.s1}
    server s2 127.0.0.1:${p.s2}
`;
}

export async function runPersistDown(p: Ports): Promise<Record<string, string>> {
  const bodies: string[] = [];
  for (let i = 0; i < 3; i++) bodies.push((await request(p.fe, '/')).body);
  let cliText = '> show table li\n' + maskTable(await cli(p.sock, 'show table li'));
  cliText += '> disable server li/s1\n' + await cli(p.sock, 'disable server li/s1');
  for (let i = 0; i < 2; i++) bodies.push((await request(p.fe, '/')).body);
  cliText += '> show table li\n' + maskTable(await cli(p.sock, 'show table li'));
  cliText += '> enable server li/s1\n' + await cli(p.sock, 'enable server li/s1');
  for (let i = 0; i < 2; i++) bodies.push((await request(p.fe, '/')).body);
  return { 'bodies.txt': bodies.join(' ') + '\n', 'cli.txt': cliText };
}

/** mode tcp: tcp-request content track-sc0 and stick on src; bytes are counted at layer 4 (not bytes_in: whether 2.6 has read a rejected client's bytes yet varies). */
export function tcpConfig(p: Ports): string {
  return `${adminHead(p, 'tcp')}
listen li
    bind 127.0.0.1:${p.fe}
    balance roundrobin
    stick-table type ip size 10 expire 1m store server_id,conn_cnt,conn_cur,conn_rate(10s),sess_cnt,bytes_out_cnt,http_req_cnt
    tcp-request content track-sc0 src
    tcp-request content reject if { sc0_conn_cnt gt 3 }
    stick on src
    server s1 127.0.0.1:${p.s1}
    server s2 127.0.0.1:${p.s2}
`;
}

export async function runTcp(p: Ports): Promise<Record<string, string>> {
  const out: string[] = [];
  for (let i = 0; i < 4; i++) {
    const r = await request(p.fe, '/');
    out.push(r.status === 200 ? r.body : String(r.status));
  }
  await sleep(50);
  return { 'bodies.txt': out.join(' ') + '\n', 'show-table.txt': maskTable(await cli(p.sock, 'show table li')) };
}

/** Persistence learnt from the response: stick store-response res.cook(SID) + stick match req.cook(SID). */
export function persistCookieConfig(p: Ports): string {
  return `${adminHead(p)}
listen li
    bind 127.0.0.1:${p.fe}
    balance roundrobin
    stick-table type string len 32 size 10 expire 1m
    stick match req.cook(SID)
    stick store-response res.cook(SID)
    server s1 127.0.0.1:${p.s1}
    server s2 127.0.0.1:${p.s2}
`;
}

export async function runPersistCookie(p: Ports): Promise<Record<string, string>> {
  const bodies: string[] = [];
  bodies.push((await request(p.fe, '/login')).body, (await request(p.fe, '/login')).body);
  for (const sid of ['s1-sess', 's1-sess', 's2-sess', 's2-sess', 'none']) bodies.push((await request(p.fe, '/', `cookie: SID=${sid}\r\n`)).body);
  return { 'bodies.txt': bodies.join(' ') + '\n', 'show-table.txt': maskTable(await cli(p.sock, 'show table li')) };
}

/** http-response tracking, sc-set-gpt0 from a header, a masked key, and the CLI at user and operator levels. */
export function levelsConfig(p: Ports): string {
  return `global
    stats socket ${p.sock} level operator
    stats socket ${p.sock}.user level user
${DEFAULTS}
frontend fe
    bind 127.0.0.1:${p.fe}
    stick-table type ip size 10 expire 30s store http_req_cnt,gpt0
    http-request track-sc0 src
    http-response track-sc1 src
    http-request sc-set-gpt0(0) req.hdr(x-n)
    http-request track-sc2 src,ipmask(24)
    http-request return status 200 content-type text/plain lf-string "t0=%[sc_tracked(0)] t2=%[sc_tracked(2)] k=%[sc2_http_req_cnt]\\n"
`;
}

export async function runLevels(p: Ports): Promise<Record<string, string>> {
  const r = await request(p.fe, '/', 'x-n: 12\r\n');
  let text = '';
  for (const s of [p.sock + '.user', p.sock]) {
    for (const c of ['show table fe', 'clear table fe key 1.1.1.1', 'set table fe key 1.1.1.1 data.gpt0 1', 'show table fe key 1.1.1.1']) {
      text += `> ${s === p.sock ? 'operator' : 'user'}: ${c}\n` + maskTable(await cli(s, c));
    }
  }
  return { 'body.txt': r.body, 'cli.txt': text };
}

/** accept-proxy: connection rules track the real peer, session rules the PROXY header's source. */
export function proxyProtoConfig(p: Ports): string {
  return `${adminHead(p)}
frontend fe
    bind 127.0.0.1:${p.fe} accept-proxy
    stick-table type ip size 10 expire 30s store conn_cnt,conn_cur,sess_cnt,http_req_cnt
    tcp-request connection track-sc0 src
    tcp-request session track-sc1 src
    default_backend be

backend be
    server s1 127.0.0.1:${p.s1}
`;
}

/** Raw bytes on one connection; resolves with what came back once the peer closed. */
function rawExchange(port: number, data: string, timeoutMs = 3000): Promise<string> {
  return new Promise((resolve) => {
    const c = connect(port, '127.0.0.1');
    let out = '';
    const t = setTimeout(() => { c.destroy(); resolve(out); }, timeoutMs);
    c.on('data', (d) => { out += d.toString('latin1'); });
    c.on('error', () => { /* reset */ });
    c.on('close', () => { clearTimeout(t); resolve(out); });
    c.on('connect', () => c.write(data));
  });
}

export async function runProxyProto(p: Ports): Promise<Record<string, string>> {
  const req = 'GET / HTTP/1.1\r\nhost: stick.test\r\nconnection: close\r\n\r\n';
  const a = await rawExchange(p.fe, 'PROXY TCP4 192.0.2.7 127.0.0.1 5555 80\r\n' + req);
  const b = await rawExchange(p.fe, 'PROXY TCP4 192.0.2.8 127.0.0.1 5556 80\r\n' + req);
  const bad = await rawExchange(p.fe, 'GARBAGE\r\n' + req);
  await sleep(1300);          // a refused header's counters are released (at once in 2.6, by the 1 s sweep here)
  const st = (s: string): string => s.slice(9, 12) || '-';
  return { 'statuses.txt': [st(a), st(b), st(bad)].join(' ') + '\n', 'show-table.txt': maskTable(await cli(p.sock, 'show table fe')) };
}

/** A table declared in a peers section (`<peers>/<name>`), tracked and read from a frontend. */
export function peersTableConfig(p: Ports): string {
  return `global
    stats socket ${p.sock} level admin
peers mypeers
    peer vm 127.0.0.1:${p.peer ?? 1}
    table src_tracking type ip size 10 expire 30s store http_req_cnt,http_req_rate(10s)
${DEFAULTS}
frontend fe
    bind 127.0.0.1:${p.fe}
    stick-table type ip size 5 store gpc0
    http-request track-sc0 src table mypeers/src_tracking
    http-request track-sc1 src
    http-request return status 200 content-type text/plain lf-string "r=%[sc_http_req_rate(0)] s=%[src_http_req_rate(mypeers/src_tracking)]\\n"
`;
}

export async function runPeersTable(p: Ports): Promise<Record<string, string>> {
  const a = await request(p.fe, '/');
  const b = await request(p.fe, '/');
  return {
    'bodies.txt': a.body + b.body,
    'show-table.txt': await cli(p.sock, 'show table'),
    'show-peers-table.txt': maskTable(await cli(p.sock, 'show table mypeers/src_tracking')),
  };
}

/** http-response track-sc1 alone: the request, its 4xx/5xx and its bytes are counted as from http-request. */
export function responseTrackConfig(p: Ports): string {
  return `${adminHead(p)}
frontend fe
    bind 127.0.0.1:${p.fe}
    stick-table type ip size 10 store http_req_cnt,http_err_cnt,http_fail_cnt,conn_cnt,conn_cur,bytes_out_cnt
    http-response track-sc1 src
    http-response set-header x-tracked %[sc_tracked(1)]-%[sc1_http_req_cnt] if { src 127.0.0.1 }
    default_backend be

backend be
    server s1 127.0.0.1:${p.s1}
`;
}

export async function runResponseTrack(p: Ports): Promise<Record<string, string>> {
  const st: string[] = [];
  for (const path of ['/404', '/', '/500']) {
    const text = await rawExchange(p.fe, `GET ${path} HTTP/1.1\r\nhost: stick.test\r\nconnection: close\r\n\r\n`);
    const m = /x-tracked: ([^\r]*)/i.exec(text);
    st.push(text.slice(9, 12) + ' ' + (m === null ? '-' : m[1]));
  }
  return { 'statuses.txt': st.join('\n') + '\n', 'show-table.txt': maskTable(await cli(p.sock, 'show table fe')) };
}

/** tcp-request content rules that wait for data run again from the first one on each chunk, actions included (2.6). */
export function tcpWaitConfig(p: Ports): string {
  return `${adminHead(p, 'tcp')}
listen li
    bind 127.0.0.1:${p.fe}
    stick-table type ip size 10 store gpc0,conn_cnt
    tcp-request inspect-delay 3s
    tcp-request content track-sc0 src
    tcp-request content sc-inc-gpc0(0)
    tcp-request content accept if { req.len ge 20 }
    server s1 127.0.0.1:${p.s1}
`;
}

export async function runTcpWait(p: Ports): Promise<Record<string, string>> {
  const body = await new Promise<string>((resolve) => {
    const c = connect(p.fe, '127.0.0.1');
    let out = '';
    const req = 'GET / HTTP/1.1\r\nhost: stick.test\r\nconnection: close\r\n\r\n';
    c.on('data', (d) => { out += d.toString('latin1'); });
    c.on('error', () => { /* reset */ });
    c.on('close', () => resolve(out));
    // the request in three pieces after a pause: the rules run at accept (no data) and on each piece; the accept
    // only matches the last
    c.on('connect', () => {
      setTimeout(() => c.write(req.slice(0, 4)), 100);
      setTimeout(() => c.write(req.slice(4, 10)), 200);
      setTimeout(() => c.write(req.slice(10)), 300);
    });
  });
  const he = body.indexOf('\r\n\r\n');
  return { 'body.txt': (he < 0 ? '-' : body.slice(he + 4)) + '\n', 'show-table.txt': maskTable(await cli(p.sock, 'show table li')) };
}

/** gpc(n)/gpc_rate(n,p)/gpt(n) arrays: sc-inc-gpc(idx,n), their lines, set/filter on element 0. */
export function arraysConfig(p: Ports): string {
  return `${adminHead(p)}
frontend fe
    bind 127.0.0.1:${p.fe}
    stick-table type ip size 10 store gpc(3),gpc_rate(2,5s),gpt(2)
    http-request track-sc0 src
    http-request sc-inc-gpc(1,0)
    http-request return status 200
`;
}

export async function runArrays(p: Ports): Promise<Record<string, string>> {
  await request(p.fe, '/');
  let text = '';
  for (const c of ['show table fe', 'set table fe key 1.1.1.1 data.gpt0 3', 'set table fe key 1.1.1.1 data.gpc 3',
    'set table fe key 1.1.1.1 data.conn_cnt 3', 'show table fe', 'show table fe data.gpc 3', 'show table fe data.gpc eq 0']) {
    text += '> ' + c + '\n' + maskTable(await cli(p.sock, c));
  }
  return { 'cli.txt': text };
}

/** The table converters: `src,table_http_req_rate(fe)` in an ACL (integer match) and `in_table` in a rule value. */
export function convertersConfig(p: Ports): string {
  return `${adminHead(p)}
frontend fe
    bind 127.0.0.1:${p.fe}
    stick-table type ip size 10 store http_req_rate(10s)
    http-request track-sc0 src
    acl abuse src,table_http_req_rate(fe) gt 2
    http-request deny deny_status 429 if abuse
    http-request return status 200 content-type text/plain lf-string "r=%[src,table_http_req_rate(fe)] in=%[src,in_table(fe)] x=%[str(10.9.9.9),in_table(fe)]\\n"
`;
}

export async function runConverters(p: Ports): Promise<Record<string, string>> {
  const out: string[] = [];
  for (let i = 0; i < 3; i++) { const r = await request(p.fe, '/'); out.push(r.status + (r.status === 200 ? ' ' + r.body.trim() : '')); }
  return { 'statuses.txt': out.join('\n') + '\n' };
}
