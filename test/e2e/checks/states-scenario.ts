/*
 * Health-check failures as an operator sees them, compared with haproxy 2.6.12 (fixtures/proxy/check-states,
 * capture.ts there, CMD): one backend per failure (HTTP 503 with a backup taking over, a server closing without an
 * answer, one never answering within `timeout check`, a closed port, a non-HTTP answer; backends with their own
 * http-check rules and the defaults' `option httpchk`: 2.6 drops the defaults' request, sends nothing without an
 * `http-check send` (bneg times out), OPTIONS / HTTP/1.0 with one (bsend)) and `disable server` of the
 * last active server of a backend with a backup. Lines: the state-change messages (pid and durations masked, sorted:
 * the backends are independent), then `show stat` check columns and `show servers state` of the servers. Backend
 * bagent: agents answering the AGENT_REPLIES lines (state words with errors and '#' descriptions, unknown words,
 * an empty reply, an unended line, no reply within `timeout check`). Backend bagent2: a state word with `drain`
 * (2.6's "remains in forced drain mode."), `maint` (the agent columns stay), a weight with `maint` (show stat keeps
 * the weight until the maintenance ends), a weight above 100 %.
 * Shared by the test and the capture.
 */
import net from 'node:net';

/** Agent replies, one server each (agent<i> in the ports); the last never answers. */
export const AGENT_REPLIES = ['fail # boom\n', 'fail boom\n', 'down#x\n', 'UP 25% junk\n', 'hello world\n', 'stopped#oops now\n', 'up\r\n', '', 'junk', 'drain\n', null];
/** Agent replies of backend bagent2's servers (agent2_<i> in the ports). */
export const AGENT2_REPLIES = ['down, drain\n', 'maint\n', '75% maint\n', '150%\n'];

/** Scripted servers: 200, 503, close without answering, never answer, answer "garbage", 200 to OPTIONS / only, the agents. */
export async function statesServers(): Promise<{ ports: Record<string, number>; close: () => void }> {
  const servers: net.Server[] = [];
  const ports: Record<string, number> = {};
  for (const mode of ['ok', 'unavail', 'fin', 'hang', 'garbage', 'options']) {
    const s = net.createServer((c) => {
      c.on('error', () => {});
      if (mode === 'fin') { c.end(); return; }
      c.once('data', (d) => {
        if (mode === 'ok') c.end('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok');
        else if (mode === 'unavail') c.end('HTTP/1.1 503 Service Unavailable\r\ncontent-length: 4\r\n\r\ndown');
        else if (mode === 'garbage') c.end('garbage\r\n');
        else if (mode === 'options') c.end(`HTTP/1.1 ${d.toString('latin1').startsWith('OPTIONS / HTTP/1.0\r\n') ? '200 OK' : '404 Not Found'}\r\ncontent-length: 0\r\n\r\n`);
      });
    });
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    ports[mode] = (s.address() as net.AddressInfo).port;
    servers.push(s);
  }
  for (const [name, reply] of [...AGENT_REPLIES.map((r, i) => ['agent' + i, r]), ...AGENT2_REPLIES.map((r, i) => ['agent2_' + i, r])]) {
    const s = net.createServer((c) => { c.on('error', () => {}); if (reply !== null) c.end(reply); });
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    ports[name!] = (s.address() as net.AddressInfo).port;
    servers.push(s);
  }
  return { ports, close: () => { for (const s of servers) s.close(); } };
}

export function statesConfig(fe: number, p: Record<string, number>, closed: number, sock: string): string {
  const chk = 'check inter 100 fall 1 rise 1';
  return `global\n stats socket ${sock} level admin\n` +
    `defaults\n mode http\n timeout connect 1s\n timeout client 1s\n timeout server 1s\n timeout check 1s\n option httpchk GET /health\n` +
    `frontend fe\n bind 127.0.0.1:${fe}\n default_backend b503\n` +
    `backend b503\n server s1 127.0.0.1:${p.unavail} ${chk}\n server k1 127.0.0.1:${p.ok} ${chk} backup\n server k2 127.0.0.1:${p.ok} ${chk} backup\n` +
    `backend bfin\n server s1 127.0.0.1:${p.fin} ${chk}\n` +
    `backend bhang\n server s1 127.0.0.1:${p.hang} ${chk}\n` +
    `backend bclosed\n server s1 127.0.0.1:${closed} ${chk}\n` +
    `backend bgarbage\n server s1 127.0.0.1:${p.garbage} ${chk}\n` +
    `backend bmaint\n server s1 127.0.0.1:${p.ok} ${chk}\n server k1 127.0.0.1:${p.ok} ${chk} backup\n` +
    `backend bneg\n http-check expect ! string ok\n server s1 127.0.0.1:${p.ok} ${chk}\n` +
    `backend bsend\n http-check send hdr x-y 1\n server s1 127.0.0.1:${p.options} ${chk}\n` +
    `backend bagent\n` +
    AGENT_REPLIES.map((_r, i) => ` server a${i} 127.0.0.1:${p.ok} check inter 100 weight 8 agent-check agent-port ${p['agent' + i]} agent-inter 400\n`).join('') +
    `backend bagent2\n` +
    AGENT2_REPLIES.map((_r, i) => ` server x${i} 127.0.0.1:${p.ok} check inter 100 weight 8 agent-check agent-port ${p['agent2_' + i]} agent-inter 400\n`).join('');
}

/** What runs after the checks settled: the CLI command whose message is compared. */
export const STATES_CLI = 'disable server bmaint/s1';

/** The state-change messages of stderr text: level kept, pid and check durations masked, sorted. */
export function statesLines(stderr: string): string[] {
  return stderr.split('\n').filter((l) => /^\[(WARNING|ALERT)\]/.test(l) && / (is DOWN|is UP|going DOWN|has no server|remains in)/.test(l))
    .map((l) => l.replace(/^\[(\w+)\] +\(\d+\) : /, '[$1] ').replace(/check duration: \d+ms/, 'check duration: Nms')).sort();
}

/** `show stat` taken when no check is in progress (both clear the code and text of a running check), 20 tries;
 *  the checks that end in a timeout are in progress most of the time, with nothing to clear. */
export async function settledStat(cli: (line: string) => Promise<string>): Promise<string> {
  let csv = '';
  for (let i = 0; i < 20; i++) {
    csv = await cli('show stat');
    if (!/,\* (?!L7TOUT)/.test(csv)) break;
    await new Promise((r) => setTimeout(r, 30));
  }
  return csv;
}

/** `show stat` check columns of the servers and backends (the "* " of a check in progress dropped). */
export function statesStats(csv: string): string[] {
  const rows = csv.split('\n').filter((l) => l !== '');
  const head = rows[0].replace(/^# /, '').split(',');
  const cols = ['status', 'weight', 'act', 'bck', 'chkfail', 'chkdown', 'check_status', 'check_code', 'last_chk', 'check_desc', 'check_rise', 'check_fall', 'check_health',
    'agent_status', 'last_agt', 'agent_desc', 'agent_health'];
  const idx = cols.map((c) => head.indexOf(c));
  return rows.slice(1).filter((l) => !/,FRONTEND,/.test(l)).map((l) => {
    const f = l.split(',');
    return [f[0], f[1], ...idx.map((i) => f[i].replace(/^\* /, ''))].join(',');
  });
}

/** `show servers state`: backend, server, op state, admin state, weights, check status. */
export function statesServersState(text: string): string[] {
  return text.split('\n').filter((l) => /^\d+ /.test(l)).map((l) => {
    const f = l.split(' ');
    return [f[1], f[3], f[5], f[6], f[7], f[8], f[10]].join(' ');
  });
}
